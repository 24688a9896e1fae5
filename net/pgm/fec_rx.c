// SPDX-License-Identifier: GPL-2.0
/*
 * PGM FEC at the receiver: keep each transmission group's data and
 * parity until the group is whole, rebuild missing data packets as soon
 * as any k of the group's packets are in, and size parity NAKs. The
 * source's OPT_PARITY_PRM (in its SPMs) turns this on; receivers have no
 * option of their own.
 *
 * Groups are tracked in a direct-mapped table by group number. A group
 * holds clones of its data packets (sharing the data with the receive
 * window) and its parity packets (charged to the socket). It is freed
 * when all its data is in, when the window's trail passes it, or when a
 * newer group takes its slot. Groups that began before FEC was known, or
 * whose slot was taken, are repaired by selective NAKs as without FEC.
 *
 * Context: the session's owner (see timer.c), like the rest of session.c.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "pgm.h"
#include "rs.h"
#include "seq.h"
#include "wire.h"

#define PGM_FEC_RX_GROUPS	128

/**
 * struct pgm_fec_rx_grp - one transmission group being collected
 * @tg: its first sequence
 * @n_data: data packets held
 * @n_par: parity packets held
 * @size: the group's size when the source closed it early
 *	(OPT_CURR_TGSIZE), else k; the packets beyond are zeros
 * @selective: parity cannot repair it (the source repeats parity it sent,
 *	or rounds of parity NAKs failed): NAK its losses selectively
 * @nak_rounds: parity NAK rounds sent for it
 * @last_nak: when the last one went out, ns
 * @var: the parity says the group's TSDUs differ in length
 * @frag: the parity carries encoded OPT_FRAGMENTs
 * @par_idx: parity index of each of @par
 * @data: data packets (TSDU skbs, cb filled in), by index in the group
 * @par: parity packets (TSDU skbs); their cb holds the encoded fragment
 */
struct pgm_fec_rx_grp {
	u32		tg;
	u8		n_data;
	u8		n_par;
	u8		size;
	bool		selective;
	u8		nak_rounds;
	u64		last_nak;
	bool		var;
	bool		frag;
	u8		par_idx[PGM_FEC_K_MAX];
	struct sk_buff	*data[PGM_FEC_K_MAX];
	struct sk_buff	*par[PGM_FEC_K_MAX];
};

/* Decoding scratch, too large for the stack. */
struct pgm_fec_rx_dec {
	u8		index[PGM_FEC_K_MAX];
	const u8	*src[PGM_FEC_K_MAX];
	const u8	*fsrc[PGM_FEC_K_MAX];
	u8		*dst[PGM_FEC_K_MAX];
	u8		*fdst[PGM_FEC_K_MAX];
	u8		*blocks[2 * PGM_FEC_K_MAX];
	u8		fblk[2 * PGM_FEC_K_MAX][PGM_FEC_FRAG_LEN];
};

/**
 * struct pgm_fec_rx - a session's FEC state
 * @k: transmission group size
 * @log2k: log2(@k)
 * @ondemand: the source answers parity NAKs
 * @proactive: the source sends parity after every group
 * @prm: the PGM_PARITY_PRM_* bits of the source's last OPT_PARITY_PRM;
 *	@ondemand and @proactive are pgm_fec_prm_read() of them
 * @parity_odata: parity came as ODATA: the source is pro-active
 * @two_groups: the source's lead passed the end of the second whole group
 *	from @from
 * @swapped: P alone was re-read as OpenPGM's on-demand (counted once)
 * @parity_failed: a group's parity NAKs went unanswered (or its parity
 *	never arrived intact): no more parity NAKs in this session
 * @last_data: when the last data packet arrived, ns
 * @decoding: in pgm_fec_rx_decode(), whose packets come back through
 *	pgm_fec_rx_data()
 * @from_set: @from is known (the first data arrived)
 * @from: first group collected from its start: earlier ones are not
 * @rs: the code, RS(255, k): parity index j is block index k + j for any n
 * @rm: decoding scratch: the recovery matrix
 * @dec: decoding scratch: the packets' blocks
 * @grp: the groups, by group number
 */
