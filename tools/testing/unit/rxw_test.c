// SPDX-License-Identifier: GPL-2.0
/*
 * Receive window and NAK state machine (net/pgm/rxw.c).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rxw.h"
#include "seq.h"

#include "kselftest_harness.h"

#define MS	1000000ULL

static const struct pgm_rxw_params params = {
	.nak_bo_ivl = 50 * MS,
	.nak_rpt_ivl = 200 * MS,
	.nak_rdata_ivl = 200 * MS,
	.nak_ncf_retries = 2,
	.nak_data_retries = 2,
};

/* Packets are just their sequence numbers, made into pointers (+1: never NULL). */
static void *pkt(u32 sqn)
{
	return (void *)(uintptr_t)((u64)sqn + 1);
}

/* Original data (ODATA); repairs use pgm_rxw_add(..., true). */
static int add(struct pgm_rxw *w, u32 sqn, void *data, u64 now)
{
	return pgm_rxw_add(w, sqn, data, now, false);
}

static u32 pkt_sqn(void *p)
{
	return (u32)((uintptr_t)p - 1);
}

FIXTURE(rxw)
{
	struct pgm_rxw w;
	struct pgm_rxw_slot slots[64];
	u32 naks[63];
	unsigned int n;
};

FIXTURE_SETUP(rxw)
{
	pgm_rxw_init(&self->w, self->slots, 64, &params, 1);
}

FIXTURE_TEARDOWN(rxw)
{
}

/* Pop everything deliverable; return how many packets came out. */
static int pop_all(struct pgm_rxw *w, u32 *next, int *lost)
{
	void *data;
	u32 sqn;
	int r, got = 0;

	while ((r = pgm_rxw_pop(w, &data, &sqn)) != PGM_RXW_NONE) {
		if (sqn != *next)
			return -1000;
		(*next)++;
		if (r == PGM_RXW_DATA) {
			if (pkt_sqn(data) != sqn)
				return -2000;
			got++;
		} else {
			(*lost)++;
		}
	}
	return got;
}

TEST_F(rxw, in_order)
{
	u32 next = 100, i;
	int lost = 0;

	for (i = 100; i < 160; i++) {
		ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, i, pkt(i), 0));
		ASSERT_EQ(1, pop_all(&self->w, &next, &lost));
	}
	ASSERT_EQ(160, next);
	ASSERT_EQ(0, lost);
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
}

TEST_F(rxw, gap_nak_ncf_repair)
{
	u32 next = 0;
	int lost = 0;

	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 0, pkt(0), 0));
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 1, pkt(1), 0));
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 3, pkt(3), 0));
	ASSERT_EQ(2, pop_all(&self->w, &next, &lost));
	ASSERT_EQ(1, pgm_rxw_pending(&self->w));
	ASSERT_EQ(2, pgm_rxw_first_pending(&self->w));

	/* No NAK before an SPM, however long we wait. */
	pgm_rxw_timer(&self->w, 10000 * MS, self->naks, 63, &self->n);
	ASSERT_EQ(0, self->n);
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));

	pgm_rxw_enable_naks(&self->w, 10000 * MS);
	ASSERT_GE(10000 * MS + params.nak_bo_ivl, pgm_rxw_next_deadline(&self->w));
	pgm_rxw_timer(&self->w, 10050 * MS, self->naks, 63, &self->n);
	ASSERT_EQ(1, self->n);
	ASSERT_EQ(2, self->naks[0]);
	ASSERT_EQ(10050 * MS + params.nak_rpt_ivl, pgm_rxw_next_deadline(&self->w));

	pgm_rxw_ncf(&self->w, 2, 10060 * MS);
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
	ASSERT_EQ(10060 * MS + params.nak_rdata_ivl, pgm_rxw_next_deadline(&self->w));

	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 2, pkt(2), 10070 * MS));
	ASSERT_EQ(2, pop_all(&self->w, &next, &lost));
	ASSERT_EQ(4, next);
	ASSERT_EQ(0, lost);
	ASSERT_EQ(1, self->w.stats.recovered);
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
}

/* An NCF heard before our own NAK suppresses it. */
TEST_F(rxw, ncf_suppresses_nak)
{
	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), 0);
	add(&self->w, 2, pkt(2), 0);
	pgm_rxw_ncf(&self->w, 1, 1);
	pgm_rxw_timer(&self->w, 100 * MS, self->naks, 63, &self->n);
	ASSERT_EQ(0, self->n);
	/* An NCF past the lead is ignored and counted: only the source's
	 * data and SPMs move the lead (a forged NCF makes no NAK work).
	 */
	pgm_rxw_ncf(&self->w, 5, 100 * MS);
	ASSERT_EQ(2, self->w.lead);
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
	ASSERT_EQ(1, self->w.stats.ncf_beyond);
}

