#!/usr/bin/env bash
# A runbook that never calls AWS (a pause, no `timeout` clause) applies with no AWS credentials
# anywhere, and its implicit timeout (the action's worst case, core.sleep's `duration d..d`)
# leaves the real clock room: the step ends a little after d, and must not time out.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
mkdir -p home
cat >pause.kdx <<'KDX'
runbook "pause" {}
import "core"
objectives { rto = 5m }
region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}
step settle { do core.sleep(300ms) }
step again after settle { do core.sleep(200ms) }
KDX
for i in 1 2 3; do
	out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
		HOME="$E2E_TMP/home" "$KDX" apply -auto-approve pause.kdx 2>&1) || fail "run $i: $out"
	assert_contains "$out" "run ok" "run $i"
done
