#!/usr/bin/env bash
# Run every test layer (unit, golden, e2e) and end with "N passed, N failed[, N skipped]".
# Each layer speaks TAP lines ("ok ...", "not ok ...", "ok ... # SKIP ..."), counted here.
# Env: KDX (the binary), UNIT_DIR (built unit tests), ONLY (a regex of test names to run).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX=${KDX:-$here/../kdx}
export UNIT_DIR=${UNIT_DIR:-$here/../build/tests}
export KDX_REPO=$(cd "$here/.." && pwd)
# the binary has no source-tree path compiled in: point it at this checkout's stdlib
export KDX_STDLIB=${KDX_STDLIB:-$KDX_REPO/stdlib}
only=${ONLY:-}
pass=0 fail=0 skip=0
failed=()

count() { # reads TAP on stdin, echoes it, tallies
	local line
	while IFS= read -r line; do
		case "$line" in
		"not ok"*) fail=$((fail + 1)); failed+=("${line#not ok }"); echo "$line" ;;
		ok*"# SKIP"* | ok*"# skip"*) skip=$((skip + 1)); echo "$line" ;;
		ok*) pass=$((pass + 1)); [ -n "${VERBOSE:-}" ] && echo "$line" ;;
		*) [ -n "${VERBOSE:-}" ] && echo "$line" ;;
		esac
	done
}

# 1. unit tests (cmocka, TAP output)
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	[ -n "$only" ] && ! [[ $name =~ $only ]] && continue
	out=$(cd "$here/.." && CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	count < <(printf '%s\n' "$out" | sed -n -e "s/^\(not ok\|ok\) [0-9]* - /\1 unit\/$name: /p")
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
		count <<<"not ok unit/$name: exited $rc"
		printf '%s\n' "$out" | tail -20
	elif [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok' | tail -30
	fi
done

# 2. golden tests
if [ -x "$here/golden/run.sh" ]; then
	count < <(ONLY="$only" "$here/golden/run.sh")
fi

# 3. end-to-end tests: tNNNN-*.sh, exit 0 pass, 77 skip, other fail; logs kept on failure.
# TEST_JOBS (default 3) tests run at a time, the longest first (tests/e2e/durations.txt, then
# build/e2e-durations.txt from the last run here; a test in neither counts as the longest);
# TEST_JOBS=1 runs them one at a time in name order. A test with a "# serial" line (followed
# by why) runs alone, before the others. Each test prints one line when it ends.
jobs=${TEST_JOBS:-3}
if ! [[ $jobs =~ ^[1-9][0-9]*$ ]]; then
	echo "tests/run.sh: TEST_JOBS must be a whole number from 1, not '$jobs'" >&2
	exit 2
fi
logdir="$here/../build/e2e-logs"
times_file="$here/../build/e2e-durations.txt"
mkdir -p "$logdir"
declare -A e2e_name=() e2e_start=() e2e_secs=() known=()
e2e_list=() e2e_serial=()

# known durations, seconds: the committed ones, then this machine's last run
while read -r name secs; do
	[[ $name =~ ^t[0-9] && $secs =~ ^[0-9]+$ ]] && known[$name]=$secs
done < <(cat "$here/e2e/durations.txt" "$times_file" 2>/dev/null)

for t in "$here"/e2e/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ -n "$only" ] && ! [[ $name =~ $only ]] && continue
	if grep -q '^# serial\b' "$t"; then e2e_serial+=("$t"); else e2e_list+=("$t"); fi
done
longest_first() { # paths on stdin, longest known duration first, unknown ones before all
	local t name
	while IFS= read -r t; do
		name=$(basename "$t" .sh)
		printf '%s %s\n' "${known[$name]:-999999}" "$t"
	done | sort -k1,1nr -k2,2 | cut -d' ' -f2-
}
if [ "$jobs" -gt 1 ]; then
	mapfile -t e2e_serial < <(printf '%s\n' "${e2e_serial[@]}" | sed '/^$/d' | longest_first)
	mapfile -t e2e_list < <(printf '%s\n' "${e2e_list[@]}" | sed '/^$/d' | longest_first)
else # today's order: every test by name, one at a time
	mapfile -t e2e_list < <(printf '%s\n' "${e2e_serial[@]}" "${e2e_list[@]}" | sed '/^$/d' | sort)
	e2e_serial=()
fi

e2e_start() { # path: starts the test in the background under its time limit
	local t=$1 name limit
	name=$(basename "$t" .sh)
	# a test that needs longer than 15 minutes says so in a "# timeout: SECONDS" line
	limit=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	timeout "${limit:-900}" bash "$t" >"$logdir/$name.log" 2>&1 </dev/null &
	e2e_name[$!]=$name
	e2e_start[$!]=$(date +%s)
}
e2e_reap() { # waits for one running test to end and reports it
	local pid rc name secs log
	wait -n -p pid "${!e2e_name[@]}"
	rc=$?
	name=${e2e_name[$pid]}
	secs=$(($(date +%s) - ${e2e_start[$pid]}))
	unset "e2e_name[$pid]" "e2e_start[$pid]"
	e2e_secs[$name]=$secs
	log="$logdir/$name.log"
	if [ $rc -eq 0 ]; then
		count <<<"ok e2e/$name (${secs}s)"
		# what a passing test says with "note: " (t0710: a flake it retried, and moto's evidence)
		grep '^note: ' "$log" | sed 's/^/    /'
		rm -f "$log"
	elif [ $rc -eq 77 ]; then
		count <<<"ok e2e/$name # SKIP $(tail -1 "$log")"
	else
		count <<<"not ok e2e/$name: exit $rc after ${secs}s (log: build/e2e-logs/$name.log)"
		tail -25 "$log" | sed 's/^/    /'
	fi
}
e2e_stop() { # on INT/TERM: stop the tests this script started (timeout passes it on)
	local pid
	for pid in "${!e2e_name[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	wait
	exit 130
}
trap e2e_stop INT TERM

for t in "${e2e_serial[@]}"; do
	e2e_start "$t"
	e2e_reap
done
for t in "${e2e_list[@]}"; do
	[ ${#e2e_name[@]} -ge "$jobs" ] && e2e_reap
	e2e_start "$t"
done
while [ ${#e2e_name[@]} -gt 0 ]; do e2e_reap; done
trap - INT TERM

# this run's durations, for the next run's order
if [ ${#e2e_secs[@]} -gt 0 ]; then
	for name in "${!e2e_secs[@]}"; do known[$name]=${e2e_secs[$name]}; done
	for name in "${!known[@]}"; do echo "$name ${known[$name]}"; done | sort >"$times_file.tmp" &&
		mv "$times_file.tmp" "$times_file"
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "failed:"
	printf '  %s\n' "${failed[@]}"
fi
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
