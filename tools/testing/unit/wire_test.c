// SPDX-License-Identifier: GPL-2.0
/*
 * Wire format (net/pgm/wire.c): header layout, parsing of byte vectors
 * written by hand from the RFC 3208 diagrams, encoding back to the same
 * bytes, round trips of every type and option, rejection of malformed
 * packets, and OpenPGM's quirks.
 *
 * Every vector is also parsed from buffers allocated to the exact length
 * given to the parser, so AddressSanitizer catches any read beyond it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

#include "kselftest_harness.h"

/* ----- helpers: an independent model of the format ----- */

/* Internet checksum (RFC 1071) of @len bytes: the kernel uses
 * csum_partial(), so only the tests need one.
 */
static u16 inet_csum(const u8 *p, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Network-significant options, per packet type (RFC 3208 section 9 and
 * each option's definition), written independently of wire.c's table.
 */
static bool net_sig(u8 type, unsigned int opt)
{
	switch (opt) {
	case PGM_OPT_NAK_LIST:
	case PGM_OPT_NAK_BO_IVL:
	case PGM_OPT_NAK_BO_RNG:
	case PGM_OPT_REDIRECT:
	case PGM_OPT_PARITY_PRM:
	case PGM_OPT_NBR_UNREACH:
	case PGM_OPT_PATH_NLA:
		return true;
	case PGM_OPT_CURR_TGSIZE:
		return type != PGM_TYPE_ODATA;
	}
	return false;
}

static const unsigned int known_opts[] = {
	PGM_OPT_FRAGMENT, PGM_OPT_NAK_LIST, PGM_OPT_JOIN, PGM_OPT_NAK_BO_IVL,
	PGM_OPT_NAK_BO_RNG, PGM_OPT_REDIRECT, PGM_OPT_PARITY_PRM,
	PGM_OPT_PARITY_GRP, PGM_OPT_CURR_TGSIZE, PGM_OPT_NBR_UNREACH,
	PGM_OPT_PATH_NLA, PGM_OPT_SYN, PGM_OPT_FIN, PGM_OPT_RST,
};

static const u8 all_types[] = {
	PGM_TYPE_SPM, PGM_TYPE_POLL, PGM_TYPE_POLR, PGM_TYPE_ODATA,
	PGM_TYPE_RDATA, PGM_TYPE_NAK, PGM_TYPE_NNAK, PGM_TYPE_NCF,
	PGM_TYPE_SPMR,
};

static unsigned int nla_len(const struct pgm_nla *n)
{
	return n->afi == PGM_AFI_IP6 ? 20 : 8;
}

/* Length of the type-specific part, from RFC 3208 section 8 and 14.7. */
static unsigned int body_len(const struct pgm_pkt *p)
{
	switch (p->type) {
	case PGM_TYPE_SPM:
		return 12 + nla_len(&p->nla);
	case PGM_TYPE_POLL:
		return 20 + nla_len(&p->nla);
	case PGM_TYPE_POLR:
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		return 8;
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		return 4 + nla_len(&p->nla) + nla_len(&p->grp_nla);
	}
	return 0;
}

static unsigned int opt_len(const struct pgm_opts *o, unsigned int opt)
{
	switch (opt) {
	case PGM_OPT_FRAGMENT:
		return 16;
	case PGM_OPT_NAK_LIST:
		return 4 + 4 * o->nak_count;
	case PGM_OPT_REDIRECT:
		return 4 + nla_len(&o->redirect);
	case PGM_OPT_PATH_NLA:
		return nla_len(&o->path_nla);	/* 4 + address, no AFI */
	case PGM_OPT_JOIN:
	case PGM_OPT_PARITY_PRM:
	case PGM_OPT_PARITY_GRP:
	case PGM_OPT_CURR_TGSIZE:
		return 8;
	case PGM_OPT_NAK_BO_IVL:
	case PGM_OPT_NAK_BO_RNG:
		return 12;
	}
	return 4;
}

/* Zero the fields of the options not present: nothing carries them. */
static void clear_absent(struct pgm_opts *o)
{
	u32 has = o->present;

	if (!(has & PGM_OPTB(PGM_OPT_FRAGMENT))) {
		o->frag_first = 0;
		o->frag_off = 0;
		o->frag_len = 0;
		o->frag_spec = 0;
	}
	if (!(has & PGM_OPTB(PGM_OPT_NAK_LIST)))
		o->nak_count = 0;
	if (!(has & PGM_OPTB(PGM_OPT_JOIN)))
		o->join_min = 0;
	if (!(has & PGM_OPTB(PGM_OPT_NAK_BO_IVL))) {
		o->nak_bo_ivl = 0;
		o->nak_bo_ivl_sqn = 0;
	}
	if (!(has & PGM_OPTB(PGM_OPT_NAK_BO_RNG))) {
		o->nak_bo_max = 0;
		o->nak_bo_min = 0;
	}
	if (!(has & PGM_OPTB(PGM_OPT_REDIRECT)))
		memset(&o->redirect, 0, sizeof(o->redirect));
	if (!(has & PGM_OPTB(PGM_OPT_PARITY_PRM))) {
		o->parity_prm = 0;
		o->parity_tgs = 0;
	}
	if (!(has & PGM_OPTB(PGM_OPT_PARITY_GRP)))
		o->parity_grp = 0;
	if (!(has & PGM_OPTB(PGM_OPT_CURR_TGSIZE)))
		o->curr_tgsize = 0;
	if (!(has & PGM_OPTB(PGM_OPT_PATH_NLA)))
		memset(&o->path_nla, 0, sizeof(o->path_nla));
	if (!(has & PGM_OPTB(PGM_OPT_RST))) {
		o->rst_n = false;
		o->rst_code = 0;
	}
}

/* What pgm_parse() should return for a packet pgm_encode() wrote from
 * @in: the flags it computes and the lengths.
 */
static void expect_from(struct pgm_pkt *want, const struct pgm_pkt *in)
{
	unsigned int i, olen = 0;
	u8 flags = in->flags & (PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN);

	*want = *in;
	clear_absent(&want->opts);
	for (i = 0; i < ARRAY_SIZE(known_opts); i++) {
		if (!(in->opts.present & PGM_OPTB(known_opts[i])))
			continue;
		olen += opt_len(&in->opts, known_opts[i]);
		if (net_sig(in->type, known_opts[i]))
			flags |= PGM_OPT_NETWORK;
	}
	if (olen) {
		olen += 4;
		flags |= PGM_OPT_PRESENT;
	}
	want->flags = flags;
	want->opt_len = olen;
	want->hdr_len = PGM_HDR_LEN + body_len(in) + olen;
	want->check = 0;
}

static bool nla_eq(const struct pgm_nla *a, const struct pgm_nla *b)
{
	if (a->afi != b->afi)
		return false;
	if (a->afi == PGM_AFI_IP6)
		return !memcmp(a->ip6, b->ip6, 16);
	return a->ip4 == b->ip4;
}

/* The first field in which two packets differ, or NULL. */
static const char *pkt_diff(const struct pgm_pkt *a, const struct pgm_pkt *b)
{
	if (a->sport != b->sport)
		return "sport";
	if (a->dport != b->dport)
		return "dport";
	if (a->type != b->type)
		return "type";
	if (a->flags != b->flags)
		return "flags";
	if (a->check != b->check)
		return "check";
	if (memcmp(a->gsi, b->gsi, sizeof(a->gsi)))
		return "gsi";
	if (a->tsdu_len != b->tsdu_len)
		return "tsdu_len";
	if (a->hdr_len != b->hdr_len)
		return "hdr_len";
	if (a->opt_len != b->opt_len)
		return "opt_len";
	if (a->sqn != b->sqn)
		return "sqn";
	if (a->trail != b->trail)
		return "trail";
	if (a->lead != b->lead)
		return "lead";
	if (a->round != b->round)
		return "round";
	if (a->subtype != b->subtype)
		return "subtype";
	if (a->bo_ivl != b->bo_ivl)
		return "bo_ivl";
	if (a->rand != b->rand)
		return "rand";
	if (a->mask != b->mask)
		return "mask";
	if (!nla_eq(&a->nla, &b->nla))
		return "nla";
	if (!nla_eq(&a->grp_nla, &b->grp_nla))
		return "grp_nla";
	if (a->opts.present != b->opts.present)
		return "opts.present";
	if (a->opts.frag_first != b->opts.frag_first)
		return "opts.frag_first";
	if (a->opts.frag_off != b->opts.frag_off)
		return "opts.frag_off";
	if (a->opts.frag_len != b->opts.frag_len)
		return "opts.frag_len";
	if (a->opts.frag_spec != b->opts.frag_spec)
		return "opts.frag_spec";
	if (a->opts.join_min != b->opts.join_min)
		return "opts.join_min";
	if (a->opts.nak_bo_ivl != b->opts.nak_bo_ivl)
		return "opts.nak_bo_ivl";
	if (a->opts.nak_bo_ivl_sqn != b->opts.nak_bo_ivl_sqn)
		return "opts.nak_bo_ivl_sqn";
	if (a->opts.nak_bo_max != b->opts.nak_bo_max)
		return "opts.nak_bo_max";
	if (a->opts.nak_bo_min != b->opts.nak_bo_min)
		return "opts.nak_bo_min";
	if (a->opts.parity_tgs != b->opts.parity_tgs)
		return "opts.parity_tgs";
	if (a->opts.parity_prm != b->opts.parity_prm)
		return "opts.parity_prm";
	if (a->opts.parity_grp != b->opts.parity_grp)
		return "opts.parity_grp";
	if (a->opts.curr_tgsize != b->opts.curr_tgsize)
		return "opts.curr_tgsize";
	if (a->opts.rst_code != b->opts.rst_code)
		return "opts.rst_code";
	if (a->opts.rst_n != b->opts.rst_n)
		return "opts.rst_n";
	if (a->opts.nak_count != b->opts.nak_count)
		return "opts.nak_count";
	if (!nla_eq(&a->opts.redirect, &b->opts.redirect))
		return "opts.redirect";
	if (!nla_eq(&a->opts.path_nla, &b->opts.path_nla))
		return "opts.path_nla";
	if (memcmp(a->opts.nak_list, b->opts.nak_list,
		   4 * a->opts.nak_count))
		return "opts.nak_list";
	return NULL;
}

/* Parse @len bytes from a heap copy of exactly @avail of them. */
static int parse_exact(const u8 *bytes, unsigned int avail, unsigned int len,
		       struct pgm_pkt *pkt)
{
	u8 *buf = malloc(avail);
	int err;

	if (avail)
		memcpy(buf, bytes, avail);
	err = pgm_parse(buf, avail, len, pkt);
	free(buf);
	return err;
}

static void base(struct pgm_pkt *p, u8 type, u8 flags, u16 tsdu)
{
	static const u8 gsi[PGM_GSI_LEN] = { 1, 2, 3, 4, 5, 6 };

	memset(p, 0, sizeof(*p));
	p->sport = htons(0x1234);
	p->dport = htons(7500);
	p->type = type;
	p->flags = flags;
	memcpy(p->gsi, gsi, sizeof(gsi));
	p->tsdu_len = tsdu;
}

static void nla4(struct pgm_nla *n, u8 a, u8 b, u8 c, u8 d)
{
	const u8 addr[4] = { a, b, c, d };

	memset(n, 0, sizeof(*n));
	n->afi = PGM_AFI_IP;
	memcpy(&n->ip4, addr, 4);
}

static const u8 ip6_src[16] = {		/* 2001:db8::1 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
};

static const u8 ip6_grp[16] = {		/* ff0e::1:3 */
	0xff, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x03,
};

static void nla6(struct pgm_nla *n, const u8 *addr)
{
	memset(n, 0, sizeof(*n));
	n->afi = PGM_AFI_IP6;
	memcpy(n->ip6, addr, 16);
}

/* ----- vectors, byte by byte from the RFC 3208 diagrams ----- */

/* Every vector: source port 0x1234, destination port 7500 (0x1d4c),
 * checksum 0 unless noted, GSI 01:02:03:04:05:06.
 */

/* 8.1 SPM, IPv4 path NLA, no options. */
static const u8 v_spm4[] = {
	0x12, 0x34, 0x1d, 0x4c,		/* sport, dport */
	0x00, 0x00, 0x00, 0x00,		/* SPM, no options, checksum */
	0x01, 0x02, 0x03, 0x04,		/* GSI */
	0x05, 0x06, 0x00, 0x00,		/* GSI, TSDU length 0 */
	0x00, 0x00, 0x00, 0x2a,		/* SPM_SQN 42 */
	0x00, 0x00, 0x00, 0x10,		/* SPM_TRAIL 16 */
	0x00, 0x00, 0x00, 0x20,		/* SPM_LEAD 32 */
	0x00, 0x01, 0x00, 0x00,		/* NLA AFI 1, reserved */
	0xc0, 0x00, 0x02, 0x01,		/* path NLA 192.0.2.1 */
};

static void e_spm4(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPM, 0, 0);
	p->hdr_len = 36;
	p->sqn = 42;
	p->trail = 16;
	p->lead = 32;
	nla4(&p->nla, 192, 0, 2, 1);
}

/* 8.1 SPM, IPv6 path NLA; 11.8.1 OPT_PARITY_PRM as OpenPGM sends it
 * (byte 2 uninitialised), then 9.7 OPT_FIN.
 */
static const u8 v_spm6[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x00, 0x03, 0x00, 0x00,		/* SPM, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff,		/* SPM_SQN 2^32 - 1 */
	0x80, 0x00, 0x00, 0x00,		/* SPM_TRAIL 2^31 */
	0x7f, 0xff, 0xff, 0xff,		/* SPM_LEAD 2^31 - 1 */
	0x00, 0x02, 0x00, 0x00,		/* NLA AFI 2 */
	0x20, 0x01, 0x0d, 0xb8,		/* 2001:db8::1 */
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x04, 0x00, 0x10,		/* OPT_LENGTH, total 16 */
	0x08, 0x08, 0x61, 0x03,		/* OPT_PARITY_PRM, garbage, P | O */
	0x00, 0x00, 0x00, 0x08,		/* TGSIZE 8 */
	0x8e, 0x04, 0x00, 0x00,		/* OPT_FIN | OPT_END */
};

static const u8 v_spm6_clean[] = {
	0x12, 0x34, 0x1d, 0x4c, 0x00, 0x03, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00,
	0x7f, 0xff, 0xff, 0xff, 0x00, 0x02, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x04, 0x00, 0x10, 0x08, 0x08, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x08, 0x8e, 0x04, 0x00, 0x00,
};

static void e_spm6(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPM, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 0);
	p->hdr_len = 64;
	p->opt_len = 16;
	p->sqn = 0xffffffff;
	p->trail = 0x80000000;
	p->lead = 0x7fffffff;
	nla6(&p->nla, ip6_src);
	p->opts.present = PGM_OPTB(PGM_OPT_PARITY_PRM) | PGM_OPTB(PGM_OPT_FIN);
	p->opts.parity_prm = PGM_PARITY_PRM_PRO | PGM_PARITY_PRM_OND;
	p->opts.parity_tgs = 8;
}

