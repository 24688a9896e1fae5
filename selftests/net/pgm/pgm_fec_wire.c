// SPDX-License-Identifier: GPL-2.0
/*
 * FEC on the wire, packet by packet. A source with RM_USE_FEC (k 16,
 * 2 pro-active parity packets) sends a partial group of five messages of
 * different lengths and closes; a raw socket captures what it sends:
 *  - its SPMs carry OPT_PARITY_PRM (group size 16, the pro-active bit), and
 *    the last one OPT_CURR_TGSIZE 5;
 *  - its first sequence starts a group; two parity ODATA follow the data,
 *    with OPT_PARITY and OPT_VAR_PKTLEN, sequences group | 0 and group | 1,
 *    OPT_CURR_TGSIZE 5 and a TSDU two bytes longer than the longest data.
 * Then the captured packets, but for one data packet, are replayed to a
 * listener on another port: it rebuilds the missing message from parity
 * and reads all five, byte for byte (PgmFecRecovered counts one).
 * RM_USE_FEC's option rules are pgm_rmopts' tests.
 *
 * Then OpenPGM's bit-level quirks (Documentation/networking/pgm.rst,
 * "Bit-level ambiguities"), with the raw socket playing OpenPGM:
 *  - a NAK whose OPT_NAK_LIST has a garbage byte 2 is answered in full
 *    by a module source, whose NCF writes that byte as zero;
 *  - a module source advertises RFC 3208's bits: P 0x02, O 0x01;
 *  - a source advertising P alone (OpenPGM's on-demand bit) that sends
 *    no parity ODATA for two groups is re-read as on-demand: the module
 *    receiver sends a parity NAK and a parity RDATA repairs the loss;
 *    with parity ODATA it stays pro-active and NAKs selectively;
 *  - a parity NAK's count is 0-based: group | 1 asks for two packets.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/pgm.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.30"
#define PORT_SRC	7730	/* where the source sends */
#define PORT_RCV	7731	/* where the replay goes */
#define NMSG		5
#define MAXPKT		64
#define WAIT_MS		10000	/* debug kernels are slow */

static const unsigned int msg_len[NMSG] = { 100, 1400, 700, 3, 1000 };

static void fill(unsigned char *b, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < msg_len[i]; j++)
		b[j] = (unsigned char)(i * 31 + j * 7 + 1);
}

struct pkt {
	unsigned char b[1700];	/* room for the IP header too */
	size_t len;		/* PGM bytes (IP header stripped) */
};

/* pgm_opt_find() and pgm_opt32() in a captured packet. */
static long opt_off(const struct pkt *p, unsigned int body, unsigned int type)
{
	return pgm_opt_find(p->b, p->len, body, type);
}

static long opt32(const struct pkt *p, unsigned int body, unsigned int type)
{
	return pgm_opt32(p->b, p->len, body, type);
}

FIXTURE(fec)
{
	struct sockaddr_in src_g, rcv_g;
	int raw;
};

