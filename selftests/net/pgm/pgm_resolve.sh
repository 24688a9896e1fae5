#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAKs that wait for address resolution. A receiver's first NAK to a
# source needs the source's link-layer address; when the link loses the
# ARP reply, the kernel asks again only after
# net.ipv4.neigh.DEV.retrans_time_ms, and every NAK waits meanwhile.
# make demo (links losing 5%) lost a session to this about once in five
# runs: the receiver, stuck at its first gap, filled its receive buffer
# and refused new data; once its NAKs got through it asked for everything
# missing, most of the repairs were refused again for want of room, and
# the ones it needed first waited behind them at the source until the
# trailing edge passed them (or its retries ran out).
#
# Here, a stronger case: 30 Mbit/s, both receivers' links lose 5% of
# their IPv4 packets (tc drops at random; ARP is spared), receiver 1's
# first ARP reply is always dropped and its retrans_time is 2 s, so its
# NAKs reach the source 2 s late; receiver 2's entry for the source is
# static. Asserted:
#  1. with a 3 s window: both receivers read every message, each
#     verified, then EOF; receiver 1 counted the NAKs that waited
#     (PgmOutUnresolved), receiver 2 none; receiver 1 lost nothing,
#     neither behind the trailing edge nor to retries running out;
#  2. with a 1 s window, shorter than the wait, the limit is hit and
#     counted: receiver 1's session fails (ECONNRESET after the messages
#     before the loss, each verified) with PgmLostBehindTrail, and the
#     source counted NAKs for sequences it no longer held
#     (PgmInNakIgnored; PgmInNoSocket once a short transfer's source has
#     closed); receiver 2 reads every message.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup
count=$(pgm_lib_scale 6000)
wait_ms=2000

# Loss for IPv4 only, and ARP replies dropped on demand: tc on the bridge
# ports' egress.
tc qdisc add dev lo clsact 2> /dev/null &&
	tc filter add dev lo egress protocol ip prio 2 flower \
		action pass random netrand drop 20 2> /dev/null &&
	tc filter add dev lo egress protocol arp prio 1 flower arp_op reply \
		action drop 2> /dev/null
probe=$?
tc qdisc del dev lo clsact 2> /dev/null
[ $probe = 0 ] || pgm_lib_skip_all "tc clsact, flower or gact missing"

# ARP replies to receiver 1 that its port dropped.
arp_dropped()
{
	tc -s filter show dev "pp${pgm_lib_tag}_1" egress prio 1 |
		awk '/dropped/ { sub(",", "", $7); n += $7 } END { print n + 0 }'
}

test_dropped()
{
	[ "$(arp_dropped)" -gt 0 ]
}

# round NAME WINDOW_MS END1: a transfer with receiver 1's first ARP reply
# dropped; receiver 1 is to end with END1 (eof or reset). Sets unresolved[],
# lost[], retries[] (the receivers' counters) and ignored (the source's).
round()
{
	local name=$1 window=$2 end1=$3 seed=$RANDOM i port rc mac

	pgm_lib_topo 2 || pgm_lib_skip_all "cannot build the topology"
	for i in 1 2; do
		port=pp${pgm_lib_tag}_$i
		tc qdisc add dev "$port" clsact
		tc filter add dev "$port" egress protocol ip prio 2 flower \
			action pass random netrand drop 20
	done
	tc filter add dev "pp${pgm_lib_tag}_1" egress protocol arp prio 1 \
		flower arp_op reply arp_sip 10.88.0.1 action drop
	ip netns exec "${pgm_lib_rcv[1]}" \
		sysctl -qw net.ipv4.neigh.eth0.retrans_time_ms=$wait_ms
	mac=$(ip -n "$pgm_lib_snd" -br link show dev eth0 | awk '{ print $3 }')
	ip -n "${pgm_lib_rcv[2]}" neigh replace 10.88.0.1 lladdr "$mac" \
		dev eth0 nud permanent

	pgm_lib_recv_start "${pgm_lib_rcv[1]}" "$tmp/r1" -x "$seed" -n "$count" \
		-s 1400:1400 -T 120 -e "$end1"
	pgm_lib_recv_start "${pgm_lib_rcv[2]}" "$tmp/r2" -x "$seed" -n "$count" \
		-s 1400:1400 -T 120
	pgm_lib_send_start "$pgm_lib_snd" "$tmp/s" -r 30000 -w "$window" \
		-x "$seed" -n "$count" -s 1400:1400
	# One reply dropped; the next, retrans_time later, goes through.
	pgm_lib_check "$name: receiver 1's first ARP reply dropped" \
		pgm_lib_wait_for 60 test_dropped
	tc filter del dev "pp${pgm_lib_tag}_1" egress prio 1
	wait "$pgm_lib_send_pid"
	rc=$?
	pgm_lib_send_pid=
	pgm_lib_check_eq "$name: source sent $count messages, exit 0" \
		"$count/0" "$(pgm_lib_kv msgs < "$tmp/s")/$rc"
	pgm_lib_check_pids "$name: receivers report what was expected"
	pgm_lib_diag "$tmp/s" "$tmp"/r?
	for i in 1 2; do
		unresolved[i]=$(pgm_lib_counter PgmOutUnresolved "${pgm_lib_rcv[$i]}")
		lost[i]=$(pgm_lib_counter PgmLostBehindTrail "${pgm_lib_rcv[$i]}")
		retries[i]=$(pgm_lib_counter PgmLostRetriesOut "${pgm_lib_rcv[$i]}")
	done
	# NAKs too late: for what the source no longer held, or after its
	# window drained and it closed (a short transfer, PGM_TEST_SCALE).
	ignored=$(($(pgm_lib_counter PgmInNakIgnored "$pgm_lib_snd") +
		   $(pgm_lib_counter PgmInNoSocket "$pgm_lib_snd")))
}

round "3 s window" 3000 eof
line=$(pgm_lib_line "$tmp/r1" '^recv ')
pgm_lib_check_recv "3 s window: receiver 1" "$tmp/s" "$line" "$count"
line=$(pgm_lib_line "$tmp/r2" '^recv ')
pgm_lib_check_recv "3 s window: receiver 2" "$tmp/s" "$line" "$count"
pgm_lib_check_gt "3 s window: receiver 1's NAKs waited for ARP (PgmOutUnresolved)" \
	"${unresolved[1]}" 0
pgm_lib_check_eq "3 s window: receiver 2's did not" 0 "${unresolved[2]}"
pgm_lib_check_eq "3 s window: receiver 1 lost nothing (behind the trail/retries out)" \
	0/0 "${lost[1]}/${retries[1]}"
pgm_lib_topo_end

round "1 s window" 1000 reset
line=$(pgm_lib_line "$tmp/r1" '^recv ')
pgm_lib_check_recv "1 s window: receiver 1" "$tmp/s" "$line" \
	"$(pgm_lib_kv msgs <<< "$line")" reset
line=$(pgm_lib_line "$tmp/r2" '^recv ')
pgm_lib_check_recv "1 s window: receiver 2" "$tmp/s" "$line" "$count"
pgm_lib_check_gt "1 s window: receiver 1's NAKs waited for ARP (PgmOutUnresolved)" \
	"${unresolved[1]}" 0
pgm_lib_check_gt "1 s window: receiver 1 counted PgmLostBehindTrail" \
	"${lost[1]}" 0
pgm_lib_check_gt "1 s window: NAKs reached the source too late (PgmInNakIgnored, PgmInNoSocket)" \
	"$ignored" 0
pgm_lib_end
