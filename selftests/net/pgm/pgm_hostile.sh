#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile traffic beside live sessions (issue 9): pgm_hostile, a stateful
# generator of forged PGM packets (see pgm_hostile.c for its families),
# runs beside live verified sessions, and no forged packet may do more
# than waste the work of parsing it.
#
#        src (10.88.0.1): the live sources
#            |
#        [ bridge ]--- atk (10.88.0.13): pgm_hostile run
#         |       \--- vic (10.88.0.14): a bystander forged SPMs name
#     rcv1 (.11)  rcv2 (.12): the live receivers (2% of the live data lost
#                 at the source's link);
#                 rcv1 also runs pgm_hostile sink: the listeners the fake
#                 sources make sessions on
#
# Live sessions, in rounds while the generator runs (and one more): each
# round a raw session without FEC (239.1.2.3:7500), a raw session with
# pro-active and on-demand FEC (239.1.2.4:7501, --fec 20,16,2,1; over
# PGM/UDP every other round) and a PGM/UDP session (239.1.2.5:7502,
# ports 3055/3056), each to both receivers; the generator joins their
# groups, learns their TSIs from the wire and aims its upstream and spoof
# families at them. The bridge snoops IGMP: a group's packets go to its
# members only. Asserted:
#  - the generators sent at least PGM_HOSTILE_PACKETS x PGM_TEST_SCALE
#    packets (default 1000000; the count is printed as a diagnostic), and
#    its upstream and spoof families hit live TSIs;
#  - every live session read every message, each verified, then EOF
#    (recv() == 0), with the source's sha256; repairs happened (NAKs,
#    RDATA) in every kind of session;
#  - the module's counters account for the hostile traffic, family by
#    family (malformed, bad checksums, full accept queues, receive
#    buffers, parity, resets, NAKs at the live sources, ...);
#  - both receivers dropped the spoofed packets (PgmInWrongSource);
#  - nothing went to the bystander an SPM path NLA named (nla family);
#  - at the end every PGM socket is gone in every namespace, and rmmod
#    pgm works (the module is loaded again for the tests after this).
# A kernel report fails the run (the VM runner watches the console).
#
# Knobs: PGM_HOSTILE_FAMILIES (comma-separated, default all: run one
# family alone to see what it does), PGM_HOSTILE_SKIP (families to leave
# out, comma-separated), PGM_HOSTILE_SEED (default random,
# printed), PGM_HOSTILE_PACKETS (before scaling; default 1000000, and
# 500000 when PGM_TEST_SCALE is below 1), PGM_HOSTILE_PPS (the generators'
# packet rate cap, default 20000 scaled), PGM_HOSTILE_JOBS (generator
# processes, default 2), PGM_HOSTILE_CPU (each generator's CPU share cap:
# default none, 0.35 when PGM_TEST_SCALE is below 1).

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 4
gen_pids=()
sink_pid=
send_pids=()

