#!/usr/bin/env bash
# The S3 run store against moto_server: kdx state init makes a versioned, encrypted bucket
# (boto3 reads it back); migrate copies a file-store run record by record and verifies it;
# two runners on one lock -> exactly one holds it, the other names the holder (pid, host, user,
# AWS identity); a runner paused past its lease loses it to another, and its next journal write
# is refused (fencing); kdx state unlock voids a live holder's lease the same way; rm refuses
# a run that has not ended.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=store_checks.sh
. "$(dirname "$0")/store_checks.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
cd "$E2E_TMP"
py() { python3 -c "import boto3,json,os,sys
s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-2')
$1"; }
U='s3://kdx-e2e-runs/team?region=us-east-2'
export KDX_STATE=$U

# a missing bucket is a clear error, nothing else
out=$("$KDX" state list 2>&1) && fail "list on a missing bucket succeeded: $out"
assert_contains "$out" "NoSuchBucket"

out=$("$KDX" state init) || fail "init: $out"
assert_contains "$out" "created bucket 'kdx-e2e-runs' in us-east-2, versioned, encrypted"
py '
assert s3.get_bucket_versioning(Bucket="kdx-e2e-runs")["Status"] == "Enabled"
rule = s3.get_bucket_encryption(Bucket="kdx-e2e-runs")["ServerSideEncryptionConfiguration"]["Rules"][0]
assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256", rule
assert s3.get_bucket_location(Bucket="kdx-e2e-runs")["LocationConstraint"] == "us-east-2"
' || fail "the bucket is not versioned and encrypted in us-east-2"
out=$("$KDX" state init) || fail "second init: $out"
assert_contains "$out" "bucket 'kdx-e2e-runs' exists"

# a subcommand with the wrong number of arguments: a usage error that names it
set +e
out=$("$KDX" state show -state file://local 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "state show without a run"
assert_contains "$out" "'kdx state show' takes 1 argument"
set +e
out=$("$KDX" state rm some-run -json -state file://local 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "state rm -json"
assert_contains "$out" "-json is for 'kdx state list' or 'kdx state show', not 'kdx state rm'"

# a run in a file store, migrated to S3 and verified byte for byte
"$KDX" state lock mig-default -state file://local -hold 1s -write mig-run1 >/dev/null ||
	fail "could not write a file-store run"
out=$("$KDX" state migrate file://local "$U") || fail "migrate: $out"
assert_contains "$out" "migrated run 'mig-run1'"
assert_contains "$out" "verified"
py '
keys = [o["Key"] for o in s3.list_objects_v2(Bucket="kdx-e2e-runs", Prefix="team/runs/mig-run1/")["Contents"]]
assert keys and all(k.endswith(".jsonl") for k in keys), keys
' || fail "migrated run not in S3"
diff <("$KDX" state show mig-run1 -state file://local -json) <("$KDX" state show mig-run1 -json | sed "s|s3://kdx-e2e-runs/team/runs/mig-run1/|local/mig-run1.jsonl|") >/dev/null ||
	fail "the migrated run reads differently: $("$KDX" state show mig-run1)"
# a second migrate of the same run must not overwrite it
out=$("$KDX" state migrate file://local "$U" 2>&1) && fail "migrate over an existing run succeeded"
assert_contains "$out" "already exists"

# two runners, one lock: A holds it (lease 8s, renewed by its heartbeat every third of it)
# and writes its run. (A 4 s lease was lost under a loaded e2e pool: two renewals against
# a busy moto took longer than its last 2.7 s; 8 s leaves 5.3.)
"$KDX" state lock L -lease 8s -hold 20s -write run-a >a.out 2>a.err &
A=$!
track_pid "$A"
for _ in $(seq 100); do grep -q "took lock" a.out 2>/dev/null && break; sleep 0.05; done
sleep 8.5 # longer than A's lease: only the heartbeat keeps it
out=$("$KDX" state lock L -lease 2s 2>&1) && fail "B took a lock A holds: $out"
assert_contains "$out" "lock 'L' in s3://kdx-e2e-runs/team/ is held by kdx state lock (pid $A on host"
assert_contains "$out" "AWS identity arn:aws:sts::123456789012:user/moto"
assert_contains "$out" "(fencing token 1)"
# A stops (a GC pause, a frozen VM): its lease runs out, B takes the lock with token 2
kill -STOP "$A"
sleep 9
out=$("$KDX" state lock L -lease 5s -hold 1s -write run-b) || fail "B could not take an expired lock: $out"
assert_contains "$out" "fencing token 2"
kill -CONT "$A"
wait "$A" && fail "A kept writing after losing its lease"
assert_contains "$(cat a.err)" "write refused: the lease on 'L'"
py '
import re
objs = s3.list_objects_v2(Bucket="kdx-e2e-runs", Prefix="team/runs/run-a/")["Contents"]
for o in objs:
    h = s3.head_object(Bucket="kdx-e2e-runs", Key=o["Key"])
    assert h["Metadata"]["kdx-token"] == "1", (o["Key"], h["Metadata"])
' || fail "a segment of run-a carries another token"
"$KDX" state show run-a >/dev/null || fail "run-a does not read back after A was fenced"

store_unlock_and_list "was taken over by another runner"
echo "S3 store: init, migrate, lease contention, fencing, unlock"
