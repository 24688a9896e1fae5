// SPDX-License-Identifier: GPL-2.0
/*
 * PGM FEC at the receiver, the kernel side. The source's OPT_PARITY_PRM
 * (in its SPMs) turns it on; receivers have no option of their own.
 *
 * The decisions are fec_group.c's, pure code the unit tests and a fuzzer
 * drive: which packets each transmission group keeps, when a group is
 * closed early, when it decodes and from which packets, how its losses
 * are NAKed. This file keeps the packets in arrays parallel to those
 * groups (a group's data by index, its parity by position), charges every
 * one of them to the session's receive memory, follows the decode plan
 * (copy and pad the data, Reed-Solomon, unpad) and returns the rebuilt
 * data packets to its caller, which feeds them to the receive window as
 * repairs. A rebuilt packet's length and OPT_FRAGMENT are checked as a
 * received packet's are.
 *
 * Memory: a parity packet is kept as received; a data packet as a clone
 * of what the receive window holds, for the window delivers it (and the
 * reader frees it) long before the group may need it. Both are charged
 * with pgm_rx_charge() against the repair limit. A clone's truesize is
 * its original's, so data is counted twice while both live: the
 * conservative choice (the clone alone pins the data once the reader has
 * read the original). A packet that cannot be charged is not kept, and
 * its group gives up (its losses are NAKed selectively).
 *
 * Context: the session's owner (see timer.c), like the rest of session.c.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <linux/unaligned.h>

#include "fec_group.h"
#include "pgm.h"
#include "rs.h"
#include "wire.h"

/* Decoding scratch, too large for the stack. */
struct pgm_fec_rx_dec {
	struct pgm_fecg_plan	plan;
	const u8		*src[PGM_FEC_K_MAX];
	const u8		*fsrc[PGM_FEC_K_MAX];
	u8			*dst[PGM_FEC_K_MAX];
	u8			*fdst[PGM_FEC_K_MAX];
	u8			*blocks[PGM_FEC_K_MAX];
	struct sk_buff		*out[PGM_FEC_K_MAX];
	u8			fblk[2 * PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
};

/**
 * struct pgm_fec_rx - a session's FEC state
 * @g: the groups and the decisions (fec_group.h)
 * @rs: the code, RS(255, k): parity index j is block index k + j for any n
 * @rm: decoding scratch: the recovery matrix
 * @dec: decoding scratch: the blocks
 * @bytes: what all this takes, charged to the session
 * @pkts: for each group entry of @g, NULL or 2k packets: data by index,
 *	then parity by position (charged too: pgm_fec_rx_pkts_bytes())
 */
struct pgm_fec_rx {
	struct pgm_fecg		g;
	struct pgm_rs		*rs;
	u8			*rm;
	struct pgm_fec_rx_dec	*dec;
	unsigned int		bytes;
	struct sk_buff		**pkts[PGM_FECG_GROUPS];
};

/* Encoded OPT_FRAGMENT of a parity packet, kept in its cb. */
struct pgm_fec_par_cb {
	u8	frag[PGM_FEC_FRAG_LEN];
};

#define PGM_FEC_PAR_CB(skb)	((struct pgm_fec_par_cb *)&((skb)->cb[0]))

/* The size of a group's packet array. */
static unsigned int pgm_fec_rx_pkts_bytes(const struct pgm_fec_rx *fec)
{
	return 2 * fec->g.k * sizeof(struct sk_buff *);
}

/* Free what the group at @slot kept. */
static void pgm_fec_rx_release(struct sock *sk, struct pgm_fec_rx *fec,
			       unsigned int slot)
{
	struct sk_buff **pkts = fec->pkts[slot];
	unsigned int i;

	if (!pkts)
		return;
	for (i = 0; i < 2 * fec->g.k; i++)
		kfree_skb(pkts[i]);
	kfree(pkts);
	fec->pkts[slot] = NULL;
	pgm_rx_uncharge_bytes(sk, pgm_fec_rx_pkts_bytes(fec));
}

/* After every call into fec_group.c: count its events, free what the
 * groups no longer keep.
 */
static void pgm_fec_rx_sync(struct sock *sk, struct pgm_fec_rx *fec)
{
	unsigned int ev = pgm_fecg_events(&fec->g), slot;

	if (ev & PGM_FECG_EV_SWAPPED)
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_FECPRMSWAPPED);
	if (ev & PGM_FECG_EV_GAVEUP)
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_FECPARITYGAVEUP);
	while (pgm_fecg_reap(&fec->g, &slot))
		pgm_fec_rx_release(sk, fec, slot);
}

