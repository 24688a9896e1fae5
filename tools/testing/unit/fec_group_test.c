// SPDX-License-Identifier: GPL-2.0
/*
 * The FEC receive core (net/pgm/fec_group.c): what a session keeps of
 * each transmission group, when and how it decodes, and how it NAKs,
 * driven through fecg_sim.h (the user-space fec_rx.c, which checks the
 * core's promises after every call and follows its decode plans with the
 * Reed-Solomon codec). Among them, the two inputs that crashed the kernel
 * before the core existed: a 1-byte OPT_VAR_PKTLEN parity packet, and a
 * group closed early below data it already held.
 */

#include <stdlib.h>
#include <string.h>

#include "fecg_sim.h"
#include "seq.h"

#include "kselftest_harness.h"

#define MAXLEN	40

static struct fecg_sim *sim_new(struct __test_metadata *_metadata, u32 k,
				u8 prm, u32 start)
{
	struct fecg_sim *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	if (sim_init(s, k, prm))
		abort();
	pgm_fecg_start(&s->f, start);
	s->commit = start;
	s->lead = start - 1;
	s->now = 1000;
	return s;
}

static void sim_del(struct fecg_sim *s)
{
	sim_free(s);
	free(s);
}

/* The source's data packet @sqn, as received. */
static int data(struct fecg_sim *s, u32 sqn)
{
	if (pgm_seq_after(sqn, s->lead))
		s->lead = sqn;
	return sim_data(s, sqn, sim_len(sqn, MAXLEN), sqn & 1, true);
}

/* The source's parity j of the group at @tg closed at @size (0: full). */
static int parity(struct fecg_sim *s, u32 tg, unsigned int j,
		  unsigned int size, bool odata)
{
	u8 buf[MAXLEN + 2], frag[PGM_FEC_FRAG_LEN];
	struct pgm_fecg_parity pp = { .odata = odata };
	unsigned int k = s->f.k;

	pp.len = sim_parity(s->rs, k, tg, size ? size : k, j, MAXLEN, false,
			    buf, frag, &pp.var, &pp.frag);
	pp.sqn = tg | (j % k);
	pp.grp = j / k;
	pp.tgsize = size;
	return sim_par(s, &pp, buf, pp.frag ? frag : NULL, true);
}

/* A forged parity packet: @len bytes of 0xa5. */
static int forged(struct fecg_sim *s, u32 sqn, u32 grp, u32 tgsize,
		  u32 len, bool var, bool frag)
{
	static u8 buf[70000], fb[PGM_FEC_FRAG_LEN];
	struct pgm_fecg_parity pp = {
		.sqn = sqn, .grp = grp, .tgsize = tgsize, .len = len,
		.var = var, .frag = frag, .odata = true,
	};

	memset(buf, 0xa5, sizeof(buf));
	return sim_par(s, &pp, buf, frag ? fb : NULL, false);
}

static unsigned int slot_of(struct fecg_sim *s, u32 tg)
{
	return (tg >> s->f.log2k) % PGM_FECG_GROUPS;
}

TEST(group_sizes_taken)
{
	static const struct {
		u32 k;
		int want;
	} c[] = {
		{ 2, 0 }, { 4, 0 }, { 8, 0 }, { 16, 0 }, { 32, 0 }, { 64, 0 },
		{ 128, 0 }, { 0, -EINVAL }, { 1, -EINVAL }, { 3, -EINVAL },
		{ 6, -EINVAL }, { 127, -EINVAL }, { 129, -EINVAL },
		{ 256, -EINVAL }, { 0x80000000U, -EINVAL },
		{ 0xffffffffU, -EINVAL },
	};
	struct pgm_fecg *f = malloc(sizeof(*f));
	unsigned int i;

	ASSERT_NE(NULL, f);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		memset(f, 0x5a, sizeof(*f));
		EXPECT_EQ(c[i].want, pgm_fecg_init(f, c[i].k, 0x02))
			TH_LOG("k %u", c[i].k);
		EXPECT_EQ(!c[i].want, pgm_fecg_k_ok(c[i].k));
		if (!c[i].want) {
			EXPECT_EQ(c[i].k, f->k);
			EXPECT_EQ(c[i].k, 1U << f->log2k);
			EXPECT_EQ(0U, f->held);
			EXPECT_TRUE(f->proactive);
		} else {
			EXPECT_EQ(0x5a, f->k);		/* untouched */
		}
	}
	free(f);
}

