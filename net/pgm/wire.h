/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM wire format (RFC 3208 section 8): header layouts and constants, and
 * the parser and encoder of every packet type and option (wire.c).
 *
 * Pure definitions with no socket or skb dependencies, shared by the
 * kernel and the user-space builds of the protocol core.
 */
#ifndef _NET_PGM_WIRE_H
#define _NET_PGM_WIRE_H

#include <linux/types.h>

/**
 * struct pgm_hdr - the common header of every PGM packet (16 bytes)
 * @sport: source port (data-source port on downstream packets)
 * @dport: destination port (data-source port on upstream packets)
 * @type: version (bits 7-6, zero) and packet type (bits 3-0)
 * @options: option flags, PGM_OPT_*
 * @check: Internet checksum of the whole PGM packet, no pseudo-header
 * @gsi: global source identifier
 * @tsdu_len: payload length, options excluded
 */
struct pgm_hdr {
	__be16	sport;
	__be16	dport;
	__u8	type;
	__u8	options;
	__sum16	check;
	__u8	gsi[6];
	__be16	tsdu_len;
};

#define PGM_HDR_LEN		16
#define PGM_GSI_LEN		6

/* Packet types (low nibble of pgm_hdr.type). */
#define PGM_TYPE_SPM		0x00
#define PGM_TYPE_POLL		0x01
#define PGM_TYPE_POLR		0x02
#define PGM_TYPE_ODATA		0x04
#define PGM_TYPE_RDATA		0x05
#define PGM_TYPE_NAK		0x08
#define PGM_TYPE_NNAK		0x09
#define PGM_TYPE_NCF		0x0a
#define PGM_TYPE_SPMR		0x0c
#define PGM_TYPE_MASK		0x0f
#define PGM_VERSION_MASK	0xc0

/* pgm_hdr.options flags, as every implementation numbers them. */
#define PGM_OPT_PRESENT		0x01
#define PGM_OPT_NETWORK		0x02
#define PGM_OPT_VAR_PKTLEN	0x40
#define PGM_OPT_PARITY		0x80

/* Address family of an NLA (RFC 1700). */
#define PGM_AFI_IP		1
#define PGM_AFI_IP6		2

/* Type-specific header lengths, NLAs excluded (each adds PGM_NLA_LEN()). */
#define PGM_SPM_LEN		12	/* sqn, trail, lead; then the path NLA */
#define PGM_POLL_LEN		20	/* sqn, round, subtype, NLA, ivl, rand, mask */
#define PGM_POLR_LEN		8	/* sqn, round, reserved */
#define PGM_DATA_LEN		8	/* sqn, trail */
#define PGM_NAK_LEN		4	/* sqn; then the source and group NLAs */
#define PGM_NLA_LEN(afi)	((afi) == PGM_AFI_IP6 ? 20 : 8)	/* AFI, rsvd, addr */

/* Option types (first byte of an option, low 7 bits). */
#define PGM_OPT_LENGTH		0x00
#define PGM_OPT_FRAGMENT	0x01
#define PGM_OPT_NAK_LIST	0x02
#define PGM_OPT_JOIN		0x03
#define PGM_OPT_NAK_BO_IVL	0x04
#define PGM_OPT_NAK_BO_RNG	0x05
#define PGM_OPT_REDIRECT	0x07
#define PGM_OPT_PARITY_PRM	0x08
#define PGM_OPT_PARITY_GRP	0x09
#define PGM_OPT_CURR_TGSIZE	0x0a
#define PGM_OPT_NBR_UNREACH	0x0b
#define PGM_OPT_PATH_NLA	0x0c
#define PGM_OPT_SYN		0x0d
#define PGM_OPT_FIN		0x0e
#define PGM_OPT_RST		0x0f
#define PGM_OPT_CR		0x10	/* not parsed: skipped */
#define PGM_OPT_CRQST		0x11	/* not parsed: skipped */
#define PGM_OPT_PGMCC_DATA	0x12	/* not parsed: skipped */
#define PGM_OPT_PGMCC_FEEDBACK	0x13	/* not parsed: skipped */
#define PGM_OPT_INVALID		0x7f	/* invalidated by a network element */
#define PGM_OPT_MASK		0x7f
#define PGM_OPT_END		0x80	/* set on the last option */
#define PGM_OPT_MAX		16	/* options per packet, OPT_LENGTH aside */
#define PGM_OPT_HDR_LEN		4	/* type, length, reserved/F/OPX, U/specific */
#define PGM_OPT_NAK_LIST_MAX	62	/* sequences in one OPT_NAK_LIST */

