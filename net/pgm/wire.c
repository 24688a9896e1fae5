// SPDX-License-Identifier: GPL-2.0
/*
 * PGM wire format: parse and encode every packet type and option of
 * RFC 3208 (sections 8, 9, 11.8, 13.6, 14.7 and 15.4). Pure code with no
 * socket or skb dependencies, so the module, the host unit tests and the
 * fuzzer (tools/testing/fuzz) build the same file.
 *
 * Received bytes are hostile: every read is bounds-checked against the
 * length the caller gives and nothing past it is ever read. Loops are
 * bounded (at most PGM_OPT_MAX options) and nothing recurses.
 *
 * Where RFC 3208, OpenPGM and Wireshark disagree, this code decides so:
 *  - Header option flags: 0x01 present, 0x02 network-significant, 0x40
 *    variable packet length, 0x80 parity, as every implementation has
 *    them (the RFC's "bit 0" wording would reverse them).
 *  - The version bits (7-6 of the type byte) must be zero; the two
 *    reserved bits (5-4) are ignored.
 *  - Byte 2 of an option (reserved, F, OPX) and the U bit of byte 3 are
 *    ignored on receipt: OpenPGM leaves byte 2 uninitialised in
 *    OPT_NAK_LIST and OPT_PARITY_PRM, and OPX only concerns network
 *    elements. Encoders write zeros there, except F (0x04, the RFC's
 *    position; OpenPGM's PGM_OP_ENCODED is 0x08) on the OPT_FRAGMENT of a
 *    parity packet, which carries the FEC-encoded copy.
 *  - OPT_FRAGMENT is 16 bytes (the RFC's diagram and every
 *    implementation; its text says 12).
 *  - OPT_PARITY_PRM: the P and O bits are passed on raw in RFC numbering
 *    (P 0x02, O 0x01, like Wireshark); OpenPGM sends them swapped and a
 *    single byte cannot tell which convention a peer uses: the receiver
 *    decides from the parity it sees (pgm_fec_prm_read(), fec.c).
 *  - OPT_NAK_BO_IVL and OPT_NAK_BO_RNG are 12 bytes; the range is the
 *    maximum, then the minimum (RFC, OpenPGM, tcpdump; Wireshark labels
 *    them the other way round).
 *  - OPT_REDIRECT is AFI, reserved, address: 12 bytes for IPv4, 24 for
 *    IPv6 (implementations; the RFC's "4 + NLA length" counts the AFI
 *    word as part of the NLA).
 *  - OPT_PATH_NLA is the bare address with no AFI word, 8 or 20 bytes
 *    (the RFC's diagram and OpenPGM's structures); OPT_NBR_UNREACH,
 *    OPT_SYN, OPT_FIN and OPT_RST are 4 bytes.
 *  - At most PGM_OPT_MAX (16) options follow OPT_LENGTH. A known option
 *    given twice, OPT_LENGTH anywhere but first, an option list whose
 *    OPT_END does not fall exactly on the OPT_LENGTH total, and an empty
 *    OPT_NAK_LIST are malformed. Unknown options (OPT_CR, the PGMCC
 *    ones, OPT_INVALID, ...) are skipped by their length.
 *  - NLAs: AFI 1 (IPv4) and 2 (IPv6) are parsed; any other AFI is
 *    -EAFNOSUPPORT. The reserved word after the AFI is ignored.
 *  - TSDU length: ODATA and RDATA must carry exactly the header's TSDU
 *    length after their options. Other types carry no TSDU: their
 *    header field is passed on unchecked and bytes after their options
 *    are ignored (OpenPGM only checks a minimum length there).
 *  - Checksums are not looked at: the caller verifies them (and rejects
 *    a zero checksum on ODATA and RDATA, RFC 3208 section 8).
 */

#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "wire.h"

