# Shared by the bench scripts that time kdx against moto (apply.sh, apply_parallel.sh,
# kaldrix_failover.sh); source it after tests/e2e/lib.sh, which sets E2E_TMP.
# shellcheck shell=bash

now() { date +%s%N; }

# cpu_of CMD...: runs CMD, its CPU time (all threads) kept for cpu_s: perf's task-clock
# (ms resolution) when perf works here, else /usr/bin/time's user+sys (10 ms resolution).
# cpu_s prints that time in seconds.
_cpu_file=$E2E_TMP/cpu.txt
if perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then
	cpu_of() { perf stat -x, -e task-clock -o "$_cpu_file" "$@"; }
	cpu_s() { awk -F, '/task-clock/ { printf "%.4f", $1 / 1000 }' "$_cpu_file"; }
else
	cpu_of() { /usr/bin/time -f "%U %S" -o "$_cpu_file" "$@"; }
	cpu_s() { awk '{ printf "%.3f", $1 + $2 }' "$_cpu_file"; }
fi

# median: the median of the numbers on stdin, one per line
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# start_proxy [LATENCY_MS]: bench/timeproxy.py in front of moto, logging to req.log in the
# current directory; sets PROXY to its URL. Stopped with the test's other processes.
start_proxy() {
	python3 "$KDX_REPO/bench/timeproxy.py" "$MOTO_URL" proxy.port req.log "$@" &
	track_pid $!
	for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
	[ -s proxy.port ] || fail "bench/timeproxy.py did not start"
	# shellcheck disable=SC2034 # read by the scripts that source this
	PROXY="http://127.0.0.1:$(cat proxy.port)"
}

# plannable_world STEPS LANES: big.kdx in the current directory (bench/gen_runbook.py
# --plannable) and its world in moto (bench/plan_world.py), so that every step's reads
# succeed; prints the machine line the plan benches start with.
plannable_world() {
	python3 "$KDX_REPO/bench/gen_runbook.py" --plannable -n "$1" -l "$2" >big.kdx 2>/dev/null
	python3 "$KDX_REPO/bench/plan_world.py" "$2" || fail "world"
	echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $1 steps, $2 lanes"
}
