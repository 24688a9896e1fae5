// SPDX-License-Identifier: GPL-2.0
/*
 * PGM receive window and the receiver's NAK state machine
 * (RFC 3208 sections 6.1-6.3). Pure code; see rxw.h.
 *
 * Every operation is O(1) per sequence number it touches: slots are
 * found by index (sqn & mask) and the missing ones sit on three timer
 * lists ordered by deadline, so neither a packet nor a timer ever scans
 * the window. Only the statistics query pgm_rxw_first_pending() walks.
 *
 * State machine, per missing sequence (section 6.3):
 *
 *   BACK_OFF  --expiry: NAK sent-->          WAIT_NCF
 *   BACK_OFF  --NCF-->                       WAIT_DATA
 *   WAIT_NCF  --NCF-->                       WAIT_DATA
 *   WAIT_NCF  --expiry, ncf retries left-->  BACK_OFF
 *   WAIT_DATA --NCF-->                       WAIT_DATA (timer restarted)
 *   WAIT_DATA --expiry, data retries left--> BACK_OFF
 *   any       --ODATA/RDATA-->               HAVE_DATA
 *   any       --retries exhausted, or the trail passed it--> LOST
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

static u64 backoff_deadline(struct pgm_rxw *w, u64 now)
{
	u64 ivl = w->params.nak_bo_ivl;

	return ivl ? now + 1 + rxw_random(w) % ivl : now;
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

/* Insert in deadline order, searching from the tail: WAIT_NCF and
 * WAIT_DATA deadlines are now + a constant, so they always append; random
 * back-offs land near the tail.
 */
static void list_insert(struct pgm_rxw *w, struct pgm_rxw_list *l, u32 idx)
{
	struct pgm_rxw_slot *s = &w->slots[idx];
	u32 after = l->tail;

	while (after != PGM_RXW_NIL && w->slots[after].deadline > s->deadline)
		after = w->slots[after].prev;

	s->prev = after;
	if (after == PGM_RXW_NIL) {
		s->next = l->head;
		l->head = idx;
	} else {
		s->next = w->slots[after].next;
		w->slots[after].next = idx;
	}
	if (s->next != PGM_RXW_NIL)
		w->slots[s->next].prev = idx;
	else
		l->tail = idx;
	l->len++;
}

static struct pgm_rxw_list *list_of(struct pgm_rxw *w, u8 state)
{
	switch (state) {
	case PGM_RXW_BACK_OFF:
		return &w->backoff;
	case PGM_RXW_WAIT_NCF:
		return &w->wait_ncf;
	case PGM_RXW_WAIT_DATA:
		return &w->wait_data;
	default:
		return NULL;
	}
}

/* Move a slot to @state, with @deadline for the timer states. */
static void set_state(struct pgm_rxw *w, u32 idx, u8 state, u64 deadline)
{
	struct pgm_rxw_slot *s = &w->slots[idx];
	struct pgm_rxw_list *l = list_of(w, s->state);

	if (l)
		list_del(w, l, idx);
	else if (s->state == PGM_RXW_HAVE_DATA)
		w->held--;

	s->state = state;
	s->deadline = deadline;
	l = list_of(w, state);
	if (l)
		list_insert(w, l, idx);
	else if (state == PGM_RXW_HAVE_DATA)
		w->held++;
}

static bool is_missing(u8 state)
{
	return state == PGM_RXW_BACK_OFF || state == PGM_RXW_WAIT_NCF ||
	       state == PGM_RXW_WAIT_DATA;
}

static void mark_lost(struct pgm_rxw *w, u32 idx)
{
	set_state(w, idx, PGM_RXW_LOST, 0);
	w->slots[idx].data = NULL;
	w->stats.lost++;
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
	list_init(&w->backoff);
	list_init(&w->wait_ncf);
	list_init(&w->wait_data);
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
		u32 nidx = sqn & w->mask;

		/* Deadline order is kept: append at the tail. */
		w->slots[nidx].prev = l->tail;
		w->slots[nidx].next = PGM_RXW_NIL;
		if (l->tail == PGM_RXW_NIL)
			l->head = nidx;
		else
			w->slots[l->tail].next = nidx;
		l->tail = nidx;
		l->len++;
		idx = next;
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
	relink(w, old, old_mask, &w->backoff);
	relink(w, old, old_mask, &w->wait_ncf);
	relink(w, old, old_mask, &w->wait_data);
	return old;
}

/**
 * pgm_rxw_define() - place the window's start
 * @w: the window, not yet defined
 * @first: the first sequence the receiver wants (RXW_TRAIL_INIT): the
 *	first data packet seen, or the late-join minimum
 */
