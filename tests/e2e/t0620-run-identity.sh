#!/usr/bin/env bash
# Runs belong to their runbook (issue #13.4, #20.5): fo.kdx and fo-eu.kdx share step names
# and a file-name prefix. After fo-eu's apply is killed, `kdx resume fo.kdx` must not pick
# up fo-eu's journal (main used to glob "fo-*", take fo's lock and finish fo-eu's run with
# fo's plan, exit 0), and `-journal` of fo-eu's run with fo.kdx is refused naming both --
# before anything is appended. Then fo-eu's own resume finishes it. A changed runbook or a
# different -var is refused; -force REASON overrides the runbook text only.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
runbook() { # NAME DURATION
	cat <<KDX
runbook "$1" {}
import "core"
param target : string = "us-west-2"
objectives { rto = 5m }
region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}
step settle { do core.sleep($2) }
step again after settle { do core.sleep(10ms) }
KDX
}
runbook fo 10ms >fo.kdx
runbook fo-eu 20ms >fo-eu.kdx
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test

# kill fo-eu's apply after its second record
KDX_CRASH_AT=2 "$KDX" apply -auto-approve fo-eu.kdx >crash.out 2>&1 && rc=0 || rc=$?
assert_eq "$rc" 137 "fo-eu's apply was killed"
j=$(ls .kdx/fo-eu-*.jsonl)
before=$(sha256sum <"$j")

out=$("$KDX" resume fo.kdx 2>&1) && fail "resume fo.kdx took another runbook's run: $out"
assert_contains "$out" "no run of runbook 'fo'" "resume fo.kdx"
out=$("$KDX" resume -journal "$j" fo.kdx 2>&1) && fail "resume -journal fo-eu's run with fo.kdx: $out"
assert_contains "$out" "is a run of runbook 'fo-eu' (fo-eu.kdx)" "mismatch names the run's runbook"
assert_contains "$out" "not of runbook 'fo'" "mismatch names the runbook given"
out=$("$KDX" rollback -journal "$j" fo.kdx 2>&1) && fail "rollback with fo.kdx: $out"
assert_contains "$out" "is a run of runbook 'fo-eu'" "rollback checks the identity too"
assert_eq "$(sha256sum <"$j")" "$before" "nothing appended to fo-eu's journal by refused commands"
ls .kdx/fo-2*.jsonl >/dev/null 2>&1 && fail "a run of fo was created"

# its own runbook: a changed text is refused, -force REASON overrides and is journalled
cp fo-eu.kdx fo-eu.orig
runbook fo-eu 30ms >fo-eu.kdx
out=$("$KDX" resume fo-eu.kdx 2>&1) && fail "resume of a changed runbook: $out"
assert_contains "$out" "the runbook changed since run" "changed runbook"
assert_eq "$(sha256sum <"$j")" "$before" "nothing appended by the refused resume"
# a -var the run did not start with is refused, naming it; -force does not override it
out=$("$KDX" resume -var target=eu-west-1 -force "drill" fo-eu.kdx 2>&1) && fail "resume -var: $out"
assert_contains "$out" "-var target=eu-west-1 differs from run" "different vars"
out=$("$KDX" resume -force "hotfix of a typo" fo-eu.kdx 2>&1) || fail "resume -force: $out"
assert_contains "$out" "resume: ok" "forced resume"
grep -q '"kind":"force".*hotfix of a typo' "$j" || fail "the -force reason is not journalled"
# a finished run is never re-run
out=$("$KDX" resume fo-eu.kdx 2>&1) && fail "resume of a finished run: $out"
assert_contains "$out" "already finished (ok)" "finished run"
echo ok
