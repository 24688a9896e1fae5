// SPDX-License-Identifier: GPL-2.0
/*
 * The RM_* options: round trips, RM_SEND_WINDOW's consistency rule, range
 * checks, lengths, roles, and what is not supported; RM_USE_FEC's rules
 * (Windows': k a power of two from 2 to 128, k < n <= 255, pro-active
 * parity at most n - k, one mode at least). Runs in a network namespace
 * of its own with a multicast route on loopback.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP	"239.9.9.9"

__attribute__((constructor)) static void own_netns(void)
{
	if (pgm_netns_lo())
		exit(KSFT_SKIP);
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

static struct rm_fec_info fec_info(__u16 n, __u8 k, __u16 pro, __u8 od)
{
	struct rm_fec_info f = {
		.fec_block_size = n,
		.fec_proactive_packets = pro,
		.fec_group_size = k,
		.fec_ondemand_parity_enabled = od,
	};

	return f;
}

static int set_fec(int fd, struct rm_fec_info f)
{
	return setsockopt(fd, SOL_PGM, RM_USE_FEC, &f, sizeof(f));
}

/* RM_USE_FEC as read back; all 0xff if the read fails or is not 6 bytes. */
static struct rm_fec_info get_fec(int fd)
{
	struct rm_fec_info f;
	socklen_t len = sizeof(f);

	if (getsockopt(fd, SOL_PGM, RM_USE_FEC, &f, &len) || len != 6)
		memset(&f, 0xff, sizeof(f));
	return f;
}

#define EXPECT_FEC(want, fd) do {					\
		struct rm_fec_info _w = (want), _g = get_fec(fd);	\
									\
		EXPECT_EQ(_w.fec_block_size, _g.fec_block_size);	\
		EXPECT_EQ(_w.fec_group_size, _g.fec_group_size);	\
		EXPECT_EQ(_w.fec_proactive_packets,			\
			  _g.fec_proactive_packets);			\
		EXPECT_EQ(_w.fec_ondemand_parity_enabled,		\
			  _g.fec_ondemand_parity_enabled);		\
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

/* Off until set: reads back as six zero bytes; a short read buffer is
 * EINVAL, a longer one gets six bytes.
 */
TEST_F(opts, fec_off_by_default)
{
	unsigned char buf[16];
	socklen_t len;
	unsigned int i;

	EXPECT_FEC(fec_info(0, 0, 0, 0), self->fd);
	memset(buf, 0xa5, sizeof(buf));
	len = sizeof(buf);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_PGM, RM_USE_FEC, buf, &len));
	EXPECT_EQ(6, len);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, buf[i]) TH_LOG("byte %u", i);
	len = 5;
	EXPECT_ERR(EINVAL, getsockopt(self->fd, SOL_PGM, RM_USE_FEC, buf, &len));
}

/* Every rule, each broken alone; a refused value leaves the last one. */
TEST_F(opts, fec_invalid)
{
	static const struct {
		__u16 n;
		__u8 k;
		__u16 pro;
		__u8 od;
		const char *why;
	} bad[] = {
		{ 255, 0, 0, 1, "k 0" },
		{ 255, 1, 0, 1, "k 1, below 2" },
		{ 255, 3, 0, 1, "k 3, not a power of two" },
		{ 255, 6, 0, 1, "k 6, not a power of two" },
		{ 255, 24, 0, 1, "k 24, not a power of two" },
		{ 255, 129, 0, 1, "k 129, above 128" },
		{ 255, 192, 0, 1, "k 192, above 128" },
		{ 255, 255, 0, 1, "k 255, above 128" },
		{ 16, 16, 0, 1, "n equal to k" },
		{ 8, 16, 0, 1, "n below k" },
		{ 0, 16, 0, 1, "n 0" },
		{ 129, 128, 2, 1, "n - k 1, pro-active 2" },
		{ 256, 16, 0, 1, "n 256, above 255" },
		{ 300, 128, 0, 1, "n 300, above 255" },
		{ 65535, 2, 0, 1, "n 65535, above 255" },
		{ 18, 16, 3, 0, "pro-active 3, above n - k 2" },
		{ 18, 16, 3, 1, "pro-active above n - k, on demand" },
		{ 255, 128, 128, 0, "pro-active 128, above n - k 127" },
		{ 20, 16, 65535, 1, "pro-active 65535" },
		{ 255, 16, 0, 0, "neither pro-active nor on demand" },
		{ 18, 16, 0, 0, "neither mode, n and k valid" },
	};
	struct rm_fec_info good = fec_info(20, 16, 2, 1);
	unsigned int i;

	ASSERT_EQ(0, set_fec(self->fd, good));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, set_fec(self->fd, fec_info(bad[i].n, bad[i].k,
							 bad[i].pro, bad[i].od)))
			TH_LOG("%s", bad[i].why);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad[i].why);
		EXPECT_FEC(good, self->fd);
	}
}

