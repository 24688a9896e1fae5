/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM FEC at the receiver, the decisions (RFC 3208 appendix A): which
 * data and parity packets a session keeps for each transmission group,
 * when a group is closed early (OPT_CURR_TGSIZE), when and from which
 * packets its missing data is rebuilt, how its losses are NAKed, and how
 * the source's OPT_PARITY_PRM is read.
 *
 * Pure code: no sk_buff, no socket, no clock, no allocation. The caller
 * (fec_rx.c in the kernel; the unit tests and the fuzzer in user space)
 * keeps the packets in arrays parallel to the groups here, passes the
 * time in, follows the decode plan pgm_fecg_plan() returns, and releases
 * the packets of every group pgm_fecg_reap() names.
 *
 * Every call does work bounded by the group size k or by the size of the
 * group table, never by the receive window: the groups are a
 * direct-mapped table of PGM_FECG_GROUPS entries by group number.
 *
 * A group is FREE (no entry), COLLECT (keeping packets), DONE (all its
 * data came or was rebuilt) or SELECTIVE (FEC gave up on it: its losses
 * are NAKed selectively). Only COLLECT groups hold packets: a group that
 * leaves COLLECT, or whose entry a newer group takes, is named by
 * pgm_fecg_reap() once, and the caller frees what it kept for it.
 */
#ifndef _NET_PGM_FEC_GROUP_H
#define _NET_PGM_FEC_GROUP_H

#include <linux/types.h>

#include "fec.h"

#define PGM_FECG_GROUPS		128	/* groups tracked at once */

/* Bytes of a block's TSDU length with OPT_VAR_PKTLEN. */
#define PGM_FECG_LEN_BYTES	2

/* What a group is doing. */
enum pgm_fecg_state {
	PGM_FECG_FREE = 0,	/* no group in this entry */
	PGM_FECG_COLLECT,	/* keeping data and parity */
	PGM_FECG_DONE,		/* all its data is in: nothing kept */
	PGM_FECG_SELECTIVE,	/* FEC gave up on it: nothing kept */
};

/* Why a packet is not kept; PGM_FECG_KEEP: it is. */
enum pgm_fecg_why {
	PGM_FECG_KEEP = 0,
	PGM_FECG_BEFORE,	/* its group began before FEC saw it whole */
	PGM_FECG_BEHIND,	/* its group was delivered */
	PGM_FECG_AHEAD,		/* parity of a group beyond the window */
	PGM_FECG_BUSY,		/* a newer group has its entry */
	PGM_FECG_CLOSED,	/* its group is DONE or SELECTIVE */
	PGM_FECG_DUP,		/* that data is kept already */
	PGM_FECG_COMPLETE,	/* it completes its group: nothing to keep */
	PGM_FECG_INDEX,		/* parity index not below 255 - k */
	PGM_FECG_SHORT,		/* parity too short for a block */
	PGM_FECG_TGSIZE,	/* OPT_CURR_TGSIZE out of range or at odds */
	PGM_FECG_MISMATCH,	/* at odds with what the group holds: the
				 * group gave up
				 */
	PGM_FECG_REPEAT,	/* a parity index again: the source has no
				 * fresh parity: NAK the group selectively
				 */
	PGM_FECG_BEYOND,	/* data beyond a group closed early: the group
				 * gave up
				 */
	PGM_FECG_NR_WHY,
};

/* Events the caller counts (pgm_fecg_events()). */
#define PGM_FECG_EV_SWAPPED	0x01	/* P alone re-read as on-demand */
#define PGM_FECG_EV_GAVEUP	0x02	/* parity NAKs given up for good */