/* Options this code parses and encodes. */
#define PGM_OPTS_KNOWN	(PGM_OPTB(PGM_OPT_FRAGMENT) |			\
			 PGM_OPTB(PGM_OPT_NAK_LIST) |			\
			 PGM_OPTB(PGM_OPT_JOIN) |			\
			 PGM_OPTB(PGM_OPT_NAK_BO_IVL) |			\
			 PGM_OPTB(PGM_OPT_NAK_BO_RNG) |			\
			 PGM_OPTB(PGM_OPT_REDIRECT) |			\
			 PGM_OPTB(PGM_OPT_PARITY_PRM) |			\
			 PGM_OPTB(PGM_OPT_PARITY_GRP) |			\
			 PGM_OPTB(PGM_OPT_CURR_TGSIZE) |		\
			 PGM_OPTB(PGM_OPT_NBR_UNREACH) |		\
			 PGM_OPTB(PGM_OPT_PATH_NLA) |			\
			 PGM_OPTB(PGM_OPT_SYN) |			\
			 PGM_OPTB(PGM_OPT_FIN) |			\
			 PGM_OPTB(PGM_OPT_RST))

/* Network-significant options (RFC 3208 section 9 and the option
 * definitions): they set PGM_OPT_NETWORK in the header. OPT_CURR_TGSIZE
 * is one except on ODATA.
 */
#define PGM_OPTS_NETWORK (PGM_OPTB(PGM_OPT_NAK_LIST) |			\
			  PGM_OPTB(PGM_OPT_NAK_BO_IVL) |		\
			  PGM_OPTB(PGM_OPT_NAK_BO_RNG) |		\
			  PGM_OPTB(PGM_OPT_REDIRECT) |			\
			  PGM_OPTB(PGM_OPT_PARITY_PRM) |		\
			  PGM_OPTB(PGM_OPT_NBR_UNREACH) |		\
			  PGM_OPTB(PGM_OPT_PATH_NLA) |			\
			  PGM_OPTB(PGM_OPT_CURR_TGSIZE))

/* Fixed lengths of the known options; 0: variable (checked per type). */
static const u8 pgm_opt_len[PGM_OPT_RST + 1] = {
	[PGM_OPT_FRAGMENT]	= 16,
	[PGM_OPT_JOIN]		= 8,
	[PGM_OPT_NAK_BO_IVL]	= 12,
	[PGM_OPT_NAK_BO_RNG]	= 12,
	[PGM_OPT_PARITY_PRM]	= 8,
	[PGM_OPT_PARITY_GRP]	= 8,
	[PGM_OPT_CURR_TGSIZE]	= 8,
	[PGM_OPT_NBR_UNREACH]	= 4,
	[PGM_OPT_SYN]		= 4,
	[PGM_OPT_FIN]		= 4,
	[PGM_OPT_RST]		= 4,
};

/* The order options are emitted in: network-significant ones first, as
 * RFC 3208 section 9 asks (OPT_CURR_TGSIZE sits on the boundary, since it
 * is receiver-only on ODATA).
 */
static const u8 pgm_opt_order[] = {
	PGM_OPT_NAK_LIST, PGM_OPT_NAK_BO_IVL, PGM_OPT_NAK_BO_RNG,
	PGM_OPT_REDIRECT, PGM_OPT_PARITY_PRM, PGM_OPT_NBR_UNREACH,
	PGM_OPT_PATH_NLA, PGM_OPT_CURR_TGSIZE, PGM_OPT_FRAGMENT,
	PGM_OPT_JOIN, PGM_OPT_PARITY_GRP, PGM_OPT_SYN, PGM_OPT_FIN,
	PGM_OPT_RST,
};

/* ----- parsing ----- */

/* A read cursor. Invariant: off <= avail <= total. Bytes below @avail
 * are readable; the packet is @total long.
 */
struct pgm_rd {
	const u8	*p;
	unsigned int	avail;
	unsigned int	total;
	unsigned int	off;
	unsigned int	need;
};

/* Need the next @n bytes: -EINVAL if the packet ends first, -EAGAIN (with
 * rd->need set) if the packet has them but the caller's buffer does not.
 */
static int pgm_rd_want(struct pgm_rd *rd, unsigned int n)
{
	if (n > rd->total - rd->off)
		return -EINVAL;
	if (n > rd->avail - rd->off) {
		rd->need = rd->off + n;
		return -EAGAIN;
	}
	return 0;
}

/* Take the next @n bytes (see pgm_rd_want()). */
static int pgm_rd_take(struct pgm_rd *rd, unsigned int n, const u8 **p)
{
	int err = pgm_rd_want(rd, n);

	if (err)
		return err;
	*p = rd->p + rd->off;
	rd->off += n;
	return 0;
}

