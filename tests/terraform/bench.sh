#!/usr/bin/env bash
# What kdx adds to a Terraform run: N runs of `terraform output -json` and of
# `terraform plan` on the terraform_data config, directly and through `kdx terraform`.
# Usage: tests/terraform/bench.sh [N]   (from the repository root, after make)
set -euo pipefail
n=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
kdx=${KDX:-$here/../../kdx}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdx-tf-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
cp -R "$here/data" "$tmp/data"
"$kdx" terraform init "$tmp/data" >/dev/null
"$kdx" terraform apply "$tmp/data" >/dev/null
ms() { date +%s%N | cut -c1-13; }
bench() { # label, command...
	local label=$1 t0 t1
	shift
	t0=$(ms)
	for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1; done
	t1=$(ms)
	printf '%-40s %6d ms/run\n' "$label" $(((t1 - t0) / n))
}
bench "terraform output -json" terraform -chdir="$tmp/data" output -json
bench "kdx terraform output" "$kdx" terraform output "$tmp/data"
bench "terraform plan -json -out" terraform -chdir="$tmp/data" plan -json -input=false -out="$tmp/p"
bench "kdx terraform plan (plan + show -json)" "$kdx" terraform plan "$tmp/data" -out "$tmp/p"
