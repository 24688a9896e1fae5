/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM receive window (RFC 3208 sections 6.1-6.3): per-session
 * bookkeeping of which sequence numbers are held, missing or lost, and
 * the receiver's NAK state machine for every missing one.
 *
 * Pure code: no sockets, no skbs, no clocks. The caller owns the packets
 * (the window keeps opaque pointers), passes the time in nanoseconds,
 * seeds the random source, sends the NAKs the timer asks for and arms a
 * timer for the deadline it returns. The same file builds in user space
 * for unit tests and fuzzing.
 *
 * Window edges: @trail is the oldest sequence still tracked, @commit the
 * next sequence to deliver (everything before it was delivered or
 * declared lost), @lead the newest sequence known to exist. Slots from
 * @commit to @lead are in use; their number never exceeds the capacity.
 */
#ifndef _NET_PGM_RXW_H
#define _NET_PGM_RXW_H

#include <linux/types.h>

enum pgm_rxw_state {
	PGM_RXW_EMPTY = 0,	/* not tracked */
	PGM_RXW_BACK_OFF,	/* missing, random back-off before the NAK */
	PGM_RXW_WAIT_NCF,	/* NAK sent, waiting for its confirmation */
	PGM_RXW_WAIT_DATA,	/* confirmed, waiting for the repair */
	PGM_RXW_HAVE_DATA,	/* held, waiting for delivery */
	PGM_RXW_LOST,		/* unrecoverable */
};

/* Slot list link meaning "none": slot indexes are below the capacity. */
#define PGM_RXW_NIL	((u32)~0U)

/**
 * struct pgm_rxw_slot - one sequence number of the window
 * @data: the packet, in state HAVE_DATA
 * @deadline: when the current NAK state times out (ns)
 * @detected: when the sequence was found missing (ns)
 * @prev: previous slot index in the state's timer list
 * @next: next slot index in the state's timer list
 * @state: enum pgm_rxw_state
 * @ncf_retries: NAKs that went unconfirmed
 * @data_retries: confirmations that brought no repair
 */
struct pgm_rxw_slot {
	void	*data;
	u64	deadline;
	u64	detected;
	u32	prev;
	u32	next;
	u8	state;
	u8	ncf_retries;
	u8	data_retries;
};

/**
 * struct pgm_rxw_list - a timer list: slots ordered by deadline
 * @head: first slot index, PGM_RXW_NIL when empty
 * @tail: last slot index
 * @len: number of slots
 */
struct pgm_rxw_list {
	u32	head;
	u32	tail;
	u32	len;
};

/**
 * struct pgm_rxw_params - the receiver's NAK timers and limits (RFC 3208 6.3)
 * @nak_bo_ivl: NAK_BO_IVL, upper bound of the random back-off (ns)
 * @nak_rpt_ivl: NAK_RPT_IVL, wait for an NCF (ns)
 * @nak_rdata_ivl: NAK_RDATA_IVL, wait for the repair after an NCF (ns)
 * @nak_ncf_retries: NAK_NCF_RETRIES
 * @nak_data_retries: NAK_DATA_RETRIES
 */
struct pgm_rxw_params {
	u64	nak_bo_ivl;
	u64	nak_rpt_ivl;
	u64	nak_rdata_ivl;
	u8	nak_ncf_retries;
	u8	nak_data_retries;
};

/**
 * struct pgm_rxw_stats - what the window counted
 * @dups: packets already held or delivered
 * @behind: packets older than the trailing edge or the delivery point
 * @naks: sequence numbers NAKed (a NAK list counts each)
 * @ncfs: NCFs that confirmed a pending NAK
 * @lost: sequence numbers declared unrecoverable
 * @lost_trail: of those, passed by the source's trailing edge
 * @recovered: missing sequence numbers later filled
 * @reordered: of those, filled before any NAK asked for them
 * @window_overflow: packets or advertised leads beyond the capacity
 */
