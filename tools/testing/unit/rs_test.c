// SPDX-License-Identifier: GPL-2.0
/*
 * Reed-Solomon codec (net/pgm/rs.c, rs_x86.c): OpenPGM's parity bytes,
 * every implementation byte-identical, every erasure pattern decoded.
 *
 * Three references, none of them rs.c's own arithmetic:
 *  - known answers: parity that OpenPGM 5.3.128's own reed_solomon.c
 *    computes, run over the field tables Debian's libpgm.so exports
 *    (tools/testing/bench/rs_kat_gen.c; libpgm keeps its pgm_rs_*
 *    functions hidden, so they cannot be called from the library);
 *  - a naive reference below: bit-by-bit field multiplication and
 *    Gauss-Jordan inversion of OpenPGM's Vandermonde matrix, where rs.c
 *    uses log tables and Lagrange weights;
 *  - libpgm's exported multiplication table itself, when the library is
 *    installed (that test alone skips without it).
 */

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "rs.h"

#include "kselftest_harness.h"

#define GUARD	64	/* canary bytes around every output buffer */

/* The input bytes of rs_kat_gen.c: xorshift32, top byte. */
static u8 kat_rand(u32 *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st >> 24;
}

static u64 fnv1a(u64 h, const u8 *p, unsigned int len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static u32 seed = 12345;

static unsigned int rnd(unsigned int below)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 8) % below;
}

static struct pgm_rs *rs_new(unsigned int n, unsigned int k)
{
	struct pgm_rs *rs = malloc(pgm_rs_size(n, k));

	if (!rs || pgm_rs_init(rs, n, k))
		abort();
	return rs;
}

/* A packet buffer at a random misalignment, with canaries around it. */
struct pkt {
	u8 *mem;
	u8 *p;
	unsigned int len;
};

static void pkt_alloc(struct pkt *b, unsigned int len, u8 fill)
{
	unsigned int off = GUARD + rnd(64);

	b->mem = malloc(len + off + GUARD);
	if (!b->mem)
		abort();
	memset(b->mem, 0x5a, len + off + GUARD);
	b->p = b->mem + off;
	b->len = len;
	memset(b->p, fill, len);
}

static bool pkt_guards_ok(const struct pkt *b)
{
	unsigned int i, off = b->p - b->mem;

	for (i = 0; i < off; i++)
		if (b->mem[i] != 0x5a)
			return false;
	for (i = 0; i < GUARD; i++)
		if (b->p[b->len + i] != 0x5a)
			return false;
	return true;
}

/* ---- naive reference: OpenPGM's construction, spelled out ---- */

static u8 ref_mul(u8 a, u8 b)
{
	u8 r = 0;

	while (b) {
		if (b & 1)
			r ^= a;
		a = (a << 1) ^ (a & 0x80 ? 0x1d : 0);
		b >>= 1;
	}
	return r;
}

static u8 ref_pow(u8 a, unsigned int e)
{
	u8 r = 1;

	while (e--)
		r = ref_mul(r, a);
	return r;
}

/*
 * OpenPGM's pgm_rs_create(): V is n x k, row 0 = (1, 0, ..., 0), row r >= 1
 * = alpha^((r - 1) * c) in column c; GM = V * inverse(V's top k x k). Fills
 * gm with GM's n - k parity rows.
 */
static void ref_generator(unsigned int n, unsigned int k, u8 *gm)
{
	u8 *v = calloc(n, k), *a = calloc(k, 2 * k);
	unsigned int r, c, i, piv;
	u8 t, inv;

	v[0] = 1;
	for (r = 1; r < n; r++)
		for (c = 0; c < k; c++)
			v[r * k + c] = ref_pow(2, (r - 1) * c % 255);
	/* Gauss-Jordan on [V_top | I] */
	for (r = 0; r < k; r++) {
		memcpy(&a[r * 2 * k], &v[r * k], k);
		a[r * 2 * k + k + r] = 1;
	}
	for (c = 0; c < k; c++) {
		for (piv = c; !a[piv * 2 * k + c]; piv++)
			;
		for (i = 0; i < 2 * k; i++) {
			t = a[c * 2 * k + i];
			a[c * 2 * k + i] = a[piv * 2 * k + i];
			a[piv * 2 * k + i] = t;
		}
		inv = ref_pow(a[c * 2 * k + c], 254);
		for (i = 0; i < 2 * k; i++)
			a[c * 2 * k + i] = ref_mul(a[c * 2 * k + i], inv);
		for (r = 0; r < k; r++) {
			t = a[r * 2 * k + c];
			if (r == c || !t)
				continue;
			for (i = 0; i < 2 * k; i++)
				a[r * 2 * k + i] ^= ref_mul(t, a[c * 2 * k + i]);
		}
	}
	for (r = k; r < n; r++)
		for (c = 0; c < k; c++) {
			t = 0;
			for (i = 0; i < k; i++)
				t ^= ref_mul(v[r * k + i], a[i * 2 * k + k + c]);
			gm[(r - k) * k + c] = t;
		}
	free(a);
	free(v);
}

