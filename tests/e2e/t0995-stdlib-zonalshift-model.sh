#!/usr/bin/env bash
# aws/zonalshift (ARC zonal shift), which moto does not implement, under `kdx apply -dry-run`
# (tests/e2e/runbooks/stdlib-model-only-zonalshift.kdx): the reads go to zonal_stub.py (one
# load balancer with an active shift away from use1-az1, one without), and the three
# mutations kdx prints -- StartZonalShift, UpdateZonalShift, CancelZonalShift -- are exactly
# what botocore serialises for the same input. The stub saw only reads. A second shift on a
# load balancer that has one is refused before anything is sent.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3, botocore' 2>/dev/null || skip "boto3 not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
mkdir reads
python3 "$RB/zonal_stub.py" stub.port reads &
track_pid $!
for _ in $(seq 100); do [ -s stub.port ] && break; sleep 0.05; done
[ -s stub.port ] || fail "the stub did not start"
STUB="http://127.0.0.1:$(cat stub.port)"
export AWS_ENDPOINT_URL_ARC_ZONAL_SHIFT=$STUB AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	AWS_REGION=us-east-1 AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
unset AWS_PROFILE AWS_SESSION_TOKEN
cp "$RB/stdlib-model-only-zonalshift.kdx" zs.kdx
"$KDX" apply -dry-run -auto-approve zs.kdx >zs.out 2>&1 || fail "dry run: $(cat zs.out)"
assert_contains "$(cat zs.out)" "run ok"
assert_contains "$(cat zs.out)" "dry run: 7 requests, 3 mutating (not sent)"
A=arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app
cat >want.json <<JSON
[["arc-zonal-shift", "StartZonalShift", {"resourceIdentifier": "$A/web/2", "awayFrom": "use1-az2", "expiresIn": "120m", "comment": "kdx: az2 impaired"}],
 ["arc-zonal-shift", "UpdateZonalShift", {"zonalShiftId": "7f3021134c71aa28", "expiresIn": "180m", "comment": "kdx: zonal shift extended"}],
 ["arc-zonal-shift", "CancelZonalShift", {"zonalShiftId": "7f3021134c71aa28"}]]
JSON
python3 "$KDX_REPO/tests/e2e/dryrun_compare.py" zs.out want.json "$STUB" >cmp.out || fail "differs from botocore: $(cat cmp.out)"
assert_contains "$(cat cmp.out)" "3 requests compared with botocore, 0 differ"
# the comparison can fail: another expiry is another request
sed 's/"180m"/"240m"/' want.json >other.json
python3 "$KDX_REPO/tests/e2e/dryrun_compare.py" zs.out other.json "$STUB" >/dev/null && fail "the comparison accepted another expiry"
# the stub saw reads only
assert_eq "$(cut -d' ' -f1 reads/* | sort -u)" "GET" "the methods the stub saw"
# a second shift is refused: start one on the load balancer that has one
sed 's/start_shift(web, "use1-az2"/start_shift(shifted, "use1-az2"/' zs.kdx | sed 's/^step keep_az1 after look {/step keep_az1 after drain_az2 {/' >second.kdx
"$KDX" apply -dry-run -auto-approve second.kdx >second.out 2>&1 && fail "a second shift was started"
assert_contains "$(cat second.out)" "already has an active zonal shift (away from use1-az1)"
assert_contains "$(cat second.out)" "0 mutating"
echo ok