FIXTURE_SETUP(fec)
{
	ASSERT_EQ(0, pgm_netns_lo());
	self->src_g = pgm_sin(GROUP, PORT_SRC);
	self->rcv_g = pgm_sin(GROUP, PORT_RCV);
	/* It captures what is sent to the group, and injects. */
	self->raw = pgm_raw_lo(&self->src_g.sin_addr);
	ASSERT_LE(0, self->raw) TH_LOG("raw socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(fec)
{
	close(self->raw);
}

/* Capture the source's packets until @want parity ODATA and an SPM with
 * OPT_CURR_TGSIZE came by (or 10 s).
 */
static int capture(int raw, struct pkt *pk, int max)
{
	int n = 0, parity = 0, closed = 0;
	time_t until = time(NULL) + 10;

	while (n < max && time(NULL) < until && (parity < 2 || !closed)) {
		ssize_t r = pgm_recv_raw(raw, pk[n].b, sizeof(pk[n].b), 500,
					 NULL);

		if (r < 0 || pgm_get16(pk[n].b + 2) != PORT_SRC)
			continue;
		pk[n].len = r;
		if ((pk[n].b[4] & 0x0f) == PGM_T_ODATA &&
		    (pk[n].b[5] & PGM_F_OPT_PARITY))
			parity++;
		if ((pk[n].b[4] & 0x0f) == PGM_T_SPM &&
		    opt32(&pk[n], 20, PGM_O_CURR_TGSIZE) > 0)
			closed = 1;
		n++;
	}
	return n;
}

TEST_F(fec, partial_group_on_the_wire_and_rebuilt)
{
	struct rm_fec_info f = { .fec_block_size = 18,
				 .fec_proactive_packets = 2,
				 .fec_group_size = 16 };
	struct rm_send_window w = { 10000, 500, 0 };
	unsigned char buf[1500], want[1500];
	unsigned int first = 0, i, nparity = 0, ndata = 0, dropped = 0;
	struct pkt *pk = calloc(MAXPKT, sizeof(*pk));
	int s, ls, cs, n, k;
	long rec0;

	ASSERT_NE(NULL, pk);
	ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&self->rcv_g,
			  sizeof(self->rcv_g)));
	ASSERT_EQ(0, listen(ls, 1));

	s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_USE_FEC, &f, sizeof(f)));
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&self->src_g,
			     sizeof(self->src_g)));
	for (i = 0; i < NMSG; i++) {
		fill(buf, i);
		ASSERT_EQ((ssize_t)msg_len[i], send(s, buf, msg_len[i], 0));
	}
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	n = capture(self->raw, pk, MAXPKT);

	/* What the source sent. */
	for (k = 0; k < n; k++) {
		const struct pkt *p = &pk[k];
		unsigned int type = p->b[4] & 0x0f;

		if (type == PGM_T_SPM) {
			long o = opt_off(p, 20, PGM_O_PARITY_PRM);

			EXPECT_EQ(16, opt32(p, 20, PGM_O_PARITY_PRM));
			ASSERT_LT(0, o);
			/* RFC bits: P (0x02) alone; byte 2 zero. */
			EXPECT_EQ(0, p->b[o + 2]);
			EXPECT_EQ(0x02, p->b[o + 3]);
		} else if (type == PGM_T_ODATA &&
			   !(p->b[5] & PGM_F_OPT_PARITY)) {
			if (!ndata++)
				first = pgm_get32(p->b + 16);
		} else if (type == PGM_T_ODATA) {
			unsigned int sqn = pgm_get32(p->b + 16);

			EXPECT_EQ(first + nparity, sqn);
			EXPECT_EQ(PGM_F_OPT_VAR_PKTLEN,
				  p->b[5] & PGM_F_OPT_VAR_PKTLEN);
			EXPECT_EQ(1402, pgm_get16(p->b + 14));
			EXPECT_EQ(NMSG, opt32(p, 8, PGM_O_CURR_TGSIZE));
			nparity++;
		}
	}
	ASSERT_EQ(NMSG, ndata);
	ASSERT_EQ(2, nparity);
	EXPECT_EQ(0, first & 15) TH_LOG("first sequence %u", first);

	/* The replay, without data packet 2, to the listener's port. */
	rec0 = pgm_counter("PgmFecRecovered");
	for (k = 0; k < n; k++) {
		struct pkt *p = &pk[k];

		if ((p->b[4] & 0x0f) == PGM_T_ODATA &&
		    !(p->b[5] & PGM_F_OPT_PARITY) &&
		    pgm_get32(p->b + 16) == first + 2) {
			dropped++;
			continue;
		}
		pgm_put16(p->b + 2, PORT_RCV);
		pgm_set_csum(p->b, p->len);
		ASSERT_EQ(0, pgm_inject(self->raw, p->b, p->len,
					&self->rcv_g));
	}
	ASSERT_EQ(1, dropped);
	cs = pgm_accept_within(ls, 10000);
	ASSERT_LE(0, cs);
	for (i = 0; i < NMSG; i++) {
		ssize_t r = pgm_recv_within(cs, buf, sizeof(buf), 10000);

		fill(want, i);
		ASSERT_EQ((ssize_t)msg_len[i], r) TH_LOG("message %u", i);
		ASSERT_EQ(0, memcmp(buf, want, msg_len[i]));
	}
	EXPECT_EQ(rec0 + 1, pgm_counter("PgmFecRecovered"));
	close(cs);
	close(ls);
	close(s);
	free(pk);
}

