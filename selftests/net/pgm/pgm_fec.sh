#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forward error correction (RM_USE_FEC) under 5% loss. One source, three
# receivers on a bridge whose links to the receivers lose 5% of packets.
# Three transfers, each with a message count that is not a multiple of
# the group size (the last group is partial):
#  - pro-active parity (n 18, k 16, 2 parity per group), 1400-byte
#    messages: the source sent parity as ODATA and receivers rebuilt data
#    from it (PgmOutParityOData, PgmFecRecovered);
#  - on-demand parity (n 255, k 8), messages of 1 to 3000 bytes (variable
#    TSDU lengths, fragments): receivers sent parity NAKs and the source
#    answered with parity RDATA (PgmOutParityNak, PgmOutParityRData,
#    RM_RECEIVER_STATISTICS total_parity_naks_sent), data was rebuilt;
#  - both (n 20, k 16, 2 pro-active, on demand), 1 to 3000 bytes.
# In each, every receiver reads every message, each verified byte for
# byte, then EOF, and its sha256 equals the source's.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_require_root
pgm_lib_begin
tmp=$(mktemp -d)
trap 'pgm_lib_kill_pids; pgm_lib_topo_cleanup; rm -rf "$tmp"' EXIT

# sum_counter NAME: NAME summed over the three receivers' namespaces.
sum_counter()
{
	local i sum=0 v

	for i in 1 2 3; do
		v=$(pgm_lib_counter "$1" "${pgm_lib_rcv[$i]}")
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# fec_case NAME N,K,PRO,OD SIZES COUNT: one transfer; its checks.
fec_case()
{
	local name=$1 fec=$2 sizes=$3 count=$4 seed=$RANDOM i r line
	local pro od

	IFS=, read -r _ _ pro od <<< "$fec"
	pgm_lib_tag=$(printf '%04x' $RANDOM)
	pgm_lib_topo_bridge 3 || pgm_lib_skip_all "cannot build the topology"
	for i in 1 2 3; do
		pgm_lib_netem "$i" loss 5%
	done
	for i in 1 2 3; do
		pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r$i" -x "$seed" \
			-n "$count" -s "$sizes" -T 240
	done
	pgm_lib_send "$pgm_lib_snd" "$tmp/s" -r 20000 -w 2000 -x "$seed" \
		-n "$count" -s "$sizes" --fec "$fec" --drain
	pgm_lib_check_eq "$name: source sent $count messages, window drained" \
		"$count/0" "$(pgm_lib_kv msgs < "$tmp/s")/$?"
	pgm_lib_check_pids "$name: receivers report success"
	pgm_lib_diag "$tmp/s" "$tmp"/r?
	for i in 1 2 3; do
		r=$tmp/r$i
		line=$(pgm_lib_line "$r" '^recv ')
		pgm_lib_check_recv "$name: receiver $i" "$tmp/s" "$line" "$count"
	done
	pgm_lib_check_gt "$name: receivers rebuilt data from parity (PgmFecRecovered)" \
		"$(sum_counter PgmFecRecovered)" 0
	pgm_lib_check_gt "$name: receivers got parity (PgmInParity)" \
		"$(sum_counter PgmInParity)" 0
	if [ "$pro" != 0 ]; then
		pgm_lib_check_gt "$name: source sent pro-active parity (PgmOutParityOData)" \
			"$(pgm_lib_counter PgmOutParityOData "$pgm_lib_snd")" 0
	fi
	if [ "$od" != 0 ]; then
		pgm_lib_check_gt "$name: receivers sent parity NAKs (PgmOutParityNak)" \
			"$(sum_counter PgmOutParityNak)" 0
		pgm_lib_check_gt "$name: ... and counted them (total_parity_naks_sent)" \
			"$(( $(pgm_lib_kv total_parity_naks_sent < "$tmp/r1") + \
			     $(pgm_lib_kv total_parity_naks_sent < "$tmp/r2") + \
			     $(pgm_lib_kv total_parity_naks_sent < "$tmp/r3") ))" 0
		pgm_lib_check_gt "$name: source answered with parity (PgmOutParityRData)" \
			"$(pgm_lib_counter PgmOutParityRData "$pgm_lib_snd")" 0
	else
		pgm_lib_check_eq "$name: no parity NAKs without on-demand parity" \
			0 "$(sum_counter PgmOutParityNak)"
	fi
	pgm_lib_kill_pids
	pgm_lib_topo_cleanup
	pgm_lib_namespaces=()
	pgm_lib_rcv=()
}

# Not multiples of 16 or 8: every transfer ends with a partial group.
fec_case "pro-active" 18,16,2,0 1400:1400 "$(( $(pgm_lib_scale 2000) | 1 ))"
fec_case "on-demand" 255,8,0,1 1:3000 "$(( $(pgm_lib_scale 1200) | 1 ))"
fec_case "both" 20,16,2,1 1:3000 "$(( $(pgm_lib_scale 1200) | 1 ))"
pgm_lib_end
