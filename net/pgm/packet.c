// SPDX-License-Identifier: GPL-2.0
/*
 * PGM packets as skbs: parse a received packet's headers and options into
 * struct pgm_rx, build the headers of the packets the module sends, and
 * their checksums. The byte layouts are RFC 3208 section 8 (wire.h).
 */

#include <linux/skbuff.h>
#include <asm/unaligned.h>
#include <net/checksum.h>
#include <net/sock.h>

#include "pgm.h"
#include "wire.h"

/* Type-specific header lengths for IPv4 NLAs (RFC 3208 section 8). */
static int pgm_body_len(u8 type)
{
	switch (type) {
	case PGM_TYPE_SPM:
		return 20;
	case PGM_TYPE_POLL:
		return 28;
	case PGM_TYPE_POLR:
		return 8;
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		return 8;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		return 20;
	case PGM_TYPE_SPMR:
		return 0;
	}
	return -EPROTONOSUPPORT;
}

/* An IPv4 NLA: AFI 1, reserved, address. */
static int pgm_get_nla(const u8 *p, __be32 *addr)
{
	if (get_unaligned_be16(p) != PGM_AFI_IP)
		return -EAFNOSUPPORT;
	memcpy(addr, p + 4, 4);
	return 0;
}

static void pgm_put_nla(u8 *p, __be32 addr)
{
	put_unaligned_be16(PGM_AFI_IP, p);
	put_unaligned_be16(0, p + 2);
	memcpy(p + 4, &addr, 4);
}

static int pgm_parse_opts(const u8 *p, unsigned int len, struct pgm_rx *rx)
{
	unsigned int off = 4, n = 0;

	/* OPT_LENGTH first: type 0, length 4, total length. */
	if (len < 4 || p[0] != PGM_OPT_LENGTH || p[1] != 4 ||
	    get_unaligned_be16(p + 2) != len)
		return -EINVAL;
	while (off < len) {
		u8 type, olen;

		if (off + 4 > len || ++n > PGM_OPT_MAX)
			return -EINVAL;
		type = p[off] & PGM_OPT_MASK;
		olen = p[off + 1];
		if (olen < 4 || off + olen > len)
			return -EINVAL;
		switch (type) {
		case PGM_OPT_FRAGMENT:
			if (olen != 16)
				return -EINVAL;
			rx->has_frag = true;
			rx->frag_first = get_unaligned_be32(p + off + 4);
			rx->frag_off = get_unaligned_be32(p + off + 8);
			rx->frag_len = get_unaligned_be32(p + off + 12);
			break;
		case PGM_OPT_NAK_LIST: {
			unsigned int i, cnt = (olen - 4) / 4;

			if ((olen - 4) % 4 || cnt > 62 || rx->n_naks + cnt > 63)
				return -EINVAL;
			for (i = 0; i < cnt; i++)
				rx->naks[rx->n_naks++] =
					get_unaligned_be32(p + off + 4 + 4 * i);
			break;
		}
		case PGM_OPT_JOIN:
			if (olen != 8)
				return -EINVAL;
			rx->has_join = true;
			rx->join_min = get_unaligned_be32(p + off + 4);
			break;
		case PGM_OPT_SYN:
			rx->syn = true;
			break;
		case PGM_OPT_FIN:
			rx->fin = true;
			break;
		case PGM_OPT_RST:
			rx->rst = true;
			rx->rst_n = p[off + 3] & PGM_OPT_RST_N;
			break;
		default:
			break;	/* ignored, skipped by its length */
		}
		if (p[off] & PGM_OPT_END)
			return off + olen == len ? 0 : -EINVAL;
		off += olen;
	}
	return -EINVAL;	/* no OPT_END */
}

/**
 * pgm_parse_skb() - parse a received packet's headers and options
 * @skb: the packet, data at the PGM header (common header validated)
 * @rx: filled in
 *
 * Pulls the headers and options into the linear area; the payload may
 * stay in fragments.
 *
 * Return: 0, or a negative errno for a malformed or unsupported packet.
 */
