# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the check lanes (sourced by bash scripts).
#
# Each lane prints one TAP stream: "ok N desc" / "not ok N desc" per leaf
# result, tool output as "# " diagnostics, nested kselftest output
# re-indented under "# ", then the plan and a last line
# "N passed, N failed". A skipped test counts as failed: in these lanes
# every test is expected to run.

TAP_N=0
TAP_PASS=0
TAP_FAIL=0

tap_begin()
{
	echo "TAP version 13"
}

tap_ok()
{
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	echo "ok $TAP_N $*"
}

tap_not_ok()
{
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	echo "not ok $TAP_N $*"
}

# tap_result STATUS DESC: ok for status 0, not ok otherwise.
tap_result()
{
	local status=$1

	shift
	if [ "$status" = 0 ]; then
		tap_ok "$@"
	else
		tap_not_ok "$@"
	fi
}

# tap_diag < text: print text as TAP diagnostics.
tap_diag()
{
	sed -e 's/^/# /'
}

# tap_import PREFIX [quiet] < nested-tap: show the output of a kselftest run as
# diagnostics and count its leaf results: the subtests a test program
# reported, or the program's own result when it reported none. A program
# that failed although all its subtests passed (crash, timeout) adds one
# failure of its own. After a program's first failure come the last
# diagnostics it printed (up to 60 lines), so that a log cut short still
# says why. Feed it by redirection, not a pipe (a pipe would run it in a
# subshell and lose the counts): tap_import P < <(cmd).
tap_import()
{
	local prefix=$1 quiet=${2:-} raw tmp status desc

	raw=$(mktemp)
	tmp=$(mktemp)
	if [ -n "$quiet" ]; then
		cat > "$raw"
	else
		tee "$raw" | tap_diag
	fi
	awk -v prefix="$prefix" '
		function strip(s) {
			sub(/^(# )?(not )?ok [0-9]+ (- )?/, "", s)
			sub(/^selftests: [^:]*: /, "", s)
			sub(/ +# .*$/, "", s)
			return s
		}
		function verdict(s) {
			if (s ~ /# *SKIP/) return "skip"
			return (s ~ /^(# )?not ok/) ? "fail" : "ok"
		}
		function diag(   i, from) {
			from = nd > 60 ? nd - 59 : 1
			for (i = from; i <= nd; i++)
				print "diag\t" d[i]
		}
		/^(not )?ok [0-9]+/ {
			parent = strip($0); pv = verdict($0)
			if (n == 0) {
				print pv "\t" prefix parent
				if (pv == "fail") diag()
			} else {
				shown = 0
				for (i = 1; i <= n; i++) {
					print child_v[i] "\t" prefix parent ": " child_d[i]
					if (child_v[i] == "fail" && !shown++) diag()
				}
				if (pv != "ok" && nfail == 0) {
					print "fail\t" prefix parent ": the program itself failed"
					diag()
				}
			}
			n = 0; nfail = 0; nd = 0
			next
		}
		/^# # / && !/^# # (not )?ok [0-9]+/ {
			d[++nd] = substr($0, 5)
		}
		/^# (not )?ok [0-9]+/ {
			n++
			child_v[n] = verdict($0); child_d[n] = strip($0)
			if (child_v[n] != "ok") nfail++
			next
		}
		END {
			for (i = 1; i <= n; i++)
				print child_v[i] "\t" prefix "(unfinished) " child_d[i]
			if (n > 0) print "fail\t" prefix "run ended before its test program reported"
		}' "$raw" > "$tmp"
	while IFS=$'\t' read -r status desc; do
		case $status in
		ok) tap_ok "$desc" ;;
		diag) echo "#   $desc" ;;
		skip) tap_not_ok "$desc (skipped)" ;;
		*) tap_not_ok "$desc" ;;
		esac
	done < "$tmp"
	rm -f "$raw" "$tmp"
}

# tap_end: print the plan and the summary; return non-zero on failures.
tap_end()
{
	echo "1..$TAP_N"
	echo "$TAP_PASS passed, $TAP_FAIL failed"
	[ "$TAP_FAIL" = 0 ] && [ "$TAP_N" -gt 0 ]
}