/*
 * The first remote crash: k = 2, data at the start of a group, then a
 * parity ODATA with OPT_VAR_PKTLEN whose TSDU is 1 byte. The block
 * length less the two length bytes underflowed and pgm_fec_pad() cleared
 * 4 GiB. Now such parity is refused, as is any block that cannot hold
 * the data kept; a 3-byte block holds one byte of TSDU.
 */
TEST(crash_var_parity_of_one_byte)
{
	struct fecg_sim *s = sim_new(_metadata, 2, 0x02, 100);
	unsigned int len;

	ASSERT_EQ(PGM_FECG_KEEP, sim_data(s, 100, 10, false, true));
	s->lead = 100;
	for (len = 0; len < 3; len++)
		EXPECT_EQ(PGM_FECG_SHORT, forged(s, 100, 0, 0, len, true, false))
			TH_LOG("length %u", len);
	EXPECT_EQ(PGM_FECG_SHORT, forged(s, 100, 0, 0, 0, false, false));
	EXPECT_EQ(1U, s->f.held);
	EXPECT_EQ(0UL, s->decodes);
	/* 3 bytes hold a 1-byte TSDU, not the 10 bytes kept: the group
	 * gives up and lets its data go.
	 */
	EXPECT_EQ(PGM_FECG_MISMATCH, forged(s, 100, 0, 0, 3, true, false));
	EXPECT_EQ(PGM_FECG_SELECTIVE, s->f.grp[slot_of(s, 100)].state);
	EXPECT_EQ(0U, s->f.held);
	EXPECT_EQ(0UL, s->bytes);
	EXPECT_EQ(PGM_FECG_CLOSED, forged(s, 100, 0, 0, 12, true, false));
	/* The next group: 1-byte data, 3-byte parity: decoded, within. */
	ASSERT_EQ(PGM_FECG_KEEP, sim_data(s, 102, 1, false, false));
	s->lead = 102;
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 102, 0, 0, 3, true, false));
	EXPECT_EQ(1UL, s->decodes);
	/* What came out is refused or a TSDU the block holds. */
	EXPECT_EQ(1UL, s->rebuilt + s->bad_rebuilt);
	if (s->n_out)
		EXPECT_GE(1, s->out[0].len);
	sim_del(s);
}

/*
 * The second: k = 4, data held at index 3, then OPT_CURR_TGSIZE 2 (in
 * parity or an SPM) and one parity packet. The group shrank below its
 * data, was counted complete, and the decoder ran with k - 1 blocks. A
 * group is closed early only below the data it holds and while it holds
 * no parity; data beyond a closed group makes it give up.
 */
TEST(crash_shrink_below_held_data)
{
	struct fecg_sim *s = sim_new(_metadata, 4, 0x03, 200);
	unsigned int sl = slot_of(s, 200);

	ASSERT_EQ(PGM_FECG_KEEP, data(s, 203));
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 201, 2, s->commit));
	sim_sync(s);
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 200, 0, 2, 8, false, false));
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 201, 0, 2, 8, false, false));
	EXPECT_EQ(4, s->f.grp[sl].size);
	EXPECT_EQ(0UL, s->decodes);
	/* Full-group parity is taken; one data and one parity of four. */
	EXPECT_EQ(PGM_FECG_KEEP, parity(s, 200, 0, 0, true));
	EXPECT_EQ(0UL, s->decodes);
	/* Held parity was for the full group: no shrinking now either. */
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 201, 2, s->commit));
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 201, 0, 2, 8, false, false));
	EXPECT_EQ(PGM_FECG_KEEP, data(s, 200));
	EXPECT_EQ(0UL, s->decodes);
	EXPECT_EQ(PGM_FECG_KEEP, parity(s, 200, 1, 0, true));
	EXPECT_EQ(1UL, s->decodes);
	EXPECT_EQ(2UL, s->verified);
	EXPECT_EQ(PGM_FECG_DONE, s->f.grp[sl].state);

	/* Shrunk first (SPM), then data beyond: the group gives up. */
	s->lead = 205;
	EXPECT_EQ(PGM_FECG_KEEP, data(s, 204));
	EXPECT_EQ(PGM_FECG_KEEP, pgm_fecg_tgsize(&s->f, 205, 2, s->commit));
	sim_sync(s);
	EXPECT_EQ(2, s->f.grp[slot_of(s, 204)].size);
	EXPECT_EQ(PGM_FECG_BEYOND, data(s, 206));
	EXPECT_EQ(PGM_FECG_SELECTIVE, s->f.grp[slot_of(s, 204)].state);
	EXPECT_EQ(0U, s->f.held);
	sim_del(s);
}

