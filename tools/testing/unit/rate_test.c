// SPDX-License-Identifier: GPL-2.0
/*
 * Token bucket (net/pgm/rate.c): long-run rate, burst bound, delays.
 */

#include "rate.h"

#include "kselftest_harness.h"

#define MS	1000000ULL
#define SEC	1000000000ULL

TEST(burst_then_rate)
{
	struct pgm_rate r;
	int n = 0;

	pgm_rate_init(&r, 1000000, 3000, 0);	/* 1 MB/s, 3000 B deep */
	while (pgm_rate_take(&r, 1000, 0))
		n++;
	ASSERT_EQ(3, n);
	/* 1000 bytes at 1 MB/s: 1 ms. */
	ASSERT_EQ(1 * MS, pgm_rate_delay(&r, 1000, 0));
	ASSERT_FALSE(pgm_rate_take(&r, 1000, 1 * MS - 1));
	ASSERT_TRUE(pgm_rate_take(&r, 1000, 1 * MS));
}

/* Over a long run, sending as fast as allowed gives the rate, +- a burst. */
TEST(long_run_rate)
{
	struct pgm_rate r;
	u64 now = 0, bytes = 0;

	pgm_rate_init(&r, 12500000, 4500, 0);	/* 100 Mbit/s */
	while (now < 2 * SEC) {
		if (pgm_rate_take(&r, 1500, now))
			bytes += 1500;
		else
			now += pgm_rate_delay(&r, 1500, now);
	}
	ASSERT_GE(bytes, 25000000 - 1500);
	ASSERT_LE(bytes, 25000000 + 4500 + 1500);
}

/* An idle period refills no more than the bucket. */
TEST(idle_caps_at_burst)
{
	struct pgm_rate r;
	int n = 0;

	pgm_rate_init(&r, 1000, 2000, 0);
	pgm_rate_take(&r, 2000, 0);
	while (pgm_rate_take(&r, 100, 3600 * SEC))
		n++;
	ASSERT_EQ(20, n);
}

/* Huge rates and times do not overflow. */
TEST(no_overflow)
{
	struct pgm_rate r;

	pgm_rate_init(&r, 4294967295ULL * 125, 65536, 0);
	ASSERT_TRUE(pgm_rate_take(&r, 65536, 0));
	ASSERT_TRUE(pgm_rate_take(&r, 65536, 1000 * SEC));
	ASSERT_EQ(0, pgm_rate_delay(&r, 1, 2000 * SEC));
}

TEST_HARNESS_MAIN