TEST_F(rxw, retries_exhausted_is_lost)
{
	u32 next = 0;
	u64 t = 0;
	int lost = 0, naks = 0;

	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), 0);
	add(&self->w, 2, pkt(2), 0);
	ASSERT_EQ(1, pop_all(&self->w, &next, &lost));
	/* Never an NCF: NAK, wait, NAK, wait, NAK, wait, give up. */
	while ((t = pgm_rxw_next_deadline(&self->w))) {
		pgm_rxw_timer(&self->w, t, self->naks, 63, &self->n);
		naks += self->n;
	}
	ASSERT_EQ(1 + params.nak_ncf_retries, naks);
	ASSERT_EQ(1, pop_all(&self->w, &next, &lost));
	ASSERT_EQ(1, lost);
	ASSERT_EQ(3, next);
	ASSERT_EQ(1, self->w.stats.lost);
}

TEST_F(rxw, trail_passing_a_gap_loses_it)
{
	u32 next = 10;
	int lost = 0;

	add(&self->w, 10, pkt(10), 0);
	add(&self->w, 13, pkt(13), 0);
	add(&self->w, 15, pkt(15), 0);
	pgm_rxw_update_trail(&self->w, 14);	/* 11, 12 gone; 14 still repairable */
	ASSERT_EQ(1 + 1, pop_all(&self->w, &next, &lost));
	ASSERT_EQ(2, lost);
	ASSERT_EQ(14, next);
	ASSERT_EQ(1, pgm_rxw_pending(&self->w));
	ASSERT_EQ(PGM_RXW_BEHIND, add(&self->w, 12, pkt(12), 0));
}

TEST_F(rxw, duplicates)
{
	u32 next = 0;
	int lost = 0;

	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 0, pkt(0), 0));
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 2, pkt(2), 0));
	ASSERT_EQ(PGM_RXW_DUPLICATE, add(&self->w, 2, pkt(2), 0));
	ASSERT_EQ(1, pop_all(&self->w, &next, &lost));
	ASSERT_EQ(PGM_RXW_BEHIND, add(&self->w, 0, pkt(0), 0));
	ASSERT_EQ(1, self->w.stats.dups);
	ASSERT_EQ(1, self->w.stats.behind);
}

TEST_F(rxw, capacity_overflow)
{
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 1000, pkt(1000), 0));
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 1063, pkt(1063), 0));
	ASSERT_EQ(PGM_RXW_OVERFLOW, add(&self->w, 1064, pkt(1064), 0));
	ASSERT_EQ(-ENOBUFS, pgm_rxw_update_lead(&self->w, 1064, 0));
	ASSERT_EQ(0, pgm_rxw_update_lead(&self->w, 1063, 0));
	ASSERT_EQ(62, pgm_rxw_pending(&self->w));
}

TEST_F(rxw, spm_lead_reveals_tail_loss)
{
	add(&self->w, 7, pkt(7), 0);
	pgm_rxw_update_lead(&self->w, 9, 0);
	ASSERT_EQ(2, pgm_rxw_pending(&self->w));
	/* Before any data, an SPM defines nothing. */
	pgm_rxw_init(&self->w, self->slots, 64, &params, 1);
	pgm_rxw_update_lead(&self->w, 9, 0);
	ASSERT_EQ(0, pgm_rxw_span(&self->w));
}

TEST_F(rxw, wraparound)
{
	u32 start = 0xfffffff0u, next = start, i;
	int lost = 0, got = 0;

	for (i = 0; i < 40; i++) {
		if (i % 7 == 3)
			continue;
		ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, start + i, pkt(start + i), 0));
	}
	got += pop_all(&self->w, &next, &lost);
	ASSERT_EQ(start + 3, next);
	for (i = 3; i < 40; i += 7)
		ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, start + i, pkt(start + i), 0));
	got += pop_all(&self->w, &next, &lost);
	ASSERT_EQ(40, got);
	ASSERT_EQ(start + 40, next);
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
}

/* A NAK carries at most what fits, oldest first; the rest stays due. */
TEST_F(rxw, nak_batches_oldest_first)
{
	unsigned int total = 0, i;
	u32 prev;

	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), 0);
	add(&self->w, 50, pkt(50), 0);	/* 1..49 missing */
	for (;;) {
		u64 t = pgm_rxw_timer(&self->w, 100 * MS, self->naks, 20, &self->n);

		for (prev = 0, i = 0; i < self->n; i++) {
			ASSERT_LT(prev, self->naks[i]);
			prev = self->naks[i];
		}
		total += self->n;
		if (self->n < 20) {
			ASSERT_LT(100 * MS, t);
			break;
		}
	}
	ASSERT_EQ(49, total);
}