/* A whole group of every k, one data packet lost, rebuilt byte for byte
 * from parity; every k from 2 to 128, parity index 0 and the last one.
 */
TEST(every_k_rebuilds)
{
	u32 k;

	for (k = 2; k <= 128; k *= 2) {
		struct fecg_sim *s = sim_new(_metadata, k, 0x02, 0);
		unsigned int i, lost = k / 2 + 1 < k ? k / 2 + 1 : k - 1;

		for (i = 0; i < k; i++)
			if (i != lost && i != 0)
				ASSERT_EQ(PGM_FECG_KEEP, data(s, i));
		EXPECT_EQ(PGM_FECG_KEEP, parity(s, 0, 254 - k, 0, true))
			TH_LOG("k %u", k);
		EXPECT_EQ(0UL, s->decodes);
		EXPECT_EQ(PGM_FECG_INDEX, forged(s, (255 - k) % k,
						 (255 - k) / k, 0, 8, false,
						 false));
		EXPECT_EQ(PGM_FECG_KEEP, parity(s, 0, 0, 0, false));
		EXPECT_EQ(1UL, s->decodes) TH_LOG("k %u", k);
		EXPECT_EQ(2UL, s->verified) TH_LOG("k %u", k);
		ASSERT_EQ(2U, s->n_out);
		EXPECT_EQ(0U, s->out[0].sqn);
		EXPECT_EQ(lost, s->out[1].sqn);
		EXPECT_EQ((int)sim_len(lost, MAXLEN), s->out[1].len);
		EXPECT_EQ(lost & 1, s->out[1].has_frag);
		EXPECT_EQ(0U, s->f.held);
		EXPECT_EQ(0UL, s->bytes);
		/* Done: more of it is not kept. */
		EXPECT_EQ(PGM_FECG_CLOSED, parity(s, 0, 1, 0, true));
		EXPECT_EQ(PGM_FECG_CLOSED, data(s, lost));
		sim_del(s);
	}
}

/* Groups closed early: 1 to k - 1 packets, zeros beyond. */
TEST(closed_groups_rebuild)
{
	u32 k = 16, size;

	for (size = 1; size < k; size++) {
		struct fecg_sim *s = sim_new(_metadata, k, 0x02, 32);
		unsigned int i;

		for (i = 1; i < size; i++)
			ASSERT_EQ(PGM_FECG_KEEP, data(s, 32 + i));
		EXPECT_EQ(PGM_FECG_KEEP, parity(s, 32, 3, size, true))
			TH_LOG("size %u", size);
		EXPECT_EQ(size, s->f.grp[slot_of(s, 32)].size);
		EXPECT_EQ(1UL, s->decodes) TH_LOG("size %u", size);
		EXPECT_EQ(1UL, s->verified);
		ASSERT_EQ(1U, s->n_out);
		EXPECT_EQ(32U, s->out[0].sqn);
		sim_del(s);
	}
}

/* OPT_CURR_TGSIZE values: 0 (none) and k mean a full group; above k is
 * refused; a size at odds with the group's is refused.
 */
