// SPDX-License-Identifier: GPL-2.0
/*
 * PGM over UDP (PGM_UDP_ENCAP): the option's rules, a session carried in
 * UDP end to end, what a plain UDP socket on the port sees of it (PGM
 * right after the UDP header, as OpenPGM sends and expects it), PGM
 * packets sent from a plain UDP socket, and the separation of raw and
 * UDP sockets and of ports. Each test runs in a network namespace of its
 * own on lo.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP	"239.9.9.30"
#define PORT	7730

static int encap(int fd, unsigned short u, unsigned short m)
{
	struct pgm_udp_encap e = { .ucast_port = u, .mcast_port = m };

	return setsockopt(fd, SOL_PGM, PGM_UDP_ENCAP, &e, sizeof(e));
}

static int pgm_socket(void)
{
	return socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
}

/* A listener on the test group, with encapsulation ports (0, 0: raw). */
static int listener(unsigned short u, unsigned short m, unsigned short port)
{
	struct sockaddr_in g = pgm_sin(GROUP, port);
	int fd = pgm_socket();

	if (fd < 0 || encap(fd, u, m) ||
	    bind(fd, (struct sockaddr *)&g, sizeof(g)) || listen(fd, 4))
		return -1;
	pgm_set_nonblock(fd);
	return fd;
}

static int source(unsigned short u, unsigned short m)
{
	struct rm_send_window w = { 10000, 500, 0 };
	struct sockaddr_in g = pgm_sin(GROUP, PORT);
	int fd = pgm_socket();

	if (fd < 0 || encap(fd, u, m) ||
	    setsockopt(fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w, sizeof(w)) ||
	    connect(fd, (struct sockaddr *)&g, sizeof(g)))
		return -1;
	return fd;
}

/* A plain UDP socket on @port that joined the group (shares the port). */
static int udp_sniffer(unsigned short port)
{
	struct sockaddr_in any = pgm_sin("0.0.0.0", port);
	struct ip_mreqn mr = { .imr_ifindex = 1 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	inet_pton(AF_INET, GROUP, &mr.imr_multiaddr);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		return -1;
	return fd;
}

/* An ODATA of TSI 01..06/0x4321 to PORT, sequence @sqn, 4 bytes "u%03u". */
static size_t odata(unsigned char *b, unsigned int sqn)
{
	char m[8];

	snprintf(m, sizeof(m), "u%03u", sqn % 1000);
	return pgm_build_data(b, 0x4321, PORT, PGM_T_ODATA, sqn, sqn, m, 4);
}

__attribute__((constructor)) static void own_netns(void)
{
	if (pgm_netns_lo())
		exit(KSFT_SKIP);
}

TEST(option_rules)
{
	struct pgm_udp_encap e;
	socklen_t len = sizeof(e);
	int fd = pgm_socket(), ls;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_PGM, PGM_UDP_ENCAP, &e, &len));
	EXPECT_EQ(sizeof(e), len);
	EXPECT_EQ(0, e.ucast_port);			/* raw IP by default */
	EXPECT_EQ(0, e.mcast_port);
	EXPECT_EQ(0, encap(fd, PGM_UDP_ENCAP_UCAST_PORT,
			   PGM_UDP_ENCAP_MCAST_PORT));
	ASSERT_EQ(0, getsockopt(fd, SOL_PGM, PGM_UDP_ENCAP, &e, &len));
	EXPECT_EQ(3055, e.ucast_port);
	EXPECT_EQ(3056, e.mcast_port);
	errno = 0;
	EXPECT_EQ(-1, encap(fd, 0, 3056));		/* both or neither */
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, setsockopt(fd, SOL_PGM, PGM_UDP_ENCAP, &e, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, encap(fd, 0, 0));			/* back to raw */
	close(fd);

	/* Fixed once the socket runs, as a source or as a listener. */
	fd = source(5000, 5001);
	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, encap(fd, 0, 0));
	EXPECT_EQ(EISCONN, errno);
	ls = listener(5000, 5001, PORT);
	ASSERT_LE(0, ls);
	errno = 0;
	EXPECT_EQ(-1, encap(ls, 5002, 5003));
	EXPECT_EQ(EISCONN, errno);
	close(ls);
	close(fd);
}