/* What a packet the group would not take says of its sender. */
static bool pgm_fec_rx_malformed(int why)
{
	return why == PGM_FECG_INDEX || why == PGM_FECG_SHORT ||
	       why == PGM_FECG_TGSIZE || why == PGM_FECG_MISMATCH ||
	       why == PGM_FECG_BEYOND;
}

static void pgm_fec_rx_kfree(struct pgm_fec_rx *fec)
{
	kfree(fec->dec);
	kfree(fec->rm);
	kfree(fec->rs);
	kfree(fec);
}

/**
 * pgm_fec_rx_free() - release a session's FEC state
 * @sess: the session
 *
 * Context: the session's owner.
 */
void pgm_fec_rx_free(struct pgm_session *sess)
{
	struct pgm_fec_rx *fec = sess->fec;
	unsigned int i;

	if (!fec)
		return;
	for (i = 0; i < PGM_FECG_GROUPS; i++)
		pgm_fec_rx_release(sess->sk, fec, i);
	pgm_rx_uncharge_bytes(sess->sk, fec->bytes);
	pgm_fec_rx_kfree(fec);
	sess->fec = NULL;
}

/**
 * pgm_fec_rx_spm() - the source's OPT_PARITY_PRM
 * @sk: the session
 * @tgs: its transmission group size
 * @prm: its PGM_PARITY_PRM_* bits
 *
 * The first one sets the session's FEC up, its memory charged to the
 * session (without the memory, the session goes without FEC); a group
 * size that is not a power of two from 2 to 128, or that changes, is
 * ignored. The P and O bits are read by pgm_fec_prm_read(), with what the
 * session saw since.
 */
void pgm_fec_rx_spm(struct sock *sk, u32 tgs, u8 prm)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;

	if (fec) {
		pgm_fecg_spm(&fec->g, tgs, prm, sess->rxw.lead);
		pgm_fec_rx_sync(sk, fec);
		return;
	}
	if (!pgm_fecg_k_ok(tgs))
		return;
	fec = kzalloc(sizeof(*fec), GFP_ATOMIC);
	if (!fec)
		return;
	pgm_fecg_init(&fec->g, tgs, prm);
	/* Known before any data: from the window's start; else from the
	 * first group after what arrived without FEC.
	 */
	if (sess->rxw.defined)
		pgm_fecg_start(&fec->g, sess->rxw.lead + 1);
	fec->rs = kmalloc(pgm_rs_size(PGM_FEC_N_MAX, tgs), GFP_ATOMIC);
	fec->dec = kmalloc(sizeof(*fec->dec), GFP_ATOMIC);
	if (fec->rs && !pgm_rs_init(fec->rs, PGM_FEC_N_MAX, tgs))
		fec->rm = kmalloc(pgm_rs_decode_size(fec->rs), GFP_ATOMIC);
	if (!fec->rm || !fec->dec)
		goto fail;
	fec->bytes = sizeof(*fec) + pgm_rs_size(PGM_FEC_N_MAX, tgs) +
		     pgm_rs_decode_size(fec->rs) + sizeof(*fec->dec);
	if (!pgm_rx_charge_bytes(sk, fec->bytes,
				 pgm_rx_limit(sk, PGM_RX_FILL)))
		goto fail;
	sess->fec = fec;
	return;
fail:
	pgm_fec_rx_kfree(fec);
}

/* Keep @skb (consumed) at @pos of the group at @slot, charged to the
 * session; if it cannot be, the group gives up.
 */
static bool pgm_fec_rx_keep(struct sock *sk, struct pgm_fec_rx *fec,
			    unsigned int slot, unsigned int pos,
			    struct sk_buff *skb)
{
	struct sk_buff **pkts = fec->pkts[slot];

