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

TEST_F(txw, nak_elimination)
{
	u32 first = self->w.next, sqn;

	send_n(&self->w, 4, 10 * MS);
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, pgm_txw_nak(&self->w, first + 1, 11 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_PENDING, pgm_txw_nak(&self->w, first + 1, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, pgm_txw_nak(&self->w, first + 3, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_INVALID, pgm_txw_nak(&self->w, first + 4, 12 * MS, 50 * MS));
	ASSERT_EQ(PGM_TXW_NAK_TOO_LATE, pgm_txw_nak(&self->w, first - 1, 12 * MS, 50 * MS));

	ASSERT_EQ(pkt(first + 1), pgm_txw_peek_rtx(&self->w, &sqn));
	ASSERT_EQ(first + 1, sqn);
	pgm_txw_rtx_sent(&self->w, 13 * MS);
	/* Repaired 10 ms ago: one repair per interval however many NAKs. */
	ASSERT_EQ(PGM_TXW_NAK_RECENT, pgm_txw_nak(&self->w, first + 1, 23 * MS, 50 * MS));
	ASSERT_EQ(pkt(first + 3), pgm_txw_peek_rtx(&self->w, &sqn));
	ASSERT_EQ(first + 3, sqn);
	pgm_txw_rtx_sent(&self->w, 24 * MS);
	ASSERT_EQ(NULL, pgm_txw_peek_rtx(&self->w, &sqn));
	/* After the interval a new NAK means the repair was lost. */
	ASSERT_EQ(PGM_TXW_NAK_QUEUED, pgm_txw_nak(&self->w, first + 1, 64 * MS, 50 * MS));
	ASSERT_EQ(2, self->w.stats.repairs);
	ASSERT_EQ(7, self->w.stats.naks);
	ASSERT_EQ(2, self->w.stats.naks_distinct);
	ASSERT_EQ(1, self->w.stats.naks_after_rdata);
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
	pgm_txw_nak(&self->w, first, 11 * MS, 0);
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
	pgm_txw_nak(&self->w, self->w.trail, 11 * MS, 0);
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
