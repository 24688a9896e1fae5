// SPDX-License-Identifier: GPL-2.0
/*
 * Forged FEC sessions. A raw socket on lo plays a source (any GSI, its
 * own port per session) at a listener's group and port, and sends FEC
 * packets a real source would not:
 *  - the six-packet crash: OPT_PARITY_PRM k = 2, data at a group's start,
 *    then parity with OPT_VAR_PKTLEN and a 1-byte TSDU (the block less
 *    its two length bytes underflowed; the kernel cleared 4 GiB);
 *  - a group closed early (OPT_CURR_TGSIZE 2, in parity or an SPM) below
 *    data it held: the decoder ran with fewer than k blocks, its other
 *    index[]/src[] entries stale or uninitialised (the NULL dereference
 *    in pgm_rs_decode() the hostile generator's fec family found);
 *  - parity of every length around the group's block, every index, with
 *    and without OPT_VAR_PKTLEN and OPT_FRAGMENT, as ODATA and RDATA;
 *    every group size, valid or not; every P/O combination; every
 *    OPT_CURR_TGSIZE; rebuilt fragments whose OPT_FRAGMENT lies;
 *  - 127 parity packets into each of 128 groups (k = 128): the session's
 *    receive memory stays within 1.5 times its buffer, the excess
 *    counted as drops.
 * Honest parity is the module's Reed-Solomon code (pgm_test.h); what it
 * rebuilds must be the source's bytes, and the stream must go on.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/pgm.h>
#include <linux/sock_diag.h>

#include "../../kselftest_harness.h"
#include "pgm_test.h"

#define GROUP		"239.9.9.40"
#define PORT		7740
#define KMAX		128
#define FIXED_LEN	12	/* the TSDU of a source that does not vary */

/* ----- the source's data: length and bytes by sequence ----- */

static unsigned int mlen(unsigned int sqn, bool var)
{
	return var ? 4 + (sqn * 7) % 13 : FIXED_LEN;
}

static unsigned char mbyte(unsigned int sqn, unsigned int i)
{
	return (unsigned char)(sqn * 13 + i * 7 + 1);
}

/* ----- a raw source ----- */

struct src {
	int raw;
	struct sockaddr_in g;
	unsigned short sport;	/* one per session: a TSI of its own */
	unsigned int spm_sqn;
	unsigned int trail;
	bool var;		/* data lengths vary */
	unsigned char b[2048];
};

static void hdr(struct src *s, unsigned char type, unsigned char flags,
		size_t tsdu)
{
	unsigned char *b = s->b;

	memset(b, 0, 64);
	b[0] = s->sport >> 8;
	b[1] = s->sport & 0xff;
	b[2] = PORT >> 8;
	b[3] = PORT & 0xff;
	b[4] = type;
	b[5] = flags;
	memcpy(b + 8, "\x0a\x0b\x0c\x0d\x0e\x0f", 6);
	b[14] = tsdu >> 8;
	b[15] = tsdu & 0xff;
}

/* Options writer: OPT_LENGTH, then options; the last gets OPT_END. */
struct optw {
	unsigned char *base;
	unsigned char *last;
	unsigned int len;
};

static unsigned char *opt_add(struct optw *w, unsigned char type,
			      unsigned int len)
{
	unsigned char *o;

	if (!w->len) {
		w->base[0] = PGM_O_LENGTH;
		w->base[1] = 4;
		w->len = 4;
	}
	o = w->base + w->len;
	memset(o, 0, len);
	o[0] = type;
	o[1] = len;
	w->last = o;
	w->len += len;
	return o;
}

static unsigned int opt_end(struct optw *w)
{
	if (!w->last)
		return 0;
	w->last[0] |= PGM_O_END;
	pgm_put16(w->base + 2, w->len);
	return w->len;
}

static void send_pkt(struct __test_metadata *_metadata, struct src *s,
		     size_t len)
{
	pgm_set_csum(s->b, len);
	ASSERT_EQ(0, pgm_inject(s->raw, s->b, len, &s->g));
}

/* An SPM: trail, lead, path 127.0.0.1; OPT_PARITY_PRM if @tgs (P/O bits
 * @prm) and OPT_CURR_TGSIZE if @tgsize.
 */
static void spm(struct __test_metadata *_metadata, struct src *s,
		unsigned int lead, unsigned int tgs, unsigned char prm,
		unsigned int tgsize)
{
	struct optw w = { .base = s->b + 36 };
	unsigned char *o;
	unsigned int ol;

	hdr(s, PGM_T_SPM, 0, 0);
	pgm_put32(s->b + 16, ++s->spm_sqn);
	pgm_put32(s->b + 20, s->trail);
	pgm_put32(s->b + 24, lead);
	s->b[29] = 1;				/* AFI IPv4 */
	pgm_put32(s->b + 32, INADDR_LOOPBACK);
	if (tgs) {
		o = opt_add(&w, PGM_O_PARITY_PRM, 8);
		o[3] = prm;
		pgm_put32(o + 4, tgs);
	}
	if (tgsize) {
		o = opt_add(&w, PGM_O_CURR_TGSIZE, 8);
		pgm_put32(o + 4, tgsize);
	}
	ol = opt_end(&w);
	if (ol)
		s->b[5] = PGM_F_OPT_PRESENT | PGM_F_OPT_NETWORK;
	send_pkt(_metadata, s, 36 + ol);
}