/* Growing the window keeps every state, packet and deadline, in order. */
TEST_F(rxw, resize_keeps_everything)
{
	static struct pgm_rxw_slot big[256];
	u32 next = 0xfffffff0u, i;
	int lost = 0, got = 0;
	u64 t;

	pgm_rxw_init(&self->w, self->slots, 64, &params, 3);
	pgm_rxw_define(&self->w, next);
	pgm_rxw_enable_naks(&self->w, 0);
	for (i = 0; i < 60; i++)
		if (i % 5)
			add(&self->w, next + i, pkt(next + i), i * MS);
	pgm_rxw_ncf(&self->w, next + 5, 100 * MS);
	t = pgm_rxw_next_deadline(&self->w);
	ASSERT_EQ(11, pgm_rxw_pending(&self->w));

	ASSERT_TRUE(pgm_rxw_resize(&self->w, big, 256) == self->slots);
	ASSERT_EQ(256, pgm_rxw_capacity(&self->w));
	ASSERT_EQ(t, pgm_rxw_next_deadline(&self->w));
	ASSERT_EQ(11, pgm_rxw_pending(&self->w));
	ASSERT_EQ(1, self->w.wait_data.len);
	/* Now wider than the old capacity. */
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, next + 200, pkt(next + 200), 0));
	for (i = 0; i < 200; i++)
		add(&self->w, next + i, pkt(next + i), 0);
	got = pop_all(&self->w, &next, &lost);
	ASSERT_EQ(201, got);
	ASSERT_EQ(0, lost);
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
}

/* A gap that fills before its NAK teaches the reorder estimate, which
 * then delays later NAKs by as much; repairs teach nothing.
 */
TEST_F(rxw, reorder_estimate)
{
	u64 t;

	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), 0);
	add(&self->w, 2, pkt(2), 0);
	add(&self->w, 1, pkt(1), 8 * MS);	/* 8 ms late */
	ASSERT_EQ(8 * MS, self->w.reorder);
	ASSERT_EQ(1, self->w.stats.reordered);
	add(&self->w, 4, pkt(4), 100 * MS);	/* 3 missing */
	t = pgm_rxw_next_deadline(&self->w);
	ASSERT_LE(108 * MS, t);
	ASSERT_GE(108 * MS + params.nak_bo_ivl, t);
	/* A repair is no reorder. */
	ASSERT_EQ(PGM_RXW_ADDED, pgm_rxw_add(&self->w, 3, pkt(3), 150 * MS, true));
	ASSERT_EQ(1, self->w.stats.reordered);
	/* Capped at NAK_BO_IVL. */
	add(&self->w, 6, pkt(6), 200 * MS);
	add(&self->w, 5, pkt(5), 2000 * MS);
	ASSERT_EQ(params.nak_bo_ivl, self->w.reorder);
}

TEST_F(rxw, drain_returns_held)
{
	int n = 0;
	void *p;

	add(&self->w, 0, pkt(0), 0);
	add(&self->w, 2, pkt(2), 0);
	add(&self->w, 5, pkt(5), 0);
	while ((p = pgm_rxw_drain(&self->w)))
		n++;
	ASSERT_EQ(3, n);
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
}

/*
 * A lossy, reordering, duplicating channel both ways, driven to the end:
 * every sequence is delivered exactly once and in order, or the run
 * reports where it became unrecoverable and delivered everything before.
 */
