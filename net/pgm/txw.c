// SPDX-License-Identifier: GPL-2.0
/*
 * PGM transmit window: numbering, ODATA order, NAK-driven repairs and
 * the time- and size-driven trailing edge. Pure code; see txw.h.
 *
 * NAK elimination at the source (RFC 3208 section 5.3): however many
 * NAKs arrive for a sequence, it is queued for repair once, and not
 * again until the repair interval has passed since its last repair.
 * NCFs likewise (RFC 3208 5.2 asks to rate-limit identical NCFs): one
 * per sequence and repair interval, and only for sequences sent and
 * still held. An NCF tells every receiver that the sequence exists and
 * a repair is coming; one for a sequence never sent, or gone, would send
 * them all chasing it.
 */

#include <linux/errno.h>
#include <linux/string.h>

#include "seq.h"
#include "txw.h"

static inline struct pgm_txw_slot *slot_of(const struct pgm_txw *w, u32 sqn)
{
	return &w->slots[sqn & w->mask];
}

/**
 * pgm_txw_init() - set up an empty window
 * @w: the window
 * @slots: storage for @capacity slots, owned by the caller
 * @capacity: most sequences held at once, a power of two
 * @first: the first sequence number to assign
 */
void pgm_txw_init(struct pgm_txw *w, struct pgm_txw_slot *slots,
		  u32 capacity, u32 first)
{
	memset(w, 0, sizeof(*w));
	memset(slots, 0, sizeof(*slots) * capacity);
	w->slots = slots;
	w->mask = capacity - 1;
	w->trail = first;
	w->odata = first;
	w->next = first;
	w->rtx_head = PGM_TXW_NIL;
	w->rtx_tail = PGM_TXW_NIL;
}

/**
 * pgm_txw_append() - number a new packet and queue it for ODATA
 * @w: the window
 * @data: the packet; the window holds it until it leaves the trail
 * @len: its payload bytes
 * @sqn: its sequence number
 *
 * Return: 0, or -ENOBUFS if the window holds its capacity.
 */
int pgm_txw_append(struct pgm_txw *w, void *data, u32 len, u32 *sqn)
{
	struct pgm_txw_slot *s;

	if (pgm_txw_full(w))
		return -ENOBUFS;
	s = slot_of(w, w->next);
	memset(s, 0, sizeof(*s));
	s->data = data;
	s->len = len;
	w->bytes += len;
	w->unsent += len;
	*sqn = w->next++;
	return 0;
}

/**
 * pgm_txw_peek_odata() - the next packet due for its first transmission
 * @w: the window
 * @sqn: its sequence number
 *
 * Return: the packet, or NULL if everything was sent.
 */
void *pgm_txw_peek_odata(const struct pgm_txw *w, u32 *sqn)
{
	if (!pgm_txw_has_unsent(w))
		return NULL;
	*sqn = w->odata;
	return slot_of(w, w->odata)->data;
}

/**
 * pgm_txw_odata_sent() - the packet pgm_txw_peek_odata() gave went out
 * @w: the window
 * @now: the time, ns (the retention clock of the packet starts here)
 */
void pgm_txw_odata_sent(struct pgm_txw *w, u64 now)
{
	struct pgm_txw_slot *s = slot_of(w, w->odata);

	s->sent = now ? now : 1;
	w->unsent -= s->len;
	w->odata++;
}

/**
 * pgm_txw_peek_unsent_tail() - the newest packet, if not yet sent
 * @w: the window
 * @sqn: its sequence number
 *
 * A byte stream may append to it rather than start a new packet.
 *
 * Return: the packet, or NULL if the newest packet was sent already.
 */
void *pgm_txw_peek_unsent_tail(const struct pgm_txw *w, u32 *sqn)
{
	if (!pgm_txw_has_unsent(w))
		return NULL;
	*sqn = w->next - 1;
	return slot_of(w, *sqn)->data;
}

/**
 * pgm_txw_grow_tail() - account bytes appended to the unsent tail packet
 * @w: the window
 * @more: payload bytes added
 */
void pgm_txw_grow_tail(struct pgm_txw *w, u32 more)
{
	slot_of(w, w->next - 1)->len += more;
	w->bytes += more;
	w->unsent += more;
}

/**
 * pgm_txw_nak() - a NAK asked for @sqn
 * @w: the window
 * @sqn: the sequence asked for
 * @now: the time, ns
 * @repair_ivl: minimum time between two repairs of one sequence, and
 *	between two NCFs for it, ns
 * @confirm: out: true if the caller is to confirm @sqn with an NCF
 *
 * Only a sequence sent and still held is confirmed, and at most once per
 * @repair_ivl: however many NAKs name it, it costs one NCF and one repair
 * per interval. A receiver whose NCF was lost repeats its NAK after its
 * NAK_RPT_IVL, longer than the repair interval (200 ms against 50 by
 * default), and is answered again.
 *
 * Return: an enum pgm_txw_nak_result; only PGM_TXW_NAK_QUEUED adds work.
 */
