// SPDX-License-Identifier: GPL-2.0
/*
 * PGM FEC at the receiver, the decisions: transmission groups, what they
 * keep, when they decode, how they NAK. Pure code; see fec_group.h.
 *
 * Everything a packet says is checked against what the group already
 * holds before anything is kept, so that a decode plan is consistent by
 * construction: k different block indices, a block length every parity
 * packet has and every data TSDU fits in (with OPT_VAR_PKTLEN, less the
 * two length bytes), and exactly the missing data to rebuild. The plan is
 * checked once more when it is made. A group whose packets contradict
 * each other gives up (SELECTIVE): which of them lies cannot be told, and
 * selective NAKs repair it as without FEC.
 *
 * A group is closed early (OPT_CURR_TGSIZE) only while it holds no
 * parity (what it holds was computed for the full group) and no data at
 * or beyond the new size; data beyond it later makes the group give up.
 */

#include <linux/errno.h>
#include <linux/string.h>

#include "fec_group.h"
#include "seq.h"

static bool bit_get(const u64 *map, unsigned int i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void bit_set(u64 *map, unsigned int i)
{
	map[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(u64 *map, unsigned int i)
{
	map[i / 64] &= ~(1ULL << (i % 64));
}

static unsigned int fecg_slot(const struct pgm_fecg *f, u32 tg)
{
	return (tg >> f->log2k) % PGM_FECG_GROUPS;
}

/* Bytes of a block that follow its TSDU. */
static unsigned int fecg_lb(bool var)
{
	return var ? PGM_FECG_LEN_BYTES : 0;
}

/* The first group starting at or after @sqn. */
static u32 fecg_first(const struct pgm_fecg *f, u32 sqn)
{
	u32 tg = pgm_fecg_tg(f, sqn);

	return tg == sqn ? tg : tg + f->k;
}

/* Move the group at @slot to @state; what a COLLECT group kept is the
 * caller's to release (pgm_fecg_reap()).
 */
static void fecg_release(struct pgm_fecg *f, unsigned int slot, u8 state)
{
	struct pgm_fecg_grp *g = &f->grp[slot];

	if (g->state == PGM_FECG_COLLECT) {
		f->held -= g->n_data + g->n_par;
		if (g->n_data || g->n_par)
			bit_set(f->dead, slot);
		g->n_data = 0;
		g->n_par = 0;
		memset(g->data, 0, sizeof(g->data));
	}
	g->state = state;
}

/* The group starting at @tg; made (COLLECT) if @make and its entry is
 * free or holds an older group. NULL with *@why set if there is none.
 */
static struct pgm_fecg_grp *fecg_find(struct pgm_fecg *f, u32 tg, bool make,
				      unsigned int *slot, int *why)
{
	struct pgm_fecg_grp *g;
	unsigned int s;

	if (!f->from_set || pgm_seq_before(tg, f->from)) {
		*why = PGM_FECG_BEFORE;
		return NULL;
	}
	s = fecg_slot(f, tg);
	g = &f->grp[s];
	*slot = s;
	if (g->state != PGM_FECG_FREE && g->tg == tg)
		return g;
	*why = PGM_FECG_BUSY;
	if (!make ||
	    (g->state != PGM_FECG_FREE && pgm_seq_after(g->tg, tg)))
		return NULL;
	fecg_release(f, s, PGM_FECG_FREE);
	memset(g, 0, sizeof(*g));
	g->state = PGM_FECG_COLLECT;
	g->tg = tg;
	g->size = f->k;
	return g;
}

/* Does the group keep data at index @from or beyond? */
static bool fecg_data_from(const struct pgm_fecg *f,
			   const struct pgm_fecg_grp *g, unsigned int from)
{
	unsigned int i;

	for (i = from; i < f->k; i++)
		if (bit_get(g->data, i))
			return true;
	return false;
}

/**
 * pgm_fecg_init() - set a session's FEC up from the source's OPT_PARITY_PRM
 * @f: the state, all of it (re)initialised
 * @tgs: the transmission group size the source announced
 * @prm: its PGM_PARITY_PRM_* bits
 *
 * Return: 0, or -EINVAL if @tgs is not a power of two from 2 to 128 (@f
 * is untouched then).
 */
int pgm_fecg_init(struct pgm_fecg *f, u32 tgs, u8 prm)
{
	if (!pgm_fecg_k_ok(tgs))
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->k = tgs;
	f->log2k = __builtin_ctz(tgs);
	f->prm = prm;
	pgm_fec_prm_read(prm, false, false, &f->ondemand, &f->proactive);
	return 0;
}

/**
 * pgm_fecg_start() - where collecting starts, unless known already
 * @f: the state
 * @sqn: the first sequence whose group can be seen whole: groups from
 *	the first one starting at or after it are collected
 */
void pgm_fecg_start(struct pgm_fecg *f, u32 sqn)
{
	if (f->from_set)
		return;
	f->from = fecg_first(f, sqn);
	f->from_set = true;
}

/**
 * pgm_fecg_mode() - read the source's OPT_PARITY_PRM again
 * @f: the state
 * @lead: the receive window's lead
 *
 * P alone may turn out to be OpenPGM's on-demand (pgm_fec_prm_read());
 * the first time it does, PGM_FECG_EV_SWAPPED is raised. After parity
 * NAKs failed, the source is not asked for parity again.
 */
void pgm_fecg_mode(struct pgm_fecg *f, u32 lead)
{
	if (!f->two_groups && f->from_set &&
	    pgm_fec_groups_passed(f->k, f->from, lead, 2))
		f->two_groups = true;
	if (pgm_fec_prm_read(f->prm, f->parity_odata, f->two_groups,
			     &f->ondemand, &f->proactive) && !f->swapped) {
		f->swapped = true;
		f->events |= PGM_FECG_EV_SWAPPED;
	}
	if (f->parity_failed)
		f->ondemand = false;
}

/**
 * pgm_fecg_spm() - a later OPT_PARITY_PRM of the source
 * @f: the state
 * @tgs: its group size: one other than the session's is ignored
 * @prm: its PGM_PARITY_PRM_* bits
 * @lead: the receive window's lead
 */
void pgm_fecg_spm(struct pgm_fecg *f, u32 tgs, u8 prm, u32 lead)
{
	if (tgs != f->k)
		return;
	f->prm = prm;
	pgm_fecg_mode(f, lead);
}

/**
 * pgm_fecg_data() - a data packet the receive window took
 * @f: the state
 * @sqn: its sequence
 * @len: its TSDU length
 * @frag: it has OPT_FRAGMENT
 * @commit: the window's delivery point (collecting starts there if this
 *	is the first data)
 * @lead: the window's lead
 * @now: the time, ns
 * @ref: out, on PGM_FECG_KEEP: where the caller keeps the packet (its
 *	index in the group)
 *
 * The group becomes DONE when this completes it. Data that contradicts
 * the group's parity (longer than its blocks hold, or fragmented where
 * the parity encodes no fragments), or lies beyond a group closed early,
 * makes the group give up. After PGM_FECG_KEEP, pgm_fecg_ready() says
 * whether to decode now.
 *
 * Return: PGM_FECG_KEEP, or why not (enum pgm_fecg_why).
 */
int pgm_fecg_data(struct pgm_fecg *f, u32 sqn, unsigned int len, bool frag,
		  u32 commit, u32 lead, u64 now, struct pgm_fecg_ref *ref)
{
	unsigned int i = sqn & (f->k - 1), slot;
	struct pgm_fecg_grp *g;
	int why;

	f->last_data = now;
	pgm_fecg_start(f, commit);
	pgm_fecg_mode(f, lead);
	g = fecg_find(f, pgm_fecg_tg(f, sqn), true, &slot, &why);
	if (!g)
		return why;
	if (g->state != PGM_FECG_COLLECT)
		return PGM_FECG_CLOSED;
	if (i >= g->size) {
		fecg_release(f, slot, PGM_FECG_SELECTIVE);
		return PGM_FECG_BEYOND;
	}
	if (bit_get(g->data, i))
		return PGM_FECG_DUP;
	if (len > 0xffff ||
	    (g->n_par && (len > g->plen - fecg_lb(g->var) ||
			  (frag && !g->frag)))) {
		fecg_release(f, slot, PGM_FECG_SELECTIVE);
		return PGM_FECG_MISMATCH;
	}
	if (g->n_data + 1 >= g->size) {
		fecg_release(f, slot, PGM_FECG_DONE);
		return PGM_FECG_COMPLETE;
	}
	bit_set(g->data, i);
	g->n_data++;
	f->held++;
	if (len > g->max_len)
		g->max_len = len;
	g->dfrag |= frag;
	ref->slot = slot;
	ref->pos = i;
	return PGM_FECG_KEEP;
}

/**
 * pgm_fecg_parity() - a parity packet (ODATA or RDATA with OPT_PARITY)
 * @f: the state
 * @pp: what it says
 * @commit: the receive window's delivery point
 * @lead: the receive window's lead
 * @span: the receive window's capacity: data from @commit + @span on
 *	would not fit in it
 * @ref: out, on PGM_FECG_KEEP: where the caller keeps the packet (its
 *	position among the group's parity)
 *
 * Its parity index (OPT_PARITY_GRP * k + sequence mod k) must be below
 * 255 - k; its TSDU, the block, at least a byte (three with
 * OPT_VAR_PKTLEN: the last two are the length); its OPT_CURR_TGSIZE (0:
 * none) at most k. Its group must not be delivered yet nor begin beyond
 * the receive window. OPT_CURR_TGSIZE closes the group early if it can be
 * (fec_group.h); otherwise it must say the group's size. Parity at odds
 * with the group's (its length or flags) or with its data (a TSDU longer
 * than the block holds, fragments not encoded) makes the group give up;
 * a parity index it has already makes it NAK selectively. After
 * PGM_FECG_KEEP, pgm_fecg_ready() says whether to decode now.
 *
 * Return: PGM_FECG_KEEP, or why not (enum pgm_fecg_why).
 */
int pgm_fecg_parity(struct pgm_fecg *f, const struct pgm_fecg_parity *pp,
		    u32 commit, u32 lead, u32 span, struct pgm_fecg_ref *ref)
{
	unsigned int k = f->k, lb = fecg_lb(pp->var), size, slot, p;
	u32 tg = pgm_fecg_tg(f, pp->sqn);
	struct pgm_fecg_grp *g;
	u64 j;
	int why;

	if (pp->odata && !f->parity_odata) {
		f->parity_odata = true;
		pgm_fecg_mode(f, lead);
	}
	j = (u64)pp->grp * k + (pp->sqn & (k - 1));
	if (j >= PGM_FEC_N_MAX - k)
		return PGM_FECG_INDEX;
	if (pp->len < 1 + lb || pp->len > 0xffff)
		return PGM_FECG_SHORT;
	if (pp->tgsize > k)
		return PGM_FECG_TGSIZE;
	if (!pgm_seq_after(tg + k, commit))
		return PGM_FECG_BEHIND;
	if (pgm_seq_after(tg, commit) && tg - commit >= span)
		return PGM_FECG_AHEAD;
	g = fecg_find(f, tg, true, &slot, &why);
	if (!g)
		return why;
	if (g->state != PGM_FECG_COLLECT)
		return PGM_FECG_CLOSED;
	size = pp->tgsize ? pp->tgsize : k;
	if (size != g->size &&
	    (g->size != k || g->n_par || fecg_data_from(f, g, size)))
		return PGM_FECG_TGSIZE;
	if (g->n_par) {
		if (pp->var != g->var || pp->frag != g->frag ||
		    pp->len != g->plen) {
			fecg_release(f, slot, PGM_FECG_SELECTIVE);
			return PGM_FECG_MISMATCH;
		}
		for (p = 0; p < g->n_par; p++) {
			if (g->par_idx[p] == j) {
				g->nak_sel = true;
				return PGM_FECG_REPEAT;
			}
		}
	}
	if (g->max_len > pp->len - lb || (g->dfrag && !pp->frag)) {
		fecg_release(f, slot, PGM_FECG_SELECTIVE);
		return PGM_FECG_MISMATCH;
	}
	if (size != g->size) {
		g->size = size;
		if (g->n_data >= size) {
			fecg_release(f, slot, PGM_FECG_DONE);
			return PGM_FECG_COMPLETE;
		}
	}
	g->var = pp->var;
	g->frag = pp->frag;
	g->plen = pp->len;
	ref->slot = slot;
	ref->pos = g->n_par;
	g->par_idx[g->n_par++] = j;
	f->held++;
	return PGM_FECG_KEEP;
}

/**
 * pgm_fecg_tgsize() - an SPM's OPT_CURR_TGSIZE: the group of its lead
 *	was closed early
 * @f: the state
 * @lead: the SPM's lead, the group's last sequence
 * @tgsize: the group's size, 1 to k - 1
 * @commit: the receive window's delivery point
 *
 * The group becomes DONE if it holds all the data of its new size.
 *
 * Return: PGM_FECG_KEEP if taken, or why not (enum pgm_fecg_why).
 */
int pgm_fecg_tgsize(struct pgm_fecg *f, u32 lead, u32 tgsize, u32 commit)
{
	u32 tg = pgm_fecg_tg(f, lead);
	struct pgm_fecg_grp *g;
	unsigned int slot;
	int why;

	if (!tgsize || tgsize >= f->k || tg + tgsize - 1 != lead)
		return PGM_FECG_TGSIZE;
	if (!pgm_seq_after(tg + f->k, commit))
		return PGM_FECG_BEHIND;
	g = fecg_find(f, tg, true, &slot, &why);
	if (!g)
		return why;
	if (g->state != PGM_FECG_COLLECT)
		return PGM_FECG_CLOSED;
	if (g->size == tgsize)
		return PGM_FECG_KEEP;
	if (g->size != f->k || g->n_par || fecg_data_from(f, g, tgsize))
		return PGM_FECG_TGSIZE;
	g->size = tgsize;
	if (g->n_data >= tgsize)
		fecg_release(f, slot, PGM_FECG_DONE);
	return PGM_FECG_KEEP;
}

/**
 * pgm_fecg_ready() - can the group at @slot rebuild its missing data now?
 * @f: the state
 * @slot: the group's entry
 *
 * Return: true when it collects, holds parity, and holds as many data and
 * parity packets as it has data packets.
 */
bool pgm_fecg_ready(const struct pgm_fecg *f, unsigned int slot)
{
	const struct pgm_fecg_grp *g = &f->grp[slot % PGM_FECG_GROUPS];

	return g->state == PGM_FECG_COLLECT && g->n_par &&
	       g->n_data + g->n_par >= g->size;
}

/**
 * pgm_fecg_plan() - how to rebuild the missing data of a ready group
 * @f: the state
 * @slot: the group's entry
 * @p: out: the plan
 *
 * The k source blocks are the data kept (below the group's size), zeros
 * for the indices from its size to k, and as many parity packets as data
 * is missing, first come first. The plan is checked whole: k different
 * indices below 255, a block length of at least one byte (three with
 * OPT_VAR_PKTLEN) that holds every data TSDU kept, and every missing data
 * index to rebuild. A plan that fails makes the group give up.
 *
 * Return: 0; -EAGAIN if the group is not ready (nothing changes);
 * -EINVAL if it gave up.
 */
int pgm_fecg_plan(struct pgm_fecg *f, unsigned int slot,
		  struct pgm_fecg_plan *p)
{
	unsigned int k = f->k, lb, i, n = 0, m = 0;
	struct pgm_fecg_grp *g;
	u64 seen[4] = { 0 };

	if (slot >= PGM_FECG_GROUPS || !pgm_fecg_ready(f, slot))
		return -EAGAIN;
	g = &f->grp[slot];
	lb = fecg_lb(g->var);
	if (g->plen < 1 + lb || g->max_len > g->plen - lb ||
	    g->size < 1 || g->size > k || g->n_par > k ||
	    fecg_data_from(f, g, g->size))
		goto bad;
	for (i = 0; i < g->size; i++) {
		if (bit_get(g->data, i)) {
			p->index[n] = i;
			p->kind[n] = PGM_FECG_SRC_DATA;
			p->ref[n++] = i;
		} else {
			p->rebuild[m++] = i;
		}
	}
	if (n != g->n_data || !m || m > g->n_par)
		goto bad;
	for (i = g->size; i < k; i++) {
		p->index[n] = i;
		p->kind[n] = PGM_FECG_SRC_ZERO;
		p->ref[n++] = 0;
	}
	for (i = 0; i < m; i++) {
		if (k + g->par_idx[i] >= PGM_FEC_N_MAX)
			goto bad;
		p->index[n] = k + g->par_idx[i];
		p->kind[n] = PGM_FECG_SRC_PARITY;
		p->ref[n++] = i;
	}
	if (n != k)
		goto bad;
	for (i = 0; i < k; i++) {
		if (bit_get(seen, p->index[i]))
			goto bad;
		bit_set(seen, p->index[i]);
	}
	p->tg = g->tg;
	p->k = k;
	p->size = g->size;
	p->blen = g->plen;
	p->tsdu_max = g->plen - lb;
	p->var = g->var;
	p->frag = g->frag;
	p->n_rebuild = m;
	return 0;
bad:
	fecg_release(f, slot, PGM_FECG_SELECTIVE);
	return -EINVAL;
}

/**
 * pgm_fecg_done() - the group at @slot was rebuilt: it is DONE
 * @f: the state
 * @slot: the group's entry
 */
void pgm_fecg_done(struct pgm_fecg *f, unsigned int slot)
{
	if (slot < PGM_FECG_GROUPS && f->grp[slot].state == PGM_FECG_COLLECT)
		fecg_release(f, slot, PGM_FECG_DONE);
}

/**
 * pgm_fecg_give_up() - FEC cannot repair the group at @slot
 * @f: the state
 * @slot: the group's entry
 *
 * The caller could not keep a packet the group took, or could not decode
 * it: the group keeps nothing more and its losses are NAKed selectively.
 */
void pgm_fecg_give_up(struct pgm_fecg *f, unsigned int slot)
{
	if (slot < PGM_FECG_GROUPS && f->grp[slot].state == PGM_FECG_COLLECT)
		fecg_release(f, slot, PGM_FECG_SELECTIVE);
}

/**
 * pgm_fecg_reap() - an entry whose packets the caller must release
 * @f: the state
 * @slot: out: the entry (its group now keeps nothing)
 *
 * Each entry is named once for each time its group stopped keeping
 * packets; call until false after every call that may change a group.
 *
 * Return: true if there was one.
 */
bool pgm_fecg_reap(struct pgm_fecg *f, unsigned int *slot)
{
	unsigned int w;

	for (w = 0; w < PGM_FECG_GROUPS / 64; w++) {
		if (f->dead[w]) {
			*slot = w * 64 + __builtin_ctzll(f->dead[w]);
			bit_clear(f->dead, *slot);
			return true;
		}
	}
	return false;
}

/**
 * pgm_fecg_events() - the PGM_FECG_EV_* raised since the last call
 * @f: the state
 *
 * Return: the events, cleared.
 */
unsigned int pgm_fecg_events(struct pgm_fecg *f)
{
	unsigned int ev = f->events;

	f->events = 0;
	return ev;
}

/**
 * pgm_fecg_trail() - the window's trail moved: forget older groups
 * @f: the state
 * @trail: the new trailing edge
 */
void pgm_fecg_trail(struct pgm_fecg *f, u32 trail)
{
	unsigned int s;

	for (s = 0; s < PGM_FECG_GROUPS; s++) {
		struct pgm_fecg_grp *g = &f->grp[s];

		if (g->state != PGM_FECG_FREE &&
		    pgm_seq_before(g->tg + f->k - 1, trail))
			fecg_release(f, s, PGM_FECG_FREE);
	}
}

/* Pro-active parity only: of a group's losses, repair selectively only
 * as many as the parity held does not cover (the first ones); the rest
 * is rebuilt once those arrive. 0: NAK @sqn; -1: wait.
 */
static int fecg_nak_some(const struct pgm_fecg *f,
			 const struct pgm_fecg_grp *g, u32 sqn)
{
	unsigned int i, pos = 0, idx = sqn & (f->k - 1);
	int need = g->size - g->n_data - g->n_par;

	if (!g->n_par || idx >= g->size || need <= 0)
		return 0;
	for (i = 0; i < idx; i++)
		if (!bit_get(g->data, i))
			pos++;
	return (int)pos < need ? 0 : -1;
}

/**
 * pgm_fecg_nak_count() - how to ask for a lost sequence
 * @f: the state
 * @sqn: a sequence the window wants to NAK
 * @lead: the window's lead
 * @now: the time, ns
 * @fin: the source ended the session
 * @wait: how long a loss in a group still arriving waits for pro-active
 *	parity after the last data, ns
 *
 * The source's mode is read again first (pgm_fecg_mode()): an OpenPGM
 * source's on-demand parity may only now show for what it is.
 *
 * With pro-active parity, a loss in a group still arriving waits for the
 * group's parity (while data keeps coming: an idle source sends no
 * parity for a partial group). With on-demand parity, a full group the
 * receiver collected is repaired with parity: as many packets as it
 * misses, less the parity it holds. Parity that did not come after three
 * rounds of parity NAKs will not, for this group or any later one
 * (PGM_FECG_EV_GAVEUP).
 *
 * Return: that count (1 to k); 0 to NAK @sqn selectively; -1 to wait.
 */
int pgm_fecg_nak_count(struct pgm_fecg *f, u32 sqn, u32 lead, u64 now,
		       bool fin, u64 wait)
{
	u32 tg = pgm_fecg_tg(f, sqn);
	struct pgm_fecg_grp *g;
	unsigned int slot;
	int want, why;
	bool partial;

	pgm_fecg_mode(f, lead);
	g = fecg_find(f, tg, false, &slot, &why);
	/* A group the source closed early is not partial: it is complete. */
	partial = pgm_seq_after(tg + f->k - 1, lead) &&
		  (!g || g->size == f->k);
	if (f->proactive && partial && !fin && now >= f->last_data &&
	    now - f->last_data < wait)
		return -1;
	if (!g || g->state != PGM_FECG_COLLECT || g->nak_sel || partial)
		return 0;
	if (!f->ondemand)
		return fecg_nak_some(f, g, sqn);
	/* The group's NAKs of one round go out together, at one time. */
	if (now != g->last_nak) {
		g->last_nak = now;
		if (++g->nak_rounds > 3) {
			g->nak_sel = true;
			if (!f->parity_failed)
				f->events |= PGM_FECG_EV_GAVEUP;
			f->parity_failed = true;
			f->ondemand = false;
			return 0;
		}
	}
	want = g->size - g->n_data - g->n_par;
	return want > 0 ? want : 1;
}

/**
 * pgm_fecg_nak_sqn() - the sequence of a parity NAK
 * @f: the state
 * @sqn: a sequence of the group
 * @count: parity packets wanted, 1 to k (clamped)
 *
 * Return: the group's first sequence | (@count - 1) (RFC 3208 A.4).
 */
u32 pgm_fecg_nak_sqn(const struct pgm_fecg *f, u32 sqn, unsigned int count)
{
	if (count < 1)
		count = 1;
	if (count > f->k)
		count = f->k;
	return pgm_fecg_tg(f, sqn) | (count - 1);
}

/**
 * pgm_fecg_ncf() - the sequences a parity NCF confirms
 * @f: the state
 * @sqn: the NCF's sequence (group | count - 1)
 * @lead: the window's lead
 * @first: out: the group's first sequence
 *
 * A parity NCF confirms the repair of all its group's losses known so
 * far: the group's sequences up to the lead.
 *
 * Return: how many sequences from @first, at most k.
 */
unsigned int pgm_fecg_ncf(const struct pgm_fecg *f, u32 sqn, u32 lead,
			  u32 *first)
{
	u32 tg = pgm_fecg_tg(f, sqn);

	*first = tg;
	if (pgm_seq_after(tg, lead))
		return 0;
	return lead - tg >= f->k ? f->k : lead - tg + 1;
}

/**
 * pgm_fecg_frag_ok() - is a rebuilt packet's OPT_FRAGMENT sound?
 * @off: its offset
 * @len: its message length
 * @tsdu_len: the packet's TSDU length
 *
 * The checks a received data packet's OPT_FRAGMENT passes (packet.c):
 * the fragment starts inside the message and fits in it.
 *
 * Return: true if it does.
 */
bool pgm_fecg_frag_ok(u32 off, u32 len, unsigned int tsdu_len)
{
	return off < len && len - off >= tsdu_len;
}
