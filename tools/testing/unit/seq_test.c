// SPDX-License-Identifier: GPL-2.0
/*
 * Circular sequence arithmetic (net/pgm/seq.h): orderings around 0,
 * 2^31 and 2^32, windows that wrap, and agreement with a 64-bit model.
 */

#include <stdint.h>
#include "seq.h"

#include "kselftest_harness.h"

#define HALF	0x80000000u

/* Reference model: @a is before @b if stepping forward from @a reaches
 * @b in fewer than 2^31 steps (and more than zero).
 */
static bool model_before(u32 a, u32 b)
{
	u64 fwd = ((u64)b - a) & 0xffffffffu;

	return fwd != 0 && fwd < HALF;
}

static const u32 pivots[] = {
	0, 1, 2, 0x7ffffffe, 0x7fffffff, HALF, 0x80000001,
	0xfffffffe, 0xffffffff, 12345, 0xdeadbeef,
};

TEST(diff_signs)
{
	ASSERT_EQ(0, pgm_seq_diff(5, 5));
	ASSERT_EQ(1, pgm_seq_diff(0, 0xffffffff));
	ASSERT_EQ(-1, pgm_seq_diff(0xffffffff, 0));
	ASSERT_EQ(0x7fffffff, pgm_seq_diff(0x7fffffff, 0));
	ASSERT_EQ(-0x7fffffff, pgm_seq_diff(0, 0x7fffffff));
	ASSERT_EQ(INT32_MIN, pgm_seq_diff(HALF, 0));
	ASSERT_EQ(INT32_MIN, pgm_seq_diff(0, HALF));
	ASSERT_EQ(2, pgm_seq_diff(1, 0xffffffff));
}

TEST(before_after_wrap_at_zero)
{
	/* 2^32 - 1 is just before 0, and 0 just before 1. */
	ASSERT_TRUE(pgm_seq_before(0xffffffff, 0));
	ASSERT_TRUE(pgm_seq_after(0, 0xffffffff));
	ASSERT_TRUE(pgm_seq_before(0xfffffff0, 0x10));
	ASSERT_TRUE(pgm_seq_after(0x10, 0xfffffff0));
	ASSERT_FALSE(pgm_seq_before(0, 0xffffffff));
	ASSERT_FALSE(pgm_seq_after(0xffffffff, 0));
	ASSERT_FALSE(pgm_seq_before(7, 7));
	ASSERT_FALSE(pgm_seq_after(7, 7));
}

TEST(before_after_at_half_space)
{
	/* 2^31 - 1 apart: still ordered. */
	ASSERT_TRUE(pgm_seq_before(0, 0x7fffffff));
	ASSERT_TRUE(pgm_seq_after(0x7fffffff, 0));
	ASSERT_TRUE(pgm_seq_before(0x80000001, 0));
	ASSERT_TRUE(pgm_seq_after(0, 0x80000001));
	/* 2^31 + 1 apart is 2^31 - 1 the other way round. */
	ASSERT_TRUE(pgm_seq_after(0, 0x7fffffff + 2u));
	/* Exactly 2^31 apart: each is before the other (documented). */
	ASSERT_TRUE(pgm_seq_before(0, HALF));
	ASSERT_TRUE(pgm_seq_before(HALF, 0));
	ASSERT_TRUE(pgm_seq_before(0xffffffff, 0x7fffffff));
	ASSERT_TRUE(pgm_seq_before(0x7fffffff, 0xffffffff));
}

TEST(eq_variants)
{
	ASSERT_TRUE(pgm_seq_before_eq(3, 3));
	ASSERT_TRUE(pgm_seq_after_eq(3, 3));
	ASSERT_TRUE(pgm_seq_before_eq(0xffffffff, 0));
	ASSERT_FALSE(pgm_seq_after_eq(0xffffffff, 0));
	ASSERT_TRUE(pgm_seq_after_eq(0, 0xffffffff));
	ASSERT_FALSE(pgm_seq_before_eq(0, 0xffffffff));
}

