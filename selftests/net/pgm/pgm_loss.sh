#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Repair under loss. One source, three receivers on a bridge; the bridge's
# links to the receivers lose 5% of packets, duplicate 1% and reorder
# (10% of packets held back 1 ms). Asserted:
#  - every receiver reads every message, in order, exactly once, each
#    compared byte for byte with what the source generated (pgm_xfer -x),
#    the session ends with EOF, and its sha256 equals the source's;
#  - the receivers read through the three read paths of pgm_xfer: a poll
#    loop, a blocking thread, and non-blocking sockets;
#  - the repair machinery ran: every receiver sent NAKs, got RDATA and
#    dropped duplicates (RM_RECEIVER_STATISTICS); the source received NAKs
#    and sent repairs (RM_SENDER_STATISTICS, read once its window drained,
#    so that every repair is counted) and counted NCFs (/proc/net/pgm/snmp);
#  - data_bytes_received equals the bytes read, data_bytes_sent the bytes
#    sent.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 3 \
	--netem "delay 1ms reorder 90% loss 5% duplicate 1%"
count=$(pgm_lib_scale 3000)
seed=$RANDOM
sizes=1:4000

modes=("" --threads --nonblock)
for i in 1 2 3; do
	# shellcheck disable=SC2086
	pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r$i" -x "$seed" -n "$count" \
		-s $sizes -T 240 ${modes[$((i - 1))]}
done
pgm_lib_send "$pgm_lib_snd" "$tmp/s" -r 20000 -w 1000 -x "$seed" -n "$count" \
	-s $sizes --drain
rc=$?
pgm_lib_check_eq "source: sent $count messages, window drained, exit 0" \
	"$count/0" "$(pgm_lib_kv msgs < "$tmp/s")/$rc"
pgm_lib_check_pids "receivers: all three report success"
pgm_lib_diag "$tmp/s" "$tmp"/r?

for i in 1 2 3; do
	r=$tmp/r$i
	line=$(pgm_lib_line "$r" '^recv ')
	pgm_lib_check_recv "receiver $i (${modes[$((i - 1))]:-poll loop})" "$tmp/s" \
		"$line" "$count"
	pgm_lib_check_gt "receiver $i: sent NAKs" \
		"$(pgm_lib_kv total_selective_naks_sent < "$r")" 0
	pgm_lib_check_gt "receiver $i: received repairs (RDATA)" \
		"$(pgm_lib_kv num_rdata_packets_received < "$r")" 0
	pgm_lib_check_gt "receiver $i: dropped duplicates" \
		"$(pgm_lib_kv num_duplicate_data_packets < "$r")" 0
	pgm_lib_check_eq "receiver $i: data_bytes_received equals the bytes read" \
		"$(pgm_lib_kv bytes <<< "$line")" "$(pgm_lib_kv data_bytes_received < "$r")"
done
pgm_lib_check_eq "source: data_bytes_sent equals the bytes sent" \
	"$(pgm_lib_kv bytes < "$tmp/s")" "$(pgm_lib_kv data_bytes_sent < "$tmp/s")"
pgm_lib_check_gt "source: received NAKs" "$(pgm_lib_kv naks_received < "$tmp/s")" 0
pgm_lib_check_gt "source: sent repairs" "$(pgm_lib_kv repair_packets_sent < "$tmp/s")" 0
pgm_lib_check_gt "source: NCFs counted in /proc/net/pgm/snmp" \
	"$(pgm_lib_counter PgmOutNcf "$pgm_lib_snd")" 0
pgm_lib_end