int pgm_txw_nak(struct pgm_txw *w, u32 sqn, u64 now, u64 repair_ivl,
		bool *confirm)
{
	struct pgm_txw_slot *s;
	u32 idx;

	*confirm = false;
	w->stats.naks++;
	if (pgm_seq_before(sqn, w->trail)) {
		w->stats.naks_too_late++;
		return PGM_TXW_NAK_TOO_LATE;
	}
	if (!pgm_seq_before(sqn, w->odata)) {
		w->stats.naks_invalid++;
		return PGM_TXW_NAK_INVALID;
	}
	idx = sqn & w->mask;
	s = &w->slots[idx];
	if (!s->naked) {
		s->naked = true;
		w->stats.naks_distinct++;
	}
	if (s->confirmed && now - s->confirmed < repair_ivl) {
		w->stats.naks_unconfirmed++;
	} else {
		s->confirmed = now ? now : 1;
		*confirm = true;
	}
	if (s->rtx_queued) {
		w->stats.naks_queued++;
		return PGM_TXW_NAK_PENDING;
	}
	if (s->repaired && now - s->repaired < repair_ivl) {
		w->stats.naks_after_rdata++;
		return PGM_TXW_NAK_RECENT;
	}
	s->rtx_queued = true;
	s->rtx_next = PGM_TXW_NIL;
	if (w->rtx_tail == PGM_TXW_NIL)
		w->rtx_head = idx;
	else
		w->slots[w->rtx_tail].rtx_next = idx;
	w->rtx_tail = idx;
	w->rtx_len++;
	return PGM_TXW_NAK_QUEUED;
}

/**
 * pgm_txw_peek_rtx() - the next repair to send
 * @w: the window
 * @sqn: its sequence number
 *
 * Return: the packet, or NULL if no repair is queued.
 */
void *pgm_txw_peek_rtx(const struct pgm_txw *w, u32 *sqn)
{
	u32 idx = w->rtx_head;

	if (idx == PGM_TXW_NIL)
		return NULL;
	/* Slots on the queue lie in [trail, odata): find the sequence. */
	*sqn = w->trail + ((idx - w->trail) & w->mask);
	return w->slots[idx].data;
}

/**
 * pgm_txw_rtx_sent() - the repair pgm_txw_peek_rtx() gave went out
 * @w: the window
 * @now: the time, ns
 */
void pgm_txw_rtx_sent(struct pgm_txw *w, u64 now)
{
	struct pgm_txw_slot *s = &w->slots[w->rtx_head];

	w->rtx_head = s->rtx_next;
	if (w->rtx_head == PGM_TXW_NIL)
		w->rtx_tail = PGM_TXW_NIL;
	s->rtx_queued = false;
	s->rtx_next = PGM_TXW_NIL;
	s->repaired = now ? now : 1;
	w->rtx_len--;
	w->stats.repairs++;
}

/**
 * pgm_txw_advance() - move the trailing edge past one expired packet
 * @w: the window
 * @sent_before: packets first sent before this time (ns) have expired
 * @max_bytes: also expire the oldest packets while more bytes than this
 *	have been sent and are held
 *
 * The edge never passes a packet not yet sent, nor one with a repair
 * queued (it moves on once the repair is out). Call until it returns
 * NULL.
 *
 * Return: the packet that left the window, for the caller to free, or
 * NULL if the trail stays.
 */
void *pgm_txw_advance(struct pgm_txw *w, u64 sent_before, u64 max_bytes)
{
	struct pgm_txw_slot *s;
	void *data;

	if (w->trail == w->odata)
		return NULL;
	s = slot_of(w, w->trail);
	if (s->rtx_queued)
		return NULL;
	if (s->sent >= sent_before && w->bytes - w->unsent <= max_bytes)
		return NULL;
	data = s->data;
	w->bytes -= s->len;
	memset(s, 0, sizeof(*s));
	w->trail++;
	return data;
}

/**
 * pgm_txw_get() - the packet of a sequence still held
 * @w: the window
 * @sqn: the sequence
 *
 * Return: the packet, or NULL if @sqn is not in the window.
 */
void *pgm_txw_get(const struct pgm_txw *w, u32 sqn)
{
	if (pgm_seq_before(sqn, w->trail) || !pgm_seq_before(sqn, w->next))
		return NULL;
	return slot_of(w, sqn)->data;
}

/**
 * pgm_txw_drain() - take back every packet, sent or not
 * @w: the window
 *
 * Call until it returns NULL to free everything before discarding the
 * window (abortive close, socket destruction).
 *
 * Return: a packet, or NULL when the window is empty.
 */
void *pgm_txw_drain(struct pgm_txw *w)
{
	struct pgm_txw_slot *s;
	void *data;

	if (pgm_txw_empty(w))
		return NULL;
	s = slot_of(w, w->trail);
	data = s->data;
	w->bytes -= s->len;
	if (!pgm_seq_before(w->trail, w->odata))
		w->unsent -= s->len;
	memset(s, 0, sizeof(*s));
	w->trail++;
	if (pgm_seq_before(w->odata, w->trail))
		w->odata = w->trail;
	if (pgm_txw_empty(w)) {
		w->rtx_head = PGM_TXW_NIL;
		w->rtx_tail = PGM_TXW_NIL;
		w->rtx_len = 0;
	}
	return data;
}
