// SPDX-License-Identifier: GPL-2.0
/*
 * PGM receive window and the receiver's NAK state machine
 * (RFC 3208 sections 6.1-6.3). Pure code; see rxw.h.
 *
 * Every call does a bounded amount of work, whatever the window's size
 * and whatever sequence numbers a packet carries: packets are hostile,
 * and one far ahead of the rest must not cost a walk over the window.
 *
 *  - Slots are found by index (sqn & mask). Slots outside commit..lead
 *    are always clean (pop clears each as the delivery point passes), so
 *    moving the lead forward touches no slot.
 *  - A gap is recorded, not walked: the sequences it adds to the window
 *    stay EMPTY ("missing, no timer yet") and the gap's detection time
 *    goes on a small ring. @fill walks those slots in order and gives
 *    each its random back-off, PGM_RXW_ADD_WORK per packet and
 *    PGM_RXW_TIMER_WORK per timer call; a packet or NCF landing in a gap
 *    takes its slot at once. @fill only moves forward, so each sequence
 *    is set up once however the trail and the delivery point move.
 *  - Back-off deadlines sit on a timing wheel (PGM_RXW_WHEEL buckets
 *    spanning twice NAK_BO_IVL, a deadline is a multiple of the bucket
 *    width, 1/30 to 1/15 of NAK_BO_IVL: that much resolution lost)
 *    instead of a sorted list; expired buckets are spliced whole onto a
 *    FIFO of due back-offs. NCF and repair waits are now + a constant, so
 *    their lists stay sorted by appending.
 *  - The trail is a number: a missing sequence behind it is found lost
 *    when it reaches the delivery point or the timer, not by a walk.
 *  - Held packets are on a list of their own: draining costs what is
 *    held.
 *
 * Only the statistics query pgm_rxw_first_pending() and the resize (both
 * process context) walk the window.
 *
 * State machine, per missing sequence (section 6.3):
 *
 *   EMPTY     --its turn, or the timer-->    BACK_OFF
 *   BACK_OFF  --expiry: NAK sent-->          WAIT_NCF
 *   BACK_OFF  --NCF-->                       WAIT_DATA
 *   WAIT_NCF  --NCF-->                       WAIT_DATA
 *   WAIT_NCF  --expiry, ncf retries left-->  BACK_OFF
 *   WAIT_DATA --NCF-->                       WAIT_DATA (timer restarted)
 *   WAIT_DATA --expiry, data retries left--> BACK_OFF
 *   any       --ODATA/RDATA-->               HAVE_DATA
 *   any       --retries exhausted, or the trail passed it--> LOST
 *
 * An NCF for a sequence beyond the lead is ignored (and counted): the
 * source's own ODATA, RDATA and SPMs reveal its losses, and a forged NCF
 * must not create NAK work.
 *
 * Reordering: a sequence found missing waits out the window's reorder
 * estimate before its random back-off starts (RFC 3208 6.3 suggests
 * tolerating reordering before assuming loss). The estimate is a
 * decaying maximum of how late gaps that filled before any NAK were
 * filled, capped at NAK_BO_IVL: a network that does not reorder adds
 * nothing.
 */

#include <linux/errno.h>
#include <linux/string.h>

#include "rxw.h"
#include "seq.h"

#ifndef __KERNEL__
unsigned long pgm_rxw_work;

static inline void rxw_work(unsigned int n)
{
	pgm_rxw_work += n;
}
#else
static inline void rxw_work(unsigned int n)
{
}
#endif

static inline struct pgm_rxw_slot *slot_of(const struct pgm_rxw *w, u32 sqn)
{
	return &w->slots[sqn & w->mask];
}

static inline u32 sqn_of(const struct pgm_rxw *w, u32 idx)
{
	/* Slots in use lie in [commit, commit + capacity). */
	return w->commit + ((idx - w->commit) & w->mask);
}