TEST(tgsize_values)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x02, 0);

	data(s, 1);
	s->lead = 7;
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 0, 0, 9, 44, false, false));
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 0, 0, 0xffffffffU, 44, false,
					  false));
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 0, 0, 8, 44, false, true));
	EXPECT_EQ(8, s->f.grp[0].size);
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 1, 0, 7, 44, false, true));
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 1, 0, 0, 44, false, true));
	/* SPM: 0, k and beyond are no closing; the lead must end it. */
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 15, 0, 0));
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 15, 8, 0));
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 15, 9, 0));
	EXPECT_EQ(PGM_FECG_TGSIZE, pgm_fecg_tgsize(&s->f, 15, 3, 0));
	EXPECT_EQ(PGM_FECG_KEEP, pgm_fecg_tgsize(&s->f, 10, 3, 0));
	EXPECT_EQ(3, s->f.grp[1].size);
	/* Parity for the full group is at odds with it now. */
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 8, 0, 0, 44, false, true));
	EXPECT_EQ(PGM_FECG_TGSIZE, forged(s, 8, 0, 4, 44, false, true));
	sim_sync(s);
	sim_del(s);
}

/* Parity indexes: j = OPT_PARITY_GRP * k + sequence mod k, below 255 - k. */
TEST(parity_index_range)
{
	struct fecg_sim *s = sim_new(_metadata, 4, 0x01, 0);

	data(s, 0);
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 2, 62, 0, 44, false, true));
	EXPECT_EQ(250, s->f.grp[0].par_idx[0]);
	EXPECT_EQ(PGM_FECG_INDEX, forged(s, 3, 62, 0, 44, false, true));
	EXPECT_EQ(PGM_FECG_INDEX, forged(s, 0, 63, 0, 44, false, true));
	EXPECT_EQ(PGM_FECG_INDEX, forged(s, 0, 0xffffffffU, 0, 44, false,
					 true));
	EXPECT_EQ(PGM_FECG_INDEX, forged(s, 3, 0x40000000U, 0, 44, false,
					 true));
	/* The same index again: the source has no fresh parity. */
	EXPECT_EQ(PGM_FECG_REPEAT, forged(s, 2, 62, 0, 44, false, true));
	EXPECT_TRUE(s->f.grp[0].nak_sel);
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 1, 3, 5000, false, 0));
	sim_del(s);
}

/* Parity at odds with the group's makes it give up; each case frees
 * everything the group kept.
 */
TEST(parity_mismatch_gives_up)
{
	static const struct {
		u32 len;
		bool var, frag;
	} c[] = {
		{ 43, false, true },	/* another length */
		{ 44, true, true },	/* another VAR_PKTLEN */
		{ 44, false, false },	/* another F bit */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct fecg_sim *s = sim_new(_metadata, 8, 0x01, 0);

		data(s, 1);
		data(s, 2);
		s->lead = 7;
		ASSERT_EQ(PGM_FECG_KEEP, forged(s, 0, 0, 0, 44, false, true));
		EXPECT_EQ(3U, s->f.held);
		EXPECT_EQ(PGM_FECG_MISMATCH, forged(s, 1, 0, 0, c[i].len,
						    c[i].var, c[i].frag))
			TH_LOG("case %u", i);
		EXPECT_EQ(PGM_FECG_SELECTIVE, s->f.grp[0].state);
		EXPECT_EQ(0U, s->f.held);
		EXPECT_EQ(0UL, s->bytes);
		EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 3, 7, 5000, false, 0));
		sim_del(s);
	}
}

/* Data at odds with parity held: longer than its block, or fragmented
 * where it encodes no fragments.
 */
TEST(data_mismatch_gives_up)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x01, 0);

	s->lead = 7;
	ASSERT_EQ(PGM_FECG_KEEP, forged(s, 0, 0, 0, 12, true, false));
	EXPECT_EQ(PGM_FECG_KEEP, sim_data(s, 1, 10, false, false));
	EXPECT_EQ(PGM_FECG_MISMATCH, sim_data(s, 2, 11, false, false));
	EXPECT_EQ(PGM_FECG_SELECTIVE, s->f.grp[0].state);
	ASSERT_EQ(PGM_FECG_KEEP, forged(s, 8, 0, 0, 12, true, false));
	EXPECT_EQ(PGM_FECG_MISMATCH, sim_data(s, 9, 3, true, false));
	EXPECT_EQ(0U, s->f.held);
	sim_del(s);
}

/* Data or parity of a group before collecting started, parity of a
 * group delivered or beyond the receive window: not kept.
 */
