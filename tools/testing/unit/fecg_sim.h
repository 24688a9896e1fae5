/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fecg_sim.h: a user-space stand-in for fec_rx.c around the pure FEC
 * receive core (net/pgm/fec_group.c), shared by fec_group_test.c and the
 * fec_fuzz target. It keeps each packet the core keeps in a heap buffer
 * of exactly its length (so AddressSanitizer sees any read past it),
 * releases what pgm_fecg_reap() names, follows pgm_fecg_plan() with the
 * Reed-Solomon codec as the kernel does, and checks, after every call,
 * what the core promises: plans well formed, the packets it holds the
 * ones it counts, nothing held by a group that keeps nothing.
 *
 * A source model makes honest packets: the data of sequence s has
 * sim_len(s) bytes of sim_byte(s, i), and an OPT_FRAGMENT when s is odd;
 * honest parity is encoded over a group of such data as fec_tx.c encodes
 * it. A rebuilt packet of a group that only ever kept honest packets must
 * be the source's, byte for byte.
 */
#ifndef FECG_SIM_H
#define FECG_SIM_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fec.h"
#include "fec_group.h"
#include "rs.h"

#define SIM_PKTS	(2 * PGM_FEC_K_MAX)

struct sim_pkt {
	u8	*buf;
	u32	len;
	u8	frag[PGM_FEC_FRAG_LEN];	/* encoded OPT_FRAGMENT */
	bool	honest;
};

struct sim_out {
	u32	sqn;
	int	len;
	bool	has_frag;
	u32	first, off, flen;
	u8	*buf;
};

struct fecg_sim {
	struct pgm_fecg		f;
	struct pgm_rs		*rs;
	u8			*rm;
	bool			on;
	int			busy;		/* entry being filled, or -1 */
	u32			commit;
	u32			lead;
	u32			span;		/* the window's capacity */
	u64			now;
	unsigned long		bytes;		/* held, in buffers */
	unsigned long		decodes;
	unsigned long		rebuilt;
	unsigned long		verified;
	unsigned long		bad_rebuilt;	/* unpad or fragment refused */
	struct sim_pkt		pkt[PGM_FECG_GROUPS][SIM_PKTS];
	struct sim_out		out[PGM_FEC_K_MAX];
	unsigned int		n_out;
};

#define SIM_REQUIRE(c)	sim_require((c), #c, __FILE__, __LINE__)

static inline void sim_require(bool ok, const char *what, const char *file,
			       int line)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: %s\n", file, line, what);
	abort();
}

/* ----- the source model ----- */

static inline unsigned int sim_len(u32 sqn, unsigned int maxlen)
{
	return 1 + (sqn * 2654435761U >> 7) % maxlen;
}

static inline u8 sim_byte(u32 sqn, unsigned int i)
{
	return (u8)(sqn * 31 + i * 7 + (sqn >> 8) + 1);
}

static inline void sim_frag(u32 sqn, unsigned int len, u8 *blk)
{
	/* Odd sequences are fragments of a message of their own. */
	pgm_fec_frag_put(blk, sqn & 1, sqn, 0, len);
}

/* Honest parity j of the group at @tg closed at @size (k: full); every
 * data length below @maxlen. Return: its length; @frag gets the encoded
 * OPT_FRAGMENT; *@var and *@has_frag what the header says.
 */