struct sim {
	struct pgm_rxw w;
	struct pgm_rxw_slot slots[4096];
	u32 naks[63];
	u32 next;
	int lost;
	int delivered;
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static int check_invariants(struct pgm_rxw *w);

static int simulate(struct sim *s, u32 start, u32 count, unsigned int loss_pct,
		    unsigned int seed, u8 retries)
{
	struct pgm_rxw_params p = params;
	u64 now = 0;
	unsigned int r = seed, n, i;
	u32 sent = 0;

	p.nak_ncf_retries = retries;
	p.nak_data_retries = retries;
	pgm_rxw_init(&s->w, s->slots, 4096, &p, seed);
	pgm_rxw_define(&s->w, start);
	s->next = start;
	s->lost = 0;
	s->delivered = 0;

	while (sent < count || pgm_rxw_next_deadline(&s->w)) {
		now += MS;
		if (sent < count) {
			u32 sqn = start + sent++;

			if (rnd(&r) % 100 >= loss_pct)
				add(&s->w, sqn, pkt(sqn), now);
			if (rnd(&r) % 100 < 2)	/* duplicate */
				add(&s->w, sqn, pkt(sqn), now);
			if (sent % 20 == 0) {	/* SPM */
				pgm_rxw_enable_naks(&s->w, now);
				pgm_rxw_update_lead(&s->w, start + sent - 1, now);
			}
		} else {
			pgm_rxw_update_lead(&s->w, start + count - 1, now);
		}
		do {
			pgm_rxw_timer(&s->w, now, s->naks, 63, &n);
			for (i = 0; i < n; i++) {
				/* The NAK, its NCF and the repair each may be lost. */
				if (rnd(&r) % 100 < loss_pct)
					continue;
				if (rnd(&r) % 100 >= loss_pct)
					pgm_rxw_ncf(&s->w, s->naks[i], now);
				if (rnd(&r) % 100 >= loss_pct)
					pgm_rxw_add(&s->w, s->naks[i], pkt(s->naks[i]), now, true);
			}
		} while (n == 63);
		n = pop_all(&s->w, &s->next, &s->lost);
		if ((int)n < 0)
			return n;
		if (sent % 256 == 0 && check_invariants(&s->w))
			return -4000 + check_invariants(&s->w);
		s->delivered += n;
	}
	/* The window never filled up: nothing was dropped for want of room. */
	return s->w.stats.window_overflow ? -3000 : 0;
}

TEST(simulation_lossy_recovers_all)
{
	static struct sim s;
	unsigned int seed;

	for (seed = 1; seed <= 20; seed++) {
		ASSERT_EQ(0, simulate(&s, seed * 977u, 5000, 10, seed, 50));
		ASSERT_EQ(0, s.lost) TH_LOG("seed %u", seed);
		ASSERT_EQ(5000, s.delivered);
		ASSERT_EQ(seed * 977u + 5000, s.next);
	}
}

TEST(simulation_wraparound_heavy_loss)
{
	static struct sim s;

	ASSERT_EQ(0, simulate(&s, 0xffffff00u, 3000, 30, 7, 50));
	ASSERT_EQ(0, s.lost);
	ASSERT_EQ(3000, s.delivered);
}

/* With few retries some loss is permanent: reported, never silent. */
TEST(simulation_unrecoverable_is_reported)
{
	static struct sim s;

	ASSERT_EQ(0, simulate(&s, 0, 3000, 60, 3, 0));
	ASSERT_LT(0, s.lost);
	ASSERT_EQ(3000, s.delivered + s.lost);
	ASSERT_EQ(s.w.stats.lost, s.lost);
}

/*
 * Bounded work (issue 9, "softirq stalls"): at the largest window the
 * module uses, no call does more than a constant amount of work whatever
 * the packets say. pgm_rxw_work counts slot operations (host builds
 * only); each call is bounded by its own constant.
 */
#define BIG		65536
#define ADD_BOUND	(PGM_RXW_ADD_WORK + PGM_RXW_WHEEL + PGM_RXW_GAPS + 4)
#define TIMER_BOUND	(PGM_RXW_TIMER_WORK + 63 + 2 * PGM_RXW_WHEEL + 4)
#define NCF_BOUND	(PGM_RXW_GAPS + 4)

/* Work done by one expression. */
#define WORK(expr) ({ unsigned long _w0 = pgm_rxw_work; expr; pgm_rxw_work - _w0; })

static struct pgm_rxw_slot big_slots[BIG];

/* Walk the whole window and check that every count and list agrees with
 * the slots' states (the test's own O(window) oracle): 0 if consistent.
 */
static int check_invariants(struct pgm_rxw *w)
{
	u32 counts[PGM_RXW_LOST + 1] = { 0 }, lazy = 0, bo = 0, sqn, i, n;
	const struct pgm_rxw_list *lists[] = { &w->due, &w->wait_ncf,
					       &w->wait_data, &w->held };
	u32 prev_end;

	if (!w->defined)
		return 0;
	if (w->lead - w->commit + 1 > w->mask + 1)
		return -1;
	if (pgm_seq_before(w->fill, w->commit) ||
	    pgm_seq_after(w->fill, w->lead + 1))
		return -2;
	if (!w->gap_len != (w->fill == w->lead + 1))
		return -3;
	/* Gaps: increasing ends, the last one just after the lead. */
	prev_end = w->fill;
	for (i = 0; i < w->gap_len; i++) {
		u32 end = w->gaps[(w->gap_head + i) % PGM_RXW_GAPS].end;

		if (!pgm_seq_after(end, prev_end))
			return -4;
		prev_end = end;
	}
	if (w->gap_len && prev_end != w->lead + 1)
		return -5;
	for (sqn = w->commit; !pgm_seq_after(sqn, w->lead); sqn++) {
		const struct pgm_rxw_slot *s = &w->slots[sqn & w->mask];

		counts[s->state]++;
		if (s->state == PGM_RXW_EMPTY) {
			if (!pgm_seq_before(sqn, w->fill))
				lazy++;
			else if (!pgm_seq_before(sqn, w->trail))
				return -6;	/* behind fill: only behind the trail */
		}
		if (s->state == PGM_RXW_HAVE_DATA && !s->data)
			return -7;
	}
	if (lazy != w->lazy)
		return -8;
	if (counts[PGM_RXW_BACK_OFF] != w->n_backoff)
		return -9;
	if (counts[PGM_RXW_WAIT_NCF] != w->wait_ncf.len ||
	    counts[PGM_RXW_WAIT_DATA] != w->wait_data.len ||
	    counts[PGM_RXW_HAVE_DATA] != w->held.len)
		return -10;
	/* Every list links slots of its state, as many as it says. */
	for (i = 0; i < 4; i++) {
		u32 idx = lists[i]->head;

		for (n = 0; idx != PGM_RXW_NIL && n <= lists[i]->len; n++)
			idx = w->slots[idx].next;
		if (n != lists[i]->len || idx != PGM_RXW_NIL)
			return -11;
	}
	for (i = 0; i < PGM_RXW_WHEEL; i++) {
		const struct pgm_rxw_list *l = &w->wheel[i];
		u32 idx = l->head;

		if (!(w->wheel_map >> i & 1) != !l->len)
			return -12;
		for (n = 0; idx != PGM_RXW_NIL && n <= l->len; n++) {
			const struct pgm_rxw_slot *s = &w->slots[idx];

			if (s->state != PGM_RXW_BACK_OFF ||
			    (s->deadline >> w->wheel_shift) % PGM_RXW_WHEEL != i ||
			    (s->deadline >> w->wheel_shift) < w->wheel_now)
				return -13;
			idx = s->next;
		}
		if (n != l->len)
			return -14;
		bo += n;
	}
	if (bo + w->due.len != w->n_backoff)
		return -15;
	/* Back-off deadlines are on the wheel's grid. */
	for (sqn = w->commit; !pgm_seq_after(sqn, w->lead); sqn++) {
		const struct pgm_rxw_slot *s = &w->slots[sqn & w->mask];

		if (s->state == PGM_RXW_BACK_OFF &&
		    s->deadline & ((1ULL << w->wheel_shift) - 1))
			return -16;
	}
	/* Outside the window every slot is clean (a sample). */
	for (sqn = w->lead + 1; sqn != w->commit + w->mask + 1 &&
	     sqn - w->lead < 4096; sqn++) {
		const struct pgm_rxw_slot *s = &w->slots[sqn & w->mask];

		if (s->state || s->data || s->ncf_retries || s->data_retries)
			return -17;
	}
	return 0;
}

/* One timer firing as session.c runs it: at most PGM_RXW_TIMER_CALLS
 * calls, each bounded. Returns the NAKed sequences' count; @marks counts
 * NAKs per sequence (relative to @base) if given.
 */
static unsigned int fire(struct __test_metadata *_metadata, struct pgm_rxw *w,
			 u64 now, u32 base, u16 *marks, u64 *next)
{
	unsigned int total = 0, n, i, c;
	u32 naks[63];
	u64 t = 0;

	for (c = 0; c < PGM_RXW_TIMER_CALLS; c++) {
		unsigned long work = WORK(t = pgm_rxw_timer(w, now, naks, 63, &n));

		EXPECT_GE(TIMER_BOUND, work);
		for (i = 0; i < n; i++) {
			if (i)
				EXPECT_LT(naks[i - 1] - w->commit,
					  naks[i] - w->commit);
			if (marks)
				marks[naks[i] - base]++;
		}
		total += n;
		if (!t || t > now)
			break;
	}
	*next = t;
	return total;
}

FIXTURE(big)
{
	struct pgm_rxw w;
};

FIXTURE_SETUP(big)
{
	pgm_rxw_init(&self->w, big_slots, BIG, &params, 42);
}

FIXTURE_TEARDOWN(big)
{
}

/* ODATA at commit + capacity - 1: one packet, a 65534-sequence gap. The
 * packet costs a constant; every firing afterwards too (at most four NAK
 * packets); every missing sequence is NAKed exactly once in the first
 * round, after its back-off, and the gap's back-offs are spread.
 */
TEST_F(big, far_ahead_odata)
{
	static u16 marks[BIG];
	unsigned int firings = 0, naked = 0, per, distinct = 0;
	u64 now = 1000 * MS, t, first = 0, last = 0;
	u32 i;

	/* No NCF wait runs out before the first round ends (repeats would
	 * NAK sequences twice).
	 */
	struct pgm_rxw_params p = params;
	unsigned int wrong = 0;

	p.nak_rpt_ivl = 100000 * MS;
	pgm_rxw_init(&self->w, big_slots, BIG, &p, 42);
	memset(marks, 0, sizeof(marks));
	pgm_rxw_enable_naks(&self->w, 0);
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 0, pkt(0), now));
	ASSERT_GE(ADD_BOUND, WORK(add(&self->w, BIG - 1, pkt(BIG - 1), now)));
	ASSERT_EQ(BIG - 2, pgm_rxw_pending(&self->w));
	ASSERT_EQ(0, check_invariants(&self->w));
	/* Overflow by one more: refused, also at constant cost. */
	ASSERT_GE(ADD_BOUND, WORK(ASSERT_EQ(PGM_RXW_OVERFLOW,
					    add(&self->w, BIG + 1, pkt(0), now))));

	/* Nothing is NAKed before its back-off: not at once. */
	ASSERT_EQ(0, fire(_metadata, &self->w, now, 0, NULL, &t));
	ASSERT_LT(now, t);
	/* Then a jiffy at a time (4 ms): each firing bounded, until every
	 * missing sequence went out once.
	 */
	while (naked < BIG - 2) {
		now += 4 * MS;
		per = fire(_metadata, &self->w, now, 0, marks, &t);
		ASSERT_GE(PGM_RXW_TIMER_CALLS * 63, per);
		if (per && !first)
			first = now;
		if (per) {
			last = now;
			distinct++;
		}
		naked += per;
		ASSERT_LT(++firings, 10000);
		if (firings % 64 == 0)
			ASSERT_EQ(0, check_invariants(&self->w));
	}
	ASSERT_EQ(0, check_invariants(&self->w));
	for (i = 1; i < BIG - 1; i++)
		wrong += marks[i] != 1;
	ASSERT_EQ(0, wrong);
	ASSERT_EQ(0, marks[0]);
	ASSERT_EQ(BIG - 2, self->w.stats.naks);
	/* Spread over many firings, and none before the earliest back-off. */
	ASSERT_LT(1000 * MS, first);
	ASSERT_LT(50, distinct);
	ASSERT_LT(first, last);
}