/* xorshift64*: cheap, good enough to spread back-offs, seeded by the caller. */
static u64 rxw_random(struct pgm_rxw *w)
{
	u64 x = w->rnd;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rnd = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A back-off deadline in (start, start + NAK_BO_IVL), on the wheel's grid. */
static u64 backoff_deadline(struct pgm_rxw *w, u64 start)
{
	u64 ivl = w->params.nak_bo_ivl, g = 1ULL << w->wheel_shift;
	u64 span = ivl > g ? ivl - g : 1;

	if (!ivl)
		return start;
	return (start + 1 + rxw_random(w) % span + g - 1) & ~(g - 1);
}

/* Learn from a gap that filled before it was NAKed: a reorder. */
static void reorder_sample(struct pgm_rxw *w, u64 late)
{
	w->reorder -= w->reorder / 8;
	if (late > w->params.nak_bo_ivl)
		late = w->params.nak_bo_ivl;
	if (late > w->reorder)
		w->reorder = late;
	w->stats.reordered++;
}

static void list_init(struct pgm_rxw_list *l)
{
	l->head = PGM_RXW_NIL;
	l->tail = PGM_RXW_NIL;
	l->len = 0;
}

static void list_del(struct pgm_rxw *w, struct pgm_rxw_list *l, u32 idx)
{
	struct pgm_rxw_slot *s = &w->slots[idx];

	if (s->prev != PGM_RXW_NIL)
		w->slots[s->prev].next = s->next;
	else
		l->head = s->next;
	if (s->next != PGM_RXW_NIL)
		w->slots[s->next].prev = s->prev;
	else
		l->tail = s->prev;
	s->prev = PGM_RXW_NIL;
	s->next = PGM_RXW_NIL;
	l->len--;
}

static void list_append(struct pgm_rxw *w, struct pgm_rxw_list *l, u32 idx)
{
	struct pgm_rxw_slot *s = &w->slots[idx];

	s->prev = l->tail;
	s->next = PGM_RXW_NIL;
	if (l->tail == PGM_RXW_NIL)
		l->head = idx;
	else
		w->slots[l->tail].next = idx;
	l->tail = idx;
	l->len++;
}

/* Insert in deadline order, searching from the tail. The wait lists'
 * deadlines are now + a constant: with a clock that does not go back,
 * the search stops at once.
 */
static void list_insert(struct pgm_rxw *w, struct pgm_rxw_list *l, u32 idx)
{
	struct pgm_rxw_slot *s = &w->slots[idx];
	u32 after = l->tail;

	while (after != PGM_RXW_NIL && w->slots[after].deadline > s->deadline) {
		after = w->slots[after].prev;
		rxw_work(1);
	}
	if (after == l->tail) {
		list_append(w, l, idx);
		return;
	}
	s->prev = after;
	if (after == PGM_RXW_NIL) {
		s->next = l->head;
		l->head = idx;
	} else {
		s->next = w->slots[after].next;
		w->slots[after].next = idx;
	}
	w->slots[s->next].prev = idx;
	l->len++;
}

/* Append list @from to list @to, emptying @from. */
static void list_splice(struct pgm_rxw *w, struct pgm_rxw_list *from,
			struct pgm_rxw_list *to)
{
	if (from->head == PGM_RXW_NIL)
		return;
	if (to->tail == PGM_RXW_NIL) {
		to->head = from->head;
	} else {
		w->slots[to->tail].next = from->head;
		w->slots[from->head].prev = to->tail;
	}
	to->tail = from->tail;
	to->len += from->len;
	list_init(from);
}

static inline u64 ror64(u64 x, unsigned int r)
{
	r &= 63;
	return r ? x >> r | x << (64 - r) : x;
}

/* The list a BACK_OFF slot with @deadline is on. */
static struct pgm_rxw_list *backoff_list(struct pgm_rxw *w, u64 deadline)
{
	u64 b = deadline >> w->wheel_shift;

	if (b < w->wheel_now)
		return &w->due;
	return &w->wheel[b % PGM_RXW_WHEEL];
}

/* Move every bucket due at @now (deadline <= @now) to the due list:
 * at most PGM_RXW_WHEEL splices, each bucket once.
 */
static void wheel_advance(struct pgm_rxw *w, u64 now)
{
	u64 to = (now >> w->wheel_shift) + 1, n = to - w->wheel_now, m;
	unsigned int off;

	if (to <= w->wheel_now)
		return;
	m = ror64(w->wheel_map, w->wheel_now % PGM_RXW_WHEEL);
	if (n < PGM_RXW_WHEEL)
		m &= (1ULL << n) - 1;
	while (m) {
		off = __builtin_ctzll(m);
		m &= m - 1;
		off = (w->wheel_now + off) % PGM_RXW_WHEEL;
		list_splice(w, &w->wheel[off], &w->due);
		w->wheel_map &= ~(1ULL << off);
		rxw_work(1);
	}
	w->wheel_now = to;
}

/* The list a slot's state puts it on, or NULL. */
static struct pgm_rxw_list *list_of(struct pgm_rxw *w,
				    const struct pgm_rxw_slot *s)
{
	switch (s->state) {
	case PGM_RXW_BACK_OFF:
		return backoff_list(w, s->deadline);
	case PGM_RXW_WAIT_NCF:
		return &w->wait_ncf;
	case PGM_RXW_WAIT_DATA:
		return &w->wait_data;
	case PGM_RXW_HAVE_DATA:
		return &w->held;
	default:
		return NULL;
	}
}

static bool is_bucket(const struct pgm_rxw *w, const struct pgm_rxw_list *l)
{
	return l >= w->wheel && l < w->wheel + PGM_RXW_WHEEL;
}

/* Move a slot to @state, with @deadline for the timer states. */
static void set_state(struct pgm_rxw *w, u32 idx, u8 state, u64 deadline)
{
	struct pgm_rxw_slot *s = &w->slots[idx];
	struct pgm_rxw_list *l = list_of(w, s);

	if (l) {
		list_del(w, l, idx);
		if (is_bucket(w, l) && l->head == PGM_RXW_NIL)
			w->wheel_map &= ~(1ULL << (l - w->wheel));
	}
	if (s->state == PGM_RXW_BACK_OFF)
		w->n_backoff--;

	s->state = state;
	s->deadline = deadline;
	l = list_of(w, s);
	if (!l)
		return;
	switch (state) {
	case PGM_RXW_BACK_OFF:
		w->n_backoff++;
		if (is_bucket(w, l))
			w->wheel_map |= 1ULL << (l - w->wheel);
		list_append(w, l, idx);
		break;
	case PGM_RXW_HAVE_DATA:
		list_append(w, l, idx);
		break;
	default:
		list_insert(w, l, idx);
		break;
	}
}

static bool is_missing(u8 state)
{
	return state == PGM_RXW_BACK_OFF || state == PGM_RXW_WAIT_NCF ||
	       state == PGM_RXW_WAIT_DATA;
}

static void mark_lost(struct pgm_rxw *w, u32 idx, bool trail)
{
	set_state(w, idx, PGM_RXW_LOST, 0);
	w->slots[idx].data = NULL;
	w->stats.lost++;
	if (trail)
		w->stats.lost_trail++;
}

/* Clear a slot the delivery point passed: outside the window, all clean. */
static void clear_slot(struct pgm_rxw *w, u32 idx)
{
	struct pgm_rxw_slot *s = &w->slots[idx];

	set_state(w, idx, PGM_RXW_EMPTY, 0);
	s->data = NULL;
	s->detected = 0;
	s->ncf_retries = 0;
	s->data_retries = 0;
}

/* When the gap holding @sqn (from @fill to @lead) was found. */
static u64 gap_detected(const struct pgm_rxw *w, u32 sqn)
{
	u32 i;

	for (i = 0; i < w->gap_len; i++) {
		const struct pgm_rxw_gap *g =
			&w->gaps[(w->gap_head + i) % PGM_RXW_GAPS];

		rxw_work(1);
		if (pgm_seq_before(sqn, g->end))
			return g->detected;
	}
	return 0;
}

/* The lead moved to @lead at @now: record what it added. @missing: the
 * added sequences include some not at hand (else the record only keeps
 * the gaps contiguous and its time does not matter).
 */
static void gap_push(struct pgm_rxw *w, u32 lead, bool missing, u64 now)
{
	struct pgm_rxw_gap *last = NULL;

	if (w->gap_len)
		last = &w->gaps[(w->gap_head + w->gap_len - 1) % PGM_RXW_GAPS];
	if (last && (!missing || last->detected == now ||
		     w->gap_len == PGM_RXW_GAPS)) {
		/* Full: merged gaps take the later time (a later NAK, never
		 * an earlier one than the reorder wait allows).
		 */
		if (missing && now > last->detected)
			last->detected = now;
		last->end = lead + 1;
		return;
	}
	last = &w->gaps[(w->gap_head + w->gap_len++) % PGM_RXW_GAPS];
	last->end = lead + 1;
	last->detected = now;
}

/* @fill moves past one sequence. */
static void fill_next(struct pgm_rxw *w)
{
	w->fill++;
	if (w->gap_len && w->gaps[w->gap_head].end == w->fill) {
		w->gap_head = (w->gap_head + 1) % PGM_RXW_GAPS;
		w->gap_len--;
	}
}

/* Give up to @budget gap slots their back-off (those the trail passed
 * stay EMPTY: the delivery point finds them lost). Return: the budget
 * left.
 */
static unsigned int fill_gaps(struct pgm_rxw *w, unsigned int budget)
{
	while (budget && w->gap_len) {
		const struct pgm_rxw_gap *g = &w->gaps[w->gap_head];
		u32 sqn = w->fill, idx = sqn & w->mask;
		struct pgm_rxw_slot *s = &w->slots[idx];

		budget--;
		rxw_work(1);
		if (s->state == PGM_RXW_EMPTY) {
			w->lazy--;
			if (!pgm_seq_before(sqn, w->trail)) {
				s->detected = g->detected;
				set_state(w, idx, PGM_RXW_BACK_OFF,
					  backoff_deadline(w, g->detected +
							   w->reorder));
			}
		}
		fill_next(w);
	}
	return budget;
}

/**
 * pgm_rxw_init() - set up an empty window
 * @w: the window
 * @slots: storage for @capacity slots, owned by the caller
 * @capacity: the most sequences the window may span, a power of two
 * @params: NAK timers and retry limits
 * @seed: seed of the back-off random generator
 */
void pgm_rxw_init(struct pgm_rxw *w, struct pgm_rxw_slot *slots,
		  u32 capacity, const struct pgm_rxw_params *params, u64 seed)
{
	u32 i;

	memset(w, 0, sizeof(*w));
	w->slots = slots;
	w->mask = capacity - 1;
	w->params = *params;
	w->rnd = seed | 1;
	/* A back-off lands at most 2 * NAK_BO_IVL ahead (the reorder wait
	 * and the random part, each at most NAK_BO_IVL), plus rounding: the
	 * wheel spans that with a few buckets to spare.
	 */
	while (((u64)(PGM_RXW_WHEEL - 4) << w->wheel_shift) <
	       2 * params->nak_bo_ivl)
		w->wheel_shift++;
	for (i = 0; i < PGM_RXW_WHEEL; i++)
		list_init(&w->wheel[i]);
	list_init(&w->due);
	list_init(&w->wait_ncf);
	list_init(&w->wait_data);
	list_init(&w->held);
	for (i = 0; i < capacity; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].prev = PGM_RXW_NIL;
		slots[i].next = PGM_RXW_NIL;
	}
}

