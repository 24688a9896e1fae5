#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Closing a source. Two receivers on links losing 10%; the source sends
# and calls close() the moment its last send returns (no shutdown()):
#  1. plain close(): the process is gone but its socket lives on
#     (/proc/net/protocols counts 1 in its namespace) and serves repairs:
#     both receivers read every message, verified, then EOF, with repairs
#     among what they got; once the window has drained the count is back
#     at 0;
#  2. SO_LINGER 30 s: close() itself waits for the drain: when the
#     process exits, the count is already 0, and both receivers read
#     everything as above;
#  3. SO_LINGER 0 (abort), on clean links, once every message went out
#     (pgm_xfer --pause-at): the socket is gone at once (count 0 on
#     exit); each receiver reads every message, verified, then recv()
#     fails with ECONNRESET (the source's SPM with OPT_RST), then reads 0.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 2 --netem "loss 10%"

count=$(pgm_lib_scale 2000)

drained()
{
	[ "$(pgm_lib_inuse "$pgm_lib_snd")" = 0 ]
}

# run NAME END SENDER_ARGS...: a transfer closed right after the last
# send; sets "inuse" to the source namespace's socket count on its exit.
run()
{
	local name=$1 end=$2 seed=$RANDOM i

	shift 2
	for i in 1 2; do
		pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r$i" -x "$seed" \
			-n "$count" -s 1:3000 -T 120 -e "$end"
	done
	pgm_lib_send "$pgm_lib_snd" "$tmp/s" -r 30000 -w 3000 -x "$seed" -n "$count" \
		-s 1:3000 -C "$@"
	inuse=$(pgm_lib_inuse "$pgm_lib_snd")
	pgm_lib_check_eq "$name: source sent $count messages" "$count" \
		"$(pgm_lib_kv msgs < "$tmp/s")"
	pgm_lib_check_pids "$name: receivers report what was expected"
	pgm_lib_diag "$tmp/s" "$tmp"/r?
}

run "close()" eof
pgm_lib_check_eq "close(): the closed source lives on to serve repairs" 1 "$inuse"
for i in 1 2; do
	line=$(pgm_lib_line "$tmp/r$i" '^recv ')
	pgm_lib_check_recv "close(): receiver $i" "$tmp/s" "$line" "$count"
	pgm_lib_check_gt "close(): receiver $i got repairs" "$(pgm_lib_kv rdata <<< "$line")" 0
done
pgm_lib_check "close(): the source is released once its window drained" \
	pgm_lib_wait_for 30 drained

run "SO_LINGER 30" eof -l 30
pgm_lib_check_eq "SO_LINGER 30: close() returned once drained" 0 "$inuse"
for i in 1 2; do
	pgm_lib_check_recv "SO_LINGER 30: receiver $i" "$tmp/s" \
		"$(pgm_lib_line "$tmp/r$i" '^recv ')" "$count"
done

pgm_lib_netem 1 loss 0%
pgm_lib_netem 2 loss 0%
run "SO_LINGER 0" reset -l 0 --pause-at "$count"
pgm_lib_check_eq "SO_LINGER 0: the socket is gone at once" 0 "$inuse"
for i in 1 2; do
	line=$(pgm_lib_line "$tmp/r$i" '^recv ')
	pgm_lib_check_recv "SO_LINGER 0: receiver $i" "$tmp/s" "$line" "$count" reset
	pgm_lib_check_eq "SO_LINGER 0: receiver $i: then recv() reads 0" eof \
		"$(pgm_lib_kv after <<< "$line")"
done
pgm_lib_check_gt "SO_LINGER 0: the receivers counted the source's reset" \
	"$(pgm_lib_counter PgmResetSourceRst "${pgm_lib_rcv[1]}")" 0
pgm_lib_end
