#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Eight sources to one group and port: eight accepted sessions, each
# carrying exactly its own source's data.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
count=$(pgm_lib_scale 400)
pgm_lib_topo_bridge 1 || pgm_lib_skip_all "cannot build the topology"
pgm_lib_netem 1 loss 2%

pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r" -k 8 -s 1:2000 -T 240
pids=()
for i in 1 2 3 4 5 6 7 8; do
	ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 -r 5000 \
		-x "$i$RANDOM" -n "$count" -s 1:2000 > "$tmp/s$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
pgm_lib_wait_pids
pgm_lib_diag "$tmp"/s? "$tmp/r"

pgm_lib_check_eq "8 sessions accepted" 8 "$(grep -c '^recv peer=' "$tmp/r")"
for i in 1 2 3 4 5 6 7 8; do
	port=$(pgm_lib_kv port < "$tmp/s$i")
	line=$(grep "^recv peer=10.88.0.1:$port " "$tmp/r")
	pgm_lib_check_eq "source $i (port $port): its session got its $count messages" \
		"$count/eof" "$(pgm_lib_kv msgs <<< "$line")/$(pgm_lib_kv end <<< "$line")"
	pgm_lib_check_eq "source $i: sha256 equals the sender's" \
		"$(pgm_lib_kv sha256 < "$tmp/s$i")" "$(pgm_lib_kv sha256 <<< "$line")"
done
pgm_lib_check_eq "8 sessions counted" 8 "$(pgm_lib_counter PgmSessionsAccepted "${pgm_lib_rcv[1]}")"
rm -rf "$tmp"
pgm_lib_end