/* 14.7.1 POLL, IPv4 path NLA. */
static const u8 v_poll4[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x01, 0x00, 0x00, 0x00,		/* POLL */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07,		/* POLL_SQN 7 */
	0x00, 0x02, 0x00, 0x01,		/* POLL_ROUND 2, sub-type DLR */
	0x00, 0x01, 0x00, 0x00,		/* NLA AFI 1 */
	0x0a, 0x00, 0x00, 0x01,		/* path NLA 10.0.0.1 */
	0x00, 0x01, 0x86, 0xa0,		/* POLL_BO_IVL 100000 us */
	0xde, 0xad, 0xbe, 0xef,		/* random string */
	0x00, 0x00, 0x00, 0x0f,		/* matching bit-mask */
};

static void e_poll4(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_POLL, 0, 0);
	p->hdr_len = 44;
	p->sqn = 7;
	p->round = 2;
	p->subtype = PGM_POLL_DLR;
	nla4(&p->nla, 10, 0, 0, 1);
	p->bo_ivl = 100000;
	p->rand = 0xdeadbeef;
	p->mask = 0xf;
}

/* 14.7.2 POLR. */
static const u8 v_polr[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x02, 0x00, 0x00, 0x00,		/* POLR */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07,		/* POLR_SQN 7 */
	0x00, 0x02, 0x00, 0x00,		/* POLR_ROUND 2, reserved */
};

static void e_polr(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_POLR, 0, 0);
	p->hdr_len = 24;
	p->sqn = 7;
	p->round = 2;
}

/* 8.2 ODATA with 9.3 OPT_FRAGMENT and a 5-byte TSDU. */
static const u8 v_odata_frag[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x04, 0x01, 0x00, 0x00,		/* ODATA, OPT_PRESENT */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x05,		/* TSDU length 5 */
	0x00, 0x00, 0x00, 0x64,		/* ODATA_SQN 100 */
	0x00, 0x00, 0x00, 0x5a,		/* ODATA_TRAIL 90 */
	0x00, 0x04, 0x00, 0x14,		/* OPT_LENGTH, total 20 */
	0x81, 0x10, 0x00, 0x00,		/* OPT_FRAGMENT | OPT_END, 16 */
	0x00, 0x00, 0x00, 0x63,		/* first sqn 99 */
	0x00, 0x00, 0x05, 0x9c,		/* offset 1436 */
	0x00, 0x00, 0x10, 0x00,		/* APDU length 4096 */
	'h', 'e', 'l', 'l', 'o',
};

static void e_odata_frag(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_ODATA, PGM_OPT_PRESENT, 5);
	p->hdr_len = 44;
	p->opt_len = 20;
	p->sqn = 100;
	p->trail = 90;
	p->opts.present = PGM_OPTB(PGM_OPT_FRAGMENT);
	p->opts.frag_first = 99;
	p->opts.frag_off = 1436;
	p->opts.frag_len = 4096;
}

/* 8.2 RDATA with 9.4 OPT_JOIN and 9.6 OPT_SYN, a 3-byte TSDU. */
static const u8 v_rdata_join[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x05, 0x01, 0x00, 0x00,		/* RDATA, OPT_PRESENT */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x03,		/* TSDU length 3 */
	0x00, 0x00, 0x00, 0x65,		/* RDATA_SQN 101 */
	0x00, 0x00, 0x00, 0x5b,		/* RDATA_TRAIL 91 */
	0x00, 0x04, 0x00, 0x10,		/* OPT_LENGTH, total 16 */
	0x03, 0x08, 0x00, 0x00,		/* OPT_JOIN, 8 */
	0x00, 0x00, 0x00, 0x50,		/* OPT_JOIN_MIN 80 */
	0x8d, 0x04, 0x00, 0x00,		/* OPT_SYN | OPT_END */
	'a', 'b', 'c',
};

static void e_rdata_join(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_RDATA, PGM_OPT_PRESENT, 3);
	p->hdr_len = 40;
	p->opt_len = 16;
	p->sqn = 101;
	p->trail = 91;
	p->opts.present = PGM_OPTB(PGM_OPT_JOIN) | PGM_OPTB(PGM_OPT_SYN);
	p->opts.join_min = 80;
}

/* 8.3 NAK, IPv4 NLAs, 9.3.5 OPT_NAK_LIST as OpenPGM sends it (byte 2
 * uninitialised).
 */
static const u8 v_nak4[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x08, 0x03, 0x00, 0x00,		/* NAK, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0a,		/* requested sqn 10 */
	0x00, 0x01, 0x00, 0x00,		/* source NLA AFI 1 */
	0xc0, 0x00, 0x02, 0x01,		/* 192.0.2.1 */
	0x00, 0x01, 0x00, 0x00,		/* group NLA AFI 1 */
	0xef, 0x01, 0x02, 0x03,		/* 239.1.2.3 */
	0x00, 0x04, 0x00, 0x14,		/* OPT_LENGTH, total 20 */
	0x82, 0x10, 0xf7, 0x00,		/* OPT_NAK_LIST | OPT_END, garbage */
	0x00, 0x00, 0x00, 0x0b,		/* 11 */
	0x00, 0x00, 0x00, 0x0c,		/* 12 */
	0x00, 0x00, 0x00, 0x0e,		/* 14 */
};

static const u8 v_nak4_clean[] = {
	0x12, 0x34, 0x1d, 0x4c, 0x08, 0x03, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00,
	0xef, 0x01, 0x02, 0x03, 0x00, 0x04, 0x00, 0x14,
	0x82, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x0e,
};

static void e_nak4(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_NAK, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 0);
	p->hdr_len = 56;
	p->opt_len = 20;
	p->sqn = 10;
	nla4(&p->nla, 192, 0, 2, 1);
	nla4(&p->grp_nla, 239, 1, 2, 3);
	p->opts.present = PGM_OPTB(PGM_OPT_NAK_LIST);
	p->opts.nak_count = 3;
	p->opts.nak_list[0] = 11;
	p->opts.nak_list[1] = 12;
	p->opts.nak_list[2] = 14;
}

/* 8.3 NCF, IPv6 NLAs. */
static const u8 v_ncf6[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x0a, 0x00, 0x00, 0x00,		/* NCF */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0a,		/* sqn 10 */
	0x00, 0x02, 0x00, 0x00,		/* source NLA AFI 2: 2001:db8::1 */
	0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x00,		/* group NLA AFI 2: ff0e::1:3 */
	0xff, 0x0e, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x03,
};

static void e_ncf6(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_NCF, 0, 0);
	p->hdr_len = 60;
	p->sqn = 10;
	nla6(&p->nla, ip6_src);
	nla6(&p->grp_nla, ip6_grp);
}

/* 8.3 NNAK, IPv4 NLAs. */
static const u8 v_nnak4[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x09, 0x00, 0x00, 0x00,		/* NNAK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00,		/* sqn 256 */
	0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01,
	0x00, 0x01, 0x00, 0x00,
	0xef, 0x01, 0x02, 0x03,
};

