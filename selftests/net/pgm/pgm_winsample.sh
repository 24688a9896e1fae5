#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Windows-style program (pgm_winsample.c, written to Microsoft's call
# sequences with wsrm.h names) moves a file from one host to another over
# a link losing 2%: the receiver writes exactly the file (sha256sum of
# both), the session came from the sender's address, both ends exit 0,
# and the statistics they print (RM_SENDER_STATISTICS,
# RM_RECEIVER_STATISTICS) count the file's bytes.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 1 --netem "loss 2%"

size=$(pgm_lib_scale 1000000)
head -c "$size" /dev/urandom > "$tmp/in"
R=${pgm_lib_rcv[1]}

ip netns exec "$R" ./pgm_winsample recv 239.1.2.4 7600 10.88.0.11 \
	> "$tmp/out" 2> "$tmp/r" &
rpid=$!
pgm_lib_pids+=("$rpid")
# The receiver has joined the group (bind) and listens right after.
pgm_lib_wait_for 20 pgm_lib_joined "$R" 239.1.2.4 ||
	pgm_lib_fail "the receiver joined 239.1.2.4"
pgm_lib_wait_for 5 test "$(pgm_lib_inuse "$R")" = 1
sleep 0.2
ip netns exec "$pgm_lib_snd" ./pgm_winsample send 239.1.2.4 7600 10.88.0.1 20000 \
	< "$tmp/in" 2> "$tmp/s"
pgm_lib_check_eq "sender exited 0" 0 $?
wait $rpid
pgm_lib_check_eq "receiver exited 0" 0 $?
pgm_lib_pids=()
pgm_lib_diag "$tmp/s" "$tmp/r"
pgm_lib_check_eq "the file arrived intact (sha256sum)" "$(sha256sum < "$tmp/in")" \
	"$(sha256sum < "$tmp/out")"
pgm_lib_check "the session came from the sender's address" \
	grep -q "session from 10.88.0.1:" "$tmp/r"
pgm_lib_check "RM_SENDER_STATISTICS: $size data bytes" grep -q "^send: $size data bytes" "$tmp/s"
pgm_lib_check "RM_RECEIVER_STATISTICS: $size data bytes" grep -q "^recv: $size data bytes" "$tmp/r"
pgm_lib_end