/* ---- the field ---- */

TEST(field_matches_bitwise_multiplication)
{
	unsigned int c, x;

	for (c = 0; c < 256; c++) {
		const u8 *tbl = pgm_rs_gf_nibble[c];

		for (x = 0; x < 256; x++)
			ASSERT_EQ(ref_mul(c, x),
				  tbl[x & 15] ^ tbl[16 + (x >> 4)]);
	}
}

/* OpenPGM's own table, from the installed library (optional). */
TEST(field_matches_libpgm_table)
{
	const u8 *gftable, *tbl;
	unsigned int c, x;
	void *lib;

	lib = dlopen("libpgm-5.3.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		SKIP(return, "libpgm-5.3.so.0 not installed (libpgm-dev)");
	gftable = dlsym(lib, "pgm_gftable");
	if (!gftable) {
		dlclose(lib);
		SKIP(return, "libpgm exports no pgm_gftable");
	}
	for (c = 0; c < 256; c++) {
		tbl = pgm_rs_gf_nibble[c];
		for (x = 0; x < 256; x++)
			ASSERT_EQ(gftable[c << 8 | x],
				  tbl[x & 15] ^ tbl[16 + (x >> 4)]);
	}
	dlclose(lib);
}

/* ---- encoding ---- */

TEST(init_rejects_bad_sizes)
{
	struct pgm_rs *rs = malloc(pgm_rs_size(255, 1));

	ASSERT_EQ(-EINVAL, pgm_rs_init(rs, 4, 0));
	ASSERT_EQ(-EINVAL, pgm_rs_init(rs, 4, 4));
	ASSERT_EQ(-EINVAL, pgm_rs_init(rs, 3, 4));
	ASSERT_EQ(-EINVAL, pgm_rs_init(rs, 256, 128));
	ASSERT_EQ(0, pgm_rs_init(rs, 255, 254));
	ASSERT_EQ(0, pgm_rs_init(rs, 2, 1));
	ASSERT_EQ(-EOPNOTSUPP, pgm_rs_set_impl(rs, PGM_RS_NR_IMPL));
	ASSERT_EQ(0, pgm_rs_set_impl(rs, PGM_RS_SCALAR));
	ASSERT_EQ(8, pgm_rs_size(6, 4) - sizeof(*rs));
	free(rs);
}

TEST(generator_matches_naive_reference)
{
	static const unsigned int nk[][2] = {
		{ 2, 1 }, { 3, 2 }, { 6, 4 }, { 7, 3 }, { 11, 8 }, { 20, 16 },
		{ 40, 32 }, { 255, 1 }, { 255, 2 }, { 255, 64 }, { 144, 128 },
		{ 255, 128 }, { 255, 200 }, { 255, 254 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nk); i++) {
		unsigned int n = nk[i][0], k = nk[i][1];
		struct pgm_rs *rs = rs_new(n, k);
		u8 *gm = malloc((n - k) * k);

		ref_generator(n, k, gm);
		EXPECT_EQ(0, memcmp(gm, rs->gm, (n - k) * k))
			TH_LOG("generator differs for n=%u k=%u", n, k);
		free(gm);
		free(rs);
	}
}

/* Parity bytes from OpenPGM's reed_solomon.c (rs_kat_gen.c). */
struct kat {
	unsigned int n, k, len;
	const u8 *parity;	/* all n - k packets, or NULL */
	u64 fnv;		/* FNV-1a of all n - k packets in order */
};

static const u8 kat_3_2[] = {
	0xf2, 0x72, 0x4b, 0x60, 0x7c, 0x41, 0x7a, 0x51,
};

static const u8 kat_6_4[] = {
	0xc0, 0x25, 0x23, 0x8f, 0x3c, 0x95, 0xa7, 0xd5,
	0x4c, 0xc4, 0xa1, 0x92, 0x5a, 0x89, 0x02, 0xcc,
	0x73, 0xb6, 0x7a, 0x11, 0x29, 0x77, 0xcd, 0xb5,
	0x2c, 0x65, 0x22, 0x4f, 0x88, 0xc2, 0x24, 0x7e,
};

static const u8 kat_11_8[] = {
	0x1a, 0x05, 0x71, 0x08, 0x01, 0x55, 0xf1, 0xb3,
	0xe3, 0xfd, 0xab, 0x71, 0x20, 0x19, 0x77, 0xee,
	0x43, 0x0b, 0x88, 0x18, 0xa9, 0x72, 0xf0, 0x2a,
	0x0f, 0x9d, 0x51, 0xf6, 0xab, 0xc7, 0xdb, 0x49,
	0x11, 0xe5, 0x06, 0x2c, 0x98, 0xa7, 0x82, 0x36,
	0x5d, 0x0a, 0x85, 0xde, 0x3a, 0xfb, 0x3b, 0x9b,
};

static const u8 kat_20_16[] = {
	0x23, 0x82, 0x96, 0xf4, 0x53, 0x5a, 0x87, 0xfb,
	0xb1, 0x81, 0x88, 0x0e, 0xf5, 0xc6, 0xa6, 0x6c,
	0xf4, 0x20, 0x06, 0xd7, 0x3a, 0xf8, 0x64, 0xbd,
	0xed, 0x44, 0xc1, 0xce, 0xc3, 0x3d, 0xd6, 0xf0,
	0x37, 0x2c, 0x72, 0xba, 0x98, 0xdc, 0x8f, 0x0c,
	0x80, 0xd5, 0x09, 0xe3, 0x6a, 0xf6, 0xcd, 0x28,
	0xa4, 0xa2, 0x54, 0x2b, 0x0e, 0xb5, 0x7c, 0x36,
	0x01, 0xc4, 0x91, 0xbe, 0xf6, 0x4b, 0xbb, 0x0f,
};

static const struct kat kats[] = {
	{ 3, 2, 8, kat_3_2, 0x22c5116adb1389b4ULL },
	{ 6, 4, 16, kat_6_4, 0x70da3dc286c0e341ULL },
	{ 11, 8, 16, kat_11_8, 0x480edf3de73d974fULL },
	{ 20, 16, 16, kat_20_16, 0x2abf8aea479535e7ULL },
	{ 2, 1, 5, NULL, 0x06ba9081b68e91b1ULL },
	{ 7, 3, 33, NULL, 0xaf1191794834c631ULL },
	{ 40, 32, 1400, NULL, 0xf8f86b1f26579d17ULL },
	{ 136, 128, 33, NULL, 0x017e24055aeafed1ULL },
	{ 144, 128, 1400, NULL, 0x7b8386ba13e574f2ULL },
	{ 255, 1, 100, NULL, 0x656a15a58733003dULL },
	{ 255, 64, 1399, NULL, 0x0d8eee167a9e4fa5ULL },
	{ 255, 128, 64, NULL, 0xdf381516ef5dc9feULL },
	{ 255, 254, 77, NULL, 0xd0a6aaa49385a6b3ULL },
};

TEST(known_answers_from_openpgm)
{
	unsigned int i, j, h, impl, runs = 0;

	for (i = 0; i < ARRAY_SIZE(kats); i++) {
		const struct kat *t = &kats[i];
		struct pgm_rs *rs = rs_new(t->n, t->k);
		u8 *data = malloc(t->k * t->len), *dst = malloc(t->len);
		const u8 *src[PGM_RS_MAX_N];
		u32 st = 0x9e3779b9u ^ (t->n << 8) ^ t->k;

		for (j = 0; j < t->k * t->len; j++)
			data[j] = kat_rand(&st);
		for (j = 0; j < t->k; j++)
			src[j] = &data[j * t->len];
		for (impl = 0; impl < PGM_RS_NR_IMPL; impl++) {
			u64 fnv = 0xcbf29ce484222325ULL;

			if (pgm_rs_set_impl(rs, impl))
				continue;
			runs++;
			for (h = 0; h < t->n - t->k; h++) {
				pgm_rs_encode(rs, src, h, dst, t->len);
				if (t->parity)
					ASSERT_EQ(0, memcmp(dst,
							    &t->parity[h * t->len],
							    t->len))
						TH_LOG("n=%u k=%u h=%u impl %u",
						       t->n, t->k, h, impl);
				fnv = fnv1a(fnv, dst, t->len);
			}
			ASSERT_EQ(t->fnv, fnv)
				TH_LOG("n=%u k=%u impl %u", t->n, t->k, impl);
		}
		free(dst);
		free(data);
		free(rs);
	}
	TH_LOG("%u known-answer sets x implementations checked", runs);
}

/*
 * Encode every parity packet of random data at random lengths and
 * misalignments with @impl and with the naive reference; compare.
 */
static int encode_vs_reference(struct __test_metadata *_metadata,
			       enum pgm_rs_impl impl)
{
	static const unsigned int lens[] = {
		1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1399,
		1400, 1401, 4096, 9000,
	};
	static const unsigned int nk[][2] = {
		{ 2, 1 }, { 3, 2 }, { 6, 4 }, { 11, 8 }, { 20, 16 }, { 19, 17 },
		{ 40, 32 }, { 50, 33 }, { 144, 128 }, { 255, 128 },
	};
	unsigned int c, l, i, h, x;

	for (c = 0; c < ARRAY_SIZE(nk); c++) {
		unsigned int n = nk[c][0], k = nk[c][1];
		struct pgm_rs *rs = rs_new(n, k);
		u8 *gm = malloc((n - k) * k);
		const u8 *src[PGM_RS_MAX_N];
		struct pkt in[PGM_RS_MAX_N];

		ref_generator(n, k, gm);
		if (pgm_rs_set_impl(rs, impl))
			return -1;
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			unsigned int len = lens[l];
			struct pkt out;

			if (k * len > 200000 && l % 3)
				continue;	/* keep the big codes quick */
			for (i = 0; i < k; i++) {
				pkt_alloc(&in[i], len, 0);
				for (x = 0; x < len; x++)
					in[i].p[x] = rnd(256);
				src[i] = in[i].p;
			}
			pkt_alloc(&out, len, 0xee);
			for (h = 0; h < n - k; h += 1 + (n - k) / 9) {
				pgm_rs_encode(rs, src, h, out.p, len);
				for (x = 0; x < len; x++) {
					u8 want = 0;

					for (i = 0; i < k; i++)
						want ^= ref_mul(gm[h * k + i],
								src[i][x]);
					ASSERT_EQ(want, out.p[x])
						TH_LOG("n=%u k=%u h=%u len=%u at %u",
						       n, k, h, len, x);
				}
				ASSERT_TRUE(pkt_guards_ok(&out));
			}
			free(out.mem);
			for (i = 0; i < k; i++)
				free(in[i].mem);
		}
		free(gm);
		free(rs);
	}
	return 0;
}

