#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Eight sources, started together, to one group and port, over a link
# losing 2%: the receiver's one listener accepts eight sessions. Each
# source's content is its own (pgm_xfer --seed-by-port: the seed mixed
# with its PGM source port, which accept() reports), so a session that
# carried another source's data would fail verification. Asserted: eight
# sessions accepted (and counted in PgmSessionsAccepted); for every
# source, exactly one session has its address (10.88.0.1) and source port,
# read all its messages, each verified, then EOF, with its sha256.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 1 --netem "loss 2%"

count=$(pgm_lib_scale 400)
seed=$RANDOM

pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r" -k 8 -x "$seed" --seed-by-port \
	-n "$count" -s 1:2000 -T 240
pids=()
for i in 1 2 3 4 5 6 7 8; do
	ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 -r 5000 \
		-x "$seed" --seed-by-port -n "$count" -s 1:2000 > "$tmp/s$i" 2>&1 &
	pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do
	wait "$pid" || rc=1
done
pgm_lib_check_eq "8 sources: each sent its messages, exit 0" 0 "$rc"
pgm_lib_check_pids "receiver: every session verified (exit 0)"
pgm_lib_diag "$tmp"/s? "$tmp/r"

pgm_lib_check_eq "8 sessions accepted" 8 "$(grep -c '^recv peer=' "$tmp/r")"
for i in 1 2 3 4 5 6 7 8; do
	port=$(pgm_lib_kv port < "$tmp/s$i")
	pgm_lib_check_eq "source $i (port $port): one session from 10.88.0.1:$port" 1 \
		"$(grep -c "^recv peer=10.88.0.1:$port " "$tmp/r")"
	pgm_lib_check_recv "source $i" "$tmp/s$i" \
		"$(pgm_lib_session_line "$tmp/r" "$port")" "$count"
done
pgm_lib_check_eq "8 sessions counted in PgmSessionsAccepted" 8 \
	"$(pgm_lib_counter PgmSessionsAccepted "${pgm_lib_rcv[1]}")"
pgm_lib_end
