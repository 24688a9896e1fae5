// SPDX-License-Identifier: GPL-2.0
/*
 * PGM packets as skbs: the skb side of the wire codec (wire.c). Received
 * packets are parsed by pgm_parse() into the struct pgm_rx the protocol
 * handlers use; control packets are written by pgm_encode(), data packets
 * by hand (see pgm_build_data()); the checksums are done here.
 */

#include <linux/skbuff.h>
#include <linux/unaligned.h>
#include <net/checksum.h>
#include <net/sock.h>

#include "pgm.h"
#include "wire.h"

/**
 * pgm_parse_skb() - parse a received packet's headers and options
 * @skb: the packet, data at the PGM header
 * @rx: filled in
 *
 * pgm_parse() (wire.c) does the parsing; this pulls into the linear area
 * what it asks for (the headers and options: the payload may stay in
 * fragments), refuses what the module cannot use (IPv6 NLAs; a data
 * packet's OPT_FRAGMENT that does not hold its payload) and gives the
 * protocol handlers the view of struct pgm_rx: a NAK's or NCF's
 * sequences in one list, header's first.
 *
 * Context: any; the skb's head may be reallocated, so pointers into it
 * taken before the call are stale after it.
 * Return: 0, or a negative errno: pgm_parse()'s for a malformed or
 * unsupported packet (-EINVAL, -EPROTONOSUPPORT, -EOPNOTSUPP,
 * -EAFNOSUPPORT), also -EAFNOSUPPORT for an IPv6 NLA and -EINVAL for a
 * bad OPT_FRAGMENT; -ENOMEM when the headers could not be pulled.
 */
int pgm_parse_skb(struct sk_buff *skb, struct pgm_rx *rx)
{
	const struct pgm_opts *o;
	struct pgm_pkt pkt;
	int err;

	BUILD_BUG_ON(ARRAY_SIZE(rx->naks) != PGM_OPT_NAK_LIST_MAX + 1);
	while ((err = pgm_parse(skb->data, skb_headlen(skb), skb->len,
				&pkt)) == -EAGAIN)
		if (!pskb_may_pull(skb, pkt.hdr_len))
			return -ENOMEM;
	if (err)
		return err;
	/* The module speaks IPv4: struct pgm_rx holds __be32 NLAs. */
	if (pkt.nla.afi == PGM_AFI_IP6 || pkt.grp_nla.afi == PGM_AFI_IP6)
		return -EAFNOSUPPORT;

	o = &pkt.opts;
	memset(rx, 0, offsetof(struct pgm_rx, naks));
	rx->type = pkt.type;
	rx->options = pkt.flags;
	rx->sqn = pkt.sqn;
	rx->trail = pkt.trail;
	rx->lead = pkt.lead;
	rx->nla = pkt.nla.ip4;
	rx->grp_nla = pkt.grp_nla.ip4;
	rx->tsdu_off = pkt.hdr_len;
	rx->tsdu_len = skb->len - pkt.hdr_len;

	rx->has_frag = o->present & PGM_OPTB(PGM_OPT_FRAGMENT);
	rx->frag_spec = o->frag_spec;
	rx->frag_first = o->frag_first;
	rx->frag_off = o->frag_off;
	rx->frag_len = o->frag_len;
	rx->has_join = o->present & PGM_OPTB(PGM_OPT_JOIN);
	rx->join_min = o->join_min;
	rx->syn = o->present & PGM_OPTB(PGM_OPT_SYN);
	rx->fin = o->present & PGM_OPTB(PGM_OPT_FIN);
	rx->rst = o->present & PGM_OPTB(PGM_OPT_RST);
	rx->rst_n = o->rst_n;
	rx->has_parity_prm = o->present & PGM_OPTB(PGM_OPT_PARITY_PRM);
	rx->parity_prm = o->parity_prm;
	rx->parity_tgs = o->parity_tgs;
	rx->parity_grp = o->parity_grp;
	rx->curr_tgsize = o->curr_tgsize;

	switch (pkt.type) {
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		/* A parity packet's OPT_FRAGMENT is FEC-encoded. */
		if (rx->has_frag && !(rx->options & PGM_OPT_PARITY) &&
		    (rx->frag_off >= rx->frag_len ||
		     rx->frag_len - rx->frag_off < rx->tsdu_len))
			return -EINVAL;
		break;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		rx->naks[0] = pkt.sqn;
		memcpy(&rx->naks[1], o->nak_list,
		       o->nak_count * sizeof(rx->naks[0]));
		rx->n_naks = 1 + o->nak_count;
		break;
	}
	return 0;
}

/* ----- building ----- */

/* ODATA and RDATA headers are written by hand: their layout is fixed
 * (sequence and trail, then OPT_FRAGMENT, OPT_JOIN and OPT_SYN when
 * present, in pgm_encode()'s order), and pgm_encode() would mean zeroing
 * a struct pgm_pkt (over 400 bytes) and walking its option table twice
 * for every packet sent, to write 24 to 56 bytes.
 *
 * Options writer: OPT_LENGTH first (written with the first option, so a
 * packet without options gets nothing), OPT_END on the last one.
 */
