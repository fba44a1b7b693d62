#!/usr/bin/env bash
# aws/elbv2 on moto_server (tests/e2e/runbooks/stdlib-moto-elbv2.kdx): an ALB's weighted
# target groups as a traffic resource. boto3 reads every load balancer, listener, rule and
# target group complete before, after the apply (only the target group weights of the
# listener's default action -- which moto also shows as the default rule -- and of the
# /api/* rule differ; stickiness, conditions and the untouched /static/* rule stay) and
# after `kdx rollback` (nothing differs). `kdx check` holds the weights to the rules of
# Route 53's: they sum to 100 %, and no region gets more than its capacity.
# identical-world: stdlib-moto-elbv2.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
W="$KDX_REPO/tests/e2e/world.py"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-elbv2.kdx" .
python3 "$RB/stdlib_moto_elbv2.py" elb.kdxvars || fail "setup"
python3 "$W" dump elbv2 >before.json || fail "read before"
"$KDX" apply -auto-approve -var-file elb.kdxvars stdlib-moto-elbv2.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
python3 "$W" dump elbv2 >after.json || fail "read after"
python3 "$W" diff before.json after.json >diff.out
# every change is a Weight, of the listener's default action (and its default rule) and the api rule
assert_eq "$(sed 's/: .*//' diff.out | sed 's/.*\/\(Actions\|DefaultActions\)\//\1\//' | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
	" 2 Actions/0/ForwardConfig/TargetGroups/0/Weight; 2 Actions/0/ForwardConfig/TargetGroups/1/Weight; 1 DefaultActions/0/ForwardConfig/TargetGroups/0/Weight; 1 DefaultActions/0/ForwardConfig/TargetGroups/1/Weight;" \
	"what the apply changed"
rule=$(sed -n 's/^rule_arn = "\(.*\)"$/\1/p' elb.kdxvars)
listener=$(sed -n 's/^listener_arn = "\(.*\)"$/\1/p' elb.kdxvars)
assert_contains "$(cat diff.out)" "listener $listener/DefaultActions/0/ForwardConfig/TargetGroups/1/Weight: 0 -> 70"
assert_contains "$(cat diff.out)" "rule $rule/Actions/0/ForwardConfig/TargetGroups/1/Weight: 0 -> 100"
assert_eq "$(python3 -c 'import json,sys; d=json.load(open("after.json"))["elbv2"]; print(d["us-east-1 listener '"$listener"'"]["DefaultActions"][0]["ForwardConfig"]["TargetGroupStickinessConfig"])')" \
	"{'DurationSeconds': 300, 'Enabled': True}" "the stickiness kept"
"$KDX" rollback -var-file elb.kdxvars stdlib-moto-elbv2.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
python3 "$W" dump elbv2 >back.json || fail "read after rollback"
assert_eq "$(python3 "$W" diff before.json back.json)" "" "the world after the rollback"
# the traffic analysis: weights that sum to 110 %
sed 's/"us-east-1" = 30%, "us-west-2" = 70%/"us-east-1" = 40%, "us-west-2" = 70%/' stdlib-moto-elbv2.kdx >sum.kdx
"$KDX" check -var-file elb.kdxvars sum.kdx >sum.out 2>&1 && fail "weights summing to 110% passed"
assert_contains "$(cat sum.out)" "weights of 'alb' set by step 'shift_alb' sum to 110%, not 100%"
# the capacity analysis: west may carry 50 %, the steps give it 70 % and 100 %
python3 - <<'PY'
s = open("stdlib-moto-elbv2.kdx").read()
i = s.index("role     = secondary")
open("cap.kdx", "w").write(s[:i] + s[i:].replace("capacity = 100%", "capacity = 50%", 1))
PY
"$KDX" check -var-file elb.kdxvars cap.kdx >cap.out 2>&1 && fail "weight above capacity passed"
assert_contains "$(cat cap.out)" "step 'shift_alb' gives 'us-west-2' 70% of 'alb' but its capacity may still be 50%"
assert_contains "$(cat cap.out)" "step 'shift_api' gives 'us-west-2' 100% of 'api' but its capacity may still be 50%"
# a target group of no region in the forward action is an error, never a silent rewrite
sed 's/"us-west-2" = west_tg }/"us-west-2" = "${west_tg}x" }/' stdlib-moto-elbv2.kdx >stray.kdx
"$KDX" plan -var-file elb.kdxvars stray.kdx >stray.out 2>&1 && fail "a stray target group passed the plan"
assert_contains "$(cat stray.out)" "the forward action sends to target groups of no region"
python3 "$W" dump elbv2 >still.json || fail "read at the end"
assert_eq "$(python3 "$W" diff back.json still.json)" "" "the world after the failed plan"
echo ok
