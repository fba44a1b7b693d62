#!/usr/bin/env bash
# Re-capture the real Terraform machine-readable output that tests/unit/test_tf_json.c parses.
# Run from the repository root when Terraform changes; review the diff before committing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/fixtures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdx-tf-capture.XXXXXX")
apid=""
mpid=""
cleanup() {
	[ -n "$apid" ] && kill "$apid" 2>/dev/null && wait "$apid" 2>/dev/null
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
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
# resource_drift (and a warning diagnostic, for -target) needs a real provider: the aws one
# against moto, with the topic changed behind Terraform's back
if command -v moto_server >/dev/null && [ -d /opt/tf-plugins ]; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
	mpid=$!
	for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
	export AWS_SHARED_CREDENTIALS_FILE=$tmp/none AWS_CONFIG_FILE=$tmp/none
	cp -R "$here/aws" "$tmp/aws"
	cd "$tmp/aws"
	tf init -input=false -plugin-dir=/opt/tf-plugins >/dev/null
	tf apply -auto-approve -input=false -json -var endpoint="http://127.0.0.1:$port" \
		-target=aws_sns_topic.alerts >/dev/null
	python3 - "http://127.0.0.1:$port" <<'PY'
import sys, boto3
sns = boto3.client("sns", endpoint_url=sys.argv[1], region_name="us-east-1")
arn = sns.list_topics()["Topics"][0]["TopicArn"]
sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="changed")
PY
	tf plan -input=false -json -var endpoint="http://127.0.0.1:$port" \
		-target=aws_sns_topic.alerts >"$out/drift.jsonl"
fi
echo "fixtures written to $out"