int pgm_parse_skb(struct sk_buff *skb, struct pgm_rx *rx)
{
	const struct pgm_hdr *ph;
	unsigned int hlen, olen = 0;
	const u8 *p;
	int body, err;

	memset(rx, 0, offsetof(struct pgm_rx, naks));
	ph = (const struct pgm_hdr *)skb->data;
	rx->type = ph->type & PGM_TYPE_MASK;
	rx->options = ph->options;
	body = pgm_body_len(rx->type);
	if (body < 0)
		return body;
	hlen = PGM_HDR_LEN + body;
	if (!pskb_may_pull(skb, hlen))
		return -EINVAL;
	if (rx->options & PGM_OPT_PRESENT) {
		if (!pskb_may_pull(skb, hlen + 4))
			return -EINVAL;
		olen = get_unaligned_be16(skb->data + hlen + 2);
		if (olen < 4 || !pskb_may_pull(skb, hlen + olen))
			return -EINVAL;
		err = pgm_parse_opts(skb->data + hlen, olen, rx);
		if (err)
			return err;
	}
	ph = (const struct pgm_hdr *)skb->data;
	p = skb->data + PGM_HDR_LEN;
	rx->tsdu_off = hlen + olen;
	if (skb->len < rx->tsdu_off)
		return -EINVAL;
	rx->tsdu_len = skb->len - rx->tsdu_off;

	switch (rx->type) {
	case PGM_TYPE_SPM:
		rx->sqn = get_unaligned_be32(p);
		rx->trail = get_unaligned_be32(p + 4);
		rx->lead = get_unaligned_be32(p + 8);
		return pgm_get_nla(p + 12, &rx->nla);
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		if (rx->tsdu_len != ntohs(ph->tsdu_len))
			return -EINVAL;
		rx->sqn = get_unaligned_be32(p);
		rx->trail = get_unaligned_be32(p + 4);
		if (rx->has_frag && (rx->frag_off >= rx->frag_len ||
				     rx->frag_len - rx->frag_off < rx->tsdu_len))
			return -EINVAL;
		return 0;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		/* The header's sequence first, then OPT_NAK_LIST's. */
		if (rx->n_naks)
			memmove(&rx->naks[1], &rx->naks[0],
				rx->n_naks * sizeof(rx->naks[0]));
		rx->naks[0] = get_unaligned_be32(p);
		rx->n_naks++;
		rx->sqn = rx->naks[0];
		err = pgm_get_nla(p + 4, &rx->nla);
		return err ?: pgm_get_nla(p + 12, &rx->grp_nla);
	case PGM_TYPE_POLL:
		rx->sqn = get_unaligned_be32(p);
		return pgm_get_nla(p + 8, &rx->nla);
	default:
		return 0;
	}
}

/* ----- building ----- */

/* Options writer: OPT_LENGTH first (written with the first option, so a
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
 * Return: the packet, or NULL without memory.
 */
struct sk_buff *pgm_build_spm(struct sock *sk, u32 spm_sqn, u32 trail,
			      u32 lead, __be32 path, bool fin, bool rst)
{
	struct pgm_sock *ps = pgm_sk(sk);
	unsigned int hlen = PGM_HDR_LEN + 20;
	struct pgm_optw w;
	struct sk_buff *skb;
	u8 *p, *o;

	skb = pgm_alloc_ctl(sk, hlen + 12);
	if (!skb)
		return NULL;
	p = skb->data;
	put_unaligned_be32(spm_sqn, p + 16);
	put_unaligned_be32(trail, p + 20);
	put_unaligned_be32(lead, p + 24);
	pgm_put_nla(p + 28, path);
	pgm_opt_begin(&w, p + hlen);
	if (fin)
		pgm_opt_add(&w, PGM_OPT_FIN, 4);
	if (rst) {
		o = pgm_opt_add(&w, PGM_OPT_RST, 4);
		o[3] = PGM_OPT_RST_N;
	}
	hlen += pgm_opt_end(&w);
	skb_trim(skb, hlen);
	pgm_fill_hdr((struct pgm_hdr *)p, PGM_TYPE_SPM,
		     hlen > PGM_HDR_LEN + 20 ? PGM_OPT_PRESENT : 0,
		     ps->tsi.sport, ps->dport, ps->tsi.gsi, 0);
	pgm_csum(skb, hlen, 0);
	return skb;
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
 *
 * Return: the packet, or NULL without memory.
 */
struct sk_buff *pgm_build_nak(struct sock *sk, u8 type, __be16 sport,
			      __be16 dport, const u8 *gsi, const u32 *sqns,
			      unsigned int n, __be32 src_nla, __be32 grp_nla)
{
	unsigned int hlen = PGM_HDR_LEN + 20, i;
	struct pgm_optw w;
	struct sk_buff *skb;
	u8 *p, *o;

	if (!n || n > 63)
		return NULL;
	skb = pgm_alloc_ctl(sk, hlen + (n > 1 ? 8 + 4 * (n - 1) : 0));
	if (!skb)
		return NULL;
	p = skb->data;
	put_unaligned_be32(sqns[0], p + 16);
	pgm_put_nla(p + 20, src_nla);
	pgm_put_nla(p + 28, grp_nla);
	pgm_opt_begin(&w, p + hlen);
	if (n > 1) {
		o = pgm_opt_add(&w, PGM_OPT_NAK_LIST, 4 + 4 * (n - 1));
		for (i = 1; i < n; i++)
			put_unaligned_be32(sqns[i], o + 4 * i);
	}
	hlen += pgm_opt_end(&w);
	pgm_fill_hdr((struct pgm_hdr *)p, type,
		     n > 1 ? PGM_OPT_PRESENT | PGM_OPT_NETWORK : 0,
		     sport, dport, gsi, 0);
	pgm_csum(skb, hlen, 0);
	return skb;
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
	struct sk_buff *skb = pgm_alloc_ctl(sk, PGM_HDR_LEN);

	if (!skb)
		return NULL;
	pgm_fill_hdr((struct pgm_hdr *)skb->data, PGM_TYPE_SPMR, 0, sport,
		     dport, gsi, 0);
	pgm_csum(skb, PGM_HDR_LEN, 0);
	return skb;
}
