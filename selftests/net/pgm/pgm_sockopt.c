// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options on PGM sockets of both types: the socket's identity,
 * unknown SOL_PGM options fail with ENOPROTOOPT, IP-level options reach
 * the IP layer, socket-level options work.
 */

#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"

FIXTURE(pgm)
{
	int fd;
};

FIXTURE_VARIANT(pgm)
{
	int type;
};

FIXTURE_VARIANT_ADD(pgm, rdm)
{
	.type = SOCK_RDM,
};

FIXTURE_VARIANT_ADD(pgm, stream)
{
	.type = SOCK_STREAM,
};

FIXTURE_SETUP(pgm)
{
	self->fd = socket(AF_INET, variant->type, IPPROTO_PGM);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(pgm)
{
	close(self->fd);
}

static int get_int(int fd, int level, int name, int *val)
{
	socklen_t len = sizeof(*val);

	return getsockopt(fd, level, name, val, &len);
}

TEST_F(pgm, identity)
{
	int v;

	ASSERT_EQ(0, get_int(self->fd, SOL_SOCKET, SO_TYPE, &v));
	ASSERT_EQ(variant->type, v);
	ASSERT_EQ(0, get_int(self->fd, SOL_SOCKET, SO_PROTOCOL, &v));
	ASSERT_EQ(IPPROTO_PGM, v);
	ASSERT_EQ(0, get_int(self->fd, SOL_SOCKET, SO_DOMAIN, &v));
	ASSERT_EQ(AF_INET, v);
}

/* Names around and outside the RM_* range are not options. */
static const int unknown_names[] = {
	0, 1, 113, RM_OPTIONSBASE - 1, RM_OPTIONSBASE,
	RM_HIGH_SPEED_INTRANET_OPT + 1, 1100, 4096, INT_MAX, -1, INT_MIN,
};

TEST_F(pgm, unknown_option_set)
{
	unsigned int i;
	int v = 1;

	for (i = 0; i < ARRAY_SIZE(unknown_names); i++) {
		errno = 0;
		EXPECT_EQ(-1, setsockopt(self->fd, SOL_PGM, unknown_names[i],
					 &v, sizeof(v)));
		EXPECT_EQ(ENOPROTOOPT, errno)
			TH_LOG("setsockopt(SOL_PGM, %d)", unknown_names[i]);
	}
}

TEST_F(pgm, unknown_option_get)
{
	unsigned int i;
	int v;

	for (i = 0; i < ARRAY_SIZE(unknown_names); i++) {
		errno = 0;
		EXPECT_EQ(-1, get_int(self->fd, SOL_PGM, unknown_names[i], &v));
		EXPECT_EQ(ENOPROTOOPT, errno)
			TH_LOG("getsockopt(SOL_PGM, %d)", unknown_names[i]);
	}
}

TEST_F(pgm, ip_level_reaches_ip)
{
	int v = 0x10;

	ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_TOS, &v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, IPPROTO_IP, IP_TOS, &v));
	ASSERT_EQ(0x10, v);

	v = 17;
	ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, IPPROTO_IP, IP_TTL, &v));
	ASSERT_EQ(17, v);

	/* The IP layer keeps its multicast options from SOCK_STREAM sockets. */
	if (variant->type == SOCK_STREAM)
		return;

	v = 9;
	ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_MULTICAST_TTL,
				&v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, IPPROTO_IP, IP_MULTICAST_TTL, &v));
	ASSERT_EQ(9, v);

	v = 0;
	ASSERT_EQ(0, setsockopt(self->fd, IPPROTO_IP, IP_MULTICAST_LOOP,
				&v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &v));
	ASSERT_EQ(0, v);
}

/* The IP layer's own answers come back unchanged. */
TEST_F(pgm, ip_level_errors)
{
	int v = 300;

	errno = 0;
	ASSERT_EQ(-1, setsockopt(self->fd, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
	ASSERT_EQ(EINVAL, errno);
	errno = 0;
	ASSERT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_NODELAY,
				 &v, sizeof(v)));
	ASSERT_EQ(ENOPROTOOPT, errno);
}

TEST_F(pgm, socket_level)
{
	int v = 65536;

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, SOL_SOCKET, SO_RCVBUF, &v));
	ASSERT_EQ(2 * 65536, v);
	v = 32768;
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	ASSERT_EQ(0, get_int(self->fd, SOL_SOCKET, SO_SNDBUF, &v));
	ASSERT_EQ(2 * 32768, v);
}

TEST_HARNESS_MAIN