struct pgm_fec_rx {
	u8			k;
	u8			log2k;
	bool			ondemand;
	bool			proactive;
	u8			prm;
	bool			parity_odata;
	bool			two_groups;
	bool			swapped;
	bool			parity_failed;
	bool			decoding;
	bool			from_set;
	u64			last_data;
	u32			from;
	struct pgm_rs		*rs;
	u8			*rm;
	struct pgm_fec_rx_dec	*dec;
	struct pgm_fec_rx_grp	*grp[PGM_FEC_RX_GROUPS];
};

/* Encoded OPT_FRAGMENT of a parity packet, kept in its cb. */
struct pgm_fec_par_cb {
	u8	frag[PGM_FEC_FRAG_LEN];
	bool	has_frag;
};

#define PGM_FEC_PAR_CB(skb)	((struct pgm_fec_par_cb *)&((skb)->cb[0]))

static void pgm_fec_grp_free(struct pgm_fec_rx_grp *g)
{
	unsigned int i;

	for (i = 0; i < PGM_FEC_K_MAX; i++) {
		kfree_skb(g->data[i]);
		kfree_skb(g->par[i]);
	}
	kfree(g);
}

/**
 * pgm_fec_rx_free() - release a session's FEC state
 * @sess: the session
 */
void pgm_fec_rx_free(struct pgm_session *sess)
{
	struct pgm_fec_rx *fec = sess->fec;
	unsigned int i;

	if (!fec)
		return;
	for (i = 0; i < PGM_FEC_RX_GROUPS; i++)
		if (fec->grp[i])
			pgm_fec_grp_free(fec->grp[i]);
	kfree(fec->dec);
	kfree(fec->rm);
	kfree(fec->rs);
	kfree(fec);
	sess->fec = NULL;
}

/* The first group whose data this session will see whole: the one
 * starting at or after @sqn.
 */
static u32 pgm_fec_rx_first(const struct pgm_fec_rx *fec, u32 sqn)
{
	u32 tg = sqn & ~((u32)fec->k - 1);

	return tg == sqn ? tg : tg + fec->k;
}

/* Read the source's OPT_PARITY_PRM again, now that its lead is @lead:
 * P alone may turn out to be OpenPGM's on-demand (pgm_fec_prm_read()).
 */
static void pgm_fec_rx_mode(struct sock *sk, struct pgm_fec_rx *fec, u32 lead)
{
	if (!fec->two_groups && fec->from_set &&
	    pgm_fec_groups_passed(fec->k, fec->from, lead, 2))
		fec->two_groups = true;
	if (pgm_fec_prm_read(fec->prm, fec->parity_odata, fec->two_groups,
			     &fec->ondemand, &fec->proactive) &&
	    !fec->swapped) {
		fec->swapped = true;
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_FECPRMSWAPPED);
	}
	if (fec->parity_failed)
		fec->ondemand = false;
}

/**
 * pgm_fec_rx_spm() - the source's OPT_PARITY_PRM
 * @sk: the session
 * @tgs: its transmission group size
 * @prm: its PGM_PARITY_PRM_* bits
 *
 * The first one sets the session's FEC up; a group size that is not a
 * power of two from 2 to 128, or that changes, is ignored. The P and O
 * bits are read by pgm_fec_prm_read(), with what the session saw since.
 */