/**
 * pgm_rxw_capacity() - the most sequences the window can span
 * @w: the window
 *
 * Return: the capacity given to pgm_rxw_init().
 */
u32 pgm_rxw_capacity(const struct pgm_rxw *w)
{
	return w->mask + 1;
}

/* Re-link list @l of the old slots into the same list of the new ones. */
static void relink(struct pgm_rxw *w, struct pgm_rxw_slot *old, u32 old_mask,
		   struct pgm_rxw_list *l)
{
	u32 idx = l->head, n = l->len;

	list_init(l);
	while (n--) {
		u32 sqn = w->commit + ((idx - w->commit) & old_mask);
		u32 next = old[idx].next;

		list_append(w, l, sqn & w->mask);
		idx = next;
		rxw_work(1);
	}
}

/**
 * pgm_rxw_resize() - move the window to larger storage
 * @w: the window
 * @slots: storage for @capacity slots
 * @capacity: the new capacity, a power of two, not smaller than the old
 *
 * Everything tracked keeps its state, its packet and its deadline.
 *
 * Context: walks the window: process context.
 * Return: the old storage, for the caller to free.
 */
struct pgm_rxw_slot *pgm_rxw_resize(struct pgm_rxw *w,
				    struct pgm_rxw_slot *slots, u32 capacity)
{
	struct pgm_rxw_slot *old = w->slots;
	u32 old_mask = w->mask, i, sqn;