	if (!skb)
		goto fail;
	if (!pkts) {
		if (!pgm_rx_charge_bytes(sk, pgm_fec_rx_pkts_bytes(fec),
					 pgm_rx_limit(sk, PGM_RX_FILL)))
			goto fail;
		pkts = kzalloc(pgm_fec_rx_pkts_bytes(fec), GFP_ATOMIC);
		if (!pkts) {
			pgm_rx_uncharge_bytes(sk, pgm_fec_rx_pkts_bytes(fec));
			goto fail;
		}
		fec->pkts[slot] = pkts;
	}
	if (WARN_ON_ONCE(pkts[pos]))
		goto fail;
	if (!pgm_rx_charge(sk, skb, pgm_rx_limit(sk, PGM_RX_FILL)))
		goto fail;
	pkts[pos] = skb;
	return true;
fail:
	kfree_skb(skb);
	pgm_fecg_give_up(&fec->g, slot);
	pgm_fec_rx_sync(sk, fec);
	return false;
}

/* A rebuilt data packet, the @r-th of plan @p: its length and
 * OPT_FRAGMENT checked as a received one's (packet.c), its cb filled in.
 */
static bool pgm_fec_rx_rebuilt(struct sock *sk, struct pgm_fec_rx *fec,
			       struct sk_buff *skb, unsigned int r)
{
	const struct pgm_fecg_plan *p = &fec->dec->plan;
	u32 first, off, len;
	struct pgm_skb_cb *cb;
	int tlen;

	tlen = pgm_fec_unpad(skb->data, p->blen, p->var);
	if (tlen < 0)
		return false;
	skb_trim(skb, tlen);
	cb = PGM_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->sqn = p->tg + p->rebuild[r];
	if (p->frag &&
	    pgm_fec_frag_get(fec->dec->fblk[p->k + r], &first, &off, &len)) {
		if (!pgm_fecg_frag_ok(off, len, tlen))
			return false;
		cb->flags = PGM_CB_FRAG;
		cb->apdu_first = first;
		cb->apdu_off = off;
		cb->apdu_len = len;
	}
	return true;
}

/* The group at @slot is ready: rebuild its missing data into @out. */
static void pgm_fec_rx_decode(struct sock *sk, struct pgm_fec_rx *fec,
			      unsigned int slot, struct sk_buff_head *out)
{
	struct pgm_fec_rx_dec *d = fec->dec;
	struct sk_buff **pkts = fec->pkts[slot];
	struct pgm_fecg_plan *p = &d->plan;
	unsigned int i, k, nb = 0, nout = 0;
	struct net *net = sock_net(sk);
	const struct pgm_skb_cb *cb;
	struct sk_buff *skb;
	u8 *zero = NULL;
	bool ok = false;

	if (pgm_fecg_plan(&fec->g, slot, p)) {
		__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
		goto out;
	}
	k = p->k;
	if (!pkts)
		goto out;
	for (i = 0; i < k; i++) {
		switch (p->kind[i]) {
		case PGM_FECG_SRC_DATA:
			skb = pkts[p->ref[i]];
			if (!skb || skb->len > p->tsdu_max)
				goto out;
			d->blocks[nb] = kmalloc(p->blen, GFP_ATOMIC);
			if (!d->blocks[nb] ||
			    skb_copy_bits(skb, 0, d->blocks[nb++], skb->len))
				goto out;
			pgm_fec_pad(d->blocks[nb - 1], skb->len, p->tsdu_max,
				    p->var);
			cb = PGM_SKB_CB(skb);
			pgm_fec_frag_put(d->fblk[i], cb->flags & PGM_CB_FRAG,
					 cb->apdu_first, cb->apdu_off,
					 cb->apdu_len);
			d->src[i] = d->blocks[nb - 1];
			d->fsrc[i] = d->fblk[i];
			break;
		case PGM_FECG_SRC_ZERO:
			if (!zero)
				zero = kzalloc(p->blen, GFP_ATOMIC);
			if (!zero)
				goto out;
			pgm_fec_frag_put(d->fblk[i], false, 0, 0, 0);
			d->src[i] = zero;
			d->fsrc[i] = d->fblk[i];
			break;
		default:
			skb = pkts[k + p->ref[i]];
			if (!skb || skb->len != p->blen || skb_is_nonlinear(skb))
				goto out;
			d->src[i] = skb->data;
			d->fsrc[i] = PGM_FEC_PAR_CB(skb)->frag;
			break;
		}
	}
	for (nout = 0; nout < p->n_rebuild; nout++) {
		skb = alloc_skb(p->blen, GFP_ATOMIC);
		if (!skb)
			goto out;
		d->out[nout] = skb;
		d->dst[p->rebuild[nout]] = skb_put(skb, p->blen);
		d->fdst[p->rebuild[nout]] = d->fblk[k + nout];
	}
	if (pgm_rs_decode_prepare(fec->rs, p->index, fec->rm) != p->n_rebuild)
		goto out;
	pgm_rs_decode_apply(fec->rs, fec->rm, p->index, d->src, d->dst,
			    p->blen);
	if (p->frag)
		pgm_rs_decode_apply(fec->rs, fec->rm, p->index, d->fsrc,
				    d->fdst, PGM_FEC_FRAG_LEN);
	ok = true;
	for (i = 0; i < nout; i++) {
		skb = d->out[i];
		d->out[i] = NULL;
		if (!pgm_fec_rx_rebuilt(sk, fec, skb, i)) {
			__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
			kfree_skb(skb);
			continue;
		}
		__PGM_INC_STATS(net, PGM_MIB_FECRECOVERED);
		__skb_queue_tail(out, skb);
	}
	pgm_fecg_done(&fec->g, slot);
out:
	for (i = 0; i < nout; i++)
		kfree_skb(d->out[i]);
	for (i = 0; i < nb; i++)
		kfree(d->blocks[i]);
	kfree(zero);
	if (!ok)
		pgm_fecg_give_up(&fec->g, slot);
	pgm_fec_rx_sync(sk, fec);
}