struct frag {
	unsigned int first, off, len;
};

/* Data @sqn: the source's bytes (@len of them), OPT_FRAGMENT if @f. */
static void data_len(struct __test_metadata *_metadata, struct src *s,
		     unsigned char type, unsigned int sqn, unsigned int len,
		     const struct frag *f)
{
	struct optw w = { .base = s->b + 24 };
	unsigned char *o;
	unsigned int ol, i;

	hdr(s, type, 0, len);
	pgm_put32(s->b + 16, sqn);
	pgm_put32(s->b + 20, s->trail);
	if (f) {
		o = opt_add(&w, PGM_O_FRAGMENT, 16);
		pgm_put32(o + 4, f->first);
		pgm_put32(o + 8, f->off);
		pgm_put32(o + 12, f->len);
	}
	ol = opt_end(&w);
	if (ol)
		s->b[5] = PGM_F_OPT_PRESENT;
	for (i = 0; i < len; i++)
		s->b[24 + ol + i] = mbyte(sqn, i);
	send_pkt(_metadata, s, 24 + ol + len);
}

static void data(struct __test_metadata *_metadata, struct src *s,
		 unsigned char type, unsigned int sqn)
{
	data_len(_metadata, s, type, sqn, mlen(sqn, s->var), NULL);
}

struct par {
	unsigned char type;	/* ODATA or RDATA */
	unsigned int sqn;	/* group | (j mod k) */
	unsigned int grp;	/* OPT_PARITY_GRP (0: none) */
	unsigned int tgsize;	/* OPT_CURR_TGSIZE (0: none) */
	bool var;		/* OPT_VAR_PKTLEN */
	const unsigned char *frag;	/* 13 encoded bytes, or NULL */
	const unsigned char *tsdu;
	unsigned int len;
};

static void parity(struct __test_metadata *_metadata, struct src *s,
		   const struct par *p)
{
	struct optw w = { .base = s->b + 24 };
	unsigned char *o;
	unsigned int ol;

	hdr(s, p->type, PGM_F_OPT_PARITY | (p->var ? PGM_F_OPT_VAR_PKTLEN : 0),
	    p->len);
	pgm_put32(s->b + 16, p->sqn);
	pgm_put32(s->b + 20, s->trail);
	if (p->frag) {
		o = opt_add(&w, PGM_O_FRAGMENT, 16);
		o[2] = 0x04;			/* F: encoded */
		o[3] = p->frag[0];
		memcpy(o + 4, p->frag + 1, 12);
	}
	if (p->grp) {
		o = opt_add(&w, PGM_O_PARITY_GRP, 8);
		pgm_put32(o + 4, p->grp);
	}
	if (p->tgsize) {
		o = opt_add(&w, PGM_O_CURR_TGSIZE, 8);
		pgm_put32(o + 4, p->tgsize);
	}
	ol = opt_end(&w);
	if (ol)
		s->b[5] |= PGM_F_OPT_PRESENT;
	memcpy(s->b + 24 + ol, p->tsdu, p->len);
	send_pkt(_metadata, s, 24 + ol + p->len);
}

/* ----- a transmission group as the source encodes it ----- */

struct fgrp {
	unsigned int tg, k, size;
	bool var_src;		/* the source's lengths vary */
	bool frags;		/* the group is one message in fragments */
	int lie;		/* index whose encoded OPT_FRAGMENT lies, -1 */
	struct frag lie_frag;
};

static unsigned int glen(const struct fgrp *g, unsigned int i)
{
	return mlen(g->tg + i, g->var_src);
}

static struct frag gfrag(const struct fgrp *g, unsigned int i)
{
	struct frag f = { .first = g->tg };
	unsigned int m;

	for (m = 0; m < g->size; m++) {
		if (m < i)
			f.off += glen(g, m);
		f.len += glen(g, m);
	}
	return f;
}

static void frag_blk(unsigned char *blk, const struct frag *f)
{
	memset(blk, 0, 13);
	if (!f) {
		blk[0] = 0x80;			/* U: no option */
		return;
	}
	pgm_put32(blk + 1, f->first);
	pgm_put32(blk + 5, f->off);
	pgm_put32(blk + 9, f->len);
}

