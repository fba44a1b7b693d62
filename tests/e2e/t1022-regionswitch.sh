#!/usr/bin/env bash
# aws/regionswitch (an ARC Region switch plan as child steps of a runbook) under `kdx apply
# -dry-run` (tests/e2e/runbooks/stdlib-model-only-regionswitch.kdx): StartPlanExecution and
# ApprovePlanExecutionStep as printed, and the GetPlanExecution reads sent to
# tests/e2e/runbooks/model_stub.py, are exactly what botocore serialises for the same input
# (tests/aws/botocore_serialize.py, the JSON protocol kdx picks from the model's list). Checked
# against the API model only: moto does not implement ARC Region switch.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
start_model_stub
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_ARC_REGION_SWITCH=$STUB
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
"$KDX" apply -dry-run -auto-approve "$RB/stdlib-model-only-regionswitch.kdx" >dry.out 2>&1 ||
	fail "dry run: $(cat dry.out)"
assert_contains "$(cat dry.out)" "run ok"
assert_contains "$(cat dry.out)" "2 mutating (not sent)"
ls reads | grep -qv GetPlanExecution && fail "the stub got a request that is not a read: $(ls reads)"
python3 - "$STUB" "$KDX_REPO/tests/aws" <<'PY' || fail "a request differs from botocore's"
import glob, json, os, sys
stub, tools = sys.argv[1:3]
sys.path.insert(0, tools)
import botocore_serialize as bs
PLAN = "arn:aws:arc-region-switch::111122223333:plan/kaldrix:abc123"
EXPECT = {
    "StartPlanExecution": {"planArn": PLAN, "targetRegion": "us-west-2", "action": "activate",
                           "mode": "ungraceful", "comment": "started by kdx"},
    "ApprovePlanExecutionStep": {"planArn": PLAN, "executionId": "exec-1", "stepName": "approve_promote_db",
                                 "approval": "approve", "comment": "approved through kdx"},
    "GetPlanExecution": {"planArn": PLAN, "executionId": "exec-1"},
}
requests = []
lines = open("dry.out").read().split("\n")
i = 0
while i < len(lines):
    if lines[i].startswith("# aws arc-region-switch "):
        op = lines[i].split(" ")[3]
        j, blanks, req = i + 1, 0, []
        while j < len(lines) and blanks < 2 and not lines[j].startswith(("# ", "[")):
            blanks += lines[j] == ""
            req.append(lines[j])
            j += 1
        requests.append((op, "\n".join(req).rstrip("\n") + "\n"))
        i = j
    else:
        i += 1
for f in sorted(glob.glob("reads/req*")):
    requests.append((os.path.basename(f).split(".", 2)[2], open(f).read()))
bad, seen = 0, set()
for op, text in requests:
    want = bs.normalise(*bs.serialise("arc-region-switch", op, dict(EXPECT[op]), stub))
    if bs.normalise(*bs.parse_dry_run(text)) != want:
        print(f"kdx's {op}:\n{bs.normalise(*bs.parse_dry_run(text))}\nbotocore's:\n{want}")
        bad += 1
    seen.add(op)
for op in EXPECT:
    if op not in seen:
        print(f"no {op} request")
        bad += 1
# the comparison can fail: another mode is another request
op, text = next(r for r in requests if r[0] == "StartPlanExecution")
other = dict(EXPECT[op], mode="graceful")
if bs.normalise(*bs.serialise("arc-region-switch", op, other, stub)) == bs.normalise(*bs.parse_dry_run(text)):
    print("the comparison accepts a different request")
    bad += 1
print(f"{len(requests)} requests compared with botocore")
sys.exit(1 if bad else 0)
PY
echo ok
