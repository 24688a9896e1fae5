/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM sequence numbers (RFC 3208 sections 3.2, 3.3 and 6.2): 32-bit and
 * circular, one per ODATA (SPMs and POLLs count their own). As in TCP,
 * "a before b" means (s32)(a - b) < 0, which orders two numbers correctly
 * while they lie less than 2^31 apart; the RFC keeps every window below
 * that (TXW_SQNS <= 2^31 - 1). At exactly 2^31 apart each number is
 * "before" the other: callers never compare that far.
 *
 * Pure code, shared by the kernel and the user-space unit tests.
 */
#ifndef _NET_PGM_SEQ_H
#define _NET_PGM_SEQ_H

#include <linux/types.h>

/**
 * pgm_seq_diff() - signed circular distance from @b to @a
 * @a: a sequence number
 * @b: another one
 *
 * Return: a - b as a signed 32-bit number: positive if @a is newer,
 * negative if older, 0 if equal. Meaningful while |a - b| < 2^31.
 */
static inline s32 pgm_seq_diff(u32 a, u32 b)
{
	return (s32)(a - b);
}

/**
 * pgm_seq_before() - is @a older than @b?
 * @a: a sequence number
 * @b: another one
 *
 * Return: true if @a comes before @b in circular order.
 */
static inline bool pgm_seq_before(u32 a, u32 b)
{
	return pgm_seq_diff(a, b) < 0;
}

/**
 * pgm_seq_after() - is @a newer than @b?
 * @a: a sequence number
 * @b: another one
 *
 * Return: true if @a comes after @b in circular order.
 */
static inline bool pgm_seq_after(u32 a, u32 b)
{
	return pgm_seq_before(b, a);
}

/**
 * pgm_seq_before_eq() - is @a older than or equal to @b?
 * @a: a sequence number
 * @b: another one
 *
 * Return: true unless @a comes after @b.
 */
static inline bool pgm_seq_before_eq(u32 a, u32 b)
{
	return pgm_seq_diff(a, b) <= 0;
}

/**
 * pgm_seq_after_eq() - is @a newer than or equal to @b?
 * @a: a sequence number
 * @b: another one
 *
 * Return: true unless @a comes before @b.
 */
static inline bool pgm_seq_after_eq(u32 a, u32 b)
{
	return pgm_seq_before_eq(b, a);
}

/**
 * pgm_seq_between() - does @seq lie in the window [@lo, @hi]?
 * @seq: the sequence number to test
 * @lo: first sequence of the window (a trailing edge)
 * @hi: last sequence of the window (a leading edge)
 *
 * Counts forward from @lo, so it holds for any window size up to 2^32 - 1
 * (no half-space limit): an empty window is written hi = lo - 1 (the RFC's
 * TRAIL == LEAD + 1), which this treats as the full space, so test for
 * emptiness first.
 *
 * Return: true if @seq is one of lo, lo + 1, ..., hi (modulo 2^32).
 */
static inline bool pgm_seq_between(u32 seq, u32 lo, u32 hi)
{
	return seq - lo <= hi - lo;
}

/**
 * pgm_seq_distance() - how many steps forward from @from reach @to
 * @from: a sequence number
 * @to: a later one
 *
 * Return: (to - from) mod 2^32; for a window [trail, lead] its size is
 * pgm_seq_distance(trail, lead) + 1.
 */
static inline u32 pgm_seq_distance(u32 from, u32 to)
{
	return to - from;
}

/**
 * pgm_seq_max() - the newer of two sequence numbers
 * @a: a sequence number
 * @b: another one
 *
 * Return: @b if it comes after @a, else @a.
 */
static inline u32 pgm_seq_max(u32 a, u32 b)
{
	return pgm_seq_after(b, a) ? b : a;
}

/**
 * pgm_seq_min() - the older of two sequence numbers
 * @a: a sequence number
 * @b: another one
 *
 * Return: @b if it comes before @a, else @a.
 */
static inline u32 pgm_seq_min(u32 a, u32 b)
{
	return pgm_seq_before(b, a) ? b : a;
}

#endif /* _NET_PGM_SEQ_H */
