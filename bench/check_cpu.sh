#!/usr/bin/env bash
# `kdx check` at scale, CPU and memory, several binaries interleaved (issue #19).
#   bench/check_cpu.sh [RUNS] [KDX...]     (default 5 runs of ./kdx)
# For 100 and 1,000 lanes of a 100,000-step runbook (bench/gen_runbook.py, seed 42) each
# binary runs RUNS times, the binaries taking turns so that the machine's load falls on
# all of them alike. Prints the median CPU (user+sys from /usr/bin/time; the machine is
# shared, so wall time says little) with the medians of user and sys apart (sys is mostly
# the kernel zeroing the pages the process touches), the median max RSS, and RSS per
# source byte.
# STEPS and LANES (space-separated) override the shapes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${1:-5}
shift || true
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=("$repo/kdx")
steps=${STEPS:-100000}
export KDX_STDLIB=${KDX_STDLIB:-$repo/stdlib}
out=$repo/build/bench
mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
med() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for lanes in ${LANES:-100 1000}; do
	f=$out/check_${steps}_$lanes.kdx
	[ -s "$f" ] || python3 "$here/gen_runbook.py" -n "$steps" -l "$lanes" >"$f" 2>/dev/null
	bytes=$(stat -c %s "$f")
	declare -A cpu=() rss=() usr=() sys=()
	for ((r = 0; r < runs; r++)); do
		for b in "${bins[@]}"; do
			/usr/bin/time -f '%U %S %M' -o "$out/time.txt" "$b" check "$f" >"$out/check.out" 2>&1 ||
				{ echo "$b check $f failed:"; tail -3 "$out/check.out"; exit 1; }
			read -r u s m <"$out/time.txt"
			cpu[$b]+="$(echo "$u + $s" | bc) "
			usr[$b]+="$u "
			sys[$b]+="$s "
			rss[$b]+="$m "
		done
	done
	for b in "${bins[@]}"; do
		c=$(tr ' ' '\n' <<<"${cpu[$b]}" | grep . | med)
		m=$(tr ' ' '\n' <<<"${rss[$b]}" | grep . | med)
		us=$(tr ' ' '\n' <<<"${usr[$b]}" | grep . | med)
		sy=$(tr ' ' '\n' <<<"${sys[$b]}" | grep . | med)
		printf '%-40s %5s lanes  %d bytes  CPU median %5.2f s (%s; user %.2f, sys %.2f)  max RSS median %4d MB  %.1f B/source byte\n' \
			"$b" "$lanes" "$bytes" "$c" "${cpu[$b]% }" "$us" "$sy" $((m / 1024)) "$(echo "$m * 1024 / $bytes" | bc -l)"
	done
	unset cpu rss usr sys
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