	for (i = 0; i < capacity; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].prev = PGM_RXW_NIL;
		slots[i].next = PGM_RXW_NIL;
	}
	w->slots = slots;
	w->mask = capacity - 1;
	if (w->defined) {
		for (sqn = w->commit; !pgm_seq_after(sqn, w->lead); sqn++) {
			const struct pgm_rxw_slot *o = &old[sqn & old_mask];
			struct pgm_rxw_slot *n = &slots[sqn & w->mask];

			n->data = o->data;
			n->deadline = o->deadline;
			n->detected = o->detected;
			n->state = o->state;
			n->ncf_retries = o->ncf_retries;
			n->data_retries = o->data_retries;
		}
	}
	for (i = 0; i < PGM_RXW_WHEEL; i++)
		relink(w, old, old_mask, &w->wheel[i]);
	relink(w, old, old_mask, &w->due);
	relink(w, old, old_mask, &w->wait_ncf);
	relink(w, old, old_mask, &w->wait_data);
	relink(w, old, old_mask, &w->held);
	return old;
}

/**
 * pgm_rxw_define() - place the window's start
 * @w: the window, not yet defined
 * @first: the first sequence the receiver wants (RXW_TRAIL_INIT): the
 *	first data packet seen, or the late-join minimum
 *
 * A window pgm_rxw_drain() emptied stays undefined.
 */
