#!/usr/bin/env bash
# A run store the caller may not use is a clear error before any change: moto enforces IAM
# (INITIAL_NO_AUTH_ACTION_COUNT), the runner's IAM user may do everything but touch the S3
# bucket or the DynamoDB table of the run store; kdx apply stops at the store's probe naming
# the store, the caller's identity and the permissions it needs, and not one AWS resource
# changed (read back with an administrator's keys).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
# the first six actions (the two users below) are free; every later request must be signed
# by an IAM user's key
start_moto 6
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 - <<'PY' >keys.env || fail "IAM setup"
import json, boto3
iam = boto3.client("iam")
allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
deny = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"}]}
for user, pol in (("admin", allow), ("runner", deny)):
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(pol))
    k = iam.create_access_key(UserName=user)["AccessKey"]
    print("%s_KEY=%s %s_SECRET=%s" % (user.upper(), k["AccessKeyId"], user.upper(), k["SecretAccessKey"]))
PY
# shellcheck disable=SC2046
export $(cat keys.env)
admin() { AWS_ACCESS_KEY_ID=$ADMIN_KEY AWS_SECRET_ACCESS_KEY=$ADMIN_SECRET "$@"; }
runner() { AWS_ACCESS_KEY_ID=$RUNNER_KEY AWS_SECRET_ACCESS_KEY=$RUNNER_SECRET "$@"; }
admin python3 "$RB/setup_failover.py" kaldrix.test >/dev/null || fail "setup"
# what the run would change first: the target's Auto Scaling group (moto's Route 53 does not
# verify signatures under IAM enforcement, so the records are not read here)
world() {
	admin python3 -c 'import boto3
for r in ("us-east-1", "us-west-2", "eu-west-1"):
    g = boto3.client("autoscaling", region_name=r).describe_auto_scaling_groups()["AutoScalingGroups"]
    print(r, [(x["AutoScalingGroupName"], x["DesiredCapacity"]) for x in g])'
}
before=$(world)
D='dynamodb://kdx-e2e-runs?region=us-east-2'
S='s3://kdx-e2e-runs/ci?region=us-east-2'
admin "$KDX" state init -state "$D" >/dev/null || fail "admin could not create the table"
admin "$KDX" state init -state "$S" >/dev/null || fail "admin could not create the bucket"

# the key works for everything else: the identity is the runner's
out=$(runner "$KDX" aws call sts GetCallerIdentity 2>&1) || fail "runner's key: $out"
assert_contains "$out" "user/runner"

out=$(runner "$KDX" apply -auto-approve -state "$D" failover-lite.kdx 2>&1) &&
	fail "apply ran with a table it may not use: $out"
assert_contains "$out" "the run store dynamodb://kdx-e2e-runs?region=us-east-2 cannot be used"
assert_contains "$out" "AccessDenied"
assert_contains "$out" "the caller (arn:aws:iam::123456789012:user/runner) needs dynamodb:DescribeTable"
assert_contains "$out" "nothing was changed"
assert_eq "$(world)" "$before" "state after a refused DynamoDB store"

out=$(runner "$KDX" apply -auto-approve -state "$S" failover-lite.kdx 2>&1) &&
	fail "apply ran with a bucket it may not use: $out"
assert_contains "$out" "the run store s3://kdx-e2e-runs/ci/ cannot be used"
assert_contains "$out" "the caller (arn:aws:iam::123456789012:user/runner) needs s3:GetObject"
assert_contains "$out" "nothing was changed"
assert_eq "$(world)" "$before" "state after a refused S3 store"

# the administrator may use the store (the denial was the runner's alone)
admin "$KDX" state list -state "$D" >/dev/null || fail "admin cannot list the table"
echo "a run store without permission: clear error naming the caller and the permissions, nothing changed"