/* ----- OpenPGM's bit-level quirks ----- */

#define RAW_SPORT	0x4321	/* the raw source's port; GSI 1..6 */
#define K		8	/* its transmission group size */

#define T(type)		(1U << (type))

/* The next packet of a type in @types (T() bits) to port @dport within
 * @ms milliseconds: its PGM bytes in @p, its IP source in @from (if not
 * NULL). Return: its type, or -1.
 */
static int wait_pkt(int raw, unsigned int types, unsigned int dport,
		    struct pkt *p, long ms, struct in_addr *from)
{
	long long t0 = pgm_now_ns();
	unsigned char buf[sizeof(p->b)];
	struct in_addr src;
	long left;

	while ((left = ms - pgm_ms_since(t0)) > 0) {
		ssize_t r = pgm_recv_raw(raw, buf, sizeof(buf), left, &src);

		if (r < 24 || !(T(buf[4] & 0x0f) & types) ||
		    pgm_get16(buf + 2) != dport)
			continue;
		p->len = r;
		memcpy(p->b, buf, p->len);
		if (from)
			*from = src;
		return buf[4] & 0x0f;
	}
	return -1;
}

/* Offset of the TSDU of a data packet. */
static unsigned int tsdu_off(const struct pkt *p)
{
	return 24 + (p->b[5] & PGM_F_OPT_PRESENT ? pgm_get16(p->b + 26) : 0);
}

/* Parity packet @j of a group of @k data blocks of @len bytes, as the
 * module's Reed-Solomon code makes it: the polynomial f of degree < k with
 * f(x_i) = block i, evaluated at x_(k+j), over GF(2^8) mod 0x11d, the
 * points being x_0 = 0 and x_r = alpha^(r - 1).
 */
static unsigned char gf_exp[510], gf_log[256];

