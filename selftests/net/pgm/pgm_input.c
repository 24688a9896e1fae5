// SPDX-License-Identifier: GPL-2.0
/*
 * The input path: PGM packets injected on loopback through a raw socket
 * are validated and every one is counted in /proc/net/pgm/snmp, whatever
 * becomes of it: bad checksums, checksum 0 on data, truncated headers,
 * unknown versions, and packets for which no socket exists.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

/* A counter moves when lo delivers the packet, normally before sendto()
 * returns; the wait ends as soon as it has. Its bound is for a loaded
 * debug kernel, where softirq work may wait for ksoftirqd.
 */
#define WAIT_MS		10000

#define INJECT(len)	pgm_inject(self->fd, self->buf, (len), &self->dst)

/*
 * A packet: common header, then for ODATA sqn 1, trail 0 and a payload.
 * fix_csum: 1 correct, 0 leave zero, -1 wrong.
 */
static size_t build(unsigned char *buf, unsigned char type, int fix_csum)
{
	size_t len = PGM_HDR_LEN;

	memset(buf, 0, 64);
	if ((type & 0x0f) == PGM_T_ODATA)
		len = pgm_build_data(buf, 0x1234, 7500, type, 1, 0,
				     "payload!", 8);
	else
		pgm_build_hdr(buf, 0x1234, 7500, type, 0, 0);
	if (fix_csum)
		pgm_set_csum(buf, len);
	else
		pgm_put16(buf + 6, 0);
	if (fix_csum < 0) {
		buf[6] ^= 0x55;
		buf[7] ^= 0x55;
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
	self->fd = pgm_raw_socket();
	ASSERT_LE(0, self->fd) TH_LOG("raw socket: %s", strerror(errno));
	self->dst = pgm_sin("127.0.0.1", 0);
	ASSERT_LE(0, pgm_counter("PgmInPkts")) TH_LOG("no /proc/net/pgm/snmp");
}

FIXTURE_TEARDOWN(raw)
{
	close(self->fd);
}

TEST_F(raw, valid_packet_without_socket)
{
	long pkts = pgm_counter("PgmInPkts");
	long nosock = pgm_counter("PgmInNoSocket");

	ASSERT_EQ(0, INJECT(build(self->buf, PGM_T_ODATA, 1)));
	ASSERT_EQ(nosock + 1,
		  pgm_wait_counter("PgmInNoSocket", nosock + 1, WAIT_MS));
	ASSERT_EQ(pkts + 1, pgm_counter("PgmInPkts"));
}

TEST_F(raw, bad_checksum)
{
	long errs = pgm_counter("PgmInCsumErrors");
	long nosock = pgm_counter("PgmInNoSocket");

	ASSERT_EQ(0, INJECT(build(self->buf, PGM_T_ODATA, -1)));
	ASSERT_EQ(errs + 1,
		  pgm_wait_counter("PgmInCsumErrors", errs + 1, WAIT_MS));
	ASSERT_EQ(nosock, pgm_counter("PgmInNoSocket"));
}

/* The checksum is mandatory on data packets... */
TEST_F(raw, zero_checksum_on_data)
{
	long errs = pgm_counter("PgmInCsumErrors");

	ASSERT_EQ(0, INJECT(build(self->buf, PGM_T_ODATA, 0)));
	ASSERT_EQ(errs + 1,
		  pgm_wait_counter("PgmInCsumErrors", errs + 1, WAIT_MS));
}

/* ...and optional elsewhere: zero means "not computed". */
TEST_F(raw, zero_checksum_on_spmr)
{
	long errs = pgm_counter("PgmInCsumErrors");
	long nosock = pgm_counter("PgmInNoSocket");

	ASSERT_EQ(0, INJECT(build(self->buf, PGM_T_SPMR, 0)));
	ASSERT_EQ(nosock + 1,
		  pgm_wait_counter("PgmInNoSocket", nosock + 1, WAIT_MS));
	ASSERT_EQ(errs, pgm_counter("PgmInCsumErrors"));
}

TEST_F(raw, truncated_header)
{
	long bad = pgm_counter("PgmInMalformed");

	build(self->buf, PGM_T_SPMR, 1);
	ASSERT_EQ(0, INJECT(9));
	ASSERT_EQ(bad + 1,
		  pgm_wait_counter("PgmInMalformed", bad + 1, WAIT_MS));
}

TEST_F(raw, unknown_version)
{
	long bad = pgm_counter("PgmInMalformed");

	ASSERT_EQ(0, INJECT(build(self->buf, 0x40 | PGM_T_SPMR, 1)));
	ASSERT_EQ(bad + 1,
		  pgm_wait_counter("PgmInMalformed", bad + 1, WAIT_MS));
}

TEST_HARNESS_MAIN
