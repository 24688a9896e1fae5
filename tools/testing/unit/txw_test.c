// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit window (net/pgm/txw.c): numbering, ODATA order, NAK
 * elimination, repair queue, trailing edge by time and by size.
 */

#include <stdint.h>
#include "txw.h"

#include "kselftest_harness.h"

#define MS	1000000ULL

static void *pkt(u32 sqn)
{
	return (void *)(uintptr_t)((u64)sqn + 1);
}

FIXTURE(txw)
{
	struct pgm_txw w;
	struct pgm_txw_slot slots[16];
};

FIXTURE_SETUP(txw)
{
	pgm_txw_init(&self->w, self->slots, 16, 0xfffffffcu);
}

FIXTURE_TEARDOWN(txw)
{
}

/* Append @n packets of 100 bytes and send them as ODATA at time @t. */
static void send_n(struct pgm_txw *w, int n, u64 t)
{
	u32 sqn, s2;
	int i;

	for (i = 0; i < n; i++) {
		pgm_txw_append(w, pkt(w->next), 100, &sqn);
		pgm_txw_peek_odata(w, &s2);
		pgm_txw_odata_sent(w, t);
	}
}

TEST_F(txw, numbering_and_odata_order)
{
	u32 sqn, got;
	int i;

	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, pgm_txw_append(&self->w, pkt(i), 10, &sqn));
		ASSERT_EQ(0xfffffffcu + i, sqn);
	}
	ASSERT_EQ(0xfffffffbu, pgm_txw_lead(&self->w));	/* nothing sent */
	for (i = 0; i < 6; i++) {
		ASSERT_EQ(pkt(i), pgm_txw_peek_odata(&self->w, &got));
		ASSERT_EQ(0xfffffffcu + i, got);
		pgm_txw_odata_sent(&self->w, 1);
	}
	ASSERT_EQ(NULL, pgm_txw_peek_odata(&self->w, &got));
	ASSERT_EQ(1, pgm_txw_lead(&self->w));
	ASSERT_EQ(60, self->w.bytes);
}

TEST_F(txw, full)
{
	u32 sqn;
	int i;

	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, pgm_txw_append(&self->w, pkt(i), 1, &sqn));
	ASSERT_TRUE(pgm_txw_full(&self->w));
	ASSERT_EQ(-ENOBUFS, pgm_txw_append(&self->w, pkt(16), 1, &sqn));
}

/* pgm_txw_nak() without the NCF decision. */
static int nak(struct pgm_txw *w, u32 sqn, u64 now, u64 ivl)
{
	bool confirm;

	return pgm_txw_nak(w, sqn, now, ivl, &confirm);
}

/* The NCF decision of pgm_txw_nak(); its result in @r. */
static bool confirms(struct pgm_txw *w, u32 sqn, u64 now, u64 ivl, int *r)
{
	bool confirm = true;
	int res = pgm_txw_nak(w, sqn, now, ivl, &confirm);

	if (r)
		*r = res;
	return confirm;
}

