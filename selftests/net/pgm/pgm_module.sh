#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle: sockets with and without the module, autoloading by
# alias, the socket count in /proc/net/protocols, unload refused while
# sockets are open and clean once they are closed, per-namespace state,
# repeated load/unload. Leaves the module loaded.

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --no-tmp

modprobe_path=$(cat /proc/sys/kernel/modprobe)
holder=

restore()
{
	[ -z "$holder" ] || kill "$holder" 2> /dev/null
	echo "$modprobe_path" > /proc/sys/kernel/modprobe
	pgm_lib_module_loaded || modprobe pgm
}
pgm_lib_on_exit restore

# hold_sockets TYPE N [NETNS]: keep N sockets open in the background.
hold_sockets()
{
	local out

	out=$(mktemp)
	if [ -n "${3:-}" ]; then
		ip netns exec "$3" ./pgm_probe hold "$1" "$2" > "$out" &
	else
		./pgm_probe hold "$1" "$2" > "$out" &
	fi
	holder=$!
	pgm_lib_wait_for 10 grep -q ready "$out"
	rm -f "$out"
}

release_sockets()
{
	kill "$holder" && wait "$holder" 2> /dev/null
	holder=
}

no_pgm_proto()
{
	! grep -q '^PGM ' /proc/net/protocols
}

not_loaded()
{
	! pgm_lib_module_loaded
}

inuse_is()
{
	[ "$(pgm_lib_inuse)" = "$1" ]
}

rmmod_refused()
{
	! rmmod pgm 2> /dev/null && pgm_lib_module_loaded
}

module_unused()
{
	[ "$(cat /sys/module/pgm/refcnt 2> /dev/null)" = 0 ]
}

pgm_lib_check "module is loaded" pgm_lib_module_loaded
# A source closed by an earlier test serves repairs until its window
# drains (like TCP's FIN_WAIT), holding the module meanwhile.
pgm_lib_check "sources closed by earlier tests drained, module unused" \
	pgm_lib_wait_for 30 module_unused
pgm_lib_check "socket(SOCK_RDM, IPPROTO_PGM) succeeds" ./pgm_probe socket rdm ok
pgm_lib_check "socket(SOCK_STREAM, IPPROTO_PGM) succeeds" ./pgm_probe socket stream ok
pgm_lib_check "socket(SOCK_RDM, 0) picks PGM" ./pgm_probe socket rdm0 ok

hold_sockets rdm 3
pgm_lib_check_eq "/proc/net/protocols counts 3 open PGM sockets" 3 "$(pgm_lib_inuse)"
pgm_lib_check "rmmod is refused while sockets are open" rmmod_refused
release_sockets
pgm_lib_check "socket count is back at 0 after close" pgm_lib_wait_for 5 inuse_is 0

pgm_lib_check "rmmod succeeds once the sockets are closed" rmmod pgm
pgm_lib_check "unload removes PGM from /proc/net/protocols" no_pgm_proto
pgm_lib_check "unload removes /proc/net/pgm" test ! -e /proc/net/pgm

# Without the module (and with autoloading off), the socket types are unknown.
echo /nonexistent/modprobe > /proc/sys/kernel/modprobe
pgm_lib_check "without the module: socket(SOCK_RDM, IPPROTO_PGM) fails ESOCKTNOSUPPORT" \
	./pgm_probe socket rdm ESOCKTNOSUPPORT
# SOCK_STREAM exists (TCP), so inet_create() reports the protocol instead.
pgm_lib_check "without the module: socket(SOCK_STREAM, IPPROTO_PGM) fails EPROTONOSUPPORT" \
	./pgm_probe socket stream EPROTONOSUPPORT
pgm_lib_check "without the module: nothing was loaded" not_loaded
echo "$modprobe_path" > /proc/sys/kernel/modprobe

# With autoloading on, socket() loads the installed module by its aliases.
pgm_lib_check "socket(SOCK_RDM, IPPROTO_PGM) autoloads the module" \
	./pgm_probe socket rdm ok
pgm_lib_check "module loaded by alias net-pf-2-proto-113-type-4" pgm_lib_module_loaded
rmmod pgm
pgm_lib_check "socket(SOCK_STREAM, IPPROTO_PGM) autoloads the module" \
	./pgm_probe socket stream ok
pgm_lib_check "module loaded by alias net-pf-2-proto-113-type-1" pgm_lib_module_loaded

# Per-namespace state: counters and socket counts of their own, and a
# namespace torn down with the module loaded releases everything.
pgm_lib_ns_new ns
pgm_lib_check "a new namespace has its own /proc/net/pgm/snmp" \
	ip netns exec "$ns" test -r /proc/net/pgm/snmp
hold_sockets stream 2 "$ns"
pgm_lib_check_eq "namespace counts its own 2 sockets" 2 "$(pgm_lib_inuse "$ns")"
pgm_lib_check_eq "init namespace counts none of them" 0 "$(pgm_lib_inuse)"
ip netns del "$ns"
release_sockets
pgm_lib_check "rmmod after a namespace with sockets went away" rmmod pgm

cycles=$(pgm_lib_scale 20)
load_cycles()
{
	local i

	for ((i = 0; i < cycles; i++)); do
		modprobe pgm || return 1
		./pgm_probe socket rdm ok > /dev/null || return 1
		./pgm_probe socket stream ok > /dev/null || return 1
		rmmod pgm || return 1
	done
}
pgm_lib_check "$cycles load/use/unload cycles" load_cycles
pgm_lib_check "module loads again" modprobe pgm

pgm_lib_end
