// SPDX-License-Identifier: GPL-2.0
/*
 * rs_bench: the PGM Reed-Solomon codec (net/pgm/rs.c, rs_x86.c) against
 * Intel's ISA-L erasure code, same k, h and 1400-byte packets.
 *
 * Both libraries encode with our generator matrix (ISA-L takes any
 * matrix; both use GF(2^8) with polynomial 0x11d), so the parity is
 * checked to be byte-identical before anything is timed. Decoding loses
 * the first h data packets and rebuilds them from the other k - h data
 * packets and the h parity packets, checked against the originals.
 *
 * Throughput is bytes of data (k * len per group) per second, single
 * thread, best of several timed runs over a pool of groups. Decode is
 * given twice: "steady" reuses the recovery tables, as for a repeated
 * loss pattern; "+setup" builds them for every group (our Lagrange
 * weights; ISA-L's k x k gf_invert_matrix() and ec_init_tables()), whose
 * cost per group is also shown alone.
 */

#include <isa-l/erasure_code.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LEN	1400
#define POOL	(4 << 20)	/* bytes of data cycled through */
#define RUNS	5
#define MIN_NS	50000000ULL	/* per timed run */

struct cfg {
	unsigned int k, h, groups;
	struct pgm_rs *rs;
	u8 **data;		/* groups * k */
	u8 **parity;		/* groups * h: ours */
	u8 **isal_parity;	/* groups * h */
	u8 **out;		/* h rebuilt packets */
	u8 *rm;			/* our recovery matrix */
	u8 index[PGM_RS_MAX_N];
	u8 *isal_enc;		/* ISA-L tables for our generator */
	u8 *isal_dec;		/* ISA-L tables for the loss pattern */
	enum pgm_rs_impl best;	/* what pgm_rs_init() picked */
};

enum codec { OURS_SCALAR, OURS_VECTOR, ISAL, ISAL_AVX2 };

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *xmalloc(size_t size)
{
	void *p = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (!p) {
		perror("rs_bench");
		exit(1);
	}
	return p;
}

static u8 **packets(unsigned int count)
{
	u8 **p = xmalloc(count * sizeof(*p));
	unsigned int i;

	for (i = 0; i < count; i++)
		p[i] = xmalloc(LEN);
	return p;
}

static void isal_encode(enum codec c, unsigned int k, unsigned int rows,
			u8 *tbls, u8 **src, u8 **dst)
{
	if (c == ISAL_AVX2)
		ec_encode_data_avx2(LEN, k, rows, tbls, src, dst);
	else
		ec_encode_data(LEN, k, rows, tbls, src, dst);
}

/* ISA-L's recovery tables: invert the k x k survivor matrix. */
static int isal_setup(struct cfg *c)
{
	unsigned int k = c->k, h = c->h, i, j;
	u8 b[128 * 128], d[128 * 128], rows[16 * 128];

	for (i = 0; i < k; i++) {
		unsigned int r = c->index[i];

		memset(&b[i * k], 0, k);
		if (r < k)
			b[i * k + r] = 1;
		else
			memcpy(&b[i * k], &c->rs->gm[(r - k) * k], k);
	}
	if (gf_invert_matrix(b, d, k))
		return -1;
	/* lost data j (< h) is row j of the inverse */
	for (j = 0; j < h; j++)
		memcpy(&rows[j * k], &d[j * k], k);
	ec_init_tables(k, h, rows, c->isal_dec);
	return 0;
}

/* One parity packet per call, as for on-demand parity. */
static void encode1_group(struct cfg *c, enum codec cd, unsigned int g)
{
	u8 **src = &c->data[g * c->k];
	unsigned int i;

	for (i = 0; i < c->h; i++) {
		if (cd == ISAL || cd == ISAL_AVX2)
			isal_encode(cd, c->k, 1, &c->isal_enc[32 * c->k * i],
				    src, &c->isal_parity[g * c->h + i]);
		else
			pgm_rs_encode(c->rs, (const u8 * const *)src, i,
				      c->parity[g * c->h + i], LEN);
	}
}

/* All h parity packets at once, as for pro-active parity. */
static void encode_group(struct cfg *c, enum codec cd, unsigned int g)
{
	u8 **src = &c->data[g * c->k];

	if (cd == ISAL || cd == ISAL_AVX2) {
		isal_encode(cd, c->k, c->h, c->isal_enc, src,
			    &c->isal_parity[g * c->h]);
		return;
	}
	pgm_rs_encode_many(c->rs, (const u8 * const *)src, 0, c->h,
			   &c->parity[g * c->h], LEN);
}

/* The k survivors of group g: data h..k-1, then parity 0..h-1. */
static void survivors(struct cfg *c, unsigned int g, u8 **src)
{
	unsigned int i;

	for (i = 0; i < c->k; i++)
		src[i] = c->index[i] < c->k ? c->data[g * c->k + c->index[i]] :
			 c->parity[g * c->h + c->index[i] - c->k];
}

static void decode_group(struct cfg *c, enum codec cd, unsigned int g,
			 bool setup)
{
	u8 *src[PGM_RS_MAX_N], *dst[PGM_RS_MAX_N];
	unsigned int i;

	survivors(c, g, src);
	if (cd == ISAL || cd == ISAL_AVX2) {
		if (setup)
			isal_setup(c);
		isal_encode(cd, c->k, c->h, c->isal_dec, src, c->out);
		return;
	}
	for (i = 0; i < c->h; i++)
		dst[i] = c->out[i];
	if (setup)
		pgm_rs_decode_prepare(c->rs, c->index, c->rm);
	pgm_rs_decode_apply(c->rs, c->rm, c->index, (const u8 * const *)src,
			    dst, LEN);
}

