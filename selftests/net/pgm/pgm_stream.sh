#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SOCK_STREAM over a link losing 3% and reordering:
#  1. a file of random bytes, written in sends of 3333 bytes, read in
#     reads of 7777: the receiver compares every byte with the file
#     (pgm_xfer -f on both sides), reads exactly the file's size, then
#     EOF; sha256 of the source's and the receiver's bytes equal the
#     file's (sha256sum);
#  2. generated data in sends of 1 to 5000 bytes, non-blocking on both
#     sides: the receiver checks every byte at its stream position
#     (pgm_xfer -x), then EOF, with the source's sha256.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 1 --netem "loss 3% delay 1ms reorder 80%"

R=${pgm_lib_rcv[1]}
size=$(pgm_lib_scale 3000000)
head -c "$size" /dev/urandom > "$tmp/file"
want=$(sha256sum < "$tmp/file" | cut -d' ' -f1)

pgm_lib_recv_start "$R" "$tmp/r" -t stream -f "$tmp/file" -b 7777 -T 240
pgm_lib_send "$pgm_lib_snd" "$tmp/s" -t stream -r 40000 -f "$tmp/file" -s 3333
pgm_lib_check_pids "file: receiver compared every byte with the file (exit 0)"
pgm_lib_diag "$tmp/s" "$tmp/r"
line=$(pgm_lib_line "$tmp/r" '^recv ')
pgm_lib_check_eq "file: the source's sha256 is the file's" "$want" "$(pgm_lib_kv sha256 < "$tmp/s")"
pgm_lib_check_eq "file: the receiver's sha256 is the file's" "$want" "$(pgm_lib_kv sha256 <<< "$line")"
pgm_lib_check_eq "file: $size bytes, none differing, then EOF" "$size/0/eof" \
	"$(pgm_lib_kv bytes <<< "$line")/$(pgm_lib_kv bad <<< "$line")/$(pgm_lib_kv end <<< "$line")"
pgm_lib_check_gt "file: the loss was repaired (RDATA)" "$(pgm_lib_kv rdata <<< "$line")" 0

count=$(pgm_lib_scale 1500)
seed=$RANDOM
pgm_lib_recv_start "$R" "$tmp/r" -t stream -x "$seed" -n "$count" -s 1:5000 -N -T 240
pgm_lib_send "$pgm_lib_snd" "$tmp/s" -t stream -r 40000 -x "$seed" -n "$count" -s 1:5000 -N
pgm_lib_check_pids "generated: receiver verified every byte (exit 0)"
pgm_lib_diag "$tmp/s" "$tmp/r"
line=$(pgm_lib_line "$tmp/r" '^recv ')
pgm_lib_check_recv "generated, non-blocking" "$tmp/s" "$line" "$count"
pgm_lib_check_eq "generated: bytes read equal bytes sent" "$(pgm_lib_kv bytes < "$tmp/s")" \
	"$(pgm_lib_kv bytes <<< "$line")"
pgm_lib_end