/* The same gap from an SPM's lead, before NAKs are allowed: constant
 * cost; then the SPM's NAK enable; drain costs what is held.
 */
TEST_F(big, far_ahead_spm_lead_and_drain)
{
	u64 now = 5 * MS, t;
	u32 i, x, lead;

	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 100, pkt(100), now));
	lead = 100 + BIG - 1;
	ASSERT_GE(ADD_BOUND,
		  WORK(ASSERT_EQ(0, pgm_rxw_update_lead(&self->w, lead, now))));
	ASSERT_EQ(BIG - 1, pgm_rxw_pending(&self->w));
	ASSERT_GE(ADD_BOUND,
		  WORK(ASSERT_EQ(-ENOBUFS,
				 pgm_rxw_update_lead(&self->w, lead + 1, now))));
	/* Without NAKs the timer has nothing to do. */
	ASSERT_EQ(0, fire(_metadata, &self->w, 10000 * MS, 0, NULL, &t));
	ASSERT_EQ(0, t);
	ASSERT_GE(2, WORK(pgm_rxw_enable_naks(&self->w, 10000 * MS)));
	ASSERT_NE(0, pgm_rxw_next_deadline(&self->w));
	ASSERT_GE(10000 * MS, pgm_rxw_next_deadline(&self->w));
	/* A few packets held in the gap; drain costs those, not the span. */
	for (i = 0; i < 10; i++) {
		x = 40000 + i * 7;
		ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, x, pkt(x), 10000 * MS));
	}
	ASSERT_EQ(0, check_invariants(&self->w));
	for (i = 0; ; i++) {
		void *p;

		ASSERT_GE(PGM_RXW_WHEEL + 2, WORK(p = pgm_rxw_drain(&self->w)));
		if (!p)
			break;
	}
	ASSERT_EQ(11, i);
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
	/* Drained: refuses everything, costs nothing. */
	ASSERT_EQ(PGM_RXW_BEHIND, add(&self->w, 5, pkt(5), 0));
	ASSERT_EQ(0, pgm_rxw_span(&self->w));
}