/* Parity @j of the group: its TSDU in @out (Return: its length, the
 * block length), the encoded OPT_FRAGMENT in @frag13, and whether the
 * group's TSDUs vary (OPT_VAR_PKTLEN).
 */
static unsigned int gparity(const struct fgrp *g, unsigned int j,
			    unsigned char *out, unsigned char *frag13,
			    bool *var)
{
	static unsigned char blk[KMAX][64], fblk[KMAX][13];
	const unsigned char *src[KMAX];
	unsigned int i, max = 0, blen, b;

	*var = false;
	for (i = 0; i < g->size; i++) {
		if (glen(g, i) != glen(g, 0))
			*var = true;
		if (glen(g, i) > max)
			max = glen(g, i);
	}
	blen = max + (*var ? 2 : 0);
	for (i = 0; i < g->k; i++) {
		memset(blk[i], 0, sizeof(blk[i]));
		frag_blk(fblk[i], NULL);
		if (i < g->size) {
			struct frag f = gfrag(g, i);

			for (b = 0; b < glen(g, i); b++)
				blk[i][b] = mbyte(g->tg + i, b);
			if (*var) {
				blk[i][max] = glen(g, i) & 0xff;
				blk[i][max + 1] = glen(g, i) >> 8;
			}
			if ((int)i == g->lie)
				frag_blk(fblk[i], &g->lie_frag);
			else if (g->frags)
				frag_blk(fblk[i], &f);
		}
		src[i] = blk[i];
	}
	pgm_rs_parity(src, g->k, j, out, blen);
	for (i = 0; i < g->k; i++)
		src[i] = fblk[i];
	pgm_rs_parity(src, g->k, j, frag13, 13);
	return blen;
}

/* Data index @i of the group, as the source sends it. */
static void gdata(struct __test_metadata *_metadata, struct src *s,
		  const struct fgrp *g, unsigned char type, unsigned int i)
{
	struct frag f = gfrag(g, i);

	data_len(_metadata, s, type, g->tg + i, glen(g, i),
		 g->frags ? &f : NULL);
}

/* Honest parity @j of the group; the header says @tgsize. */
static void gpar(struct __test_metadata *_metadata, struct src *s,
		 const struct fgrp *g, unsigned char type, unsigned int j,
		 unsigned int tgsize)
{
	unsigned char tsdu[80], frag[13];
	struct par p = { .type = type, .tsdu = tsdu, .tgsize = tgsize };

	p.len = gparity(g, j, tsdu, frag, &p.var);
	p.sqn = g->tg | (j % g->k);
	p.grp = j / g->k;
	p.frag = g->frags || g->lie >= 0 ? frag : NULL;
	parity(_metadata, s, &p);
}

/* ----- the receiver ----- */

FIXTURE(forged)
{
	int raw, ls;
	struct sockaddr_in g;
	unsigned short next_port;
};

FIXTURE_SETUP(forged)
{
	FILE *f;

	ASSERT_EQ(0, pgm_netns_lo());
	/* Nobody answers the sessions' NAKs: keep what they miss from
	 * being declared lost (the session would fail) while a test runs.
	 */
	f = fopen("/proc/sys/net/pgm/nak_rpt_ivl_ms", "w");
	if (!f || fprintf(f, "60000\n") < 0 || fclose(f))
		TH_LOG("net.pgm.nak_rpt_ivl_ms not set: %s", strerror(errno));
	self->g = pgm_sin(GROUP, PORT);
	self->raw = pgm_raw_lo(NULL);
	ASSERT_LE(0, self->raw) TH_LOG("raw socket: %s", strerror(errno));
	self->ls = socket(AF_INET, SOCK_RDM, IPPROTO_PGM);
	ASSERT_LE(0, self->ls);
	ASSERT_EQ(0, bind(self->ls, (struct sockaddr *)&self->g,
			  sizeof(self->g)));
	ASSERT_EQ(0, listen(self->ls, 8));
	self->next_port = 0x5000;
}

FIXTURE_TEARDOWN(forged)
{
	close(self->ls);
	close(self->raw);
}

/* A new source (a TSI of its own). */
static void src_new(struct _test_data_forged *self, struct src *s, bool var)
{
	memset(s, 0, sizeof(*s));
	s->raw = self->raw;
	s->g = self->g;
	s->sport = self->next_port++;
	s->var = var;
}

/* Its session: SPM (lead @start - 1, OPT_PARITY_PRM @k with @prm: the
 * listener keeps it), then data @start. Return: the session accepted.
 */
static int open_session(struct __test_metadata *_metadata,
			struct _test_data_forged *self, struct src *s,
			unsigned int start, unsigned int k, unsigned char prm)
{
	long spms = pgm_counter("PgmInSpm");

	s->trail = start;
	spm(_metadata, s, start - 1, k, prm, 0);
	pgm_wait_counter("PgmInSpm", spms + 1, 10000);
	data(_metadata, s, PGM_T_ODATA, start);
	return pgm_accept_within(self->ls, 10000);
}