struct pgm_optw {
	u8	*base;
	u8	*last;
	unsigned int len;
};

static void pgm_opt_begin(struct pgm_optw *w, u8 *p)
{
	w->base = p;
	w->last = NULL;
	w->len = 0;
}

static u8 *pgm_opt_add(struct pgm_optw *w, u8 type, unsigned int len)
{
	u8 *o;

	if (!w->len) {
		w->base[0] = PGM_OPT_LENGTH;
		w->base[1] = 4;
		w->len = 4;
	}
	o = w->base + w->len;
	o[0] = type;
	o[1] = len;
	o[2] = 0;
	o[3] = 0;
	w->last = o;
	w->len += len;
	return o;
}

/* Return the options' length, 0 if there were none. */
static unsigned int pgm_opt_end(struct pgm_optw *w)
{
	if (!w->last)
		return 0;
	w->last[0] |= PGM_OPT_END;
	put_unaligned_be16(w->len, w->base + 2);
	return w->len;
}

static void pgm_fill_hdr(struct pgm_hdr *ph, u8 type, u8 options,
			 __be16 sport, __be16 dport, const u8 *gsi, u16 tsdu)
{
	ph->sport = sport;
	ph->dport = dport;
	ph->type = type;
	ph->options = options;
	ph->check = 0;
	memcpy(ph->gsi, gsi, sizeof(ph->gsi));
	ph->tsdu_len = htons(tsdu);
}

/* Checksum the PGM header (and what follows it in the linear area). */
static void pgm_csum(struct sk_buff *skb, unsigned int hlen, __wsum payload)
{
	struct pgm_hdr *ph = (struct pgm_hdr *)skb->data;
	__sum16 sum = csum_fold(csum_partial(skb->data, hlen, payload));

	ph->check = sum ?: CSUM_MANGLED_0;
}

/**
 * pgm_data_hdr_len() - header and option bytes of a data packet
 * @opts: its options
 *
 * Return: bytes in front of the payload.
 */
unsigned int pgm_data_hdr_len(const struct pgm_data_opts *opts)
{
	unsigned int len = PGM_HDR_LEN + 8, o = 0;

	if (opts->frag)
		o += 16;
	if (opts->join)
		o += 8;
	if (opts->syn)
		o += 4;
	return len + (o ? o + 4 : 0);
}

/**
 * pgm_build_data() - an ODATA or RDATA packet around a queued payload
 * @sk: the source
 * @payload: the payload skb held by the transmit window (not consumed)
 * @type: PGM_TYPE_ODATA or PGM_TYPE_RDATA
 * @sqn: its data sequence number
 * @trail: the current trailing edge
 * @opts: options to add
 *
 * The payload is shared (cloned) unless an earlier transmission of it is
 * still in flight, then copied.
 *
 * Return: the packet, or NULL without memory.
 */
struct sk_buff *pgm_build_data(struct sock *sk, struct sk_buff *payload,
			       u8 type, u32 sqn, u32 trail,
			       const struct pgm_data_opts *opts)
{
	const struct pgm_skb_cb *cb = PGM_SKB_CB(payload);
	struct pgm_sock *ps = pgm_sk(sk);
	unsigned int hlen = pgm_data_hdr_len(opts);
	struct pgm_optw w;
	struct sk_buff *skb;
	u8 *p, *o;

	if (skb_cloned(payload))
		skb = pskb_copy(payload, GFP_ATOMIC);
	else
		skb = skb_clone(payload, GFP_ATOMIC);
	if (!skb)
		return NULL;
	p = skb_push(skb, hlen);
	put_unaligned_be32(sqn, p + PGM_HDR_LEN);
	put_unaligned_be32(trail, p + PGM_HDR_LEN + 4);
	pgm_opt_begin(&w, p + PGM_HDR_LEN + 8);
	if (opts->frag) {
		o = pgm_opt_add(&w, PGM_OPT_FRAGMENT, 16);
		put_unaligned_be32(cb->apdu_first, o + 4);
		put_unaligned_be32(cb->apdu_off, o + 8);
		put_unaligned_be32(cb->apdu_len, o + 12);
	}
	if (opts->join) {
		o = pgm_opt_add(&w, PGM_OPT_JOIN, 8);
		put_unaligned_be32(opts->join_min, o + 4);
	}
	if (opts->syn)
		pgm_opt_add(&w, PGM_OPT_SYN, 4);
	pgm_fill_hdr((struct pgm_hdr *)p, type,
		     pgm_opt_end(&w) ? PGM_OPT_PRESENT : 0, ps->tsi.sport,
		     ps->dport, ps->tsi.gsi, payload->len);
	pgm_csum(skb, hlen, payload->csum);
	return skb;
}

/* A control packet: header, type-specific part and options from @pkt
 * (pgm_encode()), then the checksum.
 */
