#!/usr/bin/env bash
# aws/aurora on moto_server (tests/e2e/runbooks/stdlib-moto-aurora.kdx): match_acu raises
# west's Serverless v2 range to east's peak (5.7 ACUs -> 6-6), set_instance_class grows
# west's instance, set_acu_range widens east's range. boto3 reads both clusters and the
# instance complete before, after the apply and after `kdx rollback`: after the apply only
# the intended fields differ, after the rollback nothing does; a cluster that does not
# exist fails the plan.
# identical-world: stdlib-moto-aurora.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-aurora.kdx" .
python3 "$RB/stdlib_moto_aurora.py" || fail "setup"
state() { python3 "$RB/stdlib_moto_aurora_state.py"; }
# compare.py A B: every path (object keys joined by '.') whose value differs, except
# LatestRestorableTime, which moto (as AWS) moves forward with the clock on every read
cat >compare.py <<'PY'
import json, sys
def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k != "LatestRestorableTime":
                walk(a.get(k), b.get(k), path + [k], out)
    elif a != b:
        out.append(".".join(path))
a, b = (json.load(open(f)) for f in sys.argv[1:3])
out = []
walk(a, b, [], out)
print(" ".join(out))
PY
state >before.json || fail "read before"
"$KDX" apply -auto-approve stdlib-moto-aurora.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
state >after.json || fail "read after"
assert_eq "$(python3 compare.py before.json after.json)" \
	"kaldrix.ServerlessV2ScalingConfiguration.MaxCapacity kaldrix-west.ServerlessV2ScalingConfiguration.MaxCapacity kaldrix-west.ServerlessV2ScalingConfiguration.MinCapacity kaldrix-west-1.DBInstanceClass" \
	"what the apply changed"
assert_eq "$(python3 -c 'import json; d=json.load(open("after.json")); s=d["kaldrix-west"]["ServerlessV2ScalingConfiguration"]; print(s["MinCapacity"], s["MaxCapacity"], d["kaldrix"]["ServerlessV2ScalingConfiguration"]["MaxCapacity"], d["kaldrix-west-1"]["DBInstanceClass"])')" \
	"6.0 6.0 32.0 db.r6g.xlarge" "the new capacity"
"$KDX" rollback stdlib-moto-aurora.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
state >back.json || fail "read after rollback"
assert_eq "$(python3 compare.py before.json back.json)" "" "the world after the rollback"
# a cluster that does not exist: the plan fails naming the call, nothing changes
sed 's/"kaldrix-west"$/"kaldrix-wets"/' stdlib-moto-aurora.kdx >typo.kdx
"$KDX" plan typo.kdx >typo.out 2>&1 && fail "a plan of a missing cluster succeeded: $(cat typo.out)"
assert_contains "$(cat typo.out)" "DescribeDBClusters"
state >still.json || fail "read at the end"
assert_eq "$(python3 compare.py back.json still.json)" "" "the world after the failed plan"
echo ok
