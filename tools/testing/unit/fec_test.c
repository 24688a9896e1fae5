// SPDX-License-Identifier: GPL-2.0
/*
 * FEC layout (net/pgm/fec.c) with the codec (rs.c): Windows' parameter
 * rules, group arithmetic, and whole groups of variable-length,
 * fragmented packets rebuilt from any k of their data and parity blocks.
 */

#include <stdlib.h>
#include <string.h>

#include "fec.h"
#include "rs.h"

#include "kselftest_harness.h"

TEST(params_windows_rules)
{
	struct pgm_fec_params p;
	static const struct {
		unsigned int n, k, pro;
		bool od;
		int want;
	} c[] = {
		{ 255, 4, 0, true, 0 },		/* Equalizer's */
		{ 18, 16, 2, false, 0 },
		{ 20, 16, 2, true, 0 },
		{ 3, 2, 1, false, 0 },
		{ 255, 128, 127, true, 0 },
		{ 255, 1, 0, true, -EINVAL },	/* k < 2 */
		{ 255, 0, 0, true, -EINVAL },
		{ 255, 6, 0, true, -EINVAL },	/* not a power of two */
		{ 255, 256, 0, true, -EINVAL },
		{ 16, 16, 0, true, -EINVAL },	/* n <= k */
		{ 256, 16, 0, true, -EINVAL },	/* n > 255 */
		{ 18, 16, 3, false, -EINVAL },	/* more parity than n - k */
		{ 255, 16, 0, false, -EINVAL },	/* neither mode */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(&p, 0xa5, sizeof(p));
		EXPECT_EQ(c[i].want, pgm_fec_params_init(&p, c[i].n, c[i].k,
							 c[i].pro, c[i].od))
			TH_LOG("case %u: n %u k %u", i, c[i].n, c[i].k);
		if (!c[i].want) {
			EXPECT_EQ(c[i].k, 1U << p.log2k);
			EXPECT_EQ(c[i].n - c[i].k, pgm_fec_h(&p));
		} else {
			EXPECT_EQ(0xa5, p.k);	/* untouched */
		}
	}
}

TEST(group_arithmetic_wraps)
{
	struct pgm_fec_params p;

	ASSERT_EQ(0, pgm_fec_params_init(&p, 24, 16, 2, true));
	EXPECT_EQ(0xfffffff0U, pgm_fec_tg(&p, 0xfffffffeU));
	EXPECT_EQ(14U, pgm_fec_pkt(&p, 0xfffffffeU));
	EXPECT_EQ(0U, pgm_fec_tg(&p, 15));
	EXPECT_EQ(16U, pgm_fec_tg(&p, 16));
	/* Parity index j: sqn carries j mod k, OPT_PARITY_GRP j / k. */
	EXPECT_EQ(0x20U | 3, pgm_fec_parity_sqn(&p, 0x20, 3));
	EXPECT_EQ(3, pgm_fec_parity_index(&p, 0x23, 0));
	EXPECT_EQ(-1, pgm_fec_parity_index(&p, 0x28, 0));	/* j 8 >= h */
	ASSERT_EQ(0, pgm_fec_params_init(&p, 255, 4, 0, true));
	EXPECT_EQ(0x40U | 1, pgm_fec_parity_sqn(&p, 0x40, 9));
	EXPECT_EQ(9, pgm_fec_parity_index(&p, 0x41, 2));
	EXPECT_EQ(250, pgm_fec_parity_index(&p, 0x42, 62));
	EXPECT_EQ(-1, pgm_fec_parity_index(&p, 0x43, 62));	/* 251 */
	EXPECT_EQ(-1, pgm_fec_parity_index(&p, 0x40, 0xffffffffU));
}

/* OPT_PARITY_PRM's P and O bits (RFC: P 0x02, O 0x01; OpenPGM swaps
 * them): O and P|O read as the RFC says; P alone is pro-active until two
 * whole groups pass without parity ODATA, then OpenPGM's on-demand, of
 * which nothing is asked (no parity NAKs, no waiting: its parity is
 * unusable), and pro-active again once parity ODATA shows.
 */
