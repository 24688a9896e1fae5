// SPDX-License-Identifier: GPL-2.0
/*
 * Non-blocking PGM sockets with poll(): accept, recv and send give EAGAIN
 * and poll() tells when to try again; the end of a session reads 0; the
 * calls a socket's role does not allow fail as the socket API says.
 * Source and receiver share a network namespace of their own (multicast
 * loops back on lo).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

__attribute__((constructor)) static void own_netns(void)
{
	if (pgm_netns_lo())
		exit(KSFT_SKIP);
}

static int poll1(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

#define EXPECT_ERR(err, call) do {			\
		errno = 0;				\
		EXPECT_EQ(-1, (call));			\
		EXPECT_EQ(err, errno);			\
	} while (0)

FIXTURE(pair)
{
	int ls, src;
	struct sockaddr_in g;
};

FIXTURE_SETUP(pair)
{
	struct rm_send_window w = { 10000, 200, 0 };

	self->g = pgm_sin("239.9.9.10", 7710);
	self->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	self->src = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, self->ls);
	ASSERT_LE(0, self->src);
	ASSERT_EQ(0, bind(self->ls, (struct sockaddr *)&self->g, sizeof(self->g)));
	ASSERT_EQ(0, listen(self->ls, 4));
	pgm_set_nonblock(self->ls);
	ASSERT_EQ(0, setsockopt(self->src, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	ASSERT_EQ(0, connect(self->src, (struct sockaddr *)&self->g,
			     sizeof(self->g)));
	pgm_set_nonblock(self->src);
}

FIXTURE_TEARDOWN(pair)
{
	close(self->src);
	close(self->ls);
}

/* Nothing sent: no session to accept, and poll() says so. */
TEST_F(pair, accept_eagain)
{
	EXPECT_EQ(0, poll1(self->ls, POLLIN, 200));
	EXPECT_ERR(EAGAIN, accept(self->ls, NULL, NULL));
}

TEST_F(pair, poll_accept_recv)
{
	struct sockaddr_in peer, local;
	socklen_t len = sizeof(peer);
	char buf[100];
	int cs;

	ASSERT_EQ(5, send(self->src, "hello", 5, 0));
	EXPECT_TRUE(poll1(self->ls, POLLIN, 5000) & POLLIN);
	cs = accept(self->ls, (struct sockaddr *)&peer, &len);
	ASSERT_LE(0, cs);
	/* The session's peer is the source's address and PGM port. */
	len = sizeof(local);
	ASSERT_EQ(0, getsockname(self->src, (struct sockaddr *)&local, &len));
	EXPECT_EQ(local.sin_port, peer.sin_port);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr);

	EXPECT_TRUE(poll1(cs, POLLIN, 5000) & POLLIN);
	EXPECT_EQ(5, recv(cs, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_ERR(EAGAIN, recv(cs, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, poll1(cs, POLLIN, 100));

	/* The end of the session: readable, and the read returns 0. */
	ASSERT_EQ(0, shutdown(self->src, SHUT_WR));
	EXPECT_TRUE(poll1(cs, POLLIN, 10000) & POLLIN);
	EXPECT_EQ(0, recv(cs, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERR(EPIPE, send(self->src, "x", 1, MSG_NOSIGNAL));
	close(cs);
}

/* A full window: EAGAIN, no POLLOUT; room again once data leaves it. */
TEST_F(pair, send_eagain_pollout)
{
	static char buf[1000];
	int i, sent = 0;

	for (i = 0; i < 100000; i++) {
		if (send(self->src, buf, sizeof(buf), 0) < 0)
			break;
		sent++;
	}
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LT(0, sent);
	EXPECT_EQ(0, poll1(self->src, POLLOUT, 0));
	EXPECT_TRUE(poll1(self->src, POLLOUT, 30000) & POLLOUT);
	EXPECT_EQ((int)sizeof(buf), send(self->src, buf, sizeof(buf), 0));
}

/* A message that could never fit the send buffer, non-blocking. */
TEST_F(pair, message_too_big)
{
	int sndbuf;
	socklen_t len = sizeof(sndbuf);
	char *big;

	ASSERT_EQ(0, getsockopt(self->src, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
	big = calloc(1, sndbuf);
	ASSERT_NE(NULL, big);
	EXPECT_ERR(EMSGSIZE, send(self->src, big, sndbuf, 0));
	free(big);
}

TEST(role_errors)
{
	struct sockaddr_in g = pgm_sin("239.9.9.11", 7711);
	struct sockaddr_in uni = pgm_sin("10.1.2.3", 7711);
	struct sockaddr_in nport = pgm_sin("239.9.9.11", 0);
	int a = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	int b = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	char buf[10];

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* A socket without a role. */
	EXPECT_ERR(ENOTCONN, send(a, "x", 1, 0));
	EXPECT_ERR(ENOTCONN, recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERR(EINVAL, listen(a, 1));
	EXPECT_ERR(EINVAL, connect(a, (struct sockaddr *)&uni, sizeof(uni)));
	EXPECT_ERR(EINVAL, bind(a, (struct sockaddr *)&nport, sizeof(nport)));
	/* A source. */
	ASSERT_EQ(0, connect(a, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EISCONN, connect(a, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EOPNOTSUPP, recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERR(EINVAL, listen(a, 1));
	/* A receiver. */
	ASSERT_EQ(0, bind(b, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EINVAL, bind(b, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EINVAL, connect(b, (struct sockaddr *)&g, sizeof(g)));
	ASSERT_EQ(0, listen(b, 1));
	EXPECT_ERR(EOPNOTSUPP, send(b, "x", 1, 0));
	EXPECT_ERR(ENOTCONN, recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	close(a);
	close(b);
}

TEST_HARNESS_MAIN
