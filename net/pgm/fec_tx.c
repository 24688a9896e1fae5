// SPDX-License-Identifier: GPL-2.0
/*
 * PGM FEC at the source: parity packets for transmission groups of the
 * transmit window, pro-active (as ODATA, after every full group) and on
 * demand (as RDATA, answering parity NAKs with parity indexes not sent
 * before). Layout and numbering are fec.h's, the codec rs.c's.
 *
 * Requests wait in a small ring; pgm_source_push() builds one parity
 * packet at a time (pgm_fec_tx_peek()), sends it when the rate allows
 * and says so (pgm_fec_tx_sent()). A group's data must still be in the
 * transmit window; a request for a group that left it is dropped.
 *
 * A parity NAK is anyone's to forge, its count included: one costs at
 * most one NCF per group and repair interval, parity only for a group
 * the source sent whole and still holds, never more than the group's
 * n - k parity packets in a round, a round at most once per repair
 * interval, and never more than half the ring (pro-active parity keeps
 * the rest).
 *
 * Context: everything here runs as the socket's owner (process context
 * under lock_sock(), or softirq/timers with the socket spinlock held and
 * the socket not owned by user), like the rest of the source.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/sock.h>
#include <linux/unaligned.h>

#include "pgm.h"
#include "rs.h"
#include "seq.h"
#include "wire.h"

#define PGM_FEC_TX_RING		64	/* queued parity requests */

/* A request: @count parity packets of the group at @tg. */
struct pgm_fec_req {
	u32	tg;
	u8	count;
	bool	proactive;
};

/* What a group has had: the next fresh parity index, on-demand parity
 * queued and not yet sent, the last on-demand answer (@last_count
 * packets, the last at @last_sent), the last NCF.
 */
struct pgm_fec_grp {
	u32	tg;
	bool	used;
	u8	next_j;
	u8	pending;
	u8	last_count;
	u64	last_sent;
	u64	confirmed;
};

/**
 * struct pgm_fec_tx - a source's FEC state
 * @p: the parameters (a copy of params.fec at connect)
 * @rs: the code, RS(n, k)
 * @ring: parity requests
 * @head: next request to serve
 * @len: requests queued
 * @grp: per-group bookkeeping, direct-mapped by group number: one entry
 *	per k sequences of the transmit window's capacity, so that every
 *	group wholly in the window has its own
 * @grp_mask: entries in @grp - 1
 * @ready: the next parity packet, built and waiting for the rate
 * @ready_type: its type (ODATA: pro-active, RDATA: on demand)
 * @blocks: k source blocks of the group being encoded
 * @frags: k OPT_FRAGMENT blocks
 * @block_cap: bytes of each of @blocks
 * @closed: the last group, closed early at the end of the session, or 0
 * @closed_size: its size (OPT_CURR_TGSIZE)
 * @closed_set: @closed is set
 */
struct pgm_fec_tx {
	struct pgm_fec_params	p;
	struct pgm_rs		*rs;
	struct pgm_fec_req	ring[PGM_FEC_TX_RING];
	unsigned int		head;
	unsigned int		len;
	struct pgm_fec_grp	*grp;
	u32			grp_mask;
	struct sk_buff		*ready;
	u8			ready_type;
	u8			*blocks[PGM_FEC_K_MAX];
	u8			(*frags)[PGM_FEC_FRAG_LEN];
	unsigned int		block_cap;
	u32			closed;
	u8			closed_size;
	bool			closed_set;
};

/**
 * pgm_fec_tx_init() - set up FEC for a source whose params.fec is set
 * @sk: the source, connecting
 * @tsdu_max: its largest TSDU
 * @capacity: its transmit window's capacity, sequences (a power of two)
 *
 * Return: 0 or -ENOMEM.
 */