static void e_nnak4(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_NNAK, 0, 0);
	p->hdr_len = 36;
	p->sqn = 256;
	nla4(&p->nla, 192, 0, 2, 1);
	nla4(&p->grp_nla, 239, 1, 2, 3);
}

/* 13.6 SPMR: the header alone; a checksum, passed on as is. */
static const u8 v_spmr[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x0c, 0x00, 0xbe, 0xef,		/* SPMR, checksum 0xbeef */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
};

static void e_spmr(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPMR, 0, 0);
	p->hdr_len = 16;
	p->check = htons(0xbeef);
}

/* 8.1 SPM with the 15.4 implosion options, 11.8.3 OPT_CURR_TGSIZE and
 * 9.8 OPT_RST (N bit, code 5).
 */
static const u8 v_spm4_opts[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x00, 0x03, 0x00, 0x00,		/* SPM, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x2b,		/* SPM_SQN 43 */
	0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x20,
	0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01,
	0x00, 0x04, 0x00, 0x2c,		/* OPT_LENGTH, total 44 */
	0x04, 0x0c, 0x00, 0x00,		/* OPT_NAK_BO_IVL, 12 */
	0x00, 0x00, 0xc3, 0x50,		/* 50000 us */
	0x00, 0x00, 0x00, 0x00,		/* NAK_BO_IVL_SQN 0 */
	0x05, 0x0c, 0x00, 0x00,		/* OPT_NAK_BO_RNG, 12 */
	0x00, 0x01, 0x86, 0xa0,		/* maximum 100000 us */
	0x00, 0x00, 0x27, 0x10,		/* minimum 10000 us */
	0x0b, 0x04, 0x00, 0x00,		/* OPT_NBR_UNREACH */
	0x0a, 0x08, 0x00, 0x00,		/* OPT_CURR_TGSIZE */
	0x00, 0x00, 0x00, 0x05,		/* 5 */
	0x8f, 0x04, 0x00, 0x45,		/* OPT_RST | OPT_END, N, code 5 */
};

static void e_spm4_opts(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPM, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 0);
	p->hdr_len = 80;
	p->opt_len = 44;
	p->sqn = 43;
	p->trail = 16;
	p->lead = 32;
	nla4(&p->nla, 192, 0, 2, 1);
	p->opts.present = PGM_OPTB(PGM_OPT_NAK_BO_IVL) |
			  PGM_OPTB(PGM_OPT_NAK_BO_RNG) |
			  PGM_OPTB(PGM_OPT_NBR_UNREACH) |
			  PGM_OPTB(PGM_OPT_CURR_TGSIZE) | PGM_OPTB(PGM_OPT_RST);
	p->opts.nak_bo_ivl = 50000;
	p->opts.nak_bo_max = 100000;
	p->opts.nak_bo_min = 10000;
	p->opts.curr_tgsize = 5;
	p->opts.rst_n = true;
	p->opts.rst_code = 5;
}

/* 8.3 NCF with OPT_NAK_LIST, 9.5.5 OPT_REDIRECT and 15.4.4 OPT_PATH_NLA. */
static const u8 v_ncf4_opts[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x0a, 0x03, 0x00, 0x00,		/* NCF, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0a,
	0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01,
	0x00, 0x01, 0x00, 0x00,
	0xef, 0x01, 0x02, 0x03,
	0x00, 0x04, 0x00, 0x24,		/* OPT_LENGTH, total 36 */
	0x02, 0x0c, 0x00, 0x00,		/* OPT_NAK_LIST, 12 */
	0x00, 0x00, 0x00, 0x0b,
	0x00, 0x00, 0x00, 0x0c,
	0x07, 0x0c, 0x00, 0x00,		/* OPT_REDIRECT, 12 */
	0x00, 0x01, 0x00, 0x00,		/* DLR NLA AFI 1 */
	0xc6, 0x33, 0x64, 0x07,		/* 198.51.100.7 */
	0x8c, 0x08, 0x00, 0x00,		/* OPT_PATH_NLA | OPT_END, 8 */
	0xc6, 0x33, 0x64, 0x01,		/* 198.51.100.1 */
};

static void e_ncf4_opts(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_NCF, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 0);
	p->hdr_len = 72;
	p->opt_len = 36;
	p->sqn = 10;
	nla4(&p->nla, 192, 0, 2, 1);
	nla4(&p->grp_nla, 239, 1, 2, 3);
	p->opts.present = PGM_OPTB(PGM_OPT_NAK_LIST) |
			  PGM_OPTB(PGM_OPT_REDIRECT) |
			  PGM_OPTB(PGM_OPT_PATH_NLA);
	p->opts.nak_count = 2;
	p->opts.nak_list[0] = 11;
	p->opts.nak_list[1] = 12;
	nla4(&p->opts.redirect, 198, 51, 100, 7);
	nla4(&p->opts.path_nla, 198, 51, 100, 1);
}

/* 11.8 a pro-active parity packet (ODATA, OPT_PARITY | OPT_VAR_PKTLEN)
 * of a short group: OPT_CURR_TGSIZE, OPT_PARITY_GRP.
 */
static const u8 v_odata_parity[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x04, 0xc1, 0x00, 0x00,		/* ODATA, PARITY | VAR_PKTLEN | PRESENT */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x04,		/* TSDU length 4 */
	0x00, 0x00, 0x01, 0x02,		/* TG 0x100, parity index 2 */
	0x00, 0x00, 0x00, 0xf0,
	0x00, 0x04, 0x00, 0x14,		/* OPT_LENGTH, total 20 */
	0x0a, 0x08, 0x00, 0x00,		/* OPT_CURR_TGSIZE */
	0x00, 0x00, 0x00, 0x06,
	0x89, 0x08, 0x00, 0x00,		/* OPT_PARITY_GRP | OPT_END */
	0x00, 0x00, 0x00, 0x01,
	0xde, 0xad, 0xbe, 0xef,
};

static void e_odata_parity(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_ODATA,
	     PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN | PGM_OPT_PRESENT, 4);
	p->hdr_len = 44;
	p->opt_len = 20;
	p->sqn = 0x102;
	p->trail = 0xf0;
	p->opts.present = PGM_OPTB(PGM_OPT_CURR_TGSIZE) |
			  PGM_OPTB(PGM_OPT_PARITY_GRP);
	p->opts.curr_tgsize = 6;
	p->opts.parity_grp = 1;
}

/* ODATA carrying options this code does not parse (12.7.1 OPT_CR,
 * OPT_INVALID, PGMCC's OPT_PGMCC_DATA), skipped by length, and OPT_FIN.
 */
static const u8 v_odata_unknown[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x04, 0x03, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x01,		/* TSDU length 1 */
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x04, 0x00, 0x38,		/* OPT_LENGTH, total 56 */
	0x10, 0x18, 0x00, 0x07,		/* OPT_CR, 24, L | P | R */
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x03,
	0x00, 0x04, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x09,
	0x7f, 0x08, 0x00, 0x00,		/* OPT_INVALID, 8 */
	0x11, 0x22, 0x33, 0x44,
	0x12, 0x10, 0x00, 0x00,		/* OPT_PGMCC_DATA, 16 */
	0x00, 0x00, 0x03, 0xe8,
	0x00, 0x01, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x09,
	0x8e, 0x04, 0x00, 0x00,		/* OPT_FIN | OPT_END */
	0x5a,
};

static void e_odata_unknown(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_ODATA, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 1);
	p->hdr_len = 80;
	p->opt_len = 56;
	p->sqn = 1;
	p->opts.present = PGM_OPTB(PGM_OPT_FIN);
}

/* RDATA: OPT_CURR_TGSIZE is network-significant there. */
static const u8 v_rdata_tgsize[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x05, 0x03, 0x00, 0x00,		/* RDATA, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x04, 0x00, 0x0c,		/* OPT_LENGTH, total 12 */
	0x8a, 0x08, 0x00, 0x00,		/* OPT_CURR_TGSIZE | OPT_END */
	0x00, 0x00, 0x00, 0x03,
	'h', 'i',
};

static void e_rdata_tgsize(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_RDATA, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 2);
	p->hdr_len = 36;
	p->opt_len = 12;
	p->sqn = 7;
	p->trail = 1;
	p->opts.present = PGM_OPTB(PGM_OPT_CURR_TGSIZE);
	p->opts.curr_tgsize = 3;
}

/* SPM without window information (trail 0, lead 2^31), OPT_PARITY_PRM
 * with the RFC's P bit only, and OPT_JOIN.
 */
static const u8 v_spm4_prm[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x00, 0x03, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00,		/* SPM_TRAIL 0 */
	0x80, 0x00, 0x00, 0x00,		/* SPM_LEAD 2^31 */
	0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01,
	0x00, 0x04, 0x00, 0x14,		/* OPT_LENGTH, total 20 */
	0x08, 0x08, 0x00, 0x02,		/* OPT_PARITY_PRM, P */
	0x00, 0x00, 0x00, 0x10,		/* TGSIZE 16 */
	0x83, 0x08, 0x00, 0x00,		/* OPT_JOIN | OPT_END */
	0x00, 0x00, 0x00, 0x05,
};

static void e_spm4_prm(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPM, PGM_OPT_PRESENT | PGM_OPT_NETWORK, 0);
	p->hdr_len = 56;
	p->opt_len = 20;
	p->sqn = 1;
	p->lead = 0x80000000;
	nla4(&p->nla, 192, 0, 2, 1);
	p->opts.present = PGM_OPTB(PGM_OPT_PARITY_PRM) | PGM_OPTB(PGM_OPT_JOIN);
	p->opts.parity_prm = PGM_PARITY_PRM_PRO;
	p->opts.parity_tgs = 16;
	p->opts.join_min = 5;
}

/* ----- every vector: parse, encode back, truncate, pull, garble ----- */

FIXTURE(vec) {
	struct pgm_pkt want;
	u8 buf[256];
};

FIXTURE_VARIANT(vec) {
	const u8 *bytes;
	unsigned int len;
	void (*expect)(struct pgm_pkt *pkt);
	const u8 *clean;	/* what pgm_encode() writes, if not @bytes */
	bool lossy;		/* holds options pgm_encode() cannot write */
};

FIXTURE_VARIANT_ADD(vec, spm4) {
	.bytes = v_spm4,
	.len = sizeof(v_spm4),
	.expect = e_spm4,
};

FIXTURE_VARIANT_ADD(vec, spm6_parity_prm_fin) {
	.bytes = v_spm6,
	.len = sizeof(v_spm6),
	.expect = e_spm6,
	.clean = v_spm6_clean,
};

FIXTURE_VARIANT_ADD(vec, poll4) {
	.bytes = v_poll4,
	.len = sizeof(v_poll4),
	.expect = e_poll4,
};

FIXTURE_VARIANT_ADD(vec, polr) {
	.bytes = v_polr,
	.len = sizeof(v_polr),
	.expect = e_polr,
};