void pgm_rxw_define(struct pgm_rxw *w, u32 first)
{
	w->trail = first;
	w->commit = first;
	w->lead = first - 1;
	w->defined = true;
}

/* Extend the lead to @lead. Every new sequence before @lead starts its
 * back-off; @lead itself too unless @present (its packet is at hand).
 * Return: false if that would exceed the capacity.
 */
static bool extend_lead(struct pgm_rxw *w, u32 lead, bool present, u64 now)
{
	u32 sqn;

	if (!pgm_seq_after(lead, w->lead))
		return true;
	if (lead - w->commit > w->mask) {
		w->stats.window_overflow++;
		return false;
	}
	for (sqn = w->lead + 1; sqn != lead + 1; sqn++) {
		struct pgm_rxw_slot *s = slot_of(w, sqn);

		s->ncf_retries = 0;
		s->data_retries = 0;
		s->data = NULL;
		s->state = PGM_RXW_EMPTY;
		s->detected = now;
		if (sqn != lead || !present)
			set_state(w, sqn & w->mask, PGM_RXW_BACK_OFF,
				  backoff_deadline(w, now + w->reorder));
	}
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
 * the old lead and @sqn becomes missing and starts its NAK back-off.
 *
 * Return: an enum pgm_rxw_add_result; the window keeps @data only on
 * PGM_RXW_ADDED.
 */
int pgm_rxw_add(struct pgm_rxw *w, u32 sqn, void *data, u64 now, bool repair)
{
	struct pgm_rxw_slot *s;

	if (!w->defined)
		pgm_rxw_define(w, sqn);

	if (pgm_seq_before(sqn, w->commit) || pgm_seq_before(sqn, w->trail)) {
		w->stats.behind++;
		return PGM_RXW_BEHIND;
	}
	s = slot_of(w, sqn);
	if (pgm_seq_after(sqn, w->lead)) {
		if (!extend_lead(w, sqn, true, now))
			return PGM_RXW_OVERFLOW;
	} else if (s->state == PGM_RXW_HAVE_DATA) {
		w->stats.dups++;
		return PGM_RXW_DUPLICATE;
	} else if (s->state == PGM_RXW_LOST) {
		w->stats.behind++;
		return PGM_RXW_BEHIND;
	}
	if (!pgm_seq_after(sqn, w->lead) && s->state != PGM_RXW_EMPTY) {
		w->stats.recovered++;
		if (!repair && s->state == PGM_RXW_BACK_OFF &&
		    !s->ncf_retries && !s->data_retries && now >= s->detected)
			reorder_sample(w, now - s->detected);
	}
	s->data = data;
	set_state(w, sqn & w->mask, PGM_RXW_HAVE_DATA, 0);
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
	if (!w->defined)
		return 0;
	return extend_lead(w, lead, false, now) ? 0 : -ENOBUFS;
}

/**
 * pgm_rxw_update_trail() - the source advertised its trailing edge
 * @w: the window
 * @trail: the oldest sequence the source can still repair
 *
 * Missing sequences before @trail are lost. Held data stays deliverable.
 */
void pgm_rxw_update_trail(struct pgm_rxw *w, u32 trail)
{
	u32 sqn;

	if (!w->defined || !pgm_seq_after(trail, w->trail))
		return;
	w->trail = trail;
	for (sqn = w->commit; pgm_seq_before(sqn, trail) &&
	     !pgm_seq_after(sqn, w->lead); sqn++) {
		if (is_missing(slot_of(w, sqn)->state)) {
			mark_lost(w, sqn & w->mask);
			w->stats.lost_trail++;
		}
	}
}

/**
 * pgm_rxw_ncf() - an NCF confirmed a NAK for @sqn
 * @w: the window
 * @sqn: the confirmed sequence
 * @now: the time, ns
 *
 * An NCF for a sequence not yet seen also reveals its loss. A matching
 * NCF suppresses our own NAK (another receiver asked first) or confirms
 * it; either way the repair is now awaited.
 */
void pgm_rxw_ncf(struct pgm_rxw *w, u32 sqn, u64 now)
{
	struct pgm_rxw_slot *s;

	if (!w->defined || pgm_seq_before(sqn, w->commit))
		return;
	if (pgm_seq_after(sqn, w->lead) && !extend_lead(w, sqn, false, now))
		return;
	s = slot_of(w, sqn);
	if (!is_missing(s->state))
		return;
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
 * Back-offs that expired while NAKs were held back restart from now.
 */
void pgm_rxw_enable_naks(struct pgm_rxw *w, u64 now)
{
	u32 idx;

	if (w->nak_enabled)
		return;
	w->nak_enabled = true;
	for (idx = w->backoff.head; idx != PGM_RXW_NIL;
	     idx = w->slots[idx].next) {
		if (w->slots[idx].deadline < now)
			w->slots[idx].deadline = now;
	}
}

/**
 * pgm_rxw_pop() - take what is at the delivery point
 * @w: the window
 * @data: the packet, on PGM_RXW_DATA
 * @sqn: the sequence delivered or lost
 *
 * Return: an enum pgm_rxw_pop_result. Data comes out in sequence order,
 * each sequence once; an unrecoverable sequence is reported once, in its
 * place.
 */
int pgm_rxw_pop(struct pgm_rxw *w, void **data, u32 *sqn)
{
	struct pgm_rxw_slot *s;
	u32 idx;

	if (!w->defined || pgm_seq_after(w->commit, w->lead))
		return PGM_RXW_NONE;

	idx = w->commit & w->mask;
	s = &w->slots[idx];
	*sqn = w->commit;
	if (s->state == PGM_RXW_HAVE_DATA) {
		*data = s->data;
		s->data = NULL;
		set_state(w, idx, PGM_RXW_EMPTY, 0);
		w->commit++;
		return PGM_RXW_DATA;
	}
	if (s->state == PGM_RXW_LOST) {
		set_state(w, idx, PGM_RXW_EMPTY, 0);
		w->commit++;
		return PGM_RXW_UNRECOVERABLE;
	}
	return PGM_RXW_NONE;
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

/**
 * pgm_rxw_next_deadline() - when pgm_rxw_timer() has work next
 * @w: the window
 *
 * Return: the earliest deadline in ns, or 0 if nothing is pending.
 */
u64 pgm_rxw_next_deadline(const struct pgm_rxw *w)
{
	u64 t = earliest(head_deadline(w, &w->wait_ncf),
			 head_deadline(w, &w->wait_data));

	if (w->nak_enabled)
		t = earliest(t, head_deadline(w, &w->backoff));
	return t;
}

/* A repeat timed out: back off again, or give up after @limit. */
static void retry(struct pgm_rxw *w, u32 idx, u8 *count, u8 limit, u64 now)
{
	if (++*count > limit)
		mark_lost(w, idx);
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
 * Expired back-offs become NAKs (and wait for an NCF); expired waits go
 * back to back-off or, out of retries, become lost. When @naks fills up
 * the remaining expired back-offs stay due: call again.
 *
 * Return: the next deadline in ns (possibly @now if more NAKs are due),
 * or 0 if nothing is pending.
 */
u64 pgm_rxw_timer(struct pgm_rxw *w, u64 now, u32 *naks, unsigned int max,
		  unsigned int *n)
{
	u32 idx;

	*n = 0;
	while ((idx = w->wait_ncf.head) != PGM_RXW_NIL &&
	       w->slots[idx].deadline <= now)
		retry(w, idx, &w->slots[idx].ncf_retries,
		      w->params.nak_ncf_retries, now);
	while ((idx = w->wait_data.head) != PGM_RXW_NIL &&
	       w->slots[idx].deadline <= now)
		retry(w, idx, &w->slots[idx].data_retries,
		      w->params.nak_data_retries, now);
	while (w->nak_enabled && *n < max &&
	       (idx = w->backoff.head) != PGM_RXW_NIL &&
	       w->slots[idx].deadline <= now) {
		naks[(*n)++] = sqn_of(w, idx);
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
 * window; the window is left empty and undefined.
 *
 * Return: a held packet, or NULL when none is left.
 */
void *pgm_rxw_drain(struct pgm_rxw *w)
{
	while (w->defined && !pgm_seq_after(w->commit, w->lead)) {
		u32 idx = w->commit & w->mask;
		struct pgm_rxw_slot *s = &w->slots[idx];
		void *data = s->data;

		set_state(w, idx, PGM_RXW_EMPTY, 0);
		s->data = NULL;
		w->commit++;
		if (data)
			return data;
	}
	w->defined = false;
	return NULL;
}

/**
 * pgm_rxw_pending() - missing sequences with a NAK not yet confirmed
 * @w: the window
 *
 * Return: slots in BACK_OFF or WAIT_NCF.
 */
u32 pgm_rxw_pending(const struct pgm_rxw *w)
{
	return w->backoff.len + w->wait_ncf.len;
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
	for (sqn = w->commit; !pgm_seq_after(sqn, w->lead); sqn++)
		if (is_missing(w->slots[sqn & w->mask].state))
			return sqn;
	return w->commit;
}
