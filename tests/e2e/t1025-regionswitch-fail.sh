#!/usr/bin/env bash
# aws/regionswitch.wait_execution when the ARC Region switch execution does not complete, under
# a real `kdx apply` against a stand-in of the ARC Region switch API (JSON protocol, answers
# shaped as the API model says; moto does not implement ARC): the execution ends failed, then
# (a second run) canceled. The kdx step fails with the state and the execution's own reasons
# (its failed/canceled step events' errors, from ListPlanExecutionEvents), and the run rolls
# back as docs/executor.md says: start is irreversible (ARC runs no undo), so it is reported
# STILL IN PLACE and the run ends rollback_incomplete (exit 4), never rolled_back. A completed
# execution passes (the same runbook, the stand-in answering completed).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP" || exit 1
cat >standin.py <<'PY'
import http.server, json, sys
port_file, log, state = sys.argv[1:4]
EVENTS = {
    "failed": [
        {"timestamp": 1767225600, "type": "executionStarted", "eventId": "e1"},
        {"timestamp": 1767225601, "type": "stepFailed", "stepName": "promote_db", "eventId": "e2",
         "executionBlockType": "AuroraGlobalDatabase", "error": "GlobalClusterNotFound: kaldrix-db"},
        {"timestamp": 1767225602, "type": "executionFailed", "eventId": "e3",
         "description": "a step failed"}],
    "canceled": [
        {"timestamp": 1767225600, "type": "executionStarted", "eventId": "e1"},
        {"timestamp": 1767225601, "type": "executionCanceled", "eventId": "e2",
         "description": "canceled by operator jdoe"}],
    "completed": [{"timestamp": 1767225600, "type": "executionSucceeded", "eventId": "e1"}],
}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
        with open(log, "a") as f:
            f.write(op + " " + json.dumps(body, sort_keys=True) + "\n")
        st = open(state).read().strip()
        if op == "StartPlanExecution":
            out = {"executionId": "exec-9", "plan": body["planArn"], "planVersion": "1"}
        elif op == "GetPlanExecution":
            out = {"planArn": body["planArn"], "executionId": body["executionId"], "executionState": st,
                   "executionAction": "activate", "executionRegion": "us-west-2", "mode": "ungraceful",
                   "startTime": 1767225600, "stepStates": [{"name": "promote_db", "status": "failed" if st == "failed" else "completed"}]}
        elif op == "ListPlanExecutionEvents":
            out = {"items": EVENTS[st]}
        else:
            self.send_response(400)
            msg = json.dumps({"__type": "ValidationException", "message": "unexpected " + op}).encode()
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(port_file + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(port_file + ".tmp", port_file)
s.serve_forever()
PY
echo failed >state
python3 standin.py port calls.log state >standin.out 2>&1 &
track_pid $!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "the stand-in did not start: $(cat standin.out)"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_ENDPOINT_URL_ARC_REGION_SWITCH="http://127.0.0.1:$(cat port)"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
cp "$RB/stdlib-standin-regionswitch.kdx" rs.kdx

for st in failed canceled; do
	echo "$st" >state
	: >calls.log
	rm -rf .kdx
	rc=0
	"$KDX" apply -auto-approve -approve start rs.kdx >$st.out 2>&1 || rc=$?
	assert_eq "$rc" 4 "$st: apply's exit status (rollback_incomplete): $(cat $st.out)"
	assert_contains "$(cat $st.out)" "ARC Region switch execution exec-9 of arn:aws:arc-region-switch::111122223333:plan/kaldrix:abc123 ended $st"
	assert_contains "$(cat $st.out)" "STILL IN PLACE"
	grep -q "rolled_back" $st.out && ! grep -q "rollback_incomplete" $st.out && fail "$st: the run claims rolled_back: $(cat $st.out)"
	assert_contains "$(cat $st.out)" "rollback_incomplete"
	# the execution id of start's answer is the one waited for and asked about
	grep -q '^GetPlanExecution .*"executionId": "exec-9"' calls.log || fail "$st: no GetPlanExecution of exec-9: $(cat calls.log)"
	grep -q '^ListPlanExecutionEvents .*"executionId": "exec-9"' calls.log || fail "$st: the events were not read: $(cat calls.log)"
	assert_eq "$(grep -c '^StartPlanExecution' calls.log)" 1 "$st: executions started"
	# the journal says why the step failed
	grep -q '"step_failed".*ended '"$st" .kdx/*.jsonl || grep -q 'ended '"$st"'.*"step_failed"' .kdx/*.jsonl ||
		fail "$st: the journal's step_failed lacks the reason"
done
assert_contains "$(cat failed.out)" "ended failed: promote_db: GlobalClusterNotFound: kaldrix-db; execution: a step failed"
assert_contains "$(cat canceled.out)" "ended canceled: execution: canceled by operator jdoe"

# completed: the step passes; wait_execution reads no events, and failure() finds nothing to
# tell in the completed execution's (the last step's gate)
echo completed >state
: >calls.log
rm -rf .kdx
"$KDX" apply -auto-approve -approve start rs.kdx >ok.out 2>&1 || fail "completed: $(cat ok.out)"
assert_contains "$(cat ok.out)" "run ok"
assert_eq "$(grep -c '^ListPlanExecutionEvents' calls.log)" 1 "event reads of a completed execution (no_failure's gate only)"
echo ok