FIXTURE_VARIANT_ADD(vec, odata_fragment) {
	.bytes = v_odata_frag,
	.len = sizeof(v_odata_frag),
	.expect = e_odata_frag,
};

FIXTURE_VARIANT_ADD(vec, rdata_join_syn) {
	.bytes = v_rdata_join,
	.len = sizeof(v_rdata_join),
	.expect = e_rdata_join,
};

FIXTURE_VARIANT_ADD(vec, nak4_nak_list) {
	.bytes = v_nak4,
	.len = sizeof(v_nak4),
	.expect = e_nak4,
	.clean = v_nak4_clean,
};

FIXTURE_VARIANT_ADD(vec, ncf6) {
	.bytes = v_ncf6,
	.len = sizeof(v_ncf6),
	.expect = e_ncf6,
};

FIXTURE_VARIANT_ADD(vec, nnak4) {
	.bytes = v_nnak4,
	.len = sizeof(v_nnak4),
	.expect = e_nnak4,
};

FIXTURE_VARIANT_ADD(vec, spmr) {
	.bytes = v_spmr,
	.len = sizeof(v_spmr),
	.expect = e_spmr,
};

FIXTURE_VARIANT_ADD(vec, spm4_implosion_rst) {
	.bytes = v_spm4_opts,
	.len = sizeof(v_spm4_opts),
	.expect = e_spm4_opts,
};

FIXTURE_VARIANT_ADD(vec, ncf4_redirect_path) {
	.bytes = v_ncf4_opts,
	.len = sizeof(v_ncf4_opts),
	.expect = e_ncf4_opts,
};

FIXTURE_VARIANT_ADD(vec, odata_parity) {
	.bytes = v_odata_parity,
	.len = sizeof(v_odata_parity),
	.expect = e_odata_parity,
};

FIXTURE_VARIANT_ADD(vec, odata_unknown_opts) {
	.bytes = v_odata_unknown,
	.len = sizeof(v_odata_unknown),
	.expect = e_odata_unknown,
	.lossy = true,
};

FIXTURE_VARIANT_ADD(vec, rdata_curr_tgsize) {
	.bytes = v_rdata_tgsize,
	.len = sizeof(v_rdata_tgsize),
	.expect = e_rdata_tgsize,
};

FIXTURE_VARIANT_ADD(vec, spm4_parity_prm_join) {
	.bytes = v_spm4_prm,
	.len = sizeof(v_spm4_prm),
	.expect = e_spm4_prm,
};

FIXTURE_SETUP(vec)
{
	variant->expect(&self->want);
	ASSERT_LE(variant->len, sizeof(self->buf));
	memcpy(self->buf, variant->bytes, variant->len);
}

FIXTURE_TEARDOWN(vec)
{
}

TEST_F(vec, parses)
{
	struct pgm_pkt got;
	const char *d;

	ASSERT_EQ(0, parse_exact(variant->bytes, variant->len, variant->len,
				 &got));
	d = pkt_diff(&self->want, &got);
	ASSERT_TRUE(!d) TH_LOG("field %s differs", d);
	ASSERT_EQ(variant->len, got.hdr_len + got.tsdu_len);
}

TEST_F(vec, encodes_the_same_bytes)
{
	const u8 *clean = variant->clean ?: variant->bytes;
	unsigned int hlen = self->want.hdr_len;
	u8 out[PGM_MAX_HDR_LEN], ref[256];
	int n;

	/* Options pgm_encode() does not write make its header shorter. */
	if (variant->lossy) {
		ASSERT_GT(hlen, pgm_encode(NULL, 0, &self->want));
		return;
	}
	memcpy(ref, clean, hlen);
	ref[6] = 0;		/* the checksum is the caller's */
	ref[7] = 0;
	ASSERT_EQ(hlen, pgm_encode(NULL, 0, &self->want));
	memset(out, 0xa5, sizeof(out));
	n = pgm_encode(out, hlen, &self->want);
	ASSERT_EQ(hlen, n);
	ASSERT_EQ(0, memcmp(ref, out, hlen));
	ASSERT_EQ(0xa5, out[hlen]);
	ASSERT_EQ(-ENOSPC, pgm_encode(out, hlen - 1, &self->want));
}

TEST_F(vec, round_trips)
{
	struct pgm_pkt want, got;
	const char *d;
	u8 out[PGM_MAX_HDR_LEN + 64];
	int n;

	expect_from(&want, &self->want);
	if (!variant->lossy)
		ASSERT_EQ(self->want.flags, want.flags);
	n = pgm_encode(out, sizeof(out), &self->want);
	ASSERT_EQ(want.hdr_len, n);
	memcpy(out + n, variant->bytes + self->want.hdr_len,
	       self->want.tsdu_len);
	ASSERT_EQ(0, parse_exact(out, n + want.tsdu_len, n + want.tsdu_len,
				 &got));
	d = pkt_diff(&want, &got);
	ASSERT_TRUE(!d) TH_LOG("field %s differs", d);
}

TEST_F(vec, truncated_at_every_byte)
{
	struct pgm_pkt got;
	unsigned int k;

	for (k = 0; k < variant->len; k++)
		ASSERT_EQ(-EINVAL, parse_exact(variant->bytes, k, k, &got))
			TH_LOG("accepted %u of %u bytes", k, variant->len);
}

/* The kernel's loop: pull what -EAGAIN asks for, parse again. */
TEST_F(vec, pull_until_parsed)
{
	unsigned int start, avail, rounds;
	struct pgm_pkt got;
	const char *d;
	int err;

	for (start = 0; start <= variant->len; start++) {
		avail = start;
		for (rounds = 0;; rounds++) {
			ASSERT_LE(rounds, 6);
			err = parse_exact(variant->bytes, avail, variant->len,
					  &got);
			if (err != -EAGAIN)
				break;
			ASSERT_GT(got.hdr_len, avail);
			ASSERT_LE(got.hdr_len, variant->len);
			avail = got.hdr_len;
		}
		ASSERT_EQ(0, err) TH_LOG("from %u bytes", start);
		d = pkt_diff(&self->want, &got);
		ASSERT_TRUE(!d) TH_LOG("field %s, from %u", d, start);
		if (start >= self->want.hdr_len)
			ASSERT_EQ(0, rounds);
	}
}

/* OpenPGM leaves byte 2 of some options uninitialised: no option's byte
 * 2, nor its U bit, may change the result.
 */
TEST_F(vec, option_byte2_and_u_bit_ignored)
{
	static const u8 garbage[] = { 0x61, 0x62, 0x80, 0xf7, 0x5f, 0xff, 0x03 };
	unsigned int g, off, end;
	struct pgm_pkt got;
	const char *d;
	u8 *o;

	/* Without options there is nothing to garble: the flag says so. */
	if (!self->want.opt_len) {
		ASSERT_EQ(0, variant->bytes[5] & PGM_OPT_PRESENT);
		return;
	}
	end = self->want.hdr_len;
	for (g = 0; g < ARRAY_SIZE(garbage); g++) {
		off = end - self->want.opt_len + PGM_OPT_HDR_LEN;
		while (off < end) {
			o = self->buf + off;
			o[2] = garbage[g];
			if ((o[0] & PGM_OPT_MASK) != PGM_OPT_FRAGMENT)
				o[3] |= PGM_OPT_U;
			off += o[1];
		}
		ASSERT_EQ(0, parse_exact(self->buf, variant->len,
					 variant->len, &got));
		d = pkt_diff(&self->want, &got);
		ASSERT_TRUE(!d) TH_LOG("field %s, garbage %#x", d,
				       garbage[g]);
	}
}

TEST_F(vec, trailing_bytes)
{
	struct pgm_pkt got;
	const char *d;
	int err;

	memset(self->buf + variant->len, 0x33, 3);
	err = parse_exact(self->buf, variant->len + 3, variant->len + 3, &got);
	if (pgm_type_is_data(self->want.type)) {
		ASSERT_EQ(-EINVAL, err);	/* TSDU length mismatch */
	} else {
		ASSERT_EQ(0, err);		/* no TSDU: ignored */
		d = pkt_diff(&self->want, &got);
		ASSERT_TRUE(!d) TH_LOG("field %s differs", d);
	}
}

TEST_F(vec, tsdu_length_field)
{
	struct pgm_pkt got;
	int d, err;

	for (d = -1; d <= 1; d += 2) {
		u16 tsdu = self->want.tsdu_len + d;

		self->buf[14] = tsdu >> 8;
		self->buf[15] = tsdu;
		err = parse_exact(self->buf, variant->len, variant->len, &got);
		if (pgm_type_is_data(self->want.type)) {
			ASSERT_EQ(-EINVAL, err);
		} else {
			ASSERT_EQ(0, err);	/* passed on unchecked */
			ASSERT_EQ(tsdu, got.tsdu_len);
		}
	}
}

TEST_F(vec, version_and_reserved_type_bits)
{
	static const u8 version[] = { 0x40, 0x80, 0xc0 };
	static const u8 reserved[] = { 0x10, 0x20, 0x30 };
	u8 type = variant->bytes[4];
	struct pgm_pkt got;
	const char *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(version); i++) {
		self->buf[4] = type | version[i];
		ASSERT_EQ(-EPROTONOSUPPORT,
			  parse_exact(self->buf, variant->len, variant->len,
				      &got));
	}
	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		self->buf[4] = type | reserved[i];
		ASSERT_EQ(0, parse_exact(self->buf, variant->len,
					 variant->len, &got));
		d = pkt_diff(&self->want, &got);
		ASSERT_TRUE(!d) TH_LOG("field %s differs", d);
	}
}

TEST_F(vec, longer_than_total)
{
	struct pgm_pkt got;

	ASSERT_EQ(-EINVAL, pgm_parse(self->buf, variant->len,
				     variant->len - 1, &got));
	/* Even with the whole packet inside @total_len. */
	ASSERT_EQ(-EINVAL, pgm_parse(self->buf, variant->len + 1,
				     variant->len, &got));
}

/* ----- header and types ----- */

TEST(common_header_layout)
{
	ASSERT_EQ(PGM_HDR_LEN, sizeof(struct pgm_hdr));
	ASSERT_EQ(0, offsetof(struct pgm_hdr, sport));
	ASSERT_EQ(2, offsetof(struct pgm_hdr, dport));
	ASSERT_EQ(4, offsetof(struct pgm_hdr, type));
	ASSERT_EQ(5, offsetof(struct pgm_hdr, options));
	ASSERT_EQ(6, offsetof(struct pgm_hdr, check));
	ASSERT_EQ(8, offsetof(struct pgm_hdr, gsi));
	ASSERT_EQ(14, offsetof(struct pgm_hdr, tsdu_len));
}

TEST(data_types)
{
	unsigned int t;

	for (t = 0; t < 256; t++) {
		bool data = (t & 0x0f) == 0x04 || (t & 0x0f) == 0x05;

		ASSERT_EQ(data, pgm_type_is_data(t)) TH_LOG("type %#x", t);
	}
}