struct pgm_rxw_stats {
	u64	dups;
	u64	behind;
	u64	naks;
	u64	ncfs;
	u64	lost;
	u64	lost_trail;
	u64	recovered;
	u64	reordered;
	u64	window_overflow;
};

/**
 * struct pgm_rxw - a receive window
 * @slots: capacity slots, indexed by sequence & mask
 * @mask: capacity - 1 (capacity is a power of two)
 * @trail: oldest sequence tracked (RXW_TRAIL)
 * @commit: next sequence to deliver
 * @lead: newest sequence known to exist (RXW_LEAD)
 * @defined: the first packet has set the edges
 * @nak_enabled: NAKs may be sent (an SPM has been seen)
 * @backoff: slots in BACK_OFF, by deadline
 * @wait_ncf: slots in WAIT_NCF, by deadline
 * @wait_data: slots in WAIT_DATA, by deadline
 * @held: slots in HAVE_DATA
 * @rnd: state of the back-off random generator
 * @reorder: how late reordered packets arrive, ns (a decaying maximum)
 * @params: timers and limits
 * @stats: counters
 */
struct pgm_rxw {
	struct pgm_rxw_slot	*slots;
	u32			mask;
	u32			trail;
	u32			commit;
	u32			lead;
	bool			defined;
	bool			nak_enabled;
	struct pgm_rxw_list	backoff;
	struct pgm_rxw_list	wait_ncf;
	struct pgm_rxw_list	wait_data;
	u32			held;
	u64			rnd;
	u64			reorder;
	struct pgm_rxw_params	params;
	struct pgm_rxw_stats	stats;
};

/* Results of pgm_rxw_add(); on anything but ADDED the caller keeps the packet. */
enum pgm_rxw_add_result {
	PGM_RXW_ADDED,		/* taken: the window owns the packet now */
	PGM_RXW_DUPLICATE,	/* already held or delivered */
	PGM_RXW_BEHIND,		/* before the delivery point or the trail */
	PGM_RXW_OVERFLOW,	/* beyond the capacity: the receiver fell behind */
};

/* What pgm_rxw_pop() found at the delivery point. */
enum pgm_rxw_pop_result {
	PGM_RXW_NONE,		/* nothing deliverable yet */
	PGM_RXW_DATA,		/* a packet, in order */
	PGM_RXW_UNRECOVERABLE,	/* this sequence is lost for good */
};

void pgm_rxw_init(struct pgm_rxw *w, struct pgm_rxw_slot *slots,
		  u32 capacity, const struct pgm_rxw_params *params, u64 seed);
u32 pgm_rxw_capacity(const struct pgm_rxw *w);
struct pgm_rxw_slot *pgm_rxw_resize(struct pgm_rxw *w,
				    struct pgm_rxw_slot *slots, u32 capacity);
void pgm_rxw_define(struct pgm_rxw *w, u32 first);
int pgm_rxw_add(struct pgm_rxw *w, u32 sqn, void *data, u64 now,
		bool repair);
int pgm_rxw_update_lead(struct pgm_rxw *w, u32 lead, u64 now);
void pgm_rxw_update_trail(struct pgm_rxw *w, u32 trail);
void pgm_rxw_ncf(struct pgm_rxw *w, u32 sqn, u64 now);
void pgm_rxw_enable_naks(struct pgm_rxw *w, u64 now);
int pgm_rxw_pop(struct pgm_rxw *w, void **data, u32 *sqn);
u64 pgm_rxw_timer(struct pgm_rxw *w, u64 now, u32 *naks, unsigned int max,
		  unsigned int *n);
u64 pgm_rxw_next_deadline(const struct pgm_rxw *w);
void *pgm_rxw_drain(struct pgm_rxw *w);
u32 pgm_rxw_pending(const struct pgm_rxw *w);
u32 pgm_rxw_first_pending(const struct pgm_rxw *w);

/* Sequences from commit to lead: what the window currently spans. */
static inline u32 pgm_rxw_span(const struct pgm_rxw *w)
{
	return w->defined ? w->lead - w->commit + 1 : 0;
}

#endif /* _NET_PGM_RXW_H */