static void gf_init(void)
{
	unsigned int i, x = 1;

	for (i = 0; i < 255; i++) {
		gf_exp[i] = x;
		gf_exp[i + 255] = x;
		gf_log[x] = i;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
}

static unsigned char gf_mul(unsigned char a, unsigned char b)
{
	return a && b ? gf_exp[gf_log[a] + gf_log[b]] : 0;
}

static unsigned char gf_div(unsigned char a, unsigned char b)
{
	return a ? gf_exp[gf_log[a] + 255 - gf_log[b]] : 0;
}

static unsigned char rs_point(unsigned int r)
{
	return r ? gf_exp[r - 1] : 0;
}

static void rs_parity(unsigned char *const *data, unsigned int k,
		      unsigned int j, unsigned char *out, unsigned int len)
{
	unsigned int i, m, b;
	unsigned char x, c;

	gf_init();
	x = rs_point(k + j);
	memset(out, 0, len);
	for (i = 0; i < k; i++) {
		c = 1;
		for (m = 0; m < k; m++)
			if (m != i)
				c = gf_mul(c, gf_div(x ^ rs_point(m),
						     rs_point(i) ^ rs_point(m)));
		for (b = 0; b < len; b++)
			out[b] ^= gf_mul(c, data[i][b]);
	}
}

/* The raw source's 4-byte message of sequence @sqn. */
static void msg(unsigned char *m, unsigned int sqn)
{
	char t[8];

	snprintf(t, sizeof(t), "m%03u", sqn % 1000);
	memcpy(m, t, 4);
}

/* Parity index 0 of the raw source's group @tg. */
static void group_parity(unsigned int tg, unsigned char *out)
{
	unsigned char blk[K][4], *d[K];
	unsigned int i;

	for (i = 0; i < K; i++) {
		msg(blk[i], tg + i);
		d[i] = blk[i];
	}
	rs_parity(d, K, 0, out, 4);
}

/* An SPM as OpenPGM sends it: OPT_PARITY_PRM with @prm in byte 3 and an
 * uninitialised byte 2, group size K; path NLA 127.0.0.1.
 */
static size_t raw_spm(unsigned char *b, unsigned int sqn, unsigned int trail,
		      unsigned int lead, unsigned char prm)
{
	pgm_build_spm(b, RAW_SPORT, PORT_RCV, sqn, trail, lead,
		      INADDR_LOOPBACK);
	b[5] = PGM_F_OPT_PRESENT | PGM_F_OPT_NETWORK;
	b[36] = PGM_O_LENGTH;			/* OPT_LENGTH, total 12 */
	b[37] = 4;
	pgm_put16(b + 38, 12);
	b[40] = PGM_O_PARITY_PRM | PGM_O_END;
	b[41] = 8;
	b[42] = 0xf7;				/* OpenPGM's garbage */
	b[43] = prm;
	pgm_put32(b + 44, K);
	pgm_set_csum(b, 48);
	return 48;
}

/* ODATA or RDATA of the raw source (@opts OPT_PARITY: a parity packet). */
static size_t raw_data(unsigned char *b, unsigned char type,
		       unsigned char opts, unsigned int sqn, unsigned int trail,
		       const unsigned char *tsdu)
{
	size_t len = pgm_build_data(b, RAW_SPORT, PORT_RCV, type, sqn, trail,
				    tsdu, 4);

	b[5] = opts;
	pgm_set_csum(b, len);
	return len;
}

static void raw_send(struct __test_metadata *_metadata, int raw,
		     const struct sockaddr_in *to, const unsigned char *b,
		     size_t len)
{
	ASSERT_EQ(0, pgm_inject(raw, b, len, to));
}

/* The raw source's session at the listener: SPM (lead 95, OPT_PARITY_PRM
 * @prm), then data 96 to 127 but 119, and, if @parity, pro-active parity
 * ODATA after the first two groups. Return: the accepted session.
 */
static int raw_session(struct __test_metadata *_metadata, int raw, int ls,
		       const struct sockaddr_in *g, unsigned char prm,
		       bool parity)
{
	unsigned char b[64], t[4];
	unsigned int sqn;

	raw_send(_metadata, raw, g, b, raw_spm(b, 1, 96, 95, prm));
	EXPECT_EQ(1, pgm_wait_counter("PgmInSpm", 1, WAIT_MS));
	for (sqn = 96; sqn < 128; sqn++) {
		if (sqn == 119)
			continue;		/* lost */
		msg(t, sqn);
		raw_send(_metadata, raw, g, b,
			 raw_data(b, PGM_T_ODATA, 0, sqn, 96, t));
		if (parity && (sqn == 103 || sqn == 111)) {
			group_parity(sqn + 1 - K, t);
			raw_send(_metadata, raw, g, b,
				 raw_data(b, PGM_T_ODATA, PGM_F_OPT_PARITY,
					  sqn + 1 - K, 96, t));
		}
	}
	return pgm_accept_within(ls, 10000);
}

/* Messages 96 to 127, in order. */
static void read_all(struct __test_metadata *_metadata, int cs)
{
	unsigned char want[4];
	char buf[16];
	unsigned int sqn;

	for (sqn = 96; sqn < 128; sqn++) {
		ASSERT_EQ(4, pgm_recv_within(cs, buf, sizeof(buf), 10000))
			TH_LOG("sequence %u", sqn);
		msg(want, sqn);
		ASSERT_EQ(0, memcmp(buf, want, 4)) TH_LOG("sequence %u", sqn);
	}
}

/*
 * An OpenPGM source doing on-demand parity only advertises 0x02, the
 * RFC's P bit, and sends no parity ODATA. Two groups on (the lead past
 * 111), the receiver re-reads it as OpenPGM's on-demand
 * (PgmFecPrmSwapped) and asks it for no parity: OpenPGM's parity is
 * unusable (fec.c, pgm_fec_prm_read()). The loss of 119 brings a
 * selective NAK, without waiting for pro-active parity; its RDATA
 * completes the stream.
 */
TEST_F(fec, openpgm_p_only_source_is_reread_as_ondemand)
{
	unsigned char b[64], t[4];
	struct pkt *p = calloc(1, sizeof(*p));
	int ls, cs;

	ASSERT_NE(NULL, p);
	ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&self->rcv_g,
			  sizeof(self->rcv_g)));
	ASSERT_EQ(0, listen(ls, 1));
	cs = raw_session(_metadata, self->raw, ls, &self->rcv_g, 0x02, false);
	ASSERT_LE(0, cs);

	ASSERT_EQ(PGM_T_NAK, wait_pkt(self->raw, T(PGM_T_NAK), RAW_SPORT, p,
				      10000, NULL))
		TH_LOG("no NAK");
	EXPECT_EQ(0, p->b[5] & PGM_F_OPT_PARITY) TH_LOG("a parity NAK");
	EXPECT_EQ(119, pgm_get32(p->b + 16));
	EXPECT_EQ(1, pgm_counter("PgmFecPrmSwapped"));
	EXPECT_EQ(0, pgm_counter("PgmOutParityNak"));

	msg(t, 119);
	raw_send(_metadata, self->raw, &self->rcv_g, b,
		 raw_data(b, PGM_T_RDATA, 0, 119, 96, t));
	read_all(_metadata, cs);
	EXPECT_EQ(1, pgm_counter("PgmFecPrmSwapped"));
	EXPECT_EQ(0, pgm_counter("PgmOutParityNak"));
	close(cs);
	close(ls);
	free(p);
}

