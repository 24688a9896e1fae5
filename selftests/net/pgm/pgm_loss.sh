#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Three receivers on a bridge whose links lose 5% of packets, duplicate
# 1% and reorder: every receiver gets every message, in order, exactly
# once (checked message by message and by sha256 against the sender), and
# the NAK machinery shows in the counters.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
count=$(pgm_lib_scale 3000)
seed=$RANDOM

pgm_lib_topo_bridge 3 || pgm_lib_skip_all "cannot build the topology"
for i in 1 2 3; do
	pgm_lib_netem "$i" delay 1ms reorder 90% loss 5% duplicate 1%
done

for i in 1 2 3; do
	pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r$i" -x "$seed" -n "$count" \
		-s 1:4000 -T 240
done
ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 -r 20000 \
	-x "$seed" -n "$count" -s 1:4000 > "$tmp/s" 2>&1
pgm_lib_check_eq "sender sent $count messages" "$count" "$(pgm_lib_kv msgs < "$tmp/s")"
pgm_lib_wait_pids
pgm_lib_diag "$tmp/s" "$tmp"/r?

sha=$(pgm_lib_kv sha256 < "$tmp/s")
for i in 1 2 3; do
	r=$tmp/r$i
	pgm_lib_check_eq "receiver $i: session ended normally" eof "$(pgm_lib_kv end < "$r")"
	pgm_lib_check_eq "receiver $i: $count messages" "$count" "$(pgm_lib_kv msgs < "$r")"
	pgm_lib_check_eq "receiver $i: every message verified in order" 0 "$(pgm_lib_kv bad < "$r")"
	pgm_lib_check_eq "receiver $i: sha256 equals the sender's" "$sha" "$(pgm_lib_kv sha256 < "$r")"
	naks=$(pgm_lib_kv naks < "$r")
	pgm_lib_check "receiver $i: sent NAKs ($naks)" test "${naks:-0}" -gt 0
	rdata=$(pgm_lib_kv rdata < "$r")
	pgm_lib_check "receiver $i: got repairs ($rdata RDATA)" test "${rdata:-0}" -gt 0
	dups=$(pgm_lib_kv dups < "$r")
	pgm_lib_check "receiver $i: dropped duplicates ($dups)" test "${dups:-0}" -gt 0
done
nak_in=$(pgm_lib_kv naks_received < "$tmp/s")
pgm_lib_check "sender: received NAKs ($nak_in)" test "${nak_in:-0}" -gt 0
repairs=$(pgm_lib_kv repair_packets_sent < "$tmp/s")
pgm_lib_check "sender: sent repairs ($repairs)" test "${repairs:-0}" -gt 0
pgm_lib_check "sender: NCFs counted in /proc/net/pgm/snmp" \
	test "$(pgm_lib_counter PgmOutNcf "$pgm_lib_snd")" -gt 0
rm -rf "$tmp"
pgm_lib_end
