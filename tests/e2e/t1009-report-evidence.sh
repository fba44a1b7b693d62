#!/usr/bin/env bash
# Issue #18, the evidence a report adds: every AWS request of the run (method, service,
# operation, region, status, attempts, duration -- and nothing secret: no key, session token,
# Signature or Authorization in any format or in the journal), the achieved RPO against the
# objective (the lag the gate read before the fence; "not measured" and why without a lag
# gate), and `kdx report -state URL` reading the run from an S3 store on moto (by runbook,
# by run id, and the newest run).
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/fence-lost.kdx" .
python3 "$RB/stdlib_moto_rds.py" || fail "setup"
# canaries: moto takes any key; none of these may appear anywhere kdx writes
export AWS_ACCESS_KEY_ID=AKIDKDXCANARY1009 AWS_SECRET_ACCESS_KEY=kdxSecretCanary1009xyz
export AWS_SESSION_TOKEN=kdxSessionTokenCanary1009
U='s3://kdx-e2e-evidence/runs?region=us-east-1'
"$KDX" state init -state "$U" >/dev/null || fail "state init"
"$KDX" apply -auto-approve -state "$U" fence-lost.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
run=$(python3 -c "import boto3
s3 = boto3.client('s3')
ks = [o['Key'] for o in s3.list_objects_v2(Bucket='kdx-e2e-evidence', Prefix='runs/runs/')['Contents']]
print(sorted({k.split('/')[2] for k in ks})[0])")
[ -n "$run" ] || fail "no run in the bucket"
# the run's records as S3 holds them, for the secret check
python3 -c "import boto3
s3 = boto3.client('s3')
for o in s3.list_objects_v2(Bucket='kdx-e2e-evidence', Prefix='runs/')['Contents']:
    print(s3.get_object(Bucket='kdx-e2e-evidence', Key=o['Key'])['Body'].read().decode('utf-8', 'replace'))" >stored.txt
grep -q '"requests"' stored.txt || fail "no requests journalled: $(head -c 2000 stored.txt)"

"$KDX" report -state "$U" -format json fence-lost.kdx >r.json 2>r.err || fail "report -state: $(cat r.err)"
"$KDX" report -state "$U" -format json "$run" >r2.json || fail "report -state RUN"
"$KDX" report -state "$U" -format json >r3.json || fail "report -state (newest)"
cmp -s r.json r2.json && cmp -s r.json r3.json || fail "the same run reported differently by runbook, id and newest"
"$KDX" report -state "$U" fence-lost.kdx >r.md || fail "report md"
"$KDX" report -state "$U" -format junit fence-lost.kdx >r.xml || fail "report junit"
"$KDX" report -state "$U" -format svg fence-lost.kdx >r.svg || fail "report svg"
python3 - r.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "ok", r["status"]
assert r["journal"].startswith("s3://kdx-e2e-evidence/runs/runs/"), r["journal"]
# the RPO: the 800 ms the gate read (stdlib_moto_rds.py's worst datapoint), of 5m
assert r["rpo_ms"] == 300000 and r["rpo_achieved_ms"] == 800 and r["rpo_met"] is True, r
assert "fence" in r["rpo_note"], r["rpo_note"]
ops = [(q["service"], q["operation"]) for q in r["requests"]]
assert ("cloudwatch", "GetMetricStatistics") in ops, ops
assert ("rds", "ModifyDBClusterParameterGroup") in ops, ops
for q in r["requests"]:
    assert q["method"] in ("GET", "POST", "PUT", "DELETE", "HEAD"), q
    assert q["status"] == 200 and q["attempts"] >= 1 and q["duration_ms"] is not None, q
    assert q["region"], q
    assert set(q) == {"journalled_at", "step", "method", "service", "operation", "region",
                      "error", "status", "attempts", "duration_ms", "mutating"}, q
m = [q for q in r["requests"] if q["operation"] == "ModifyDBClusterParameterGroup"]
assert len(m) == 1 and m[0]["mutating"] and m[0]["step"] == "fence" and m[0]["region"] == "us-west-2", m
print("ok")
PY
[ $? -eq 0 ] || fail "the report's requests and RPO"
assert_contains "$(cat r.md)" "| RPO achieved | 0.8s of 5m00s: met"
assert_contains "$(cat r.md)" "| POST | rds | ModifyDBClusterParameterGroup (change) | us-west-2 | 200 |"
assert_contains "$(cat r.xml)" 'name="rpo_achieved" value="0.8s"'
for f in r.json r.md r.xml r.svg stored.txt apply.out .kdx/*; do
	[ -f "$f" ] || continue
	for secret in "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "Signature=" "X-Amz-Signature" \
		"X-Amz-Security-Token" "Authorization" "Credential="; do
		grep -q -- "$secret" "$f" && fail "'$secret' in $f"
	done
done

# without a lag gate: not measured, and why
sed '/require rds.replication_lag/d; s/"fence-lost"/"no-gate"/' fence-lost.kdx >no-gate.kdx
"$KDX" apply -auto-approve no-gate.kdx >/dev/null 2>&1 || fail "apply no-gate"
out=$("$KDX" report no-gate.kdx) || fail "report no-gate"
assert_contains "$out" "| RPO achieved | not measured: no step read the replication lag"
assert_contains "$out" "(objective 5m00s)"
# errors: an unknown run id in the store; -state with -state-dir
out=$("$KDX" report -state "$U" no-such-run 2>&1) && fail "an unknown run was reported: $out"
out=$("$KDX" report -state "$U" -state-dir .kdx 2>&1) && fail "-state and -state-dir together"
assert_contains "$out" "-state and -state-dir"
echo ok