/* The next message: its length (-1 and errno: none within 10 s). */
static ssize_t read_msg(int fd, unsigned char *buf, size_t len)
{
	return pgm_recv_within(fd, buf, len, 10000);
}

/* Messages @from to @to are the source's, but those in @any (bits by
 * offset from @from, may be NULL) which may be anything.
 */
static void expect_msgs(struct __test_metadata *_metadata, int fd,
			const struct src *s, unsigned int from,
			unsigned int to, const unsigned char *any)
{
	unsigned char buf[256];
	unsigned int sqn, i;
	ssize_t n;

	for (sqn = from; sqn != to + 1; sqn++) {
		unsigned int d = sqn - from;

		n = read_msg(fd, buf, sizeof(buf));
		ASSERT_LE(0, n) TH_LOG("sequence %u: %s", sqn,
				       strerror(errno));
		if (any && (any[d / 8] >> (d % 8) & 1))
			continue;
		ASSERT_EQ((ssize_t)mlen(sqn, s->var), n)
			TH_LOG("sequence %u", sqn);
		for (i = 0; i < n; i++)
			ASSERT_EQ(mbyte(sqn, i), buf[i])
				TH_LOG("sequence %u byte %u", sqn, i);
	}
}

static void fgrp_init(struct fgrp *g, unsigned int tg, unsigned int k,
		      unsigned int size, bool var_src)
{
	memset(g, 0, sizeof(*g));
	g->tg = tg;
	g->k = k;
	g->size = size ? size : k;
	g->var_src = var_src;
	g->lie = -1;
}

/*
 * The six-packet crash. The module remembers the SPM (k = 2) at the
 * listener, the data starts the session at a group's start, and a
 * parity ODATA with OPT_VAR_PKTLEN carries 1 byte: refused as
 * malformed. The session goes on.
 */
TEST_F(forged, var_parity_of_one_byte)
{
	unsigned char one = 0x42, two[2] = { 1, 0 };
	struct par p = { .type = PGM_T_ODATA, .sqn = 100, .var = true,
			 .tsdu = &one, .len = 1 };
	long bad = pgm_counter("PgmInMalformed");
	struct src s;
	int cs;

	src_new(self, &s, false);
	cs = open_session(_metadata, self, &s, 100, 2, PGM_PRM_PROACTIVE);
	ASSERT_LE(0, cs);
	parity(_metadata, &s, &p);
	ASSERT_EQ(1, pgm_wait_counter("PgmInParity", 1, 10000));
	/* And the other short ones, at the other index. */
	p.sqn = 101;
	p.tsdu = two;
	p.len = 2;
	parity(_metadata, &s, &p);
	p.len = 0;
	parity(_metadata, &s, &p);
	ASSERT_EQ(3, pgm_wait_counter("PgmInParity", 3, 10000));
	EXPECT_EQ(bad + 3, pgm_counter("PgmInMalformed"));
	EXPECT_EQ(0, pgm_counter("PgmFecRecovered"));
	data(_metadata, &s, PGM_T_ODATA, 101);
	data(_metadata, &s, PGM_T_ODATA, 102);
	expect_msgs(_metadata, cs, &s, 100, 102, NULL);
	close(cs);
}

/*
 * Fewer than k: k = 4, data at index 3 only, then OPT_CURR_TGSIZE 2 in a
 * parity packet (group 200), or in an SPM followed by full-group parity
 * (group 204). A group is not closed below the data it holds: nothing
 * decodes on the way, parity closing it is malformed, and data (with the
 * full group's parity for 204) completes both groups. (Before the FEC
 * core: a NULL dereference in pgm_rs_decode() from pgm_fec_rx_decode().)
 */
