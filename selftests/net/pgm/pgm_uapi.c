// SPDX-License-Identifier: GPL-2.0
/*
 * The user ABI: option numbers and structure layouts equal Windows' (the
 * RM_* values of wsrm.h and its structures, field by field), and the
 * Windows-named compatibility header describes the same bytes.
 */

#include <stddef.h>
#include <string.h>
#include <linux/pgm.h>
#include <wsrm.h>

#include "../../kselftest_harness.h"

#define ASSERT_OFFSET(type, field, off) \
	ASSERT_EQ((size_t)(off), offsetof(type, field))

TEST(protocol_numbers)
{
	ASSERT_EQ(113, IPPROTO_PGM);
	ASSERT_EQ(113, SOL_PGM);
	ASSERT_EQ(113, IPPROTO_RM);
}

TEST(option_numbers)
{
	ASSERT_EQ(1000, RM_OPTIONSBASE);
	ASSERT_EQ(1001, RM_RATE_WINDOW_SIZE);
	ASSERT_EQ(1002, RM_SET_MESSAGE_BOUNDARY);
	ASSERT_EQ(1003, RM_FLUSHCACHE);
	ASSERT_EQ(1004, RM_SENDER_WINDOW_ADVANCE_METHOD);
	ASSERT_EQ(1005, RM_SENDER_STATISTICS);
	ASSERT_EQ(1006, RM_LATEJOIN);
	ASSERT_EQ(1007, RM_SET_SEND_IF);
	ASSERT_EQ(1008, RM_ADD_RECEIVE_IF);
	ASSERT_EQ(1009, RM_DEL_RECEIVE_IF);
	ASSERT_EQ(1010, RM_SEND_WINDOW_ADV_RATE);
	ASSERT_EQ(1011, RM_USE_FEC);
	ASSERT_EQ(1012, RM_SET_MCAST_TTL);
	ASSERT_EQ(1013, RM_RECEIVER_STATISTICS);
	ASSERT_EQ(1014, RM_HIGH_SPEED_INTRANET_OPT);
	ASSERT_EQ(1, E_WINDOW_ADVANCE_BY_TIME);
	ASSERT_EQ(2, E_WINDOW_USE_AS_DATA_CACHE);
}

TEST(send_window_layout)
{
	ASSERT_EQ(12, sizeof(struct rm_send_window));
	ASSERT_OFFSET(struct rm_send_window, rate_kbits_per_sec, 0);
	ASSERT_OFFSET(struct rm_send_window, window_size_in_msecs, 4);
	ASSERT_OFFSET(struct rm_send_window, window_size_in_bytes, 8);
	ASSERT_EQ(12, sizeof(RM_SEND_WINDOW));
	ASSERT_OFFSET(RM_SEND_WINDOW, RateKbitsPerSec, 0);
	ASSERT_OFFSET(RM_SEND_WINDOW, WindowSizeInMSecs, 4);
	ASSERT_OFFSET(RM_SEND_WINDOW, WindowSizeInBytes, 8);
}

TEST(fec_info_layout)
{
	ASSERT_EQ(6, sizeof(struct rm_fec_info));
	ASSERT_OFFSET(struct rm_fec_info, fec_block_size, 0);
	ASSERT_OFFSET(struct rm_fec_info, fec_proactive_packets, 2);
	ASSERT_OFFSET(struct rm_fec_info, fec_group_size, 4);
	ASSERT_OFFSET(struct rm_fec_info, fec_ondemand_parity_enabled, 5);
	ASSERT_EQ(6, sizeof(RM_FEC_INFO));
	ASSERT_OFFSET(RM_FEC_INFO, FECBlockSize, 0);
	ASSERT_OFFSET(RM_FEC_INFO, FECProActivePackets, 2);
	ASSERT_OFFSET(RM_FEC_INFO, FECGroupSize, 4);
	ASSERT_OFFSET(RM_FEC_INFO, fFECOnDemandParityEnabled, 5);
}

/* The Linux extension: numbered apart from RM_*, OpenPGM's default ports. */
TEST(udp_encap_layout)
{
	ASSERT_EQ(1101, PGM_UDP_ENCAP);
	ASSERT_EQ(3055, PGM_UDP_ENCAP_UCAST_PORT);
	ASSERT_EQ(3056, PGM_UDP_ENCAP_MCAST_PORT);
	ASSERT_EQ(1102, PGM_FEC_OPENPGM_PRM);
	ASSERT_EQ(4, sizeof(struct pgm_udp_encap));
	ASSERT_OFFSET(struct pgm_udp_encap, ucast_port, 0);
	ASSERT_OFFSET(struct pgm_udp_encap, mcast_port, 2);
}

