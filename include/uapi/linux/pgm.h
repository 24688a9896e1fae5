/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
/*
 * PGM (RFC 3208) reliable multicast sockets: user API.
 *
 *	socket(AF_INET, SOCK_RDM, IPPROTO_PGM)		message mode
 *	socket(AF_INET, SOCK_STREAM, IPPROTO_PGM)	byte-stream mode
 *
 * Socket options at level SOL_PGM (== IPPROTO_PGM) mirror the Windows
 * reliable multicast (IPPROTO_RM) options: same names, same numbers and
 * the same structure layouts, so Windows code ports with little change.
 * Every structure has a fixed size with no implicit padding; new fields
 * are only ever appended.
 */
#ifndef _UAPI_LINUX_PGM_H
#define _UAPI_LINUX_PGM_H

#include <linux/types.h>

/* IP protocol number assigned to PGM by IANA; absent from <linux/in.h>. */
enum {
	IPPROTO_PGM = 113
#define IPPROTO_PGM		IPPROTO_PGM
};

/* Option level, the protocol number as for SOL_TCP == IPPROTO_TCP. */
#define SOL_PGM			113

/* Option names: Windows' RM_OPTIONSBASE + n. */
#define RM_OPTIONSBASE			1000
#define RM_RATE_WINDOW_SIZE		(RM_OPTIONSBASE + 1)
#define RM_SET_MESSAGE_BOUNDARY		(RM_OPTIONSBASE + 2)
#define RM_FLUSHCACHE			(RM_OPTIONSBASE + 3)
#define RM_SENDER_WINDOW_ADVANCE_METHOD	(RM_OPTIONSBASE + 4)
#define RM_SENDER_STATISTICS		(RM_OPTIONSBASE + 5)
#define RM_LATEJOIN			(RM_OPTIONSBASE + 6)
#define RM_SET_SEND_IF			(RM_OPTIONSBASE + 7)
#define RM_ADD_RECEIVE_IF		(RM_OPTIONSBASE + 8)
#define RM_DEL_RECEIVE_IF		(RM_OPTIONSBASE + 9)
#define RM_SEND_WINDOW_ADV_RATE		(RM_OPTIONSBASE + 10)
#define RM_USE_FEC			(RM_OPTIONSBASE + 11)
#define RM_SET_MCAST_TTL		(RM_OPTIONSBASE + 12)
#define RM_RECEIVER_STATISTICS		(RM_OPTIONSBASE + 13)
#define RM_HIGH_SPEED_INTRANET_OPT	(RM_OPTIONSBASE + 14)

/*
 * Linux extensions, numbered apart from Windows' options.
 *
 * PGM_UDP_ENCAP (struct pgm_udp_encap): carry this socket's PGM in UDP
 * instead of IP protocol 113, as OpenPGM's PGM/UDP does: packets to the
 * group go to mcast_port, packets to a source (NAK, SPMR) to
 * ucast_port; the socket receives on both. Both ports 0 (the default)
 * means raw IP protocol 113. Set before bind() or connect(); EISCONN
 * after.
 */
#define PGM_OPTIONSBASE			1100
#define PGM_UDP_ENCAP			(PGM_OPTIONSBASE + 1)

/*
 * PGM_FEC_OPENPGM_PRM (__u32 boolean, default 0): a source's SPMs
 * advertise its FEC (OPT_PARITY_PRM) with OpenPGM's bit numbering,
 * pro-active 0x01 and on-demand 0x02, the reverse of RFC 3208's. OpenPGM
 * receivers read RFC-numbered on-demand parity as pro-active, then send
 * no NAKs and fail; with this set they use on-demand parity. Receivers
 * accept either numbering without it. Set before connect(); EISCONN
 * after.
 */
#define PGM_FEC_OPENPGM_PRM		(PGM_OPTIONSBASE + 2)

/* OpenPGM's default ports ("as per IBM WebSphere MQ"). */
#define PGM_UDP_ENCAP_UCAST_PORT	3055
#define PGM_UDP_ENCAP_MCAST_PORT	3056

/**
 * struct pgm_udp_encap - PGM_UDP_ENCAP (4 bytes)
 * @ucast_port: UDP port, host order, of unicast packets to a source
 * @mcast_port: UDP port, host order, of packets to the group
 */
struct pgm_udp_encap {
	__u16	ucast_port;
	__u16	mcast_port;
};

/* Values of RM_SENDER_WINDOW_ADVANCE_METHOD (Windows' eWINDOW_ADVANCE_METHOD). */
#define RM_WINDOW_ADVANCE_BY_TIME	1
#define RM_WINDOW_USE_AS_DATA_CACHE	2	/* not supported, as on Windows */

