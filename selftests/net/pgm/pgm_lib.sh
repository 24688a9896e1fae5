#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the PGM selftest scripts: TAP results, counters,
# network namespaces. A script starts with
#
#	cd "$(dirname "$0")" || exit 1
#	. ./pgm_lib.sh
#	pgm_lib_setup [--receivers N] [--netem "ARGS"] [--no-tmp]
#
# (see pgm_lib_setup, at the end).

readonly KSFT_PASS=0
readonly KSFT_FAIL=1
readonly KSFT_SKIP=4

pgm_lib_n=0
pgm_lib_failed=0
pgm_lib_namespaces=()

pgm_lib_begin()
{
	echo "TAP version 13"
	trap pgm_lib_cleanup EXIT
}

pgm_lib_pass()
{
	pgm_lib_n=$((pgm_lib_n + 1))
	echo "ok $pgm_lib_n $*"
}

pgm_lib_fail()
{
	pgm_lib_n=$((pgm_lib_n + 1))
	pgm_lib_failed=1
	echo "not ok $pgm_lib_n $*"
}

# pgm_lib_check DESC CMD...: pass if CMD succeeds; its output becomes
# diagnostics.
pgm_lib_check()
{
	local desc=$1 out

	shift
	if out=$("$@" 2>&1); then
		[ -z "$out" ] || echo "$out" | sed 's/^/# /'
		pgm_lib_pass "$desc"
	else
		echo "# failed: $*" ; [ -z "$out" ] || echo "$out" | sed 's/^/#   /'
		pgm_lib_fail "$desc"
	fi
}

# pgm_lib_check_eq DESC EXPECTED ACTUAL
pgm_lib_check_eq()
{
	if [ "$2" = "$3" ]; then
		pgm_lib_pass "$1"
	else
		echo "# expected '$2', got '$3'"
		pgm_lib_fail "$1"
	fi
}

pgm_lib_end()
{
	local ns

	echo "1..$pgm_lib_n"
	[ "$pgm_lib_failed" = 0 ] && exit $KSFT_PASS
	# What the module counted, to tell why.
	for ns in "${pgm_lib_namespaces[@]}"; do
		echo "# $ns: $(ip netns exec "$ns" awk '$2 != 0 { printf "%s=%s ", $1, $2 }' \
			/proc/net/pgm/snmp 2> /dev/null)"
	done
	exit $KSFT_FAIL
}

pgm_lib_skip_all()
{
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

pgm_lib_require_root()
{
	[ "$(id -u)" = 0 ] || pgm_lib_skip_all "needs root"
}

# pgm_lib_ns_new VAR: create a uniquely named netns (removed at exit),
# store its name in VAR.
pgm_lib_ns_new()
{
	local _pgm_ns

	_pgm_ns=pgm-$$-$RANDOM
	ip netns add "$_pgm_ns" || return 1
	ip -netns "$_pgm_ns" link set lo up
	pgm_lib_namespaces+=("$_pgm_ns")
	printf -v "$1" '%s' "$_pgm_ns"
}

pgm_lib_cleanup()
{
	local ns

	for ns in "${pgm_lib_namespaces[@]}"; do
		ip netns del "$ns" 2> /dev/null
	done
}

# pgm_lib_counter NAME [NETNS]: a /proc/net/pgm/snmp counter.
pgm_lib_counter()
{
	local file=/proc/net/pgm/snmp

	if [ -n "${2:-}" ]; then
		ip netns exec "$2" awk -v n="$1" '$1 == n { print $2 }' "$file"
	else
		awk -v n="$1" '$1 == n { print $2 }' "$file"
	fi
}

# pgm_lib_inuse [NETNS]: PGM sockets open in the namespace, from
# /proc/net/protocols; empty when the module is not loaded.
pgm_lib_inuse()
{
	local cmd=(awk '$1 == "PGM" { print $3 }' /proc/net/protocols)

	if [ -n "${1:-}" ]; then
		ip netns exec "$1" "${cmd[@]}"
	else
		"${cmd[@]}"
	fi
}

# pgm_lib_sleep SECS: sleep without starting a process (each exec costs
# a lot in the emulated guest): a read that times out on a pipe nobody
# writes to.
_pgm_lib_sleep_fd=
pgm_lib_sleep()
{
	[ -n "$_pgm_lib_sleep_fd" ] || exec {_pgm_lib_sleep_fd}<> <(:)
	read -r -t "$1" -u "$_pgm_lib_sleep_fd" || :
}

# pgm_lib_wait_for TIMEOUT_S CMD...: poll CMD until it succeeds.
pgm_lib_wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		pgm_lib_sleep 0.1
	done
}

