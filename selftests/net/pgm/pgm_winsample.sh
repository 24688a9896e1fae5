#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Windows-style program (pgm_winsample.c, written to Microsoft's call
# sequences with wsrm.h names) transfers a file between two hosts.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
trap pgm_lib_topo_cleanup EXIT

tmp=$(mktemp -d)
pgm_lib_topo_bridge 1 || pgm_lib_skip_all "cannot build the topology"
pgm_lib_netem 1 loss 2%
head -c "$(pgm_lib_scale 1000000)" /dev/urandom > "$tmp/in"

ip netns exec "${pgm_lib_rcv[1]}" ./pgm_winsample recv 239.1.2.4 7600 10.88.0.11 \
	> "$tmp/out" 2> "$tmp/r" &
rpid=$!
sleep 1
ip netns exec "$pgm_lib_snd" ./pgm_winsample send 239.1.2.4 7600 10.88.0.1 20000 \
	< "$tmp/in" 2> "$tmp/s"
wait $rpid
pgm_lib_check_eq "receiver ended normally" 0 $?
pgm_lib_diag "$tmp/s" "$tmp/r"
pgm_lib_check_eq "the file arrived intact" "$(sha256sum < "$tmp/in")" "$(sha256sum < "$tmp/out")"
pgm_lib_check "the session came from the sender's address" grep -q "session from 10.88.0.1:" "$tmp/r"
rm -rf "$tmp"
pgm_lib_end
