#!/usr/bin/env bash
# The plan's field-level diff is what apply changes (issue #14): on moto, against a weighted
# record and an Auto Scaling group made by boto3 with fields no runbook declares
# (runbooks/rmw_setup.py), kdx plan -json of runbooks/truth-diff.kdx (scale web, shift api,
# move api part way back) lists per object and field before -> after; composed over the
# steps, those are exactly the fields world.py (boto3, every field of every object) sees
# change when the plan is applied -- no more, no fewer, same values. The second write of api
# is planned from the predicted world and marked so. Text, -format md and kdx show of the
# saved plan say the same; an undo that would put back something else is flagged. Then the
# same comparison for t0655's compute runbook (Auto Scaling, EKS, ECS, CloudWatch alarm):
# eight fields planned, the same eight applied (tests/e2e/plan_vs_world.py).
# identical-world: truth-diff.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
W="$KDX_REPO/tests/e2e/world.py"
cd "$E2E_TMP"
cp "$RB/truth-diff.kdx" .
python3 "$RB/rmw_setup.py" || fail "setup"
python3 "$W" dump route53 autoscaling >before.json || fail "dump"

"$KDX" plan -json truth-diff.kdx >plan.json 2>plan.err || fail "plan -json: $(cat plan.err)"
"$KDX" plan truth-diff.kdx >plan.txt 2>&1 || fail "plan: $(cat plan.txt)"
for want in "diff: AutoScalingGroupName=web in us-west-2 (autoscaling UpdateAutoScalingGroup)" \
	"DesiredCapacity: 2 -> 4" "diff: Name=api.example.test. Type=CNAME SetIdentifier=us-east-1" \
	"Weight: 60 -> 0" "Weight: 40 -> 100" "Weight: 0 -> 30 (predicted)" \
	"Weight: 100 -> 70 (predicted)" "6 other fields unchanged" \
	"undo puts back: the state before the step"; do
	assert_contains "$(cat plan.txt)" "$want" "plan text"
done
grep -q "DIFFERS" plan.txt && fail "an own undo flagged as differing: $(cat plan.txt)"
# the saved plan, kdx show and -format md carry the same diff
"$KDX" plan -out p.plan truth-diff.kdx >/dev/null 2>&1 || fail "plan -out"
"$KDX" show p.plan >show.txt 2>&1 || fail "show: $(cat show.txt)"
"$KDX" show -format md p.plan >show.md 2>&1 || fail "show md: $(cat show.md)"
for want in "Weight: 0 -> 30 (predicted)" "DesiredCapacity: 2 -> 4" "21 other fields unchanged"; do
	assert_contains "$(cat show.txt)" "$want" "kdx show"
	assert_contains "$(cat show.md)" "$want" "kdx show -format md"
done
assert_eq "$(grep -c -- ' -> ' <(grep -A99 '^     diff:' plan.txt | grep -E '^       [A-Za-z.]+: '))" 5 "changed fields in the text plan"

"$KDX" apply -auto-approve truth-diff.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
python3 "$W" dump route53 autoscaling >after.json
python3 "$W" diff before.json after.json >world.diff
# compose the plan's per-step diffs (first before, last after per object and field) and
# compare with what boto3 sees changed; InService is world.py's count of instances, which
# moto launches as the desired capacity moves (not a field of any request)
python3 "$KDX_REPO/tests/e2e/plan_vs_world.py" plan.json world.diff InService >compare.out 2>&1 ||
	fail "plan and apply disagree: $(cat compare.out)"
assert_eq "$(grep -c '^  ' compare.out)" 6 "three fields planned and applied: $(cat compare.out)"
cat compare.out

# the rollback puts back every field (the undos the plan said put back the state before)
"$KDX" rollback truth-diff.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
python3 "$W" dump route53 autoscaling >restored.json
python3 "$W" diff before.json restored.json >restored.diff
[ -s restored.diff ] && fail "rollback did not restore the world: $(cat restored.diff)"

# an explicit undo that would put back 50/50 where the step found (predicted) 0/100
"$KDX" plan -json -var back_undo_east=50% truth-diff.kdx >bad.json 2>/dev/null || fail "plan with another undo"
"$KDX" plan -var back_undo_east=50% truth-diff.kdx >bad.txt 2>&1 || fail "plan text with another undo"
assert_contains "$(cat bad.txt)" "undo puts back: DIFFERS from the state before the step:"
assert_contains "$(cat bad.txt)" "SetIdentifier=us-east-1 Weight: before the step 0 (predicted), undo sets 50"
python3 - bad.json <<'PY' || fail "undo_check in -json"
import json, sys
st = json.load(open(sys.argv[1]))["steps"]
assert [s.get("undo_check") for s in st] == ["live", "live", "differs"], [s.get("undo_check") for s in st]
assert st[2]["undo_differs"] is True
PY

# the same for the compute actions (t0655's runbook on t0655's world): Auto Scaling, EKS
# node groups, ECS services, a CloudWatch alarm -- later writes of the same group, node
# group and service planned from the predicted world. StateReason is not kept by world.py
# (every state change rewrites it); put_metric restates nothing it read.
stop_moto
start_moto
mkdir -p "$E2E_TMP/compute" && cd "$E2E_TMP/compute"
cp "$RB/stdlib-moto-compute.kdx" .
python3 "$RB/stdlib_moto_compute.py" || fail "compute setup"
python3 "$W" dump autoscaling eks ecs cloudwatch >before.json || fail "dump"
# (exit 1: tasks_ready requires 3 running tasks, which only the step before starts; the plan
# reads the live world, where they are not yet -- the document is whole)
"$KDX" plan -json stdlib-moto-compute.kdx >plan.json 2>plan.err && fail "the compute plan passed its require"
assert_contains "$(cat plan.err)" "1 require DOES NOT HOLD now"
python3 - plan.json <<'PY' || fail "eks.set_sizes not planned from the predicted world"
import json, sys
st = {s["name"]: s for s in json.load(open(sys.argv[1]))["steps"]}
f = [f for e in st["nodes_sizes"]["diff"] for f in e["fields"]]
assert {"field": "scalingConfig.desiredSize", "before": 2, "after": 3, "predicted": True} in f, f
PY
"$KDX" apply -auto-approve stdlib-moto-compute.kdx >apply.out 2>&1 || fail "compute apply: $(cat apply.out)"
python3 "$W" dump autoscaling eks ecs cloudwatch >after.json
python3 "$W" diff before.json after.json >world.diff
python3 "$KDX_REPO/tests/e2e/plan_vs_world.py" plan.json world.diff InService StateReason >compare.out 2>&1 ||
	fail "compute: plan and apply disagree: $(cat compare.out)"
cat compare.out
echo ok
