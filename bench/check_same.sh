#!/usr/bin/env bash
# Does a change to the front end or the analyses keep `kdx check` output byte for byte?
#   bench/check_same.sh OLD_KDX NEW_KDX
# Compares output (stdout and stderr) and exit status of `kdx check` for plans/*.kdx,
# examples/*.kdx, the generated runbooks of bench/gen_runbook.py (10,000 and 100,000 steps,
# 100 and 1,000 lanes) and unsafe variants of them (every 37th step's `after` dropped, so
# the forward and rollback analyses report errors), the 10,000-step runbooks with a syntax
# error in the middle and near the end, and the broken runbooks of bench/gen_broken.py
# (syntax errors of every kind; BROKEN=0 leaves them out). Prints one line per input
# (one summary line for the broken corpus, and each one that differs); exit 1 if any
# differ. Used for the issue #19 rounds (docs/benchmarks.md).
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
		if [ "$n" = 10000 ]; then
			# a '}' lost in the middle (recovery runs on to the end), a stray word near the end
			b=$out/broken_mid_${n}_$l.kdx
			[ -s "$b" ] || awk '!d && NR > 20000 && /^}/ { d = 1; next } { print }' "$f" >"$b"
			e=$out/broken_end_${n}_$l.kdx
			[ -s "$e" ] || { cat "$f"; echo 'step tail after s9999 { do x( }'; } >"$e"
			inputs+=("$b" "$e")
		fi
	done
done
bad=0
# outputs per run, so that two runs at once do not compare each other's files
o_old=$out/old.$$.out o_new=$out/new.$$.out
trap 'rm -f "$o_old" "$o_new"' EXIT
if [ "${BROKEN:-1}" != 0 ]; then
	python3 "$here/gen_broken.py" "$out/broken" >/dev/null
	nb=0 nd=0
	for f in "$out"/broken/*.kdx; do
		"$old" check "$f" >"$o_old" 2>&1
		rc_old=$?
		"$new" check "$f" >"$o_new" 2>&1
		rc_new=$?
		nb=$((nb + 1))
		if [ "$rc_old" != "$rc_new" ] || ! cmp -s "$o_old" "$o_new"; then
			printf 'DIFFER  %s (exit %s vs %s)\n' "${f#"$repo"/}" "$rc_old" "$rc_new"
			nd=$((nd + 1))
			bad=1
		fi
	done
	printf '%s  %d broken runbooks of bench/gen_broken.py, %d differ\n' \
		"$([ $nd = 0 ] && echo same || echo DIFFER)" "$nb" "$nd"
fi
for f in "${inputs[@]}"; do
	"$old" check "$f" >"$o_old" 2>&1
	rc_old=$?
	"$new" check "$f" >"$o_new" 2>&1
	rc_new=$?
	if [ "$rc_old" = "$rc_new" ] && cmp -s "$o_old" "$o_new"; then
		printf 'same    %s (exit %s, %s lines)\n' "${f#"$repo"/}" "$rc_old" "$(wc -l <"$o_old")"
	else
		printf 'DIFFER  %s (exit %s vs %s)\n' "${f#"$repo"/}" "$rc_old" "$rc_new"
		bad=1
	fi
done
exit $bad
