// SPDX-License-Identifier: GPL-2.0
/*
 * Token bucket for the source's rate limit. Pure code; see rate.h.
 *
 * Credit is kept in bytes x 10^9 so that rate x elapsed-ns adds up
 * without rounding. A refill never overflows: elapsed time is capped at
 * the time the bucket takes to fill.
 */

#include "rate.h"

#define NSEC	1000000000ULL

static void refill(struct pgm_rate *r, u64 now)
{
	u64 full = r->burst * NSEC;
	u64 dt;

	if (now <= r->stamp)
		return;
	dt = now - r->stamp;
	r->stamp = now;
	if (r->credit >= full)
		return;
	/* dt * rate < full - credit  <=>  dt < (full - credit) / rate */
	if (dt >= (full - r->credit) / r->rate + 1)
		r->credit = full;
	else
		r->credit += dt * r->rate;
	if (r->credit > full)
		r->credit = full;
}

/**
 * pgm_rate_init() - set the rate and the depth, start with a full bucket
 * @r: the bucket
 * @rate: bytes per second, at least 1
 * @burst: depth in bytes, at least the largest packet
 * @now: the time, ns
 */
void pgm_rate_init(struct pgm_rate *r, u64 rate, u64 burst, u64 now)
{
	r->rate = rate ? rate : 1;
	r->burst = burst;
	r->credit = burst * NSEC;
	r->stamp = now;
}

/**
 * pgm_rate_take() - spend tokens for a packet if there are enough
 * @r: the bucket
 * @bytes: the packet's size on the wire
 * @now: the time, ns
 *
 * Return: true if the packet may go now (the tokens are spent).
 */
bool pgm_rate_take(struct pgm_rate *r, u32 bytes, u64 now)
{
	u64 cost = (u64)bytes * NSEC;

	refill(r, now);
	if (r->credit < cost)
		return false;
	r->credit -= cost;
	return true;
}

/**
 * pgm_rate_delay() - how long until a packet may go
 * @r: the bucket
 * @bytes: the packet's size on the wire
 * @now: the time, ns
 *
 * Return: nanoseconds to wait, 0 if it may go now.
 */
u64 pgm_rate_delay(struct pgm_rate *r, u32 bytes, u64 now)
{
	u64 cost = (u64)bytes * NSEC;

	refill(r, now);
	if (r->credit >= cost)
		return 0;
	return (cost - r->credit + r->rate - 1) / r->rate;
}