void pgm_fec_rx_spm(struct sock *sk, u32 tgs, u8 prm)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;

	if (tgs < PGM_FEC_K_MIN || tgs > PGM_FEC_K_MAX || (tgs & (tgs - 1)))
		return;
	if (fec) {
		if (fec->k == tgs) {
			fec->prm = prm;
			pgm_fec_rx_mode(sk, fec, sess->rxw.lead);
		}
		return;
	}
	fec = kzalloc(sizeof(*fec), GFP_ATOMIC);
	if (!fec)
		return;
	fec->k = tgs;
	fec->log2k = __builtin_ctz(tgs);
	/* Known before any data: from the window's start; else from the
	 * first group after what arrived without FEC.
	 */
	if (sess->rxw.defined) {
		fec->from = pgm_fec_rx_first(fec, sess->rxw.lead + 1);
		fec->from_set = true;
	}
	fec->prm = prm;
	pgm_fec_prm_read(prm, false, false, &fec->ondemand, &fec->proactive);
	fec->rs = kmalloc(pgm_rs_size(PGM_FEC_N_MAX, tgs), GFP_ATOMIC);
	fec->dec = kmalloc(sizeof(*fec->dec), GFP_ATOMIC);
	if (fec->rs && !pgm_rs_init(fec->rs, PGM_FEC_N_MAX, tgs))
		fec->rm = kmalloc(pgm_rs_decode_size(fec->rs), GFP_ATOMIC);
	if (!fec->rm || !fec->dec) {
		kfree(fec->dec);
		kfree(fec->rm);
		kfree(fec->rs);
		kfree(fec);
		return;
	}
	sess->fec = fec;
}

static u32 pgm_fec_rx_tg(const struct pgm_fec_rx *fec, u32 sqn)
{
	return sqn & ~((u32)fec->k - 1);
}

/* The group at @tg, made if @make; NULL if it is not collected. */
static struct pgm_fec_rx_grp *pgm_fec_rx_grp(struct pgm_fec_rx *fec, u32 tg,
					     bool make)
{
	struct pgm_fec_rx_grp **slot, *g;

	if (!fec->from_set)
		return NULL;
	if (pgm_seq_before(tg, fec->from))
		return NULL;
	slot = &fec->grp[(tg >> fec->log2k) % PGM_FEC_RX_GROUPS];
	g = *slot;
	if (g && g->tg == tg)
		return g;
	if (!make || (g && pgm_seq_after(g->tg, tg)))
		return NULL;
	if (g)
		pgm_fec_grp_free(g);
	g = kzalloc(sizeof(*g), GFP_ATOMIC);
	if (g) {
		g->tg = tg;
		g->size = fec->k;
	}
	*slot = g;
	return g;
}

static void pgm_fec_rx_drop(struct pgm_fec_rx *fec, struct pgm_fec_rx_grp *g)
{
	fec->grp[(g->tg >> fec->log2k) % PGM_FEC_RX_GROUPS] = NULL;
	pgm_fec_grp_free(g);
}

/* Rebuild the group's missing data from any k of its packets. */
static void pgm_fec_rx_decode(struct sock *sk, struct pgm_fec_rx *fec,
			      struct pgm_fec_rx_grp *g)
{
	struct pgm_fec_rx_dec *d = fec->dec;
	unsigned int k = fec->k, blen, max, i, m = 0, n = 0;
	struct sk_buff *skb;

	blen = g->par[0]->len;
	max = blen - (g->var ? 2 : 0);
	for (i = 1; i < g->n_par; i++)
		if (g->par[i]->len != blen)
			return;
	memset(d->blocks, 0, sizeof(d->blocks));
	/* The held data, padded as the source encoded it, then parity. */
	for (i = 0; i < k && n < k; i++) {
		const struct pgm_skb_cb *cb;

		skb = g->data[i];
		if (i >= g->size) {
			/* Beyond a group closed early: zeros. */
			d->blocks[n] = kzalloc(blen, GFP_ATOMIC);
			if (!d->blocks[n])
				goto out;
			pgm_fec_frag_put(d->fblk[n], false, 0, 0, 0);
			d->index[n] = i;
			d->src[n] = d->blocks[n];
			d->fsrc[n] = d->fblk[n];
			n++;
			continue;
		}
		if (!skb)
			continue;
		cb = PGM_SKB_CB(skb);
		if (skb->len > max)
			goto out;
		d->blocks[n] = kmalloc(blen, GFP_ATOMIC);
		if (!d->blocks[n] ||
		    skb_copy_bits(skb, 0, d->blocks[n], skb->len))
			goto out;
		pgm_fec_pad(d->blocks[n], skb->len, max, g->var);
		pgm_fec_frag_put(d->fblk[n], cb->flags & PGM_CB_FRAG,
				 cb->apdu_first, cb->apdu_off, cb->apdu_len);
		d->index[n] = i;
		d->src[n] = d->blocks[n];
		d->fsrc[n] = d->fblk[n];
		n++;
	}
	for (i = 0; n < k && i < g->n_par; i++) {
		if (skb_linearize(g->par[i]))
			goto out;
		d->index[n] = k + g->par_idx[i];
		d->src[n] = g->par[i]->data;
		d->fsrc[n] = PGM_FEC_PAR_CB(g->par[i])->frag;
		n++;
	}
	for (i = 0; i < k; i++) {
		if (g->data[i] || i >= g->size)
			continue;
		d->blocks[k + m] = kmalloc(blen, GFP_ATOMIC);
		if (!d->blocks[k + m])
			goto out;
		d->dst[i] = d->blocks[k + m];
		d->fdst[i] = d->fblk[k + m];
		m++;
	}
	if (pgm_rs_decode(fec->rs, d->index, d->src, d->dst, blen, fec->rm))
		goto out;
	fec->decoding = true;
	if (g->frag &&
	    pgm_rs_decode(fec->rs, d->index, d->fsrc, d->fdst,
			  PGM_FEC_FRAG_LEN, fec->rm))
		goto out;

