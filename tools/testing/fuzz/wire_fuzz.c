// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PGM wire format (net/pgm/wire.c).
 *
 * For any input it checks that pgm_parse():
 *  - returns 0 or one of its documented errors, never reads past the
 *    bytes it is given (AddressSanitizer: libFuzzer's buffer, and every
 *    partial buffer, is allocated to the exact length), and hits no
 *    undefined behaviour (UBSan);
 *  - agrees with itself when the buffer is short: the kernel's loop
 *    (parse, pull what -EAGAIN asks for, parse again) ends in at most six
 *    rounds with the same result as one parse of the whole packet;
 * and for a packet it accepts, that:
 *  - the lengths it reports are consistent;
 *  - pgm_encode() writes it back, and the encoding parses to the same
 *    packet and encodes to the same bytes again;
 *  - the encoding holds the received bytes: the common header, the
 *    type-specific part and the value of every option it knows (reserved
 *    bits aside).
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define REQUIRE(c)	require((c), #c, __LINE__)

static void require(bool ok, const char *what, int line)
{
	if (ok)
		return;
	fprintf(stderr, "wire_fuzz.c:%d: %s\n", line, what);
	abort();
}

/* Parse from a heap buffer of exactly @avail bytes. */
static int parse_exact(const u8 *data, unsigned int avail, unsigned int len,
		       struct pgm_pkt *pkt)
{
	u8 *buf = malloc(avail ? avail : 1);
	int err;

	REQUIRE(buf);
	memcpy(buf, data, avail);
	err = pgm_parse(avail ? buf : NULL, avail, len, pkt);
	free(buf);
	return err;
}

static bool nla_eq(const struct pgm_nla *a, const struct pgm_nla *b)
{
	if (a->afi != b->afi)
		return false;
	if (a->afi == PGM_AFI_IP6)
		return !memcmp(a->ip6, b->ip6, sizeof(a->ip6));
	return a->ip4 == b->ip4;
}

/* Everything but the lengths, the checksum and the flags the encoder
 * computes.
 */
static bool same_pkt(const struct pgm_pkt *a, const struct pgm_pkt *b)
{
	const struct pgm_opts *x = &a->opts, *y = &b->opts;

	return a->sport == b->sport && a->dport == b->dport &&
	       a->type == b->type &&
	       !memcmp(a->gsi, b->gsi, sizeof(a->gsi)) &&
	       a->tsdu_len == b->tsdu_len && a->sqn == b->sqn &&
	       a->trail == b->trail && a->lead == b->lead &&
	       a->round == b->round && a->subtype == b->subtype &&
	       a->bo_ivl == b->bo_ivl && a->rand == b->rand &&
	       a->mask == b->mask && nla_eq(&a->nla, &b->nla) &&
	       nla_eq(&a->grp_nla, &b->grp_nla) &&
	       x->present == y->present && x->frag_first == y->frag_first &&
	       x->frag_off == y->frag_off && x->frag_len == y->frag_len &&
	       x->frag_spec == y->frag_spec && x->join_min == y->join_min &&
	       x->nak_bo_ivl == y->nak_bo_ivl &&
	       x->nak_bo_ivl_sqn == y->nak_bo_ivl_sqn &&
	       x->nak_bo_max == y->nak_bo_max &&
	       x->nak_bo_min == y->nak_bo_min &&
	       x->parity_tgs == y->parity_tgs &&
	       x->parity_prm == y->parity_prm &&
	       x->parity_grp == y->parity_grp &&
	       x->curr_tgsize == y->curr_tgsize &&
	       x->rst_code == y->rst_code && x->rst_n == y->rst_n &&
	       nla_eq(&x->redirect, &y->redirect) &&
	       nla_eq(&x->path_nla, &y->path_nla) &&
	       x->nak_count == y->nak_count &&
	       !memcmp(x->nak_list, y->nak_list, 4 * x->nak_count);
}

/* The kernel's loop, from @start readable bytes. */
static void pull_loop(const u8 *data, unsigned int len, unsigned int start,
		      int want_err, const struct pgm_pkt *want)
{
	unsigned int avail = start, rounds;
	struct pgm_pkt pkt;
	int err;

	for (rounds = 0;; rounds++) {
		REQUIRE(rounds <= 6);
		err = parse_exact(data, avail, len, &pkt);
		if (err != -EAGAIN)
			break;
		REQUIRE(pkt.hdr_len > avail && pkt.hdr_len <= len);
		if (!want_err)
			REQUIRE(pkt.hdr_len <= want->hdr_len);
		avail = pkt.hdr_len;
	}
	REQUIRE(err == want_err);
	if (!err) {
		REQUIRE(same_pkt(&pkt, want));
		REQUIRE(pkt.hdr_len == want->hdr_len &&
			pkt.opt_len == want->opt_len &&
			pkt.flags == want->flags && pkt.check == want->check);
	}
}

/* Byte offsets of the reserved fields of the type-specific part. */
static void mask_body(u8 *b, const struct pgm_pkt *p)
{
	unsigned int n1 = p->nla.afi == PGM_AFI_IP6 ? 20 : 8;

	switch (p->type) {
	case PGM_TYPE_SPM:
		memset(b + 14, 0, 2);
		break;
	case PGM_TYPE_POLL:
		memset(b + 10, 0, 2);
		break;
	case PGM_TYPE_POLR:
		memset(b + 6, 0, 2);
		break;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		memset(b + 6, 0, 2);
		memset(b + 4 + n1 + 2, 0, 2);
		break;
	}
}

/* The encoded option of @type in @o (@len bytes after OPT_LENGTH). */
static const u8 *find_opt(const u8 *o, unsigned int len, unsigned int type)
{
	unsigned int off = 0;

	while (off + 4 <= len && o[off + 1] >= 4) {
		if ((o[off] & PGM_OPT_MASK) == type)
			return o + off;
		off += o[off + 1];
	}
	return NULL;
}

/* Each known option of the received packet, value for value. */
static void compare_opts(const u8 *rx, unsigned int rlen, const u8 *tx,
			 unsigned int tlen)
{
	unsigned int off = 0, type, olen;
	const u8 *r, *t;
	u8 spec;

	while (off < rlen) {
		r = rx + off;
		type = r[0] & PGM_OPT_MASK;
		olen = r[1];
		off += olen;
		if (type > PGM_OPT_RST || type == 6 || !type)
			continue;
		t = find_opt(tx, tlen, type);
		REQUIRE(t && t[1] == olen);
		switch (type) {
		case PGM_OPT_FRAGMENT:
			spec = r[3];
			break;
		case PGM_OPT_PARITY_PRM:
			spec = r[3] & PGM_PARITY_PRM_MASK;
			break;
		case PGM_OPT_RST:
			spec = r[3] & (PGM_OPT_RST_N | PGM_OPT_RST_CODE);
			break;
		default:
			spec = 0;
		}
		REQUIRE(t[3] == spec);
		if (type == PGM_OPT_REDIRECT) {
			REQUIRE(!memcmp(r + 4, t + 4, 2));	/* AFI */
			REQUIRE(!t[6] && !t[7]);		/* reserved */
			REQUIRE(!memcmp(r + 8, t + 8, olen - 8));
		} else {
			REQUIRE(!memcmp(r + 4, t + 4, olen - 4));
		}
	}
}

static void check_encoding(const u8 *data, const struct pgm_pkt *a)
{
	unsigned int tsdu = pgm_type_is_data(a->type) ? a->tsdu_len : 0;
	unsigned int body = a->hdr_len - a->opt_len - PGM_HDR_LEN;
	struct pgm_pkt enc = *a, b;
	u8 *out, *again, rx[64];
	int n;

	/* VAR_PKTLEN means nothing without PARITY; the encoder refuses it. */
	if (!(enc.flags & PGM_OPT_PARITY))
		enc.flags &= ~PGM_OPT_VAR_PKTLEN;

	n = pgm_encode(NULL, 0, &enc);
	REQUIRE(n >= PGM_HDR_LEN && n <= PGM_MAX_HDR_LEN);
	out = malloc(n + tsdu);
	again = malloc(n);
	REQUIRE(out && again);
	REQUIRE(pgm_encode(out, n - 1, &enc) == -ENOSPC);
	REQUIRE(pgm_encode(out, n, &enc) == n);
	memcpy(out + n, data + a->hdr_len, tsdu);

	/* It parses back to the same packet, and encodes the same again. */
	REQUIRE(parse_exact(out, n + tsdu, n + tsdu, &b) == 0);
	REQUIRE(same_pkt(a, &b));
	REQUIRE(b.hdr_len == (unsigned int)n && b.check == 0);
	REQUIRE((b.flags & (PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN)) ==
		(enc.flags & (PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN)));
	REQUIRE(!(b.flags & PGM_OPT_PRESENT) == !b.opts.present);
	REQUIRE(!(b.flags & PGM_OPT_NETWORK) ||
		(b.flags & PGM_OPT_PRESENT));
	REQUIRE(pgm_encode(again, n, &b) == n);
	REQUIRE(!memcmp(out, again, n));

	/* The received bytes: header (ports, GSI, TSDU length). */
	REQUIRE(!memcmp(out, data, 4) && !memcmp(out + 8, data + 8, 8));
	REQUIRE(out[4] == (data[4] & PGM_TYPE_MASK));
	/* The type-specific part, reserved fields aside. */
	REQUIRE(body <= sizeof(rx) && b.hdr_len - b.opt_len ==
		PGM_HDR_LEN + body);
	memcpy(rx, data + PGM_HDR_LEN, body);
	mask_body(rx, a);
	REQUIRE(!memcmp(rx, out + PGM_HDR_LEN, body));
	/* The options' values. */
	if (a->opt_len)
		compare_opts(data + PGM_HDR_LEN + body + 4, a->opt_len - 4,
			     out + PGM_HDR_LEN + body + 4,
			     b.opt_len ? b.opt_len - 4 : 0);
	free(out);
	free(again);
}

/* FUZZ_ENTRY is libFuzzer's entry point, named in the Makefile (its
 * CamelCase name would not pass checkpatch).
 */
int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	unsigned int len = size;
	struct pgm_pkt a;
	int err;

	if (size > 0xffff)
		return -1;	/* more than an IP packet holds */
	err = pgm_parse(size ? data : NULL, len, len, &a);
	REQUIRE(!err || err == -EINVAL || err == -EPROTONOSUPPORT ||
		err == -EOPNOTSUPP || err == -EAFNOSUPPORT);

	/* Short buffers: from nothing, from half, from just short. */
	pull_loop(data, len, 0, err, &a);
	pull_loop(data, len, len / 2, err, &a);
	if (!err && a.hdr_len)
		pull_loop(data, len, a.hdr_len - 1, err, &a);
	if (err)
		return 0;

	REQUIRE(a.hdr_len >= PGM_HDR_LEN && a.hdr_len <= len);
	REQUIRE(a.opt_len <= a.hdr_len - PGM_HDR_LEN);
	REQUIRE(!(a.flags & PGM_OPT_PRESENT) == !a.opt_len);
	REQUIRE(!pgm_type_is_data(a.type) || a.hdr_len + a.tsdu_len == len);
	REQUIRE(a.opts.nak_count <= PGM_OPT_NAK_LIST_MAX);
	REQUIRE(!(a.opts.present & PGM_OPTB(PGM_OPT_NAK_LIST)) ==
		!a.opts.nak_count);
	check_encoding(data, &a);
	return 0;
}
