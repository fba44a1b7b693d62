#!/usr/bin/env bash
# Build and run bench/sched_overhead.c against build/libkdx.a (run `make` first).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libkdx.a
out=$(mktemp -d /tmp/kdx-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT
read -ra libs <<<"$(pkg-config --libs json-c openssl expat)"
cc -O2 -std=c11 -D_GNU_SOURCE -I. -o "$out/sched_overhead" bench/sched_overhead.c build/libkdx.a \
	"${libs[@]}" -lm -lpthread
"$out/sched_overhead" "$out"
