// SPDX-License-Identifier: GPL-2.0
/*
 * A receiver sends only to its source, whatever a packet names. A raw
 * socket plays a source on lo (127.0.0.1); an IP_HDRINCL socket plays
 * other hosts (127.0.0.2) that know the source's TSI; a second raw
 * socket sees what the module sends.
 *
 *  - an SPM's path NLA (a victim's address, a group, broadcast, 0) is
 *    not where NAKs go: they go to the address the source sends from;
 *  - packets with the session's TSI from another address are not the
 *    session's: data is not delivered, a FIN or RST ends nothing;
 *  - an SPM another address sent with the TSI does not place the start
 *    of a session that address does not speak for, nor hide the
 *    source's own SPM;
 *  - a session without SPMs asks for one a bounded number of times, not
 *    every back-off interval for the whole expiry time.
 */

#define _GNU_SOURCE
#include <sched.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.40"
#define PORT		7740
#define SOURCE		"127.0.0.1"
#define OTHER		"127.0.0.2"

/* The common header, for a source of port @sport, GSI 1..6. */
static void header(unsigned char *b, unsigned int sport, unsigned char type,
		   unsigned char opts, size_t tsdu)
{
	memset(b, 0, 64);
	pgm_put16(b, sport);
	pgm_put16(b + 2, PORT);
	b[4] = type;
	b[5] = opts;
	memcpy(b + 8, "\x01\x02\x03\x04\x05\x06", 6);
	pgm_put16(b + 14, tsdu);
}

/* An SPM: sequence, trail, lead, path NLA @nla; OPT_FIN or OPT_RST when
 * @opt is PGM_O_FIN or PGM_O_RST.
 */
static size_t spm(unsigned char *b, unsigned int sport, unsigned int sqn,
		  unsigned int trail, unsigned int lead, const char *nla,
		  int opt)
{
	struct in_addr a;
	size_t len = 36;

	header(b, sport, PGM_T_SPM, opt ? PGM_F_OPT_PRESENT : 0, 0);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	pgm_put32(b + 24, lead);
	pgm_put16(b + 28, 1);			/* AFI IPv4 */
	inet_pton(AF_INET, nla, &a);
	memcpy(b + 32, &a, 4);
	if (opt) {
		b[36] = PGM_O_LENGTH;
		b[37] = 4;
		pgm_put16(b + 38, 8);
		b[40] = PGM_O_END | opt;
		b[41] = 4;
		len = 44;
	}
	pgm_set_csum(b, len);
	return len;
}

/* ODATA or RDATA @sqn carrying "<c><sqn % 1000>". */
static size_t data(unsigned char *b, unsigned int sport, unsigned char type,
		   unsigned int sqn, unsigned int trail, char c)
{
	header(b, sport, type, 0, 4);
	pgm_put32(b + 16, sqn);
	pgm_put32(b + 20, trail);
	snprintf((char *)b + 24, 5, "%c%03u", c, sqn % 1000);
	pgm_set_csum(b, 28);
	return 28;
}

FIXTURE(reflect)
{
	int raw, hdrincl, cap, ls;
	struct sockaddr_in g;
	unsigned char b[2048];
};

FIXTURE_SETUP(reflect)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	/* A namespace per test: its counters start at 0. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up && ip route add 224.0.0.0/4 dev lo"));
	self->g = pgm_sin(GROUP, PORT);
	self->raw = pgm_raw_socket();
	ASSERT_LE(0, self->raw);
	ASSERT_EQ(0, setsockopt(self->raw, IPPROTO_IP, IP_MULTICAST_IF, &lo,
				sizeof(lo)));
	self->hdrincl = pgm_raw_hdrincl_socket();
	ASSERT_LE(0, self->hdrincl);
	ASSERT_EQ(0, setsockopt(self->hdrincl, IPPROTO_IP, IP_MULTICAST_IF,
				&lo, sizeof(lo)));
	self->cap = pgm_raw_socket();
	ASSERT_LE(0, self->cap);
	self->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, self->ls);
	ASSERT_EQ(0, bind(self->ls, (struct sockaddr *)&self->g,
			  sizeof(self->g)));
	ASSERT_EQ(0, listen(self->ls, 64));
}

FIXTURE_TEARDOWN(reflect)
{
	close(self->ls);
	close(self->cap);
	close(self->hdrincl);
	close(self->raw);
}

#define SEND(len) \
	ASSERT_EQ(0, pgm_inject(self->raw, self->b, (len), &self->g))
#define SEND_FROM(src, len) \
	ASSERT_EQ(0, pgm_inject_from(self->hdrincl, self->b, (len), (src), \
				     &self->g))

static int accept_within(int ls, int ms)
{
	if (!pgm_readable(ls, ms))
		return -1;
	return accept(ls, NULL, NULL);
}

/* One message within @ms, as a string; "" if none. */
static const char *read_msg(int fd, char *msg, int ms)
{
	ssize_t n;

	msg[0] = 0;
	if (!pgm_readable(fd, ms))
		return msg;
	n = recv(fd, msg, 15, MSG_DONTWAIT);
	msg[n > 0 ? n : 0] = 0;
	return msg;
}

