#!/usr/bin/env bash
# An idempotency-token member written as null in a `call aws` (Route 53's CallerReference) is
# filled with the step's token in its place: the dry-run body carries it exactly once.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
cp "$KDX_REPO/tests/e2e/runbooks/token-null.kdx" .
out=$(AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAEXAMPLEEXAMPLE12 \
	AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD \
	"$KDX" apply -dry-run -auto-approve token-null.kdx 2>&1) || fail "dry-run: $out"
body=$(grep "<CreateHealthCheckRequest" <<<"$out") || fail "no request body: $out"
assert_eq "$(grep -o "<CallerReference>" <<<"$body" | wc -l)" 1 "CallerReference elements"
assert_contains "$body" "<CallerReference>kdx-"