TEST(unknown_types)
{
	struct pgm_pkt got;
	unsigned int t, i;
	u8 b[64];

	for (t = 0; t < 16; t++) {
		bool known = false;

		for (i = 0; i < ARRAY_SIZE(all_types); i++)
			known |= all_types[i] == t;
		if (known)
			continue;
		memset(b, 0, sizeof(b));
		b[4] = t;
		ASSERT_EQ(-EOPNOTSUPP, pgm_parse(b, sizeof(b), sizeof(b), &got))
			TH_LOG("type %#x", t);
	}
}

/* ----- malformed options ----- */

/* An ODATA with a 1-byte TSDU after @olen bytes of options (OPT_LENGTH
 * excluded) copied from @opts; OPT_LENGTH's total is @total (0: right).
 * Return: the packet length.
 */
static unsigned int mk_odata(u8 *b, const u8 *opts, unsigned int olen,
			     unsigned int total)
{
	static const u8 head[] = {
		0x12, 0x34, 0x1d, 0x4c, 0x04, 0x01, 0x00, 0x00,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x01,
	};

	memcpy(b, head, sizeof(head));
	b[24] = 0x00;
	b[25] = 0x04;
	total = total ?: olen + 4;
	b[26] = total >> 8;
	b[27] = total;
	memcpy(b + 28, opts, olen);
	b[28 + olen] = 0x77;		/* the TSDU */
	return 29 + olen;
}

static int parse_odata(const u8 *opts, unsigned int olen, unsigned int total,
		       struct pgm_pkt *pkt)
{
	u8 b[600];
	unsigned int len = mk_odata(b, opts, olen, total);

	return parse_exact(b, len, len, pkt);
}

TEST(mk_odata_is_valid)
{
	static const u8 fin[] = { 0x8e, 0x04, 0x00, 0x00 };
	struct pgm_pkt got;

	ASSERT_EQ(0, parse_odata(fin, sizeof(fin), 0, &got));
	ASSERT_EQ(PGM_OPTB(PGM_OPT_FIN), got.opts.present);
	ASSERT_EQ(1, got.tsdu_len);
	ASSERT_EQ(32, got.hdr_len);
}

TEST(bad_opt_length)
{
	static const u8 fin[] = { 0x8e, 0x04, 0x00, 0x00 };
	static const unsigned int totals[] = { 1, 4, 7, 9, 12, 29, 0xffff };
	struct pgm_pkt got;
	unsigned int i, len;
	u8 b[64];

	/* The total: too short, too long, past the packet. */
	for (i = 0; i < ARRAY_SIZE(totals); i++)
		ASSERT_EQ(-EINVAL, parse_odata(fin, sizeof(fin), totals[i],
					       &got))
			TH_LOG("total %u", totals[i]);
	/* Its type (no OPT_END, not another type) and its length byte. */
	len = mk_odata(b, fin, sizeof(fin), 0);
	for (i = 1; i < 256; i++) {
		b[24] = i;
		ASSERT_EQ(-EINVAL, parse_exact(b, len, len, &got));
	}
	b[24] = 0;
	for (i = 0; i < 256; i++) {
		if (i == 4)
			continue;
		b[25] = i;
		ASSERT_EQ(-EINVAL, parse_exact(b, len, len, &got));
	}
}

TEST(options_flag_without_options)
{
	static const u8 odata[] = {
		0x12, 0x34, 0x1d, 0x4c, 0x04, 0x01, 0x00, 0x00,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x01,
	};
	static const u8 only_length[] = {
		0x12, 0x34, 0x1d, 0x4c, 0x04, 0x01, 0x00, 0x00,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x04, 0x00, 0x04,
	};
	struct pgm_pkt got;

	ASSERT_EQ(-EINVAL, parse_exact(odata, sizeof(odata), sizeof(odata),
				       &got));
	ASSERT_EQ(-EINVAL, parse_exact(only_length, sizeof(only_length),
				       sizeof(only_length), &got));
}

/* Without OPT_PRESENT, option-like bytes are the TSDU. */
TEST(options_flag_clear)
{
	u8 b[64];
	struct pgm_pkt got;
	static const u8 fin[] = { 0x8e, 0x04, 0x00, 0x00 };
	unsigned int len = mk_odata(b, fin, sizeof(fin), 0);

	b[5] = 0;
	b[15] = len - 24;
	ASSERT_EQ(0, parse_exact(b, len, len, &got));
	ASSERT_EQ(0, got.opts.present);
	ASSERT_EQ(24, got.hdr_len);
	ASSERT_EQ(len - 24, got.tsdu_len);
}

TEST(short_options)
{
	struct pgm_pkt got;
	u8 o[8];
	unsigned int l;

	/* Option lengths 0 to 3 (never a whole header), last option. */
	for (l = 0; l < 4; l++) {
		o[0] = 0x8e;
		o[1] = l;
		o[2] = 0;
		o[3] = 0;
		ASSERT_EQ(-EINVAL, parse_odata(o, 4, 0, &got)) TH_LOG("%u", l);
	}
	/* Fewer than 4 bytes left for an option header. */
	o[0] = 0x0e;
	o[1] = 0x04;
	o[2] = 0;
	o[3] = 0;
	o[4] = 0x0e;
	o[5] = 0x04;
	for (l = 5; l < 8; l++)
		ASSERT_EQ(-EINVAL, parse_odata(o, l, 0, &got));
}

TEST(option_overruns)
{
	/* OPT_JOIN claiming 12 bytes, 8 present. */
	static const u8 join[] = {
		0x83, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	};
	/* An unknown option longer than the rest. */
	static const u8 unk[] = {
		0x0e, 0x04, 0x00, 0x00, 0xa0, 0xff, 0x00, 0x00,
	};
	struct pgm_pkt got;

	ASSERT_EQ(-EINVAL, parse_odata(join, sizeof(join), 0, &got));
	ASSERT_EQ(-EINVAL, parse_odata(unk, sizeof(unk), 0, &got));
}

TEST(opt_end_placement)
{
	/* No OPT_END at all. */
	static const u8 none[] = {
		0x0e, 0x04, 0x00, 0x00, 0x0d, 0x04, 0x00, 0x00,
	};
	/* OPT_END on the first of two. */
	static const u8 early[] = {
		0x8e, 0x04, 0x00, 0x00, 0x0d, 0x04, 0x00, 0x00,
	};
	static const u8 right[] = {
		0x0e, 0x04, 0x00, 0x00, 0x8d, 0x04, 0x00, 0x00,
	};
	struct pgm_pkt got;

	ASSERT_EQ(-EINVAL, parse_odata(none, sizeof(none), 0, &got));
	ASSERT_EQ(-EINVAL, parse_odata(early, sizeof(early), 0, &got));
	ASSERT_EQ(0, parse_odata(right, sizeof(right), 0, &got));
	ASSERT_EQ(PGM_OPTB(PGM_OPT_FIN) | PGM_OPTB(PGM_OPT_SYN),
		  got.opts.present);
}

TEST(sixteen_options_at_most)
{
	struct pgm_pkt got;
	u8 o[17 * 4];
	unsigned int n, i;

	for (n = 1; n <= 17; n++) {
		for (i = 0; i < n; i++) {
			o[4 * i] = 0x20 + i;	/* unknown types */
			o[4 * i + 1] = 4;
			o[4 * i + 2] = 0;
			o[4 * i + 3] = 0;
		}
		o[4 * (n - 1)] |= PGM_OPT_END;
		ASSERT_EQ(n <= PGM_OPT_MAX ? 0 : -EINVAL,
			  parse_odata(o, 4 * n, 0, &got)) TH_LOG("%u", n);
	}
	/* 15 unknown and a known one. */
	o[4 * 15] = PGM_OPT_FIN | PGM_OPT_END;
	ASSERT_EQ(0, parse_odata(o, 4 * 16, 0, &got));
	ASSERT_EQ(PGM_OPTB(PGM_OPT_FIN), got.opts.present);
}

/* A well-formed instance of each known option, IPv4 where relevant. */
static unsigned int good_opt(u8 *o, unsigned int type)
{
	u8 out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p;
	int n;

	memset(&p, 0, sizeof(p));
	p.type = PGM_TYPE_ODATA;
	p.opts.present = PGM_OPTB(type);
	p.opts.nak_count = 3;
	nla4(&p.opts.redirect, 10, 1, 2, 3);
	nla4(&p.opts.path_nla, 10, 1, 2, 4);
	n = pgm_encode(out, sizeof(out), &p);
	if (n <= 28)
		return 0;
	memcpy(o, out + 28, n - 28);
	return n - 28;
}

TEST(duplicate_options)
{
	struct pgm_pkt got;
	unsigned int i, l;
	u8 o[600];

	for (i = 0; i < ARRAY_SIZE(known_opts); i++) {
		l = good_opt(o, known_opts[i]);
		ASSERT_NE(0, l);
		ASSERT_EQ(0, parse_odata(o, l, 0, &got));
		memcpy(o + l, o, l);
		o[0] &= ~PGM_OPT_END;
		ASSERT_EQ(-EINVAL, parse_odata(o, 2 * l, 0, &got))
			TH_LOG("option %#x twice", known_opts[i]);
	}
}

TEST(opt_length_again)
{
	static const u8 o[] = {
		0x0e, 0x04, 0x00, 0x00, 0x80, 0x04, 0x00, 0x0c,
	};
	struct pgm_pkt got;

	ASSERT_EQ(-EINVAL, parse_odata(o, sizeof(o), 0, &got));
}

TEST(wrong_option_lengths)
{
	struct pgm_pkt got;
	unsigned int i, l, bad;
	u8 o[600];

	for (i = 0; i < ARRAY_SIZE(known_opts); i++) {
		unsigned int t = known_opts[i];

		for (bad = 4; bad < 256; bad += 4) {
			l = good_opt(o, t);
			if (bad == l)
				continue;
			/* NAK lists of 1 to 62 entries are all right. */
			if (t == PGM_OPT_NAK_LIST && bad > 4 && bad <= 252)
				continue;
			/* So are the IPv6 forms, with an IPv6 address. */
			if ((t == PGM_OPT_REDIRECT && bad == 24) ||
			    (t == PGM_OPT_PATH_NLA && bad == 20))
				continue;
			memset(o + l, 0, bad > l ? bad - l : 0);
			o[1] = bad;
			ASSERT_EQ(-EINVAL, parse_odata(o, bad, 0, &got))
				TH_LOG("option %#x, length %u", t, bad);
		}
		/* Lengths that are not a multiple of 4, too. */
		l = good_opt(o, t);
		o[1] = l + 1;
		o[l] = 0;
		ASSERT_EQ(-EINVAL, parse_odata(o, l + 1, 0, &got));
	}
}