/*
 * For each path NLA a forged or odd SPM may carry, a session that lost
 * a packet NAKs it to the source's own address, and only there.
 */
TEST_F(reflect, naks_go_to_the_source_not_the_spm_nla)
{
	static const char * const nla[] = {
		"127.0.0.9", "224.0.0.1", "239.9.9.40", "255.255.255.255",
		"0.0.0.0", "127.255.255.255",
	};
	unsigned int i, sport;
	unsigned char nak[2048];
	struct in_addr to, want;
	char msg[16];
	int s, n;

	inet_pton(AF_INET, SOURCE, &want);
	for (i = 0; i < ARRAY_SIZE(nla); i++) {
		sport = 0x4000 + i;	/* a TSI, a session each */
		SEND(spm(self->b, sport, 1, 90, 99, nla[i], 0));
		SEND(data(self->b, sport, PGM_T_ODATA, 101, 90, 'm'));
		s = accept_within(self->ls, 10000);
		ASSERT_LE(0, s) TH_LOG("nla %s: no session", nla[i]);
		/* 100 is missing: its NAK, to whom? */
		n = pgm_capture(self->cap, PGM_T_NAK, nak, sizeof(nak), NULL,
				&to, 10000);
		ASSERT_LT(0, n) TH_LOG("nla %s: no NAK seen", nla[i]);
		EXPECT_EQ(want.s_addr, to.s_addr)
			TH_LOG("nla %s: the NAK went to %s", nla[i],
			       inet_ntoa(to));
		EXPECT_EQ(100U, pgm_get32(nak + 16));
		SEND(data(self->b, sport, PGM_T_RDATA, 100, 90, 'm'));
		EXPECT_STREQ("m100", read_msg(s, msg, 10000));
		EXPECT_STREQ("m101", read_msg(s, msg, 10000));
		close(s);
	}
	/* The 127.0.0.1 NLA was not among them: each SPM counted once. */
	EXPECT_EQ((long)i, pgm_counter("PgmInSpmNlaIgnored"));
}

/*
 * Another address that knows the TSI sends the session's next sequence
 * with other bytes, an SPM naming itself, then a FIN and an RST: none of
 * it is the session's. The source's own packets still are.
 */
TEST_F(reflect, another_address_does_not_speak_for_the_source)
{
	char msg[16];
	int s;

	SEND(data(self->b, 0x4321, PGM_T_ODATA, 100, 100, 'm'));
	s = accept_within(self->ls, 10000);
	ASSERT_LE(0, s);
	EXPECT_STREQ("m100", read_msg(s, msg, 10000));

	SEND_FROM(OTHER, data(self->b, 0x4321, PGM_T_ODATA, 101, 100, 'x'));
	SEND_FROM(OTHER, data(self->b, 0x4321, PGM_T_RDATA, 102, 100, 'x'));
	SEND_FROM(OTHER, spm(self->b, 0x4321, 5, 100, 102, OTHER, PGM_O_FIN));
	SEND_FROM(OTHER, spm(self->b, 0x4321, 6, 100, 102, OTHER, PGM_O_RST));
	EXPECT_STREQ("", read_msg(s, msg, 1000));
	EXPECT_EQ(4, pgm_wait_counter("PgmInWrongSource", 4, 10000));

	SEND(data(self->b, 0x4321, PGM_T_ODATA, 101, 100, 'm'));
	EXPECT_STREQ("m101", read_msg(s, msg, 10000));
	EXPECT_EQ(0, pgm_counter("PgmSessionResets"));
	EXPECT_EQ(0, pgm_counter("PgmInSpm"));
	close(s);
}

