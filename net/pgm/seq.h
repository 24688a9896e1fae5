/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM sequence numbers (RFC 3208 section 1.5 of the digest, 3.2 of the
 * RFC): 32-bit and circular; comparisons hold within half the space.
 */
#ifndef _NET_PGM_SEQ_H
#define _NET_PGM_SEQ_H

#include <linux/types.h>

/**
 * pgm_seq_before() - is @a older than @b?
 * @a: a sequence number
 * @b: another one
 *
 * Return: true if @a comes before @b in circular order.
 */
static inline bool pgm_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
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

#endif /* _NET_PGM_SEQ_H */