TEST(nak_list_sizes)
{
	struct pgm_pkt got;
	unsigned int n, i;
	u8 o[256];

	for (n = 0; n <= 62; n++) {
		o[0] = PGM_OPT_NAK_LIST | PGM_OPT_END;
		o[1] = 4 + 4 * n;
		o[2] = 0x62;		/* OpenPGM's garbage */
		o[3] = 0;
		for (i = 0; i < n; i++) {
			o[4 + 4 * i] = 0;
			o[5 + 4 * i] = 0;
			o[6 + 4 * i] = 1;
			o[7 + 4 * i] = i;
		}
		if (!n) {
			ASSERT_EQ(-EINVAL, parse_odata(o, 4, 0, &got));
			continue;
		}
		ASSERT_EQ(0, parse_odata(o, 4 + 4 * n, 0, &got));
		ASSERT_EQ(n, got.opts.nak_count);
		ASSERT_EQ(0x100 + n - 1, got.opts.nak_list[n - 1]);
	}
	/* 253 to 255: more than 62 entries cannot be whole. */
	for (n = 253; n < 256; n++) {
		memset(o + 252, 0, 4);
		o[1] = n;
		ASSERT_EQ(-EINVAL, parse_odata(o, n, 0, &got)) TH_LOG("%u", n);
	}
}

TEST(redirect_and_path_nla_forms)
{
	static const u8 redirect6[] = {
		0x87, 0x18, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	static const u8 path6[] = {
		0x8c, 0x14, 0x00, 0x00,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	struct pgm_pkt got;
	u8 o[32];

	ASSERT_EQ(0, parse_odata(redirect6, sizeof(redirect6), 0, &got));
	ASSERT_EQ(PGM_AFI_IP6, got.opts.redirect.afi);
	ASSERT_EQ(0, memcmp(ip6_src, got.opts.redirect.ip6, 16));
	ASSERT_EQ(0, parse_odata(path6, sizeof(path6), 0, &got));
	ASSERT_EQ(PGM_AFI_IP6, got.opts.path_nla.afi);
	ASSERT_EQ(0, memcmp(ip6_src, got.opts.path_nla.ip6, 16));

	/* An AFI that does not match the length. */
	memcpy(o, redirect6, sizeof(redirect6));
	o[5] = PGM_AFI_IP;
	ASSERT_EQ(-EINVAL, parse_odata(o, sizeof(redirect6), 0, &got));
	o[1] = 12;
	o[5] = PGM_AFI_IP6;
	ASSERT_EQ(-EINVAL, parse_odata(o, 12, 0, &got));
	/* An AFI nobody knows. */
	o[5] = 3;
	ASSERT_EQ(-EAFNOSUPPORT, parse_odata(o, 12, 0, &got));
	o[4] = 0x01;
	o[5] = 0x01;
	ASSERT_EQ(-EAFNOSUPPORT, parse_odata(o, 12, 0, &got));
	/* No room for an AFI. */
	o[1] = 4;
	ASSERT_EQ(-EINVAL, parse_odata(o, 4, 0, &got));
}

TEST(parity_prm_raw_bits)
{
	/* OpenPGM's PRO (0x01) reads as the RFC's O bit: one byte cannot
	 * say which convention its sender used, so the raw bits go up.
	 */
	u8 o[] = { 0x88, 0x08, 0xf7, 0x00, 0x00, 0x00, 0x00, 0x08 };
	static const u8 bits[] = { 0x00, 0x01, 0x02, 0x03, 0xfd, 0x7e };
	struct pgm_pkt got;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		o[3] = bits[i];
		ASSERT_EQ(0, parse_odata(o, sizeof(o), 0, &got));
		ASSERT_EQ(bits[i] & PGM_PARITY_PRM_MASK, got.opts.parity_prm);
		ASSERT_EQ(8, got.opts.parity_tgs);
	}
	o[3] = 0x01;
	ASSERT_EQ(0, parse_odata(o, sizeof(o), 0, &got));
	ASSERT_EQ(PGM_PARITY_PRM_OND, got.opts.parity_prm);
}

/* OpenPGM's uninitialised byte 2 (values seen on the wire) in the options
 * it sends it in: OPT_NAK_LIST of a NAK and of an NCF, OPT_PARITY_PRM of an
 * SPM (P only, the bit OpenPGM's on-demand source sets). Each parses
 * exactly as with byte 2 zero, the U bit set or not; pgm_encode() writes
 * zero there again (module_spm and module_nak_63 pin the module's own).
 */
TEST(openpgm_garbage_byte2_nak_ncf_spm)
{
	static const u8 garbage[] = { 0x61, 0x62, 0x80, 0xf7, 0x5f };
	static const struct {
		const u8 *bytes;
		unsigned int len, opt;	/* offset of the option */
		u8 type;
	} c[] = {
		{ v_nak4_clean, sizeof(v_nak4_clean), 40, PGM_OPT_NAK_LIST },
		{ v_ncf4_opts, sizeof(v_ncf4_opts), 40, PGM_OPT_NAK_LIST },
		{ v_spm4_prm, sizeof(v_spm4_prm), 40, PGM_OPT_PARITY_PRM },
	};
	struct pgm_pkt clean, got;
	u8 buf[128], out[PGM_MAX_HDR_LEN];
	unsigned int i, g, u;
	const char *d;
	int n;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		ASSERT_EQ(c[i].type, c[i].bytes[c[i].opt] & PGM_OPT_MASK);
		ASSERT_EQ(0, c[i].bytes[c[i].opt + 2]);
		ASSERT_EQ(0, parse_exact(c[i].bytes, c[i].len, c[i].len,
					 &clean));
		for (g = 0; g < ARRAY_SIZE(garbage); g++) {
			for (u = 0; u < 2; u++) {
				memcpy(buf, c[i].bytes, c[i].len);
				buf[c[i].opt + 2] = garbage[g];
				if (u)
					buf[c[i].opt + 3] |= PGM_OPT_U;
				ASSERT_EQ(0, parse_exact(buf, c[i].len,
							 c[i].len, &got));
				d = pkt_diff(&clean, &got);
				ASSERT_TRUE(!d) TH_LOG("case %u %#x U %u: %s",
						       i, garbage[g], u, d);
			}
		}
		/* Encoded again: byte 2 is zero, the rest as received. */
		n = pgm_encode(out, sizeof(out), &got);
		ASSERT_EQ(c[i].len, n);
		ASSERT_EQ(0, out[c[i].opt + 2]);
		ASSERT_EQ(0, memcmp(c[i].bytes, out, n));
	}
	/* The SPM's P bit reaches the receiver raw: fec_rx.c decides. */
	ASSERT_EQ(PGM_PARITY_PRM_PRO, got.opts.parity_prm);
}

/* The F bit (byte 2 of the encoded OPT_FRAGMENT of a parity packet): RFC
 * 3208's diagram puts it at 0x04, which the module sends; OpenPGM's
 * PGM_OP_ENCODED is 0x08. Byte 2 is ignored on receipt: the header's
 * OPT_PARITY says the option is encoded.
 */
TEST(fragment_f_bit)
{
	u8 out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p, got, clean;
	unsigned int off;
	const char *d;
	int n;

	base(&p, PGM_TYPE_ODATA, PGM_OPT_PARITY, 0);
	p.sqn = 0x100;
	p.opts.present = PGM_OPTB(PGM_OPT_FRAGMENT);
	p.opts.frag_first = 0x01020304;
	p.opts.frag_off = 0x05060708;
	p.opts.frag_len = 0x090a0b0c;
	p.opts.frag_spec = PGM_OPT_U;
	n = pgm_encode(out, sizeof(out), &p);
	ASSERT_EQ(16 + 8 + 4 + 16, n);
	off = 16 + 8 + 4;			/* after OPT_LENGTH */
	ASSERT_EQ(PGM_OPT_FRAGMENT | PGM_OPT_END, out[off]);
	ASSERT_EQ(16, out[off + 1]);
	ASSERT_EQ(PGM_OPT_F, out[off + 2]);
	ASSERT_EQ(0x04, out[off + 2]);
	ASSERT_EQ(PGM_OPT_U, out[off + 3]);
	ASSERT_EQ(0, parse_exact(out, n, n, &clean));
	ASSERT_EQ(PGM_OPT_U, clean.opts.frag_spec);
	ASSERT_EQ(0x090a0b0c, clean.opts.frag_len);
	out[off + 2] = 0x08;			/* OpenPGM's PGM_OP_ENCODED */
	ASSERT_EQ(0, parse_exact(out, n, n, &got));
	d = pkt_diff(&clean, &got);
	ASSERT_TRUE(!d) TH_LOG("%s", d);

	/* Not a parity packet: no F bit. */
	p.flags = 0;
	p.opts.frag_spec = 0;
	ASSERT_EQ(n, pgm_encode(out, sizeof(out), &p));
	ASSERT_EQ(0, out[off + 2]);
	ASSERT_EQ(0, out[off + 3]);
}

TEST(rst_bits)
{
	u8 o[] = { 0x8f, 0x04, 0x00, 0xff };
	struct pgm_pkt got;

	ASSERT_EQ(0, parse_odata(o, sizeof(o), 0, &got));
	ASSERT_TRUE(got.opts.rst_n);
	ASSERT_EQ(0x3f, got.opts.rst_code);
	o[3] = 0x80 | 0x12;
	ASSERT_EQ(0, parse_odata(o, sizeof(o), 0, &got));
	ASSERT_FALSE(got.opts.rst_n);
	ASSERT_EQ(0x12, got.opts.rst_code);
}

/* ----- malformed bodies ----- */

TEST(bad_afis)
{
	static const u16 afis[] = { 0, 3, 0x100, 0xffff };
	struct pgm_pkt got;
	unsigned int i;
	u8 b[64];

	for (i = 0; i < ARRAY_SIZE(afis); i++) {
		/* SPM path NLA. */
		memcpy(b, v_spm4, sizeof(v_spm4));
		b[28] = afis[i] >> 8;
		b[29] = afis[i];
		ASSERT_EQ(-EAFNOSUPPORT, parse_exact(b, sizeof(v_spm4),
						     sizeof(v_spm4), &got));
		/* NAK source, then group NLA. */
		memcpy(b, v_nnak4, sizeof(v_nnak4));
		b[20] = afis[i] >> 8;
		b[21] = afis[i];
		ASSERT_EQ(-EAFNOSUPPORT, parse_exact(b, sizeof(v_nnak4),
						     sizeof(v_nnak4), &got));
		memcpy(b, v_nnak4, sizeof(v_nnak4));
		b[28] = afis[i] >> 8;
		b[29] = afis[i];
		ASSERT_EQ(-EAFNOSUPPORT, parse_exact(b, sizeof(v_nnak4),
						     sizeof(v_nnak4), &got));
		/* POLL path NLA. */
		memcpy(b, v_poll4, sizeof(v_poll4));
		b[24] = afis[i] >> 8;
		b[25] = afis[i];
		ASSERT_EQ(-EAFNOSUPPORT, parse_exact(b, sizeof(v_poll4),
						     sizeof(v_poll4), &got));
	}
	/* An IPv6 AFI on IPv4-sized NLAs: the packet is too short. */
	memcpy(b, v_spm4, sizeof(v_spm4));
	b[29] = PGM_AFI_IP6;
	ASSERT_EQ(-EINVAL, parse_exact(b, sizeof(v_spm4), sizeof(v_spm4),
				       &got));
}

