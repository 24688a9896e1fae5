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
 * Window edges: @trail is the oldest sequence the source still repairs,
 * @commit the next sequence to deliver (everything before it was
 * delivered or declared lost), @lead the newest sequence known to exist.
 * Slots from @commit to @lead are in use; their number never exceeds the
 * capacity.
 *
 * Bounded work: no call costs more than a constant, whatever the window's
 * size or a packet's sequence numbers (a forged packet far ahead, a trail
 * jump, an NCF list). A gap is recorded, not walked: its slots get their
 * NAK back-off later, PGM_RXW_ADD_WORK of them per packet and
 * PGM_RXW_TIMER_WORK per pgm_rxw_timer() call; a caller makes at most
 * PGM_RXW_TIMER_CALLS calls per timer firing (at most that many NAK
 * packets) and fires again for the rest.
 */
#ifndef _NET_PGM_RXW_H
#define _NET_PGM_RXW_H

#include <linux/types.h>

/* Slots one pgm_rxw_add() or pgm_rxw_update_lead() gives their back-off. */
#define PGM_RXW_ADD_WORK	64
/* Slots one pgm_rxw_timer() call expires, gives their back-off or finds
 * lost, besides the NAKs it returns.
 */
#define PGM_RXW_TIMER_WORK	256
/* pgm_rxw_timer() calls (NAK packets) per timer firing, at most. */
#define PGM_RXW_TIMER_CALLS	4
/* Buckets of the back-off timing wheel; they span 2 * NAK_BO_IVL. */
#define PGM_RXW_WHEEL		64
/* Gaps awaiting their back-offs, each with the time it was found. */
#define PGM_RXW_GAPS		16

enum pgm_rxw_state {
	PGM_RXW_EMPTY = 0,	/* not tracked; in the window: missing, no timer yet */
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
 * @prev: previous slot index in the state's list
 * @next: next slot index in the state's list
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
 * struct pgm_rxw_list - a list of slots
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
 * struct pgm_rxw_gap - missing sequences not yet given their back-off
 * @detected: when they were found missing (ns)
 * @end: the sequence after the last of them
 */
struct pgm_rxw_gap {
	u64	detected;
	u32	end;
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
 * @ncf_beyond: NCFs for sequences beyond the lead, ignored
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
	u64	ncf_beyond;
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
 * @trail: oldest sequence the source repairs (RXW_TRAIL)
 * @commit: next sequence to deliver
 * @lead: newest sequence known to exist (RXW_LEAD)
 * @fill: next sequence to give its back-off: those from @fill to @lead
 *	that are EMPTY are missing with no timer yet (the gaps)
 * @lazy: EMPTY slots from @fill to @lead
 * @defined: the first packet has set the edges
 * @drained: pgm_rxw_drain() emptied it: nothing is accepted any more
 * @nak_enabled: NAKs may be sent (an SPM has been seen)
 * @wheel_shift: log2 of a wheel bucket's width (ns); back-off deadlines
 *	are multiples of that width
 * @wheel_now: the first bucket (deadline >> @wheel_shift) not yet due
 * @wheel_map: bit b set: bucket b is not empty
 * @wheel: slots in BACK_OFF by deadline, bucket (deadline >> shift) %
 *	PGM_RXW_WHEEL, for deadlines from @wheel_now on
 * @due: slots in BACK_OFF whose deadline passed, oldest first
 * @n_backoff: slots in BACK_OFF (wheel and due)
 * @wait_ncf: slots in WAIT_NCF, by deadline
 * @wait_data: slots in WAIT_DATA, by deadline
 * @held: slots in HAVE_DATA
 * @gaps: ring of gaps from @fill on, oldest first
 * @gap_head: index of the oldest gap in @gaps
 * @gap_len: gaps in @gaps (0 iff @fill is past @lead)
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
	u32			fill;
	u32			lazy;
	bool			defined;
	bool			drained;
	bool			nak_enabled;
	u8			wheel_shift;
	u64			wheel_now;
	u64			wheel_map;
	struct pgm_rxw_list	wheel[PGM_RXW_WHEEL];
	struct pgm_rxw_list	due;
	u32			n_backoff;
	struct pgm_rxw_list	wait_ncf;
	struct pgm_rxw_list	wait_data;
	struct pgm_rxw_list	held;
	struct pgm_rxw_gap	gaps[PGM_RXW_GAPS];
	u32			gap_head;
	u32			gap_len;
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

#ifndef __KERNEL__
/* Host builds only: slot operations done so far (the unit tests bound
 * the work of each call with it).
 */
extern unsigned long pgm_rxw_work;
#endif

#endif /* _NET_PGM_RXW_H */
