#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unrecoverable loss. Two receivers; the source (a 500 ms window) sends in
# three phases of N messages, pausing in between (pgm_xfer --pause-at):
#   1. messages 0..N-1 reach both receivers;
#   2. the link to receiver 2 drops everything (netem loss 100%) while
#      messages N..2N-1 go out; the source then pauses until its window
#      is empty (those messages can no longer be repaired: the trailing
#      edge passed them);
#   3. the link is restored and messages 2N..3N-1 go out.
# Asserted: receiver 2 reads exactly messages 0..N-1, each verified, then
# recv() fails with ECONNRESET, then reads 0 (end); the module counts
# the session as unrecoverable. Receiver 1, on a clean link, reads all 3N
# messages, verified, then EOF, with the source's sha256.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 2

n=$(pgm_lib_scale 300)
count=$((3 * n))
seed=$RANDOM

pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r1" -x "$seed" -n "$count" -s 1:1000 -T 120
pgm_lib_recv_start "${pgm_lib_rcv[2]}" "$tmp/r2" -x "$seed" -n "$count" -s 1:1000 -T 120 \
	--expect-reset --expect-messages "$n"
pgm_lib_send_start "$pgm_lib_snd" "$tmp/s" -r 10000 -w 500 -x "$seed" -n "$count" \
	-s 1:1000 --pause-at "$n" --pause-at $((2 * n)) --pause-empty \
	--control "$tmp/ctl" -T 120

pgm_lib_wait_line 60 "$tmp/s" "^pause at=$n\$" || pgm_lib_fail "source: pause 1"
pgm_lib_netem 2 loss 100%
pgm_lib_resume "$tmp/ctl"
pgm_lib_wait_line 60 "$tmp/s" "^pause at=$((2 * n))\$" || pgm_lib_fail "source: pause 2"
pgm_lib_netem 2 loss 0%
pgm_lib_resume "$tmp/ctl"
wait "$pgm_lib_send_pid"
rc=$?
pgm_lib_check_eq "source: sent $count messages, exit 0" "$count/0" \
	"$(pgm_lib_kv msgs < "$tmp/s")/$rc"
pgm_lib_send_pid=
pgm_lib_check_pids "receivers: both report what was expected"
pgm_lib_diag "$tmp/s" "$tmp/r1" "$tmp/r2"

pgm_lib_check_recv "clean receiver" "$tmp/s" "$(pgm_lib_line "$tmp/r1" '^recv ')" "$count"
line=$(pgm_lib_line "$tmp/r2" '^recv ')
pgm_lib_check_recv "cut receiver: the data before the gap" "$tmp/s" "$line" "$n" reset
pgm_lib_check_eq "cut receiver: it started at message 0" 0 "$(pgm_lib_kv first <<< "$line")"
pgm_lib_check_eq "cut receiver: after ECONNRESET, recv() reads 0" eof \
	"$(pgm_lib_kv after <<< "$line")"
pgm_lib_check_gt "cut receiver: counted as unrecoverable (PgmUnrecoverable)" \
	"$(pgm_lib_counter PgmUnrecoverable "${pgm_lib_rcv[2]}")" 0
pgm_lib_check_eq "clean receiver: no unrecoverable data" 0 \
	"$(pgm_lib_counter PgmUnrecoverable "${pgm_lib_rcv[1]}")"
pgm_lib_end