TEST_F(forged, closed_below_held_data)
{
	unsigned char tsdu[FIXED_LEN];
	struct par p = { .type = PGM_T_ODATA, .sqn = 200, .tgsize = 2,
			 .tsdu = tsdu, .len = FIXED_LEN };
	long bad = pgm_counter("PgmInMalformed");
	struct fgrp g;
	struct src s;
	int cs;

	memset(tsdu, 0x5a, sizeof(tsdu));
	src_new(self, &s, false);
	s.trail = 200;
	spm(_metadata, &s, 199, 4, PGM_PRM_PROACTIVE | PGM_PRM_ONDEMAND, 0);
	ASSERT_EQ(1, pgm_wait_counter("PgmInSpm", 1, 10000));
	data(_metadata, &s, PGM_T_ODATA, 203);
	cs = pgm_accept_within(self->ls, 10000);
	ASSERT_LE(0, cs);
	parity(_metadata, &s, &p);
	ASSERT_EQ(1, pgm_wait_counter("PgmInParity", 1, 10000));
	EXPECT_EQ(bad + 1, pgm_counter("PgmInMalformed"));

	/* The source's parity for group 204, after the SPM closing it. */
	data(_metadata, &s, PGM_T_ODATA, 207);
	spm(_metadata, &s, 205, 4, PGM_PRM_PROACTIVE | PGM_PRM_ONDEMAND, 2);
	fgrp_init(&g, 204, 4, 0, false);
	gpar(_metadata, &s, &g, PGM_T_ODATA, 0, 0);
	ASSERT_EQ(2, pgm_wait_counter("PgmInParity", 2, 10000));
	p.sqn = 205;
	parity(_metadata, &s, &p);
	ASSERT_EQ(3, pgm_wait_counter("PgmInParity", 3, 10000));
	EXPECT_EQ(bad + 2, pgm_counter("PgmInMalformed"));
	EXPECT_EQ(0, pgm_counter("PgmFecRecovered"));

	data(_metadata, &s, PGM_T_RDATA, 200);
	data(_metadata, &s, PGM_T_RDATA, 201);
	data(_metadata, &s, PGM_T_RDATA, 202);
	data(_metadata, &s, PGM_T_RDATA, 204);
	data(_metadata, &s, PGM_T_RDATA, 205);
	/* 204, 205, 207 and the parity: the source's 206 is rebuilt. */
	expect_msgs(_metadata, cs, &s, 200, 207, NULL);
	EXPECT_EQ(1, pgm_counter("PgmFecRecovered"));
	close(cs);
}

/*
 * Parity of every length around the group's block (0, 1, 2, 3, one
 * short, exact, one over), with and without OPT_VAR_PKTLEN and
 * OPT_FRAGMENT, as ODATA and RDATA, then of every index (j = 1, k - 1, k,
 * 254 - k, 255 - k, OPT_PARITY_GRP 2^32 - 1), one group each, k = 4,
 * index 1 lost. An exact block is the source's parity: it rebuilds the
 * loss. Other lengths are refused, or rebuild what they rebuild (one
 * over: a block the data fits in); RDATA repairs those groups. Every
 * message of the source arrives whole.
 */
static void sweep(struct __test_metadata *_metadata,
		  struct _test_data_forged *self, bool var)
{
	static const int dlen[] = { 0, 1, 2, 3, -1, 0, 1 };	/* rel. */
	static const int absl[] = { 1, 1, 1, 1, 0, 0, 0 };
	static const unsigned int jj[] = { 1, 3, 4, 250, 251, 0 };
	unsigned char any[32] = { 0 }, tsdu[80], frag[13];
	unsigned int c, start = 400, tg, k = 4, honest = 0, last;
	long rec0 = pgm_counter("PgmFecRecovered");
	struct fgrp g;
	struct src s;
	int cs;

	src_new(self, &s, var);
	cs = open_session(_metadata, self, &s, start, k, PGM_PRM_PROACTIVE);
	ASSERT_LE(0, cs);
	data(_metadata, &s, PGM_T_ODATA, start + 1);
	data(_metadata, &s, PGM_T_ODATA, start + 2);
	data(_metadata, &s, PGM_T_ODATA, start + 3);
	tg = start + k;
	for (c = 0; c < 7 * 8 + 6; c++, tg += k) {
		struct par p = { .tsdu = tsdu };
		unsigned int blen, j = 0, i;
		bool exact;

		fgrp_init(&g, tg, k, 0, var);
		for (i = 0; i < k; i++)
			if (i != 1)
				gdata(_metadata, &s, &g, PGM_T_ODATA, i);
		memset(tsdu, 0, sizeof(tsdu));
		if (c < 56) {
			unsigned int v = c % 7;

			blen = gparity(&g, 0, tsdu, frag, &p.var);
			p.len = absl[v] ? dlen[v] : blen + dlen[v];
			p.frag = c / 7 % 2 ? frag : NULL;
			p.type = c / 14 % 2 ? PGM_T_RDATA : PGM_T_ODATA;
			if (c / 28 % 2)		/* the flag is a lie */
				p.var = !p.var;
		} else {
			j = jj[c - 56];
			blen = gparity(&g, j > 251 ? 0 : j, tsdu, frag, &p.var);
			p.len = blen;
			p.type = PGM_T_ODATA;
			p.frag = frag;
			p.grp = c - 56 == 5 ? 0xffffffffU : j / k;
		}
		p.sqn = tg | (j % k);
		if (c >= 56)
			exact = j < 251 && p.grp == j / k;
		else
			exact = p.len == blen && c / 28 % 2 == 0;
		parity(_metadata, &s, &p);
		if (exact) {
			honest++;
		} else {
			i = tg + 1 - start;
			any[i / 8] |= 1 << (i % 8);
			gdata(_metadata, &s, &g, PGM_T_RDATA, 1);
		}
	}
	last = tg - 1;
	expect_msgs(_metadata, cs, &s, start, last, any);
	EXPECT_LE(rec0 + honest, pgm_counter("PgmFecRecovered"));
	TH_LOG("%s: %u honest groups rebuilt, %ld rebuilt in all, %ld malformed",
	       var ? "var" : "fixed", honest,
	       pgm_counter("PgmFecRecovered") - rec0,
	       pgm_counter("PgmInMalformed"));
	EXPECT_EQ(0, pgm_counter("PgmSessionResets"));
	close(cs);
}

