#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Message sizes from 1 byte to well over 64 KiB (fragmented with
# OPT_FRAGMENT and reassembled), every message verified; then the same
# messages read through a 100-byte buffer: several reads per message,
# MSG_EOR exactly on the read that ends one.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
pgm_lib_topo_bridge 1 || pgm_lib_skip_all "cannot build the topology"
pgm_lib_netem 1 loss 1%
R=${pgm_lib_rcv[1]}

# run NAME COUNT SIZES READ-BUFFER
run()
{
	local name=$1 count=$2 sizes=$3 buf=$4 seed=$RANDOM

	pgm_lib_recv_start "$R" "$tmp/r" -x "$seed" -n "$count" -s "$sizes" \
		-b "$buf" -T 240
	ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 \
		-r 40000 -x "$seed" -n "$count" -s "$sizes" > "$tmp/s" 2>&1
	pgm_lib_wait_pids
	pgm_lib_diag "$tmp/s" "$tmp/r"
	pgm_lib_check_eq "$name: $count messages, each verified" \
		"$count/0/eof/0" "$(pgm_lib_kv msgs < "$tmp/r")/$(pgm_lib_kv bad < "$tmp/r")/$(pgm_lib_kv end < "$tmp/r")/$(pgm_lib_kv eor_missing < "$tmp/r")"
	pgm_lib_check_eq "$name: sha256 equals the sender's" \
		"$(pgm_lib_kv sha256 < "$tmp/s")" "$(pgm_lib_kv sha256 < "$tmp/r")"
}

run "1 byte" "$(pgm_lib_scale 200)" 1 65536
run "one packet exactly (1400)" "$(pgm_lib_scale 200)" 1400 65536
run "one byte over a packet (1401)" "$(pgm_lib_scale 200)" 1401 65536
run "64 KiB" "$(pgm_lib_scale 40)" 65536 65536
run "1 byte to 256 KiB" "$(pgm_lib_scale 60)" 1:262144 65536
run "1 byte to 5000 through a 100-byte buffer" "$(pgm_lib_scale 300)" 1:5000 100
rm -rf "$tmp"
pgm_lib_end