/*
 * A UDP source and a UDP listener: every message arrives; a raw listener
 * and a listener on other UDP ports on the same group and PGM port see
 * nothing of it; a plain UDP socket on the multicast port sees PGM right
 * after the UDP header, from the unicast port, with a valid checksum.
 */
TEST(session_over_udp)
{
	long out0 = pgm_counter("PgmOutUdp"), in0 = pgm_counter("PgmInUdp");
	int ls, raw_ls, other_ls, sniff, src, s, i, odatas = 0, bad = 0;
	unsigned char pkt[2048];
	char msg[64], want[64];
	struct sockaddr_in from;
	socklen_t fl;

	ls = listener(3055, 3056, PORT);
	raw_ls = listener(0, 0, PORT);
	other_ls = listener(4055, 4056, PORT);
	sniff = udp_sniffer(3056);
	ASSERT_LE(0, ls);
	ASSERT_LE(0, raw_ls);
	ASSERT_LE(0, other_ls);
	ASSERT_LE(0, sniff) TH_LOG("udp socket on 3056: %s", strerror(errno));
	src = source(3055, 3056);
	ASSERT_LE(0, src);
	for (i = 0; i < 50; i++) {
		snprintf(msg, sizeof(msg), "over udp %03d", i);
		ASSERT_EQ((ssize_t)strlen(msg), send(src, msg, strlen(msg), 0));
	}
	s = pgm_accept_within(ls, 10000);
	ASSERT_LE(0, s);
	for (i = 0; i < 50; i++) {
		int n = pgm_recv_within(s, msg, sizeof(msg) - 1, 10000);

		ASSERT_LT(0, n);
		msg[n] = 0;
		snprintf(want, sizeof(want), "over udp %03d", i);
		ASSERT_STREQ(want, msg);
	}
	EXPECT_GT(0, pgm_accept_within(raw_ls, 300));
	EXPECT_GT(0, pgm_accept_within(other_ls, 300));
	EXPECT_LE(50, pgm_counter("PgmOutUdp") - out0);
	EXPECT_LE(50, pgm_counter("PgmInUdp") - in0);

	/* What the wire carries. */
	pgm_set_nonblock(sniff);
	for (;;) {
		ssize_t n;

		fl = sizeof(from);
		n = recvfrom(sniff, pkt, sizeof(pkt), 0,
			     (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		if (n < 16 || pgm_sum16(pkt, n, 0) != 0xffff ||
		    ntohs(from.sin_port) != 3055)
			bad++;
		else if ((pkt[4] & 0x0f) == PGM_T_ODATA &&
			 pgm_get16(pkt + 2) == PORT)
			odatas++;
	}
	EXPECT_EQ(0, bad);
	EXPECT_EQ(50, odatas);
	close(s);
	close(src);
	close(sniff);
	close(other_ls);
	close(raw_ls);
	close(ls);
}

/*
 * PGM sent by an unprivileged plain UDP socket reaches a UDP listener
 * (no raw socket needed anywhere); one with a wrong PGM checksum inside a
 * right UDP checksum is counted and dropped.
 */
TEST(plain_udp_peer)
{
	struct sockaddr_in g = pgm_sin(GROUP, 3056);
	long cs0 = pgm_counter("PgmInCsumErrors");
	unsigned char pkt[64];
	char msg[16];
	int ls, fd, s;
	size_t n;

	ls = listener(3055, 3056, PORT);
	ASSERT_LE(0, ls);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);

	n = odata(pkt, 7);
	pkt[27] ^= 1;				/* breaks PGM's checksum only */
	ASSERT_EQ((ssize_t)n, sendto(fd, pkt, n, 0, (struct sockaddr *)&g,
				     sizeof(g)));
	EXPECT_GT(0, pgm_accept_within(ls, 500));
	EXPECT_EQ(1, pgm_counter("PgmInCsumErrors") - cs0);

	n = odata(pkt, 7);
	ASSERT_EQ((ssize_t)n, sendto(fd, pkt, n, 0, (struct sockaddr *)&g,
				     sizeof(g)));
	s = pgm_accept_within(ls, 5000);
	ASSERT_LE(0, s);
	ASSERT_EQ(4, pgm_recv_within(s, msg, sizeof(msg), 5000));
	EXPECT_EQ(0, memcmp(msg, "u007", 4));
	close(s);
	close(fd);
	close(ls);
}

TEST_HARNESS_MAIN