TEST_F(forged, parity_lengths_indexes_flags_fixed)
{
	sweep(_metadata, self, false);
}

TEST_F(forged, parity_lengths_indexes_flags_var)
{
	sweep(_metadata, self, true);
}

/*
 * Every group size an SPM can say. Powers of two from 2 to 128: a group
 * with one loss is rebuilt from one parity packet (the last index, 254 -
 * k, with OPT_PARITY_GRP), byte for byte. Other
 * sizes are no FEC: parity is ignored, RDATA repairs.
 */
TEST_F(forged, every_group_size)
{
	static const unsigned int bad_k[] = { 0, 1, 3, 6, 96, 127, 129, 256,
					      0x80000000U, 0xffffffffU };
	unsigned int k, i, n;
	long rec;

	for (k = 2; k <= KMAX; k *= 2) {
		struct fgrp g;
		struct src s;
		int cs;

		src_new(self, &s, true);
		cs = open_session(_metadata, self, &s, 4 * KMAX, k,
				  PGM_PRM_PROACTIVE);
		ASSERT_LE(0, cs) TH_LOG("k %u", k);
		for (i = 1; i < k; i++)
			data(_metadata, &s, PGM_T_ODATA, 4 * KMAX + i);
		rec = pgm_counter("PgmFecRecovered");
		fgrp_init(&g, 4 * KMAX + k, k, 0, true);
		for (i = 0; i < k; i++)
			if (i != k / 2)
				gdata(_metadata, &s, &g, PGM_T_ODATA, i);
		/* The highest parity index there is: 254 - k. */
		gpar(_metadata, &s, &g, PGM_T_ODATA, 254 - k, 0);
		expect_msgs(_metadata, cs, &s, 4 * KMAX, 4 * KMAX + 2 * k - 1,
			    NULL);
		EXPECT_EQ(rec + 1, pgm_counter("PgmFecRecovered"))
			TH_LOG("k %u", k);
		close(cs);
	}
	n = ARRAY_SIZE(bad_k);
	for (i = 0; i < n; i++) {
		unsigned char tsdu[FIXED_LEN] = { 0 };
		struct par p = { .type = PGM_T_ODATA, .sqn = 1001,
				 .tsdu = tsdu, .len = FIXED_LEN };
		long par0 = pgm_counter("PgmInParity");
		struct src s;
		int cs;

		src_new(self, &s, false);
		cs = open_session(_metadata, self, &s, 1000, bad_k[i],
				  PGM_PRM_PROACTIVE);
		ASSERT_LE(0, cs) TH_LOG("k %u", bad_k[i]);
		rec = pgm_counter("PgmFecRecovered");
		parity(_metadata, &s, &p);
		ASSERT_EQ(par0 + 1, pgm_wait_counter("PgmInParity", par0 + 1,
						     10000));
		data(_metadata, &s, PGM_T_RDATA, 1001);
		expect_msgs(_metadata, cs, &s, 1000, 1001, NULL);
		EXPECT_EQ(rec, pgm_counter("PgmFecRecovered"))
			TH_LOG("k %u", bad_k[i]);
		close(cs);
	}
}

/* OPT_PARITY_PRM's P and O bits, all combinations and the reserved
 * ones: parity that comes is used whatever the source said it sends.
 */
TEST_F(forged, parity_prm_bits)
{
	static const unsigned char prm[] = { 0x00, 0x01, 0x02, 0x03, 0xfc,
					     0xff };
	unsigned int i, n = sizeof(prm);

	for (i = 0; i < n; i++) {
		long rec = pgm_counter("PgmFecRecovered");
		unsigned int sqn;
		struct fgrp g;
		struct src s;
		int cs;

		src_new(self, &s, true);
		cs = open_session(_metadata, self, &s, 64, 8, prm[i]);
		ASSERT_LE(0, cs);
		for (sqn = 65; sqn < 72; sqn++)
			data(_metadata, &s, PGM_T_ODATA, sqn);
		fgrp_init(&g, 72, 8, 0, true);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 0);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 1);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 3);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 4);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 6);
		gdata(_metadata, &s, &g, PGM_T_ODATA, 7);
		gpar(_metadata, &s, &g, i & 1 ? PGM_T_RDATA : PGM_T_ODATA,
		     20, 0);
		gpar(_metadata, &s, &g, PGM_T_RDATA, 2, 0);
		expect_msgs(_metadata, cs, &s, 64, 79, NULL);
		EXPECT_EQ(rec + 2, pgm_counter("PgmFecRecovered"))
			TH_LOG("prm %#x", prm[i]);
		close(cs);
	}
}

