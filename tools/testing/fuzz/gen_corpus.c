// SPDX-License-Identifier: GPL-2.0
/*
 * gen_corpus DIR: write the fuzzer's seed corpus, one small file per
 * packet: every type with IPv4 and IPv6 NLAs, bare and with the options
 * it carries, plus OpenPGM's uninitialised option bytes and options the
 * parser skips.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static const char *dir;
static unsigned int seeds;

static void save(const char *name, const u8 *buf, unsigned int len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%02u-%s", dir, seeds++, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void nla(struct pgm_nla *n, u16 afi, u8 last)
{
	memset(n, 0, sizeof(*n));
	n->afi = afi;
	if (afi == PGM_AFI_IP6) {
		n->ip6[0] = 0x20;
		n->ip6[1] = 0x01;
		n->ip6[15] = last;
	} else {
		n->ip6[0] = 10;
		n->ip6[3] = last;
	}
}

/* Encode @p, append a TSDU to data packets, save. Return: its length. */
static unsigned int emit(const char *name, struct pgm_pkt *p, u8 *buf)
{
	static const char tsdu[] = "seed";
	int n;

	if (pgm_type_is_data(p->type))
		p->tsdu_len = sizeof(tsdu) - 1;
	n = pgm_encode(buf, PGM_MAX_HDR_LEN, p);
	if (n < 0) {
		fprintf(stderr, "%s: pgm_encode: %d\n", name, n);
		exit(1);
	}
	memcpy(buf + n, tsdu, p->tsdu_len);
	save(name, buf, n + p->tsdu_len);
	return n + p->tsdu_len;
}

/* The options each type carries (RFC 3208 section 9 onwards). */
static u32 type_opts(u8 type)
{
	switch (type) {
	case PGM_TYPE_SPM:
		return PGM_OPTB(PGM_OPT_NAK_BO_IVL) |
		       PGM_OPTB(PGM_OPT_NAK_BO_RNG) |
		       PGM_OPTB(PGM_OPT_PARITY_PRM) |
		       PGM_OPTB(PGM_OPT_NBR_UNREACH) |
		       PGM_OPTB(PGM_OPT_CURR_TGSIZE) | PGM_OPTB(PGM_OPT_JOIN) |
		       PGM_OPTB(PGM_OPT_FIN) | PGM_OPTB(PGM_OPT_RST);
	case PGM_TYPE_POLL:
		return PGM_OPTB(PGM_OPT_NAK_BO_IVL);
	case PGM_TYPE_POLR:
		return PGM_OPTB(PGM_OPT_REDIRECT);
	case PGM_TYPE_ODATA:
	case PGM_TYPE_RDATA:
		return PGM_OPTB(PGM_OPT_FRAGMENT) | PGM_OPTB(PGM_OPT_JOIN) |
		       PGM_OPTB(PGM_OPT_SYN) | PGM_OPTB(PGM_OPT_FIN) |
		       PGM_OPTB(PGM_OPT_CURR_TGSIZE) |
		       PGM_OPTB(PGM_OPT_PARITY_GRP);
	case PGM_TYPE_NAK:
	case PGM_TYPE_NNAK:
	case PGM_TYPE_NCF:
		return PGM_OPTB(PGM_OPT_NAK_LIST) | PGM_OPTB(PGM_OPT_REDIRECT) |
		       PGM_OPTB(PGM_OPT_PATH_NLA) |
		       PGM_OPTB(PGM_OPT_NBR_UNREACH) |
		       PGM_OPTB(PGM_OPT_NAK_BO_IVL);
	}
	return 0;
}

static void fill(struct pgm_pkt *p, u8 type, u16 afi, u32 opts)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->sport = 0x3412;
	p->dport = 0x4c1d;
	p->type = type;
	for (i = 0; i < PGM_GSI_LEN; i++)
		p->gsi[i] = i + 1;
	p->sqn = 1000;
	p->trail = 990;
	p->lead = 1001;
	p->round = 1;
	p->bo_ivl = 100000;
	p->rand = 0x5eed;
	p->mask = 0xf;
	nla(&p->nla, afi, 1);
	nla(&p->grp_nla, afi, 2);
	p->opts.present = opts;
	p->opts.frag_first = 998;
	p->opts.frag_off = 2872;
	p->opts.frag_len = 5000;
	p->opts.join_min = 995;
	p->opts.nak_bo_ivl = 50000;
	p->opts.nak_bo_max = 100000;
	p->opts.nak_bo_min = 1000;
	p->opts.parity_prm = PGM_PARITY_PRM_OND;
	p->opts.parity_tgs = 8;
	p->opts.parity_grp = 1;
	p->opts.curr_tgsize = 5;
	p->opts.rst_n = true;
	p->opts.nak_count = 8;
	for (i = 0; i < p->opts.nak_count; i++)
		p->opts.nak_list[i] = 1001 + 2 * i;
	nla(&p->opts.redirect, afi, 3);
	nla(&p->opts.path_nla, afi, 4);
}

