/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PGM wire format (RFC 3208 section 8): header layouts and constants.
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
#define PGM_OPT_MASK		0x7f
#define PGM_OPT_END		0x80	/* set on the last option */
#define PGM_OPT_MAX		16	/* options per packet */
#define PGM_OPT_RST_N		0x40	/* OPT_RST: NAKs will go unanswered */

static inline bool pgm_type_is_data(__u8 type)
{
	type &= PGM_TYPE_MASK;
	return type == PGM_TYPE_ODATA || type == PGM_TYPE_RDATA;
}

#endif /* _NET_PGM_WIRE_H */