/*
 * The converse: P alone with pro-active parity ODATA after the first two
 * groups is the RFC's pro-active source. No re-reading; the loss of 119
 * (its group's parity did not come) brings a selective NAK, no parity NAK.
 */
TEST_F(fec, p_only_source_with_parity_odata_stays_proactive)
{
	unsigned char b[64], t[4];
	struct pkt *p = calloc(1, sizeof(*p));
	int ls, cs;

	ASSERT_NE(NULL, p);
	ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&self->rcv_g,
			  sizeof(self->rcv_g)));
	ASSERT_EQ(0, listen(ls, 1));
	cs = raw_session(_metadata, self->raw, ls, &self->rcv_g, 0x02, true);
	ASSERT_LE(0, cs);

	ASSERT_EQ(PGM_T_NAK, wait_pkt(self->raw, T(PGM_T_NAK), RAW_SPORT, p,
				      10000, NULL))
		TH_LOG("no NAK");
	EXPECT_EQ(0, p->b[5] & PGM_F_OPT_PARITY) TH_LOG("a parity NAK");
	EXPECT_EQ(119, pgm_get32(p->b + 16));
	EXPECT_EQ(2, pgm_counter("PgmInParity"));
	EXPECT_EQ(0, pgm_counter("PgmFecPrmSwapped"));
	EXPECT_EQ(0, pgm_counter("PgmOutParityNak"));

	msg(t, 119);
	raw_send(_metadata, self->raw, &self->rcv_g, b,
		 raw_data(b, PGM_T_RDATA, 0, 119, 96, t));
	read_all(_metadata, cs);
	EXPECT_EQ(0, pgm_counter("PgmFecPrmSwapped"));
	EXPECT_EQ(0, pgm_counter("PgmOutParityNak"));
	close(cs);
	close(ls);
	free(p);
}

/* A module source (no FEC), its first four messages sent; the first
 * ODATA seen tells its TSI and address. @p: that ODATA.
 */
static int module_source(struct __test_metadata *_metadata, int raw,
			 const struct sockaddr_in *g,
			 const struct rm_fec_info *f, unsigned int nmsg,
			 struct pkt *p, struct in_addr *addr)
{
	struct rm_send_window w = { 10000, 500, 0 };
	unsigned char t[4];
	unsigned int i;
	int s;