void pgm_rxw_define(struct pgm_rxw *w, u32 first)
{
	if (w->drained)
		return;
	w->trail = first;
	w->commit = first;
	w->lead = first - 1;
	w->fill = first;
	w->defined = true;
}

/* Extend the lead to @lead (after the current one). The new sequences
 * are EMPTY, so missing: the gap is recorded and fill_gaps() gives them
 * their back-off. @present: @lead's packet is at hand (the caller takes
 * its slot). Return: false if that would exceed the capacity.
 */
static bool extend_lead(struct pgm_rxw *w, u32 lead, bool present, u64 now)
{
	if (lead - w->commit > w->mask) {
		w->stats.window_overflow++;
		return false;
	}
	gap_push(w, lead, !present || lead - w->lead > 1, now);
	w->lazy += lead - w->lead;
	w->lead = lead;
	return true;
}

/**
 * pgm_rxw_add() - a data packet (ODATA or RDATA) arrived
 * @w: the window
 * @sqn: its data sequence number
 * @data: the packet, opaque to the window
 * @now: the time, ns
 * @repair: an RDATA (does not teach the reorder estimate)
 *
 * Defines the window at @sqn if nothing did yet. Every sequence between
 * the old lead and @sqn becomes missing and gets its NAK back-off (up to
 * PGM_RXW_ADD_WORK of them now, the rest later).
 *
 * Return: an enum pgm_rxw_add_result; the window keeps @data only on
 * PGM_RXW_ADDED.
 */
int pgm_rxw_add(struct pgm_rxw *w, u32 sqn, void *data, u64 now, bool repair)
{
	struct pgm_rxw_slot *s;
	u64 detected;

	if (!w->defined)
		pgm_rxw_define(w, sqn);
	if (!w->defined || pgm_seq_before(sqn, w->commit) ||
	    pgm_seq_before(sqn, w->trail)) {
		w->stats.behind++;
		return PGM_RXW_BEHIND;
	}
	wheel_advance(w, now);
	s = slot_of(w, sqn);
	if (!pgm_seq_after(sqn, w->lead)) {
		if (s->state == PGM_RXW_HAVE_DATA) {
			w->stats.dups++;
			return PGM_RXW_DUPLICATE;
		}
		if (s->state == PGM_RXW_LOST) {
			w->stats.behind++;
			return PGM_RXW_BEHIND;
		}
		/* Missing: with a timer, or in a gap not set up yet (behind
		 * @fill an EMPTY slot is behind the trail: refused above).
		 */
		w->stats.recovered++;
		if (s->state == PGM_RXW_EMPTY) {
			w->lazy--;
			detected = gap_detected(w, sqn);
		} else {
			detected = s->detected;
		}
		if (!repair && (s->state == PGM_RXW_EMPTY ||
				s->state == PGM_RXW_BACK_OFF) &&
		    !s->ncf_retries && !s->data_retries && now >= detected)
			reorder_sample(w, now - detected);
	} else {
		if (!extend_lead(w, sqn, true, now))
			return PGM_RXW_OVERFLOW;
		w->lazy--;	/* @sqn's slot is EMPTY and taken now */
	}
	s->data = data;
	set_state(w, sqn & w->mask, PGM_RXW_HAVE_DATA, 0);
	fill_gaps(w, PGM_RXW_ADD_WORK);
	return PGM_RXW_ADDED;
}