/*
 * OPT_CURR_TGSIZE (k = 8) in parity: 0 and k are a full group, 1 and
 * k - 1 close it early (zeros beyond, the source's last data), k + 1 is
 * malformed (RDATA repairs); in an SPM whose lead ends the group: 3.
 * Each closes a session: nothing follows a group closed early.
 */
TEST_F(forged, curr_tgsize_values)
{
	static const struct {
		unsigned int size, tgsize, lost;
		bool spm, decodes;
	} c[] = {
		{ 8, 0, 5, false, true },
		{ 8, 8, 5, false, true },
		{ 1, 1, 0, false, true },
		{ 7, 7, 2, false, true },
		{ 8, 9, 3, false, false },
		{ 3, 3, 1, true, true },
	};
	unsigned int i, m, n = ARRAY_SIZE(c);

	for (i = 0; i < n; i++) {
		long rec = pgm_counter("PgmFecRecovered");
		long bad = pgm_counter("PgmInMalformed");
		struct fgrp g;
		struct src s;
		int cs;

		src_new(self, &s, true);
		cs = open_session(_metadata, self, &s, 800, 8,
				  PGM_PRM_PROACTIVE);
		ASSERT_LE(0, cs);
		for (m = 801; m < 808; m++)
			data(_metadata, &s, PGM_T_ODATA, m);
		fgrp_init(&g, 808, 8, c[i].size, true);
		for (m = 0; m < c[i].size; m++)
			if (m != c[i].lost)
				gdata(_metadata, &s, &g, PGM_T_ODATA, m);
		if (c[i].spm)
			spm(_metadata, &s, 808 + c[i].size - 1, 8,
			    PGM_PRM_PROACTIVE, c[i].tgsize);
		gpar(_metadata, &s, &g, PGM_T_ODATA, 1, c[i].tgsize);
		if (!c[i].decodes)
			gdata(_metadata, &s, &g, PGM_T_RDATA, c[i].lost);
		expect_msgs(_metadata, cs, &s, 800, 808 + c[i].size - 1, NULL);
		EXPECT_EQ(rec + c[i].decodes, pgm_counter("PgmFecRecovered"))
			TH_LOG("case %u", i);
		EXPECT_EQ(bad + !c[i].decodes, pgm_counter("PgmInMalformed"))
			TH_LOG("case %u", i);
		close(cs);
	}
}

/* The next message of @fd is the whole APDU of group @g. */
static void expect_apdu(struct __test_metadata *_metadata, int fd,
			const struct fgrp *g)
{
	unsigned char buf[512];
	unsigned int i, b, off = 0;
	ssize_t n = read_msg(fd, buf, sizeof(buf));

	ASSERT_EQ((ssize_t)gfrag(g, 0).len, n);
	for (i = 0; i < g->size; i++)
		for (b = 0; b < glen(g, i); b++, off++)
			ASSERT_EQ(mbyte(g->tg + i, b), buf[off])
				TH_LOG("fragment %u byte %u", i, b);
}

/*
 * A message in four fragments (k = 4), the third lost. Its parity is
 * the source's but for the lost fragment's encoded OPT_FRAGMENT: the
 * rebuilt fragment says an offset at or past the message's end, or a
 * message too short to hold it. Refused as a received one would be
 * (PgmInMalformed, nothing rebuilt); RDATA completes the message. Then a
 * lie the checks cannot see (a 2^31-byte message): the rebuilt fragment
 * breaks the message being read, and the session fails (ECONNRESET).
 */