static inline unsigned int sim_parity(const struct pgm_rs *rs,
				      unsigned int k, u32 tg,
				      unsigned int size, unsigned int j,
				      unsigned int maxlen, bool fixed,
				      u8 *out, u8 *frag, bool *var,
				      bool *has_frag)
{
	static u8 blk[PGM_FEC_K_MAX][65536 / 64];
	static u8 fblk[PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
	const u8 *src[PGM_FEC_K_MAX] = { NULL };
	unsigned int i, max = 0, first = 0, blen, len;

	*var = false;
	*has_frag = false;
	for (i = 0; i < size; i++) {
		len = fixed ? maxlen : sim_len(tg + i, maxlen);
		if (i && len != first)
			*var = true;
		if (!i)
			first = len;
		if (len > max)
			max = len;
		*has_frag |= (tg + i) & 1;
	}
	blen = pgm_fec_block_len(max, *var);
	SIM_REQUIRE(blen <= sizeof(blk[0]));
	for (i = 0; i < k; i++) {
		memset(blk[i], 0, blen);
		pgm_fec_frag_put(fblk[i], false, 0, 0, 0);
		if (i < size) {
			unsigned int b;

			len = fixed ? maxlen : sim_len(tg + i, maxlen);
			for (b = 0; b < len; b++)
				blk[i][b] = sim_byte(tg + i, b);
			pgm_fec_pad(blk[i], len, max, *var);
			sim_frag(tg + i, len, fblk[i]);
		}
		src[i] = blk[i];
	}
	pgm_rs_encode(rs, src, j, out, blen);
	for (i = 0; i < k; i++)
		src[i] = fblk[i];
	pgm_rs_encode(rs, src, j, frag, PGM_FEC_FRAG_LEN);
	return blen;
}

/* ----- the glue ----- */

static inline int sim_init(struct fecg_sim *s, u32 tgs, u8 prm)
{
	int err = pgm_fecg_init(&s->f, tgs, prm);

	if (err)
		return err;
	s->rs = malloc(pgm_rs_size(PGM_FEC_N_MAX, tgs));
	SIM_REQUIRE(s->rs && !pgm_rs_init(s->rs, PGM_FEC_N_MAX, tgs));
	s->rm = malloc(pgm_rs_decode_size(s->rs));
	SIM_REQUIRE(s->rm);
	s->on = true;
	s->busy = -1;
	s->span = 1024;
	return 0;
}

static inline void sim_release(struct fecg_sim *s, unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < SIM_PKTS; i++) {
		struct sim_pkt *p = &s->pkt[slot][i];

		if (!p->buf)
			continue;
		s->bytes -= p->len;
		free(p->buf);
		memset(p, 0, sizeof(*p));
	}
}

static inline unsigned int sim_held_in(const struct fecg_sim *s,
				       unsigned int slot)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIM_PKTS; i++)
		n += !!s->pkt[slot][i].buf;
	return n;
}

/* What the core promises after every call (and every reap). */
static inline void sim_check(struct fecg_sim *s)
{
	unsigned int slot, held = 0, i;
	const struct pgm_fecg *f = &s->f;

	if (!s->on)
		return;
	SIM_REQUIRE(f->k >= 2 && f->k <= 128 && !(f->k & (f->k - 1)));
	SIM_REQUIRE(1U << f->log2k == f->k);
	for (slot = 0; slot < PGM_FECG_GROUPS; slot++) {
		const struct pgm_fecg_grp *g = &f->grp[slot];
		unsigned int n = sim_held_in(s, slot), d = 0;

		if ((int)slot == s->busy) {
			/* The core kept a packet the caller has yet to. */
			held += g->state == PGM_FECG_COLLECT ?
				g->n_data + g->n_par : 0;
			continue;
		}
		if (g->state != PGM_FECG_COLLECT) {
			SIM_REQUIRE(!n);
			SIM_REQUIRE(!g->n_data && !g->n_par);
			continue;
		}
		SIM_REQUIRE(((g->tg >> f->log2k) % PGM_FECG_GROUPS) == slot);
		SIM_REQUIRE((g->tg & (f->k - 1)) == 0);
		SIM_REQUIRE(g->size >= 1 && g->size <= f->k);
		/* At rest a group is not ready: it decoded or gave up. */
		SIM_REQUIRE(!pgm_fecg_ready(f, slot));
		SIM_REQUIRE(g->n_data < g->size);
		SIM_REQUIRE(!g->n_par || g->n_data + g->n_par < g->size);
		for (i = 0; i < f->k; i++) {
			bool kept = g->data[i / 64] >> (i % 64) & 1;

			SIM_REQUIRE(kept == !!s->pkt[slot][i].buf);
			SIM_REQUIRE(!kept || i < g->size);
			SIM_REQUIRE(!kept || s->pkt[slot][i].len <= g->max_len);
			d += kept;
		}
		SIM_REQUIRE(d == g->n_data);
		for (i = 0; i < f->k; i++) {
			const struct sim_pkt *p = &s->pkt[slot][f->k + i];

			SIM_REQUIRE(!!p->buf == (i < g->n_par));
			if (i < g->n_par) {
				SIM_REQUIRE(p->len == g->plen);
				SIM_REQUIRE(g->par_idx[i] < PGM_FEC_N_MAX - f->k);
			}
		}
		if (g->n_par)
			SIM_REQUIRE(g->max_len + (g->var ? 2 : 0) <= g->plen);
		held += n;
	}
	SIM_REQUIRE(held == f->held);
	/* Memory held: at most a group's worth of packets per entry. */
	SIM_REQUIRE(held <= PGM_FECG_GROUPS * f->k);
}