	for (i = 0; i < k; i++) {
		u32 first = 0, off = 0, len = 0, tg = g->tg;
		bool has_frag = false;
		int tlen;

		if (g->data[i] || i >= g->size)
			continue;
		tlen = pgm_fec_unpad(d->dst[i], blen, g->var);
		if (tlen < 0)
			continue;
		if (g->frag)
			has_frag = pgm_fec_frag_get(d->fdst[i], &first, &off,
						    &len);
		skb = alloc_skb(tlen, GFP_ATOMIC);
		if (!skb)
			continue;
		skb_put_data(skb, d->dst[i], tlen);
		__PGM_INC_STATS(sock_net(sk), PGM_MIB_FECRECOVERED);
		/* The receive path may free the group: look it up again. */
		pgm_session_fec_data(sk, skb, tg + i, has_frag, first, off,
				     len);
		g = pgm_fec_rx_grp(fec, tg, false);
		if (!g)
			break;
	}
out:
	fec->decoding = false;
	for (i = 0; i < 2 * k; i++)
		kfree(d->blocks[i]);
}

/**
 * pgm_fec_rx_data() - a data packet the receive window took
 * @sk: the session
 * @skb: the packet (TSDU, cb filled in); cloned, not consumed
 * @sqn: its sequence
 */
void pgm_fec_rx_data(struct sock *sk, struct sk_buff *skb, u32 sqn)
{
	struct pgm_fec_rx *fec = pgm_sk(sk)->sess->fec;
	struct pgm_fec_rx_grp *g;
	unsigned int i;

	if (!fec)
		return;
	fec->last_data = pgm_now();
	if (!fec->from_set) {
		/* The first data: the window starts at its commit point. */
		fec->from = pgm_fec_rx_first(fec, pgm_sk(sk)->sess->rxw.commit);
		fec->from_set = true;
	}
	pgm_fec_rx_mode(sk, fec, pgm_sk(sk)->sess->rxw.lead);
	g = pgm_fec_rx_grp(fec, pgm_fec_rx_tg(fec, sqn), true);
	if (!g)
		return;
	i = sqn & (fec->k - 1);
	if (g->data[i])
		return;
	g->data[i] = skb_clone(skb, GFP_ATOMIC);
	if (!g->data[i])
		return;
	if (++g->n_data >= g->size)
		pgm_fec_rx_drop(fec, g);
	else if (g->n_par && g->n_data + g->n_par >= g->size &&
		 !fec->decoding)
		pgm_fec_rx_decode(sk, fec, g);	/* a repair completed it */
}

