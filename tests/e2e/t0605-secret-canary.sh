#!/usr/bin/env bash
# A canary secret key and session token never reach stdout, stderr, the journal or the plan
# file -- through plan, plan -out, apply (success and rollback), dry-run, show, resume.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
export AWS_SECRET_ACCESS_KEY="canarySecret$$x7Q" AWS_SESSION_TOKEN="canaryToken$$k9Z"
{
	"$KDX" plan -out plan.json failover-lite.kdx
	"$KDX" plan -json failover-lite.kdx
	"$KDX" apply -dry-run failover-lite.kdx
	"$KDX" apply -auto-approve plan.json
	"$KDX" show plan.json
	"$KDX" show .kdx/failover-lite-*.jsonl
	"$KDX" rollback failover-lite.kdx
	"$KDX" apply -auto-approve -var trip_alarm=true failover-lite.kdx
	"$KDX" resume failover-lite.kdx
	"$KDX" apply -auto-approve -var health_url=http://127.0.0.1:9/ failover-lite.kdx
} >all.out 2>&1 || true
grep -q "run rolled_back" all.out || fail "the runs did not happen: $(cat all.out)"
for f in all.out plan.json .kdx/*; do
	if grep -qa -e "canarySecret" -e "canaryToken" "$f"; then
		fail "a secret reached $f"
	fi
done
echo ok
