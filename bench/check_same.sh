#!/usr/bin/env bash
# Does a change to the front end or the analyses keep `kdx check` output byte for byte?
#   bench/check_same.sh OLD_KDX NEW_KDX
# Compares output (stdout and stderr) and exit status of `kdx check` for plans/*.kdx,
# examples/*.kdx, the generated runbooks of bench/gen_runbook.py (10,000 and 100,000 steps,
# 100 and 1,000 lanes) and unsafe variants of them (every 37th step's `after` dropped, so
# the forward and rollback analyses report errors). Prints one line per input; exit 1 if
# any differ. Used for the issue #19 rounds (docs/benchmarks.md).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
old=$1 new=$2
export KDX_STDLIB=${KDX_STDLIB:-$repo/stdlib}
out=$repo/build/bench/same
mkdir -p "$out"
inputs=("$repo"/plans/*.kdx "$repo"/examples/*.kdx)
for n in 10000 100000; do
	for l in 100 1000; do
		f=$out/gen_${n}_$l.kdx
		[ -s "$f" ] || python3 "$here/gen_runbook.py" -n "$n" -l "$l" >"$f" 2>/dev/null
		u=$out/unsafe_${n}_$l.kdx
		[ -s "$u" ] || awk '/^step s[0-9]+ after / { n = substr($2, 2) + 0; if (n % 37 == 0) { print "step s" n " {"; next } } { print }' "$f" >"$u"
		inputs+=("$f" "$u")
	done
done
bad=0
for f in "${inputs[@]}"; do
	"$old" check "$f" >"$out/old.out" 2>&1
	rc_old=$?
	"$new" check "$f" >"$out/new.out" 2>&1
	rc_new=$?
	if [ "$rc_old" = "$rc_new" ] && cmp -s "$out/old.out" "$out/new.out"; then
		printf 'same    %s (exit %s, %s lines)\n' "${f#"$repo"/}" "$rc_old" "$(wc -l <"$out/old.out")"
	else
		printf 'DIFFER  %s (exit %s vs %s)\n' "${f#"$repo"/}" "$rc_old" "$rc_new"
		bad=1
	fi
done
exit $bad
