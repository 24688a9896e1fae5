#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Message sizes on SOCK_RDM, over a link losing 1%: from 1 byte, around
# the packet size (the TSDU is the MTU less 100 bytes: 1400 here, so 1401
# takes two packets with OPT_FRAGMENT), to 64 KiB and up to 256 KiB. Each
# run asserts that every message arrives whole, in order, exactly once,
# compared byte for byte (pgm_xfer -x), with MSG_EOR on the read that ends
# it, then EOF, and the sha256 of the source.
#
# Then reads through buffers smaller than the messages: a message comes
# over several reads, each read without MSG_EOR fills the buffer, the read
# that completes the message has MSG_EOR (pgm_xfer counts any deviation as
# an EOR error), and such partial reads did happen.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 1 --netem "loss 1%"

R=${pgm_lib_rcv[1]}

# run NAME COUNT SIZES READ_SIZE [MIN_PARTIAL_READS]
run()
{
	local name=$1 count=$2 sizes=$3 buf=$4 min_partial=${5:-} seed=$RANDOM
	local line start=$SECONDS

	pgm_lib_recv_start "$R" "$tmp/r" -x "$seed" -n "$count" -s "$sizes" \
		-b "$buf" -T 240
	pgm_lib_send "$pgm_lib_snd" "$tmp/s" -r 40000 -x "$seed" -n "$count" -s "$sizes"
	pgm_lib_check_pids "$name: the receiver verified $count messages (exit 0)"
	echo "# $name: $((SECONDS - start)) s"
	line=$(pgm_lib_line "$tmp/r" '^recv ')
	pgm_lib_check_recv "$name" "$tmp/s" "$line" "$count" ||
		pgm_lib_diag "$tmp/s" "$tmp/r"
	[ -n "$min_partial" ] || return 0
	pgm_lib_check_gt "$name: messages came over several reads" \
		"$(pgm_lib_kv partial <<< "$line")" "$min_partial"
}

run "1 byte" "$(pgm_lib_scale 200)" 1 65536
run "1400 bytes (one packet)" "$(pgm_lib_scale 200)" 1400 65536
run "1401 bytes (two packets)" "$(pgm_lib_scale 200)" 1401 65536
run "2800 and 2801 bytes" "$(pgm_lib_scale 200)" 2800:2801 65536
run "64 KiB" "$(pgm_lib_scale 40)" 65536 65536
run "64 KiB + 1" "$(pgm_lib_scale 40)" 65537 65536 0
run "1 byte to 256 KiB" "$(pgm_lib_scale 60)" 1:262144 262144
run "1 to 5000 bytes through a 100-byte buffer" "$(pgm_lib_scale 300)" 1:5000 100 0
run "256 KiB through a 4000-byte buffer" "$(pgm_lib_scale 10)" 262144 4000 0
pgm_lib_end