int pgm_fec_tx_init(struct sock *sk, unsigned int tsdu_max, u32 capacity)
{
	struct pgm_sock *ps = pgm_sk(sk);
	const struct pgm_fec_params *p = &ps->params.fec;
	struct pgm_fec_tx *fec;
	unsigned int i;

	fec = kzalloc(sizeof(*fec), GFP_KERNEL);
	if (!fec)
		return -ENOMEM;
	fec->p = *p;
	fec->rs = kmalloc(pgm_rs_size(p->n, p->k), GFP_KERNEL);
	fec->frags = kcalloc(p->k, PGM_FEC_FRAG_LEN, GFP_KERNEL);
	fec->block_cap = pgm_fec_block_len(tsdu_max, true);
	fec->grp_mask = max_t(u32, capacity >> p->log2k, 1) - 1;
	fec->grp = kvcalloc(fec->grp_mask + 1, sizeof(*fec->grp), GFP_KERNEL);
	if (!fec->rs || !fec->frags || !fec->grp ||
	    pgm_rs_init(fec->rs, p->n, p->k))
		goto nomem;
	for (i = 0; i < p->k; i++) {
		fec->blocks[i] = kmalloc(fec->block_cap, GFP_KERNEL);
		if (!fec->blocks[i])
			goto nomem;
	}
	ps->src->fec = fec;
	return 0;
nomem:
	ps->src->fec = fec;
	pgm_fec_tx_free(ps->src);
	return -ENOMEM;
}

/**
 * pgm_fec_tx_free() - release a source's FEC state
 * @src: the source (its @fec may be NULL)
 */
void pgm_fec_tx_free(struct pgm_source *src)
{
	struct pgm_fec_tx *fec = src->fec;
	unsigned int i;

	if (!fec)
		return;
	for (i = 0; i < fec->p.k; i++)
		kfree(fec->blocks[i]);
	kfree_skb(fec->ready);
	kvfree(fec->grp);
	kfree(fec->frags);
	kfree(fec->rs);
	kfree(fec);
	src->fec = NULL;
}

static struct pgm_fec_grp *pgm_fec_grp_slot(struct pgm_fec_tx *fec, u32 tg)
{
	return &fec->grp[(tg >> fec->p.log2k) & fec->grp_mask];
}

/* The entry of a group wholly in the window, taken over from the older
 * group that had it (that one left the window: its requests still
 * queued are dropped).
 */
static struct pgm_fec_grp *pgm_fec_grp(struct pgm_fec_tx *fec, u32 tg)
{
	struct pgm_fec_grp *g = pgm_fec_grp_slot(fec, tg);

	if (!g->used || g->tg != tg) {
		memset(g, 0, sizeof(*g));
		g->used = true;
		g->tg = tg;
		g->next_j = fec->p.proactive % pgm_fec_h(&fec->p);
	}
	return g;
}

/* The entry of @tg if it still has one, else NULL. */
static struct pgm_fec_grp *pgm_fec_grp_find(struct pgm_fec_tx *fec, u32 tg)
{
	struct pgm_fec_grp *g = pgm_fec_grp_slot(fec, tg);

	return g->used && g->tg == tg ? g : NULL;
}

static bool pgm_fec_queue(struct pgm_fec_tx *fec, u32 tg, u8 count,
			  bool proactive)
{
	struct pgm_fec_req *r;

	/* On-demand requests leave half the ring to pro-active parity. */
	if (fec->len >= (proactive ? PGM_FEC_TX_RING : PGM_FEC_TX_RING / 2))
		return false;
	r = &fec->ring[(fec->head + fec->len++) % PGM_FEC_TX_RING];
	r->tg = tg;
	r->count = count;
	r->proactive = proactive;
	return true;
}

/**
 * pgm_fec_tx_odata_sent() - an ODATA went out: after the last of a group,
 *	its pro-active parity is due
 * @sk: the source
 * @sqn: the ODATA's sequence
 */
void pgm_fec_tx_odata_sent(struct sock *sk, u32 sqn)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;

	if (!fec || !fec->p.proactive ||
	    pgm_fec_pkt(&fec->p, sqn) != fec->p.k - 1u)
		return;
	if (!pgm_fec_queue(fec, pgm_fec_tg(&fec->p, sqn), fec->p.proactive,
			   true))
		PGM_INC_STATS(sock_net(sk), PGM_MIB_FECQUEUEFULL);
}

/**
 * pgm_fec_tx_nak() - a parity NAK: queue the parity it asks for
 * @sk: the source
 * @sqn: the NAK's sequence: the group's first sequence | (count - 1)
 * @now: the time, ns
 * @confirm: out: true if the caller is to confirm @sqn with an NCF
 *
 * Parity already queued for the group or sent within the repair interval
 * covers as many losses as it counts; only a larger count adds parity
 * (RFC 3208 A.5), and no count more than the group's n - k packets. A
 * group is confirmed at most once per repair interval, and only if its
 * data was all sent and is still held, and its parity is queued or was
 * just sent. Counted in the transmit window's NAK statistics.
 *
 * Return: an enum pgm_txw_nak_result (PGM_TXW_NAK_INVALID also without
 * on-demand parity, PGM_TXW_NAK_BUSY when the queue had no room).
 */