TEST(against_model)
{
	unsigned int i, j;
	int d;

	for (i = 0; i < ARRAY_SIZE(pivots); i++) {
		for (j = 0; j < ARRAY_SIZE(pivots); j++) {
			for (d = -3; d <= 3; d++) {
				u32 a = pivots[i], b = pivots[j] + d;

				if (((u64)b - a) % (1ull << 32) == HALF)
					continue;	/* the documented tie */
				ASSERT_EQ(model_before(a, b),
					  pgm_seq_before(a, b))
					TH_LOG("before(%#x, %#x)", a, b);
				ASSERT_EQ(model_before(b, a),
					  pgm_seq_after(a, b))
					TH_LOG("after(%#x, %#x)", a, b);
				ASSERT_EQ(a == b || model_before(a, b),
					  pgm_seq_before_eq(a, b));
				ASSERT_EQ(a == b || model_before(b, a),
					  pgm_seq_after_eq(a, b));
			}
		}
	}
}

TEST(between_windows)
{
	/* A plain window. */
	ASSERT_TRUE(pgm_seq_between(10, 10, 20));
	ASSERT_TRUE(pgm_seq_between(20, 10, 20));
	ASSERT_TRUE(pgm_seq_between(15, 10, 20));
	ASSERT_FALSE(pgm_seq_between(9, 10, 20));
	ASSERT_FALSE(pgm_seq_between(21, 10, 20));
	/* One wrapping 2^32. */
	ASSERT_TRUE(pgm_seq_between(0xfffffffe, 0xfffffff0, 5));
	ASSERT_TRUE(pgm_seq_between(0xffffffff, 0xfffffff0, 5));
	ASSERT_TRUE(pgm_seq_between(0, 0xfffffff0, 5));
	ASSERT_TRUE(pgm_seq_between(5, 0xfffffff0, 5));
	ASSERT_FALSE(pgm_seq_between(6, 0xfffffff0, 5));
	ASSERT_FALSE(pgm_seq_between(0xffffffef, 0xfffffff0, 5));
	/* One straddling 2^31. */
	ASSERT_TRUE(pgm_seq_between(HALF, 0x7ffffff0, 0x80000010));
	ASSERT_TRUE(pgm_seq_between(0x7fffffff, 0x7ffffff0, 0x80000010));
	ASSERT_FALSE(pgm_seq_between(0x80000011, 0x7ffffff0, 0x80000010));
	/* Size one, and wider than half the space (no half-space limit). */
	ASSERT_TRUE(pgm_seq_between(7, 7, 7));
	ASSERT_FALSE(pgm_seq_between(8, 7, 7));
	ASSERT_TRUE(pgm_seq_between(0xc0000000, 0, 0xf0000000));
	ASSERT_FALSE(pgm_seq_between(0xf0000001, 0, 0xf0000000));
	/* The empty window (trail == lead + 1) reads as everything. */
	ASSERT_TRUE(pgm_seq_between(12345, 8, 7));
}

TEST(distance)
{
	ASSERT_EQ(0, pgm_seq_distance(5, 5));
	ASSERT_EQ(1, pgm_seq_distance(0xffffffff, 0));
	ASSERT_EQ(0x21, pgm_seq_distance(0xfffffff0, 0x11));
	ASSERT_EQ(HALF, pgm_seq_distance(0, HALF));
	ASSERT_EQ(0xffffffff, pgm_seq_distance(1, 0));
	/* A window's size: TXW_SQNS = lead - trail + 1. */
	ASSERT_EQ(383, pgm_seq_distance(0xffffff00, 0x7e) + 1);
}

TEST(min_max)
{
	ASSERT_EQ(0, pgm_seq_max(0xffffffff, 0));
	ASSERT_EQ(0, pgm_seq_max(0, 0xffffffff));
	ASSERT_EQ(0xffffffff, pgm_seq_min(0xffffffff, 0));
	ASSERT_EQ(0xffffffff, pgm_seq_min(0, 0xffffffff));
	ASSERT_EQ(0x80000001, pgm_seq_max(0x7fffffff, 0x80000001));
	ASSERT_EQ(0x7fffffff, pgm_seq_min(0x7fffffff, 0x80000001));
	ASSERT_EQ(9, pgm_seq_max(9, 9));
}

TEST_HARNESS_MAIN