	s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	EXPECT_LE(0, s);
	EXPECT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
				sizeof(w)));
	if (f)
		EXPECT_EQ(0, setsockopt(s, SOL_PGM, RM_USE_FEC, f,
					sizeof(*f)));
	EXPECT_EQ(0, connect(s, (const struct sockaddr *)g, sizeof(*g)));
	for (i = 0; i < nmsg; i++) {
		msg(t, i);
		EXPECT_EQ(4, send(s, t, 4, 0));
	}
	EXPECT_EQ(PGM_T_ODATA, wait_pkt(raw, T(PGM_T_ODATA), PORT_SRC, p,
					10000, addr));
	return s;
}

/* A NAK from the group's port to the source of @odata at @addr:
 * sequence @sqn, header flags @flags, and @nlist more in OPT_NAK_LIST
 * with byte 2 @byte2. Return: its length.
 */
static size_t nak(unsigned char *b, const struct pkt *odata,
		  const struct in_addr *addr, const struct in_addr *grp,
		  unsigned char flags, unsigned int sqn, unsigned int nlist,
		  unsigned char byte2)
{
	size_t len = 36;
	unsigned int i;

	memset(b, 0, 64);
	b[0] = PORT_SRC >> 8;
	b[1] = PORT_SRC & 0xff;
	b[2] = odata->b[0];			/* the source's port */
	b[3] = odata->b[1];
	b[4] = PGM_T_NAK;
	b[5] = flags;
	memcpy(b + 8, odata->b + 8, 6);		/* its GSI */
	pgm_put32(b + 16, sqn);
	b[21] = 1;
	memcpy(b + 24, addr, 4);
	b[29] = 1;
	memcpy(b + 32, grp, 4);
	if (nlist) {
		b[5] |= PGM_F_OPT_PRESENT | PGM_F_OPT_NETWORK;
		b[37] = 4;			/* OPT_LENGTH */
		b[39] = 8 + 4 * nlist;
		b[40] = PGM_O_NAK_LIST | PGM_O_END;
		b[41] = 4 + 4 * nlist;
		b[42] = byte2;
		for (i = 0; i < nlist; i++)
			pgm_put32(b + 44 + 4 * i, sqn + 1 + i);
		len = 44 + 4 * nlist;
	}
	pgm_set_csum(b, len);
	return len;
}

/*
 * OpenPGM's NAK with an uninitialised byte 2 in OPT_NAK_LIST (0xf7: its
 * OPX bits would say "reserved"), for the first sequence and two more,
 * to a module source: it confirms all three (its NCF's OPT_NAK_LIST has
 * byte 2 zero) and repairs all three.
 */
TEST_F(fec, openpgm_nak_list_garbage_byte_is_answered)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct pkt *p = calloc(2, sizeof(*p)), *q;
	unsigned int first, seen = 0, ncf = 0, sqn;
	long bad0 = pgm_counter("PgmInMalformed");
	long long t0;
	unsigned char b[64];
	long o;
	int s;

	ASSERT_NE(NULL, p);
	q = p + 1;
	s = module_source(_metadata, self->raw, &self->src_g, NULL, 4, p,
			  &to.sin_addr);
	ASSERT_LE(0, s);
	first = pgm_get32(p->b + 16);
	raw_send(_metadata, self->raw, &to, b,
		 nak(b, p, &to.sin_addr, &self->src_g.sin_addr, 0, first, 2,
		     0xf7));

	t0 = pgm_now_ns();
	while ((!ncf || seen != 7) && pgm_ms_since(t0) < 10000) {
		int type = wait_pkt(self->raw, T(PGM_T_NCF) | T(PGM_T_RDATA),
				    PORT_SRC, q, 100, NULL);

		if (type == PGM_T_NCF) {
			ncf++;
			EXPECT_EQ(first, pgm_get32(q->b + 16));
			o = opt_off(q, 20, PGM_O_NAK_LIST);
			ASSERT_LT(0, o);
			EXPECT_EQ(12, q->b[o + 1]);
			EXPECT_EQ(0, q->b[o + 2]);	/* ours: zero */
			EXPECT_EQ(first + 1, pgm_get32(q->b + o + 4));
			EXPECT_EQ(first + 2, pgm_get32(q->b + o + 8));
		} else if (type == PGM_T_RDATA) {
			sqn = pgm_get32(q->b + 16);
			if (sqn - first < 3)
				seen |= 1 << (sqn - first);
		}
	}
	EXPECT_EQ(1, ncf);
	EXPECT_EQ(7, seen) TH_LOG("repaired: %#x", seen);
	EXPECT_EQ(1, pgm_counter("PgmInNak"));
	EXPECT_EQ(3, pgm_counter("PgmInNakSeqs"));
	EXPECT_EQ(bad0, pgm_counter("PgmInMalformed"));
	close(s);
	free(p);
}

