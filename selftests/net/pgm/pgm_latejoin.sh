#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Late join. The source (a 10 s window: nothing ages out during the test)
# sends messages of one packet each, so message i is sequence first + i.
# After P messages it pauses (pgm_xfer --pause-at, once they are all on
# the wire); only then does the receiver start; then the source sends the
# remaining messages. What is asserted, exactly:
#  - without RM_LATEJOIN, the receiver starts at current data: its first
#    message is message P, the first one sent after it joined;
#  - with RM_LATEJOIN 50, each ODATA carries OPT_JOIN with the oldest
#    sequence a late joiner may ask for: the sequence sent minus 50% of
#    the sequences in the source's window (trail to that sequence). The
#    first ODATA the receiver sees is message P, the window holds P
#    sequences then, so its first message is P - P * 50 / 100, repaired by
#    NAKs from before it started;
#  - in both cases, from its first message on, every message, verified,
#    in order, then EOF; the sha256 of what it read equals that of those
#    messages (pgm_xfer gen --from).
# (A receiver goes back no further than half its receive window: P is
# kept well inside that.)

cd "$(dirname "$0")" || exit 1
# shellcheck source=pgm_lib.sh
. ./pgm_lib.sh

pgm_lib_setup --receivers 1

R=${pgm_lib_rcv[1]}
p=$(pgm_lib_scale 400)
[ "$p" -ge 20 ] || p=20
count=$((p + p / 2))

# run LATEJOIN_PCT EXPECTED_FIRST
run()
{
	local pct=$1 want=$2 seed=$RANDOM line rc

	rm -f "$tmp/ctl"
	pgm_lib_send_start "$pgm_lib_snd" "$tmp/s" -r 10000 -w 10000 -j "$pct" \
		-x "$seed" -n "$count" -s 1:1400 --pause-at "$p" --control "$tmp/ctl" -T 60
	pgm_lib_wait_line 60 "$tmp/s" "^pause at=$p\$" ||
		pgm_lib_fail "latejoin $pct%: the source paused after $p messages"
	pgm_lib_recv_start "$R" "$tmp/r" -x "$seed" -n "$count" -s 1:1400 -J -T 60
	pgm_lib_resume "$tmp/ctl"
	wait "$pgm_lib_send_pid"
	rc=$?
	pgm_lib_send_pid=
	pgm_lib_check_eq "latejoin $pct%: source sent $count messages, exit 0" "$count/0" \
		"$(pgm_lib_kv msgs < "$tmp/s")/$rc"
	pgm_lib_check_pids "latejoin $pct%: the receiver verified what it read (exit 0)"
	pgm_lib_diag "$tmp/s" "$tmp/r"
	line=$(pgm_lib_line "$tmp/r" '^recv ')
	pgm_lib_check_eq "latejoin $pct%: the first message read is message $want" \
		"$want" "$(pgm_lib_kv first <<< "$line")"
	# What the receiver should have read: messages want..count-1.
	echo "sha256=$(./pgm_xfer gen -x "$seed" -n "$count" -s 1:1400 --from "$want" |
		./pgm_xfer sha256)" > "$tmp/want"
	pgm_lib_check_recv "latejoin $pct%: from there on" "$tmp/want" "$line" \
		$((count - want))
}

run 0 "$p"
run 50 $((p - p * 50 / 100))
pgm_lib_end
