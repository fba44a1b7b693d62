#!/usr/bin/env bash
# -mode graceful|ungraceful on check, validate, graph and export (as on plan, apply and
# simulate): the program the proofs and the drawing are made of is the mode's. One runbook
# (tests/e2e/runbooks/mode-switch.kdx) is safe graceful (a switchover) and unsafe ungraceful
# (a failover without its lag gate); check says which mode it proved, graph draws that mode's
# steps under a "<mode> mode" label, and a bad mode or a runbook without `param mode` is an
# error that says so.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP" || exit 1
cp "$KDX_REPO/tests/e2e/runbooks/mode-switch.kdx" .
R=mode-switch.kdx

"$KDX" check -mode graceful $R >g.out 2>&1 || fail "graceful check: $(cat g.out)"
assert_contains "$(cat g.out)" "mode: graceful"
assert_contains "$(cat g.out)" "is safe: 1 step,"
rc=0
"$KDX" check -mode ungraceful $R >u.out 2>&1 || rc=$?
assert_eq "$rc" 1 "ungraceful check's exit status: $(cat u.out)"
assert_contains "$(cat u.out)" "mode: ungraceful"
assert_contains "$(cat u.out)" "step 'promote_db' promotes 'db' in 'us-west-2' without a lag gate"
# the default is the param's default; -mode is the same as -var mode=M
"$KDX" check $R >d.out 2>&1 || fail "default check: $(cat d.out)"
assert_contains "$(cat d.out)" "mode: graceful"
"$KDX" check -var mode=ungraceful $R >v.out 2>&1 && fail "-var mode=ungraceful passed"
assert_eq "$(grep -c 'without a lag gate' v.out)" 1 "-var mode=ungraceful finds the same error"
# -json carries the mode
"$KDX" check -json -mode graceful $R | python3 -c 'import json,sys; d=[json.loads(l) for l in sys.stdin][-1]; assert d["type"] == "check" and d["mode"] == "graceful" and d["steps"] == 1, d' ||
	fail "check -json's mode"

# validate compiles the mode's program; a bad mode is a usage error
"$KDX" validate -mode ungraceful $R >val.out 2>&1 || fail "validate: $(cat val.out)"
rc=0
"$KDX" validate -mode fast $R >bad.out 2>&1 || rc=$?
assert_eq "$rc" 1 "a bad -mode's exit status: $(cat bad.out)"
assert_contains "$(cat bad.out)" "-mode takes graceful or ungraceful"

# graph: the mode's steps only, under its label
"$KDX" graph -mode graceful $R >g.dot 2>/dev/null || fail "graceful graph"
rc=0
"$KDX" graph -mode ungraceful $R >u.dot 2>/dev/null || rc=$?
assert_eq "$rc" 1 "the unsafe ungraceful graph's exit status (drawn all the same)"
assert_contains "$(cat g.dot)" 'label="graceful mode"'
assert_contains "$(cat u.dot)" 'label="ungraceful mode"'
assert_contains "$(cat g.dot)" '"switch_db" [label="switch_db\nrds.switchover_global_cluster"]'
grep -q '"promote_db"' g.dot && fail "the graceful graph draws the failover"
assert_contains "$(cat u.dot)" '"fence_db" -> "promote_db";'
grep -q '"switch_db"' u.dot && fail "the ungraceful graph draws the switchover"

# export compiles the mode's steps (after the mode's proofs pass)
"$KDX" export arc -mode graceful -execution-role arn:aws:iam::123456789012:role/arc $R >arc.json 2>arc.err ||
	fail "graceful export: $(cat arc.err)"
python3 -c 'import json,sys; p=json.load(open("arc.json")); s=json.dumps(p); assert "switchoverOnly" in s and "\"failover\"" not in s, s' ||
	fail "the graceful export is not a switchover: $(cat arc.json)"
"$KDX" export arc -mode ungraceful -execution-role arn:aws:iam::123456789012:role/arc $R >arcu.json 2>arcu.err &&
	fail "the unsafe ungraceful program was exported"
assert_contains "$(cat arcu.err)" "without a lag gate"

# a runbook without `param mode`
cat >nomode.kdx <<'KDX'
runbook "nomode" {
  description = "no param mode"
}
step hello {
  do core.pause(1s)
}
KDX
"$KDX" check -mode graceful nomode.kdx >nm.out 2>&1 && fail "-mode on a runbook without param mode passed"
assert_contains "$(cat nm.out)" "-var sets 'mode', which is not a param of this runbook"
echo ok
