// SPDX-License-Identifier: GPL-2.0
/*
 * Receive window and NAK state machine (net/pgm/rxw.c).
 */

#include <stdint.h>
#include <stdlib.h>
#include "rxw.h"

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
	/* ...and an NCF past the lead reveals a loss. */
	pgm_rxw_ncf(&self->w, 5, 100 * MS);
	ASSERT_EQ(5, self->w.lead);
	ASSERT_EQ(2, pgm_rxw_pending(&self->w));	/* 3 and 4 */
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

TEST_HARNESS_MAIN