/**
 * struct pgm_fecg_grp - one transmission group
 * @last_nak: when its last round of parity NAKs went out, ns
 * @tg: its first sequence
 * @plen: its parity TSDUs' length: the block length (0: no parity yet)
 * @max_len: the longest data TSDU kept
 * @state: enum pgm_fecg_state
 * @size: its data packets: k, or less once closed early
 * @n_data: data packets kept (all below @size)
 * @n_par: parity packets kept
 * @nak_rounds: rounds of parity NAKs sent for it
 * @nak_sel: NAK its losses selectively (parity will not repair it: the
 *	source repeats parity it sent, or rounds of parity NAKs failed),
 *	though it still collects
 * @var: its parity has OPT_VAR_PKTLEN
 * @frag: its parity carries encoded OPT_FRAGMENTs
 * @dfrag: a data packet kept has OPT_FRAGMENT
 * @data: bitmap of the data indices kept
 * @par_idx: the parity index (j, block k + j) of each parity kept, in
 *	the order they came: the caller keeps parity packet p at position p
 */
struct pgm_fecg_grp {
	u64	last_nak;
	u32	tg;
	u16	plen;
	u16	max_len;
	u8	state;
	u8	size;
	u8	n_data;
	u8	n_par;
	u8	nak_rounds;
	bool	nak_sel;
	bool	var;
	bool	frag;
	bool	dfrag;
	u64	data[PGM_FEC_K_MAX / 64];
	u8	par_idx[PGM_FEC_K_MAX];
};

/**
 * struct pgm_fecg - a session's FEC receive state
 * @last_data: when the last data packet arrived, ns
 * @from: first group collected from its start (earlier ones are not)
 * @held: packets the COLLECT groups keep, data and parity
 * @dead: bitmap of entries whose packets the caller must release
 * @k: the transmission group size, a power of two from 2 to 128
 * @log2k: log2(@k)
 * @prm: the PGM_PARITY_PRM_* bits of the source's last OPT_PARITY_PRM
 * @events: PGM_FECG_EV_* not yet read by pgm_fecg_events()
 * @ondemand: the source answers parity NAKs
 * @proactive: the source sends parity after every group
 * @parity_odata: parity came as ODATA: the source is pro-active
 * @two_groups: the lead passed the end of the second group from @from
 * @swapped: P alone was re-read as OpenPGM's on-demand
 * @parity_failed: a group's parity NAKs went unanswered: no more in
 *	this session
 * @from_set: @from is known (the first data came)
 * @grp: the groups, by group number modulo PGM_FECG_GROUPS
 */
struct pgm_fecg {
	u64			last_data;
	u32			from;
	u32			held;
	u64			dead[PGM_FECG_GROUPS / 64];
	u8			k;
	u8			log2k;
	u8			prm;
	u8			events;
	bool			ondemand;
	bool			proactive;
	bool			parity_odata;
	bool			two_groups;
	bool			swapped;
	bool			parity_failed;
	bool			from_set;
	struct pgm_fecg_grp	grp[PGM_FECG_GROUPS];
};

/**
 * struct pgm_fecg_ref - where the caller keeps a packet
 * @slot: the group's entry, below PGM_FECG_GROUPS
 * @pos: a data packet's index in its group, or a parity packet's position
 *	(below k either way)
 */
struct pgm_fecg_ref {
	unsigned int	slot;
	unsigned int	pos;
};

/* Where a decode source block comes from. */
enum pgm_fecg_src {
	PGM_FECG_SRC_DATA,	/* data packet @ref, padded to the block */
	PGM_FECG_SRC_ZERO,	/* zeros: beyond a group closed early */
	PGM_FECG_SRC_PARITY,	/* parity packet at position @ref */
};

/**
 * struct pgm_fecg_plan - how to rebuild a group's missing data
 * @tg: the group's first sequence
 * @k: source blocks, the group size
 * @size: the group's data packets
 * @blen: block length: every parity TSDU's length
 * @tsdu_max: the longest TSDU a block holds: @blen less the length bytes
 * @var: blocks end in their TSDU's length (OPT_VAR_PKTLEN)
 * @frag: decode the encoded OPT_FRAGMENTs too
 * @n_rebuild: data packets to rebuild
 * @index: the k source blocks' block indices, all different: data
 *	indices below @size, zeros from @size to k, parity k + j
 * @kind: each source block's enum pgm_fecg_src
 * @ref: each source block's data index or parity position
 * @rebuild: the data indices to rebuild, ascending, each below @size and
 *	in none of @index
 */