/* ----- encoding ----- */

/* A packet of @type with every field its type has, NLAs of @afi. */
static void full_pkt(struct pgm_pkt *p, u8 type, u16 afi)
{
	base(p, type, 0, pgm_type_is_data(type) ? 3 : 0);
	if (type != PGM_TYPE_SPMR)
		p->sqn = 0xfffffffe;
	if (type == PGM_TYPE_SPM || pgm_type_is_data(type))
		p->trail = 0x80000001;
	if (type == PGM_TYPE_SPM)
		p->lead = 0x7ffffffe;
	if (type == PGM_TYPE_POLL || type == PGM_TYPE_POLR)
		p->round = 0xfffe;
	if (type == PGM_TYPE_POLL) {
		p->subtype = 0x8001;
		p->bo_ivl = 0x01020304;
		p->rand = 0xa0b0c0d0;
		p->mask = 0xfffffff0;
	}
	if (type == PGM_TYPE_SPM || type == PGM_TYPE_POLL ||
	    type == PGM_TYPE_NAK || type == PGM_TYPE_NNAK ||
	    type == PGM_TYPE_NCF) {
		if (afi == PGM_AFI_IP6)
			nla6(&p->nla, ip6_src);
		else
			nla4(&p->nla, 192, 0, 2, 1);
	}
	if (type == PGM_TYPE_NAK || type == PGM_TYPE_NNAK ||
	    type == PGM_TYPE_NCF) {
		if (afi == PGM_AFI_IP6)
			nla6(&p->grp_nla, ip6_grp);
		else
			nla4(&p->grp_nla, 239, 1, 2, 3);
	}
}

/* Option values at their most awkward: all bits set, largest sizes. */
static void full_opts(struct pgm_opts *o, u32 present, u16 afi)
{
	unsigned int i;

	o->present = present;
	o->frag_first = 0xfffffffd;
	o->frag_off = 0x12345678;
	o->frag_len = 0xffffffff;
	o->frag_spec = 0x80;
	o->join_min = 0x80000000;
	o->nak_bo_ivl = 0xfedcba98;
	o->nak_bo_ivl_sqn = 0x01;
	o->nak_bo_max = 0xffffffff;
	o->nak_bo_min = 0x7fffffff;
	o->parity_tgs = 128;
	o->parity_prm = PGM_PARITY_PRM_MASK;
	o->parity_grp = 0xfffffffe;
	o->curr_tgsize = 127;
	o->rst_n = true;
	o->rst_code = PGM_OPT_RST_CODE;
	o->nak_count = PGM_OPT_NAK_LIST_MAX;
	for (i = 0; i < PGM_OPT_NAK_LIST_MAX; i++)
		o->nak_list[i] = 0xffffffc0 + 2 * i;
	if (afi == PGM_AFI_IP6) {
		nla6(&o->redirect, ip6_src);
		nla6(&o->path_nla, ip6_grp);
	} else {
		nla4(&o->redirect, 198, 51, 100, 7);
		nla4(&o->path_nla, 198, 51, 100, 1);
	}
}

/* Encode @in, check flags, lengths and option order, parse it back. */
static void round_trip(struct __test_metadata *_metadata,
		       const struct pgm_pkt *in)
{
	u8 out[PGM_MAX_HDR_LEN + 8];
	struct pgm_pkt want, got;
	bool seen_receiver_only = false;
	unsigned int off, end, tsdu;
	const char *d;
	int n;

	expect_from(&want, in);
	n = pgm_encode(NULL, 0, in);
	ASSERT_EQ(want.hdr_len, n);
	ASSERT_LE(n, PGM_MAX_HDR_LEN);
	ASSERT_EQ(n, pgm_encode(out, n, in));
	ASSERT_EQ(want.flags, out[5]);
	ASSERT_EQ(0, out[6] | out[7]);
	tsdu = pgm_type_is_data(in->type) ? in->tsdu_len : 0;
	memset(out + n, 0x5c, tsdu);
	ASSERT_EQ(0, parse_exact(out, n + tsdu, n + tsdu, &got));
	d = pkt_diff(&want, &got);
	ASSERT_TRUE(!d) TH_LOG("type %#x, options %#x: %s differs",
			       in->type, in->opts.present, d);

	/* Network-significant options first; F only on a parity fragment. */
	end = want.hdr_len;
	for (off = end - want.opt_len + 4; want.opt_len && off < end;
	     off += out[off + 1]) {
		unsigned int t = out[off] & PGM_OPT_MASK;

		if (!net_sig(in->type, t))
			seen_receiver_only = true;
		else
			ASSERT_FALSE(seen_receiver_only);
		ASSERT_EQ(t == PGM_OPT_FRAGMENT &&
			  (in->flags & PGM_OPT_PARITY) ? PGM_OPT_F : 0,
			  out[off + 2]);
	}
}

TEST(round_trip_every_type_and_option)
{
	unsigned int t, i, a;
	struct pgm_pkt p;

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		for (a = PGM_AFI_IP; a <= PGM_AFI_IP6; a++) {
			full_pkt(&p, all_types[t], a);
			round_trip(_metadata, &p);
			for (i = 0; i < ARRAY_SIZE(known_opts); i++) {
				full_pkt(&p, all_types[t], a);
				full_opts(&p.opts, PGM_OPTB(known_opts[i]), a);
				round_trip(_metadata, &p);
				p.flags = PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN;
				round_trip(_metadata, &p);
			}
			full_pkt(&p, all_types[t], a);
			full_opts(&p.opts, 0x0000ffbe, a);
			round_trip(_metadata, &p);
		}
	}
}

TEST(largest_header)
{
	struct pgm_pkt p;

	full_pkt(&p, PGM_TYPE_NCF, PGM_AFI_IP6);
	full_opts(&p.opts, 0x0000ffbe, PGM_AFI_IP6);
	ASSERT_EQ(PGM_MAX_HDR_LEN, pgm_encode(NULL, 0, &p));
	round_trip(_metadata, &p);
}

TEST(network_flag)
{
	unsigned int t, i;
	struct pgm_pkt p;
	u8 out[PGM_MAX_HDR_LEN];

	for (t = 0; t < ARRAY_SIZE(all_types); t++) {
		full_pkt(&p, all_types[t], PGM_AFI_IP);
		ASSERT_LT(0, pgm_encode(out, sizeof(out), &p));
		ASSERT_EQ(0, out[5]);
		for (i = 0; i < ARRAY_SIZE(known_opts); i++) {
			full_pkt(&p, all_types[t], PGM_AFI_IP);
			full_opts(&p.opts, PGM_OPTB(known_opts[i]), PGM_AFI_IP);
			p.flags = PGM_OPT_PRESENT | PGM_OPT_NETWORK | 0x3c;
			ASSERT_LT(0, pgm_encode(out, sizeof(out), &p));
			ASSERT_EQ(PGM_OPT_PRESENT |
				  (net_sig(all_types[t], known_opts[i]) ?
				   PGM_OPT_NETWORK : 0), out[5])
				TH_LOG("type %#x option %#x", all_types[t],
				       known_opts[i]);
		}
	}
	/* The RFC's examples: FRAGMENT and JOIN alone are not significant;
	 * CURR_TGSIZE is, except on ODATA.
	 */
	ASSERT_FALSE(net_sig(PGM_TYPE_ODATA, PGM_OPT_CURR_TGSIZE));
	ASSERT_TRUE(net_sig(PGM_TYPE_RDATA, PGM_OPT_CURR_TGSIZE));
	ASSERT_TRUE(net_sig(PGM_TYPE_SPM, PGM_OPT_CURR_TGSIZE));
}

TEST(no_space)
{
	u8 out[PGM_MAX_HDR_LEN + 1];
	struct pgm_pkt p;
	int n, cap;

	full_pkt(&p, PGM_TYPE_NAK, PGM_AFI_IP6);
	full_opts(&p.opts, 0x0000ffbe, PGM_AFI_IP);
	n = pgm_encode(NULL, 0, &p);
	ASSERT_LT(0, n);
	for (cap = 0; cap < n; cap++) {
		memset(out, 0xa5, sizeof(out));
		ASSERT_EQ(-ENOSPC, pgm_encode(out, cap, &p));
		ASSERT_EQ(0xa5, out[0]);	/* nothing written */
	}
	memset(out, 0xa5, sizeof(out));
	ASSERT_EQ(n, pgm_encode(out, n, &p));
	ASSERT_EQ(0xa5, out[n]);
}

TEST(encode_rejects)
{
	u8 out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p;
	unsigned int t;

	for (t = 0; t < 16; t++) {
		if (t == 3 || t == 6 || t == 7 || t == 0xb || t >= 0xd) {
			full_pkt(&p, t, PGM_AFI_IP);
			ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
		}
	}
	/* Option bits: OPT_LENGTH, unassigned 6, OPT_CR and beyond. */
	full_pkt(&p, PGM_TYPE_SPM, PGM_AFI_IP);
	for (t = 0; t < 32; t++) {
		if (t == 0 || t == 6 || t > PGM_OPT_RST) {
			p.opts.present = PGM_OPTB(t);
			ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
		}
	}
	/* VAR_PKTLEN without PARITY. */
	full_pkt(&p, PGM_TYPE_ODATA, PGM_AFI_IP);
	p.flags = PGM_OPT_VAR_PKTLEN;
	ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
	/* NAK lists of 0 or 63. */
	full_pkt(&p, PGM_TYPE_NAK, PGM_AFI_IP);
	p.opts.present = PGM_OPTB(PGM_OPT_NAK_LIST);
	p.opts.nak_count = 0;
	ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
	ASSERT_EQ(-EINVAL, pgm_encode(NULL, 0, &p));
	p.opts.nak_count = 63;
	ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
	/* Byte 3 values out of range. */
	full_pkt(&p, PGM_TYPE_SPM, PGM_AFI_IP);
	p.opts.present = PGM_OPTB(PGM_OPT_RST);
	p.opts.rst_code = 0x40;
	ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
	p.opts.present = PGM_OPTB(PGM_OPT_PARITY_PRM);
	p.opts.parity_prm = 0x04;
	ASSERT_EQ(-EINVAL, pgm_encode(out, sizeof(out), &p));
	/* AFIs: the SPM's, a NAK's group, the options'. */
	full_pkt(&p, PGM_TYPE_SPM, PGM_AFI_IP);
	p.nla.afi = 3;
	ASSERT_EQ(-EAFNOSUPPORT, pgm_encode(out, sizeof(out), &p));
	full_pkt(&p, PGM_TYPE_NCF, PGM_AFI_IP);
	p.grp_nla.afi = 0;
	ASSERT_EQ(-EAFNOSUPPORT, pgm_encode(out, sizeof(out), &p));
	full_pkt(&p, PGM_TYPE_NCF, PGM_AFI_IP);
	p.opts.present = PGM_OPTB(PGM_OPT_REDIRECT);
	ASSERT_EQ(-EAFNOSUPPORT, pgm_encode(out, sizeof(out), &p));
	p.opts.present = PGM_OPTB(PGM_OPT_PATH_NLA);
	ASSERT_EQ(-EAFNOSUPPORT, pgm_encode(NULL, 0, &p));
}