/* Byte 2 of an option: F (encoded, RFC numbering) and OPX bits. */
#define PGM_OPT_F		0x04
#define PGM_OPT_OPX_MASK	0x03
/* Byte 3 of an option: U (encoded null) and option-specific bits. */
#define PGM_OPT_U		0x80
#define PGM_OPT_RST_N		0x40	/* OPT_RST: NAKs will go unanswered */
#define PGM_OPT_RST_CODE	0x3f	/* OPT_RST: error code, 0 = unknown */
/* OPT_PARITY_PRM byte 3, as RFC 3208 section 11.8.1 and Wireshark number
 * them. OpenPGM swaps the two (PRO 0x01, OND 0x02); one byte cannot tell
 * the two apart, so the parser hands over the raw bits and the receiver
 * decides from the parity it sees (pgm_fec_prm_read()).
 */
#define PGM_PARITY_PRM_PRO	0x02	/* pro-active parity */
#define PGM_PARITY_PRM_OND	0x01	/* on-demand parity */
#define PGM_PARITY_PRM_MASK	0x03

/* POLL sub-types (RFC 3208 section 14.7.1). */
#define PGM_POLL_GENERAL	0
#define PGM_POLL_DLR		1

/* Bit of option @type in pgm_opts.present. */
#define PGM_OPTB(type)		(1U << (type))

/* The longest header plus options pgm_encode() writes: a NAK with IPv6
 * NLAs (60 bytes) and every option it knows, at their largest (388).
 */
#define PGM_MAX_HDR_LEN		448

/**
 * struct pgm_nla - a network-layer address: AFI, then the address
 * @afi: PGM_AFI_IP or PGM_AFI_IP6
 * @ip4: the IPv4 address, network order (@afi PGM_AFI_IP)
 * @ip6: the IPv6 address (@afi PGM_AFI_IP6)
 */
struct pgm_nla {
	u16	afi;
	union {
		__be32	ip4;
		u8	ip6[16];
	};
};

/**
 * struct pgm_opts - the options of a packet, in host order
 * @present: PGM_OPTB() of each option present; OPT_LENGTH and options
 *	this code does not know (skipped by their length) are not recorded
 * @frag_first: OPT_FRAGMENT: first sequence number of the APDU
 * @frag_off: OPT_FRAGMENT: offset of this fragment in the APDU
 * @frag_len: OPT_FRAGMENT: APDU length. The parser does not check the
 *	three: in a parity packet they hold the FEC-encoded values
 * @join_min: OPT_JOIN: the oldest sequence a late joiner may repair from
 * @nak_bo_ivl: OPT_NAK_BO_IVL: NAK back-off interval, microseconds
 * @nak_bo_ivl_sqn: OPT_NAK_BO_IVL: POLL sequence it applies from (0: now)
 * @nak_bo_max: OPT_NAK_BO_RNG: maximum back-off interval (first on the wire)
 * @nak_bo_min: OPT_NAK_BO_RNG: minimum back-off interval (second)
 * @parity_tgs: OPT_PARITY_PRM: transmission group size
 * @parity_grp: OPT_PARITY_GRP: parity group number
 * @curr_tgsize: OPT_CURR_TGSIZE: actual transmission group size
 * @redirect: OPT_REDIRECT: the DLR's address
 * @path_nla: OPT_PATH_NLA: the path NLA (carried without an AFI word:
 *	8 bytes for IPv4, 20 for IPv6)
 * @frag_spec: OPT_FRAGMENT: byte 3 (U bit, option-specific bits) as on
 *	the wire; zero except in the encoded copy of a parity packet
 * @parity_prm: OPT_PARITY_PRM: PGM_PARITY_PRM_MASK bits of byte 3, raw
 * @rst_code: OPT_RST: error code (PGM_OPT_RST_CODE bits)
 * @rst_n: OPT_RST: the N bit, NAKs will go unanswered
 * @nak_count: OPT_NAK_LIST: entries in @nak_list, 1 to 62
 * @nak_list: OPT_NAK_LIST: sequences requested besides the header's
 *	(only the first @nak_count are meaningful)
 */
