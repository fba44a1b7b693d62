#!/usr/bin/env bash
# kdx plan and apply read each ARC control panel's live safety rules (ListSafetyRules, the
# control plane in us-west-2) and refuse a runbook whose declared safety_rules -- what kdx check
# proved its routing-control steps against -- differ: a rule changed, a live rule not declared,
# a declared rule the panel lacks; each error shows the live rule in kdx syntax. A control
# plane that cannot be reached leaves the declared rules standing, with a warning. moto does
# not implement route53-recovery-control-config: the rules come from
# tests/e2e/runbooks/model_stub.py, which answers as the API model says, and the request kdx
# sends is compared with botocore's.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP" || exit 1
start_model_stub
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CLUSTER=$STUB AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG=$STUB
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
cp "$RB/arc-live-rules.kdx" rb.kdx

# declared as live: the plan goes on, after one ListSafetyRules of the panel
"$KDX" plan rb.kdx >ok.out 2>&1 || fail "plan with the live rules declared: $(cat ok.out)"
f=$(ls reads | grep ListSafetyRules | head -1)
[ -n "$f" ] || fail "no ListSafetyRules was sent: $(ls reads)"
python3 - "$STUB" "$KDX_REPO/tests/aws" "reads/$f" <<'PY' || fail "ListSafetyRules differs from botocore's"
import sys
sys.path.insert(0, sys.argv[2])
import botocore_serialize as bs
want = bs.normalise(*bs.serialise("route53-recovery-control-config", "ListSafetyRules",
    {"ControlPanelArn": "arn:aws:route53-recovery-control::111122223333:controlpanel/abc"}, sys.argv[1]))
got = bs.normalise(*bs.parse_dry_run(open(sys.argv[3]).read()))
assert got == want, f"kdx: {got}\nbotocore: {want}"
PY
grep -q 'safety rule' ok.out && fail "a warning or error about matching rules: $(cat ok.out)"

# a rule declared differently: refused, with the live rule to copy
sed 's/Type = "AND", Threshold = 1/Type = "AND", Threshold = 2/' rb.kdx >changed.kdx
rc=0
"$KDX" plan changed.kdx >changed.out 2>&1 || rc=$?
assert_eq "$rc" 1 "plan with a changed rule: $(cat changed.out)"
assert_contains "$(cat changed.out)" "kdx: error: control panel 'panel': the declared safety rule 'gate' differs from the live one, so kdx check proved its steps against the wrong rule: declare it as it is: { \"GATING\" = { \"Name\" = \"gate\", \"GatingControls\" = [\"g\"], \"TargetControls\" = [\"a\"], \"RuleConfig\" = { \"Type\" = \"AND\", \"Threshold\" = 1, \"Inverted\" = false } } }"
# a live rule not declared (apply refuses too, before anything is sent)
grep -v 'GATING = ' rb.kdx >missing.kdx
rm -rf reads/*
rc=0
"$KDX" apply -auto-approve missing.kdx >missing.out 2>&1 || rc=$?
assert_eq "$rc" 1 "apply with an undeclared rule: $(cat missing.out)"
assert_contains "$(cat missing.out)" "control panel 'panel' has the safety rule 'gate', which the runbook does not declare"
assert_contains "$(cat missing.out)" "nothing was run"
ls reads | grep -q UpdateRoutingControlState && fail "apply sent a change"
# a declared rule the panel lacks
sed 's/Name = "one-on"/Name = "one-on-old"/' rb.kdx >extra.kdx
"$KDX" plan extra.kdx >extra.out 2>&1 && fail "a declared rule the panel lacks passed"
assert_contains "$(cat extra.out)" "control panel 'panel' has no safety rule 'one-on-old', which the runbook declares"
assert_contains "$(cat extra.out)" "has the safety rule 'one-on', which the runbook does not declare"

# the control plane out of reach: a warning, the declared rules stand
AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG="http://127.0.0.1:$(free_port)" AWS_MAX_ATTEMPTS=1 \
	"$KDX" plan rb.kdx >away.out 2>&1 || fail "plan without the control plane: $(cat away.out)"
assert_contains "$(cat away.out)" "kdx: warning: cannot read the live safety rules of control panel 'panel'"
assert_contains "$(cat away.out)" "its declared safety_rules stand unverified"
echo ok
