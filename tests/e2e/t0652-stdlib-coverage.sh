#!/usr/bin/env bash
# Every action of every stdlib module is run by a test (tests/e2e/stdlib_coverage.py): on
# moto_server (stdlib-moto*.kdx runbooks, t0651 t0653 t0654 t0655), for real without AWS
# (stdlib-local*.kdx, t0656), as the undo a rollback runs, or -- when moto lacks the
# operation -- under -dry-run compared with botocore (stdlib-model-only*.kdx, t0650), with
# "Checked against the API model only" in its docs. A new action without a test fails here.
# Every mutating action must also be run apply -> rollback -> identical world (a script's
# `# identical-world:` runbooks, or the undo of an action in one) or be listed, with the
# reason, in stdlib_coverage.py's ROLLBACK_EXEMPT (moto lacks it, or it is irreversible).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$KDX_REPO" >cov.out 2>&1 || fail "$(cat cov.out)"
n=$(sed -n 's/^\([0-9]*\) actions, \1 covered$/\1/p' cov.out)
[ -n "$n" ] && [ "$n" -ge 80 ] || fail "expected every one of at least 80 actions covered: $(tail -1 cov.out)"
# the check can fail: a new action nobody calls, a model-only note nobody backs
mkdir -p "$E2E_TMP/copy" && cp -r "$KDX_REPO/stdlib" "$KDX_REPO/tests" "$E2E_TMP/copy/"
cat >>"$E2E_TMP/copy/stdlib/aws/sns.kdx" <<'KDX'

action untested(topic : topic) : string {
  description = "An action without a test. Checked against the API model only."
  effect { read() }
  call aws "sns" "GetTopicAttributes" { TopicArn = topic.arn } as r
  return r.Attributes.Owner
}
KDX
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$E2E_TMP/copy" >bad.out 2>&1 && fail "an untested action passed: $(cat bad.out)"
assert_contains "$(cat bad.out)" "uncovered: sns.untested: no test runs it"
assert_contains "$(cat bad.out)" "uncovered: sns.untested: its description says 'Checked against the API model only' but no stdlib-model-only runbook calls it"
# a runbook no test script runs does not count
rm "$E2E_TMP/copy/tests/e2e/t0653-stdlib-route53-moto.sh"
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$E2E_TMP/copy" >bad2.out 2>&1 && fail "an unrun runbook counted"
assert_contains "$(cat bad2.out)" "uncovered: route53.set_failover_primary: no test runs it"
# a mutating action run by a moto test but never rolled back and compared field by field
mkdir -p "$E2E_TMP/copy2" && cp -r "$KDX_REPO/stdlib" "$KDX_REPO/tests" "$E2E_TMP/copy2/"
sed -i 's/^# identical-world: stdlib-moto-lambda.kdx$//' "$E2E_TMP/copy2/tests/e2e/t0990-stdlib-lambda-esm-moto.sh"
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$E2E_TMP/copy2" >bad3.out 2>&1 && fail "a mutating action without a rollback-world test passed"
assert_contains "$(cat bad3.out)" "uncovered: lambda.set_mapping_enabled: mutating, but no apply -> rollback -> identical-world test runs it"
# a promise without a rollback is an error too
printf '# identical-world: truth-diff.kdx\n' >"$E2E_TMP/copy2/tests/e2e/t0669-no-rollback.sh"
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$E2E_TMP/copy2" >bad5.out 2>&1 && fail "a promise without a rollback passed"
assert_contains "$(cat bad5.out)" "t0669: promises an identical world after a rollback but runs no \`kdx rollback\`"
python3 "$KDX_REPO/tests/e2e/stdlib_coverage.py" "$KDX_REPO" -v >all.out 2>&1 || fail "$(cat all.out)"
assert_contains "$(cat all.out)" "elasticache.fence_writes: model-only t0650, no rollback-world test: API model only: moto 5.2.1 has no ModifyUser"
assert_contains "$(cat all.out)" "rds.unfence_writes:"
grep '^rds.unfence_writes:' all.out | grep -q "rollback-world t0665" || fail "unfence_writes is not counted as fence_writes' undo: $(grep unfence all.out)"
echo ok