TEST(parity_prm_p_only_reread_as_openpgm_ondemand)
{
	static const struct {
		u8 prm;
		bool par_odata, two_groups;
		bool swap, od, pro;
	} c[] = {
		/* prm  odata  2 TGs  swap   od     pro */
		{ 0x01, false, false, false, true,  false },
		{ 0x01, false, true,  false, true,  false },
		{ 0x01, true,  true,  false, true,  false },
		{ 0x03, false, false, false, true,  true  },
		{ 0x03, false, true,  false, true,  true  },
		{ 0x03, true,  true,  false, true,  true  },
		{ 0x02, false, false, false, false, true  },	/* RFC, for now */
		{ 0x02, true,  false, false, false, true  },
		{ 0x02, false, true,  true,  false, false },	/* OpenPGM's OND */
		{ 0x02, true,  true,  false, false, true  },	/* parity seen */
		{ 0x00, false, true,  false, false, false },
		{ 0xfe, false, true,  true,  false, false },	/* mask 0x03 */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		bool od = !c[i].od, pro = !c[i].pro;

		EXPECT_EQ(c[i].swap, pgm_fec_prm_read(c[i].prm, c[i].par_odata,
						      c[i].two_groups, &od,
						      &pro))
			TH_LOG("case %u", i);
		EXPECT_EQ(c[i].od, od) TH_LOG("case %u", i);
		EXPECT_EQ(c[i].pro, pro) TH_LOG("case %u", i);
	}
}

/* "Two whole groups passed": the lead beyond the second group's end. */
TEST(groups_passed)
{
	EXPECT_FALSE(pgm_fec_groups_passed(8, 96, 96, 2));
	EXPECT_FALSE(pgm_fec_groups_passed(8, 96, 111, 2));	/* its end */
	EXPECT_TRUE(pgm_fec_groups_passed(8, 96, 112, 2));
	EXPECT_TRUE(pgm_fec_groups_passed(8, 96, 1000, 2));
	EXPECT_FALSE(pgm_fec_groups_passed(8, 96, 95, 2));	/* behind */
	/* Across the wrap of the sequence space. */
	EXPECT_FALSE(pgm_fec_groups_passed(16, 0xfffffff0U, 0x0fU, 2));
	EXPECT_TRUE(pgm_fec_groups_passed(16, 0xfffffff0U, 0x10U, 2));
	EXPECT_TRUE(pgm_fec_groups_passed(128, 0xffffff00U, 0x10U, 1));
	EXPECT_FALSE(pgm_fec_groups_passed(128, 0xffffff00U, 0xffffff7fU, 1));
}

TEST(pad_and_unpad)
{
	u8 b[16];

	memset(b, 0xee, sizeof(b));
	memcpy(b, "abc", 3);
	pgm_fec_pad(b, 3, 10, true);
	EXPECT_EQ(0, b[3]);
	EXPECT_EQ(0, b[9]);
	EXPECT_EQ(3, b[10]);		/* little-endian, as OpenPGM on x86 */
	EXPECT_EQ(0, b[11]);
	EXPECT_EQ(0xee, b[12]);
	EXPECT_EQ(3, pgm_fec_unpad(b, 12, true));
	EXPECT_EQ(12, pgm_fec_unpad(b, 12, false));
	b[10] = 11;			/* longer than the block holds */
	EXPECT_EQ(-EINVAL, pgm_fec_unpad(b, 12, true));
	EXPECT_EQ(-EINVAL, pgm_fec_unpad(b, 1, true));
	pgm_fec_pad(b, 10, 10, false);
	EXPECT_EQ(11, b[10]);		/* fixed size: nothing appended */
}

TEST(frag_blocks)
{
	u8 blk[PGM_FEC_FRAG_LEN];
	u32 first, off, len;

	pgm_fec_frag_put(blk, true, 0xfffffff0U, 2800, 70000);
	ASSERT_TRUE(pgm_fec_frag_get(blk, &first, &off, &len));
	EXPECT_EQ(0xfffffff0U, first);
	EXPECT_EQ(2800U, off);
	EXPECT_EQ(70000U, len);
	pgm_fec_frag_put(blk, false, 1, 2, 3);
	EXPECT_FALSE(pgm_fec_frag_get(blk, &first, &off, &len));
}

