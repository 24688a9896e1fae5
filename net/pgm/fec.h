/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM forward error correction (RFC 3208 appendix A): transmission group
 * arithmetic and the layout of the blocks parity is computed over. Pure
 * code (no sk_buff, no allocation), built into the module and the host
 * unit tests; the Reed-Solomon codec itself is rs.c.
 *
 * A transmission group (TG) is k consecutive data sequences starting at a
 * multiple of k. Parity packet j (j < n - k) of a group is the codec's
 * parity index j over the group's k "source blocks": each data packet's
 * TSDU, zero-padded to the longest TSDU of the group, followed, when the
 * group's TSDUs differ in length (OPT_VAR_PKTLEN), by the TSDU's length
 * in two bytes, little-endian (what OpenPGM writes on x86). The group's
 * OPT_FRAGMENTs are encoded the same way, over the 13 bytes after each
 * option's first three; a packet without the option contributes zeros
 * with the U bit set.
 */
#ifndef _PGM_FEC_H
#define _PGM_FEC_H

#include <linux/types.h>

#define PGM_FEC_K_MIN		2
#define PGM_FEC_K_MAX		128
#define PGM_FEC_N_MAX		255
/* Bytes of an encoded OPT_FRAGMENT: U byte, first sqn, offset, length. */
#define PGM_FEC_FRAG_LEN	13

/**
 * struct pgm_fec_params - a session's FEC parameters (RM_USE_FEC)
 * @n: packets per FEC block, data and parity (k < n <= 255)
 * @k: transmission group size, a power of two from 2 to 128
 * @log2k: log2(@k)
 * @proactive: parity packets sent after every full group
 * @ondemand: repairs are parity, receivers send parity NAKs
 */
struct pgm_fec_params {
	u8	n;
	u8	k;
	u8	log2k;
	u8	proactive;
	bool	ondemand;
};

int pgm_fec_params_init(struct pgm_fec_params *p, unsigned int n,
			unsigned int k, unsigned int proactive, bool ondemand);

/* The first sequence of @sqn's transmission group. */
static inline u32 pgm_fec_tg(const struct pgm_fec_params *p, u32 sqn)
{
	return sqn & ~((u32)p->k - 1);
}

/* @sqn's index within its transmission group. */
static inline unsigned int pgm_fec_pkt(const struct pgm_fec_params *p,
				       u32 sqn)
{
	return sqn & (p->k - 1);
}

/* Parity packets a group can have. */
static inline unsigned int pgm_fec_h(const struct pgm_fec_params *p)
{
	return p->n - p->k;
}

/**
 * pgm_fec_block_len() - length of a group's source blocks and parity TSDU
 * @max_tsdu: the longest TSDU of the group
 * @var: the group's TSDUs differ in length
 *
 * Return: @max_tsdu, plus the two length bytes when @var.
 */
static inline unsigned int pgm_fec_block_len(unsigned int max_tsdu, bool var)
{
	return max_tsdu + (var ? 2 : 0);
}

/**
 * pgm_fec_groups_passed() - has the source's lead passed @groups groups?
 * @k: transmission group size
 * @from: first sequence of the first group counted (a multiple of @k)
 * @lead: the source's leading edge
 * @groups: how many whole groups
 *
 * Return: true when @lead lies beyond the last sequence of the @groups-th
 * group from @from, i.e. at or after @from + @groups * @k (circular).
 */
static inline bool pgm_fec_groups_passed(unsigned int k, u32 from, u32 lead,
					 unsigned int groups)
{
	return (s32)(lead - (from + groups * k - 1)) > 0;
}

bool pgm_fec_prm_read(u8 prm, bool parity_odata, bool two_groups,
		      bool *ondemand, bool *proactive);

void pgm_fec_pad(u8 *block, unsigned int len, unsigned int max_tsdu,
		 bool var);
int pgm_fec_unpad(const u8 *block, unsigned int block_len, bool var);
void pgm_fec_frag_put(u8 *blk, bool present, u32 first, u32 off, u32 len);
bool pgm_fec_frag_get(const u8 *blk, u32 *first, u32 *off, u32 *len);

/**
 * pgm_fec_parity_sqn() - the header sequence of a group's parity packet
 * @p: FEC parameters
 * @tg: the group's first sequence
 * @j: parity index, j < n - k
 *
 * Return: @tg | (@j mod k); OPT_PARITY_GRP carries @j / k when @j >= k.
 */
static inline u32 pgm_fec_parity_sqn(const struct pgm_fec_params *p, u32 tg,
				     unsigned int j)
{
	return tg | (j & (p->k - 1));
}

/**
 * pgm_fec_parity_index() - a received parity packet's parity index
 * @p: FEC parameters
 * @sqn: the header's sequence
 * @grp: OPT_PARITY_GRP (0 when absent)
 *
 * Return: the parity index, or -1 if it is not below n - k.
 */
static inline int pgm_fec_parity_index(const struct pgm_fec_params *p,
				       u32 sqn, u32 grp)
{
	u64 j = (u64)grp * p->k + pgm_fec_pkt(p, sqn);

	return j < pgm_fec_h(p) ? (int)j : -1;
}

#endif /* _PGM_FEC_H */
