#!/usr/bin/env bash
# A `parallel` group on the real clock: its three 1 s members start together after the
# group's predecessor and finish in about 1 s (< 1.8 s, like t0601), and the step `after`
# the group starts only when all three are done. kdx simulate follows the same order, and
# a failing member rolls back the members that finished. No AWS call is made.
. "$(dirname "$0")/lib.sh"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
cd "$E2E_TMP"
cat >group.kdx <<'KDX'
runbook "group" {
  allow_exec = ["/bin/sh"]
}

import "core"

param fail_b : bool = false

region "us-east-1" { role = primary  weight = 100%  capacity = 100% }

step start {
  do core.sleep(100ms)
  timeout 5s
}

parallel warm after start {
  step a {
    do core.sleep(1s)
    timeout 5s
  }

  step b {
    do core.exec(["/bin/sh", "-c", fail_b ? "sleep 0.5; exit 1" : "sleep 1; echo b >>ran"], time_limit = 3s)
    undo core.exec(["/bin/sh", "-c", "echo undo-b >>ran"])
    timeout 10s
  }

  step c {
    do core.exec(["/bin/sh", "-c", "sleep 1; echo c >>ran"], time_limit = 3s)
    undo core.exec(["/bin/sh", "-c", "echo undo-c >>ran"])
    timeout 10s
  }
}

step join after warm {
  do core.sleep(100ms)
  timeout 5s
}
KDX
"$KDX" fmt -check group.kdx || fail "the test runbook is not in canonical layout"
"$KDX" apply -auto-approve -allow-exec -json group.kdx >events.jsonl 2>err.txt || fail "apply: $(cat err.txt)"
python3 - events.jsonl <<'PY' || fail "events: $(cat events.jsonl err.txt)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def at(kind, step):
    return [e for e in ev if e["type"] == kind and e.get("step") == step][0]
start_done = at("step_done", "start")["elapsed_ms"]
for s in ("a", "b", "c"):
    assert at("step_start", s)["elapsed_ms"] >= start_done, ("started before its group's predecessor", s)
    assert at("step_start", s)["elapsed_ms"] - start_done < 300, ("did not start at once", s)
    assert at("step_done", s)["elapsed_ms"] - start_done < 1800, ("not parallel", at("step_done", s))
    assert at("step_done", s)["duration_ms"] >= 950, at("step_done", s)
assert at("step_start", "join")["elapsed_ms"] >= max(at("step_done", s)["elapsed_ms"] for s in "abc")
PY
assert_eq "$(sort ran | tr '\n' ' ')" "b c " "the members' commands"

# the simulator schedules the same graph: join after every member
sim=$("$KDX" simulate group.kdx) || fail "simulate: $sim"
python3 - <<PY || fail "simulate order: $sim"
lines = """$sim""".splitlines()
def t(step, what):
    for l in lines:
        f = l.split()
        if len(f) >= 3 and f[1] == step and f[2] == what:
            return f[0]
    raise SystemExit("no %s %s" % (step, what))
assert t("join", "start") >= max(t(s, "done") for s in "abc")
assert all(t(s, "start") == t("a", "start") for s in "bc")
PY

# a member fails: the finished members are undone, join never starts
rm -f ran
rm -rf .kdx
out=$("$KDX" apply -auto-approve -allow-exec -var fail_b=true group.kdx 2>&1) && fail "a failing member did not fail the run: $out"
assert_contains "$out" "run rolled_back"
grep -q "^undo-c$" ran || fail "c was not undone: $(cat ran) $out"
grep -q "undo-b" ran && fail "the failed member b was undone"
grep -q '"step":"join"' .kdx/group-*.jsonl && fail "join ran after a failed member"
echo ok
