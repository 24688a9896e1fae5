// SPDX-License-Identifier: GPL-2.0
/*
 * The RM_* options: round trips, RM_SEND_WINDOW's consistency rule, range
 * checks, lengths, roles, and what is not supported. Runs in a network
 * namespace of its own with a multicast route on loopback.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sched.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"

#define GROUP	"239.9.9.9"

__attribute__((constructor)) static void own_netns(void)
{
	if (unshare(CLONE_NEWNET) ||
	    system("ip link set lo up && ip route add 224.0.0.0/4 dev lo"))
		exit(KSFT_SKIP);
}

static struct sockaddr_in group_addr(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, GROUP, &a.sin_addr);
	return a;
}

static int set_u32(int fd, int name, __u32 v)
{
	return setsockopt(fd, SOL_PGM, name, &v, sizeof(v));
}

static int get_u32(int fd, int name, __u32 *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(fd, SOL_PGM, name, v, &len);
}

static int set_win(int fd, __u32 rate, __u32 ms, __u32 bytes)
{
	struct rm_send_window w = { rate, ms, bytes };

	return setsockopt(fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w, sizeof(w));
}

static struct rm_send_window get_win(int fd)
{
	struct rm_send_window w = {};
	socklen_t len = sizeof(w);

	if (getsockopt(fd, SOL_PGM, RM_RATE_WINDOW_SIZE, &w, &len) || len != sizeof(w))
		w.rate_kbits_per_sec = ~0U;
	return w;
}

#define EXPECT_ERR(err, call) do {			\
		errno = 0;				\
		EXPECT_EQ(-1, (call));			\
		EXPECT_EQ(err, errno);			\
	} while (0)

FIXTURE(opts)
{
	int fd;
};

FIXTURE_SETUP(opts)
{
	self->fd = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(opts)
{
	close(self->fd);
}

/* bytes = kbit/s * ms / 8; zero fields follow from the others. */
TEST_F(opts, send_window_consistency)
{
	struct rm_send_window w;

	ASSERT_EQ(0, set_win(self->fd, 1000, 2000, 0));
	w = get_win(self->fd);
	EXPECT_EQ(1000, w.rate_kbits_per_sec);
	EXPECT_EQ(2000, w.window_size_in_msecs);
	EXPECT_EQ(250000, w.window_size_in_bytes);

	ASSERT_EQ(0, set_win(self->fd, 0, 0, 100000));	/* keeps the rate */
	w = get_win(self->fd);
	EXPECT_EQ(1000, w.rate_kbits_per_sec);
	EXPECT_EQ(800, w.window_size_in_msecs);
	EXPECT_EQ(100000, w.window_size_in_bytes);

	ASSERT_EQ(0, set_win(self->fd, 4000, 0, 100000));
	w = get_win(self->fd);
	EXPECT_EQ(4000, w.rate_kbits_per_sec);
	EXPECT_EQ(200, w.window_size_in_msecs);

	ASSERT_EQ(0, set_win(self->fd, 0, 500, 0));	/* keeps the rate */
	w = get_win(self->fd);
	EXPECT_EQ(4000, w.rate_kbits_per_sec);
	EXPECT_EQ(250000, w.window_size_in_bytes);

	ASSERT_EQ(0, set_win(self->fd, 8000, 0, 0));	/* keeps the time */
	w = get_win(self->fd);
	EXPECT_EQ(500, w.window_size_in_msecs);
	EXPECT_EQ(500000, w.window_size_in_bytes);

	ASSERT_EQ(0, set_win(self->fd, 8000, 1000, 1000000));	/* all agree */
	EXPECT_ERR(EINVAL, set_win(self->fd, 8000, 1000, 5));	/* disagree */
	EXPECT_ERR(EINVAL, set_win(self->fd, 0, 0, 0));
	EXPECT_ERR(EINVAL, set_win(self->fd, 4000000, 1000000, 0)); /* > wmem_max */
	w = get_win(self->fd);
	EXPECT_EQ(1000000, w.window_size_in_bytes);
}

TEST_F(opts, ranges_and_round_trips)
{
	__u32 v;

	EXPECT_EQ(0, set_u32(self->fd, RM_LATEJOIN, 75));
	EXPECT_EQ(0, get_u32(self->fd, RM_LATEJOIN, &v));
	EXPECT_EQ(75, v);
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_LATEJOIN, 76));

	EXPECT_EQ(0, set_u32(self->fd, RM_SEND_WINDOW_ADV_RATE, 50));
	EXPECT_EQ(0, get_u32(self->fd, RM_SEND_WINDOW_ADV_RATE, &v));
	EXPECT_EQ(50, v);
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SEND_WINDOW_ADV_RATE, 0));
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SEND_WINDOW_ADV_RATE, 51));

	EXPECT_EQ(0, set_u32(self->fd, RM_SET_MCAST_TTL, 255));
	EXPECT_EQ(0, get_u32(self->fd, RM_SET_MCAST_TTL, &v));
	EXPECT_EQ(255, v);
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SET_MCAST_TTL, 0));
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SET_MCAST_TTL, 256));

	EXPECT_EQ(0, set_u32(self->fd, RM_HIGH_SPEED_INTRANET_OPT, 1));
	EXPECT_EQ(0, get_u32(self->fd, RM_HIGH_SPEED_INTRANET_OPT, &v));
	EXPECT_EQ(1, v);

	EXPECT_EQ(0, set_u32(self->fd, RM_SENDER_WINDOW_ADVANCE_METHOD,
			     RM_WINDOW_ADVANCE_BY_TIME));
	EXPECT_EQ(0, get_u32(self->fd, RM_SENDER_WINDOW_ADVANCE_METHOD, &v));
	EXPECT_EQ(RM_WINDOW_ADVANCE_BY_TIME, v);
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SENDER_WINDOW_ADVANCE_METHOD, 3));
}