/* Windows' order: field i is the i-th ULONGLONG. */
TEST(sender_stats_layout)
{
	ASSERT_EQ(104, sizeof(struct rm_sender_stats));
	ASSERT_OFFSET(struct rm_sender_stats, data_bytes_sent, 0 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, total_bytes_sent, 1 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, naks_received, 2 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, naks_received_too_late, 3 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, num_outstanding_naks, 4 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, num_naks_after_rdata, 5 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, repair_packets_sent, 6 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, buffer_space_available, 7 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, trailing_edge_seq_id, 8 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, leading_edge_seq_id, 9 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, rate_kbits_per_sec_overall, 10 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, rate_kbits_per_sec_last, 11 * 8);
	ASSERT_OFFSET(struct rm_sender_stats, total_odata_packets_sent, 12 * 8);

	ASSERT_EQ(104, sizeof(RM_SENDER_STATS));
	ASSERT_OFFSET(RM_SENDER_STATS, DataBytesSent, 0 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, TotalBytesSent, 1 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, NaksReceived, 2 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, NaksReceivedTooLate, 3 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, NumOutstandingNaks, 4 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, NumNaksAfterRData, 5 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, RepairPacketsSent, 6 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, BufferSpaceAvailable, 7 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, TrailingEdgeSeqId, 8 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, LeadingEdgeSeqId, 9 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, RateKBitsPerSecOverall, 10 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, RateKBitsPerSecLast, 11 * 8);
	ASSERT_OFFSET(RM_SENDER_STATS, TotalODataPacketsSent, 12 * 8);
}

TEST(receiver_stats_layout)
{
	ASSERT_EQ(144, sizeof(struct rm_receiver_stats));
	ASSERT_OFFSET(struct rm_receiver_stats, num_odata_packets_received, 0 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, num_rdata_packets_received, 1 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, num_duplicate_data_packets, 2 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, data_bytes_received, 3 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, total_bytes_received, 4 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, rate_kbits_per_sec_overall, 5 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, rate_kbits_per_sec_last, 6 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, trailing_edge_seq_id, 7 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, leading_edge_seq_id, 8 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, average_sequences_in_window, 9 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, min_sequences_in_window, 10 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, max_sequences_in_window, 11 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, first_nak_sequence_number, 12 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, num_pending_naks, 13 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, num_outstanding_naks, 14 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, num_data_packets_buffered, 15 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, total_selective_naks_sent, 16 * 8);
	ASSERT_OFFSET(struct rm_receiver_stats, total_parity_naks_sent, 17 * 8);

	ASSERT_EQ(144, sizeof(RM_RECEIVER_STATS));
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumODataPacketsReceived, 0 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumRDataPacketsReceived, 1 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumDuplicateDataPackets, 2 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, DataBytesReceived, 3 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, TotalBytesReceived, 4 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, RateKBitsPerSecOverall, 5 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, RateKBitsPerSecLast, 6 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, TrailingEdgeSeqId, 7 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, LeadingEdgeSeqId, 8 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, AverageSequencesInWindow, 9 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, MinSequencesInWindow, 10 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, MaxSequencesInWindow, 11 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, FirstNakSequenceNumber, 12 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumPendingNaks, 13 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumOutstandingNaks, 14 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, NumDataPacketsBuffered, 15 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, TotalSelectiveNaksSent, 16 * 8);
	ASSERT_OFFSET(RM_RECEIVER_STATS, TotalParityNaksSent, 17 * 8);
}

/* Windows' base types keep their Windows widths on an LP64 system. */
TEST(windows_base_types)
{
	ASSERT_EQ(1, sizeof(UCHAR));
	ASSERT_EQ(1, sizeof(BOOLEAN));
	ASSERT_EQ(2, sizeof(USHORT));
	ASSERT_EQ(4, sizeof(ULONG));
	ASSERT_EQ(8, sizeof(ULONGLONG));
}

/* A value written through one spelling reads back through the other. */
TEST(same_bytes_both_spellings)
{
	RM_SEND_WINDOW w = { 1024, 2000, 256000 };
	RM_FEC_INFO f = { 255, 2, 16, TRUE };
	struct rm_send_window kw;
	struct rm_fec_info kf;

	memcpy(&kw, &w, sizeof(kw));
	memcpy(&kf, &f, sizeof(kf));
	ASSERT_EQ(1024, kw.rate_kbits_per_sec);
	ASSERT_EQ(2000, kw.window_size_in_msecs);
	ASSERT_EQ(256000, kw.window_size_in_bytes);
	ASSERT_EQ(255, kf.fec_block_size);
	ASSERT_EQ(2, kf.fec_proactive_packets);
	ASSERT_EQ(16, kf.fec_group_size);
	ASSERT_EQ(1, kf.fec_ondemand_parity_enabled);
}

TEST_HARNESS_MAIN
