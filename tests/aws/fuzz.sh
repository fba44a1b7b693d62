#!/usr/bin/env bash
# Fuzz the AWS response parsers (tests/aws/fuzz_aws_response.c) with libFuzzer, ASan and
# UBSan, seeded with the captured responses in tests/aws/fixtures.
#   FUZZ_SECONDS  how long (default 60)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$repo/build/fuzz"
cd "$repo"
CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" make -s BUILD=build/fuzz SANITIZE=1 CC=clang build/fuzz/libkdx.a
# shellcheck disable=SC2046
clang -O1 -g -std=c11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -o "$out/fuzz_aws_response" "$here/fuzz_aws_response.c" \
	"$out/libkdx.a" $(pkg-config --libs json-c openssl expat) -lm -lpthread
seeds="$out/seeds-aws"
mkdir -p "$seeds" "$out/corpus-aws" "$out/artifacts"
i=0
for f in "$here"/fixtures/*.http; do
	# one seed per fixture and protocol byte: the body after the blank line
	for b in 0 1 4 5 7 8 9 10 128 129 132 133 135 136 137 138; do
		{ printf '%b' "\\$(printf %03o "$b")"; sed '1,/^$/d' "$f"; } >"$seeds/$i-$b"
	done
	i=$((i + 1))
done
cd "$out"
./fuzz_aws_response -max_total_time="${FUZZ_SECONDS:-60}" -max_len=8192 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$out/artifacts/" "$out/corpus-aws" "$seeds"
