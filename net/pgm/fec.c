// SPDX-License-Identifier: GPL-2.0
/*
 * PGM FEC: parameter validation and the source-block layout (fec.h).
 */

#include <linux/errno.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "fec.h"
#include "wire.h"

/**
 * pgm_fec_params_init() - validate and set FEC parameters (RM_USE_FEC)
 * @p: out: the parameters
 * @n: packets per FEC block (FECBlockSize)
 * @k: transmission group size (FECGroupSize)
 * @proactive: parity packets after every group (FECProActivePackets)
 * @ondemand: parity repairs (fFECOnDemandParityEnabled)
 *
 * Windows' rules: @k a power of two from 2 to 128, @k < @n <= 255, and
 * proactive parity, on-demand parity or both; @proactive at most n - k.
 *
 * Return: 0, or -EINVAL (@p is left untouched).
 */
int pgm_fec_params_init(struct pgm_fec_params *p, unsigned int n,
			unsigned int k, unsigned int proactive, bool ondemand)
{
	if (k < PGM_FEC_K_MIN || k > PGM_FEC_K_MAX || (k & (k - 1)))
		return -EINVAL;
	if (n <= k || n > PGM_FEC_N_MAX)
		return -EINVAL;
	if (proactive > n - k || (!proactive && !ondemand))
		return -EINVAL;
	p->n = n;
	p->k = k;
	p->log2k = __builtin_ctz(k);
	p->proactive = proactive;
	p->ondemand = ondemand;
	return 0;
}

/**
 * pgm_fec_prm_read() - how a receiver takes a source's OPT_PARITY_PRM bits
 * @prm: the bits received, PGM_PARITY_PRM_* (RFC 3208 numbering: P 0x02,
 *	O 0x01)
 * @parity_odata: the session has received parity as ODATA (pro-active)
 * @two_groups: the source's lead has passed the end of the second whole
 *	transmission group since FEC was set up (pgm_fec_groups_passed())
 * @ondemand: out: the source answers parity NAKs
 * @proactive: out: the source sends parity after every group
 *
 * OpenPGM numbers the two bits the other way round (PRO 0x01, OND 0x02),
 * so its on-demand-only source advertises what RFC 3208 calls pro-active
 * only. O alone, or P and O, read as the RFC says. P alone reads as
 * pro-active until the evidence says otherwise: two whole groups went by
 * and no parity came as ODATA. Then it is re-read as OpenPGM's on-demand,
 * and the receiver stops waiting for pro-active parity; it asks for
 * none either: OpenPGM 5.3's on-demand parity is unusable (measured by
 * pgm_interop.sh: with PGM_TXW_SQNS its source aborts on the first parity
 * NAK; otherwise its parity packets fail the checksum and after a parity
 * NAK it answers selective NAKs with more of them), so repairs are
 * selective NAKs, which every source answers. Any parity ODATA makes it
 * pro-active for good.
 *
 * Return: true when P alone is re-read as on-demand.
 */
bool pgm_fec_prm_read(u8 prm, bool parity_odata, bool two_groups,
		      bool *ondemand, bool *proactive)
{
	bool swap = (prm & PGM_PARITY_PRM_MASK) == PGM_PARITY_PRM_PRO &&
		    !parity_odata && two_groups;

	*ondemand = prm & PGM_PARITY_PRM_OND;
	*proactive = !swap && (prm & PGM_PARITY_PRM_PRO);
	return swap;
}

/**
 * pgm_fec_pad() - complete a source block whose first @len bytes are a TSDU
 * @block: the block, pgm_fec_block_len(@max_tsdu, @var) bytes
 * @len: the TSDU's length, at most @max_tsdu
 * @max_tsdu: the longest TSDU of the group
 * @var: append the TSDU's length (OPT_VAR_PKTLEN)
 */
void pgm_fec_pad(u8 *block, unsigned int len, unsigned int max_tsdu,
		 bool var)
{
	memset(block + len, 0, max_tsdu - len);
	if (var)
		put_unaligned_le16(len, block + max_tsdu);
}

/**
 * pgm_fec_unpad() - the TSDU length of a rebuilt source block
 * @block: the block
 * @block_len: its length (the parity TSDU's)
 * @var: the group has OPT_VAR_PKTLEN
 *
 * Return: the TSDU's length, or -EINVAL if the block does not hold one.
 */
int pgm_fec_unpad(const u8 *block, unsigned int block_len, bool var)
{
	unsigned int len;

	if (!var)
		return block_len;
	if (block_len < 2)
		return -EINVAL;
	len = get_unaligned_le16(block + block_len - 2);
	return len <= block_len - 2 ? (int)len : -EINVAL;
}

/**
 * pgm_fec_frag_put() - the FEC source block of a packet's OPT_FRAGMENT
 * @blk: out: PGM_FEC_FRAG_LEN bytes
 * @present: the packet has OPT_FRAGMENT (else: zeros, U bit set)
 * @first: its first sequence of the APDU
 * @off: its offset
 * @len: the APDU's length
 */
void pgm_fec_frag_put(u8 *blk, bool present, u32 first, u32 off, u32 len)
{
	memset(blk, 0, PGM_FEC_FRAG_LEN);
	if (!present) {
		blk[0] = 0x80;		/* U: encoded null */
		return;
	}
	put_unaligned_be32(first, blk + 1);
	put_unaligned_be32(off, blk + 5);
	put_unaligned_be32(len, blk + 9);
}

/**
 * pgm_fec_frag_get() - OPT_FRAGMENT from a rebuilt block
 * @blk: PGM_FEC_FRAG_LEN bytes
 * @first: out: first sequence of the APDU
 * @off: out: the fragment's offset
 * @len: out: the APDU's length
 *
 * Return: true if the packet had OPT_FRAGMENT (the U bit is clear).
 */
bool pgm_fec_frag_get(const u8 *blk, u32 *first, u32 *off, u32 *len)
{
	if (blk[0] & 0x80)
		return false;
	*first = get_unaligned_be32(blk + 1);
	*off = get_unaligned_be32(blk + 5);
	*len = get_unaligned_be32(blk + 9);
	return true;
}
