#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Late join. A receiver that starts while a source is sending begins at
# the current data: its first message is one sent after it started. With
# RM_LATEJOIN 50 the source's data carries OPT_JOIN and a late receiver
# also gets (by NAK) the data of the last half window before it started.
# In both cases everything from the first message on arrives, in order.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
pgm_lib_topo_bridge 1 || pgm_lib_skip_all "cannot build the topology"
R=${pgm_lib_rcv[1]}
# 400 messages a second for 5 s, a 4 s window; the receiver joins at 2 s,
# when about 800 messages are out.
count=2000

# run LATEJOIN: print the receiver's first message index
run()
{
	local seed=$RANDOM

	ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 \
		-r 10000 -w 4000 -j "$1" -x "$seed" -n "$count" -s 1:1000 \
		-D 2500 > "$tmp/s" 2>&1 &
	local sender=$!

	sleep 2
	pgm_lib_recv_start "$R" "$tmp/r" -x "$seed" -n "$count" -s 1:1000 -J -T 120
	wait $sender
	pgm_lib_wait_pids
	pgm_lib_diag "$tmp/s" "$tmp/r"
	pgm_lib_check_eq "latejoin $1%: from its first message on, everything, in order" \
		"$count/0/eof" "$(pgm_lib_kv msgs < "$tmp/r")/$(pgm_lib_kv bad < "$tmp/r")/$(pgm_lib_kv end < "$tmp/r")"
	first=$(pgm_lib_kv first < "$tmp/r")
}

run 0
plain=$first
pgm_lib_check "without late join: starts at current data (message $plain of $count)" \
	test "${plain:-0}" -gt 300
run 50
joined=$first
pgm_lib_check "with RM_LATEJOIN 50: starts well before (message $joined, not $plain)" \
	test "${joined:-$count}" -lt $((plain - 150))
pgm_lib_check "with RM_LATEJOIN 50: not before the half window" \
	test "${joined:-0}" -gt 0
rm -rf "$tmp"
pgm_lib_end