/*
 * An SPM of the source's TSI, from another address, heard before the
 * source's first data: the session does not start at its lead (it would
 * then NAK what that address said was lost); it starts at the data.
 */
TEST_F(reflect, another_address_does_not_place_the_start)
{
	char msg[16];
	int s;

	SEND_FROM(OTHER, spm(self->b, 0x4321, 1, 10, 50, OTHER, 0));
	ASSERT_EQ(1, pgm_wait_counter("PgmInSpm", 1, 10000));
	SEND(data(self->b, 0x4321, PGM_T_ODATA, 101, 90, 'm'));
	s = accept_within(self->ls, 10000);
	ASSERT_LE(0, s);
	EXPECT_STREQ("m101", read_msg(s, msg, 10000));
	pgm_sleep_ms(1000);
	EXPECT_EQ(0, pgm_counter("PgmOutNak"));
	close(s);
}

/*
 * The same, the other way round: an SPM of the source's TSI from another
 * address, heard before or after the source's own SPM, does not hide the
 * source's: the session starts at the source's lead, so that the data
 * lost before its first ODATA is asked for and delivered. (The listener
 * kept one SPM per TSI: the other address's, whose sequence made the
 * source's look old, or which replaced the source's address in it.)
 */
TEST_F(reflect, another_address_does_not_hide_the_start)
{
	unsigned char nak[2048];
	unsigned int i, sport;
	char msg[16];
	int s, n;

	for (i = 0; i < 2; i++) {
		sport = 0x5000 + i;
		if (!i)
			SEND_FROM(OTHER, spm(self->b, sport, 1000, 10, 50,
					     OTHER, 0));
		SEND(spm(self->b, sport, 1, 90, 99, SOURCE, 0));
		if (i)
			SEND_FROM(OTHER, spm(self->b, sport, 1000, 10, 50,
					     OTHER, 0));
		ASSERT_EQ(2 * (i + 1), pgm_wait_counter("PgmInSpm",
							2 * (i + 1), 10000));
		/* 100 is lost; 101 makes the session. */
		SEND(data(self->b, sport, PGM_T_ODATA, 101, 90, 'm'));
		s = accept_within(self->ls, 10000);
		ASSERT_LE(0, s) TH_LOG("case %u: no session", i);
		n = pgm_capture(self->cap, PGM_T_NAK, nak, sizeof(nak), NULL,
				NULL, 10000);
		EXPECT_LT(0, n) TH_LOG("case %u: 100 not asked for", i);
		if (n > 0)
			EXPECT_EQ(100U, pgm_get32(nak + 16));
		SEND(data(self->b, sport, PGM_T_RDATA, 100, 90, 'm'));
		EXPECT_STREQ("m100", read_msg(s, msg, 10000))
			TH_LOG("case %u: the session started after 100", i);
		close(s);
	}
}

/*
 * Data with no SPM: the session asks its source for one (SPMR), a few
 * times, further apart each time, then waits for the ambient SPMs. It
 * used to ask every 50 ms for the 30 s of the session's expiry: 600
 * packets to wherever the first packet claimed to come from.
 */
TEST_F(reflect, spmrs_are_few)
{
	char msg[16];
	long n;
	int s;

	SEND(data(self->b, 0x4321, PGM_T_ODATA, 100, 100, 'm'));
	s = accept_within(self->ls, 10000);
	ASSERT_LE(0, s);
	EXPECT_STREQ("m100", read_msg(s, msg, 10000));
	ASSERT_LE(1, pgm_wait_counter("PgmOutSpmr", 1, 10000));
	/* 50 ms, then 100, 200, ... 1600: all sent within about 3.2 s. */
	pgm_sleep_ms(5000);
	n = pgm_counter("PgmOutSpmr");
	EXPECT_GE(6, n) TH_LOG("%ld SPMRs in 5 s", n);
	pgm_sleep_ms(3000);
	EXPECT_EQ(n, pgm_counter("PgmOutSpmr"))
		TH_LOG("SPMRs go on");
	close(s);
}

TEST_HARNESS_MAIN
