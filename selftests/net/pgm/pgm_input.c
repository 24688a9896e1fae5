// SPDX-License-Identifier: GPL-2.0
/*
 * The input path: PGM packets injected on loopback through a raw socket
 * are validated and every one is counted in /proc/net/pgm/snmp, whatever
 * becomes of it: bad checksums, checksum 0 on data, truncated headers,
 * unknown versions, and packets for which no socket exists.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"

#define PGM_TYPE_ODATA	0x04
#define PGM_TYPE_SPMR	0x0c

static long counter(const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = fopen("/proc/net/pgm/snmp", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name))
			found = val;
	fclose(f);
	return found;
}

/* Wait up to a second for a counter to reach a value. */
static long wait_counter(const char *name, long want)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long v = counter(name);
	int i;

	for (i = 0; i < 100 && v < want; i++) {
		nanosleep(&ts, NULL);
		v = counter(name);
	}
	return v;
}

static unsigned short csum(const unsigned char *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return sum ? sum : 0xffff;
}

/*
 * A packet: common header, then for ODATA sqn and trail and a payload.
 * fix_csum: 1 correct, 0 leave zero, -1 wrong.
 */
static size_t build(unsigned char *buf, unsigned char type, int fix_csum)
{
	size_t len = 16;
	unsigned short c;

	memset(buf, 0, 64);
	buf[0] = 0x12; buf[1] = 0x34;		/* sport */
	buf[2] = 0x1d; buf[3] = 0x4c;		/* dport 7500 */
	buf[4] = type;
	memcpy(buf + 8, "\x01\x02\x03\x04\x05\x06", 6);	/* GSI */
	if ((type & 0x0f) == PGM_TYPE_ODATA) {
		buf[19] = 1;			/* sqn 1 */
		memcpy(buf + 24, "payload!", 8);
		buf[15] = 8;			/* TSDU length */
		len = 32;
	}
	if (fix_csum) {
		c = csum(buf, len);
		if (fix_csum < 0)
			c ^= 0x5555;
		buf[6] = c >> 8;
		buf[7] = c & 0xff;
	}
	return len;
}

FIXTURE(raw)
{
	int fd;
	struct sockaddr_in dst;
	unsigned char buf[64];
};

FIXTURE_SETUP(raw)
{
	self->fd = socket(AF_INET, SOCK_RAW, IPPROTO_PGM);
	ASSERT_LE(0, self->fd) TH_LOG("raw socket: %s", strerror(errno));
	memset(&self->dst, 0, sizeof(self->dst));
	self->dst.sin_family = AF_INET;
	self->dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_LE(0, counter("PgmInPkts")) TH_LOG("no /proc/net/pgm/snmp");
}

FIXTURE_TEARDOWN(raw)
{
	close(self->fd);
}

/* 0 when the whole packet went out. */
static int inject(int fd, const struct sockaddr_in *dst,
		  const unsigned char *buf, size_t len)
{
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)dst,
			   sizeof(*dst));

	return n == (ssize_t)len ? 0 : -1;
}

TEST_F(raw, valid_packet_without_socket)
{
	long pkts = counter("PgmInPkts");
	long nosock = counter("PgmInNoSocket");

	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf,
			    build(self->buf, PGM_TYPE_ODATA, 1)));
	ASSERT_EQ(nosock + 1, wait_counter("PgmInNoSocket", nosock + 1));
	ASSERT_EQ(pkts + 1, counter("PgmInPkts"));
}

TEST_F(raw, bad_checksum)
{
	long errs = counter("PgmInCsumErrors");
	long nosock = counter("PgmInNoSocket");

	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf,
			    build(self->buf, PGM_TYPE_ODATA, -1)));
	ASSERT_EQ(errs + 1, wait_counter("PgmInCsumErrors", errs + 1));
	ASSERT_EQ(nosock, counter("PgmInNoSocket"));
}

/* The checksum is mandatory on data packets... */
TEST_F(raw, zero_checksum_on_data)
{
	long errs = counter("PgmInCsumErrors");

	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf,
			    build(self->buf, PGM_TYPE_ODATA, 0)));
	ASSERT_EQ(errs + 1, wait_counter("PgmInCsumErrors", errs + 1));
}

/* ...and optional elsewhere: zero means "not computed". */
TEST_F(raw, zero_checksum_on_spmr)
{
	long errs = counter("PgmInCsumErrors");
	long nosock = counter("PgmInNoSocket");

	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf,
			    build(self->buf, PGM_TYPE_SPMR, 0)));
	ASSERT_EQ(nosock + 1, wait_counter("PgmInNoSocket", nosock + 1));
	ASSERT_EQ(errs, counter("PgmInCsumErrors"));
}

TEST_F(raw, truncated_header)
{
	long bad = counter("PgmInMalformed");

	build(self->buf, PGM_TYPE_SPMR, 1);
	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf, 9));
	ASSERT_EQ(bad + 1, wait_counter("PgmInMalformed", bad + 1));
}

TEST_F(raw, unknown_version)
{
	long bad = counter("PgmInMalformed");

	ASSERT_EQ(0, inject(self->fd, &self->dst, self->buf,
			    build(self->buf, 0x40 | PGM_TYPE_SPMR, 1)));
	ASSERT_EQ(bad + 1, wait_counter("PgmInMalformed", bad + 1));
}

TEST_HARNESS_MAIN
