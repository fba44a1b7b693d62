#!/usr/bin/env bash
# A nested runbook (`use "nested/shift-part.kdx" as move { ... }`) applied on moto: its
# steps run as move.drain and move.settle between the caller's steps, with the params of
# the use block; a failing validation after it rolls back its change; a successful run is
# undone by kdx rollback; a crash after move.drain is finished by kdx resume without sending
# it again. Weights read with boto3.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
mkdir nested
cp "$RB/nested/shift-part.kdx" nested/
python3 "$RB/setup_route53.py" kaldrix.test >/dev/null
weights() { python3 "$RB/weights.py" kaldrix.test; }
cat >outer.kdx <<'KDX'
runbook "outer" {
  description = "announce, move the traffic with a nested runbook, validate"
}

import "aws/route53"
import "core"

param health_url : string = ""

region "us-east-1" { role = primary  weight = 70%  capacity = 100% }
region "us-west-2" { role = secondary  weight = 20%  capacity = 100% }
region "eu-west-1" { role = secondary  weight = 10%  capacity = 100% }

resource api : route53.weighted_record {
  zone    = "kaldrix.test."
  name    = "api.kaldrix.test."
  targets = { for r in regions : r => "api-${r}.kaldrix.test" }
}

step announce {
  do core.sleep(100ms)
  timeout 5s
}

use "nested/shift-part.kdx" as move after announce {
  target = "us-west-2"
  pause  = 300ms
}

step validate after move {
  when health_url != ""
  wait until core.http_check(health_url) within 2s every 500ms
  timeout 5s
}
KDX
start=$(weights)
assert_eq "$start" "eu-west-1=10,us-east-1=70,us-west-2=20" "initial weights"
graph=$("$KDX" graph -var health_url=http://x/ outer.kdx) || fail "graph: $graph"
assert_contains "$graph" '"announce" -> "move.drain";'
assert_contains "$graph" '"move.settle" -> "validate";'
assert_contains "$graph" 'subgraph "cluster_move"'
sim=$("$KDX" simulate outer.kdx) || fail "simulate: $sim"
assert_contains "$sim" "move.drain"
plan=$("$KDX" plan outer.kdx 2>&1) || fail "plan: $plan"
assert_contains "$plan" "step move.drain after announce"

# 1. the validation after the nested runbook fails: its change is rolled back
python3 "$RB/http500.py" >port.txt &
track_pid $!
for _ in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat port.txt)/health"
out=$("$KDX" apply -auto-approve -var "health_url=$url" outer.kdx 2>&1) && fail "apply with a failing validation succeeded: $out"
assert_contains "$out" "run rolled_back"
assert_eq "$(weights)" "$start" "weights after the rollback"
grep -q '"kind":"undo_done","step":"move.drain"' .kdx/outer-*.jsonl || fail "no undo of move.drain journalled"

# 2. a good run moves the traffic; the nested step saw its own param (wait pause = 300ms)
rm -rf .kdx
"$KDX" apply -auto-approve -json outer.kdx >events.jsonl 2>err.txt || fail "apply: $(cat err.txt)"
assert_eq "$(weights)" "eu-west-1=10,us-east-1=0,us-west-2=90" "weights after the apply"
python3 - events.jsonl <<'PY' || fail "events: $(cat events.jsonl)"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
done = {e["step"]: e for e in ev if e["type"] == "step_done"}
assert set(done) == {"announce", "move.drain", "move.settle"}, done.keys()
assert done["move.settle"]["duration_ms"] >= 300, done["move.settle"]
PY

n=$(grep -n '"kind":"step_done","step":"move.drain"' .kdx/outer-*.jsonl | cut -d: -f1)
[ -n "$n" ] || fail "no step_done of move.drain in the journal"

# 3. kdx rollback undoes the nested runbook's change from the journal
out=$("$KDX" rollback outer.kdx 2>&1) || fail "rollback: $out"
assert_eq "$(weights)" "$start" "weights after kdx rollback"

# 4. a crash right after move.drain is journalled done: kdx resume finishes the run
# without running move.drain again
rm -rf .kdx
KDX_CRASH_AT=$n "$KDX" apply -auto-approve outer.kdx >crash.out 2>&1 && fail "KDX_CRASH_AT=$n did not crash: $(cat crash.out)"
assert_eq "$(weights)" "eu-west-1=10,us-east-1=0,us-west-2=90" "weights after the crash"
out=$("$KDX" resume outer.kdx 2>&1) || fail "resume: $out"
assert_contains "$out" "move.settle"
grep -q "move.drain *started" <<<"$out" && fail "resume ran move.drain again: $out"
[ "$(grep -c '"kind":"step_start","step":"move.drain"' .kdx/outer-*.jsonl)" = 1 ] || fail "move.drain started twice"
assert_eq "$(weights)" "eu-west-1=10,us-east-1=0,us-west-2=90" "weights after resume"
echo ok