TEST_F(txw, nak_elimination)
{
	u32 first = self->w.next, sqn;

	send_n(&self->w, 4, 10 * MS);
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, nak(&self->w, first + 1, 11 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, nak(&self->w, first + 1, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, nak(&self->w, first + 3, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, nak(&self->w, first + 4, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_TOO_LATE, nak(&self->w, first - 1, 12 * MS, 50 * MS));

	ASSERT_EQ(pkt(first + 1), pgm_txw_peek_rtx(&self->w, &sqn));
	ASSERT_EQ(first + 1, sqn);
	pgm_txw_rtx_sent(&self->w, 13 * MS);
	/* Repaired 10 ms ago: one repair per interval however many NAKs. */
	ASSERT_EQ(PGM_TXW_NAK_RECENT, nak(&self->w, first + 1, 23 * MS, 50 * MS));
	ASSERT_EQ(pkt(first + 3), pgm_txw_peek_rtx(&self->w, &sqn));
	ASSERT_EQ(first + 3, sqn);
	pgm_txw_rtx_sent(&self->w, 24 * MS);
	ASSERT_EQ(NULL, pgm_txw_peek_rtx(&self->w, &sqn));
	/* After the interval a new NAK means the repair was lost. */
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, nak(&self->w, first + 1, 64 * MS, 50 * MS));
	ASSERT_EQ(2, self->w.stats.repairs);
	ASSERT_EQ(7, self->w.stats.naks);
	ASSERT_EQ(2, self->w.stats.naks_distinct);
	ASSERT_EQ(1, self->w.stats.naks_after_rdata);
}

/* Only what was sent and is still held is confirmed (issue 9: an NCF
 * for anything else sends every receiver chasing sequences that will
 * never come).
 */
TEST_F(txw, confirms_only_what_was_sent_and_is_held)
{
	u32 first = self->w.next, sqn;
	int r;

	send_n(&self->w, 4, 10 * MS);
	/* Queued but not sent: not a sequence the receivers may ask for. */
	pgm_txw_append(&self->w, pkt(first + 4), 100, &sqn);
	ASSERT_FALSE(confirms(&self->w, first + 4, 11 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, r);
	/* Never numbered: the next one, far ahead, half the space away. */
	ASSERT_FALSE(confirms(&self->w, first + 5, 11 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, r);
	ASSERT_FALSE(confirms(&self->w, first + 100000, 11 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, r);
	ASSERT_FALSE(confirms(&self->w, first + 0x7fffffffu, 11 * MS, 50 * MS,
			      &r));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, r);
	/* Behind the trail: just behind, far behind. */
	ASSERT_FALSE(confirms(&self->w, first - 1, 11 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_TOO_LATE, r);
	ASSERT_FALSE(confirms(&self->w, first - 0x7fffffffu, 11 * MS, 50 * MS,
			      &r));
	ASSERT_EQ(PGM_TXW_NAK_TOO_LATE, r);
	/* None of that queued anything or touched a slot. */
	ASSERT_EQ(0, self->w.rtx_len);
	ASSERT_EQ(0, self->w.stats.naks_distinct);
	ASSERT_EQ(4, self->w.stats.naks_invalid);
	ASSERT_EQ(2, self->w.stats.naks_too_late);
	/* Each sent one, across the wrap of the sequence space. */
	for (sqn = first; sqn != first + 4; sqn++) {
		ASSERT_TRUE(confirms(&self->w, sqn, 11 * MS, 50 * MS, &r));
		ASSERT_EQ(PGM_TXW_NAK_QUEUED, r);
	}
	/* Once the trail passed a sequence, it is too late again. */
	while (pgm_txw_peek_rtx(&self->w, &sqn))
		pgm_txw_rtx_sent(&self->w, 12 * MS);
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 100 * MS, ~0ULL));
	ASSERT_FALSE(confirms(&self->w, first, 200 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_TOO_LATE, r);
}

/* A flood of NAKs for one sequence: one NCF and one repair per repair
 * interval; a repeat after the interval (a receiver whose NCF was lost
 * repeats after NAK_RPT_IVL) is answered again.
 */
TEST_F(txw, one_ncf_and_one_repair_per_interval)
{
	u32 first = self->w.next, sqn;
	unsigned int ncfs = 0, repairs = 0, i;
	u64 t;
	int r;

	send_n(&self->w, 4, 10 * MS);
	/* 1000 NAKs in 49.9 ms: the first is confirmed and queued. */
	for (i = 0; i < 1000; i++) {
		t = 100 * MS + i * (MS / 20);
		ncfs += confirms(&self->w, first + 2, t, 50 * MS, &r);
		if (pgm_txw_peek_rtx(&self->w, &sqn)) {
			ASSERT_EQ(first + 2, sqn);
			pgm_txw_rtx_sent(&self->w, t);
			repairs++;
		}
	}
	ASSERT_EQ(1, ncfs);
	ASSERT_EQ(1, repairs);
	ASSERT_EQ(999, self->w.stats.naks_unconfirmed);
	ASSERT_EQ(1, self->w.stats.naks_distinct);
	/* 50 ms after the NCF and the repair: both again. */
	ASSERT_TRUE(confirms(&self->w, first + 2, 150 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, r);
	/* While that repair waits: no NCF within the interval... */
	ASSERT_FALSE(confirms(&self->w, first + 2, 199 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, r);
	/* ...one after it (the NCF was lost, the repair is still coming). */
	ASSERT_TRUE(confirms(&self->w, first + 2, 200 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, r);
	ASSERT_EQ(1, self->w.rtx_len);
	/* Other sequences have their own clocks. */
	ASSERT_TRUE(confirms(&self->w, first + 1, 200 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, r);
	ASSERT_TRUE(confirms(&self->w, first + 3, 200 * MS, 50 * MS, &r));
	ASSERT_FALSE(confirms(&self->w, first + 3, 200 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, r);
}

/* A repair sent, the NCF long ago: a NAK within the repair interval of
 * the repair is confirmed (the receiver lost the NCF) but not repaired.
 */
TEST_F(txw, recent_repair_confirmed_not_repeated)
{
	u32 first = self->w.next, sqn;
	int r;

	send_n(&self->w, 2, 10 * MS);
	ASSERT_TRUE(confirms(&self->w, first, 20 * MS, 50 * MS, &r));
	/* The rate held the repair back 60 ms. */
	pgm_txw_peek_rtx(&self->w, &sqn);
	pgm_txw_rtx_sent(&self->w, 80 * MS);
	ASSERT_TRUE(confirms(&self->w, first, 90 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_RECENT, r);
	ASSERT_EQ(NULL, pgm_txw_peek_rtx(&self->w, &sqn));
	ASSERT_FALSE(confirms(&self->w, first, 100 * MS, 50 * MS, &r));
	ASSERT_EQ(PGM_TXW_NAK_RECENT, r);
	/* A zero interval limits nothing. */
	ASSERT_TRUE(confirms(&self->w, first, 100 * MS, 0, &r));
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, r);
	ASSERT_TRUE(confirms(&self->w, first, 100 * MS, 0, &r));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, r);
}

/* A slot reused by a later sequence starts without the old one's NCF
 * time.
 */
TEST_F(txw, reused_slot_forgets_confirmation)
{
	u32 first = self->w.next, sqn;
	int i;

	send_n(&self->w, 16, 10 * MS);
	ASSERT_TRUE(confirms(&self->w, first, 20 * MS, 50 * MS, NULL));
	pgm_txw_peek_rtx(&self->w, &sqn);
	pgm_txw_rtx_sent(&self->w, 21 * MS);
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 11 * MS, ~0ULL));
	send_n(&self->w, 1, 22 * MS);
	ASSERT_EQ(first + 16, pgm_txw_lead(&self->w));
	ASSERT_TRUE(confirms(&self->w, first + 16, 23 * MS, 50 * MS, NULL));
	ASSERT_FALSE(confirms(&self->w, first, 23 * MS, 50 * MS, NULL));
	for (i = 1; i < 16; i++)
		ASSERT_TRUE(confirms(&self->w, first + i, 23 * MS, 50 * MS,
				     NULL));
}

TEST_F(txw, trail_by_time)
{
	u32 first = self->w.next;

	send_n(&self->w, 3, 10 * MS);
	send_n(&self->w, 3, 20 * MS);
	ASSERT_EQ(NULL, pgm_txw_advance(&self->w, 10 * MS, ~0ULL));
	ASSERT_EQ(pkt(first), pgm_txw_advance(&self->w, 11 * MS, ~0ULL));
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 11 * MS, ~0ULL));
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 11 * MS, ~0ULL));
	ASSERT_EQ(NULL, pgm_txw_advance(&self->w, 11 * MS, ~0ULL));
	ASSERT_EQ(first + 3, self->w.trail);
	ASSERT_EQ(300, self->w.bytes);
}

TEST_F(txw, trail_by_size)
{
	u32 sqn;

	send_n(&self->w, 6, 10 * MS);
	while (pgm_txw_advance(&self->w, 0, 250))
		;
	ASSERT_EQ(200, self->w.bytes);
	ASSERT_EQ(2, pgm_txw_len(&self->w));
	/* Only sent data counts against the window's size. */
	pgm_txw_append(&self->w, pkt(self->w.next), 1000, &sqn);
	ASSERT_EQ(NULL, pgm_txw_advance(&self->w, 0, 250));
	ASSERT_EQ(1000, self->w.unsent);
}

/* Unsent data and queued repairs hold the trailing edge. */
TEST_F(txw, trail_waits)
{
	u32 first = self->w.next, sqn;

	send_n(&self->w, 2, 10 * MS);
	pgm_txw_append(&self->w, pkt(first + 2), 100, &sqn);
	nak(&self->w, first, 11 * MS, 0);
	ASSERT_EQ(NULL, pgm_txw_advance(&self->w, 100 * MS, 0));
	pgm_txw_peek_rtx(&self->w, &sqn);
	pgm_txw_rtx_sent(&self->w, 12 * MS);
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 100 * MS, 0));
	ASSERT_NE(NULL, pgm_txw_advance(&self->w, 100 * MS, 0));
	ASSERT_EQ(NULL, pgm_txw_advance(&self->w, 100 * MS, 0));
	ASSERT_TRUE(pgm_txw_has_unsent(&self->w));
	ASSERT_EQ(1, pgm_txw_len(&self->w));
}