/**
 * pgm_rxw_update_lead() - the source advertised its leading edge (SPM)
 * @w: the window
 * @lead: SPM_LEAD, the newest sequence sent
 * @now: the time, ns
 *
 * Sequences up to @lead that never arrived become missing. Ignored
 * before the window is defined: a receiver starts at data, not at SPMs.
 *
 * Return: 0, or -ENOBUFS if @lead lies beyond the capacity (the
 * receiver has fallen too far behind).
 */
int pgm_rxw_update_lead(struct pgm_rxw *w, u32 lead, u64 now)
{
	if (!w->defined || !pgm_seq_after(lead, w->lead))
		return 0;
	wheel_advance(w, now);
	if (!extend_lead(w, lead, false, now))
		return -ENOBUFS;
	fill_gaps(w, PGM_RXW_ADD_WORK);
	return 0;
}

/**
 * pgm_rxw_update_trail() - the source advertised its trailing edge
 * @w: the window
 * @trail: the oldest sequence the source can still repair
 *
 * Missing sequences before @trail are lost: found so when they reach the
 * delivery point (pgm_rxw_pop()) or the timer, not here. Held data stays
 * deliverable.
 */
void pgm_rxw_update_trail(struct pgm_rxw *w, u32 trail)
{
	if (!w->defined || !pgm_seq_after(trail, w->trail))
		return;
	w->trail = trail;
}

/**
 * pgm_rxw_ncf() - an NCF confirmed a NAK for @sqn
 * @w: the window
 * @sqn: the confirmed sequence
 * @now: the time, ns
 *
 * A matching NCF suppresses our own NAK (another receiver asked first) or
 * confirms it; either way the repair is now awaited. An NCF beyond the
 * lead is ignored and counted: it must not make the window grow (nor NAK
 * anything); the source's data and SPMs reveal its losses.
 */
void pgm_rxw_ncf(struct pgm_rxw *w, u32 sqn, u64 now)
{
	struct pgm_rxw_slot *s;

	if (!w->defined || pgm_seq_before(sqn, w->commit))
		return;
	if (pgm_seq_after(sqn, w->lead)) {
		w->stats.ncf_beyond++;
		return;
	}
	s = slot_of(w, sqn);
	if (s->state == PGM_RXW_EMPTY) {
		/* In a gap not set up yet; behind @fill: behind the trail. */
		if (pgm_seq_before(sqn, w->fill))
			return;
		w->lazy--;
		s->detected = gap_detected(w, sqn);
	} else if (!is_missing(s->state)) {
		return;
	}
	if (s->state != PGM_RXW_WAIT_DATA)
		w->stats.ncfs++;
	set_state(w, sqn & w->mask, PGM_RXW_WAIT_DATA,
		  now + w->params.nak_rdata_ivl);
}

/**
 * pgm_rxw_enable_naks() - allow NAKs (RFC 3208 6.1: not before an SPM)
 * @w: the window
 * @now: the time, ns
 *
 * Back-offs that expired while NAKs were held back are due at once (they
 * wait on the due list).
 */
void pgm_rxw_enable_naks(struct pgm_rxw *w, u64 now)
{
	w->nak_enabled = true;
}

/**
 * pgm_rxw_pop() - take what is at the delivery point
 * @w: the window
 * @data: the packet, on PGM_RXW_DATA
 * @sqn: the sequence delivered or lost
 *
 * Return: an enum pgm_rxw_pop_result. Data comes out in sequence order,
 * each sequence once; an unrecoverable sequence (its retries ran out, or
 * the trail passed it missing) is reported once, in its place.
 */
