#!/usr/bin/env bash
# Every aws/route53 action runs through `kdx apply` on moto_server (tests/e2e/runbooks/
# stdlib-moto-route53.kdx): reads as gates, weights, the failover pair's primary and health
# check, a health check created with the step's idempotency token as CallerReference, one
# updated and one disabled. boto3 checks each change; `kdx rollback` must then bring back
# exactly the state before the run (the created check deleted): every field of every zone,
# record set and health check as world.py (boto3) reads them.
# identical-world: stdlib-moto-route53.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-route53.kdx" .
read -r A B C < <(python3 "$RB/stdlib_moto_route53.py") || fail "setup"
V=(-var "check_east=$A" -var "check_west=$B" -var "check_deep=$C")
state() { python3 "$RB/stdlib_moto_route53_state.py"; }
state >before || fail "state"
python3 "$KDX_REPO/tests/e2e/world.py" dump route53 >world-before.json || fail "dump"
"$KDX" apply -auto-approve "${V[@]}" stdlib-moto-route53.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
state >after
after=$(cat after)
assert_contains "$after" "weight us-east-1 0"
assert_contains "$after" "weight us-west-2 100"
# the roles swapped, targets and TTL kept; west now uses the deep check
assert_contains "$after" "failover east SECONDARY $A 30 app-east.kaldrix.test"
assert_contains "$after" "failover west PRIMARY $C 30 app-west.kaldrix.test"
assert_contains "$after" "check $B t0653-west HTTPS west.kaldrix.test /health 5 True False"
assert_contains "$after" "check $A t0653-east HTTPS east.kaldrix.test /health 3 False True"
# the created check: its CallerReference is the create step's do token from the journal
ref=$(sed -n 's/^check [^ ]* \(kdx-[^ ]*\) HTTPS app-west.kaldrix.test \/ready 2 False False$/\1/p' after)
[ -n "$ref" ] || fail "no check created with a kdx CallerReference: $after"
[[ $ref =~ ^kdx-[0-9a-f]{16}-[0-9a-f]{8}-d$ ]] || fail "CallerReference '$ref' is not a do token"
grep -q "\"token\":\"$ref\"" .kdx/*.jsonl || fail "CallerReference '$ref' is not a token of the journal"
[ "$(grep -c '^check ' after)" = 4 ] || fail "expected one check more: $after"
"$KDX" rollback "${V[@]}" stdlib-moto-route53.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "6 undone"
state >restored
diff before restored >diff.out || fail "rollback did not restore the state: $(cat diff.out)"
python3 "$KDX_REPO/tests/e2e/world.py" dump route53 >world-restored.json
python3 "$KDX_REPO/tests/e2e/world.py" diff world-before.json world-restored.json >world.diff
[ -s world.diff ] && fail "rollback did not restore every field: $(cat world.diff)"
# the check can fail: a state that differs is seen
diff before after >/dev/null && fail "apply changed nothing"
echo ok