TEST(scalar_encode_matches_reference)
{
	ASSERT_EQ(0, encode_vs_reference(_metadata, PGM_RS_SCALAR));
}

TEST(ssse3_encode_matches_reference)
{
	if (!pgm_rs_impl_supported(PGM_RS_SSSE3))
		SKIP(return, "no SSSE3 on this CPU");
	ASSERT_EQ(0, encode_vs_reference(_metadata, PGM_RS_SSSE3));
}

TEST(avx2_encode_matches_reference)
{
	if (!pgm_rs_impl_supported(PGM_RS_AVX2))
		SKIP(return, "no AVX2 on this CPU");
	ASSERT_EQ(0, encode_vs_reference(_metadata, PGM_RS_AVX2));
}

/*
 * Every length 1..300, many source counts, 1..9 outputs at once: each
 * vector path gives the scalar bytes and writes nothing else.
 */
TEST(implementations_byte_identical)
{
	unsigned int impl, nsrc, rows, len, i, x, compared = 0;
	struct pkt in[40], ref[9], out[9];
	u8 coef[9 * 40], *dst[9];
	const u8 *src[40];

	for (nsrc = 1; nsrc <= 40; nsrc += 1 + nsrc / 3) {
		for (len = 1; len <= 300; len += 1 + len / 12) {
			rows = 1 + rnd(9);
			for (i = 0; i < nsrc; i++) {
				pkt_alloc(&in[i], len, 0);
				for (x = 0; x < len; x++)
					in[i].p[x] = rnd(256);
				src[i] = in[i].p;
			}
			/* include the trivial coefficients 0 and 1 */
			for (i = 0; i < rows * nsrc; i++)
				coef[i] = i % 7 == 3 ? i % 2 : rnd(256);
			for (i = 0; i < rows; i++) {
				pkt_alloc(&ref[i], len, 0xee);
				dst[i] = ref[i].p;
			}
			pgm_rs_dot_scalar(coef, rows, src, nsrc, dst, len);
			for (impl = PGM_RS_SCALAR + 1; impl < PGM_RS_NR_IMPL;
			     impl++) {
				if (!pgm_rs_impl_supported(impl))
					continue;
				for (i = 0; i < rows; i++) {
					pkt_alloc(&out[i], len, 0xee);
					dst[i] = out[i].p;
				}
				if (!pgm_rs_x86_dot(impl, coef, rows, src, nsrc,
						    dst, len))
					pgm_rs_dot_scalar(coef, rows, src, nsrc,
							  dst, len);
				for (i = 0; i < rows; i++) {
					ASSERT_EQ(0, memcmp(ref[i].p, out[i].p,
							    len))
						TH_LOG("impl %u nsrc %u rows %u/%u len %u",
						       impl, nsrc, i, rows, len);
					ASSERT_TRUE(pkt_guards_ok(&out[i]));
					free(out[i].mem);
				}
				compared++;
			}
			for (i = 0; i < rows; i++)
				free(ref[i].mem);
			for (i = 0; i < nsrc; i++)
				free(in[i].mem);
		}
	}
	TH_LOG("%u vector results compared with scalar", compared);
}

