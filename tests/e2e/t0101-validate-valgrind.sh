#!/usr/bin/env bash
# kdx validate and kdx graph leak nothing and touch no uninitialised memory (valgrind),
# on every plan (with each environment), every example, and a file full of errors.
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO"
command -v valgrind >/dev/null || skip "valgrind not installed"
grep -q __asan_init "$KDX" && skip "kdx is built with sanitizers; valgrind cannot run it"
vg() { valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$@"; }
vg "$KDX" validate plans/*.kdx examples/*.kdx || fail "valgrind: validate of plans and examples"
for env in production staging development; do
	vg "$KDX" validate plans/failover.kdx -var-file "plans/environments/$env.kdxvars" ||
		fail "valgrind: validate with $env"
done
vg "$KDX" graph plans/failover.kdx >/dev/null || fail "valgrind: graph"
set +e
(cd tests/golden/semantic && vg "$KDX" validate unknown-field.kdx import-cycle.kdx -I . \
	-var enviroment=x >/dev/null 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] || fail "valgrind on bad inputs: exit $rc (99 means valgrind found errors)"
