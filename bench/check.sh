#!/usr/bin/env bash
# Benchmark of `kdx check` and of the safety analyses alone.
#   bench/check.sh [STEPS] [LANES]      (default 100000 steps, 100 lanes)
# 1. bench_safety: the plan built in memory (no parsing), graph + all eight analyses,
#    timed inside the process, wall time and max RSS from /usr/bin/time -v;
# 2. kdx check on the same shape written as .kdx by bench/gen_runbook.py (compile +
#    analyses), end to end. KDX_BENCH_CHECK_MAX (default 100000) caps the size of this
#    second run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
n=${1:-100000}
lanes=${2:-100}
max_check=${KDX_BENCH_CHECK_MAX:-100000}
cd "$repo"
make -s >/dev/null
mkdir -p build/bench
cc -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I. \
	-o build/bench/bench_safety bench/bench_safety.c build/libkdx.a \
	$(pkg-config --libs json-c openssl expat) -lm -lpthread
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # label, command...: prints wall seconds and max RSS
	local label=$1
	shift
	/usr/bin/time -v "$@" >build/bench/out.txt 2>build/bench/time.txt || true
	local wall rss user
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' build/bench/time.txt)
	user=$(sed -n 's/.*User time (seconds): //p' build/bench/time.txt)
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' build/bench/time.txt)
	printf '%-32s wall %-8s user %6ss  max RSS %5d MB\n' "$label" "$wall" "$user" $((rss / 1024))
}

measure "bench_safety $n steps" build/bench/bench_safety "$n" "$lanes"
cat build/bench/out.txt

m=$n
[ "$m" -gt "$max_check" ] && m=$max_check
python3 bench/gen_runbook.py -n "$m" -l "$lanes" >build/bench/big.kdx
measure "kdx check $m steps (.kdx)" ./kdx check build/bench/big.kdx
tail -1 build/bench/out.txt
