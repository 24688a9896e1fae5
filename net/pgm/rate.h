/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token bucket for the source's rate limit (RFC 3208 section 5: all of
 * ODATA, RDATA and SPM count against TXW_MAX_RTE, in IP bytes). Pure
 * code; the caller passes the time in nanoseconds.
 */
#ifndef _NET_PGM_RATE_H
#define _NET_PGM_RATE_H

#include <linux/types.h>

/**
 * struct pgm_rate - a token bucket
 * @rate: bytes per second
 * @burst: bucket depth, bytes: the largest burst allowed
 * @credit: tokens held, in bytes times 10^9 (so refills are exact)
 * @stamp: time of the last refill, ns
 */
struct pgm_rate {
	u64	rate;
	u64	burst;
	u64	credit;
	u64	stamp;
};

void pgm_rate_init(struct pgm_rate *r, u64 rate, u64 burst, u64 now);

/* Enough credit for @bytes without a refill? */
static inline bool pgm_rate_has(const struct pgm_rate *r, u32 bytes)
{
	return r->credit >= (u64)bytes * 1000000000ULL;
}

/* Spend credit checked with pgm_rate_has() or pgm_rate_delay(). */
static inline void pgm_rate_spend(struct pgm_rate *r, u32 bytes)
{
	u64 cost = (u64)bytes * 1000000000ULL;

	r->credit = r->credit > cost ? r->credit - cost : 0;
}

bool pgm_rate_take(struct pgm_rate *r, u32 bytes, u64 now);
u64 pgm_rate_delay(struct pgm_rate *r, u32 bytes, u64 now);

#endif /* _NET_PGM_RATE_H */