/* A trail that jumps over a window of gaps marks nothing by itself; the
 * delivery point finds the loss at once (constant cost), the timer finds
 * the rest in bounded steps and NAKs none of them.
 */
TEST_F(big, trail_jump)
{
	static u16 marks[BIG];
	unsigned int wrong = 0;
	u64 now = 1000 * MS, t;
	void *data;
	u32 sqn, i;

	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), now);
	add(&self->w, BIG - 1, pkt(BIG - 1), now);
	/* Give some of the gap its timers: NAKs out, waits running. */
	now += 60 * MS;
	fire(_metadata, &self->w, now, 0, NULL, &t);
	ASSERT_LT(0, self->w.wait_ncf.len);
	ASSERT_EQ(0, check_invariants(&self->w));

	ASSERT_EQ(0, WORK(pgm_rxw_update_trail(&self->w, BIG - 10)));
	ASSERT_EQ(PGM_RXW_DATA, pgm_rxw_pop(&self->w, &data, &sqn));
	ASSERT_GE(2, WORK(ASSERT_EQ(PGM_RXW_UNRECOVERABLE,
				    pgm_rxw_pop(&self->w, &data, &sqn))));
	ASSERT_EQ(1, sqn);
	ASSERT_EQ(1, self->w.stats.lost_trail);
	/* Behind the trail: refused, and never NAKed again; what the trail
	 * did not pass still is.
	 */
	ASSERT_EQ(PGM_RXW_BEHIND, add(&self->w, 5, pkt(5), now));
	memset(marks, 0, sizeof(marks));
	for (i = 0; i < 3000; i++) {
		now += 4 * MS;
		fire(_metadata, &self->w, now, 0, marks, &t);
		if (!self->w.gap_len && !self->w.due.len &&
		    self->w.wait_ncf.len + self->w.n_backoff <= 9)
			break;
	}
	ASSERT_LT(i, 3000);
	ASSERT_EQ(0, check_invariants(&self->w));
	for (i = 0; i < BIG - 10; i++)
		wrong += marks[i];
	ASSERT_EQ(0, wrong);
	now += 300 * MS;
	fire(_metadata, &self->w, now, 0, marks, &t);
	for (i = BIG - 10; i < BIG - 1; i++)
		ASSERT_LE(1, marks[i]);
}