families=${PGM_HOSTILE_FAMILIES:-all}
[ "$families" = all ] && families=$(./pgm_hostile list | paste -sd,)
for f in ${PGM_HOSTILE_SKIP//,/ }; do
	families=$(tr , '\n' <<< "$families" | grep -v -x -e "$f" | paste -sd,)
done
seed=${PGM_HOSTILE_SEED:-$RANDOM}
# On a slow (debug) kernel each forged packet is dear: half the scaled
# count, and each generator takes at most a share of a CPU, so that the
# live sessions' NAKs and timers are not starved (the sources drain
# their windows in seconds whether or not the receivers got to NAK).
if awk -v s="${PGM_TEST_SCALE:-1}" 'BEGIN { exit !(s < 1) }'; then
	packets=$(pgm_lib_scale "${PGM_HOSTILE_PACKETS:-500000}")
	cpu=${PGM_HOSTILE_CPU:-0.35}
else
	packets=$(pgm_lib_scale "${PGM_HOSTILE_PACKETS:-1000000}")
	cpu=${PGM_HOSTILE_CPU:-0}
fi
pps=$(pgm_lib_scale "${PGM_HOSTILE_PPS:-20000}")
msgs=$(pgm_lib_scale 300)
jobs=${PGM_HOSTILE_JOBS:-2}
echo "# families $families, seed $seed, $packets packets at most $pps/s, $jobs generators (CPU share each: $cpu)"

# ---- helpers ----

# hostile_counters NETNS: every counter of the namespace as NAME=VALUE.
hostile_counters()
{
	ip netns exec "$1" awk '{ printf "%s=%s\n", $1, $2 }' /proc/net/pgm/snmp
}

# hostile_delta BEFORE_FILE AFTER_FILE NAME: how much counter NAME rose.
hostile_delta()
{
	local a b

	a=$(pgm_lib_kv "$3" < "$1")
	b=$(pgm_lib_kv "$3" < "$2")
	echo $(( ${b:-0} - ${a:-0} ))
}

# hostile_all_gone: no PGM socket left in any of the test's namespaces.
hostile_all_gone()
{
	local ns n

	for ns in "${pgm_lib_namespaces[@]}"; do
		n=$(pgm_lib_inuse "$ns")
		[ "${n:-0}" = 0 ] || return 1
	done
}

# hostile_softnet_drops: packets the kernel's input queues dropped (all
# CPUs, all namespaces): hostile traffic faster than the guest takes it.
hostile_softnet_drops()
{
	local drops=0 fields

	while read -r -a fields; do
		drops=$((drops + 16#${fields[1]}))
	done < /proc/net/softnet_stat
	echo "$drops"
}

module_unused()
{
	[ "$(cat /sys/module/pgm/refcnt 2> /dev/null)" = 0 ]
}


has_family()
{
	[[ ",$families," == *",$1,"* ]]
}

cleanup()
{
	local pid

	for pid in "${gen_pids[@]}" $sink_pid "${send_pids[@]}"; do
		kill "$pid" 2> /dev/null
	done
	[ -z "$backlog0" ] || sysctl -q -w net.core.netdev_max_backlog="$backlog0"
	pgm_lib_module_loaded || modprobe pgm
}
pgm_lib_on_exit cleanup
backlog0=

src=$pgm_lib_snd
rcv1=${pgm_lib_rcv[1]}
rcv2=${pgm_lib_rcv[2]}
atk=${pgm_lib_rcv[3]}
vic=${pgm_lib_rcv[4]}
victim=10.88.0.14
# Loss where the live data leaves its source: both receivers NAK, the
# source confirms and repairs. Not on the receivers' links: netem there
# would queue the hostile traffic too, and drop it in bursts.
ip -netns "$src" link set eth0 txqueuelen 1000
ip netns exec "$src" tc qdisc replace dev eth0 root netem loss 2%
# The bridge forwards a group's packets only to its members (IGMP
# snooping, the bridge the querier): each forged packet costs one
# receiver's work, not every namespace's, so the guest takes more of
# them. The input queues get room for the generator's bursts (the
# generator slows down when they drop anyway).
ip link set "pb$pgm_lib_tag" type bridge mcast_query_response_interval 100 \
	mcast_snooping 1 mcast_querier 1
# The live receivers join their groups again each round while the
# generator stays a member: until the bridge has their reports, a
# group's packets go to the generator alone, and a receiver that missed
# its source's first SPM and data starts the session late (correctly:
# it was not there). Their ports leave a group at once (fast leave), and
# each round waits for them to be gone and then back.
for i in 1 2; do
	ip link set "pp${pgm_lib_tag}_$i" type bridge_slave fastleave on
done
backlog0=$(sysctl -n net.core.netdev_max_backlog)
sysctl -q -w net.core.netdev_max_backlog=10000
# Fake sessions nobody feeds expire sooner than the default 30 s.
ip netns exec "$rcv1" sysctl -q -w net.pgm.peer_expiry_ms=5000

# The live kinds: name, group:port, the sender's extra options (the FEC
# session goes over PGM/UDP every other round: kopts_udp).
kinds=(raw fec udp)
declare -A kgroup=([raw]=239.1.2.3 [fec]=239.1.2.4 [udp]=239.1.2.5)
declare -A kport=([raw]=7500 [fec]=7501 [udp]=7502)
declare -A kopts=([raw]="" [fec]="--fec 20,16,2,1" [udp]="--udp 3055,3056")
udp_opts="--udp 3055,3056"

# live_members: how many of the live receivers' ports the bridge has as
# members of the live groups (0 to 6).
live_members()
{
	local mdb k i n=0

	mdb=$(bridge mdb show dev "pb$pgm_lib_tag")
	for k in "${kinds[@]}"; do
		for i in 1 2; do
			grep -q -E "port pp${pgm_lib_tag}_$i grp ${kgroup[$k]//./\\.}( |\$)" \
				<<< "$mdb" && n=$((n + 1))
		done
	done
	echo "$n"
}

# shellcheck disable=SC2317 # called by pgm_lib_wait_for
live_joined()
{
	[ "$(live_members)" = $((2 * ${#kinds[@]})) ]
}

# shellcheck disable=SC2317 # called by pgm_lib_wait_for
live_left()
{
	[ "$(live_members)" = 0 ]
}

# kind_udp KIND ROUND: whether KIND goes over PGM/UDP in ROUND.
kind_udp()
{
	[ "$1" = udp ] || { [ "$1" = fec ] && [ $(($2 % 2)) = 0 ]; }
}

# The sinks: sessions accepted and read (raw and UDP), a listener that
# never accepts (its queue fills), one that accepts and never reads with
# a small receive buffer.
ip netns exec "$rcv1" ./pgm_hostile sink -u 3055,3056 \
	-l 239.7.0.1:7600 -l 239.7.0.2:7600:udp \
	-l 239.7.0.3:7600:noaccept:backlog=8 \
	-l 239.7.0.4:7600:noread:rcvbuf=65536 > "$tmp/sink" 2>&1 &
sink_pid=$!
pgm_lib_wait_line 20 "$tmp/sink" '^ready$' || pgm_lib_fail "sink: listening"
t_setup=$SECONDS

for ns in "$src" "$rcv1" "$rcv2" "$vic"; do
	hostile_counters "$ns" > "$tmp/before.$ns"
done
drops=$(hostile_softnet_drops)

# round N: one session of each kind to both receivers; waits for all.
round()
{
	local r=$1 k i pid rc=0 u

	for k in "${kinds[@]}"; do
		u=
		kind_udp "$k" "$r" && u=$udp_opts
		for i in 1 2; do
			# shellcheck disable=SC2086
			pgm_lib_recv_start "${pgm_lib_rcv[$i]}" "$tmp/r.$r.$k.$i" \
				-g "${kgroup[$k]}" -p "${kport[$k]}" -x "$seed$r" \
				-n "$msgs" -s 1:3000 -T 120 $u ||
				echo "# round $r: $k receiver $i not ready"
		done
	done
	pgm_lib_wait_for 10 live_joined ||
		echo "# round $r: the bridge has $(live_members) of the receivers' memberships"
	send_pids=()
	for k in "${kinds[@]}"; do
		u=
		[ "$k" != fec ] || ! kind_udp "$k" "$r" || u=$udp_opts
		# shellcheck disable=SC2086
		ip netns exec "$src" ./pgm_xfer send -g "${kgroup[$k]}" \
			-p "${kport[$k]}" -r 4000 -w 3000 -x "$seed$r" -n "$msgs" \
			-s 1:3000 -T 120 --drain ${kopts[$k]} $u > "$tmp/s.$r.$k" 2>&1 &
		send_pids+=($!)
	done
	# The first round's sources are up: let the generator go.
	if [ "$r" = 1 ]; then
		start_generator
	fi
	for pid in "${send_pids[@]}"; do
		wait "$pid" || rc=1
	done
	send_pids=()
	pgm_lib_wait_pids || rc=1
	pgm_lib_wait_for 10 live_left ||
		echo "# round $r: the bridge still has $(live_members) of the receivers' memberships"
	return $rc
}

start_generator()
{
	local sinks=(-S 239.7.0.1:7600 -S 239.7.0.2:7600:udp
		     -S 239.7.0.3:7600 -S 239.7.0.4:7600) lives=() k

	for k in "${kinds[@]}"; do
		[ "$k" = udp ] || lives+=(-L "${kgroup[$k]}:${kport[$k]}")
		[ "$k" = raw ] || lives+=(-L "${kgroup[$k]}:${kport[$k]}:udp")
	done
	gen_start=$SECONDS
	# One generator a CPU: each sends its share, from a seed of its own.
	for ((j = 1; j <= jobs; j++)); do
		ip netns exec "$atk" ./pgm_hostile run -s "$seed$j" \
			-n $(((packets + jobs - 1) / jobs)) -r $((pps / jobs)) -c "$cpu" \
			-f "$families" -V "$victim" -u 3055,3056 \
			"${sinks[@]}" "${lives[@]}" > "$tmp/gen.$j" 2>&1 &
		gen_pids+=($!)
	done
}

# gen_alive: a generator still runs.
gen_alive()
{
	local pid

	for pid in "${gen_pids[@]}"; do
		kill -0 "$pid" 2> /dev/null && return 0
	done
	return 1
}

# gen_sum WORD KEY: KEY=N of the generators' first line starting with
# WORD, summed over the generators.
gen_sum()
{
	local j n sum=0

	for ((j = 1; j <= jobs; j++)); do
		n=$(pgm_lib_kv "$2" < <(grep "^$1 " "$tmp/gen.$j"))
		sum=$((sum + ${n:-0}))
	done
	echo "$sum"
}

# Rounds of live sessions until the generator is done, then one more.
rounds=0
failed_rounds=0
while :; do
	rounds=$((rounds + 1))
	round "$rounds" || failed_rounds=$((failed_rounds + 1))
	gen_alive || break
	[ $rounds -lt 200 ] || break
done
gen_rc=0
for pid in "${gen_pids[@]}"; do
	wait "$pid" || gen_rc=$?
done
gen_pids=()
gen_secs=$((SECONDS - gen_start))
t_last=$SECONDS
if [ "$gen_rc" = 0 ]; then
	round $((rounds + 1)) || failed_rounds=$((failed_rounds + 1))
	rounds=$((rounds + 1))
fi
t_last=$((SECONDS - t_last))
cat "$tmp"/gen.* > "$tmp/gen"
pgm_lib_diag "$tmp/gen"
echo "# $rounds rounds of live sessions ($failed_rounds with a failure), generator ${gen_secs}s"
echo "# input queue drops meanwhile: $(( $(hostile_softnet_drops) - drops ))"

# ---- the generator ----
total=$(gen_sum total packets)
echo "# pgm_hostile: ${total:-0} packets sent in ${gen_secs}s by $jobs generators (PGM_TEST_SCALE=${PGM_TEST_SCALE:-1}, families $families)"
pgm_lib_check_eq "generator: exit 0" 0 "$gen_rc"
pgm_lib_check_le "generator: sent at least $packets packets" "$packets" "${total:-0}"
if has_family upstream; then
	pgm_lib_check_gt "generator: learned the live TSIs from the wire" \
		"$(gen_sum live tsis)" 0
	pgm_lib_check_gt "generator: upstream packets carried a live session's TSI" \
		"$(gen_sum live upstream_fresh)" 0
fi
if has_family spoof; then
	pgm_lib_check_gt "generator: spoofed downstream packets carried a live session's TSI" \
		"$(gen_sum live spoof_fresh)" 0
fi

# ---- the live sessions ----
shown=0
for k in "${kinds[@]}"; do
	bad=0
	sessions=0
	rdata=0
	naks=0
	pnaks=0
	for ((r = 1; r <= rounds; r++)); do
		want=$(pgm_lib_kv sha256 < "$tmp/s.$r.$k")
		sent=$(pgm_lib_kv msgs < "$tmp/s.$r.$k")
		for i in 1 2; do
			f=$tmp/r.$r.$k.$i
			sessions=$((sessions + 1))
			line=$(pgm_lib_line "$f" '^recv ')
			got="$(pgm_lib_kv msgs <<< "$line")/$(pgm_lib_kv bad <<< "$line")"
			got+="/$(pgm_lib_kv eor_errors <<< "$line")/$(pgm_lib_kv end <<< "$line")"
			got+="/$(pgm_lib_kv sha256 <<< "$line")"
			if [ "$got" != "$msgs/0/0/eof/$want" ] || [ "$sent" != "$msgs" ]; then
				bad=$((bad + 1))
				echo "# $k round $r receiver $i: ${line:-no session}"
				# The first failures in full.
				[ "$shown" -ge 2 ] || pgm_lib_diag "$f" "$tmp/s.$r.$k"
				shown=$((shown + 1))
			fi
			rdata=$((rdata + $(pgm_lib_kv rdata <<< "$line" || echo 0)))
			naks=$((naks + $(pgm_lib_kv naks <<< "$line" || echo 0)))
			line=$(pgm_lib_line "$f" '^rstats ')
			pnaks=$((pnaks + $(pgm_lib_kv total_parity_naks_sent <<< "$line" || echo 0)))
		done
	done
	pgm_lib_check_eq "$k: $sessions sessions read every message, verified, then EOF, sha256 equal" \
		0 "$bad"
	# With few messages (PGM_TEST_SCALE below 1) a session may lose
	# nothing, or FEC may repair it before anyone NAKs: diagnostics then.
	if [ "$msgs" -ge 100 ]; then
		pgm_lib_check_gt "$k: receivers sent NAKs ($naks selective, $pnaks parity)" \
			$((naks + pnaks)) 0
		pgm_lib_check_gt "$k: repairs arrived ($rdata RDATA)" "$rdata" 0
	else
		echo "# $k: receivers sent $naks selective and $pnaks parity NAKs, $rdata RDATA arrived"
	fi
done

# ---- what the module counted ----
kill "$sink_pid"
wait "$sink_pid"
sink_pid=
pgm_lib_diag "$tmp/sink"
for ns in "$src" "$rcv1" "$rcv2" "$vic"; do
	hostile_counters "$ns" > "$tmp/after.$ns"
done
d1() { hostile_delta "$tmp/before.$rcv1" "$tmp/after.$rcv1" "$1"; }
ds() { hostile_delta "$tmp/before.$src" "$tmp/after.$src" "$1"; }
d2() { hostile_delta "$tmp/before.$rcv2" "$tmp/after.$rcv2" "$1"; }
dv() { hostile_delta "$tmp/before.$vic" "$tmp/after.$vic" "$1"; }
echo "# rcv1: $(paste -sd' ' "$tmp/after.$rcv1" | tr -s ' ')"
echo "# src: $(paste -sd' ' "$tmp/after.$src" | tr -s ' ')"

if has_family opts; then
	pgm_lib_check_gt "opts: malformed packets counted (PgmInMalformed)" "$(d1 PgmInMalformed)" 0
	pgm_lib_check_gt "opts: bad checksums counted (PgmInCsumErrors)" "$(d1 PgmInCsumErrors)" 0
	pgm_lib_check_gt "opts: packets for no socket counted (PgmInNoSocket)" "$(d1 PgmInNoSocket)" 0
fi
if has_family fec; then
	pgm_lib_check_gt "fec: parity taken in (PgmInParity)" "$(d1 PgmInParity)" 0
fi
if has_family frag; then
	pgm_lib_check_gt "frag: broken messages reset sessions (PgmSessionResets)" \
		"$(d1 PgmSessionResets)" 0
fi
if has_family fec || has_family frag || has_family edge; then
	pgm_lib_check_gt "receive buffers bounded what sessions held (PgmRcvbufErrors)" \
		"$(d1 PgmRcvbufErrors)" 0
fi
if has_family edge; then
	pgm_lib_check_gt "edge: data behind the window dropped (PgmInBehindWindow)" \
		"$(d1 PgmInBehindWindow)" 0
	pgm_lib_check_gt "edge: leads beyond the window reset sessions (PgmResetWindowFull)" \
		"$(d1 PgmResetWindowFull)" 0
fi
if has_family ncf; then
	pgm_lib_check_gt "ncf: NCFs taken in (PgmInNcf)" "$(d1 PgmInNcf)" 0
fi
if has_family churn; then
	pgm_lib_check_gt "churn: sessions made (PgmSessionsAccepted)" "$(d1 PgmSessionsAccepted)" 0
	pgm_lib_check_gt "churn: full accept queues refused more (PgmAcceptQueueFull)" \
		"$(d1 PgmAcceptQueueFull)" 0
fi
if has_family upstream; then
	pgm_lib_check_gt "upstream: the live sources took the NAKs (PgmInNak)" "$(ds PgmInNak)" 0
	pgm_lib_check_gt "upstream: ... and the SPMRs (PgmInSpmr)" "$(ds PgmInSpmr)" 0
	pgm_lib_check_gt "upstream: ... NNAKs and POLRs counted (PgmInOther)" "$(ds PgmInOther)" 0
	pgm_lib_check_gt "upstream: malformed ones counted at the sources (PgmInMalformed)" \
		"$(ds PgmInMalformed)" 0
fi
# (With few spoofed packets, PGM_TEST_SCALE below 1, few arrive while a
# session of their TSI is open: a diagnostic then.)
if has_family spoof && [ "$msgs" -ge 100 ]; then
	pgm_lib_check_gt "spoof: rcv1 dropped the live TSIs' packets from another address (PgmInWrongSource)" \
		"$(d1 PgmInWrongSource)" 0
	pgm_lib_check_gt "spoof: ... and rcv2 ($(d2 PgmInWrongSource))" "$(d2 PgmInWrongSource)" 0
elif has_family spoof; then
	echo "# spoof: PgmInWrongSource rcv1 $(d1 PgmInWrongSource), rcv2 $(d2 PgmInWrongSource)"
fi
if has_family nla; then
	pgm_lib_check_eq "nla: nothing reached the bystander forged SPMs named (PgmInPkts there)" \
		0 "$(dv PgmInPkts)"
fi

# ---- the end: every socket gone, the module unloads ----
pgm_lib_kill_pids
pgm_lib_check "every PGM socket closed in every namespace" \
	pgm_lib_wait_for 60 hostile_all_gone
pgm_lib_topo_cleanup
pgm_lib_namespaces=()
if pgm_lib_wait_for 60 module_unused && rmmod pgm; then
	pgm_lib_pass "rmmod pgm"
else
	echo "# refcnt $(cat /sys/module/pgm/refcnt 2> /dev/null)"
	pgm_lib_fail "rmmod pgm"
fi
pgm_lib_check "module loads again" modprobe pgm
echo "# pgm_hostile.sh took ${SECONDS}s: setup ${t_setup}s, generator ${gen_secs}s, last round ${t_last}s"
pgm_lib_end
