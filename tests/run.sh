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

# 3. end-to-end tests: tNNNN-*.sh, exit 0 pass, 77 skip, other fail; logs kept on failure
mkdir -p "$here/../build/e2e-logs"
for t in "$here"/e2e/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	[ -n "$only" ] && ! [[ $name =~ $only ]] && continue
	log="$here/../build/e2e-logs/$name.log"
	start=$(date +%s)
	# a test that needs longer than 15 minutes says so in a "# timeout: SECONDS" line
	limit=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	timeout "${limit:-900}" bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		count <<<"ok e2e/$name (${secs}s)"
		rm -f "$log"
	elif [ $rc -eq 77 ]; then
		count <<<"ok e2e/$name # SKIP $(tail -1 "$log")"
	else
		count <<<"not ok e2e/$name: exit $rc after ${secs}s (log: build/e2e-logs/$name.log)"
		tail -25 "$log" | sed 's/^/    /'
	fi
done

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