TEST(parity_window)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x01, 20);

	EXPECT_EQ(24U, s->f.from);
	EXPECT_EQ(PGM_FECG_BEFORE, data(s, 21));
	EXPECT_EQ(PGM_FECG_BEFORE, forged(s, 16, 0, 0, 44, false, true));
	s->span = 12;
	/* Ahead of the lead is fine: its data may all be lost. */
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 24, 0, 0, 44, false, true));
	EXPECT_EQ(PGM_FECG_AHEAD, forged(s, 32, 0, 0, 44, false, true));
	s->span = 13;
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 32, 0, 0, 44, false, true));
	EXPECT_EQ(PGM_FECG_AHEAD, forged(s, 0x80000000U, 0, 0, 44, false,
					 true));
	s->commit = 32;
	EXPECT_EQ(PGM_FECG_BEHIND, forged(s, 25, 0, 0, 44, false, true));
	/* A group the delivery point is inside of is not behind. */
	EXPECT_EQ(PGM_FECG_KEEP, forged(s, 33, 0, 0, 44, false, true));
	s->commit = 39;
	EXPECT_EQ(PGM_FECG_REPEAT, forged(s, 33, 0, 0, 44, false, true));
	s->commit = 40;
	EXPECT_EQ(PGM_FECG_BEHIND, forged(s, 34, 0, 0, 44, false, true));
	EXPECT_EQ(3U, s->f.held);
	sim_del(s);
}

/* A newer group takes an older one's entry (which is released), never
 * the reverse; the trail frees what it passes.
 */
TEST(entries_and_trail)
{
	struct fecg_sim *s = sim_new(_metadata, 2, 0x01, 0);
	u32 far = 2 * PGM_FECG_GROUPS;

	data(s, 0);
	EXPECT_EQ(1U, s->f.held);
	EXPECT_EQ(PGM_FECG_KEEP, data(s, far + 1));
	EXPECT_EQ(far, s->f.grp[0].tg);
	EXPECT_EQ(1U, s->f.held);
	EXPECT_EQ(PGM_FECG_BUSY, data(s, 1));
	EXPECT_EQ(PGM_FECG_KEEP, data(s, 2));
	EXPECT_EQ(2U, s->f.held);
	pgm_fecg_trail(&s->f, 4);
	sim_sync(s);
	EXPECT_EQ(1U, s->f.held);
	EXPECT_EQ(PGM_FECG_FREE, s->f.grp[1].state);
	pgm_fecg_trail(&s->f, far + 2);
	sim_sync(s);
	EXPECT_EQ(0U, s->f.held);
	EXPECT_EQ(0UL, s->bytes);
	sim_del(s);
}

/* A full group of data completes without parity and keeps nothing;
 * parity then is not kept.
 */
TEST(complete_group_done)
{
	struct fecg_sim *s = sim_new(_metadata, 4, 0x02, 0);

	EXPECT_EQ(PGM_FECG_KEEP, data(s, 0));
	EXPECT_EQ(PGM_FECG_DUP, data(s, 0));
	EXPECT_EQ(PGM_FECG_KEEP, data(s, 1));
	EXPECT_EQ(PGM_FECG_KEEP, data(s, 2));
	EXPECT_EQ(3U, s->f.held);
	EXPECT_EQ(PGM_FECG_COMPLETE, data(s, 3));
	EXPECT_EQ(0U, s->f.held);
	EXPECT_EQ(PGM_FECG_DONE, s->f.grp[0].state);
	EXPECT_EQ(PGM_FECG_CLOSED, parity(s, 0, 0, 0, true));
	EXPECT_EQ(0UL, s->decodes);
	sim_del(s);
}

/* On-demand NAK counts: misses less parity held; three rounds, then
 * selective for good (one event).
 */