/**
 * struct rm_send_window - RM_RATE_WINDOW_SIZE (Windows RM_SEND_WINDOW, 12 bytes)
 * @rate_kbits_per_sec: send-rate cap for all traffic (ODATA, RDATA, SPM), kbit/s
 * @window_size_in_msecs: time the transmit window retains data, ms
 * @window_size_in_bytes: bytes the transmit window retains
 *
 * Two non-zero fields fix the third: bytes = kbit/s * ms / 8.
 */
struct rm_send_window {
	__u32	rate_kbits_per_sec;
	__u32	window_size_in_msecs;
	__u32	window_size_in_bytes;
};

/**
 * struct rm_fec_info - RM_USE_FEC (Windows RM_FEC_INFO, 6 bytes)
 * @fec_block_size: n, packets per FEC block including parity (at most 255)
 * @fec_proactive_packets: parity packets sent after every transmission group
 * @fec_group_size: k, data packets per transmission group (a power of two)
 * @fec_ondemand_parity_enabled: non-zero: repairs are sent as parity
 */
struct rm_fec_info {
	__u16	fec_block_size;
	__u16	fec_proactive_packets;
	__u8	fec_group_size;
	__u8	fec_ondemand_parity_enabled;
};

/**
 * struct rm_sender_stats - RM_SENDER_STATISTICS (Windows RM_SENDER_STATS, 104 bytes)
 * @data_bytes_sent: application bytes sent: ODATA payload, counted as
 *	it is transmitted, like every counter here
 * @total_bytes_sent: PGM bytes sent: SPM + ODATA + RDATA (parity too)
 * @naks_received: NAKs received (each sequence in a NAK list counts)
 * @naks_received_too_late: NAKs for sequences behind the trailing edge
 * @num_outstanding_naks: sequences NAKed and not yet repaired
 * @num_naks_after_rdata: NAKs for sequences already repaired
 * @repair_packets_sent: RDATA packets sent (parity too)
 * @buffer_space_available: partial messages dropped (Windows' meaning)
 * @trailing_edge_seq_id: oldest sequence in the transmit window
 * @leading_edge_seq_id: newest sequence in the transmit window
 * @rate_kbits_per_sec_overall: average send rate since the session began
 * @rate_kbits_per_sec_last: send rate over the last measuring interval
 * @total_odata_packets_sent: ODATA packets sent (data, not parity)
 */
struct rm_sender_stats {
	__u64	data_bytes_sent;
	__u64	total_bytes_sent;
	__u64	naks_received;
	__u64	naks_received_too_late;
	__u64	num_outstanding_naks;
	__u64	num_naks_after_rdata;
	__u64	repair_packets_sent;
	__u64	buffer_space_available;
	__u64	trailing_edge_seq_id;
	__u64	leading_edge_seq_id;
	__u64	rate_kbits_per_sec_overall;
	__u64	rate_kbits_per_sec_last;
	__u64	total_odata_packets_sent;
};

/**
 * struct rm_receiver_stats - RM_RECEIVER_STATISTICS (Windows RM_RECEIVER_STATS, 144 bytes)
 * @num_odata_packets_received: ODATA packets received
 * @num_rdata_packets_received: RDATA packets received
 * @num_duplicate_data_packets: data packets dropped as duplicates
 * @data_bytes_received: application bytes received
 * @total_bytes_received: PGM bytes received: SPM + ODATA + RDATA
 * @rate_kbits_per_sec_overall: average receive rate since the session began
 * @rate_kbits_per_sec_last: receive rate over the last measuring interval
 * @trailing_edge_seq_id: oldest sequence in the receive window
 * @leading_edge_seq_id: newest sequence in the receive window
 * @average_sequences_in_window: average receive window occupancy
 * @min_sequences_in_window: smallest receive window occupancy
 * @max_sequences_in_window: largest receive window occupancy
 * @first_nak_sequence_number: oldest sequence with a NAK pending
 * @num_pending_naks: NAKs waiting for an NCF
 * @num_outstanding_naks: NAKs confirmed, waiting for repair data
 * @num_data_packets_buffered: packets held in the receive window
 * @total_selective_naks_sent: selective NAKs sent
 * @total_parity_naks_sent: parity NAKs sent
 */
struct rm_receiver_stats {
	__u64	num_odata_packets_received;
	__u64	num_rdata_packets_received;
	__u64	num_duplicate_data_packets;
	__u64	data_bytes_received;
	__u64	total_bytes_received;
	__u64	rate_kbits_per_sec_overall;
	__u64	rate_kbits_per_sec_last;
	__u64	trailing_edge_seq_id;
	__u64	leading_edge_seq_id;
	__u64	average_sequences_in_window;
	__u64	min_sequences_in_window;
	__u64	max_sequences_in_window;
	__u64	first_nak_sequence_number;
	__u64	num_pending_naks;
	__u64	num_outstanding_naks;
	__u64	num_data_packets_buffered;
	__u64	total_selective_naks_sent;
	__u64	total_parity_naks_sent;
};

#endif /* _UAPI_LINUX_PGM_H */
