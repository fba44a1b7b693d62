#!/usr/bin/env bash
# kdx plan shows the live weights and the change; apply moves the Route 53 weights in moto
# (checked with boto3); a saved plan applies; a stale one (live state or source changed) is
# refused; rollback restores the starting weights; show reads the plan and the journal.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/shift.kdx" .
python3 "$RB/setup_route53.py" kaldrix.test >/dev/null
w() { python3 "$RB/weights.py" kaldrix.test; }
assert_eq "$(w)" "eu-west-1=10,us-east-1=70,us-west-2=20" "starting weights"

out=$("$KDX" plan -detailed-exitcode shift.kdx 2>&1) && rc=0 || rc=$?
assert_eq "$rc" 2 "plan -detailed-exitcode with changes: $out"
assert_contains "$out" 'live state: {"before":{"us-east-1":70,"us-west-2":20,"eu-west-1":10}}'
assert_contains "$out" "change: api weights 70/20/10 -> 0/90/10"
assert_contains "$out" "POST $MOTO_URL/2013-04-01/hostedzone/"
assert_contains "$out" "<SetIdentifier>us-west-2</SetIdentifier><Weight>90</Weight>"
assert_contains "$out" "would wait until change_status(change.ChangeInfo.Id) == \"INSYNC\" within 5m"
assert_contains "$out" "RTO budget: critical path 1m00s of 15m00s (14m00s to spare): shift"
assert_eq "$(w)" "eu-west-1=10,us-east-1=70,us-west-2=20" "plan changed nothing"

# a saved plan applies
"$KDX" plan -out p1.json shift.kdx >/dev/null 2>&1 || fail "plan -out"
[ "$(stat -c %a p1.json)" = 600 ] || fail "plan file mode $(stat -c %a p1.json)"
"$KDX" show p1.json | grep -q "change: api weights 70/20/10 -> 0/90/10" || fail "show plan: $("$KDX" show p1.json)"
"$KDX" show -json p1.json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format_version"]==1 and d["steps"][0]["name"]=="shift"' \
	|| fail "show -json plan"
"$KDX" apply -auto-approve p1.json >apply.out 2>&1 || fail "apply plan: $(cat apply.out)"
assert_eq "$(w)" "eu-west-1=10,us-east-1=0,us-west-2=90" "after apply"
assert_contains "$(cat apply.out)" "run ok"
j=$(ls .kdx/shift-*.jsonl)
"$KDX" show "$j" | grep -q "shift  *done" || fail "show journal: $("$KDX" show "$j")"

# rollback from the journal restores the starting weights
"$KDX" rollback shift.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_eq "$(w)" "eu-west-1=10,us-east-1=70,us-west-2=20" "after rollback"
"$KDX" show -json "$j" | grep -q '"undo":"undone"' || fail "journal does not show the undo"

# a plan whose observed state changed is stale
"$KDX" plan -out p2.json shift.kdx >/dev/null 2>&1 || fail "plan -out p2"
python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zid = r53.list_hosted_zones_by_name(DNSName="kaldrix.test.")["HostedZones"][0]["Id"]
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{"Action": "UPSERT",
    "ResourceRecordSet": {"Name": "api.kaldrix.test.", "Type": "CNAME", "SetIdentifier": "eu-west-1",
    "Weight": 11, "TTL": 60, "ResourceRecords": [{"Value": "api-eu-west-1.kaldrix.test"}]}}]})
PY
out=$("$KDX" apply -auto-approve p2.json 2>&1) && fail "a stale plan was applied: $out"
assert_contains "$out" "plan is stale: the live state step 'shift' reads changed since the plan was made"
assert_contains "$out" "run 'kdx plan' again"
assert_eq "$(w)" "eu-west-1=11,us-east-1=70,us-west-2=20" "stale plan changed something"

# a plan whose source changed is stale
"$KDX" plan -out p3.json shift.kdx >/dev/null 2>&1 || fail "plan -out p3"
echo "# edited" >>shift.kdx
out=$("$KDX" apply -auto-approve p3.json 2>&1) && fail "a plan with a changed source was applied: $out"
assert_contains "$out" "plan is stale: 'shift.kdx' changed since the plan was made; run 'kdx plan' again"

# no terminal and no -auto-approve: refused, nothing sent
out=$("$KDX" apply shift.kdx </dev/null 2>&1) && fail "apply without -auto-approve and no TTY ran"
assert_contains "$out" "no terminal to confirm on"
assert_eq "$(w)" "eu-west-1=11,us-east-1=70,us-west-2=20" "refused apply changed something"

# the KALDRIX failover itself: the before/after of every step from the live state (the
# capacity snapshot holds all the sizes the action writes)
python3 "$RB/setup_failover.py" staging.kaldrix.io staging >/dev/null
# (moto has no replication lag data: the lag gate reads 1h, does not hold, and fails the plan)
out=$("$KDX" plan -var fleet_size=2 "$KDX_REPO/plans/failover.kdx" 2>&1) && fail "the lag gate held: $out"
assert_contains "$out" "require rds.replication_lag(db, target) <= objectives.rpo: DOES NOT HOLD now (value 1h, bound 5m)"
assert_contains "$out" "RTO budget: critical path 13m"
assert_contains "$out" "detect -> notify_start -> scale_target -> shift_traffic -> validate_target -> fence_writer -> promote_db -> validate -> notify_done"
assert_contains "$out" "Stop conditions: kaldrix-staging-us-west-2-5xx"
assert_contains "$out" 'live state: {"before":{"desired":1,"min":0,"max":20}}'
assert_contains "$out" "change: us-west-2 capacity 50% -> 100%"
assert_contains "$out" 'live state: {"before":{"us-east-1":70,"us-west-2":20,"eu-west-1":10}}'
assert_contains "$out" "change: api weights 70/20/10 -> 0/90/10"
assert_contains "$out" "change: db fenced in us-east-1"
assert_contains "$out" "change: db writer us-east-1 -> us-west-2"
assert_contains "$out" "Action=FailoverGlobalCluster&Version=2014-10-31&GlobalClusterIdentifier=kaldrix-staging"
echo ok
