#!/usr/bin/env bash
# Measure the AWS model/protocol layer (model load, serialise, parse) and one whole
# `kdx aws call -dry-run` process. Run from the repository root after `make`.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/libkdx.a
out=build/bench_proto
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -I. $(pkg-config --cflags json-c expat) -o "$out" \
	tests/aws/bench_proto.c build/libkdx.a \
	$(pkg-config --libs json-c openssl expat) -lm -lpthread
"$out"
make -s kdx
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
n=50
start=$(date +%s%N)
for _ in $(seq $n); do
	./kdx aws call rds DescribeDBClusters -dry-run >/dev/null
done
echo "kdx aws call rds DescribeDBClusters -dry-run: $(( ($(date +%s%N) - start) / n / 1000 )) us per process"