int pgm_rxw_pop(struct pgm_rxw *w, void **data, u32 *sqn)
{
	struct pgm_rxw_slot *s;
	u32 idx;
	int r;

	if (!w->defined || pgm_seq_after(w->commit, w->lead))
		return PGM_RXW_NONE;

	idx = w->commit & w->mask;
	s = &w->slots[idx];
	*sqn = w->commit;
	rxw_work(1);
	if (s->state == PGM_RXW_HAVE_DATA) {
		*data = s->data;
		r = PGM_RXW_DATA;
	} else if (s->state == PGM_RXW_LOST) {
		r = PGM_RXW_UNRECOVERABLE;
	} else if (pgm_seq_before(w->commit, w->trail)) {
		/* Missing, and the source no longer repairs it. */
		if (s->state == PGM_RXW_EMPTY &&
		    !pgm_seq_before(w->commit, w->fill))
			w->lazy--;
		mark_lost(w, idx, true);
		r = PGM_RXW_UNRECOVERABLE;
	} else {
		return PGM_RXW_NONE;
	}
	clear_slot(w, idx);
	w->commit++;
	if (pgm_seq_before(w->fill, w->commit))
		fill_next(w);
	return r;
}

static u64 head_deadline(const struct pgm_rxw *w, const struct pgm_rxw_list *l)
{
	return l->head == PGM_RXW_NIL ? 0 : w->slots[l->head].deadline;
}

static u64 earliest(u64 a, u64 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* When back-offs are due next: the due list now, else the first bucket,
 * and gaps not set up yet once their reorder wait is over.
 */
static u64 backoff_next(const struct pgm_rxw *w)
{
	u64 t = 0, m;

	if (w->due.head != PGM_RXW_NIL) {
		t = w->slots[w->due.head].deadline | 1;
	} else if (w->wheel_map) {
		m = ror64(w->wheel_map, w->wheel_now % PGM_RXW_WHEEL);
		t = (w->wheel_now + __builtin_ctzll(m)) << w->wheel_shift;
		t |= !t;
	}
	if (w->gap_len)
		t = earliest(t, w->gaps[w->gap_head].detected + w->reorder + 1);
	return t;
}

/**
 * pgm_rxw_next_deadline() - when pgm_rxw_timer() has work next
 * @w: the window
 *
 * Return: the earliest deadline in ns (in the past if work is due now),
 * or 0 if nothing is pending.
 */
u64 pgm_rxw_next_deadline(const struct pgm_rxw *w)
{
	u64 t = earliest(head_deadline(w, &w->wait_ncf),
			 head_deadline(w, &w->wait_data));

	if (w->nak_enabled)
		t = earliest(t, backoff_next(w));
	return t;
}

/* A repeat timed out: back off again, or give up after @limit (or at
 * once if the trail passed it).
 */
static void retry(struct pgm_rxw *w, u32 idx, u8 *count, u8 limit, u64 now)
{
	if (pgm_seq_before(sqn_of(w, idx), w->trail))
		mark_lost(w, idx, true);
	else if (++*count > limit)
		mark_lost(w, idx, false);
	else
		set_state(w, idx, PGM_RXW_BACK_OFF, backoff_deadline(w, now));
}

/* Order NAK sequences oldest first (relative to the delivery point). */
static void sort_naks(const struct pgm_rxw *w, u32 *naks, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		u32 v = naks[i];

		for (j = i; j > 0 && naks[j - 1] - w->commit > v - w->commit; j--)
			naks[j] = naks[j - 1];
		naks[j] = v;
	}
}

/**
 * pgm_rxw_timer() - run the NAK state machine up to @now
 * @w: the window
 * @now: the time, ns
 * @naks: filled with the sequences to NAK now, oldest first
 * @max: room in @naks (a NAK carries at most 63)
 * @n: number of sequences written to @naks
 *
 * Expired waits go back to back-off or, out of retries, become lost;
 * gaps get their back-offs; expired back-offs become NAKs (and wait for
 * an NCF). One call handles at most PGM_RXW_TIMER_WORK slots besides the
 * @max NAKs: what is left stays due, and the returned deadline says so.
 *
 * Return: the next deadline in ns (@now or earlier if more is due), or 0
 * if nothing is pending.
 */