static void setup_only(struct cfg *c, enum codec cd)
{
	if (cd == ISAL || cd == ISAL_AVX2)
		isal_setup(c);
	else
		pgm_rs_decode_prepare(c->rs, c->index, c->rm);
}

static void use(struct cfg *c, enum codec cd)
{
	pgm_rs_set_impl(c->rs, cd == OURS_SCALAR ? PGM_RS_SCALAR : c->best);
}

enum what { ENCODE, ENCODE1, DECODE, DECODE_SETUP, SETUP };

/* Nanoseconds per group, one timed run of at least MIN_NS. */
static double measure(struct cfg *c, enum codec cd, enum what what)
{
	unsigned int g;
	u64 t0, t, n = 0;

	use(c, cd);
	t0 = now_ns();
	do {
		for (g = 0; g < c->groups; g++) {
			if (what == ENCODE)
				encode_group(c, cd, g);
			else if (what == ENCODE1)
				encode1_group(c, cd, g);
			else if (what == SETUP)
				setup_only(c, cd);
			else
				decode_group(c, cd, g, what == DECODE_SETUP);
		}
		n += c->groups;
		t = now_ns() - t0;
	} while (t < MIN_NS);
	return (double)t / n;
}

static int check(struct cfg *c, enum codec cd)
{
	unsigned int g, i;

	use(c, cd);
	for (g = 0; g < c->groups; g++) {
		encode1_group(c, cd, g);
		encode_group(c, cd, g);
		decode_group(c, cd, g, true);
		for (i = 0; i < c->h; i++) {
			if (cd >= ISAL &&
			    memcmp(c->isal_parity[g * c->h + i],
				   c->parity[g * c->h + i], LEN))
				return -1;
			if (memcmp(c->out[i], c->data[g * c->k + i], LEN))
				return -1;
		}
	}
	return 0;
}

static const char *const impl_name[] = { "scalar", "ssse3", "avx2" };

int main(void)
{
	static const unsigned int kh[][2] = { { 16, 4 }, { 32, 8 }, { 128, 16 } };
	static const char *const codec_name[] = {
		"ours-scalar", "ours-best", "isa-l", "isa-l-avx2",
	};
	unsigned int t, i, x, codec, run;
	const char *best = "";

	printf("rs_bench: %u-byte packets; GB/s of data (k * len) per second, one thread,\n"
	       "best of %u runs. encode: all h parity packets in one call; enc-1: one\n"
	       "call per parity packet; decode: rebuild h lost data packets, recovery\n"
	       "tables reused; +setup: tables rebuilt per group; setup-us: building\n"
	       "them once. isa-l = ec_encode_data(), its own dispatch\n\n",
	       LEN, RUNS);
	printf("%-9s %-12s %8s %8s %8s %8s %9s\n", "k,h", "codec", "encode",
	       "enc-1", "decode", "+setup", "setup-us");
	for (t = 0; t < ARRAY_SIZE(kh); t++) {
		struct cfg c = { .k = kh[t][0], .h = kh[t][1] };
		double ns[ISAL_AVX2 + 1][SETUP + 1];

		c.groups = POOL / (c.k * LEN);
		c.rs = xmalloc(pgm_rs_size(c.k + c.h, c.k));
		pgm_rs_init(c.rs, c.k + c.h, c.k);
		c.best = c.rs->impl;
		best = impl_name[c.best];
		c.data = packets(c.groups * c.k);
		c.parity = packets(c.groups * c.h);
		c.isal_parity = packets(c.groups * c.h);
		c.out = packets(c.h);
		c.rm = xmalloc(pgm_rs_decode_size(c.rs));
		c.isal_enc = xmalloc(32 * c.k * c.h);
		c.isal_dec = xmalloc(32 * c.k * c.h);
		srandom(1);
		for (i = 0; i < c.groups * c.k; i++)
			for (x = 0; x < LEN; x++)
				c.data[i][x] = random();
		for (i = 0; i < c.k; i++)
			c.index[i] = i < c.h ? c.k + i : i;
		ec_init_tables(c.k, c.h, c.rs->gm, c.isal_enc);

		for (codec = OURS_SCALAR; codec <= ISAL_AVX2; codec++) {
			if (check(&c, codec)) {
				printf("%s: wrong result for k=%u h=%u\n",
				       codec_name[codec], c.k, c.h);
				return 1;
			}
			for (i = ENCODE; i <= SETUP; i++)
				ns[codec][i] = 1e30;
		}
		/* Runs interleaved across codecs, so that a noisy machine
		 * slows them alike; the best run of each counts.
		 */
		for (run = 0; run < RUNS; run++)
			for (codec = OURS_SCALAR; codec <= ISAL_AVX2; codec++)
				for (i = ENCODE; i <= SETUP; i++) {
					double v = measure(&c, codec, i);

					if (v < ns[codec][i])
						ns[codec][i] = v;
				}
		for (codec = OURS_SCALAR; codec <= ISAL_AVX2; codec++)
			printf("%3u,%-5u %-12s %8.2f %8.2f %8.2f %8.2f %9.2f\n",
			       c.k, c.h, codec_name[codec],
			       c.k * LEN / ns[codec][ENCODE],
			       c.k * LEN / ns[codec][ENCODE1],
			       c.k * LEN / ns[codec][DECODE],
			       c.k * LEN / ns[codec][DECODE_SETUP],
			       ns[codec][SETUP] / 1000);
		printf("\n");
	}
	printf("ours-best ran %s\n", best);
	return 0;
}
