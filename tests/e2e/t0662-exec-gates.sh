#!/usr/bin/env bash
# core.exec, gated twice: refused at check time when the runbook does not list the command,
# refused before any step runs without -allow-exec; with both it runs the command without
# a shell, in a controlled environment (kdx's own AWS variables are not passed on), records
# argv and status in the journal (never the environment), and a failing command rolls back
# the steps before it through their undo commands. -dry-run and kdx plan show the argv,
# with secrets masked, and run nothing. No AWS call is made.
. "$(dirname "$0")/lib.sh"
export AWS_ACCESS_KEY_ID=AKIDEXECTEST AWS_SECRET_ACCESS_KEY=exec-secret-canary-42 AWS_DEFAULT_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
cd "$E2E_TMP"
cat >ex.kdx <<'KDX'
runbook "ex" {
  allow_exec = ["/usr/bin/touch", "/bin/rm", "/usr/bin/env", "/bin/sh"]
}

import "core"

param dir    : string = "."
param broken : bool = false
param token  : string = "none"

region "us-east-1" { role = primary  weight = 100%  capacity = 100% }

step mark {
  do   core.exec(["/usr/bin/touch", "${dir}/marker"])
  undo core.exec(["/bin/rm", "-f", "${dir}/marker"])
}

step show_env after mark {
  do core.exec(["/usr/bin/env"], env = { KDX_TEST_VAR = "visible-${token}" })
  irreversible
}

step last after show_env {
  do core.exec(["/bin/sh", "-c", broken ? "echo broken >&2; exit 7" : "echo fine"], time_limit = 5s)
  irreversible
}
KDX

# 1. the runbook side: a command not in allow_exec is a compile error
sed '/allow_exec/s|"/usr/bin/touch", ||' ex.kdx >notlisted.kdx
out=$("$KDX" check notlisted.kdx 2>&1) && fail "check accepted a command not in allow_exec: $out"
assert_contains "$out" "command '/usr/bin/touch' is not in the runbook's allow_exec"

# 2. the command-line side: no -allow-exec, nothing runs
out=$("$KDX" apply -auto-approve ex.kdx 2>&1) && fail "apply without -allow-exec succeeded: $out"
assert_contains "$out" "runs local commands (step 'mark': core.exec), which is off by default; nothing was run"
[ -e marker ] && fail "a command ran without -allow-exec"
[ -d .kdx ] && ls .kdx/*.jsonl >/dev/null 2>&1 && fail "a journal was started without -allow-exec"

# 3. dry-run and plan show the argv (the secret masked) and run nothing
out=$("$KDX" apply -auto-approve -allow-exec -dry-run ex.kdx 2>&1) || fail "dry-run: $out"
assert_contains "$out" "# would run: '/usr/bin/touch' './marker'"
[ -e marker ] && fail "dry-run ran a command"
plan=$("$KDX" plan -allow-exec -var token=exec-secret-canary-42 -var dir=/tmp/exec-secret-canary-42 ex.kdx 2>&1) || fail "plan: $plan"
assert_contains "$plan" "# would run: '/bin/sh' '-c' 'echo fine' (no shell, time limit 5000ms)"
assert_contains "$plan" "# would run: '/usr/bin/touch' '/tmp/[redacted]/marker'"
grep -q "exec-secret-canary-42" <<<"$out$plan" && fail "a secret was printed"

# 4. both gates open: it runs, in a controlled environment, journalled
"$KDX" apply -auto-approve -allow-exec ex.kdx >ok.out 2>&1 || fail "apply: $(cat ok.out)"
[ -e marker ] || fail "touch did not run"
j=$(ls .kdx/ex-*.jsonl)
python3 - "$j" <<'PY' || fail "journal: $(cat "$j")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
res = {r["step"]: r["data"] for r in recs if r["kind"] == "result"}
assert res["mark"]["output"]["argv"] == ["/usr/bin/touch", "./marker"], res["mark"]
assert res["mark"]["output"]["status"] == 0
env = res["show_env"]["output"]["stdout"]
assert "KDX_TEST_VAR=visible-none" in env, env
assert "AWS_" not in env and "exec-secret" not in env, env
assert res["last"]["output"]["stdout"] == "fine\n", res["last"]
PY
# (the run's identity names its environment, "env":"default"; a journalled process
# environment would be an object or a list)
grep -Eq '"env":[[{]' "$j" && fail "the environment was journalled"

# 5. a failing command fails its step and rolls back: mark's undo removes the marker
rm -rf .kdx
out=$("$KDX" apply -auto-approve -allow-exec -var broken=true ex.kdx 2>&1) && fail "a failing command did not fail the run: $out"
assert_contains "$out" "command '/bin/sh' '-c' 'echo broken >&2; exit 7' exited with status 7: broken"
# show_env's command cannot be undone: the run says so (#20.2), never "rolled_back"
assert_contains "$out" "run rollback_incomplete"
assert_contains "$out" "show_env           STILL IN PLACE: irreversible"
[ -e marker ] && fail "the rollback did not run mark's undo"
echo ok