pgm_lib_module_loaded()
{
	grep -q '^pgm ' /proc/modules
}

# pgm_lib_scale N: N scaled by PGM_TEST_SCALE (the debug lane runs a
# fraction of the stock lane's work), at least 1.
pgm_lib_scale()
{
	awk -v n="$1" -v s="${PGM_TEST_SCALE:-1}" \
		'BEGIN { v = int(n * s); print (v < 1) ? 1 : v }'
}

# Topology used by the transfer tests and the demo:
#
#        pgm-snd (10.88.0.1)
#            |  veth
#        [ bridge pb<tag> in the calling namespace ]
#         |            |            |    veth, netem on the bridge side
#     pgm-rcv1     pgm-rcv2  ...  pgm-rcvN   (10.88.0.11, .12, ...)
#
# pgm_lib_topo_bridge N sets it up with namespace names pgm_lib_snd and
# pgm_lib_rcv[1..N]; every namespace routes 224.0.0.0/4 to its link.
# Device names carry a random tag: a closed source still draining its
# window keeps its namespace, and its link, alive after the test.
pgm_lib_snd=
pgm_lib_rcv=()
pgm_lib_tag=$(printf '%04x' $RANDOM)

pgm_lib_topo_bridge()
{
	local n=$1 i ns

	ip link add "pb$pgm_lib_tag" type bridge mcast_snooping 0 || return 1
	ip link set "pb$pgm_lib_tag" up
	pgm_lib_ns_new pgm_lib_snd || return 1
	_pgm_lib_attach "$pgm_lib_snd" 0 10.88.0.1 || return 1
	for ((i = 1; i <= n; i++)); do
		pgm_lib_ns_new ns || return 1
		pgm_lib_rcv[i]=$ns
		_pgm_lib_attach "$ns" "$i" "10.88.0.$((10 + i))" || return 1
	done
	pgm_lib_pin_source
}

# pgm_lib_pin_source: each receiver knows the sender's link address for
# good. netem's loss hits ARP too, and a receiver that loses the ARP reply
# to its first NAK cannot NAK for a second (retrans_time_ms), which the
# module does not yet survive with a short window and a full receive
# buffer (an open defect; the demo uses a 3 s window for it): tests of
# other mechanisms must not fail by it at random.
pgm_lib_pin_source()
{
	local mac ns

	mac=$(ip -netns "$pgm_lib_snd" -br link show dev eth0 | awk '{ print $3 }')
	for ns in "${pgm_lib_rcv[@]}"; do
		ip -netns "$ns" neigh replace 10.88.0.1 lladdr "$mac" dev eth0 \
			nud permanent || return 1
	done
}

# _pgm_lib_attach NETNS INDEX ADDR: a veth pair from the bridge
# (pp<tag>_<INDEX>) into NETNS (eth0).
_pgm_lib_attach()
{
	local ns=$1 port=pp${pgm_lib_tag}_$2

	ip link add "$port" type veth peer name eth0 netns "$ns" || return 1
	ip link set "$port" master "pb$pgm_lib_tag" up
	ip -netns "$ns" addr add "$3/24" dev eth0
	ip -netns "$ns" link set eth0 up
	ip -netns "$ns" route add 224.0.0.0/4 dev eth0
}

# pgm_lib_netem INDEX ARGS...: impair what the bridge sends to receiver
# INDEX (0 = the sender), e.g. pgm_lib_netem 2 loss 5% duplicate 1%.
pgm_lib_netem()
{
	local port=pp${pgm_lib_tag}_$1

	shift
	tc qdisc replace dev "$port" root netem "$@"
}

pgm_lib_topo_cleanup()
{
	ip link del "pb$pgm_lib_tag" 2> /dev/null
	pgm_lib_cleanup
}