static inline void sim_sync(struct fecg_sim *s)
{
	unsigned int slot;

	pgm_fecg_events(&s->f);
	while (pgm_fecg_reap(&s->f, &slot)) {
		SIM_REQUIRE(slot < PGM_FECG_GROUPS);
		sim_release(s, slot);
	}
	sim_check(s);
}

static inline void sim_keep(struct fecg_sim *s, const struct pgm_fecg_ref *r,
			    unsigned int pos, const u8 *buf, u32 len,
			    const u8 *frag, bool honest)
{
	struct sim_pkt *p;

	SIM_REQUIRE(r->slot < PGM_FECG_GROUPS && pos < SIM_PKTS);
	p = &s->pkt[r->slot][pos];
	SIM_REQUIRE(!p->buf);
	p->buf = malloc(len ? len : 1);
	SIM_REQUIRE(p->buf);
	memcpy(p->buf, buf, len);
	p->len = len;
	memcpy(p->frag, frag, PGM_FEC_FRAG_LEN);
	p->honest = honest;
	s->bytes += len;
}

/* Follow a plan: the kernel's pgm_fec_rx_decode(). */
static inline void sim_decode(struct fecg_sim *s, unsigned int slot)
{
	static const u8 *src[PGM_FEC_K_MAX], *fsrc[PGM_FEC_K_MAX];
	static u8 *dst[PGM_FEC_K_MAX], *fdst[PGM_FEC_K_MAX];
	static u8 fblk[2 * PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
	static struct pgm_fecg_plan p;
	u8 *blocks[PGM_FEC_K_MAX], *zero = NULL, *outb[PGM_FEC_K_MAX];
	unsigned int i, nb = 0, k, m = 0;
	bool honest = true, held[PGM_FEC_K_MAX] = { false };
	int r;

	r = pgm_fecg_plan(&s->f, slot, &p);
	if (r) {
		SIM_REQUIRE(r == -EINVAL);
		SIM_REQUIRE(s->f.grp[slot].state == PGM_FECG_SELECTIVE);
		sim_sync(s);
		return;
	}
	/* The plan, checked as the kernel relies on it. */
	k = p.k;
	SIM_REQUIRE(k == s->f.k && p.size >= 1 && p.size <= k);
	SIM_REQUIRE(p.blen >= 1 + (p.var ? 2 : 0));
	SIM_REQUIRE(p.tsdu_max == p.blen - (p.var ? 2 : 0));
	SIM_REQUIRE(p.n_rebuild >= 1 && p.n_rebuild <= p.size);
	SIM_REQUIRE(p.tg == s->f.grp[slot].tg);
	for (i = 0; i < k; i++) {
		unsigned int j;

		for (j = 0; j < i; j++)
			SIM_REQUIRE(p.index[i] != p.index[j]);
		SIM_REQUIRE(p.index[i] < PGM_FEC_N_MAX);
		switch (p.kind[i]) {
		case PGM_FECG_SRC_DATA:
			SIM_REQUIRE(p.index[i] == p.ref[i] && p.ref[i] < p.size);
			held[p.ref[i]] = true;
			break;
		case PGM_FECG_SRC_ZERO:
			SIM_REQUIRE(p.index[i] >= p.size && p.index[i] < k);
			break;
		case PGM_FECG_SRC_PARITY:
			SIM_REQUIRE(p.index[i] >= k);
			SIM_REQUIRE(p.ref[i] < s->f.grp[slot].n_par);
			SIM_REQUIRE(p.index[i] - k ==
				    s->f.grp[slot].par_idx[p.ref[i]]);
			break;
		default:
			SIM_REQUIRE(0);
		}
	}
	for (i = 0; i < p.n_rebuild; i++) {
		SIM_REQUIRE(p.rebuild[i] < p.size && !held[p.rebuild[i]]);
		SIM_REQUIRE(!i || p.rebuild[i] > p.rebuild[i - 1]);
	}
	for (i = 0; i < p.size; i++)
		m += !held[i];
	SIM_REQUIRE(m == p.n_rebuild);

	for (i = 0; i < k; i++) {
		struct sim_pkt *pk;

		switch (p.kind[i]) {
		case PGM_FECG_SRC_DATA:
			pk = &s->pkt[slot][p.ref[i]];
			SIM_REQUIRE(pk->buf && pk->len <= p.tsdu_max);
			blocks[nb] = malloc(p.blen);
			SIM_REQUIRE(blocks[nb]);
			memcpy(blocks[nb], pk->buf, pk->len);
			pgm_fec_pad(blocks[nb], pk->len, p.tsdu_max, p.var);
			src[i] = blocks[nb++];
			fsrc[i] = pk->frag;
			honest &= pk->honest;
			break;
		case PGM_FECG_SRC_ZERO:
			if (!zero)
				zero = calloc(1, p.blen);
			SIM_REQUIRE(zero);
			pgm_fec_frag_put(fblk[i], false, 0, 0, 0);
			src[i] = zero;
			fsrc[i] = fblk[i];
			break;
		default:
			pk = &s->pkt[slot][k + p.ref[i]];
			SIM_REQUIRE(pk->buf && pk->len == p.blen);
			src[i] = pk->buf;
			fsrc[i] = pk->frag;
			honest &= pk->honest;
			break;
		}
	}
	/* Parity the group kept but the plan leaves out counts too: an
	 * honest group is one whose every packet was.
	 */
	for (i = 0; i < s->f.grp[slot].n_par; i++)
		honest &= s->pkt[slot][k + i].honest;
	for (i = 0; i < p.n_rebuild; i++) {
		outb[i] = malloc(p.blen);
		SIM_REQUIRE(outb[i]);
		dst[p.rebuild[i]] = outb[i];
		fdst[p.rebuild[i]] = fblk[k + i];
	}
	SIM_REQUIRE(pgm_rs_decode_prepare(s->rs, p.index, s->rm) ==
		    (int)p.n_rebuild);
	pgm_rs_decode_apply(s->rs, s->rm, p.index, src, dst, p.blen);
	if (p.frag)
		pgm_rs_decode_apply(s->rs, s->rm, p.index, fsrc, fdst,
				    PGM_FEC_FRAG_LEN);
	s->decodes++;
	for (i = 0; i < p.n_rebuild; i++) {
		struct sim_out *o;
		u32 first = 0, off = 0, flen = 0;
		bool hf = false;
		int tlen = pgm_fec_unpad(outb[i], p.blen, p.var);

		if (tlen >= 0 && p.frag)
			hf = pgm_fec_frag_get(fblk[k + i], &first, &off, &flen);
		if (tlen < 0 || (hf && !pgm_fecg_frag_ok(off, flen, tlen))) {
			SIM_REQUIRE(!honest);
			s->bad_rebuilt++;
			free(outb[i]);
			continue;
		}
		SIM_REQUIRE(tlen <= (int)p.tsdu_max);
		s->rebuilt++;
		if (honest) {
			u32 sqn = p.tg + p.rebuild[i];
			unsigned int b;
			u8 want[PGM_FEC_FRAG_LEN];

			for (b = 0; b < (unsigned int)tlen; b++)
				SIM_REQUIRE(outb[i][b] == sim_byte(sqn, b));
			sim_frag(sqn, tlen, want);
			SIM_REQUIRE(!p.frag ||
				    !memcmp(want, fblk[k + i], sizeof(want)));
			s->verified++;
		}
		if (s->n_out < PGM_FEC_K_MAX) {
			o = &s->out[s->n_out++];
			o->sqn = p.tg + p.rebuild[i];
			o->len = tlen;
			o->has_frag = hf;
			o->first = first;
			o->off = off;
			o->flen = flen;
			o->buf = outb[i];
		} else {
			free(outb[i]);
		}
	}
	pgm_fecg_done(&s->f, slot);
	for (i = 0; i < nb; i++)
		free(blocks[i]);
	free(zero);
	sim_sync(s);
}

static inline void sim_out_clear(struct fecg_sim *s)
{
	unsigned int i;

	for (i = 0; i < s->n_out; i++)
		free(s->out[i].buf);
	s->n_out = 0;
}

/* A data packet the window took: the source's bytes, @len of them (the
 * source's length if @honest).
 */
static inline int sim_data(struct fecg_sim *s, u32 sqn, unsigned int len,
			   bool frag, bool honest)
{
	static u8 buf[65536];
	struct pgm_fecg_ref r;
	u8 fb[PGM_FEC_FRAG_LEN];
	unsigned int i;
	int why;

	SIM_REQUIRE(len <= sizeof(buf));
	why = pgm_fecg_data(&s->f, sqn, len, frag, s->commit, s->lead, s->now,
			    &r);
	s->busy = why == PGM_FECG_KEEP ? (int)r.slot : -1;
	sim_sync(s);
	if (why == PGM_FECG_KEEP) {
		SIM_REQUIRE(r.pos == (sqn & (s->f.k - 1)));
		for (i = 0; i < len; i++)
			buf[i] = sim_byte(sqn, i);
		pgm_fec_frag_put(fb, frag, sqn, 0, len);
		sim_keep(s, &r, r.pos, buf, len, fb, honest);
		if (pgm_fecg_ready(&s->f, r.slot))
			sim_decode(s, r.slot);
	}
	s->busy = -1;
	sim_check(s);
	return why;
}

/* A parity packet with TSDU @buf. */
static inline int sim_par(struct fecg_sim *s,
			  const struct pgm_fecg_parity *pp, const u8 *buf,
			  const u8 *frag, bool honest)
{
	static const u8 nofrag[PGM_FEC_FRAG_LEN];
	struct pgm_fecg_ref r;
	int why;

	why = pgm_fecg_parity(&s->f, pp, s->commit, s->lead, s->span, &r);
	s->busy = why == PGM_FECG_KEEP ? (int)r.slot : -1;
	sim_sync(s);
	if (why == PGM_FECG_KEEP) {
		SIM_REQUIRE(r.pos < s->f.k);
		sim_keep(s, &r, s->f.k + r.pos, buf, pp->len,
			 frag ? frag : nofrag, honest);
		if (pgm_fecg_ready(&s->f, r.slot))
			sim_decode(s, r.slot);
	}
	s->busy = -1;
	sim_check(s);
	return why;
}

static inline void sim_free(struct fecg_sim *s)
{
	unsigned int slot;

	for (slot = 0; slot < PGM_FECG_GROUPS; slot++)
		sim_release(s, slot);
	sim_out_clear(s);
	free(s->rm);
	free(s->rs);
	s->rm = NULL;
	s->rs = NULL;
	s->on = false;
}

#endif /* FECG_SIM_H */
