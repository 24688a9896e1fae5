#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The source closes right after its last send, on links losing 10%: the
# closed socket keeps serving repairs until its window drains, so every
# receiver still gets everything; then the socket is gone.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
count=$(pgm_lib_scale 2000)
seed=$RANDOM
pgm_lib_topo_bridge 2 || pgm_lib_skip_all "cannot build the topology"
pgm_lib_netem 1 loss 10%
pgm_lib_netem 2 loss 10%

for i in 1 2; do
	pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r$i" -x "$seed" -n "$count" \
		-s 1:3000 -T 240
done
# close() with no shutdown() first, the moment the last send returns.
ip netns exec "$pgm_lib_snd" ./pgm_xfer send -g 239.1.2.3 -p 7500 -r 30000 -w 1000 \
	-x "$seed" -n "$count" -s 1:3000 -C > "$tmp/s" 2>&1
sockets_after_close=$(pgm_lib_inuse "$pgm_lib_snd")
pgm_lib_wait_pids
pgm_lib_diag "$tmp/s" "$tmp"/r?

pgm_lib_check_eq "the closed source lives on to serve repairs" 1 "$sockets_after_close"
for i in 1 2; do
	pgm_lib_check_eq "receiver $i: every message, verified, then the end" \
		"$count/0/eof" "$(pgm_lib_kv msgs < "$tmp/r$i")/$(pgm_lib_kv bad < "$tmp/r$i")/$(pgm_lib_kv end < "$tmp/r$i")"
	rdata=$(pgm_lib_kv rdata < "$tmp/r$i")
	pgm_lib_check "receiver $i: repairs arrived ($rdata)" test "${rdata:-0}" -gt 0
done
drained()
{
	[ "$(pgm_lib_inuse "$pgm_lib_snd")" = 0 ]
}
pgm_lib_check "the source is released once its window drained" pgm_lib_wait_for 30 drained
rm -rf "$tmp"
pgm_lib_end