TEST_F(forged, rebuilt_fragment_lies)
{
	struct fgrp g;
	struct src s;
	unsigned char buf[64];
	unsigned int c, i;
	int cs;

	src_new(self, &s, true);
	cs = open_session(_metadata, self, &s, 600, 4, PGM_PRM_PROACTIVE);
	ASSERT_LE(0, cs);
	for (i = 601; i < 604; i++)
		data(_metadata, &s, PGM_T_ODATA, i);
	expect_msgs(_metadata, cs, &s, 600, 603, NULL);
	for (c = 0; c < 3; c++) {
		long rec = pgm_counter("PgmFecRecovered");
		long bad = pgm_counter("PgmInMalformed");

		fgrp_init(&g, 604 + 4 * c, 4, 0, true);
		g.frags = true;
		g.lie = 2;
		g.lie_frag = gfrag(&g, 2);
		if (c == 0)
			g.lie_frag.off = g.lie_frag.len;
		else if (c == 1)
			g.lie_frag.off = g.lie_frag.len - glen(&g, 2) + 1;
		else
			g.lie_frag.len = 0xffffffffU;
		for (i = 0; i < 4; i++)
			if (i != 2)
				gdata(_metadata, &s, &g, PGM_T_ODATA, i);
		gpar(_metadata, &s, &g, PGM_T_ODATA, 0, 0);
		if (c < 2) {
			EXPECT_EQ(bad + 1, pgm_wait_counter("PgmInMalformed",
							    bad + 1, 10000))
				TH_LOG("case %u", c);
			EXPECT_EQ(rec, pgm_counter("PgmFecRecovered"));
			gdata(_metadata, &s, &g, PGM_T_RDATA, 2);
			expect_apdu(_metadata, cs, &g);
			continue;
		}
		/* Checked like received data, then delivered: a broken
		 * message; the source is at fault.
		 */
		EXPECT_EQ(rec + 1, pgm_wait_counter("PgmFecRecovered", rec + 1,
						    10000));
		ASSERT_TRUE(pgm_readable(cs, 10000));
		EXPECT_EQ(-1, recv(cs, buf, sizeof(buf), MSG_DONTWAIT));
		EXPECT_EQ(ECONNRESET, errno);
	}
	close(cs);
}

/* The session socket's receive memory and buffer (SO_MEMINFO). */
static int meminfo(int fd, unsigned int *rmem, unsigned int *rcvbuf,
		   unsigned int *drops)
{
	unsigned int mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		return -1;
	*rmem = mi[SK_MEMINFO_RMEM_ALLOC];
	*rcvbuf = mi[SK_MEMINFO_RCVBUF];
	*drops = mi[SK_MEMINFO_DROPS];
	return 0;
}

/*
 * 127 parity packets (1000 bytes, k = 128, so no group can decode) into
 * each of 128 groups of a forged session whose receive buffer is 256
 * KiB: every packet kept is charged, so the session's receive memory
 * stays within 1.5 times the buffer; the refused ones are counted
 * (PgmRcvbufErrors, the socket's drops). The session survives.
 */
TEST_F(forged, parity_flood_bounded_by_rcvbuf)
{
	const char *sc = getenv("PGM_TEST_SCALE");
	double scale = sc ? atof(sc) : 1;
	unsigned int groups = 128 * scale, rmem, rcvbuf, drops, gi, j;
	unsigned int start = 1024, sent = 0;
	int size = 256 << 10, cs;
	unsigned char tsdu[1000];
	struct src s;

	if (groups < 16)
		groups = 16;
	if (groups > 128)
		groups = 128;
	memset(tsdu, 0xa5, sizeof(tsdu));
	if (setsockopt(self->ls, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)))
		ASSERT_EQ(0, setsockopt(self->ls, SOL_SOCKET, SO_RCVBUF, &size,
					sizeof(size)));
	src_new(self, &s, false);
	cs = open_session(_metadata, self, &s, start, KMAX,
			  PGM_PRM_PROACTIVE | PGM_PRM_ONDEMAND);
	ASSERT_LE(0, cs);
	/* The lead as far as the window (1024 at first) allows. */
	spm(_metadata, &s, start + 1000, KMAX,
	    PGM_PRM_PROACTIVE | PGM_PRM_ONDEMAND, 0);
	for (gi = 1; gi <= groups; gi++) {
		for (j = 0; j < KMAX - 1; j++) {
			struct par p = { .type = PGM_T_ODATA,
					 .sqn = start + gi * KMAX + j,
					 .tsdu = tsdu, .len = sizeof(tsdu) };

			parity(_metadata, &s, &p);
			sent++;
		}
	}
	EXPECT_EQ((long)sent, pgm_wait_counter("PgmInParity", sent, 60000));
	ASSERT_EQ(0, meminfo(cs, &rmem, &rcvbuf, &drops));
	TH_LOG("%u parity sent: receive memory %u of a %u-byte buffer",
	       sent, rmem, rcvbuf);
	TH_LOG("%u drops, PgmRcvbufErrors %ld",
	       drops, pgm_counter("PgmRcvbufErrors"));
	EXPECT_LE(rmem, rcvbuf + rcvbuf / 2);
	EXPECT_LT(0, (int)drops);
	EXPECT_LT(0, pgm_counter("PgmRcvbufErrors"));
	EXPECT_EQ(0, pgm_counter("PgmFecRecovered"));
	EXPECT_EQ(0, pgm_counter("PgmSessionResets"));
	/* The session still delivers. */
	data(_metadata, &s, PGM_T_ODATA, start + 1);
	expect_msgs(_metadata, cs, &s, start, start + 1, NULL);
	close(cs);
}

TEST_HARNESS_MAIN