/**
 * pgm_fec_rx_data() - a data packet the receive window took
 * @sk: the session
 * @skb: the packet (TSDU, cb filled in); cloned, not consumed
 * @sqn: its sequence
 * @out: where data it lets FEC rebuild goes (TSDUs, cb: sequence and
 *	OPT_FRAGMENT)
 */
void pgm_fec_rx_data(struct sock *sk, struct sk_buff *skb, u32 sqn,
		     struct sk_buff_head *out)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;
	struct pgm_fecg_ref ref;
	int why;

	if (!fec)
		return;
	why = pgm_fecg_data(&fec->g, sqn, skb->len,
			    PGM_SKB_CB(skb)->flags & PGM_CB_FRAG,
			    sess->rxw.commit, sess->rxw.lead, pgm_now(), &ref);
	pgm_fec_rx_sync(sk, fec);
	if (why != PGM_FECG_KEEP) {
		if (pgm_fec_rx_malformed(why))
			__PGM_INC_STATS(sock_net(sk), PGM_MIB_INMALFORMED);
		return;
	}
	if (pgm_fec_rx_keep(sk, fec, ref.slot, ref.pos,
			    skb_clone(skb, GFP_ATOMIC)) &&
	    pgm_fecg_ready(&fec->g, ref.slot))
		pgm_fec_rx_decode(sk, fec, ref.slot, out);
}

/**
 * pgm_fec_rx_parity() - a parity packet (ODATA or RDATA with OPT_PARITY)
 * @sk: the session
 * @skb: the packet, data at the PGM header; consumed
 * @rx: what it says
 * @out: where the data it lets FEC rebuild goes (TSDUs, cb: sequence and
 *	OPT_FRAGMENT)
 */
void pgm_fec_rx_parity(struct sock *sk, struct sk_buff *skb,
		       const struct pgm_rx *rx, struct sk_buff_head *out)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fecg_parity pp = {
		.sqn = rx->sqn,
		.grp = rx->parity_grp,
		.tgsize = rx->curr_tgsize,
		.len = rx->tsdu_len,
		.var = rx->options & PGM_OPT_VAR_PKTLEN,
		.frag = rx->has_frag,
		.odata = rx->type == PGM_TYPE_ODATA,
	};
	struct pgm_fec_rx *fec = sess->fec;
	struct net *net = sock_net(sk);
	struct pgm_fecg_ref ref;
	u8 *frag;
	int why;

	__PGM_INC_STATS(net, PGM_MIB_INPARITY);
	if (!fec)
		goto drop;
	why = pgm_fecg_parity(&fec->g, &pp, sess->rxw.commit, sess->rxw.lead,
			      pgm_rxw_capacity(&sess->rxw), &ref);
	pgm_fec_rx_sync(sk, fec);
	if (why != PGM_FECG_KEEP) {
		if (pgm_fec_rx_malformed(why))
			__PGM_INC_STATS(net, PGM_MIB_INMALFORMED);
		goto drop;
	}
	__skb_pull(skb, rx->tsdu_off);
	skb_dst_drop(skb);
	/* Linear for the decoder, and charged as such. */
	skb_orphan(skb);
	if (skb->len != rx->tsdu_len || skb_linearize(skb)) {
		kfree_skb(skb);
		skb = NULL;
	} else {
		memset(skb->cb, 0, sizeof(skb->cb));
		frag = PGM_FEC_PAR_CB(skb)->frag;
		if (rx->has_frag) {
			frag[0] = rx->frag_spec;
			put_unaligned_be32(rx->frag_first, frag + 1);
			put_unaligned_be32(rx->frag_off, frag + 5);
			put_unaligned_be32(rx->frag_len, frag + 9);
		}
	}
	if (pgm_fec_rx_keep(sk, fec, ref.slot, fec->g.k + ref.pos, skb) &&
	    pgm_fecg_ready(&fec->g, ref.slot))
		pgm_fec_rx_decode(sk, fec, ref.slot, out);
	return;