struct pgm_opts {
	u32	present;
	u32	frag_first;
	u32	frag_off;
	u32	frag_len;
	u32	join_min;
	u32	nak_bo_ivl;
	u32	nak_bo_ivl_sqn;
	u32	nak_bo_max;
	u32	nak_bo_min;
	u32	parity_tgs;
	u32	parity_grp;
	u32	curr_tgsize;
	struct pgm_nla redirect;
	struct pgm_nla path_nla;
	u8	frag_spec;
	u8	parity_prm;
	u8	rst_code;
	bool	rst_n;
	u8	nak_count;
	u32	nak_list[PGM_OPT_NAK_LIST_MAX];	/* keep last, see pgm_parse() */
};

/**
 * struct pgm_pkt - a parsed packet (or one to encode), in host order
 * @sport: source port, network order (the TSI and demux keys use it so)
 * @dport: destination port, network order
 * @type: packet type, PGM_TYPE_* (the version and reserved bits dropped)
 * @flags: the header's option flags, PGM_OPT_PRESENT etc., as received
 * @check: the checksum field as received (0: none); not verified here
 * @gsi: global source identifier
 * @tsdu_len: the header's TSDU length; for ODATA and RDATA, checked
 *	equal to the bytes after the options
 * @hdr_len: header, type-specific part and options: the TSDU's offset
 * @opt_len: the options' total length (OPT_LENGTH's), 0 without options
 * @sqn: SPM, POLL, POLR, ODATA, RDATA sequence; NAK, NNAK, NCF: the
 *	requested sequence (more may follow in @opts.nak_list)
 * @trail: SPM, ODATA, RDATA: trailing edge
 * @lead: SPM: leading edge
 * @round: POLL, POLR: round
 * @subtype: POLL: sub-type, PGM_POLL_*
 * @bo_ivl: POLL: back-off interval, microseconds
 * @rand: POLL: random string (as a big-endian number)
 * @mask: POLL: matching bit-mask
 * @nla: SPM, POLL: path NLA; NAK, NNAK, NCF: source NLA
 * @grp_nla: NAK, NNAK, NCF: multicast group NLA
 * @opts: the options (keep last, see pgm_parse())
 */
struct pgm_pkt {
	__be16	sport;
	__be16	dport;
	u8	type;
	u8	flags;
	__sum16	check;
	u8	gsi[PGM_GSI_LEN];
	u16	tsdu_len;
	unsigned int hdr_len;
	unsigned int opt_len;
	u32	sqn;
	u32	trail;
	u32	lead;
	u16	round;
	u16	subtype;
	u32	bo_ivl;
	u32	rand;
	u32	mask;
	struct pgm_nla nla;
	struct pgm_nla grp_nla;
	struct pgm_opts opts;
};

/**
 * pgm_type_is_data() - is this an ODATA or RDATA packet?
 * @type: the header's type byte (or just its packet type)
 *
 * Return: true for ODATA and RDATA.
 */
static inline bool pgm_type_is_data(__u8 type)
{
	type &= PGM_TYPE_MASK;
	return type == PGM_TYPE_ODATA || type == PGM_TYPE_RDATA;
}

int pgm_parse(const void *buf, unsigned int len, unsigned int total_len,
	      struct pgm_pkt *pkt);
int pgm_encode(void *buf, unsigned int cap, const struct pgm_pkt *pkt);

#endif /* _NET_PGM_WIRE_H */
