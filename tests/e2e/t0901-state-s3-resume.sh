#!/usr/bin/env bash
# Any runner continues a run kept in S3: runner A (directory a/) is SIGKILLed in the middle of
# failover-lite with -state s3://...; runner B (directory b/, same URL) is refused at once,
# naming A as the holder, while A's lease lives; after it expires B resumes and finishes.
# The final state (boto3) equals an uninterrupted run's and no mutating request reached the
# emulator twice (a logging proxy counts them). -lock-timeout waits for the lease instead of
# failing; an apply under another runner's lock is refused naming it, or waits with
# -lock-timeout; a state directory others can write is refused before anything runs.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
U='s3://kdx-e2e-runs/ci?region=us-east-2'
STORE_LABEL=S3
STORE_WRITE='^PUT /kdx-e2e-runs/ci/runs/failover-lite-'
STORE_SHOWN='s3://kdx-e2e-runs/ci/'
# shellcheck source=store_resume.sh
. "$(dirname "$0")/store_resume.sh"

# a state directory others can write is refused before anything runs
reset
mkdir -m 0777 shared-dir
chmod 0777 shared-dir
out=$(cd a && kdx_p apply -auto-approve -state-dir ../shared-dir failover-lite.kdx 2>&1) &&
	fail "apply used a world-writable state directory"
assert_contains "$out" "is writable by everyone (mode 0777)"
assert_contains "$out" "chmod go-w"
assert_eq "$(muts)" "asg=0 rrset=0 alarm=0" "a refused store changed something"
echo "S3 store: crash in a/, resume in b/ after the lease; a held lock; bad directory refused"