TEST_F(txw, stream_tail_coalescing)
{
	u32 sqn, tail;

	pgm_txw_append(&self->w, pkt(1), 10, &sqn);
	ASSERT_EQ(pkt(1), pgm_txw_peek_unsent_tail(&self->w, &tail));
	ASSERT_EQ(sqn, tail);
	pgm_txw_grow_tail(&self->w, 5);
	ASSERT_EQ(15, self->w.bytes);
	pgm_txw_peek_odata(&self->w, &tail);
	pgm_txw_odata_sent(&self->w, 1);
	ASSERT_EQ(NULL, pgm_txw_peek_unsent_tail(&self->w, &tail));
}

TEST_F(txw, drain)
{
	int n = 0;

	send_n(&self->w, 3, 10 * MS);
	nak(&self->w, self->w.trail, 11 * MS, 0);
	pgm_txw_append(&self->w, pkt(99), 1, &(u32){0});
	while (pgm_txw_drain(&self->w))
		n++;
	ASSERT_EQ(4, n);
	ASSERT_TRUE(pgm_txw_empty(&self->w));
	ASSERT_EQ(0, self->w.bytes);
	ASSERT_EQ(0, self->w.unsent);
	ASSERT_EQ(NULL, pgm_txw_peek_rtx(&self->w, &(u32){0}));
}

TEST_HARNESS_MAIN