/**
 * pgm_fec_rx_parity() - a parity packet (ODATA or RDATA with OPT_PARITY)
 * @sk: the session
 * @skb: the packet, data at the TSDU; consumed
 * @odata: it came as ODATA: the source sends parity pro-actively
 * @sqn: the header's sequence
 * @grp: OPT_PARITY_GRP (0 without)
 * @tgsize: OPT_CURR_TGSIZE (0 without: a full group)
 * @var: OPT_VAR_PKTLEN
 * @frag: the encoded OPT_FRAGMENT (PGM_FEC_FRAG_LEN bytes), or NULL
 */
void pgm_fec_rx_parity(struct sock *sk, struct sk_buff *skb, bool odata,
		       u32 sqn, u32 grp, u32 tgsize, bool var, const u8 *frag)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;
	struct net *net = sock_net(sk);
	struct pgm_fec_rx_grp *g;
	u64 j;
	u32 tg;

	__PGM_INC_STATS(net, PGM_MIB_INPARITY);
	if (!fec)
		goto drop;
	if (odata && !fec->parity_odata) {
		fec->parity_odata = true;
		pgm_fec_rx_mode(sk, fec, sess->rxw.lead);
	}
	tg = pgm_fec_rx_tg(fec, sqn);
	j = (u64)grp * fec->k + (sqn & (fec->k - 1));
	if (j >= PGM_FEC_N_MAX - fec->k || !skb->len ||
	    !pgm_seq_after(tg + fec->k, sess->rxw.commit))
		goto drop;
	g = pgm_fec_rx_grp(fec, tg, true);
	if (!g)
		goto drop;
	if (tgsize && tgsize < fec->k && g->size == fec->k &&
	    g->n_data <= tgsize)
		g->size = tgsize;
	if (g->n_par >= fec->k || g->n_data + g->n_par >= g->size)
		goto drop;
	if (g->n_par && (g->var != var || g->frag != !!frag))
		goto drop;
	for (tg = 0; tg < g->n_par; tg++) {
		if (g->par_idx[tg] == j) {
			/* The source has no fresh parity left for it. */
			g->selective = true;
			goto drop;
		}
	}
	skb_dst_drop(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	if (frag)
		memcpy(PGM_FEC_PAR_CB(skb)->frag, frag, PGM_FEC_FRAG_LEN);
	skb_orphan(skb);
	skb_set_owner_r(skb, sk);
	g->var = var;
	g->frag = !!frag;
	g->par_idx[g->n_par] = j;
	g->par[g->n_par++] = skb;
	if (g->n_data + g->n_par >= g->size)
		pgm_fec_rx_decode(sk, fec, g);
	return;
drop:
	kfree_skb(skb);
}

/* Pro-active parity only: of a group's losses, repair selectively only
 * as many as the parity held does not cover (the first ones); the rest
 * is rebuilt once those arrive. 0: NAK @sqn; -1: wait.
 */
static int pgm_fec_rx_nak_some(struct pgm_fec_rx *fec,
			       struct pgm_fec_rx_grp *g, u32 sqn)
{
	unsigned int i, pos = 0, idx = sqn & (fec->k - 1);
	int need = g->size - g->n_data - g->n_par;

	if (!g->n_par || idx >= g->size || need <= 0)
		return 0;
	for (i = 0; i < idx; i++)
		if (!g->data[i])
			pos++;
	return (int)pos < need ? 0 : -1;
}

/**
 * pgm_fec_rx_nak_count() - how to ask for a lost sequence
 * @sk: the session
 * @sqn: a sequence the window wants to NAK
 * @lead: the window's lead
 * @now: the time, ns
 *
 * The source's mode is read again first (pgm_fec_rx_mode()): an OpenPGM
 * source's on-demand parity may only now show for what it is.
 *
 * With pro-active parity, a loss in a group still arriving waits for the
 * group's parity (while data keeps coming: an idle source sends no
 * parity for a partial group). With on-demand parity, a full group the
 * receiver collected is repaired with parity: as many packets as it
 * misses, less the parity it holds.
 *
 * Return: that count (at least 1); 0 to NAK @sqn selectively; -1 to
 * wait (the window asks again after its NCF wait).
 */