# pgm_lib_topo N [NETEM ARGS...]: the bridge topology with N receivers,
# NETEM ARGS (if any) on every receiver's link; after pgm_lib_topo_end,
# another one, with a new device tag. Non-zero if it could not be built.
_pgm_lib_topo_built=
pgm_lib_topo()
{
	local n=$1 i

	shift
	[ -z "$_pgm_lib_topo_built" ] || pgm_lib_tag=$(printf '%04x' $RANDOM)
	_pgm_lib_topo_built=1
	pgm_lib_topo_bridge "$n" || return 1
	[ $# -gt 0 ] || return 0
	for ((i = 1; i <= n; i++)); do
		pgm_lib_netem "$i" "$@" || return 1
	done
}

# pgm_lib_topo_end: the topology's processes, devices and namespaces go
# (and are forgotten), so that another can be built.
pgm_lib_topo_end()
{
	pgm_lib_kill_pids
	pgm_lib_topo_cleanup
	pgm_lib_namespaces=()
	pgm_lib_rcv=()
}

# pgm_lib_kv KEY < lines: the value of KEY=VALUE in the first line having it.
pgm_lib_kv()
{
	local line re="(^| )$1=([^ ]*)"

	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			echo "${BASH_REMATCH[2]}"
			return 0
		fi
	done
}

# pgm_lib_line FILE REGEX: the first line of FILE that matches REGEX.
pgm_lib_line()
{
	local line

	[ -r "$1" ] || return 1
	while IFS= read -r line; do
		if [[ $line =~ $2 ]]; then
			echo "$line"
			return 0
		fi
	done < "$1"
	return 1
}

# pgm_lib_has_line FILE REGEX: a line of FILE matches the extended REGEX.
pgm_lib_has_line()
{
	local line

	[ -r "$1" ] || return 1
	while IFS= read -r line; do
		[[ $line =~ $2 ]] && return 0
	done < "$1"
	return 1
}

# pgm_lib_recv_start NETNS OUT ARGS...: start `pgm_xfer recv ARGS` on
# 239.1.2.3:7500 (ARGS may say otherwise) in NETNS, output to OUT; return
# once it listens. Sets pgm_lib_pids.
pgm_lib_pids=()
pgm_lib_recv_start()
{
	local ns=$1 out=$2

	shift 2
	: > "$out"
	ip netns exec "$ns" ./pgm_xfer recv -g 239.1.2.3 -p 7500 "$@" > "$out" 2>&1 &
	pgm_lib_pids+=($!)
	pgm_lib_wait_for 20 pgm_lib_has_line "$out" '^ready$'
}

# pgm_lib_wait_pids: wait for every started receiver; return non-zero if
# any failed.
pgm_lib_wait_pids()
{
	local pid rc=0

	for pid in "${pgm_lib_pids[@]}"; do
		wait "$pid" || rc=1
	done
	pgm_lib_pids=()
	return $rc
}

# pgm_lib_diag FILE...: show files as TAP diagnostics.
pgm_lib_diag()
{
	sed 's/^/# /' "$@"
}

# pgm_lib_send NETNS OUT ARGS...: run `pgm_xfer send -g 239.1.2.3 -p 7500
# ARGS` in NETNS, output to OUT; its exit status.
pgm_lib_send()
{
	local ns=$1 out=$2

	shift 2
	ip netns exec "$ns" ./pgm_xfer send -g 239.1.2.3 -p 7500 "$@" > "$out" 2>&1
}

# pgm_lib_send_start NETNS OUT ARGS...: the same in the background; the
# process id goes to pgm_lib_send_pid.
pgm_lib_send_pid=
pgm_lib_send_start()
{
	local ns=$1 out=$2

	shift 2
	: > "$out"
	ip netns exec "$ns" ./pgm_xfer send -g 239.1.2.3 -p 7500 "$@" > "$out" 2>&1 &
	pgm_lib_send_pid=$!
}

# pgm_lib_wait_line TIMEOUT_S FILE REGEX: poll until a line of FILE
# matches the extended REGEX.
pgm_lib_wait_line()
{
	pgm_lib_wait_for "$1" pgm_lib_has_line "$2" "$3"
}

# pgm_lib_resume FILE: let a sender waiting at a --pause-at go on (its
# --control FILE gets one more line).
pgm_lib_resume()
{
	echo go >> "$1"
}

# pgm_lib_session_line FILE PEER_PORT: the receiver's "recv" line of the
# session from that PGM source port.
pgm_lib_session_line()
{
	pgm_lib_line "$1" "^recv peer=[0-9.]+:$2 "
}

# pgm_lib_check_pids DESC: wait for every started receiver (in this
# shell: pgm_lib_check would wait in a subshell); pass if all exited 0.
pgm_lib_check_pids()
{
	if pgm_lib_wait_pids; then
		pgm_lib_pass "$1"
	else
		pgm_lib_fail "$1"
	fi
}

# pgm_lib_check_recv DESC SEND_OUT RECV_LINE MSGS [END]: the receiver's
# session (a "recv" line of pgm_xfer) read MSGS messages, every one
# verified, no MSG_EOR error, and ended with END (eof); with eof, its
# sha256 equals the sender's. One or two TAP results; non-zero if one
# failed.
pgm_lib_check_recv()
{
	local desc=$1 sout=$2 line=$3 msgs=$4 end=${5:-eof}
	local got want

	got="$(pgm_lib_kv msgs <<< "$line") msgs, $(pgm_lib_kv bad <<< "$line") bad"
	got+=", $(pgm_lib_kv eor_errors <<< "$line") EOR errors, end $(pgm_lib_kv end <<< "$line")"
	want="$msgs msgs, 0 bad, 0 EOR errors, end $end"
	pgm_lib_check_eq "$desc: $msgs messages, each verified, then $end" "$want" "$got"
	[ "$want" = "$got" ] || return 1
	[ "$end" = eof ] || return 0
	want=$(pgm_lib_kv sha256 < "$sout")
	got=$(pgm_lib_kv sha256 <<< "$line")
	pgm_lib_check_eq "$desc: sha256 equals the sender's" "$want" "$got"
	[ -n "$want" ] && [ "$want" = "$got" ]
}

# pgm_lib_check_gt DESC VALUE MIN: VALUE (a number; empty counts as 0) is
# greater than MIN.
pgm_lib_check_gt()
{
	if [ "${2:-0}" -gt "$3" ] 2> /dev/null; then
		pgm_lib_pass "$1"
	else
		echo "# expected more than $3, got '${2:-}'"
		pgm_lib_fail "$1"
	fi
}

# pgm_lib_check_le DESC VALUE MAX: VALUE is at most MAX.
pgm_lib_check_le()
{
	if [ -n "${2:-}" ] && [ "$2" -le "$3" ] 2> /dev/null; then
		pgm_lib_pass "$1"
	else
		echo "# expected at most $3, got '${2:-}'"
		pgm_lib_fail "$1"
	fi
}

# pgm_lib_joined NETNS GROUP: NETNS is a member of GROUP (dotted quad).
pgm_lib_joined()
{
	local a b c d hex

	IFS=. read -r a b c d <<< "$2"
	hex=$(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a")
	ip netns exec "$1" grep -q -i "^[[:space:]]*$hex " /proc/net/igmp
}

# pgm_lib_kill_pids: stop the receivers and sender still running (after a
# failure), so that none outlives the test.
pgm_lib_kill_pids()
{
	local pid

	for pid in "${pgm_lib_pids[@]}" $pgm_lib_send_pid; do
		kill "$pid" 2> /dev/null
	done
	pgm_lib_pids=()
	pgm_lib_send_pid=
}

# pgm_lib_setup [--receivers N] [--netem "ARGS"] [--no-tmp]: the start of
# a test script, once it has sourced this file: skip unless root, begin
# TAP, make a scratch directory $tmp (unless --no-tmp), and clean up at
# exit: the commands given to pgm_lib_on_exit, then stop the processes
# started here, remove the topology, the namespaces and $tmp.
#   --receivers N   build the bridge topology with N receivers
#                   (pgm_lib_topo); skip every test if it cannot be built
#   --netem ARGS    impair every receiver's link with netem ARGS (one
#                   string, split at blanks: "loss 5% duplicate 1%")
tmp=
_pgm_lib_exit_cmds=()
# shellcheck disable=SC2120 # every option is optional
pgm_lib_setup()
{
	local receivers='' want_tmp=1
	local -a netem=()

	while [ $# -gt 0 ]; do
		case $1 in
		--receivers) receivers=$2; shift ;;
		--netem) read -r -a netem <<< "$2"; shift ;;
		--no-tmp) want_tmp= ;;
		*) echo "pgm_lib_setup: unknown option '$1'" >&2; exit 2 ;;
		esac
		shift
	done
	pgm_lib_require_root
	pgm_lib_begin
	trap _pgm_lib_exit EXIT
	[ -z "$want_tmp" ] || tmp=$(mktemp -d)
	[ -z "$receivers" ] || pgm_lib_topo "$receivers" "${netem[@]}" ||
		pgm_lib_skip_all "cannot build the topology"
}

# pgm_lib_on_exit CMD: at exit, eval CMD before pgm_lib_setup's own
# cleanup (in the order given).
pgm_lib_on_exit()
{
	_pgm_lib_exit_cmds+=("$1")
}

_pgm_lib_exit()
{
	local cmd

	for cmd in "${_pgm_lib_exit_cmds[@]}"; do
		eval "$cmd"
	done
	pgm_lib_kill_pids
	if [ -n "$_pgm_lib_topo_built" ]; then
		pgm_lib_topo_cleanup
	else
		pgm_lib_cleanup
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
}