int pgm_fec_tx_nak(struct sock *sk, u32 sqn, u64 now, bool *confirm)
{
	struct pgm_sock *ps = pgm_sk(sk);
	u64 ivl = (u64)ps->params.repair_ivl * PGM_MS;
	struct pgm_fec_tx *fec = ps->src->fec;
	struct pgm_txw *w = &ps->src->txw;
	unsigned int count, covered, size;
	struct pgm_fec_grp *g;
	int r;
	u32 tg;

	*confirm = false;
	w->stats.naks++;
	if (!fec || !fec->p.ondemand) {
		w->stats.naks_invalid++;
		return PGM_TXW_NAK_INVALID;
	}
	tg = pgm_fec_tg(&fec->p, sqn);
	count = min(pgm_fec_pkt(&fec->p, sqn) + 1, pgm_fec_h(&fec->p));
	/* The whole group must be in the window and sent. */
	size = fec->closed_set && fec->closed == tg ? fec->closed_size :
						     fec->p.k;
	if (pgm_seq_before(tg, w->trail)) {
		w->stats.naks_too_late++;
		return PGM_TXW_NAK_TOO_LATE;
	}
	if (!pgm_seq_before(tg + size - 1, w->odata)) {
		w->stats.naks_invalid++;
		return PGM_TXW_NAK_INVALID;
	}
	g = pgm_fec_grp(fec, tg);
	covered = g->pending;
	if (g->last_sent && now - g->last_sent < ivl)
		covered += g->last_count;
	if (count > covered) {
		if (!pgm_fec_queue(fec, tg, count - covered, false)) {
			PGM_INC_STATS(sock_net(sk), PGM_MIB_FECQUEUEFULL);
			if (!covered)
				return PGM_TXW_NAK_BUSY;
			r = PGM_TXW_NAK_PENDING;
		} else {
			g->pending += count - covered;
			r = PGM_TXW_NAK_QUEUED;
		}
	} else if (g->pending) {
		w->stats.naks_queued++;
		r = PGM_TXW_NAK_PENDING;
	} else {
		w->stats.naks_after_rdata++;
		r = PGM_TXW_NAK_RECENT;
	}
	if (g->confirmed && now - g->confirmed < ivl) {
		w->stats.naks_unconfirmed++;
	} else {
		g->confirmed = now ? now : 1;
		*confirm = true;
	}
	return r;
}

/**
 * pgm_fec_tx_pending() - on-demand parity packets asked for, not yet sent
 * @sk: the source
 *
 * Return: their number (0 without FEC).
 */
u64 pgm_fec_tx_pending(struct sock *sk)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;
	unsigned int i;
	u64 n = 0;

	if (!fec)
		return 0;
	for (i = 0; i < fec->len; i++) {
		const struct pgm_fec_req *r;

		r = &fec->ring[(fec->head + i) % PGM_FEC_TX_RING];
		if (!r->proactive)
			n += r->count;
	}
	if (fec->ready && fec->ready_type == PGM_TYPE_RDATA)
		n++;
	return n;
}

/* Copy the group's payloads into the source blocks; a group closed
 * early has zeros for the packets it did not have.
 */
static int pgm_fec_gather(struct sock *sk, struct pgm_fec_tx *fec, u32 tg,
			  unsigned int size, unsigned int *max, bool *var,
			  bool *frag)
{
	struct pgm_txw *w = &pgm_sk(sk)->src->txw;
	unsigned int i, first_len = 0;
	struct sk_buff *skb;

	*max = 0;
	*var = false;
	*frag = false;
	for (i = size; i < fec->p.k; i++) {
		memset(fec->blocks[i], 0, fec->block_cap);
		pgm_fec_frag_put(fec->frags[i], false, 0, 0, 0);
	}
	for (i = 0; i < size; i++) {
		skb = pgm_txw_get(w, tg + i);
		if (!skb || skb->len > fec->block_cap - 2)
			return -ENOENT;
		if (i && skb->len != first_len)
			*var = true;
		first_len = i ? first_len : skb->len;
		*max = max_t(unsigned int, *max, skb->len);
	}
	for (i = 0; i < size; i++) {
		const struct pgm_skb_cb *cb;

		skb = pgm_txw_get(w, tg + i);
		cb = PGM_SKB_CB(skb);
		if (skb_copy_bits(skb, 0, fec->blocks[i], skb->len))
			return -EFAULT;
		pgm_fec_pad(fec->blocks[i], skb->len, *max, *var);
		*frag |= !!(cb->flags & PGM_CB_FRAG);
		pgm_fec_frag_put(fec->frags[i], cb->flags & PGM_CB_FRAG,
				 cb->apdu_first, cb->apdu_off, cb->apdu_len);
	}
	return 0;
}