/* As on Windows: the data-cache window and RM_FLUSHCACHE do not exist. */
TEST_F(opts, not_supported)
{
	EXPECT_ERR(EOPNOTSUPP, set_u32(self->fd, RM_SENDER_WINDOW_ADVANCE_METHOD,
				       RM_WINDOW_USE_AS_DATA_CACHE));
	EXPECT_ERR(EOPNOTSUPP, set_u32(self->fd, RM_FLUSHCACHE, 0));
}

TEST_F(opts, short_lengths)
{
	static const int names[] = {
		RM_RATE_WINDOW_SIZE, RM_SET_MESSAGE_BOUNDARY,
		RM_SENDER_WINDOW_ADVANCE_METHOD, RM_LATEJOIN, RM_SET_SEND_IF,
		RM_ADD_RECEIVE_IF, RM_DEL_RECEIVE_IF, RM_SEND_WINDOW_ADV_RATE,
		RM_USE_FEC, RM_SET_MCAST_TTL, RM_HIGH_SPEED_INTRANET_OPT,
	};
	char buf[16] = {};
	socklen_t len;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		errno = 0;
		EXPECT_EQ(-1, setsockopt(self->fd, SOL_PGM, names[i], buf, 3));
		EXPECT_EQ(EINVAL, errno) TH_LOG("set %d", names[i]);
	}
	len = 11;
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_RATE_WINDOW_SIZE,
				      buf, &len));
	len = 3;
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_LATEJOIN, buf, &len));
}

TEST_F(opts, send_interface)
{
	struct sockaddr_in g = group_addr(7701);
	__u32 a = inet_addr("127.0.0.1"), v;

	EXPECT_ERR(EADDRNOTAVAIL, set_u32(self->fd, RM_SET_SEND_IF,
					  inet_addr("10.9.9.9")));
	ASSERT_EQ(0, set_u32(self->fd, RM_SET_SEND_IF, a));
	ASSERT_EQ(0, get_u32(self->fd, RM_SET_SEND_IF, &v));
	EXPECT_EQ(a, v);
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EISCONN, set_u32(self->fd, RM_SET_SEND_IF, a));
}

TEST_F(opts, message_boundary)
{
	struct sockaddr_in g = group_addr(7702);
	int st = socket(AF_INET, SOCK_STREAM, IPPROTO_PGM);
	static char buf[4000];

	EXPECT_ERR(ENOTCONN, set_u32(self->fd, RM_SET_MESSAGE_BOUNDARY, 100));
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_SET_MESSAGE_BOUNDARY, 0));
	EXPECT_EQ(0, set_u32(self->fd, RM_SET_MESSAGE_BOUNDARY, 3000));
	/* A send beyond the announced message is refused, one within goes. */
	ASSERT_EQ(1, send(self->fd, buf, 1, 0));
	EXPECT_ERR(EMSGSIZE, send(self->fd, buf, 3000, 0));
	EXPECT_EQ(2999, send(self->fd, buf, 2999, 0));
	ASSERT_LE(0, st);
	ASSERT_EQ(0, connect(st, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EOPNOTSUPP, set_u32(st, RM_SET_MESSAGE_BOUNDARY, 100));
	close(st);
}

TEST_F(opts, statistics_roles)
{
	struct sockaddr_in g = group_addr(7703);
	struct rm_receiver_stats rs;
	struct rm_sender_stats ss;
	socklen_t len;
	int ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);

	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&g, sizeof(g)));
	len = sizeof(ss);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_PGM, RM_SENDER_STATISTICS, &ss, &len));
	EXPECT_EQ(104, len);
	len = sizeof(ss) - 1;
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_SENDER_STATISTICS,
				      &ss, &len));
	len = sizeof(rs);
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_RECEIVER_STATISTICS,
				      &rs, &len));
	EXPECT_ERR(EINVAL, setsockopt(self->fd, SOL_PGM, RM_SENDER_STATISTICS,
				      &ss, sizeof(ss)));

	ASSERT_LE(0, ls);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&g, sizeof(g)));
	ASSERT_EQ(0, listen(ls, 1));
	len = sizeof(ss);
	EXPECT_ERR(EINVAL, getsockopt(ls, SOL_PGM, RM_SENDER_STATISTICS, &ss, &len));
	len = sizeof(rs);
	EXPECT_EQ(0, getsockopt(ls, SOL_PGM, RM_RECEIVER_STATISTICS, &rs, &len));
	EXPECT_EQ(144, len);
	close(ls);
}

TEST_F(opts, receive_interfaces)
{
	struct sockaddr_in g = group_addr(7704);
	__u32 lo = inet_addr("127.0.0.1"), v;
	socklen_t len = sizeof(v);

	EXPECT_ERR(EINVAL, set_u32(self->fd, RM_ADD_RECEIVE_IF, lo));	/* unbound */
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EADDRNOTAVAIL, set_u32(self->fd, RM_ADD_RECEIVE_IF,
					  inet_addr("10.9.9.9")));
	EXPECT_ERR(EADDRNOTAVAIL, set_u32(self->fd, RM_DEL_RECEIVE_IF, lo));
	EXPECT_EQ(0, set_u32(self->fd, RM_ADD_RECEIVE_IF, lo));
	EXPECT_EQ(0, set_u32(self->fd, RM_ADD_RECEIVE_IF, lo));	/* again: fine */
	EXPECT_EQ(0, set_u32(self->fd, RM_DEL_RECEIVE_IF, lo));
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_ADD_RECEIVE_IF, &v, &len));
}

TEST_HARNESS_MAIN