/* Random packets: what is encoded parses back the same. */
static u32 rnd(void)
{
	return (u32)random() << 16 ^ (u32)random();
}

static void rnd_nla(struct pgm_nla *n)
{
	u8 a[16];
	unsigned int i;

	for (i = 0; i < 16; i++)
		a[i] = rnd();
	if (rnd() & 1)
		nla6(n, a);
	else
		nla4(n, a[0], a[1], a[2], a[3]);
}

TEST(round_trip_random)
{
	struct pgm_pkt p;
	unsigned int iter, i;

	srandom(3208);
	for (iter = 0; iter < 20000; iter++) {
		full_pkt(&p, all_types[rnd() % ARRAY_SIZE(all_types)], PGM_AFI_IP);
		p.sport = rnd();
		p.dport = rnd();
		p.gsi[rnd() % 6] = rnd();
		p.tsdu_len = pgm_type_is_data(p.type) ? rnd() % 8 : rnd();
		p.flags = (rnd() & 1) ? 0 : PGM_OPT_PARITY |
			  (rnd() & PGM_OPT_VAR_PKTLEN);
		if (p.sqn)
			p.sqn = rnd();
		if (p.trail)
			p.trail = rnd();
		if (p.lead)
			p.lead = rnd();
		if (p.nla.afi)
			rnd_nla(&p.nla);
		if (p.grp_nla.afi)
			rnd_nla(&p.grp_nla);
		for (i = 0; i < ARRAY_SIZE(known_opts); i++)
			if (!(rnd() % 3))
				p.opts.present |= PGM_OPTB(known_opts[i]);
		p.opts.frag_first = rnd();
		p.opts.frag_spec = rnd();
		p.opts.join_min = rnd();
		p.opts.nak_bo_min = rnd();
		p.opts.parity_prm = rnd() & PGM_PARITY_PRM_MASK;
		p.opts.parity_grp = rnd();
		p.opts.rst_n = rnd() & 1;
		p.opts.rst_code = rnd() & PGM_OPT_RST_CODE;
		p.opts.nak_count = 1 + rnd() % PGM_OPT_NAK_LIST_MAX;
		for (i = 0; i < p.opts.nak_count; i++)
			p.opts.nak_list[i] = rnd();
		rnd_nla(&p.opts.redirect);
		rnd_nla(&p.opts.path_nla);
		round_trip(_metadata, &p);
	}
}

/* ----- checksums over encoded packets ----- */

TEST(checksum_helper)
{
	/* RFC 1071's example: the sum is ddf2, the checksum its complement. */
	static const u8 rfc1071[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7,
	};

	ASSERT_EQ(0x220d, inet_csum(rfc1071, sizeof(rfc1071)));
	ASSERT_EQ(0xffff, inet_csum(rfc1071, 0));
}

TEST(checksum_over_encoded_packet)
{
	u8 out[PGM_MAX_HDR_LEN + 8];
	struct pgm_pkt p, got;
	u16 sum;
	int n;

	e_odata_frag(&p);
	n = pgm_encode(out, sizeof(out), &p);
	ASSERT_EQ(44, n);
	memcpy(out + n, "hello", 5);
	sum = inet_csum(out, n + 5) ?: 0xffff;	/* 0 is sent as 0xffff */
	out[6] = sum >> 8;
	out[7] = sum;
	ASSERT_EQ(0, inet_csum(out, n + 5));	/* verifies */
	ASSERT_EQ(0, pgm_parse(out, n + 5, n + 5, &got));
	ASSERT_EQ(htons(sum), got.check);
}

/* ----- the control packets the module builds (net/pgm/packet.c) ----- */

/* The SPM with every option the module puts on one: OPT_PARITY_PRM and
 * OPT_CURR_TGSIZE (FEC), OPT_FIN, OPT_RST with the N bit.
 */
static const u8 v_module_spm[] = {
	0x12, 0x34, 0x1d, 0x4c,
	0x00, 0x03, 0x00, 0x00,		/* SPM, OPT_PRESENT | OPT_NETWORK */
	0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x07,		/* SPM_SQN */
	0x00, 0x00, 0x00, 0x10,		/* SPM_TRAIL */
	0x00, 0x00, 0x00, 0x20,		/* SPM_LEAD */
	0x00, 0x01, 0x00, 0x00,
	0xc0, 0x00, 0x02, 0x01,		/* path 192.0.2.1 */
	0x00, 0x04, 0x00, 0x1c,		/* OPT_LENGTH, total 28 */
	0x08, 0x08, 0x00, 0x03,		/* OPT_PARITY_PRM, P | O */
	0x00, 0x00, 0x00, 0x08,
	0x0a, 0x08, 0x00, 0x00,		/* OPT_CURR_TGSIZE */
	0x00, 0x00, 0x00, 0x05,
	0x0e, 0x04, 0x00, 0x00,		/* OPT_FIN */
	0x8f, 0x04, 0x00, 0x40,		/* OPT_RST | OPT_END, N */
};

/* pgm_build_spm()'s struct pgm_pkt. */
static void fill_module_spm(struct pgm_pkt *p)
{
	base(p, PGM_TYPE_SPM, 0, 0);
	p->dport = htons(0x1d4c);
	p->sqn = 7;
	p->trail = 0x10;
	p->lead = 0x20;
	nla4(&p->nla, 192, 0, 2, 1);
	p->opts.present = PGM_OPTB(PGM_OPT_PARITY_PRM) |
			  PGM_OPTB(PGM_OPT_CURR_TGSIZE) |
			  PGM_OPTB(PGM_OPT_FIN) | PGM_OPTB(PGM_OPT_RST);
	p->opts.parity_tgs = 8;
	p->opts.parity_prm = PGM_PARITY_PRM_PRO | PGM_PARITY_PRM_OND;
	p->opts.curr_tgsize = 5;
	p->opts.rst_n = true;
}

TEST(module_spm)
{
	u8 out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p, got;
	int n;

	fill_module_spm(&p);
	n = pgm_encode(NULL, 0, &p);
	ASSERT_EQ(sizeof(v_module_spm), n);
	ASSERT_EQ(n, pgm_encode(out, n, &p));
	ASSERT_EQ(0, memcmp(v_module_spm, out, n));
	ASSERT_EQ(0, parse_exact(out, n, n, &got));
	ASSERT_EQ(p.opts.present, got.opts.present);
	ASSERT_EQ(8, got.opts.parity_tgs);
	ASSERT_EQ(PGM_PARITY_PRM_MASK, got.opts.parity_prm);
	ASSERT_EQ(5, got.opts.curr_tgsize);
	ASSERT_TRUE(got.opts.rst_n);
	ASSERT_EQ(0, got.opts.rst_code);
	ASSERT_EQ(0x20, got.lead);

	/* Without FEC the options are not network-significant. */
	p.opts.present &= ~(PGM_OPTB(PGM_OPT_PARITY_PRM) |
			    PGM_OPTB(PGM_OPT_CURR_TGSIZE));
	ASSERT_EQ(48, pgm_encode(out, sizeof(out), &p));
	ASSERT_EQ(PGM_OPT_PRESENT, out[5]);
	ASSERT_EQ(0, out[38]);		/* OPT_LENGTH's total: 12 */
	ASSERT_EQ(12, out[39]);
}

/* pgm_build_nak() with the most sequences it takes: 63, the header's and
 * 62 in OPT_NAK_LIST; pgm_parse_skb() hands back the same 63.
 */
TEST(module_nak_63)
{
	static const u8 head[] = {
		0x1d, 0x4c, 0x12, 0x34,
		0x0a, 0x83, 0x00, 0x00,	/* NCF, PARITY | NETWORK | PRESENT */
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x00, 0x00,
		0x80, 0x00, 0x00, 0x00,	/* NAK_SQN */
		0x00, 0x01, 0x00, 0x00,
		0xc0, 0x00, 0x02, 0x01,	/* source 192.0.2.1 */
		0x00, 0x01, 0x00, 0x00,
		0xef, 0x01, 0x02, 0x03,	/* group 239.1.2.3 */
		0x00, 0x04, 0x01, 0x00,	/* OPT_LENGTH, total 256 */
		0x82, 0xfc, 0x00, 0x00,	/* OPT_NAK_LIST | OPT_END, 252 */
	};
	u8 want[sizeof(head) + 4 * 62], out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p, got;
	unsigned int i;
	int n;

	memcpy(want, head, sizeof(head));
	for (i = 0; i < 62; i++) {
		want[sizeof(head) + 4 * i] = 0x80;
		want[sizeof(head) + 4 * i + 1] = 0;
		want[sizeof(head) + 4 * i + 2] = 0;
		want[sizeof(head) + 4 * i + 3] = i + 1;
	}

	base(&p, PGM_TYPE_NCF, PGM_OPT_PARITY, 0);
	p.sport = htons(0x1d4c);
	p.dport = htons(0x1234);
	p.sqn = 0x80000000;
	nla4(&p.nla, 192, 0, 2, 1);
	nla4(&p.grp_nla, 239, 1, 2, 3);
	p.opts.present = PGM_OPTB(PGM_OPT_NAK_LIST);
	p.opts.nak_count = 62;
	for (i = 0; i < 62; i++)
		p.opts.nak_list[i] = 0x80000001 + i;
	n = pgm_encode(out, sizeof(out), &p);
	ASSERT_EQ(sizeof(want), n);
	ASSERT_EQ(0, memcmp(want, out, n));

	ASSERT_EQ(0, parse_exact(out, n, n, &got));
	ASSERT_EQ(0x80000000, got.sqn);
	ASSERT_EQ(62, got.opts.nak_count);
	for (i = 0; i < 62; i++)
		ASSERT_EQ(0x80000001 + i, got.opts.nak_list[i]);
	ASSERT_EQ(PGM_AFI_IP, got.nla.afi);
	ASSERT_EQ(PGM_AFI_IP, got.grp_nla.afi);
	ASSERT_EQ(p.grp_nla.ip4, got.grp_nla.ip4);

	/* One sequence: no options at all. */
	p.flags = 0;
	p.opts.present = 0;
	ASSERT_EQ(36, pgm_encode(out, sizeof(out), &p));
	ASSERT_EQ(0, out[5]);
}

TEST(module_spmr)
{
	static const u8 want[] = {
		0x1d, 0x4c, 0x12, 0x34,
		0x0c, 0x00, 0x00, 0x00,
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x00, 0x00,
	};
	u8 out[PGM_MAX_HDR_LEN];
	struct pgm_pkt p;

	base(&p, PGM_TYPE_SPMR, 0, 0);
	p.sport = htons(0x1d4c);
	p.dport = htons(0x1234);
	ASSERT_EQ(sizeof(want), pgm_encode(out, sizeof(out), &p));
	ASSERT_EQ(0, memcmp(want, out, sizeof(want)));
}

TEST_HARNESS_MAIN