/* Build parity index @j of the group at @tg. */
static struct sk_buff *pgm_fec_build(struct sock *sk, struct pgm_fec_tx *fec,
				     u32 tg, unsigned int j, u8 type)
{
	struct pgm_sock *ps = pgm_sk(sk);
	const u8 *src[PGM_FEC_K_MAX];
	u8 fenc[PGM_FEC_FRAG_LEN];
	struct pgm_pkt *pkt;
	unsigned int max, blen, i, size;
	struct sk_buff *skb = NULL;
	bool var, frag;
	__sum16 sum;
	int hlen;
	u8 *p;

	size = fec->closed_set && fec->closed == tg ? fec->closed_size :
						     fec->p.k;
	if (pgm_fec_gather(sk, fec, tg, size, &max, &var, &frag))
		return NULL;
	blen = pgm_fec_block_len(max, var);
	pkt = kzalloc(sizeof(*pkt), GFP_ATOMIC);
	if (!pkt)
		return NULL;
	pkt->sport = ps->tsi.sport;
	pkt->dport = ps->dport;
	pkt->type = type;
	pkt->flags = PGM_OPT_PARITY | (var ? PGM_OPT_VAR_PKTLEN : 0);
	memcpy(pkt->gsi, ps->tsi.gsi, sizeof(pkt->gsi));
	pkt->tsdu_len = blen;
	pkt->sqn = pgm_fec_parity_sqn(&fec->p, tg, j);
	pkt->trail = ps->src->txw.trail;
	if (j >= fec->p.k) {
		pkt->opts.present |= PGM_OPTB(PGM_OPT_PARITY_GRP);
		pkt->opts.parity_grp = j / fec->p.k;
	}
	if (size < fec->p.k) {
		pkt->opts.present |= PGM_OPTB(PGM_OPT_CURR_TGSIZE);
		pkt->opts.curr_tgsize = size;
	}
	for (i = 0; i < fec->p.k; i++)
		src[i] = fec->blocks[i];
	if (frag) {
		for (i = 0; i < fec->p.k; i++)
			src[i] = fec->frags[i];
		pgm_rs_encode(fec->rs, src, j, fenc, PGM_FEC_FRAG_LEN);
		pkt->opts.present |= PGM_OPTB(PGM_OPT_FRAGMENT);
		pkt->opts.frag_spec = fenc[0];
		pkt->opts.frag_first = get_unaligned_be32(fenc + 1);
		pkt->opts.frag_off = get_unaligned_be32(fenc + 5);
		pkt->opts.frag_len = get_unaligned_be32(fenc + 9);
		for (i = 0; i < fec->p.k; i++)
			src[i] = fec->blocks[i];
	}
	hlen = pgm_encode(NULL, 0, pkt);
	if (hlen < 0)
		goto out;
	skb = alloc_skb(pgm_headroom() + hlen + blen, GFP_ATOMIC);
	if (!skb)
		goto out;
	skb_reserve(skb, pgm_headroom());
	p = skb_put(skb, hlen + blen);
	pgm_encode(p, hlen, pkt);
	pgm_rs_encode(fec->rs, src, j, p + hlen, blen);
	sum = csum_fold(csum_partial(p, hlen + blen, 0));
	put_unaligned(sum ?: CSUM_MANGLED_0, (__sum16 *)(p + 6));
out:
	kfree(pkt);
	return skb;
}

/**
 * pgm_fec_tx_peek() - the next parity packet to send, built if need be
 * @sk: the source
 * @type: out: PGM_TYPE_ODATA (pro-active) or PGM_TYPE_RDATA (on demand)
 *
 * Return: the packet (still owned here until pgm_fec_tx_sent()), or NULL
 * if none is due.
 */