/* Shorter than struct rm_fec_info: EINVAL, even with a valid start. */
TEST_F(opts, fec_short_optlen)
{
	struct rm_fec_info f = fec_info(18, 16, 2, 0);
	unsigned char big[8] = {};
	socklen_t len;

	for (len = 0; len < sizeof(f); len++) {
		errno = 0;
		EXPECT_EQ(-1, setsockopt(self->fd, SOL_PGM, RM_USE_FEC, &f, len))
			TH_LOG("optlen %u", len);
		EXPECT_EQ(EINVAL, errno) TH_LOG("optlen %u", len);
	}
	EXPECT_FEC(fec_info(0, 0, 0, 0), self->fd);
	/* A longer buffer: its first six bytes. */
	memcpy(big, &f, sizeof(f));
	big[6] = 0xff;
	big[7] = 0xff;
	ASSERT_EQ(0, setsockopt(self->fd, SOL_PGM, RM_USE_FEC, big, sizeof(big)));
	EXPECT_FEC(f, self->fd);
}

/* Valid values, the bounds included, read back as set; zeros turn FEC off. */
TEST_F(opts, fec_round_trips)
{
	static const struct rm_fec_info good[] = {
		{ 18, 2, 16, 0 },	/* n, pro-active, k, on demand */
		{ 255, 0, 8, 1 },
		{ 20, 2, 16, 1 },
		{ 3, 1, 2, 0 },		/* smallest k and n */
		{ 3, 0, 2, 1 },
		{ 255, 127, 128, 1 },	/* largest k, n, pro-active */
		{ 255, 253, 2, 0 },
		{ 255, 0, 128, 1 },
		{ 5, 1, 4, 1 },		/* pro-active below n - k */
	};
	int st = socket(AF_INET, SOCK_STREAM, IPPROTO_PGM);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		EXPECT_EQ(0, set_fec(self->fd, good[i])) TH_LOG("case %u", i);
		EXPECT_FEC(good[i], self->fd);
	}
	ASSERT_EQ(0, set_fec(self->fd, fec_info(0, 0, 0, 0)));
	EXPECT_FEC(fec_info(0, 0, 0, 0), self->fd);
	/* The same on SOCK_STREAM. */
	ASSERT_LE(0, st);
	EXPECT_EQ(0, set_fec(st, good[0]));
	EXPECT_FEC(good[0], st);
	EXPECT_ERR(EINVAL, set_fec(st, fec_info(18, 16, 3, 0)));
	close(st);
}

/* A source's FEC is fixed once it is connected: EISCONN, even to turn
 * it off, and what was set stays (like RM_SET_SEND_IF).
 */
TEST_F(opts, fec_after_connect)
{
	struct sockaddr_in g2 = pgm_sin(GROUP, 7706);
	struct sockaddr_in g = pgm_sin(GROUP, 7705);
	struct rm_fec_info f = fec_info(20, 16, 2, 1);
	int plain = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);

	ASSERT_EQ(0, set_fec(self->fd, f));
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&g, sizeof(g)));
	EXPECT_ERR(EISCONN, set_fec(self->fd, fec_info(255, 8, 0, 1)));
	EXPECT_ERR(EISCONN, set_fec(self->fd, fec_info(0, 0, 0, 0)));
	EXPECT_ERR(EISCONN, set_fec(self->fd, fec_info(18, 16, 3, 0)));
	EXPECT_FEC(f, self->fd);

	/* Without FEC before connect(): it cannot be turned on after. */
	ASSERT_LE(0, plain);
	ASSERT_EQ(0, connect(plain, (struct sockaddr *)&g2, sizeof(g2)));
	EXPECT_ERR(EISCONN, set_fec(plain, f));
	EXPECT_FEC(fec_info(0, 0, 0, 0), plain);
	close(plain);
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
	struct sockaddr_in g = pgm_sin(GROUP, 7701);
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
	struct sockaddr_in g = pgm_sin(GROUP, 7702);
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
	struct sockaddr_in g = pgm_sin(GROUP, 7703);
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
	struct sockaddr_in g = pgm_sin(GROUP, 7704);
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
