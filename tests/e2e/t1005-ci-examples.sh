#!/usr/bin/env bash
# examples/ci: the shell the GitHub Actions and GitLab CI examples run (kdx-ci.sh), against
# moto: review of a good runbook writes every report (SARIF and JUnit valid against the
# published schemas, the Markdown plan, the saved plan) and exits 0; review of an unsafe one
# still writes every report and exits 1; publish + apply on "merge" applies the reviewed plan
# from the shared S3 store (boto3 reads the weights) and leaves the journal there; a plan
# whose live state changed after the review is refused. Both YAML files parse and call only
# what kdx-ci.sh offers.
source "$(dirname "$0")/lib.sh"
python3 -c 'import boto3, yaml' 2>/dev/null || skip "boto3 or yaml not installed"
command -v aws >/dev/null || skip "aws CLI not installed"
ci=$KDX_REPO/examples/ci
for y in "$ci/github-actions.yml" "$ci/gitlab-ci.yml"; do
	python3 - "$y" <<'PY' || fail "$y"
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
text = open(sys.argv[1]).read()
calls = re.findall(r"kdx-ci\.sh (\w+)", text)
assert set(calls) == {"review", "publish", "apply"}, calls
PY
done
start_moto
mkdir -p "$E2E_TMP/bin" && ln -s "$KDX" "$E2E_TMP/bin/kdx" && export PATH="$E2E_TMP/bin:$PATH"
cd "$E2E_TMP"
mkdir repo && cp "$KDX_REPO/templates/weighted-shift/"* repo/
python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name="example.test.", CallerReference="ci")["HostedZone"]["Id"]
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
    {"Action": "CREATE", "ResourceRecordSet": {"Name": "web.example.test.", "Type": "CNAME",
     "SetIdentifier": r, "Weight": w, "TTL": 60, "ResourceRecords": [{"Value": f"web-{r}.example.test"}]}}
    for r, w in (("us-east-1", 70), ("us-west-2", 30))]})
for r in ("us-east-1", "us-west-2"):
    a = boto3.client("autoscaling", region_name=r)
    a.create_launch_configuration(LaunchConfigurationName="web", ImageId="ami-12c6146b", InstanceType="t3.micro")
    a.create_auto_scaling_group(AutoScalingGroupName=f"web-staging-{r}", LaunchConfigurationName="web",
                                MinSize=0, MaxSize=10, DesiredCapacity=2, AvailabilityZones=[f"{r}a"])
boto3.client("s3").create_bucket(Bucket="kdx-state")
PY
cat > weights.py <<'PY'
import boto3
r53 = boto3.client("route53")
z = r53.list_hosted_zones_by_name(DNSName="example.test.")["HostedZones"][0]["Id"]
rs = r53.list_resource_record_sets(HostedZoneId=z)["ResourceRecordSets"]
print(",".join("%s=%s" % (r["SetIdentifier"], r["Weight"])
               for r in sorted(rs, key=lambda r: r.get("SetIdentifier", "")) if r["Name"] == "web.example.test."))
PY
weights() { python3 weights.py; }
assert_eq "$(weights)" "us-east-1=70,us-west-2=30"

# review: every report, exit 0
KDX_OUT=out "$ci/kdx-ci.sh" review repo/runbook.kdx repo/staging.kdxvars > review.log 2>&1 ||
	fail "review of a good runbook: $(tail -20 review.log)"
for f in kdx.sarif kdx-check.xml kdx-simulate.xml kdx-plan.md kdx.plan; do
	[ -s "out/$f" ] || fail "review did not write $f"
done
schemas=$KDX_REPO/tests/testdata/schemas
if command -v xmllint >/dev/null; then
	xmllint --noout --schema "$schemas/junit.xsd" out/kdx-check.xml out/kdx-simulate.xml 2>/dev/null ||
		fail "the JUnit reports do not validate"
fi
if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 "$KDX_REPO/tests/e2e/validate_schema.py" "$schemas/sarif-schema-2.1.0.json" out/kdx.sarif ||
		fail "the SARIF report does not validate"
fi
assert_contains "$(cat out/kdx-plan.md)" "web weights 70/30 -&gt; 0/100"
assert_eq "$(weights)" "us-east-1=70,us-west-2=30" "review changed something"

# review of an unsafe runbook: every report still written, exit 1
mkdir bad && sed 's/step shift_traffic after scale_target/step shift_traffic/' repo/runbook.kdx > bad/runbook.kdx
KDX_OUT=badout "$ci/kdx-ci.sh" review bad/runbook.kdx > bad.log 2>&1 && fail "review of an unsafe runbook passed"
assert_contains "$(cat bad.log)" "kdx-ci: check failed"
[ -s badout/kdx-check.xml ] && [ -s badout/kdx-simulate.xml ] && [ -s badout/kdx.sarif ] ||
	fail "a failed step stopped the other reports"
grep -q '<failure' badout/kdx-check.xml || fail "the unsafe runbook's JUnit has no failure"

# publish the reviewed plan, apply it on merge from the shared store
export KDX_STORE=s3://kdx-state/kaldrix
"$ci/kdx-ci.sh" publish out/kdx.plan abc123 || fail "publish"
"$ci/kdx-ci.sh" apply abc123 > apply.log 2>&1 || fail "apply: $(tail -20 apply.log)"
assert_contains "$(cat apply.log)" "run ok"
assert_eq "$(weights)" "us-east-1=0,us-west-2=100" "after apply"
journals=$(aws s3 ls --recursive s3://kdx-state/kaldrix/runs/ | grep -c '\.jsonl$')
assert_eq "$journals" 1 "the journal is in the shared store"
out=$("$ci/kdx-ci.sh" apply nosuchsha 2>&1) && fail "apply of an unreviewed sha"
assert_contains "$out" "no reviewed plan for nosuchsha"

# a plan whose live state changed after the review is refused, and nothing is sent
KDX_OUT=out2 "$ci/kdx-ci.sh" review repo/runbook.kdx repo/staging.kdxvars > review2.log 2>&1 || fail "review 2"
"$ci/kdx-ci.sh" publish out2/kdx.plan def456 || fail "publish 2"
aws autoscaling update-auto-scaling-group --region us-west-2 --auto-scaling-group-name web-staging-us-west-2 \
	--desired-capacity 3
out=$("$ci/kdx-ci.sh" apply def456 2>&1) && fail "a stale plan was applied"
assert_contains "$out" "plan is stale"
assert_eq "$(weights)" "us-east-1=0,us-west-2=100" "a refused apply changed something"
out=$(KDX_STORE=/tmp/x "$ci/kdx-ci.sh" apply abc 2>&1) && fail "a non-S3 store accepted"
assert_contains "$out" "KDX_STORE must be s3://"
echo ok
