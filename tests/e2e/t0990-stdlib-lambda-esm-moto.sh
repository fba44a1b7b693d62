#!/usr/bin/env bash
# lambda.set_mapping_enabled and lambda.mapping_state on moto_server
# (tests/e2e/runbooks/stdlib-moto-lambda.kdx): east's event source mapping disabled, west's
# enabled; boto3 reads the complete mappings before, after the apply and after `kdx
# rollback`: after the apply only State (and LastModified, StateTransitionReason) differ,
# after the rollback everything but LastModified is as it was; a mapping that does not
# exist fails the plan before anything is sent.
# identical-world: stdlib-moto-lambda.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-lambda.kdx" .
python3 "$RB/stdlib_moto_lambda.py" >uuids || fail "setup: $(cat uuids)"
east=$(sed -n 's/^us-east-1 //p' uuids)
west=$(sed -n 's/^us-west-2 //p' uuids)
vars=(-var "east_uuid=$east" -var "west_uuid=$west")
state() { python3 "$RB/stdlib_moto_lambda_state.py" "$east" "$west"; }
state >before.json || fail "read before"
# compare.py A B IGNORED...: the keys whose values differ, per region, except those ignored
cat >compare.py <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ignored = set(sys.argv[3:])
diff = sorted(f"{r}.{k}" for r in a for k in set(a[r]) | set(b[r])
              if k not in ignored and a[r].get(k) != b[r].get(k))
print(" ".join(diff))
PY
"$KDX" apply -auto-approve "${vars[@]}" stdlib-moto-lambda.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
state >after.json || fail "read after"
assert_eq "$(python3 compare.py before.json after.json LastModified StateTransitionReason)" \
	"us-east-1.State us-west-2.State" "what the apply changed"
assert_eq "$(python3 -c 'import json,sys; d=json.load(open("after.json")); print(d["us-east-1"]["State"], d["us-west-2"]["State"])')" \
	"Disabled Enabled" "states after the apply"
"$KDX" rollback "${vars[@]}" stdlib-moto-lambda.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
state >back.json || fail "read after rollback"
assert_eq "$(python3 compare.py before.json back.json LastModified)" "" "the world after the rollback"
# a mapping that does not exist: the plan fails, naming it, and nothing is sent
"$KDX" plan -var "east_uuid=$east" -var "west_uuid=00000000-0000-0000-0000-000000000000" \
	stdlib-moto-lambda.kdx >missing.out 2>&1 && fail "a plan with a missing mapping succeeded: $(cat missing.out)"
assert_contains "$(cat missing.out)" "GetEventSourceMapping"
state >still.json || fail "read at the end"
assert_eq "$(python3 compare.py back.json still.json)" "" "the world after the failed plan"
echo ok
