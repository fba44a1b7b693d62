#!/usr/bin/env bash
# kdx apply against real time and moto: two independent 1 s waits finish together in about
# 1 s (< 1.8 s), `after` is honoured, a timeout fails its step, retries back off, and a
# `require` that does not hold stops its step before any change (weights read with boto3).
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/sched.kdx" .
python3 "$RB/setup_route53.py" kaldrix.test >/dev/null
"$KDX" apply -auto-approve -json sched.kdx >events.jsonl 2>err.txt && fail "a degraded run exited 0"
python3 - events.jsonl <<'PY' || fail "events: $(cat events.jsonl err.txt)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def at(kind, step, n=0):
    return [e for e in ev if e["type"] == kind and e.get("step") == step][n]
for s in ("left", "right"):
    assert at("step_done", s)["elapsed_ms"] < 1800, ("not parallel", at("step_done", s))
    assert at("step_done", s)["duration_ms"] >= 950, at("step_done", s)
# after left, right: join starts only when both are done
assert at("step_start", "join")["elapsed_ms"] >= max(at("step_done", "left")["elapsed_ms"],
                                                     at("step_done", "right")["elapsed_ms"])
assert "timed out after 300ms" in at("step_failed", "slow")["message"]
assert len([e for e in ev if e["type"] == "step_retry" and e["step"] == "flaky"]) == 2
assert "does not hold; nothing was changed" in at("step_failed", "guarded")["message"]
end = [e for e in ev if e["type"] == "run_end"][0]
assert end["status"] == "degraded", end
PY
assert_eq "$(python3 "$RB/weights.py" kaldrix.test)" "eu-west-1=10,us-east-1=70,us-west-2=20" "a failed require changed the weights"
j=$(ls .kdx/sched-*.jsonl)
grep -q '"kind":"intent","step":"guarded"' "$j" && fail "an intent was journalled for a step whose require failed"
[ "$(grep -c '"kind":"step_start","step":"flaky"' "$j")" = 3 ] || fail "flaky was not tried 3 times"
echo ok
