#!/usr/bin/env bash
# Build and run the libFuzzer targets under tests/fuzz/ (clang, ASan+UBSan).
#   FUZZ_SECONDS  how long each target runs (default 60)
#   FUZZ_JOBS     parallel workers (default 1)
# The library is built with coverage instrumentation into build/fuzz; crashes land in
# build/fuzz/artifacts/ and the grown corpus in build/fuzz/corpus-<target>/ (the seed corpus
# in tests/fuzz/corpus/ is never written to).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
out="$repo/build/fuzz"
command -v clang >/dev/null || { echo "fuzz: clang is needed (make deps)" >&2; exit 1; }
cd "$repo"
CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" make -s BUILD=build/fuzz SANITIZE=1 CC=clang build/fuzz/libkdx.a
mkdir -p "$out/artifacts"
pkg_libs=$(pkg-config --libs json-c openssl expat libcurl 2>/dev/null || true)
status=0
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086 # pkg_libs is a list of flags
	clang -O1 -g -std=c11 -D_GNU_SOURCE -I. -Ibuild/fuzz -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o "$out/$name" "$src" "$out/libkdx.a" $pkg_libs -lm -lpthread
	mkdir -p "$out/corpus-$name"
	echo "fuzz: $name for ${secs}s"
	par=()
	[ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
	# run inside build/fuzz: libFuzzer writes its worker logs to the current directory
	if ! (cd "$out" && "$out/$name" -max_total_time="$secs" "${par[@]}" \
		-dict="$here/kdx.dict" -max_len=4096 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/" "$out/corpus-$name" "$here/corpus"); then
		echo "fuzz: $name found a failure; see $out/artifacts/" >&2
		status=1
	fi
done
exit $status