drop:
	kfree_skb(skb);
}

/**
 * pgm_fec_rx_nak_count() - how to ask for a lost sequence
 * @sk: the session
 * @sqn: a sequence the window wants to NAK
 * @lead: the window's lead
 * @now: the time, ns
 *
 * See pgm_fecg_nak_count(): a loss in a pro-active group still arriving
 * waits twice NAK_BO_IVL after the last data for its parity.
 *
 * Return: the number of parity packets to ask for (at least 1); 0 to
 * NAK @sqn selectively; -1 to wait (the window asks again after its NCF
 * wait).
 */
int pgm_fec_rx_nak_count(struct sock *sk, u32 sqn, u32 lead, u64 now)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;
	int cnt;

	if (!fec)
		return 0;
	cnt = pgm_fecg_nak_count(&fec->g, sqn, lead, now, sess->fin,
				 2 * (u64)pgm_sk(sk)->params.nak_bo_ivl *
				 PGM_MS);
	pgm_fec_rx_sync(sk, fec);
	return cnt;
}

/**
 * pgm_fec_rx_nak_sqn() - the sequence of a parity NAK
 * @sk: the session
 * @sqn: a sequence of the group
 * @count: parity packets wanted, 1 to k
 *
 * Return: the group's first sequence | (@count - 1) (RFC 3208 A.4).
 */
u32 pgm_fec_rx_nak_sqn(struct sock *sk, u32 sqn, unsigned int count)
{
	return pgm_fecg_nak_sqn(&pgm_sk(sk)->sess->fec->g, sqn, count);
}

/**
 * pgm_fec_rx_ncf() - a parity NCF: the group's losses are being repaired
 * @sk: the session
 * @sqn: the NCF's sequence (group | count - 1)
 * @now: the time, ns
 */
void pgm_fec_rx_ncf(struct sock *sk, u32 sqn, u64 now)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	unsigned int i, n;
	u32 first;

	if (!sess->fec)
		return;
	n = pgm_fecg_ncf(&sess->fec->g, sqn, sess->rxw.lead, &first);
	for (i = 0; i < n; i++)
		pgm_rxw_ncf(&sess->rxw, first + i, now);
}

/**
 * pgm_fec_rx_tgsize() - an SPM's OPT_CURR_TGSIZE: the source closed the
 *	group of its lead early
 * @sk: the session
 * @lead: the SPM's lead, the group's last sequence
 * @tgsize: the group's size (0: no OPT_CURR_TGSIZE)
 */
void pgm_fec_rx_tgsize(struct sock *sk, u32 lead, u32 tgsize)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;

	if (!fec || !tgsize)
		return;
	pgm_fecg_tgsize(&fec->g, lead, tgsize, sess->rxw.commit);
	pgm_fec_rx_sync(sk, fec);
}

/**
 * pgm_fec_rx_trail() - the window's trail moved: forget older groups
 * @sk: the session
 * @trail: the new trailing edge
 */
void pgm_fec_rx_trail(struct sock *sk, u32 trail)
{
	struct pgm_fec_rx *fec = pgm_sk(sk)->sess->fec;

	if (!fec)
		return;
	pgm_fecg_trail(&fec->g, trail);
	pgm_fec_rx_sync(sk, fec);
}