static u32 rnd(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * A group of k packets of random lengths (some with OPT_FRAGMENT), its h
 * parity blocks and parity fragment options; then, many times, drop up
 * to h data packets and rebuild them from the rest plus parity: every
 * TSDU, length and option comes back.
 */
static void group_round_trip(struct __test_metadata *_metadata,
			     unsigned int n, unsigned int k, bool var, u32 seed)
{
	unsigned int h = n - k, i, j, t, max = 0, blen;
	u8 *data[PGM_FEC_K_MAX], *par[PGM_FEC_N_MAX], *out[PGM_FEC_K_MAX];
	u8 frag[PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
	u8 pfrag[PGM_FEC_N_MAX][PGM_FEC_FRAG_LEN];
	const u8 *src[PGM_FEC_K_MAX], *fsrc[PGM_FEC_K_MAX];
	u8 *fout[PGM_FEC_K_MAX], fbuf[PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
	unsigned int len[PGM_FEC_K_MAX];
	u8 index[PGM_FEC_K_MAX], *rm;
	struct pgm_rs *rs;
	u32 s = seed;

	rs = malloc(pgm_rs_size(n, k));
	ASSERT_NE(NULL, rs);
	ASSERT_EQ(0, pgm_rs_init(rs, n, k));
	rm = malloc(pgm_rs_decode_size(rs));
	for (i = 0; i < k; i++) {
		len[i] = var ? 1 + rnd(&s) % 1400 : 1400;
		max = len[i] > max ? len[i] : max;
	}
	blen = pgm_fec_block_len(max, var);
	for (i = 0; i < k; i++) {
		data[i] = malloc(blen);
		out[i] = malloc(blen);
		for (j = 0; j < len[i]; j++)
			data[i][j] = rnd(&s);
		pgm_fec_pad(data[i], len[i], max, var);
		pgm_fec_frag_put(frag[i], i % 3 != 1, 1000 + i, i * 1400,
				 50000 + i);
		src[i] = data[i];
		fsrc[i] = frag[i];
	}
	for (j = 0; j < h; j++) {
		par[j] = malloc(blen);
		pgm_rs_encode(rs, src, j, par[j], blen);
		pgm_rs_encode(rs, fsrc, j, pfrag[j], PGM_FEC_FRAG_LEN);
	}

	for (t = 0; t < 200; t++) {
		unsigned int lost = 1 + rnd(&s) % (h < k ? h : k), m = 0;
		bool gone[PGM_FEC_K_MAX] = { false };
		unsigned int have = 0, pj = rnd(&s) % h;

		for (i = 0; i < lost; i++) {
			unsigned int d = rnd(&s) % k;

			while (gone[d])
				d = (d + 1) % k;
			gone[d] = true;
		}
		/* The received packets, index order: data, then parity. */
		for (i = 0; i < k; i++) {
			if (gone[i])
				continue;
			index[have] = i;
			src[have] = data[i];
			fsrc[have++] = frag[i];
		}
		for (i = 0; have < k; i++) {
			j = (pj + i) % h;
			index[have] = k + j;
			src[have] = par[j];
			fsrc[have++] = pfrag[j];
		}
		ASSERT_EQ(0, pgm_rs_decode(rs, index, src, out, blen, rm));
		for (i = 0; i < k; i++)
			fout[i] = fbuf[i];
		ASSERT_EQ(0, pgm_rs_decode(rs, index, fsrc, fout,
					   PGM_FEC_FRAG_LEN, rm));
		for (i = 0; i < k; i++) {
			u32 first, off, flen;
			bool has;

			if (!gone[i])
				continue;
			m++;
			ASSERT_EQ((int)len[i], pgm_fec_unpad(out[i], blen, var));
			ASSERT_EQ(0, memcmp(out[i], data[i], len[i]));
			has = pgm_fec_frag_get(fbuf[i], &first, &off, &flen);
			ASSERT_EQ(i % 3 != 1, has);
			if (i % 3 != 1) {
				ASSERT_EQ(1000 + i, first);
				ASSERT_EQ(i * 1400, off);
				ASSERT_EQ(50000 + i, flen);
			}
		}
		ASSERT_EQ(lost, m);
	}
	for (i = 0; i < k; i++) {
		free(data[i]);
		free(out[i]);
	}
	for (j = 0; j < h; j++)
		free(par[j]);
	free(rm);
	free(rs);
}

TEST(group_fixed_k16_h2)
{
	group_round_trip(_metadata, 18, 16, false, 1);
}

TEST(group_var_k16_h4)
{
	group_round_trip(_metadata, 20, 16, true, 2);
}

TEST(group_var_k4_ondemand_n255)
{
	group_round_trip(_metadata, 255, 4, true, 3);
}

TEST(group_var_k128_h8)
{
	group_round_trip(_metadata, 136, 128, true, 4);
}

TEST_HARNESS_MAIN
