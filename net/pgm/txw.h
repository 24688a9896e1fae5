/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM transmit window (RFC 3208 sections 3.3, 5 and appendix F): the
 * source's numbered packets from the trailing edge (oldest still
 * repairable) to the leading edge, the ones not yet sent as ODATA, and
 * the queue of repairs (RDATA) asked for by NAKs.
 *
 * Pure code like rxw.c: opaque packets, time passed in by the caller.
 * Sequences [trail, odata) have been sent; [odata, next) wait for their
 * first transmission.
 */
#ifndef _NET_PGM_TXW_H
#define _NET_PGM_TXW_H

#include <linux/types.h>

#define PGM_TXW_NIL	((u32)~0U)

/**
 * struct pgm_txw_slot - one sequence number of the window
 * @data: the packet
 * @sent: time of its first transmission (ns), 0 while unsent
 * @repaired: time of its last repair (ns), 0 if never repaired
 * @confirmed: time of its last NCF (ns), 0 if never confirmed
 * @len: payload bytes, for the window's byte count
 * @rtx_next: next slot index in the repair queue
 * @rtx_queued: on the repair queue
 * @naked: a NAK asked for it at least once
 */
struct pgm_txw_slot {
	void	*data;
	u64	sent;
	u64	repaired;
	u64	confirmed;
	u32	len;
	u32	rtx_next;
	bool	rtx_queued;
	bool	naked;
};

/**
 * struct pgm_txw_stats - what the window counted (RM_SENDER_STATS terms)
 * @naks: sequences NAKed (a NAK list counts each)
 * @naks_distinct: distinct sequences NAKed
 * @naks_too_late: NAKs for sequences behind the trailing edge
 * @naks_after_rdata: NAKs for sequences repaired within the repair interval
 * @naks_queued: NAKs for a repair already queued
 * @naks_invalid: NAKs for sequences never sent
 * @naks_unconfirmed: NAKs not confirmed: an NCF for the sequence went out
 *	within the interval
 * @repairs: repairs (RDATA) taken from the queue
 */
struct pgm_txw_stats {
	u64	naks;
	u64	naks_distinct;
	u64	naks_too_late;
	u64	naks_after_rdata;
	u64	naks_queued;
	u64	naks_invalid;
	u64	naks_unconfirmed;
	u64	repairs;
};

/**
 * struct pgm_txw - a transmit window
 * @slots: capacity slots, indexed by sequence & mask
 * @mask: capacity - 1 (a power of two)
 * @trail: oldest sequence held (TXW_TRAIL)
 * @odata: next sequence to send as ODATA
 * @next: next sequence to assign; the leading edge is @odata - 1
 * @bytes: payload bytes held, sent or not
 * @unsent: payload bytes not sent yet
 * @rtx_head: first slot index of the repair queue
 * @rtx_tail: last slot index of the repair queue
 * @rtx_len: repairs queued
 * @stats: counters
 */
struct pgm_txw {
	struct pgm_txw_slot	*slots;
	u32			mask;
	u32			trail;
	u32			odata;
	u32			next;
	u64			bytes;
	u64			unsent;
	u32			rtx_head;
	u32			rtx_tail;
	u32			rtx_len;
	struct pgm_txw_stats	stats;
};

/* Results of pgm_txw_nak() and of fec_tx.c's parity NAKs. Only the
 * first three are for a sequence the source sent and holds: only they
 * may be confirmed.
 */
enum pgm_txw_nak_result {
	PGM_TXW_NAK_QUEUED,	/* a repair is queued */
	PGM_TXW_NAK_PENDING,	/* a repair was already queued */
	PGM_TXW_NAK_RECENT,	/* repaired within the repair interval */
	PGM_TXW_NAK_TOO_LATE,	/* behind the trailing edge */
	PGM_TXW_NAK_INVALID,	/* never sent */
	PGM_TXW_NAK_BUSY,	/* parity: no room to queue it now */
};

void pgm_txw_init(struct pgm_txw *w, struct pgm_txw_slot *slots,
		  u32 capacity, u32 first);
int pgm_txw_append(struct pgm_txw *w, void *data, u32 len, u32 *sqn);
void *pgm_txw_peek_odata(const struct pgm_txw *w, u32 *sqn);
void pgm_txw_odata_sent(struct pgm_txw *w, u64 now);
void *pgm_txw_peek_unsent_tail(const struct pgm_txw *w, u32 *sqn);
void pgm_txw_grow_tail(struct pgm_txw *w, u32 more);
int pgm_txw_nak(struct pgm_txw *w, u32 sqn, u64 now, u64 repair_ivl,
		bool *confirm);
void *pgm_txw_peek_rtx(const struct pgm_txw *w, u32 *sqn);
void pgm_txw_rtx_sent(struct pgm_txw *w, u64 now);
void *pgm_txw_advance(struct pgm_txw *w, u64 sent_before, u64 max_bytes);
void *pgm_txw_get(const struct pgm_txw *w, u32 sqn);
void *pgm_txw_drain(struct pgm_txw *w);

/* The leading edge: the newest sequence sent as ODATA. */
static inline u32 pgm_txw_lead(const struct pgm_txw *w)
{
	return w->odata - 1;
}

/* Sequences held, sent or not. */
static inline u32 pgm_txw_len(const struct pgm_txw *w)
{
	return w->next - w->trail;
}

static inline bool pgm_txw_full(const struct pgm_txw *w)
{
	return pgm_txw_len(w) > w->mask;
}

/* Everything sent and gone: nothing left to send or repair. */
static inline bool pgm_txw_empty(const struct pgm_txw *w)
{
	return w->next == w->trail;
}

static inline bool pgm_txw_has_unsent(const struct pgm_txw *w)
{
	return w->odata != w->next;
}

#endif /* _NET_PGM_TXW_H */
