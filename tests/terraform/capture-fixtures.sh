#!/usr/bin/env bash
# Re-capture the real Terraform machine-readable output that tests/unit/test_tf_json.c parses.
# Run from the repository root when Terraform changes; review the diff before committing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/fixtures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdx-tf-capture.XXXXXX")
apid=
cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null && wait "$apid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_CLI_CONFIG_FILE TF_LOG
tf() { terraform "$@"; }

cp -R "$here/data" "$tmp/data"
cd "$tmp/data"
tf init -input=false -json >"$out/init.jsonl"
tf plan -input=false -json -out=plan.tfplan >"$out/plan.jsonl"
tf show -json plan.tfplan >"$out/show-create.json"
tf apply -input=false -json plan.tfplan >"$out/apply.jsonl"
tf output -json >"$out/output.json"
# replicas feeds a's input (update) and b's triggers_replace (replace)
tf plan -input=false -json -var replicas=5 -out=plan2.tfplan >"$out/plan-update.jsonl"
tf show -json plan2.tfplan >"$out/show-update.json"
tf destroy -auto-approve -input=false -json >"$out/destroy.jsonl"

cp -R "$here/fail" "$tmp/fail"
cd "$tmp/fail"
tf init -input=false -json >/dev/null
tf plan -input=false -json -out=p >"$out/precondition.jsonl" || true

cp -R "$here/undeclared" "$tmp/undeclared"
cd "$tmp/undeclared"
tf init -input=false -json >/dev/null
tf plan -input=false -json >"$out/undeclared.jsonl" || true

cp -R "$here/slow" "$tmp/slow"
cd "$tmp/slow"
tf init -input=false -json >/dev/null
# a background job starts with SIGINT ignored; give Terraform the default back
env --default-signal=INT terraform apply -auto-approve -input=false -json -var seconds=20 -var pidfile="$tmp/pid" >apply.log &
apid=$!
for _ in $(seq 1 100); do [ -s "$tmp/pid" ] && break; sleep 0.1; done
tf plan -input=false -json -lock-timeout=1s -var pidfile=x >"$out/lock.jsonl" || true
kill -INT "$apid"
wait "$apid" || true
apid=
cp apply.log "$out/interrupt.jsonl"
echo "fixtures written to $out"