/* pgm_rs_encode_many() gives pgm_rs_encode()'s bytes, in every path. */
TEST(encode_many_matches_encode)
{
	static const unsigned int nk[][2] = {
		{ 6, 4 }, { 20, 16 }, { 41, 32 }, { 255, 128 },
	};
	unsigned int c, impl, h, cnt, i, x, len;
	struct pkt in[128], one, many[9];
	const u8 *src[128];
	u8 *dst[9];

	for (c = 0; c < ARRAY_SIZE(nk); c++) {
		unsigned int n = nk[c][0], k = nk[c][1];
		struct pgm_rs *rs = rs_new(n, k);

		len = 1 + rnd(2000);
		for (i = 0; i < k; i++) {
			pkt_alloc(&in[i], len, 0);
			for (x = 0; x < len; x++)
				in[i].p[x] = rnd(256);
			src[i] = in[i].p;
		}
		pkt_alloc(&one, len, 0);
		for (impl = 0; impl < PGM_RS_NR_IMPL; impl++) {
			if (pgm_rs_set_impl(rs, impl))
				continue;
			for (h = 0; h < n - k; h += cnt) {
				cnt = 1 + rnd(9);
				if (cnt > n - k - h)
					cnt = n - k - h;
				for (i = 0; i < cnt; i++) {
					pkt_alloc(&many[i], len, 0xee);
					dst[i] = many[i].p;
				}
				pgm_rs_encode_many(rs, src, h, cnt, dst, len);
				for (i = 0; i < cnt; i++) {
					pgm_rs_encode(rs, src, h + i, one.p, len);
					ASSERT_EQ(0, memcmp(one.p, many[i].p, len));
					ASSERT_TRUE(pkt_guards_ok(&many[i]));
					free(many[i].mem);
				}
			}
		}
		free(one.mem);
		for (i = 0; i < k; i++)
			free(in[i].mem);
		free(rs);
	}
}