/* NCFs: beyond the lead ignored (no lead, no NAK work), inside a gap not
 * set up yet taken at once (suppressing that sequence's NAK), each at a
 * constant cost.
 */
TEST_F(big, ncf_far_and_in_gap)
{
	static u16 marks[BIG];
	struct pgm_rxw_params p = params;
	u64 now = 1000 * MS, t;
	unsigned int total = 0, i;

	/* No wait runs out during the test: each NAK is a first one. */
	p.nak_rpt_ivl = 100000 * MS;
	p.nak_rdata_ivl = 100000 * MS;
	pgm_rxw_init(&self->w, big_slots, BIG, &p, 42);
	memset(marks, 0, sizeof(marks));
	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 0, pkt(0), now);
	ASSERT_GE(NCF_BOUND, WORK(pgm_rxw_ncf(&self->w, BIG - 1, now)));
	ASSERT_GE(NCF_BOUND, WORK(pgm_rxw_ncf(&self->w, 0x7fffffffu, now)));
	ASSERT_EQ(0, self->w.lead);
	ASSERT_EQ(0, pgm_rxw_pending(&self->w));
	ASSERT_EQ(0, pgm_rxw_next_deadline(&self->w));
	ASSERT_EQ(2, self->w.stats.ncf_beyond);

	add(&self->w, BIG - 1, pkt(BIG - 1), now);
	ASSERT_EQ(BIG - 2, pgm_rxw_pending(&self->w));
	/* Deep in the gap, before its back-offs exist. */
	for (i = 0; i < 63; i++)
		ASSERT_GE(NCF_BOUND, WORK(pgm_rxw_ncf(&self->w, 50000 + i, now)));
	ASSERT_EQ(63, self->w.stats.ncfs);
	ASSERT_EQ(63, self->w.wait_data.len);
	ASSERT_EQ(BIG - 2 - 63, pgm_rxw_pending(&self->w));
	ASSERT_EQ(0, check_invariants(&self->w));
	/* ...and their repairs arrive: recovered. */
	add(&self->w, 50000, pkt(50000), now + MS);
	ASSERT_EQ(1, self->w.stats.recovered);
	/* Data deep in the gap before any NAK: a reorder sample. */
	ASSERT_EQ(PGM_RXW_ADDED, add(&self->w, 60000, pkt(60000), now + 3 * MS));
	ASSERT_EQ(1, self->w.stats.reordered);
	ASSERT_EQ(3 * MS, self->w.reorder);
	/* Run all NAKs out once: the confirmed ones are never NAKed. */
	for (i = 0; i < 2000 && total < BIG - 2 - 63 - 1; i++) {
		now += 4 * MS;
		total += fire(_metadata, &self->w, now, 0, marks, &t);
	}
	ASSERT_EQ(BIG - 2 - 63 - 1, total);
	for (i = 0; i < 63; i++)
		ASSERT_EQ(0, marks[50000 + i]);
	ASSERT_EQ(0, marks[60000]);
	ASSERT_EQ(0, check_invariants(&self->w));
}

/* A hostile mix: far-ahead data and leads, trail jumps, NCFs anywhere,
 * repairs, deliveries, timers. Every call is bounded and the window
 * stays consistent.
 */
