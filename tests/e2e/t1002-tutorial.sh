#!/usr/bin/env bash
# docs/tutorial.md stays true: every ```sh block of it runs, in order, in one shell, against
# a moto_server this test starts (the tutorial's ```shell block that starts moto is not
# run). boto3 reads the full state of what the tutorial touches (every record set of the
# zone, every Auto Scaling group) after setup, after apply and after rollback: apply
# changes exactly the weights and us-west-2's capacity; rollback restores the rest exactly.
source "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
command -v aws >/dev/null || skip "aws CLI not installed"
start_moto
mkdir -p "$E2E_TMP/bin" "$E2E_TMP/work"
ln -s "$KDX" "$E2E_TMP/bin/kdx"
export PATH="$E2E_TMP/bin:$PATH"
# the blocks, one script; a state dump after the setup block and after each kdx block
python3 - "$KDX_REPO/docs/tutorial.md" > "$E2E_TMP/tutorial.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
print("set -euo pipefail")
for i, b in enumerate(blocks):
    print(f"echo '### block {i}'")
    print(b)
    print(f"python3 \"$STATE\" > \"$OUT/state.{i}.json\"")
PY
[ "$(grep -c '### block' "$E2E_TMP/tutorial.sh")" -ge 7 ] || fail "too few sh blocks in the tutorial"
cat > "$E2E_TMP/state.py" <<'PY'
import json
import boto3
s = {}
r53 = boto3.client("route53")
for z in r53.list_hosted_zones()["HostedZones"]:
    rr = r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]
    s[z["Name"]] = sorted(rr, key=lambda r: (r["Name"], r["Type"], r.get("SetIdentifier", "")))
for region in ("us-east-1", "us-west-2"):
    asg = boto3.client("autoscaling", region_name=region)
    for g in asg.describe_auto_scaling_groups()["AutoScalingGroups"]:
        g.pop("Instances", None)  # moto's instance ids are new on every scale
        s[region + "/" + g["AutoScalingGroupName"]] = g
print(json.dumps(s, sort_keys=True, default=str))
PY
cd "$E2E_TMP/work"
STATE="$E2E_TMP/state.py" OUT="$E2E_TMP" bash "$E2E_TMP/tutorial.sh" > "$E2E_TMP/tutorial.out" 2>&1 ||
	fail "the tutorial failed: $(tail -30 "$E2E_TMP/tutorial.out")"
out=$(cat "$E2E_TMP/tutorial.out")
assert_contains "$out" "is safe: 2 steps"
assert_contains "$out" "expect rto <= 15m: passed"
assert_contains "$out" ", 0 unsafe"
assert_contains "$out" "change: web weights 70/30 -> 0/100"
assert_contains "$out" "Authorization: <redacted>"
assert_contains "$out" "dry run: "
assert_contains "$out" "run ok"
assert_contains "$out" "rollback: rolled_back"
# the report block: the run's evidence after apply and rollback
assert_contains "$out" "| Commands | apply, rollback |"
assert_contains "$out" "| Status | **rolled_back** |"
assert_contains "$out" "| RTO achieved | "
grep -q "$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/tutorial.out" && fail "the secret key was printed"
# which state dump is which: find the blocks by what they run
n() { grep -n "### block\|$1" "$E2E_TMP/tutorial.sh" | grep -B1 "$1" | head -1 | sed 's/.*block \([0-9]*\).*/\1/'; }
setup=$(n "create-auto-scaling-group"); dry=$(n "apply -dry-run"); applied=$(n "apply -auto-approve")
rolled=$(n "kdx rollback")
python3 - "$E2E_TMP" "$setup" "$dry" "$applied" "$rolled" <<'PY'
import json, sys
d, setup, dry, applied, rolled = sys.argv[1], *sys.argv[2:]
st = lambda i: json.load(open(f"{d}/state.{i}.json"))
a, b, c, r = st(setup), st(dry), st(applied), st(rolled)
assert a == b, "the dry run changed something"
def weights(s):
    z = s["example.test."]
    return {x["SetIdentifier"]: x["Weight"] for x in z if x["Name"] == "web.example.test."}
assert weights(a) == {"us-east-1": 70, "us-west-2": 30}, weights(a)
assert weights(c) == {"us-east-1": 0, "us-west-2": 100}, weights(c)
west = "us-west-2/web-staging-us-west-2"
assert a[west]["DesiredCapacity"] == 2 and c[west]["DesiredCapacity"] == 4, c[west]
# apply changed only the weights and us-west-2's desired capacity (and MaxSize it may raise)
c2 = json.loads(json.dumps(c))
for x in c2["example.test."]:
    if x["Name"] == "web.example.test.":
        x["Weight"] = weights(a)[x["SetIdentifier"]]
c2[west]["DesiredCapacity"], c2[west]["MaxSize"] = a[west]["DesiredCapacity"], a[west]["MaxSize"]
assert c2 == a, "apply changed more than the runbook says"
# rollback restored everything except what the undo of set_capacity does not own: MaxSize
r2 = json.loads(json.dumps(r))
r2[west]["MaxSize"] = a[west]["MaxSize"]
assert r2 == a, "rollback did not restore the state: %s" % json.dumps(
    {k: (a.get(k), r.get(k)) for k in set(a) | set(r) if a.get(k) != r.get(k)})
print("state ok")
PY
[ $? -eq 0 ] || fail "state comparison"
echo ok
