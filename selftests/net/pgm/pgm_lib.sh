#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the PGM selftest scripts: TAP results, counters,
# network namespaces.

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
	echo "1..$pgm_lib_n"
	[ "$pgm_lib_failed" = 0 ] && exit $KSFT_PASS
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

# pgm_lib_ns_new: create a uniquely named netns, print its name.
pgm_lib_ns_new()
{
	local ns

	ns=pgm-$$-$RANDOM
	ip netns add "$ns" || return 1
	ip -netns "$ns" link set lo up
	pgm_lib_namespaces+=("$ns")
	echo "$ns"
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

# pgm_lib_wait_for TIMEOUT_S CMD...: poll CMD until it succeeds.
pgm_lib_wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
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