u64 pgm_rxw_timer(struct pgm_rxw *w, u64 now, u32 *naks, unsigned int max,
		  unsigned int *n)
{
	unsigned int work = PGM_RXW_TIMER_WORK;
	u32 idx;

	*n = 0;
	if (!w->defined)
		return pgm_rxw_next_deadline(w);
	wheel_advance(w, now);
	while (work && (idx = w->wait_ncf.head) != PGM_RXW_NIL &&
	       w->slots[idx].deadline <= now) {
		work--;
		rxw_work(1);
		retry(w, idx, &w->slots[idx].ncf_retries,
		      w->params.nak_ncf_retries, now);
	}
	while (work && (idx = w->wait_data.head) != PGM_RXW_NIL &&
	       w->slots[idx].deadline <= now) {
		work--;
		rxw_work(1);
		retry(w, idx, &w->slots[idx].data_retries,
		      w->params.nak_data_retries, now);
	}
	if (w->nak_enabled) {
		work = fill_gaps(w, work);
		/* Back-offs set up just now may be due already. */
		wheel_advance(w, now);
	}
	while (w->nak_enabled && *n < max &&
	       (idx = w->due.head) != PGM_RXW_NIL) {
		u32 sqn = sqn_of(w, idx);

		rxw_work(1);
		if (pgm_seq_before(sqn, w->trail)) {
			if (!work)
				break;
			work--;
			mark_lost(w, idx, true);
			continue;
		}
		naks[(*n)++] = sqn;
		set_state(w, idx, PGM_RXW_WAIT_NCF, now + w->params.nak_rpt_ivl);
	}
	w->stats.naks += *n;
	sort_naks(w, naks, *n);
	return pgm_rxw_next_deadline(w);
}

/**
 * pgm_rxw_drain() - take back the packets the window still holds
 * @w: the window
 *
 * Call until it returns NULL to free everything before discarding the
 * window. Costs what is held, not the window's span: the slots of
 * missing sequences are not cleaned, so the window is left undefined and
 * refuses everything (pgm_rxw_init() makes it usable again).
 *
 * Return: a held packet, or NULL when none is left.
 */
void *pgm_rxw_drain(struct pgm_rxw *w)
{
	u32 idx = w->held.head, i;
	void *data;

	if (idx != PGM_RXW_NIL) {
		data = w->slots[idx].data;
		set_state(w, idx, PGM_RXW_EMPTY, 0);
		w->slots[idx].data = NULL;
		rxw_work(1);
		return data;
	}
	if (w->defined) {
		for (i = 0; i < PGM_RXW_WHEEL; i++)
			list_init(&w->wheel[i]);
		w->wheel_map = 0;
		list_init(&w->due);
		list_init(&w->wait_ncf);
		list_init(&w->wait_data);
		w->n_backoff = 0;
		w->gap_len = 0;
		w->lazy = 0;
		w->defined = false;
		w->drained = true;
	}
	return NULL;
}

/**
 * pgm_rxw_pending() - missing sequences with a NAK not yet confirmed
 * @w: the window
 *
 * Return: slots in BACK_OFF or WAIT_NCF, and those in gaps not set up
 * yet.
 */
u32 pgm_rxw_pending(const struct pgm_rxw *w)
{
	return w->n_backoff + w->lazy + w->wait_ncf.len;
}

/**
 * pgm_rxw_first_pending() - the oldest missing sequence
 * @w: the window
 *
 * Walks the window: for statistics, not for the data path.
 *
 * Return: its sequence number, or the delivery point if none is missing.
 */
u32 pgm_rxw_first_pending(const struct pgm_rxw *w)
{
	u32 sqn;

	if (!w->defined)
		return 0;
	for (sqn = w->commit; !pgm_seq_after(sqn, w->lead); sqn++) {
		u8 state = w->slots[sqn & w->mask].state;

		if (state == PGM_RXW_EMPTY || is_missing(state))
			return sqn;
	}
	return w->commit;
}
