#!/usr/bin/env bash
# Build and run the libFuzzer targets under tests/fuzz/ (clang, ASan+UBSan).
#   FUZZ_SECONDS  how long each target runs at most (default 60)
#   FUZZ_RUNS     stop each target after this many executions instead (e.g. 1000000)
#   FUZZ_TARGETS  a regex of the targets to run (default: all, e.g. 'fuzz_aws_')
#   FUZZ_JOBS     parallel workers (default 1)
# The AWS response targets (fuzz_aws_*) are seeded with the captured responses in
# tests/aws/fixtures (the body, or the headers and body, behind each selector byte), the
# rules target with a few parameter sets; the others with tests/fuzz/corpus.
# The library is built with coverage instrumentation into build/fuzz; crashes land in
# build/fuzz/artifacts/ and the grown corpus in build/fuzz/corpus-<target>/ (the seed corpus
# in tests/fuzz/corpus/ is never written to).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}
only=${FUZZ_TARGETS:-.}
jobs=${FUZZ_JOBS:-1}
out="$repo/build/fuzz"
cd "$repo"
pkg_libs=$(pkg-config --libs json-c openssl expat libcurl 2>/dev/null || true)
# seeds_for NAME: the seed directory of a target
seeds_for() {
	local name=$1 dir="$out/seeds-$1" i=0 f b
	case $name in
	fuzz_aws_rules)
		mkdir -p "$dir"
		printf '\000us-east-1' >"$dir/s3"
		printf '\001eu-west-1\000http://127.0.0.1:5000' >"$dir/sts"
		printf '\000us-west-2\000\000my.bucket\000key' >"$dir/s3-bucket"
		printf '\000us-east-1\000\000arn:aws:s3:us-east-1:123456789012:accesspoint/ap' >"$dir/arn"
		printf '\030cn-north-1' >"$dir/fips-dual"
		printf '\377{"version":"1.0","parameters":{"Region":{"type":"string"}},"rules":[{"type":"endpoint","conditions":[{"fn":"aws.partition","argv":[{"ref":"Region"}],"assign":"p"}],"endpoint":{"url":"https://x.{Region}.{p#dnsSuffix}"}}]}' >"$dir/own"
		;;
	fuzz_aws_*)
		mkdir -p "$dir"
		for f in "$repo"/tests/aws/fixtures/*.http; do
			for b in 0 1 2 3 4 5 6 7 8 9 10 11 128 129 130 131 132 133 134 135 136 137 138 139; do
				if [ "$name" = fuzz_aws_xml ] || [ "$name" = fuzz_aws_json ]; then
					{ printf '%b' "\\$(printf %03o "$b")"; sed '1,/^\r*$/d' "$f"; } >"$dir/$i-$b"
				else
					# status line dropped, headers and body kept
					{ printf '%b' "\\$(printf %03o "$b")"; sed '1d; s/\r$//' "$f"; } >"$dir/$i-$b"
				fi
			done
			i=$((i + 1))
		done
		;;
	*) dir="$here/corpus" ;;
	esac
	echo "$dir"
}

# `run.sh seeds NAME DIR`: only write NAME's seeds under DIR and print their directory (the
# smoke run in make test, t0943, uses them without libFuzzer)
if [ "${1:-}" = seeds ]; then
	out=$3
	seeds_for "$2"
	exit 0
fi
command -v clang >/dev/null || { echo "fuzz: clang is needed (make deps)" >&2; exit 1; }
CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" make -s BUILD=build/fuzz SANITIZE=1 CC=clang build/fuzz/libkdx.a
mkdir -p "$out/artifacts"

status=0
for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	[[ $name =~ $only ]] || continue
	# shellcheck disable=SC2086 # pkg_libs is a list of flags
	clang -O1 -g -std=c11 -D_GNU_SOURCE -I. -Ibuild/fuzz -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o "$out/$name" "$src" "$out/libkdx.a" $pkg_libs -lm -lpthread
	mkdir -p "$out/corpus-$name"
	seeds=$(seeds_for "$name")
	echo "fuzz: $name for at most ${secs}s${FUZZ_RUNS:+ or $runs runs}"
	par=()
	[ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
	# run inside build/fuzz: libFuzzer writes its worker logs to the current directory
	dict=(-max_len=8192)
	[[ $name == fuzz_aws_* ]] || dict=(-dict="$here/kdx.dict" -max_len=4096)
	if ! (cd "$out" && "$out/$name" -max_total_time="$secs" -runs="$runs" "${par[@]}" \
		"${dict[@]}" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/" "$out/corpus-$name" "$seeds"); then
		echo "fuzz: $name found a failure; see $out/artifacts/" >&2
		status=1
	fi
done
exit $status
