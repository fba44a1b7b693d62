#!/usr/bin/env bash
# kdx plan shows the whole truth (issue #14.4), against moto: the approval gates that will
# apply (step, condition, how to give them), each `require` with the value read now and its
# bound, an explicit undo target flagged when it is not the live state, a `require` that
# does not hold now fails the plan (exit 1), and -detailed-exitcode
# is 0 when every write would set what is already there. plans/failover.kdx with
# -var environment=production shows its approval gate and exits 1 on its lag gate (moto has
# no replication lag data: the gate reads 1h).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
python3 "$RB/rmw_setup.py" || fail "setup"
python3 "$RB/setup_failover.py" production.kaldrix.io production >/dev/null || fail "setup failover"
# a gate and two requires on the 60/40 record: one holds, one does not
sed -e 's/^step shift {$/step shift {\n  require route53.get_weights(api)["us-east-1"] >= 50%\n  require route53.get_weights(api)["us-west-2"] > 90%\n  approval when zone == "example.test."/' \
	"$RB/rmw-route53.kdx" >gated.kdx
"$KDX" plan gated.kdx >gated.out 2>&1 && fail "a plan with a require that does not hold passed: $(cat gated.out)"
assert_contains "$(cat gated.out)" "approval: REQUIRED (when zone == \"example.test.\") -- given by 'kdx apply -approve shift'"
assert_contains "$(cat gated.out)" "require route53.get_weights(api)[\"us-east-1\"] >= 50%: holds now (value 60%, bound 50%)"
assert_contains "$(cat gated.out)" "require route53.get_weights(api)[\"us-west-2\"] > 90%: DOES NOT HOLD now (value 40%, bound 90%)"
assert_contains "$(cat gated.out)" "1 require DOES NOT HOLD now: apply would stop there"
"$KDX" plan -json gated.kdx >gated.json 2>/dev/null && fail "plan -json passed"
python3 - <<'PY' || fail "the JSON plan does not show the gate and the requires: $(cat gated.json)"
import json
s = json.load(open("gated.json"))["steps"][0]
assert s["approval"] is True
assert s["approval_gate"] == {"required": True, "when": 'zone == "example.test."', "min": 1,
                         "approve_with": "-approve STEP, an -approvals file, the prompt, or kdx approve"}, s["approval_gate"]
assert [(r["now"], r["value"], r["bound"]) for r in s["requires"]] == [("holds", "60%", "50%"), ("fails", "40%", "90%")], s["requires"]
PY
# -detailed-exitcode: 2 for a real change, 0 when the weights are already what the step sets
rc=0
"$KDX" plan -detailed-exitcode "$RB/rmw-route53.kdx" >change.out 2>&1 || rc=$?
assert_eq "$rc" 2 "exit code of a plan that changes weights"
sed 's/"us-east-1" = 0%, "us-west-2" = 100%/"us-east-1" = 60%, "us-west-2" = 40%/' "$RB/rmw-route53.kdx" >same.kdx
"$KDX" plan -detailed-exitcode same.kdx >same.out 2>&1 || fail "a plan that changes nothing: exit $?: $(cat same.out)"
assert_contains "$(cat same.out)" "already in place: its verify holds now, apply would change nothing"
# an explicit undo that would not put back what is live is flagged (text and -json)
sed 's/^  do route53.set_weights(api, { "us-east-1" = 0%, "us-west-2" = 100% })$/&\n  undo route53.set_weights(api, { "us-east-1" = 50%, "us-west-2" = 50% })/' \
	"$RB/rmw-route53.kdx" >undo.kdx
"$KDX" plan undo.kdx >undo.out 2>&1 || fail "plan with an explicit undo: $(cat undo.out)"
assert_contains "$(cat undo.out)" 'undo target: { "us-east-1" = 50%, "us-west-2" = 50% } -- DIFFERS from the live state { "us-east-1" = 60%, "us-west-2" = 40% }'
"$KDX" plan -json undo.kdx | python3 -c 'import json,sys; s=json.load(sys.stdin)["steps"][0]; assert s["undo_differs"] is True, s' \
	|| fail "plan -json does not flag the undo target"
# the KALDRIX failover in production: its approval gate, and its lag gate cannot hold
cd "$KDX_REPO"
"$KDX" plan -var environment=production plans/failover.kdx >"$E2E_TMP/failover.out" 2>&1 && fail "the failover plan passed its lag gate"
cd "$E2E_TMP"
assert_contains "$(cat failover.out)" "approval: REQUIRED (when environment == \"production\") -- given by 'kdx apply -approve promote_db'"
assert_contains "$(cat failover.out)" "require rds.replication_lag(db, target) <= objectives.rpo: DOES NOT HOLD now (value 1h, bound 5m)"
assert_contains "$(cat failover.out)" 'undo target: { "us-east-1" = 70%, "us-west-2" = 20%, "eu-west-1" = 10% } (the live state)'
echo ok