int pgm_fec_rx_nak_count(struct sock *sk, u32 sqn, u32 lead, u64 now)
{
	struct pgm_session *sess = pgm_sk(sk)->sess;
	struct pgm_fec_rx *fec = sess->fec;
	struct pgm_fec_rx_grp *g;
	bool partial;
	u32 tg;
	int want;

	if (!fec)
		return 0;
	pgm_fec_rx_mode(sk, fec, lead);
	tg = pgm_fec_rx_tg(fec, sqn);
	g = pgm_fec_rx_grp(fec, tg, false);
	/* A group the source closed early is not partial: it is complete. */
	partial = pgm_seq_after(tg + fec->k - 1, lead) &&
		  (!g || g->size == fec->k);
	if (fec->proactive && partial && !sess->fin &&
	    now - fec->last_data <
	    2 * (u64)pgm_sk(sk)->params.nak_bo_ivl * PGM_MS)
		return -1;
	if (!g || g->selective || partial)
		return 0;
	if (!fec->ondemand)
		return pgm_fec_rx_nak_some(fec, g, sqn);
	/* Parity that did not come after three parity NAKs will not: the
	 * group's NAKs of one round go out together, at one time. Nor will
	 * it for later groups: the session's repairs are selective from
	 * then on (OpenPGM confirms parity NAKs but its parity packets
	 * fail the checksum).
	 */
	if (now != g->last_nak) {
		g->last_nak = now;
		if (++g->nak_rounds > 3) {
			g->selective = true;
			if (!fec->parity_failed)
				__PGM_INC_STATS(sock_net(sk),
						PGM_MIB_FECPARITYGAVEUP);
			fec->parity_failed = true;
			fec->ondemand = false;
			return 0;
		}
	}
	want = g->size - g->n_data - g->n_par;
	return want > 0 ? want : 1;
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
	struct pgm_fec_rx *fec = pgm_sk(sk)->sess->fec;

	return pgm_fec_rx_tg(fec, sqn) | (count - 1);
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
	struct pgm_fec_rx *fec = sess->fec;
	u32 tg, i;

	if (!fec)
		return;
	tg = pgm_fec_rx_tg(fec, sqn);
	for (i = 0; i < fec->k; i++) {
		if (pgm_seq_after(tg + i, sess->rxw.lead))
			break;
		pgm_rxw_ncf(&sess->rxw, tg + i, now);
	}
}

/**
 * pgm_fec_rx_tgsize() - an SPM's OPT_CURR_TGSIZE: the source closed the
 *	group of its lead early
 * @sk: the session
 * @lead: the SPM's lead, the group's last sequence
 * @tgsize: the group's size
 */
void pgm_fec_rx_tgsize(struct sock *sk, u32 lead, u32 tgsize)
{
	struct pgm_fec_rx *fec = pgm_sk(sk)->sess->fec;
	struct pgm_fec_rx_grp *g;
	u32 tg;

	if (!fec || !tgsize || tgsize >= fec->k)
		return;
	tg = pgm_fec_rx_tg(fec, lead);
	if (tg + tgsize - 1 != lead)
		return;
	g = pgm_fec_rx_grp(fec, tg, true);
	if (g && g->size == fec->k && g->n_data <= tgsize) {
		g->size = tgsize;
		if (g->n_data + g->n_par >= g->size) {
			if (g->n_par)
				pgm_fec_rx_decode(sk, fec, g);
			else
				pgm_fec_rx_drop(fec, g);
		}
	}
}

/**
 * pgm_fec_rx_trail() - the window's trail moved: forget older groups
 * @sk: the session
 * @trail: the new trailing edge
 */
void pgm_fec_rx_trail(struct sock *sk, u32 trail)
{
	struct pgm_fec_rx *fec = pgm_sk(sk)->sess->fec;
	unsigned int i;

	if (!fec)
		return;
	for (i = 0; i < PGM_FEC_RX_GROUPS; i++) {
		struct pgm_fec_rx_grp *g = fec->grp[i];

		if (g && pgm_seq_before(g->tg + fec->k - 1, trail)) {
			fec->grp[i] = NULL;
			pgm_fec_grp_free(g);
		}
	}
}
