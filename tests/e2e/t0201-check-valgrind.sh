#!/usr/bin/env bash
# kdx check is valgrind-clean (no invalid access, no leak) on safe and unsafe runbooks,
# including cycles, the rollback graph and -json.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || skip "valgrind not installed"
cd "$KDX_REPO/tests/golden/safety"
vg() { # runs kdx under valgrind; kdx's own exit 0/1 is fine, valgrind's 99 is not
	local rc=0
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$KDX" "$@" >"$E2E_TMP/out" 2>&1 || rc=$?
	[ $rc -ne 99 ] || fail "valgrind found errors in: kdx $*: $(grep '==' "$E2E_TMP/out" | head -20)"
}
vg check -var-file ../../../plans/environments/production.kdxvars ../../../plans/failover.kdx
vg check -json -var-file ../../../plans/environments/staging.kdxvars failover-broken.kdx
for c in graph-unreachable graph-two-cycles traffic-undo-sum capacity-parallel rto-wait \
	rpo-parallel-gate fencing-unfenced-between reversibility-rollback-capacity races-weights \
	races-pass; do
	vg check "$c.kdx"
done
vg check -explain races
echo "valgrind-clean"