struct sk_buff *pgm_fec_tx_peek(struct sock *sk, u8 *type)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;

	if (!fec)
		return NULL;
	while (!fec->ready && fec->len) {
		struct pgm_fec_req *r = &fec->ring[fec->head];
		struct pgm_fec_grp *g = NULL;
		unsigned int j;

		if (r->proactive) {
			j = fec->p.proactive - r->count;
		} else {
			/* Gone: its group left the window for a newer one. */
			g = pgm_fec_grp_find(fec, r->tg);
			j = g ? g->next_j : 0;
		}
		fec->ready_type = r->proactive ? PGM_TYPE_ODATA :
						 PGM_TYPE_RDATA;
		if (r->proactive || g)
			fec->ready = pgm_fec_build(sk, fec, r->tg, j,
						   fec->ready_type);
		if (g) {
			u64 now = pgm_now(), ivl;

			ivl = (u64)pgm_sk(sk)->params.repair_ivl * PGM_MS;
			g->next_j = (g->next_j + 1) % pgm_fec_h(&fec->p);
			if (g->pending)
				g->pending--;
			g->last_count = g->last_sent &&
					now - g->last_sent < ivl ?
					g->last_count + 1 : 1;
			g->last_sent = now;
		}
		if (!--r->count) {
			fec->head = (fec->head + 1) % PGM_FEC_TX_RING;
			fec->len--;
		}
	}
	*type = fec->ready_type;
	return fec->ready;
}

/**
 * pgm_fec_tx_sent() - the packet pgm_fec_tx_peek() gave is on its way
 * @sk: the source
 *
 * Return: the packet, now the caller's.
 */
struct sk_buff *pgm_fec_tx_sent(struct sock *sk)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;
	struct sk_buff *skb = fec->ready;

	fec->ready = NULL;
	return skb;
}

/**
 * pgm_fec_tx_close() - the session ends: close a partial last group
 * @sk: the source, all its data sent
 *
 * The group gets OPT_CURR_TGSIZE and its pro-active parity (computed as
 * if the missing packets were zeros), and can be repaired with parity.
 */
void pgm_fec_tx_close(struct sock *sk)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;
	struct pgm_txw *w = &pgm_sk(sk)->src->txw;
	u32 last = w->odata - 1;
	unsigned int size;

	if (!fec || fec->closed_set || pgm_txw_empty(w))
		return;
	size = pgm_fec_pkt(&fec->p, last) + 1;
	if (size == fec->p.k)
		return;			/* full: nothing to close */
	fec->closed = pgm_fec_tg(&fec->p, last);
	fec->closed_size = size;
	fec->closed_set = true;
	if (fec->p.proactive &&
	    !pgm_fec_queue(fec, fec->closed, fec->p.proactive, true))
		PGM_INC_STATS(sock_net(sk), PGM_MIB_FECQUEUEFULL);
}

/**
 * pgm_fec_tx_spm_opts() - the FEC options of the source's SPMs
 * @sk: the source
 * @tgs: out: OPT_PARITY_PRM's transmission group size
 * @prm: out: PGM_PARITY_PRM_PRO and/or PGM_PARITY_PRM_OND
 * @cur: out: OPT_CURR_TGSIZE when the lead ends a group closed early
 *	(RFC 3208 A.3), else 0
 *
 * Return: true if the source uses FEC.
 */
bool pgm_fec_tx_spm_opts(struct sock *sk, u32 *tgs, u8 *prm, u32 *cur)
{
	struct pgm_fec_tx *fec = pgm_sk(sk)->src->fec;
	u32 lead = pgm_txw_lead(&pgm_sk(sk)->src->txw);

	if (!fec)
		return false;
	*cur = fec->closed_set &&
	       fec->closed + fec->closed_size - 1 == lead ?
	       fec->closed_size : 0;
	*tgs = fec->p.k;
	*prm = (fec->p.proactive ? PGM_PARITY_PRM_PRO : 0) |
	       (fec->p.ondemand ? PGM_PARITY_PRM_OND : 0);
	/* OpenPGM's numbering swaps the two bits (PGM_FEC_OPENPGM_PRM). */
	if (pgm_sk(sk)->params.fec_openpgm_prm && *prm != PGM_PARITY_PRM_MASK)
		*prm ^= PGM_PARITY_PRM_MASK;
	return true;
}