struct pgm_fecg_plan {
	u32	tg;
	u16	k;
	u16	size;
	u16	blen;
	u16	tsdu_max;
	bool	var;
	bool	frag;
	u16	n_rebuild;
	u8	index[PGM_FEC_K_MAX];
	u8	kind[PGM_FEC_K_MAX];
	u8	ref[PGM_FEC_K_MAX];
	u8	rebuild[PGM_FEC_K_MAX];
};

/**
 * struct pgm_fecg_parity - what a parity packet says
 * @sqn: the header's sequence: group | (j mod k)
 * @grp: OPT_PARITY_GRP, j / k (0 without)
 * @tgsize: OPT_CURR_TGSIZE (0 without)
 * @len: TSDU length
 * @var: OPT_VAR_PKTLEN
 * @frag: has the encoded OPT_FRAGMENT
 * @odata: came as ODATA (pro-active)
 */
struct pgm_fecg_parity {
	u32	sqn;
	u32	grp;
	u32	tgsize;
	u32	len;
	bool	var;
	bool	frag;
	bool	odata;
};

int pgm_fecg_init(struct pgm_fecg *f, u32 tgs, u8 prm);
void pgm_fecg_start(struct pgm_fecg *f, u32 sqn);
void pgm_fecg_spm(struct pgm_fecg *f, u32 tgs, u8 prm, u32 lead);
void pgm_fecg_mode(struct pgm_fecg *f, u32 lead);
int pgm_fecg_data(struct pgm_fecg *f, u32 sqn, unsigned int len, bool frag,
		  u32 commit, u32 lead, u64 now, struct pgm_fecg_ref *ref);
int pgm_fecg_parity(struct pgm_fecg *f, const struct pgm_fecg_parity *pp,
		    u32 commit, u32 lead, u32 span, struct pgm_fecg_ref *ref);
int pgm_fecg_tgsize(struct pgm_fecg *f, u32 lead, u32 tgsize, u32 commit);
bool pgm_fecg_ready(const struct pgm_fecg *f, unsigned int slot);
int pgm_fecg_plan(struct pgm_fecg *f, unsigned int slot,
		  struct pgm_fecg_plan *p);
void pgm_fecg_done(struct pgm_fecg *f, unsigned int slot);
void pgm_fecg_give_up(struct pgm_fecg *f, unsigned int slot);
bool pgm_fecg_reap(struct pgm_fecg *f, unsigned int *slot);
unsigned int pgm_fecg_events(struct pgm_fecg *f);
void pgm_fecg_trail(struct pgm_fecg *f, u32 trail);
int pgm_fecg_nak_count(struct pgm_fecg *f, u32 sqn, u32 lead, u64 now,
		       bool fin, u64 wait);
u32 pgm_fecg_nak_sqn(const struct pgm_fecg *f, u32 sqn, unsigned int count);
unsigned int pgm_fecg_ncf(const struct pgm_fecg *f, u32 sqn, u32 lead,
			  u32 *first);
bool pgm_fecg_frag_ok(u32 off, u32 len, unsigned int tsdu_len);

/* Is @tgs a transmission group size a receiver takes? */
static inline bool pgm_fecg_k_ok(u32 tgs)
{
	return tgs >= PGM_FEC_K_MIN && tgs <= PGM_FEC_K_MAX &&
	       !(tgs & (tgs - 1));
}

/* The first sequence of @sqn's group. */
static inline u32 pgm_fecg_tg(const struct pgm_fecg *f, u32 sqn)
{
	return sqn & ~((u32)f->k - 1);
}

#endif /* _NET_PGM_FEC_GROUP_H */
