#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SOCK_STREAM: a file goes through as a byte stream over a lossy link,
# written in sends of every size, read back byte for byte.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
pgm_lib_topo_bridge 1 || pgm_lib_skip_all "cannot build the topology"
pgm_lib_netem 1 loss 3% delay 1ms reorder 80%
head -c "$(pgm_lib_scale 4000000)" /dev/urandom > "$tmp/file"
want=$(sha256sum < "$tmp/file" | cut -d' ' -f1)

pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r" -t stream -b 7777 -T 240
ip netns exec "$pgm_lib_snd" ./pgm_xfer send -t stream -g 239.1.2.3 -p 7500 \
	-r 40000 -f "$tmp/file" -s 1:3333 > "$tmp/s" 2>&1
pgm_lib_wait_pids
pgm_lib_diag "$tmp/s" "$tmp/r"

pgm_lib_check_eq "sender read the whole file" "$want" "$(pgm_lib_kv sha256 < "$tmp/s")"
pgm_lib_check_eq "receiver: the same bytes (sha256)" "$want" "$(pgm_lib_kv sha256 < "$tmp/r")"
pgm_lib_check_eq "receiver: the stream ended normally" eof "$(pgm_lib_kv end < "$tmp/r")"
pgm_lib_check_eq "receiver: byte count" "$(stat -c %s "$tmp/file")" "$(pgm_lib_kv bytes < "$tmp/r")"
rm -rf "$tmp"
pgm_lib_end
