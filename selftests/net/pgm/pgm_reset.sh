#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unrecoverable loss: a receiver whose link goes dark for longer than the
# source's window gets everything before the gap, in order, then
# ECONNRESET; a receiver on a clean link gets everything.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
count=$(pgm_lib_scale 1500)
seed=$RANDOM
pgm_lib_topo_bridge 2 || pgm_lib_skip_all "cannot build the topology"

pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r1" -x "$seed" -n "$count" -s 1:1000 -T 240
pgm_lib_recv_start "${pgm_lib_rcv[2]}" "$tmp/r2" -x "$seed" -n "$count" -s 1:1000 -T 240 -e reset
# About 500 messages a second, a 500 ms window.
ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 -r 20000 -w 500 \
	-x "$seed" -n "$count" -s 1:1000 -D 2000 > "$tmp/s" 2>&1 &
sender=$!
# Once receiver 2 is under way, cut its link for 1.5 s: three windows.
pgm_lib_wait_for 30 grep -q . "$tmp/r2" && sleep 0.5
pgm_lib_netem 2 loss 100%
sleep 1.5
pgm_lib_netem 2 loss 0%
wait $sender
pgm_lib_wait_pids
pgm_lib_diag "$tmp/s" "$tmp/r1" "$tmp/r2"

pgm_lib_check_eq "clean receiver: every message, verified, then the end" \
	"$count/0/eof" "$(pgm_lib_kv msgs < "$tmp/r1")/$(pgm_lib_kv bad < "$tmp/r1")/$(pgm_lib_kv end < "$tmp/r1")"
pgm_lib_check_eq "clean receiver: sha256 equals the sender's" \
	"$(pgm_lib_kv sha256 < "$tmp/s")" "$(pgm_lib_kv sha256 < "$tmp/r1")"
pgm_lib_check_eq "cut receiver: recv() failed with ECONNRESET" reset "$(pgm_lib_kv end < "$tmp/r2")"
got=$(pgm_lib_kv msgs < "$tmp/r2")
pgm_lib_check "cut receiver: got the messages before the gap ($got of $count)" \
	test "${got:-0}" -gt 0 -a "${got:-0}" -lt "$count"
pgm_lib_check_eq "cut receiver: all of them in order, none damaged" 0 "$(pgm_lib_kv bad < "$tmp/r2")"
pgm_lib_check "cut receiver: counted as unrecoverable" \
	test "$(pgm_lib_counter PgmUnrecoverable "${pgm_lib_rcv[2]}")" -ge 1
rm -rf "$tmp"
pgm_lib_end