TEST_F(big, hostile_mix_bounded)
{
	unsigned int r = 12345, step, n;
	u64 now = 1000 * MS, t;
	void *data;
	u32 sqn, x;

	pgm_rxw_enable_naks(&self->w, 0);
	add(&self->w, 7, pkt(7), now);
	for (step = 0; step < 20000; step++) {
		u32 span = pgm_rxw_span(&self->w);
		unsigned long work;

		now += rnd(&r) % 3 * MS;
		switch (rnd(&r) % 8) {
		case 0:		/* as far ahead as fits, or just beyond */
			x = self->w.commit + BIG - 1 + (rnd(&r) % 4 == 0);
			work = WORK(add(&self->w, x, pkt(x), now));
			ASSERT_GE(ADD_BOUND, work);
			break;
		case 1:
			x = self->w.commit + rnd(&r) % (span + 1);
			work = WORK(pgm_rxw_add(&self->w, x, pkt(x), now,
						rnd(&r) & 1));
			ASSERT_GE(ADD_BOUND, work);
			break;
		case 2:
			x = self->w.commit + rnd(&r) * 3 % BIG;
			work = WORK(pgm_rxw_update_lead(&self->w, x, now));
			ASSERT_GE(ADD_BOUND, work);
			break;
		case 3:		/* the trail jumps (at most to the lead + 1) */
			if (rnd(&r) % 8)
				break;
			x = self->w.lead + 2 - self->w.trail;
			x = self->w.trail + rnd(&r) % x / (1 + rnd(&r) % 4);
			ASSERT_EQ(0, WORK(pgm_rxw_update_trail(&self->w, x)));
			break;
		case 4:
			x = self->w.commit + rnd(&r) * 5 % (2 * BIG);
			ASSERT_GE(NCF_BOUND, WORK(pgm_rxw_ncf(&self->w, x, now)));
			break;
		case 5:
			fire(_metadata, &self->w, now, 0, NULL, &t);
			break;
		default:	/* the reader: pops what it can */
			for (n = 0; n < 1024; n++) {
				int res;

				work = WORK(res = pgm_rxw_pop(&self->w, &data, &sqn));
				ASSERT_GE(2, work);
				if (res == PGM_RXW_NONE)
					break;
			}
			break;
		}
		if (step % 500 == 0)
			ASSERT_EQ(0, check_invariants(&self->w)) TH_LOG("step %u", step);
	}
	ASSERT_EQ(0, check_invariants(&self->w));
	TH_LOG("naks %llu lost %llu (trail %llu) ncfs %llu beyond %llu rec %llu ovf %llu",
	       (unsigned long long)self->w.stats.naks,
	       (unsigned long long)self->w.stats.lost,
	       (unsigned long long)self->w.stats.lost_trail,
	       (unsigned long long)self->w.stats.ncfs,
	       (unsigned long long)self->w.stats.ncf_beyond,
	       (unsigned long long)self->w.stats.recovered,
	       (unsigned long long)self->w.stats.window_overflow);
	/* The mix reached every path it is meant to. */
	ASSERT_LT(1000, self->w.stats.naks);
	ASSERT_LT(100, self->w.stats.lost_trail);
	ASSERT_LT(100, self->w.stats.ncfs);
	ASSERT_LT(100, self->w.stats.ncf_beyond);
	ASSERT_LT(100, self->w.stats.recovered);
	ASSERT_LT(100, self->w.stats.window_overflow);
}

/* Wall clock, with only the API main's window had (this test also builds
 * against it and failed there: a far-ahead packet at 65536 slots took
 * seconds): the worst packets and the timer run that follows each take
 * well under the selftest's 1 ms, and the whole run under a second even
 * on a slow sanitized host build.
 */
TEST(far_ahead_wall_clock)
{
	static struct pgm_rxw w;
	struct timespec a, b;
	unsigned int n, i, k;
	u64 now = 1000 * MS, worst = 0, total = 0, ns;
	u32 naks[63];

	pgm_rxw_init(&w, big_slots, BIG, &params, 9);
	pgm_rxw_enable_naks(&w, 0);
	pgm_rxw_add(&w, 0, pkt(0), now, false);
	for (i = 0; i < 400; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		switch (i % 4) {
		case 0:
			pgm_rxw_add(&w, w.commit + BIG - 1, pkt(0), now, false);
			break;
		case 1:
			pgm_rxw_update_lead(&w, w.commit + BIG - 1, now);
			break;
		case 2:
			pgm_rxw_update_trail(&w, w.lead - 5);
			break;
		default:
			now += 4 * MS;
			for (k = 0; k < PGM_RXW_TIMER_CALLS; k++)
				pgm_rxw_timer(&w, now, naks, 63, &n);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000ULL + b.tv_nsec - a.tv_nsec;
		total += ns;
		if (ns > worst)
			worst = ns;
		if (total > 1000 * MS)
			break;
		if (i % 4 == 2) {	/* the reader passes the loss */
			void *p;
			u32 s;

			while (pgm_rxw_pop(&w, &p, &s) != PGM_RXW_NONE &&
			       w.commit != w.lead - 5)
				;
		}
	}
	TH_LOG("worst call %llu us, total %llu us", (unsigned long long)worst / 1000,
	       (unsigned long long)total / 1000);
	ASSERT_GT(1000 * MS, total);
}

TEST_HARNESS_MAIN