/* ---- decoding ---- */

/* One FEC block: k random data packets and all n - k parity packets. */
struct block {
	unsigned int n, k, len;
	struct pgm_rs *rs;
	struct pkt pkt[PGM_RS_MAX_N];
};

static void block_make(struct block *b, unsigned int n, unsigned int k,
		       unsigned int len)
{
	const u8 *src[PGM_RS_MAX_N];
	unsigned int i, x;

	b->n = n;
	b->k = k;
	b->len = len;
	b->rs = rs_new(n, k);
	for (i = 0; i < k; i++) {
		pkt_alloc(&b->pkt[i], len, 0);
		for (x = 0; x < len; x++)
			b->pkt[i].p[x] = rnd(256);
		src[i] = b->pkt[i].p;
	}
	for (i = k; i < n; i++) {
		pkt_alloc(&b->pkt[i], len, 0);
		pgm_rs_encode(b->rs, src, i - k, b->pkt[i].p, len);
	}
}

static void block_free(struct block *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		free(b->pkt[i].mem);
	free(b->rs);
}

/*
 * Decode from the k packets in @index (any order) with @impl; check
 * every missing data packet is rebuilt exactly and nothing else written.
 */
static int decode_check(struct __test_metadata *_metadata, struct block *b,
			const u8 *index, enum pgm_rs_impl impl)
{
	unsigned int k = b->k, i, missing = 0;
	u8 *rm = malloc(pgm_rs_decode_size(b->rs) + 1);
	const u8 *src[PGM_RS_MAX_N];
	u8 *dst[PGM_RS_MAX_N];
	struct pkt out[PGM_RS_MAX_N];
	bool have[PGM_RS_MAX_N] = {};

	ASSERT_EQ(0, pgm_rs_set_impl(b->rs, impl));
	for (i = 0; i < k; i++) {
		src[i] = b->pkt[index[i]].p;
		have[index[i]] = true;
	}
	for (i = 0; i < k; i++) {
		dst[i] = NULL;
		if (have[i])
			continue;
		pkt_alloc(&out[i], b->len, 0xee);
		dst[i] = out[i].p;
		missing++;
	}
	ASSERT_TRUE(missing <= b->n - k);
	rm[pgm_rs_decode_size(b->rs)] = 0x77;
	ASSERT_EQ(0, pgm_rs_decode(b->rs, index, src, dst, b->len, rm));
	ASSERT_EQ(0x77, rm[pgm_rs_decode_size(b->rs)]);
	for (i = 0; i < k; i++) {
		if (have[i])
			continue;
		ASSERT_EQ(0, memcmp(b->pkt[i].p, out[i].p, b->len))
			TH_LOG("n=%u k=%u len=%u: data %u wrong (impl %u)",
			       b->n, k, b->len, i, impl);
		ASSERT_TRUE(pkt_guards_ok(&out[i]));
		free(out[i].mem);
	}
	free(rm);
	return 0;
}