TEST(nak_count_ondemand)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x01, 0);
	u64 t = 10;
	int r;

	data(s, 0);
	data(s, 1);
	data(s, 2);
	s->lead = 20;
	EXPECT_TRUE(s->f.ondemand);
	EXPECT_EQ(5, pgm_fecg_nak_count(&s->f, 3, 20, t, false, 0));
	/* The same round asks the same. */
	EXPECT_EQ(5, pgm_fecg_nak_count(&s->f, 4, 20, t, false, 0));
	ASSERT_EQ(PGM_FECG_KEEP, parity(s, 0, 0, 0, false));
	EXPECT_EQ(4, pgm_fecg_nak_count(&s->f, 3, 20, ++t, false, 0));
	EXPECT_EQ(0x0U | 3, pgm_fecg_nak_sqn(&s->f, 5, 4));
	EXPECT_EQ(4, pgm_fecg_nak_count(&s->f, 3, 20, ++t, false, 0));
	EXPECT_EQ(0U, pgm_fecg_events(&s->f));
	r = pgm_fecg_nak_count(&s->f, 3, 20, ++t, false, 0);
	EXPECT_EQ(0, r);
	EXPECT_EQ(PGM_FECG_EV_GAVEUP, pgm_fecg_events(&s->f));
	EXPECT_FALSE(s->f.ondemand);
	/* Another group: selective from now on, no second event. */
	data(s, 8);
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 9, 20, ++t, false, 0));
	EXPECT_EQ(0U, pgm_fecg_events(&s->f));
	/* A partial group (beyond the lead) and unknown groups: selective. */
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 21, 20, ++t, false, 0));
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 100, 200, ++t, false, 0));
	EXPECT_EQ(0U, pgm_fecg_nak_sqn(&s->f, 3, 0));	/* clamped */
	EXPECT_EQ(7U, pgm_fecg_nak_sqn(&s->f, 3, 99));
	sim_del(s);
}

/* Pro-active: a loss in a group still arriving waits while data comes;
 * with parity held, only the first losses it does not cover are NAKed.
 */
TEST(nak_count_proactive)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x02, 0);
	u64 wait = 100;

	s->now = 1000;
	data(s, 0);
	data(s, 4);
	EXPECT_EQ(-1, pgm_fecg_nak_count(&s->f, 1, 4, 1050, false, wait));
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 1, 4, 1050, true, wait));
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 1, 4, 1200, false, wait));
	data(s, 5);
	s->lead = 7;
	ASSERT_EQ(PGM_FECG_KEEP, parity(s, 0, 0, 0, true));
	ASSERT_EQ(PGM_FECG_KEEP, parity(s, 0, 1, 0, true));
	/* Missing 1, 2, 3, 6, 7; two parity: NAK three, the first ones. */
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 1, 7, 1200, false, wait));
	EXPECT_EQ(0, pgm_fecg_nak_count(&s->f, 3, 7, 1200, false, wait));
	EXPECT_EQ(-1, pgm_fecg_nak_count(&s->f, 6, 7, 1200, false, wait));
	EXPECT_EQ(-1, pgm_fecg_nak_count(&s->f, 7, 7, 1200, false, wait));
	data(s, 1);
	data(s, 2);
	EXPECT_EQ(0UL, s->decodes);
	data(s, 3);
	EXPECT_EQ(1UL, s->decodes);
	EXPECT_EQ(2UL, s->verified);
	sim_del(s);
}

/* P alone is re-read as OpenPGM's on-demand two groups on without
 * parity ODATA (one event); parity ODATA keeps it pro-active.
 */
TEST(prm_reread)
{
	struct fecg_sim *s = sim_new(_metadata, 8, 0x02, 0);

	data(s, 0);
	pgm_fecg_mode(&s->f, 15);
	EXPECT_TRUE(s->f.proactive);
	EXPECT_EQ(0U, pgm_fecg_events(&s->f));
	pgm_fecg_mode(&s->f, 16);
	EXPECT_FALSE(s->f.proactive);
	EXPECT_FALSE(s->f.ondemand);
	EXPECT_EQ(PGM_FECG_EV_SWAPPED, pgm_fecg_events(&s->f));
	pgm_fecg_spm(&s->f, 8, 0x02, 17);
	EXPECT_EQ(0U, pgm_fecg_events(&s->f));
	s->lead = 17;
	forged(s, 16, 0, 0, 44, false, true);
	EXPECT_TRUE(s->f.proactive);
	/* Another group size in a later SPM is ignored. */
	pgm_fecg_spm(&s->f, 16, 0x01, 17);
	EXPECT_EQ(8, s->f.k);
	EXPECT_TRUE(s->f.proactive);
	pgm_fecg_spm(&s->f, 8, 0x03, 17);
	EXPECT_TRUE(s->f.ondemand);
	sim_del(s);
}

