#!/usr/bin/env bash
# kdx report against a real run on moto: apply (with an approval gate), then rollback, of
# the weighted-shift template. Every apply/resume/rollback leaves NAME.report.md/.json next
# to its journal; the predicted time of each step is exactly what `kdx simulate -json`
# draws (seed 1); the actual times, attempts, the approval and who gave it, the undo of
# each step and the rollback come from the journal; SVG is well-formed XML with a predicted
# and an actual bar per step; JUnit validates against the XSD with one case per step. No
# secret in any report.
source "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
cd "$E2E_TMP"
cp "$KDX_REPO/templates/weighted-shift/"* .
sed -i 's/  retry 2 backoff 2s/  retry 2 backoff 2s\n  approval/' runbook.kdx
python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name="example.test.", CallerReference="rep")["HostedZone"]["Id"]
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "web.example.test.", "Type": "CNAME",
     "SetIdentifier": r, "Weight": w, "TTL": 60, "ResourceRecords": [{"Value": f"web-{r}.example.test"}]}}
    for r, w in (("us-east-1", 70), ("us-west-2", 30))]})
for r in ("us-east-1", "us-west-2"):
    a = boto3.client("autoscaling", region_name=r)
    a.create_launch_configuration(LaunchConfigurationName="web", ImageId="ami-12c6146b", InstanceType="t3.micro")
    a.create_auto_scaling_group(AutoScalingGroupName=f"web-staging-{r}", LaunchConfigurationName="web",
                                MinSize=0, MaxSize=10, DesiredCapacity=2, AvailabilityZones=[f"{r}a"])
PY
"$KDX" apply -auto-approve -approve shift_traffic -var-file staging.kdxvars runbook.kdx > apply.out 2>&1 ||
	fail "apply: $(cat apply.out)"
j=$(ls .kdx/*.jsonl)
base=${j%.jsonl}
[ -s "$base.report.md" ] && [ -s "$base.report.json" ] || fail "apply wrote no report beside its journal"
grep -q "$AWS_SECRET_ACCESS_KEY" "$base".report.* && fail "a secret in the report"
"$KDX" report -format json > r1.json || fail "report -format json"
cmp -s r1.json "$base.report.json" || fail "the automatic report differs from kdx report"
"$KDX" simulate -json -var-file staging.kdxvars runbook.kdx > sim.json || fail "simulate"
python3 - r1.json sim.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ev = [json.loads(l) for l in open(sys.argv[2]) if '"type":"event"' in l]
pred = {}
for e in ev:
    if e["event"] == "start":
        pred.setdefault(e["step"], [e["at_ms"], None])
    elif e["event"] == "done":
        pred[e["step"]][1] = e["at_ms"]
assert r["status"] == "ok" and r["commands"] == "apply", r
assert r["rto_ms"] == 900000 and r["rto_met"] is True and r["rto_achieved_ms"] >= 0, r
steps = {s["name"]: s for s in r["steps"]}
assert list(steps) == ["scale_target", "shift_traffic"], steps
for n, s in steps.items():
    assert s["predicted_ms"] == pred[n][1] - pred[n][0], (n, s, pred[n])
    assert s["result"] == "done" and s["attempts"] == 1 and s["actual_ms"] is not None, s
    assert s["mutating_requests"] == 1 and s["undo"] is None, s
assert steps["shift_traffic"]["approved"] is True and steps["shift_traffic"]["approved_by"], steps
assert steps["scale_target"]["approved_by"] is None
print("ok")
PY
[ $? -eq 0 ] || fail "report after apply"
md=$("$KDX" report)
assert_contains "$md" "| Status | **ok** |"
assert_contains "$md" "of 15m00s: met"
assert_contains "$md" "approved by"
# rollback rewrites the report: both steps undone, the rollback's reason
"$KDX" rollback runbook.kdx > rb.out 2>&1 || fail "rollback: $(cat rb.out)"
python3 - "$base.report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "rolled_back" and r["commands"] == "apply, rollback", r
assert all(s["undo"] == "undone" for s in r["steps"]), r["steps"]
assert r["rollbacks"] == ["requested by 'kdx rollback'"], r["rollbacks"]
print("ok")
PY
[ $? -eq 0 ] || fail "report after rollback"
# the other formats, by runbook and by journal
"$KDX" report -format svg runbook.kdx > t.svg || fail "svg"
xmllint --noout t.svg || fail "the SVG is not well-formed"
assert_eq "$(grep -c 'class="predicted"' t.svg)" 2
assert_eq "$(grep -c 'class="actual"' t.svg)" 2
"$KDX" report -format junit "$j" > t.xml || fail "junit"
xmllint --noout --schema "$KDX_REPO/tests/testdata/schemas/junit.xsd" t.xml 2>/dev/null || fail "the JUnit report does not validate"
assert_eq "$(xmllint --xpath 'count(//testcase)' t.xml)" 2
"$KDX" report -o out.md "$j" && [ -s out.md ] || fail "report -o"
# errors: no run, a damaged journal
out=$(cd / && "$KDX" report -state-dir "$E2E_TMP/nothing" 2>&1) && fail "report without a run"
assert_contains "$out" "no run in"
head -c 200 "$j" > torn.jsonl; printf 'garbage\n{"x":1}\n' >> torn.jsonl
out=$("$KDX" report torn.jsonl 2>&1) && fail "a damaged journal was reported"
assert_contains "$out" "torn.jsonl"
echo ok