static void shuffle(u8 *a, unsigned int n)
{
	unsigned int i, j;
	u8 t;

	for (i = n - 1; i > 0; i--) {
		j = rnd(i + 1);
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* Every choice of k of the n packets, for every implementation. */
static unsigned int decode_exhaustive(struct __test_metadata *_metadata,
				      unsigned int n, unsigned int k,
				      unsigned int len)
{
	unsigned int mask, i, m, impl, patterns = 0;
	struct block b;
	u8 index[PGM_RS_MAX_N];

	block_make(&b, n, k, len);
	for (mask = 0; mask < 1U << n; mask++) {
		if ((unsigned int)__builtin_popcount(mask) != k)
			continue;
		for (i = 0, m = 0; i < n; i++)
			if (mask & 1U << i)
				index[m++] = i;
		shuffle(index, k);
		for (impl = 0; impl < PGM_RS_NR_IMPL; impl++)
			if (pgm_rs_impl_supported(impl))
				decode_check(_metadata, &b, index, impl);
		patterns++;
	}
	block_free(&b);
	return patterns;
}

TEST(decode_every_pattern_k4_h2)
{
	ASSERT_EQ(15, decode_exhaustive(_metadata, 6, 4, 1400));
	ASSERT_EQ(15, decode_exhaustive(_metadata, 6, 4, 1));
	ASSERT_EQ(15, decode_exhaustive(_metadata, 6, 4, 77));
}

TEST(decode_every_pattern_k8_h3)
{
	ASSERT_EQ(165, decode_exhaustive(_metadata, 11, 8, 1399));
	ASSERT_EQ(165, decode_exhaustive(_metadata, 11, 8, 64));
}

TEST(decode_every_pattern_odd_k)
{
	ASSERT_EQ(120, decode_exhaustive(_metadata, 10, 7, 129));
	ASSERT_EQ(13, decode_exhaustive(_metadata, 13, 1, 33));
	ASSERT_EQ(13, decode_exhaustive(_metadata, 13, 12, 33));
}

/* Random patterns for big codes, up to n - k (or k) losses. */
TEST(decode_random_patterns_big_k)
{
	static const unsigned int cfg[][3] = {
		{ 20, 16, 1400 }, { 40, 32, 1401 }, { 144, 128, 1400 },
		{ 144, 128, 1 }, { 255, 128, 333 }, { 255, 254, 65 },
		{ 255, 2, 1000 }, { 255, 1, 17 }, { 255, 64, 2048 },
	};
	unsigned int c, trial, impl, i, lost;
	u8 index[PGM_RS_MAX_N];
	struct block b;

	for (c = 0; c < ARRAY_SIZE(cfg); c++) {
		unsigned int n = cfg[c][0], k = cfg[c][1];
		unsigned int h = n - k, most = h < k ? h : k;

		block_make(&b, n, k, cfg[c][2]);
		for (trial = 0; trial < 6; trial++) {
			/* all of the k data first, then lose some */
			lost = trial == 0 ? most : trial == 1 ? 0 :
			       1 + rnd(most);
			for (i = 0; i < n; i++)
				index[i] = i;
			shuffle(index, k);	/* which data are lost */
			shuffle(index + k, h);	/* which parity arrive */
			memmove(index + k - lost, index + k, lost);
			shuffle(index, k);
			for (impl = 0; impl < PGM_RS_NR_IMPL; impl++)
				if (pgm_rs_impl_supported(impl))
					decode_check(_metadata, &b, index,
						     impl);
		}
		block_free(&b);
	}
}

TEST(decode_rejects_bad_index)
{
	struct pgm_rs *rs = rs_new(6, 4);
	u8 rm[16], buf[4][8] = {}, out[8];
	const u8 *src[4] = { buf[0], buf[1], buf[2], buf[3] };
	u8 *dst[4] = { out, out, out, out };
	static const u8 dup[4] = { 0, 1, 4, 4 };
	static const u8 big[4] = { 0, 1, 2, 6 };
	static const u8 all[4] = { 3, 2, 1, 0 };

	ASSERT_EQ(8, pgm_rs_decode_size(rs));
	ASSERT_EQ(-EINVAL, pgm_rs_decode(rs, dup, src, dst, 8, rm));
	ASSERT_EQ(-EINVAL, pgm_rs_decode(rs, big, src, dst, 8, rm));
	/* Nothing missing: nothing to do, dst untouched. */
	ASSERT_EQ(0, pgm_rs_decode_prepare(rs, all, rm));
	memset(out, 0xee, sizeof(out));
	memset(dst, 0, sizeof(dst));
	ASSERT_EQ(0, pgm_rs_decode(rs, all, src, dst, 8, rm));
	free(rs);
}

/* One recovery matrix serves every block with the same losses. */
TEST(decode_reuses_recovery_matrix)
{
	struct block b[3];
	u8 index[20] = { 19, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17,
			 18 };
	u8 *rm, out0[1400], out14[1400], out15[1400];
	u8 *dst[16] = { [0] = out0, [14] = out14, [15] = out15 };
	const u8 *src[16];
	unsigned int i, j;

	for (i = 0; i < 3; i++)
		block_make(&b[i], 20, 16, 1400);
	rm = malloc(pgm_rs_decode_size(b[0].rs));
	ASSERT_EQ(3, pgm_rs_decode_prepare(b[0].rs, index, rm));
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 16; j++)
			src[j] = b[i].pkt[index[j]].p;
		pgm_rs_decode_apply(b[0].rs, rm, index, src, dst, 1400);
		ASSERT_EQ(0, memcmp(out0, b[i].pkt[0].p, 1400));
		ASSERT_EQ(0, memcmp(out14, b[i].pkt[14].p, 1400));
		ASSERT_EQ(0, memcmp(out15, b[i].pkt[15].p, 1400));
	}
	free(rm);
	for (i = 0; i < 3; i++)
		block_free(&b[i]);
}

TEST_HARNESS_MAIN