TEST(ncf_range)
{
	struct fecg_sim *s = sim_new(_metadata, 16, 0x01, 0);
	u32 first;

	EXPECT_EQ(16U, pgm_fecg_ncf(&s->f, 0x23, 100, &first));
	EXPECT_EQ(0x20U, first);
	EXPECT_EQ(6U, pgm_fecg_ncf(&s->f, 0x23, 0x25, &first));
	EXPECT_EQ(1U, pgm_fecg_ncf(&s->f, 0x23, 0x20, &first));
	EXPECT_EQ(0U, pgm_fecg_ncf(&s->f, 0x23, 0x1f, &first));
	EXPECT_EQ(16U, pgm_fecg_ncf(&s->f, 0xfffffff3U, 5, &first));
	EXPECT_EQ(0xfffffff0U, first);
	sim_del(s);
}

TEST(rebuilt_fragment_checks)
{
	EXPECT_TRUE(pgm_fecg_frag_ok(0, 10, 10));
	EXPECT_TRUE(pgm_fecg_frag_ok(5, 10, 5));
	EXPECT_FALSE(pgm_fecg_frag_ok(5, 10, 6));
	EXPECT_FALSE(pgm_fecg_frag_ok(10, 10, 0));
	EXPECT_FALSE(pgm_fecg_frag_ok(0, 0, 0));
	EXPECT_FALSE(pgm_fecg_frag_ok(0xffffffffU, 0xffffffffU, 1));
	EXPECT_TRUE(pgm_fecg_frag_ok(0xfffffff0U, 0xffffffffU, 15));
	EXPECT_FALSE(pgm_fecg_frag_ok(0xfffffff0U, 0xffffffffU, 16));
}

/*
 * A forged group whose parity lies about the fragments: the decode runs
 * (the blocks are consistent) but what comes out is refused unless its
 * length and OPT_FRAGMENT are sound.
 */
TEST(forged_decode_checked)
{
	struct fecg_sim *s = sim_new(_metadata, 4, 0x01, 0);
	unsigned int i;

	data(s, 0);
	s->lead = 3;
	ASSERT_EQ(PGM_FECG_KEEP, forged(s, 0, 0, 0, 60, true, true));
	ASSERT_EQ(PGM_FECG_KEEP, forged(s, 1, 0, 0, 60, true, true));
	ASSERT_EQ(PGM_FECG_KEEP, forged(s, 2, 0, 0, 60, true, true));
	EXPECT_EQ(1UL, s->decodes);
	EXPECT_EQ(3UL, s->rebuilt + s->bad_rebuilt);
	for (i = 0; i < s->n_out; i++) {
		EXPECT_GE(58, s->out[i].len);
		if (s->out[i].has_frag)
			EXPECT_TRUE(pgm_fecg_frag_ok(s->out[i].off,
						     s->out[i].flen,
						     s->out[i].len));
	}
	sim_del(s);
}

/* Memory: 127 parity packets into each of 128 groups of k = 128 never
 * hold more than a group's worth each, and a group decodes once it has
 * k packets.
 */
TEST(parity_flood_bounded)
{
	struct fecg_sim *s = sim_new(_metadata, 128, 0x01, 0);
	unsigned int g, j;

	s->lead = 128 * 128;
	s->span = 1 << 16;
	for (g = 0; g < 128; g++)
		for (j = 0; j < 127; j++)
			forged(s, g * 128 + (j % 128), j / 128, 0, 16, false,
			       false);
	EXPECT_EQ(128U * 127, s->f.held);
	EXPECT_EQ(0UL, s->decodes);
	/* One data packet completes a group's k: it decodes. */
	EXPECT_EQ(PGM_FECG_KEEP, sim_data(s, 5, 16, false, false));
	EXPECT_EQ(1UL, s->decodes);
	EXPECT_EQ(127U * 127, s->f.held);
	sim_del(s);
}

TEST_HARNESS_MAIN