/*
 * A module source with on-demand parity only advertises the RFC's O bit
 * (0x01, byte 2 zero). A parity NAK for group | 1 asks for two packets
 * (the count is 0-based): the NCF says group | 1 and two parity RDATA,
 * indexes 0 and 1, follow, each the module's Reed-Solomon parity of the
 * group.
 */
TEST_F(fec, ondemand_source_rfc_bits_and_zero_based_count)
{
	struct rm_fec_info f = { .fec_block_size = 12,
				 .fec_proactive_packets = 0,
				 .fec_group_size = K,
				 .fec_ondemand_parity_enabled = 1 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct pkt *p = calloc(3, sizeof(*p)), *q, *sp;
	unsigned char blk[K][4], *d[K], want[4], b[64];
	unsigned int tg, i, seen = 0, nparity = 0, ncf = 0, ndata = 1, spm = 0;
	long long t0;
	long o;
	int s;

	ASSERT_NE(NULL, p);
	q = p + 1;
	sp = p + 2;
	for (i = 0; i < K; i++) {
		msg(blk[i], i);
		d[i] = blk[i];
	}
	s = module_source(_metadata, self->raw, &self->src_g, &f, K, p,
			  &to.sin_addr);
	ASSERT_LE(0, s);
	tg = pgm_get32(p->b + 16);
	ASSERT_EQ(0, tg % K);
	/* The rest of the group, and an SPM. */
	t0 = pgm_now_ns();
	while ((ndata < K || !spm) && pgm_ms_since(t0) < 10000) {
		int type = wait_pkt(self->raw, T(PGM_T_ODATA) | T(PGM_T_SPM),
				    PORT_SRC, q, 100, NULL);

		if (type == PGM_T_ODATA)
			ndata++;
		else if (type == PGM_T_SPM && !spm++)
			memcpy(sp, q, sizeof(*q));
	}
	ASSERT_EQ(K, ndata);
	ASSERT_EQ(1, !!spm) TH_LOG("no SPM");

	/* Its SPM: OPT_PARITY_PRM, group size K, O bit only. */
	o = opt_off(sp, 20, PGM_O_PARITY_PRM);
	ASSERT_LT(0, o);
	EXPECT_EQ(0, sp->b[o + 2]);
	EXPECT_EQ(0x01, sp->b[o + 3]);
	EXPECT_EQ(K, opt32(sp, 20, PGM_O_PARITY_PRM));

	raw_send(_metadata, self->raw, &to, b,
		 nak(b, p, &to.sin_addr, &self->src_g.sin_addr,
		     PGM_F_OPT_PARITY, tg | 1, 0, 0));
	t0 = pgm_now_ns();
	while (pgm_ms_since(t0) < 3000) {
		int type = wait_pkt(self->raw, T(PGM_T_NCF) | T(PGM_T_RDATA),
				    PORT_SRC, q, 100, NULL);

		if (type == PGM_T_NCF) {
			ncf++;
			EXPECT_EQ(PGM_F_OPT_PARITY, q->b[5] & PGM_F_OPT_PARITY);
			EXPECT_EQ(tg | 1, pgm_get32(q->b + 16));
		}
		if (type != PGM_T_RDATA)
			continue;
		ASSERT_EQ(PGM_F_OPT_PARITY, q->b[5] & PGM_F_OPT_PARITY);
		i = pgm_get32(q->b + 16) - tg;
		ASSERT_GT(2, i) TH_LOG("parity sequence %u", tg + i);
		rs_parity(d, K, i, want, 4);
		ASSERT_EQ(4, q->b[14] << 8 | q->b[15]);
		EXPECT_EQ(0, memcmp(want, q->b + tsdu_off(q), 4))
			TH_LOG("parity index %u", i);
		seen |= 1 << i;
		nparity++;
	}
	EXPECT_EQ(1, ncf);
	EXPECT_EQ(2, nparity);
	EXPECT_EQ(3, seen);
	EXPECT_EQ(1, pgm_counter("PgmInParityNak"));
	close(s);
	free(p);
}

/*
 * PGM_FEC_OPENPGM_PRM: off by default, set before connect() only
 * (EISCONN after); with it, an on-demand-only source advertises OpenPGM's
 * OND bit 0x02 and one doing both still 0x03; the group size is the same.
 */
TEST_F(fec, openpgm_prm_option_swaps_the_bits)
{
	static const struct {
		unsigned int h, prm;
	} c[] = { { 0, 0x02 }, { 1, 0x03 } };
	struct rm_send_window w = { 10000, 500, 0 };
	struct pkt *q = calloc(1, sizeof(*q));
	unsigned int i, k, v, spm;
	struct sockaddr_in me;
	unsigned char t[4];
	socklen_t len;
	long o;
	int s;

	ASSERT_NE(NULL, q);
	for (i = 0; i < 2; i++) {
		struct rm_fec_info f = { .fec_block_size = 12,
					 .fec_proactive_packets = c[i].h,
					 .fec_group_size = K,
					 .fec_ondemand_parity_enabled = 1 };
		long long t0;

		s = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
		ASSERT_LE(0, s);
		v = 7;
		len = sizeof(v);
		ASSERT_EQ(0, getsockopt(s, SOL_PGM, PGM_FEC_OPENPGM_PRM, &v,
					&len));
		EXPECT_EQ(0, v);
		v = 1;
		ASSERT_EQ(0, setsockopt(s, SOL_PGM, PGM_FEC_OPENPGM_PRM, &v,
					sizeof(v)));
		EXPECT_EQ(-1, setsockopt(s, SOL_PGM, PGM_FEC_OPENPGM_PRM, &v,
					 2));
		EXPECT_EQ(EINVAL, errno);
		ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_RATE_WINDOW_SIZE, &w,
					sizeof(w)));
		ASSERT_EQ(0, setsockopt(s, SOL_PGM, RM_USE_FEC, &f,
					sizeof(f)));
		ASSERT_EQ(0, connect(s, (struct sockaddr *)&self->src_g,
				     sizeof(self->src_g)));
		EXPECT_EQ(-1, setsockopt(s, SOL_PGM, PGM_FEC_OPENPGM_PRM, &v,
					 sizeof(v)));
		EXPECT_EQ(EISCONN, errno);
		v = 0;
		len = sizeof(v);
		ASSERT_EQ(0, getsockopt(s, SOL_PGM, PGM_FEC_OPENPGM_PRM, &v,
					&len));
		EXPECT_EQ(1, v);
		for (k = 0; k < K; k++) {
			msg(t, k);
			EXPECT_EQ(4, send(s, t, 4, 0));
		}
		len = sizeof(me);
		ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&me, &len));
		/* This socket's SPM: the last one's may still drain. */
		spm = 0;
		t0 = pgm_now_ns();
		while (!spm && pgm_ms_since(t0) < 10000)
			spm = wait_pkt(self->raw, T(PGM_T_SPM), PORT_SRC, q,
				       100, NULL) == PGM_T_SPM &&
			      !memcmp(q->b, &me.sin_port, 2);
		ASSERT_EQ(1, spm) TH_LOG("no SPM");
		o = opt_off(q, 20, PGM_O_PARITY_PRM);
		ASSERT_LT(0, o);
		EXPECT_EQ(0, q->b[o + 2]);
		EXPECT_EQ(c[i].prm, q->b[o + 3]) TH_LOG("h %u", c[i].h);
		EXPECT_EQ(K, opt32(q, 20, PGM_O_PARITY_PRM));
		close(s);
	}
	free(q);
}

TEST_HARNESS_MAIN
