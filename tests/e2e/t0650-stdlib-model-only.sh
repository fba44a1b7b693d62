#!/usr/bin/env bash
# stdlib actions moto does not implement (ARC routing controls, Lambda Invoke: moto needs
# docker to run a function) run in a small runbook under `kdx apply -dry-run`; each request
# it prints is exactly what botocore serialises for the same input (tests/aws/botocore_serialize.py).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1 AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN
# nothing listens there: a request that was really sent would fail the run
export AWS_ENDPOINT_URL=http://127.0.0.1:1
cd "$E2E_TMP"
out=$("$KDX" apply -dry-run -auto-approve "$KDX_REPO/tests/e2e/runbooks/stdlib-model-only.kdx" 2>&1) ||
	fail "dry run: $out"
assert_contains "$out" "run ok"
assert_contains "$out" "dry run: 2 requests, 2 mutating (not sent)"
assert_contains "$out" "would wait until r.FunctionError == null"
printf '%s\n' "$out" >dry.out
# split the printed requests into one file per "# aws SERVICE OPERATION" block
python3 - dry.out <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = n = 0
while i < len(lines):
    if lines[i].startswith("# aws "):
        _, _, svc, op = lines[i].split(" ")
        j, blanks, req = i + 1, 0, []
        while j < len(lines) and blanks < 2:
            blanks += lines[j] == ""
            req.append(lines[j])
            j += 1
        n += 1
        open(f"req{n}.{svc}.{op}", "w").write("\n".join(req).rstrip("\n") + "\n")
        i = j
    else:
        i += 1
PY
check() { # FILE SERVICE OPERATION INPUT
	python3 "$KDX_REPO/tests/aws/botocore_serialize.py" --compare "$1" --endpoint-url "$AWS_ENDPOINT_URL" "$2" "$3" "$4" ||
		fail "kdx's $2 $3 differs from botocore"
}
A=arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol
check req1.route53-recovery-cluster.UpdateRoutingControlStates route53-recovery-cluster UpdateRoutingControlStates \
	"{\"UpdateRoutingControlStateEntries\":[{\"RoutingControlArn\":\"$A/west\",\"RoutingControlState\":\"On\"},{\"RoutingControlArn\":\"$A/east\",\"RoutingControlState\":\"Off\"}]}"
check req2.lambda.Invoke lambda Invoke \
	'{"FunctionName":"kaldrix-failover-hook","InvocationType":"RequestResponse","Payload":"{\"phase\":\"post\"}"}'
# the test can fail: a different routing control state is not what kdx printed
python3 "$KDX_REPO/tests/aws/botocore_serialize.py" --compare req1.route53-recovery-cluster.UpdateRoutingControlStates \
	--endpoint-url "$AWS_ENDPOINT_URL" route53-recovery-cluster UpdateRoutingControlStates \
	"{\"UpdateRoutingControlStateEntries\":[{\"RoutingControlArn\":\"$A/west\",\"RoutingControlState\":\"Off\"}]}" >/dev/null &&
	fail "the comparison accepts a different request"
echo ok