int main(int argc, char **argv)
{
	static const u8 types[] = {
		PGM_TYPE_SPM, PGM_TYPE_POLL, PGM_TYPE_POLR, PGM_TYPE_ODATA,
		PGM_TYPE_RDATA, PGM_TYPE_NAK, PGM_TYPE_NNAK, PGM_TYPE_NCF,
		PGM_TYPE_SPMR,
	};
	/* OPT_CR, OPT_INVALID and OPT_PGMCC_DATA, then OPT_FIN. */
	static const u8 skipped[] = {
		0x10, 0x18, 0x00, 0x07, 0x00, 0x00, 0x03, 0xe8,
		0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09,
		0x7f, 0x08, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x12, 0x10, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,
		0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09,
		0x8e, 0x04, 0x00, 0x00,
	};
	u8 buf[PGM_MAX_HDR_LEN + 64];
	unsigned int t, len, off;
	struct pgm_pkt p;
	char name[32];
	u16 afi;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	for (t = 0; t < sizeof(types); t++) {
		for (afi = PGM_AFI_IP; afi <= PGM_AFI_IP6; afi++) {
			snprintf(name, sizeof(name), "type%x-afi%u", types[t],
				 afi);
			fill(&p, types[t], afi, 0);
			emit(name, &p, buf);
			if (!type_opts(types[t]))
				continue;
			snprintf(name, sizeof(name), "type%x-afi%u-opts",
				 types[t], afi);
			fill(&p, types[t], afi, type_opts(types[t]));
			emit(name, &p, buf);
		}
	}

	/* A parity ODATA, and a NAK list of 62. */
	fill(&p, PGM_TYPE_ODATA, PGM_AFI_IP, type_opts(PGM_TYPE_ODATA));
	p.flags = PGM_OPT_PARITY | PGM_OPT_VAR_PKTLEN;
	emit("parity", &p, buf);
	fill(&p, PGM_TYPE_NAK, PGM_AFI_IP, PGM_OPTB(PGM_OPT_NAK_LIST));
	p.opts.nak_count = PGM_OPT_NAK_LIST_MAX;
	emit("nak-list-62", &p, buf);

	/* OpenPGM: byte 2 of OPT_NAK_LIST and OPT_PARITY_PRM uninitialised. */
	fill(&p, PGM_TYPE_NCF, PGM_AFI_IP, PGM_OPTB(PGM_OPT_NAK_LIST));
	len = emit("openpgm-nak-list", &p, buf);
	buf[len - 4 * p.opts.nak_count - 2] = 0xf7;
	save("openpgm-nak-list", buf, len);
	fill(&p, PGM_TYPE_SPM, PGM_AFI_IP, PGM_OPTB(PGM_OPT_PARITY_PRM));
	len = emit("openpgm-parity-prm", &p, buf);
	buf[len - 6] = 0x61;
	save("openpgm-parity-prm", buf, len);

	/* Options the parser skips by their length. */
	fill(&p, PGM_TYPE_ODATA, PGM_AFI_IP, 0);
	p.flags = PGM_OPT_PRESENT | PGM_OPT_NETWORK;
	p.tsdu_len = 1;
	len = pgm_encode(buf, sizeof(buf), &p);
	buf[5] = p.flags;
	off = len;
	buf[off++] = PGM_OPT_LENGTH;
	buf[off++] = PGM_OPT_HDR_LEN;
	buf[off++] = 0;
	buf[off++] = PGM_OPT_HDR_LEN + sizeof(skipped);
	memcpy(buf + off, skipped, sizeof(skipped));
	off += sizeof(skipped);
	buf[off++] = 'x';
	save("skipped-options", buf, off);
	return 0;
}