static struct sk_buff *pgm_build_ctl(struct sock *sk,
				     const struct pgm_pkt *pkt)
{
	struct sk_buff *skb;
	int len;

	len = pgm_encode(NULL, 0, pkt);
	if (WARN_ON_ONCE(len < 0))
		return NULL;
	skb = pgm_alloc_ctl(sk, len);
	if (!skb)
		return NULL;
	pgm_encode(skb->data, len, pkt);
	pgm_csum(skb, len, 0);
	return skb;
}

/**
 * pgm_build_spm() - a source path message
 * @sk: the source
 * @spm_sqn: SPM sequence number
 * @trail: trailing edge
 * @lead: leading edge
 * @path: path NLA: the source's address
 * @fin: add OPT_FIN (the session ended)
 * @rst: add OPT_RST with the N bit (aborted; NAKs go unanswered)
 *
 * With FEC it carries OPT_PARITY_PRM, and OPT_CURR_TGSIZE when the lead
 * ends a group closed early (pgm_fec_tx_spm_opts()).
 *
 * Return: the packet, or NULL without memory.
 */
struct sk_buff *pgm_build_spm(struct sock *sk, u32 spm_sqn, u32 trail,
			      u32 lead, __be32 path, bool fin, bool rst)
{
	struct pgm_sock *ps = pgm_sk(sk);
	struct pgm_pkt pkt = {
		.sport		= ps->tsi.sport,
		.dport		= ps->dport,
		.type		= PGM_TYPE_SPM,
		.sqn		= spm_sqn,
		.trail		= trail,
		.lead		= lead,
		.nla		= { .afi = PGM_AFI_IP, .ip4 = path },
	};
	struct pgm_opts *o = &pkt.opts;

	memcpy(pkt.gsi, ps->tsi.gsi, sizeof(pkt.gsi));
	if (pgm_fec_tx_spm_opts(sk, &o->parity_tgs, &o->parity_prm,
				&o->curr_tgsize)) {
		o->present |= PGM_OPTB(PGM_OPT_PARITY_PRM);
		if (o->curr_tgsize)
			o->present |= PGM_OPTB(PGM_OPT_CURR_TGSIZE);
	}
	if (fin)
		o->present |= PGM_OPTB(PGM_OPT_FIN);
	if (rst) {
		o->present |= PGM_OPTB(PGM_OPT_RST);
		o->rst_n = true;
	}
	return pgm_build_ctl(sk, &pkt);
}

/**
 * pgm_build_nak() - a NAK (receiver) or NCF (source)
 * @sk: the sending socket
 * @type: PGM_TYPE_NAK or PGM_TYPE_NCF
 * @sport: header source port
 * @dport: header destination port
 * @gsi: the session's GSI
 * @sqns: the sequences; the first in the header, the rest in OPT_NAK_LIST
 * @n: number of @sqns, 1 to 63
 * @src_nla: the source's unicast address
 * @grp_nla: the group
 * @parity: a parity NAK or NCF (OPT_PARITY): the sequences are a group's
 *	first sequence | (parity packets wanted - 1)
 *
 * Return: the packet, or NULL without memory (or for a bad @n).
 */
struct sk_buff *pgm_build_nak(struct sock *sk, u8 type, __be16 sport,
			      __be16 dport, const u8 *gsi, const u32 *sqns,
			      unsigned int n, __be32 src_nla, __be32 grp_nla,
			      bool parity)
{
	struct pgm_pkt pkt = {
		.sport		= sport,
		.dport		= dport,
		.type		= type,
		.flags		= parity ? PGM_OPT_PARITY : 0,
		.nla		= { .afi = PGM_AFI_IP, .ip4 = src_nla },
		.grp_nla	= { .afi = PGM_AFI_IP, .ip4 = grp_nla },
	};

	if (!n || n > PGM_OPT_NAK_LIST_MAX + 1)
		return NULL;
	memcpy(pkt.gsi, gsi, sizeof(pkt.gsi));
	pkt.sqn = sqns[0];
	if (n > 1) {
		pkt.opts.present = PGM_OPTB(PGM_OPT_NAK_LIST);
		pkt.opts.nak_count = n - 1;
		memcpy(pkt.opts.nak_list, sqns + 1,
		       (n - 1) * sizeof(pkt.opts.nak_list[0]));
	}
	return pgm_build_ctl(sk, &pkt);
}

/**
 * pgm_build_spmr() - an SPM request (a receiver without SPM yet)
 * @sk: the session
 * @sport: header source port (the session's port)
 * @dport: header destination port (the source's port)
 * @gsi: the source's GSI
 *
 * Return: the packet, or NULL without memory.
 */
struct sk_buff *pgm_build_spmr(struct sock *sk, __be16 sport, __be16 dport,
			       const u8 *gsi)
{
	struct pgm_pkt pkt = {
		.sport	= sport,
		.dport	= dport,
		.type	= PGM_TYPE_SPMR,
	};

	memcpy(pkt.gsi, gsi, sizeof(pkt.gsi));
	return pgm_build_ctl(sk, &pkt);
}
