#!/usr/bin/env bash
# The store-region analysis reads a DynamoDB global table's replica regions from
# DescribeTable (Table.Replicas), not from the URL, when the command has credentials (issue
# #15.5). moto 5.2.1 keeps no replicas (CreateTable/UpdateTable ReplicaUpdates are not
# implemented), so reqlog.py adds Table.Replicas to moto's own DescribeTable answer as
# botocore's model shapes it; boto3 reads it back through the same proxy. The runbook
# (tests/golden/safety/state-global-lost.kdx) drains us-east-1 and loses us-west-2 in a
# scenario:
#  - a table in us-east-2 whose URL names no replicas, but which AWS says has replicas in
#    us-east-1 and us-west-2: refused (two of three replicas lost), "from DescribeTable";
#  - a URL that claims replicas elsewhere (eu-central-1, ap-south-1) does not override AWS;
#  - the same table without replicas (moto as it is): passes, regions from DescribeTable;
#  - without credentials the URL's ?replicas= stand, and the message says why.
# Without the DescribeTable read the first two would pass on the URL's word.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$KDX_REPO/tests/golden/safety/state-global-lost.kdx" rb.kdx
"$KDX" state init -state 'dynamodb://kdx-global?region=us-east-2' >/dev/null || fail "state init"
REQLOG_REPLICAS=kdx-global=us-east-1,us-west-2 python3 "$RB/reqlog.py" "$MOTO_URL" proxy.port requests.log &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(cat proxy.port)"
# what AWS (the proxy's answer) says, read by boto3 through botocore's model
got=$(AWS_ENDPOINT_URL=$PROXY python3 -c 'import boto3
t = boto3.client("dynamodb", region_name="us-east-2").describe_table(TableName="kdx-global")["Table"]
print(",".join(r["RegionName"] for r in t["Replicas"]))')
assert_eq "$got" "us-east-1,us-west-2" "boto3 reads the replicas"

for url in 'dynamodb://kdx-global?region=us-east-2' 'dynamodb://kdx-global?region=us-east-2&replicas=eu-central-1,ap-south-1'; do
	out=$(AWS_ENDPOINT_URL=$PROXY "$KDX" check -state "$url" rb.kdx 2>&1) && fail "$url: a store AWS says mostly in left regions passed: $out"
	assert_contains "$out" "is a global table most of whose replicas are in regions the runbook leaves ('us-east-1', 'us-west-2')"
	assert_contains "$out" "the replica regions are the table's, from DescribeTable"
	assert_contains "$out" "in us-east-2, us-east-1 and us-west-2 (regions from DescribeTable) does not survive"
done
grep -q "DescribeTable" requests.log || fail "kdx did not ask DescribeTable"

# moto's own answer: a regional table in us-east-2, which the runbook never leaves
out=$("$KDX" check -state 'dynamodb://kdx-global?region=us-east-2&replicas=us-east-1,us-west-2' rb.kdx 2>&1) ||
	fail "a regional table in a kept region was refused: $out"
assert_contains "$out" "state: 'dynamodb://kdx-global?region=us-east-2&replicas=us-east-1,us-west-2' in us-east-2 (regions from DescribeTable) survives"

# no credentials: the URL's word, and why
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent \
	"$KDX" check -state 'dynamodb://kdx-global?region=us-east-2&replicas=eu-central-1,ap-south-1' rb.kdx 2>&1) ||
	fail "the URL's replicas without credentials: $out"
assert_contains "$out" "(regions from the URL; DescribeTable could not be asked: no AWS credentials found"
# plan asks too (a read-only command with credentials)
out=$(AWS_ENDPOINT_URL=$PROXY "$KDX" plan -state 'dynamodb://kdx-global?region=us-east-2' rb.kdx 2>&1) && fail "plan passed the store: $out"
assert_contains "$out" "is a global table most of whose replicas are in regions the runbook leaves"
echo "store regions: a global table's replicas from DescribeTable, the URL's as the fallback"