/* An NLA: AFI (2), reserved (2), then a 4- or 16-byte address. */
static int pgm_rd_nla(struct pgm_rd *rd, struct pgm_nla *nla)
{
	const u8 *p;
	int err;

	err = pgm_rd_take(rd, 4, &p);
	if (err)
		return err;
	nla->afi = get_unaligned_be16(p);
	switch (nla->afi) {
	case PGM_AFI_IP:
		err = pgm_rd_take(rd, sizeof(nla->ip4), &p);
		if (!err)
			memcpy(&nla->ip4, p, sizeof(nla->ip4));
		return err;
	case PGM_AFI_IP6:
		err = pgm_rd_take(rd, sizeof(nla->ip6), &p);
		if (!err)
			memcpy(nla->ip6, p, sizeof(nla->ip6));
		return err;
	}
	return -EAFNOSUPPORT;
}

/* The shortest type-specific part of each type (IPv4 NLAs), or
 * -EOPNOTSUPP for a type this code does not know.
 */
static int pgm_body_min(u8 type)
{
	switch (type) {
	case PGM_TYPE_SPM:
		return PGM_SPM_LEN + PGM_NLA_LEN(PGM_AFI_IP);
	case PGM_TYPE_POLL:
		return PGM_POLL_LEN + PGM_NLA_LEN(PGM_AFI_IP);
	case PGM_TYPE_POLR:
		return PGM_POLR_LEN;
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		return PGM_DATA_LEN;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		return PGM_NAK_LEN + 2 * PGM_NLA_LEN(PGM_AFI_IP);
	case PGM_TYPE_SPMR:
		return 0;
	}
	return -EOPNOTSUPP;
}

/* The type-specific part after the common header (RFC 3208 8.1-8.3,
 * 13.6, 14.7).
 */
static int pgm_body_parse(struct pgm_rd *rd, struct pgm_pkt *pkt)
{
	const u8 *p;
	int err;

	switch (pkt->type) {
	case PGM_TYPE_SPM:
		err = pgm_rd_take(rd, PGM_SPM_LEN, &p);
		if (err)
			return err;
		pkt->sqn = get_unaligned_be32(p);
		pkt->trail = get_unaligned_be32(p + 4);
		pkt->lead = get_unaligned_be32(p + 8);
		return pgm_rd_nla(rd, &pkt->nla);
	case PGM_TYPE_POLL:
		err = pgm_rd_take(rd, 8, &p);
		if (err)
			return err;
		pkt->sqn = get_unaligned_be32(p);
		pkt->round = get_unaligned_be16(p + 4);
		pkt->subtype = get_unaligned_be16(p + 6);
		err = pgm_rd_nla(rd, &pkt->nla);
		if (err)
			return err;
		err = pgm_rd_take(rd, 12, &p);
		if (err)
			return err;
		pkt->bo_ivl = get_unaligned_be32(p);
		pkt->rand = get_unaligned_be32(p + 4);
		pkt->mask = get_unaligned_be32(p + 8);
		return 0;
	case PGM_TYPE_POLR:
		err = pgm_rd_take(rd, PGM_POLR_LEN, &p);
		if (err)
			return err;
		pkt->sqn = get_unaligned_be32(p);
		pkt->round = get_unaligned_be16(p + 4);
		return 0;
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		err = pgm_rd_take(rd, PGM_DATA_LEN, &p);
		if (err)
			return err;
		pkt->sqn = get_unaligned_be32(p);
		pkt->trail = get_unaligned_be32(p + 4);
		return 0;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		err = pgm_rd_take(rd, PGM_NAK_LEN, &p);
		if (err)
			return err;
		pkt->sqn = get_unaligned_be32(p);
		err = pgm_rd_nla(rd, &pkt->nla);
		if (err)
			return err;
		return pgm_rd_nla(rd, &pkt->grp_nla);
	}
	return 0;	/* SPMR */
}

/* OPT_REDIRECT's value: AFI, reserved, address; the length must fit. */
static int pgm_opt_redirect_parse(const u8 *v, unsigned int vlen,
				  struct pgm_nla *nla)
{
	nla->afi = get_unaligned_be16(v);
	switch (nla->afi) {
	case PGM_AFI_IP:
		if (vlen != 4 + sizeof(nla->ip4))
			return -EINVAL;
		memcpy(&nla->ip4, v + 4, sizeof(nla->ip4));
		return 0;
	case PGM_AFI_IP6:
		if (vlen != 4 + sizeof(nla->ip6))
			return -EINVAL;
		memcpy(nla->ip6, v + 4, sizeof(nla->ip6));
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* One option of @len bytes (at least PGM_OPT_HDR_LEN, all readable) at
 * @o. Unknown types are skipped.
 */
static int pgm_opt_parse(const u8 *o, unsigned int len, struct pgm_opts *opts)
{
	unsigned int type = o[0] & PGM_OPT_MASK, vlen, i;
	const u8 *v = o + PGM_OPT_HDR_LEN;

	if (type == PGM_OPT_LENGTH)
		return -EINVAL;		/* only ever first */
	if (type > PGM_OPT_RST || !(PGM_OPTB(type) & PGM_OPTS_KNOWN))
		return 0;
	if (opts->present & PGM_OPTB(type))
		return -EINVAL;
	if (pgm_opt_len[type] && len != pgm_opt_len[type])
		return -EINVAL;
	opts->present |= PGM_OPTB(type);
	vlen = len - PGM_OPT_HDR_LEN;

	switch (type) {
	case PGM_OPT_FRAGMENT:
		opts->frag_spec = o[3];
		opts->frag_first = get_unaligned_be32(v);
		opts->frag_off = get_unaligned_be32(v + 4);
		opts->frag_len = get_unaligned_be32(v + 8);
		break;
	case PGM_OPT_NAK_LIST:
		if (!vlen || vlen % 4 || vlen / 4 > PGM_OPT_NAK_LIST_MAX)
			return -EINVAL;
		opts->nak_count = vlen / 4;
		for (i = 0; i < opts->nak_count; i++)
			opts->nak_list[i] = get_unaligned_be32(v + 4 * i);
		break;
	case PGM_OPT_JOIN:
		opts->join_min = get_unaligned_be32(v);
		break;
	case PGM_OPT_NAK_BO_IVL:
		opts->nak_bo_ivl = get_unaligned_be32(v);
		opts->nak_bo_ivl_sqn = get_unaligned_be32(v + 4);
		break;
	case PGM_OPT_NAK_BO_RNG:
		opts->nak_bo_max = get_unaligned_be32(v);
		opts->nak_bo_min = get_unaligned_be32(v + 4);
		break;
	case PGM_OPT_REDIRECT:
		if (vlen < 4)
			return -EINVAL;
		return pgm_opt_redirect_parse(v, vlen, &opts->redirect);
	case PGM_OPT_PARITY_PRM:
		opts->parity_prm = o[3] & PGM_PARITY_PRM_MASK;
		opts->parity_tgs = get_unaligned_be32(v);
		break;
	case PGM_OPT_PARITY_GRP:
		opts->parity_grp = get_unaligned_be32(v);
		break;
	case PGM_OPT_CURR_TGSIZE:
		opts->curr_tgsize = get_unaligned_be32(v);
		break;
	case PGM_OPT_PATH_NLA:
		if (vlen == sizeof(opts->path_nla.ip4)) {
			opts->path_nla.afi = PGM_AFI_IP;
			memcpy(&opts->path_nla.ip4, v, vlen);
		} else if (vlen == sizeof(opts->path_nla.ip6)) {
			opts->path_nla.afi = PGM_AFI_IP6;
			memcpy(opts->path_nla.ip6, v, vlen);
		} else {
			return -EINVAL;
		}
		break;
	case PGM_OPT_RST:
		opts->rst_n = o[3] & PGM_OPT_RST_N;
		opts->rst_code = o[3] & PGM_OPT_RST_CODE;
		break;
	}
	return 0;	/* NBR_UNREACH, SYN, FIN: presence only */
}

/* The options after OPT_LENGTH, @len bytes in all (OPT_LENGTH's total,
 * all readable, OPT_LENGTH itself already checked).
 */
static int pgm_opts_parse(const u8 *p, unsigned int len, struct pgm_opts *opts)
{
	unsigned int off = PGM_OPT_HDR_LEN, n, olen;
	int err;

	for (n = 0; n < PGM_OPT_MAX; n++) {
		if (len - off < PGM_OPT_HDR_LEN)
			return -EINVAL;	/* ran out before OPT_END */
		olen = p[off + 1];
		if (olen < PGM_OPT_HDR_LEN || olen > len - off)
			return -EINVAL;
		err = pgm_opt_parse(p + off, olen, opts);
		if (err)
			return err;
		if (p[off] & PGM_OPT_END)
			return off + olen == len ? 0 : -EINVAL;
		off += olen;
	}
	return -EINVAL;		/* more than PGM_OPT_MAX options */
}

/**
 * pgm_parse() - parse a received PGM packet
 * @buf: the packet, from its PGM header; @len bytes are readable
 * @len: readable bytes at @buf: at least the header and options (the
 *	TSDU may lie elsewhere, as in a non-linear skb)
 * @total_len: length of the whole packet, TSDU included (>= @len)
 * @pkt: filled in: host order, except the ports and addresses
 *
 * Checks the layout of the common header, the type-specific part, the
 * NLAs and every option, and for ODATA and RDATA that the header's TSDU
 * length matches the bytes after the options (@total_len - hdr_len). It
 * reads nothing beyond @len bytes. The checksum is not verified.
 *
 * When @len is short, the kernel side can pull and retry::
 *
 *	while ((err = pgm_parse(skb->data, skb_headlen(skb), skb->len,
 *				&pkt)) == -EAGAIN)
 *		if (!pskb_may_pull(skb, pkt.hdr_len))
 *			goto drop;
 *
 * Each -EAGAIN asks for more than @len and at most @total_len bytes,
 * never a byte of TSDU, so the loop ends: in at most six rounds (the
 * header, the shortest rest, IPv6 addresses, the options), three when
 * nothing was linear and the NLAs are IPv4.
 *
 * Context: any; does not sleep or allocate.
 * Return: 0 on success, or a negative errno (then @pkt is undefined except
 * as noted):
 * -EINVAL: malformed: truncated, @len > @total_len, a bad OPT_LENGTH,
 * an option overrunning the options or the packet, a zero-length or
 * wrong-length option, no OPT_END or one before the end, more than
 * %PGM_OPT_MAX options, a duplicate option, a TSDU length mismatch;
 * -EPROTONOSUPPORT: the version bits are not zero;
 * -EOPNOTSUPP: an unknown packet type (e.g. the PGMCC ACK);
 * -EAFNOSUPPORT: an NLA or OPT_REDIRECT with an AFI other than 1 or 2;
 * -EAGAIN: the header and options continue beyond @len, within
 * @total_len: make @pkt->hdr_len bytes readable and call again.
 */
int pgm_parse(const void *buf, unsigned int len, unsigned int total_len,
	      struct pgm_pkt *pkt)
{
	struct pgm_rd rd = { .p = buf, .avail = len, .total = total_len };
	unsigned int olen;
	const u8 *p;
	int err;

	/* All but the NAK list: nak_count says how much of it is valid. */
	memset(pkt, 0, offsetof(struct pgm_pkt, opts.nak_list));
	if (len > total_len)
		return -EINVAL;

	err = pgm_rd_take(&rd, PGM_HDR_LEN, &p);
	if (err)
		goto out;
	if (p[4] & PGM_VERSION_MASK)
		return -EPROTONOSUPPORT;
	memcpy(&pkt->sport, p, sizeof(pkt->sport));
	memcpy(&pkt->dport, p + 2, sizeof(pkt->dport));
	pkt->type = p[4] & PGM_TYPE_MASK;
	pkt->flags = p[5];
	memcpy(&pkt->check, p + 6, sizeof(pkt->check));
	memcpy(pkt->gsi, p + 8, sizeof(pkt->gsi));
	pkt->tsdu_len = get_unaligned_be16(p + 14);

	/* Ask for the shortest possible rest at once (fewer -EAGAIN rounds). */
	err = pgm_body_min(pkt->type);
	if (err < 0)
		return err;
	err = pgm_rd_want(&rd, err + (pkt->flags & PGM_OPT_PRESENT ?
				      PGM_OPT_HDR_LEN : 0));
	if (err)
		goto out;
	err = pgm_body_parse(&rd, pkt);
	if (err)
		goto out;

	if (pkt->flags & PGM_OPT_PRESENT) {
		/* OPT_LENGTH: type 0 (no OPT_END), length 4, total. */
		err = pgm_rd_take(&rd, PGM_OPT_HDR_LEN, &p);
		if (err)
			goto out;
		olen = get_unaligned_be16(p + 2);
		if (p[0] != PGM_OPT_LENGTH || p[1] != PGM_OPT_HDR_LEN ||
		    olen < 2 * PGM_OPT_HDR_LEN)
			return -EINVAL;
		rd.off -= PGM_OPT_HDR_LEN;
		err = pgm_rd_take(&rd, olen, &p);
		if (err)
			goto out;
		err = pgm_opts_parse(p, olen, &pkt->opts);
		if (err)
			return err;
		pkt->opt_len = olen;
	}
	pkt->hdr_len = rd.off;

	if (pgm_type_is_data(pkt->type) &&
	    pkt->tsdu_len != total_len - pkt->hdr_len)
		return -EINVAL;
	return 0;
out:
	if (err == -EAGAIN)
		pkt->hdr_len = rd.need;
	return err;
}

/* ----- encoding ----- */

/* Write an NLA at @p (NULL: only size it). Return: its length. */
static int pgm_nla_put(u8 *p, const struct pgm_nla *nla)
{
	unsigned int alen;

	switch (nla->afi) {
	case PGM_AFI_IP:
		alen = sizeof(nla->ip4);
		break;
	case PGM_AFI_IP6:
		alen = sizeof(nla->ip6);
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (p) {
		put_unaligned_be16(nla->afi, p);
		put_unaligned_be16(0, p + 2);
		memcpy(p + 4, nla->afi == PGM_AFI_IP ?
		       (const void *)&nla->ip4 : nla->ip6, alen);
	}
	return 4 + alen;
}

/* Write the type-specific part at @p (NULL: only size it and check that
 * the NLAs can be encoded). Return: its length.
 */
static int pgm_body_put(u8 *p, const struct pgm_pkt *pkt)
{
	int n, m;

	switch (pkt->type) {
	case PGM_TYPE_SPM:
		n = pgm_nla_put(NULL, &pkt->nla);
		if (n < 0)
			return n;
		if (p) {
			put_unaligned_be32(pkt->sqn, p);
			put_unaligned_be32(pkt->trail, p + 4);
			put_unaligned_be32(pkt->lead, p + 8);
			pgm_nla_put(p + PGM_SPM_LEN, &pkt->nla);
		}
		return PGM_SPM_LEN + n;
	case PGM_TYPE_POLL:
		n = pgm_nla_put(NULL, &pkt->nla);
		if (n < 0)
			return n;
		if (p) {
			put_unaligned_be32(pkt->sqn, p);
			put_unaligned_be16(pkt->round, p + 4);
			put_unaligned_be16(pkt->subtype, p + 6);
			pgm_nla_put(p + 8, &pkt->nla);
			put_unaligned_be32(pkt->bo_ivl, p + 8 + n);
			put_unaligned_be32(pkt->rand, p + 12 + n);
			put_unaligned_be32(pkt->mask, p + 16 + n);
		}
		return PGM_POLL_LEN + n;
	case PGM_TYPE_POLR:
		if (p) {
			put_unaligned_be32(pkt->sqn, p);
			put_unaligned_be16(pkt->round, p + 4);
			put_unaligned_be16(0, p + 6);
		}
		return PGM_POLR_LEN;
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		if (p) {
			put_unaligned_be32(pkt->sqn, p);
			put_unaligned_be32(pkt->trail, p + 4);
		}
		return PGM_DATA_LEN;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		n = pgm_nla_put(NULL, &pkt->nla);
		m = pgm_nla_put(NULL, &pkt->grp_nla);
		if (n < 0 || m < 0)
			return n < 0 ? n : m;
		if (p) {
			put_unaligned_be32(pkt->sqn, p);
			pgm_nla_put(p + PGM_NAK_LEN, &pkt->nla);
			pgm_nla_put(p + PGM_NAK_LEN + n, &pkt->grp_nla);
		}
		return PGM_NAK_LEN + n + m;
	case PGM_TYPE_SPMR:
		return 0;
	}
	return -EINVAL;
}

/* Write option @type at @o (NULL: only size it and check its values).
 * @flags: the header's flags (parity packets mark OPT_FRAGMENT encoded).
 * Return: its length.
 */
static int pgm_opt_put(u8 *o, unsigned int type, const struct pgm_opts *opts,
		       u8 flags)
{
	const struct pgm_nla *nla = NULL;
	int len = pgm_opt_len[type];
	unsigned int i;
	u8 *v, spec = 0;

	switch (type) {
	case PGM_OPT_FRAGMENT:
		spec = opts->frag_spec;
		break;
	case PGM_OPT_NAK_LIST:
		if (!opts->nak_count || opts->nak_count > PGM_OPT_NAK_LIST_MAX)
			return -EINVAL;
		len = PGM_OPT_HDR_LEN + 4 * opts->nak_count;
		break;
	case PGM_OPT_REDIRECT:
		nla = &opts->redirect;
		len = pgm_nla_put(NULL, nla);
		if (len < 0)
			return len;
		len += PGM_OPT_HDR_LEN;
		break;
	case PGM_OPT_PARITY_PRM:
		if (opts->parity_prm & ~PGM_PARITY_PRM_MASK)
			return -EINVAL;
		spec = opts->parity_prm;
		break;
	case PGM_OPT_PATH_NLA:
		nla = &opts->path_nla;
		len = pgm_nla_put(NULL, nla);
		if (len < 0)
			return len;
		len += PGM_OPT_HDR_LEN - 4;	/* no AFI word */
		break;
	case PGM_OPT_RST:
		if (opts->rst_code & ~PGM_OPT_RST_CODE)
			return -EINVAL;
		spec = opts->rst_code | (opts->rst_n ? PGM_OPT_RST_N : 0);
		break;
	}
	if (!o)
		return len;

	o[0] = type;
	o[1] = len;
	o[2] = type == PGM_OPT_FRAGMENT && (flags & PGM_OPT_PARITY) ?
	       PGM_OPT_F : 0;
	o[3] = spec;
	v = o + PGM_OPT_HDR_LEN;
	switch (type) {
	case PGM_OPT_FRAGMENT:
		put_unaligned_be32(opts->frag_first, v);
		put_unaligned_be32(opts->frag_off, v + 4);
		put_unaligned_be32(opts->frag_len, v + 8);
		break;
	case PGM_OPT_NAK_LIST:
		for (i = 0; i < opts->nak_count; i++)
			put_unaligned_be32(opts->nak_list[i], v + 4 * i);
		break;
	case PGM_OPT_JOIN:
		put_unaligned_be32(opts->join_min, v);
		break;
	case PGM_OPT_NAK_BO_IVL:
		put_unaligned_be32(opts->nak_bo_ivl, v);
		put_unaligned_be32(opts->nak_bo_ivl_sqn, v + 4);
		break;
	case PGM_OPT_NAK_BO_RNG:
		put_unaligned_be32(opts->nak_bo_max, v);
		put_unaligned_be32(opts->nak_bo_min, v + 4);
		break;
	case PGM_OPT_REDIRECT:
		pgm_nla_put(v, nla);
		break;
	case PGM_OPT_PARITY_PRM:
		put_unaligned_be32(opts->parity_tgs, v);
		break;
	case PGM_OPT_PARITY_GRP:
		put_unaligned_be32(opts->parity_grp, v);
		break;
	case PGM_OPT_CURR_TGSIZE:
		put_unaligned_be32(opts->curr_tgsize, v);
		break;
	case PGM_OPT_PATH_NLA:
		if (nla->afi == PGM_AFI_IP)
			memcpy(v, &nla->ip4, sizeof(nla->ip4));
		else
			memcpy(v, nla->ip6, sizeof(nla->ip6));
		break;
	}
	return len;
}

/**
 * pgm_encode() - write a packet's header and options
 * @buf: where to write; NULL to only compute the length
 * @cap: bytes available at @buf
 * @pkt: what to write, in the same form pgm_parse() fills in
 *
 * Writes the common header, the type-specific part and the options of
 * any type pgm_parse() knows (SPM, POLL, POLR, ODATA, RDATA, NAK, NNAK,
 * NCF, SPMR). Not the TSDU: @pkt->tsdu_len goes into the header as given,
 * and the caller appends that many bytes. The checksum field is left 0
 * for the caller to fill in over the whole packet.
 *
 * From @pkt it uses the ports, @type, @gsi, @tsdu_len, the fields of
 * that type (as listed in struct pgm_pkt) and @opts: one option per bit
 * in @opts.present, network-significant ones first, OPT_LENGTH in
 * front and OPT_END on the last. Of @flags it keeps PGM_OPT_PARITY and
 * PGM_OPT_VAR_PKTLEN; PGM_OPT_PRESENT and PGM_OPT_NETWORK are set from
 * the options written. @hdr_len, @opt_len and @check are ignored.
 *
 * Context: any; does not sleep or allocate.
 * Return: the bytes written (with @buf NULL: that would be written, at
 * most %PGM_MAX_HDR_LEN), or a negative errno:
 * -ENOSPC: more than @cap bytes;
 * -EINVAL: an unknown type or option bit, PGM_OPT_VAR_PKTLEN without
 * PGM_OPT_PARITY, an empty or over-long (> 62) NAK list, an OPT_RST code
 * or OPT_PARITY_PRM bits out of range;
 * -EAFNOSUPPORT: an NLA whose AFI is neither PGM_AFI_IP nor PGM_AFI_IP6.
 */
int pgm_encode(void *buf, unsigned int cap, const struct pgm_pkt *pkt)
{
	const struct pgm_opts *opts = &pkt->opts;
	u8 flags = pkt->flags & (PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN);
	unsigned int body, olen = 0, len, i, type;
	u32 network = PGM_OPTS_NETWORK;
	u8 *p = buf, *o, *last = NULL;
	int n;

	if ((flags & PGM_OPT_VAR_PKTLEN) && !(flags & PGM_OPT_PARITY))
		return -EINVAL;
	if (opts->present & ~PGM_OPTS_KNOWN)
		return -EINVAL;
	if (pkt->type == PGM_TYPE_ODATA)
		network &= ~PGM_OPTB(PGM_OPT_CURR_TGSIZE);

	n = pgm_body_put(NULL, pkt);
	if (n < 0)
		return n;
	body = n;
	for (i = 0; i < sizeof(pgm_opt_order); i++) {
		type = pgm_opt_order[i];
		if (!(opts->present & PGM_OPTB(type)))
			continue;
		n = pgm_opt_put(NULL, type, opts, flags);
		if (n < 0)
			return n;
		olen += n;
		if (network & PGM_OPTB(type))
			flags |= PGM_OPT_NETWORK;
	}
	if (olen) {
		olen += PGM_OPT_HDR_LEN;	/* OPT_LENGTH */
		flags |= PGM_OPT_PRESENT;
	}
	len = PGM_HDR_LEN + body + olen;
	if (!p)
		return len;
	if (len > cap)
		return -ENOSPC;

	memcpy(p, &pkt->sport, sizeof(pkt->sport));
	memcpy(p + 2, &pkt->dport, sizeof(pkt->dport));
	p[4] = pkt->type;
	p[5] = flags;
	p[6] = 0;		/* checksum: the caller's */
	p[7] = 0;
	memcpy(p + 8, pkt->gsi, sizeof(pkt->gsi));
	put_unaligned_be16(pkt->tsdu_len, p + 14);
	pgm_body_put(p + PGM_HDR_LEN, pkt);
	if (!olen)
		return len;

	o = p + PGM_HDR_LEN + body;
	o[0] = PGM_OPT_LENGTH;
	o[1] = PGM_OPT_HDR_LEN;
	put_unaligned_be16(olen, o + 2);
	o += PGM_OPT_HDR_LEN;
	for (i = 0; i < sizeof(pgm_opt_order); i++) {
		type = pgm_opt_order[i];
		if (!(opts->present & PGM_OPTB(type)))
			continue;
		last = o;
		o += pgm_opt_put(o, type, opts, flags);
	}
	last[0] |= PGM_OPT_END;
	return len;
}
