#!/usr/bin/env bash
# Apply -> rollback -> identical world (issue #14.2), data-driven: for each row below, a fresh
# moto_server is set up, world.py (boto3) reads every field of every object of the row's
# kinds, the runbook is applied (every step must change something: the world after the
# apply must differ), rolled back (`rolled_back`), and read again: nothing may differ.
# Rows for actions the other identical-world tests (t0653 t0655 t0657 t0663 t0990 t0991)
# do not run; tests/e2e/stdlib_coverage.py (t0652) requires every mutating action in one.
# identical-world: rollback-rds-fence.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
W="$KDX_REPO/tests/e2e/world.py"
cd "$E2E_TMP"

# rds.fence_writes (its undo: rds.unfence_writes) in both regions. The parameter groups set
# the fence parameter to "off" first: unfence_writes puts "off" back, and moto 5.2.1 has no
# ResetDBClusterParameterGroup to give an unset parameter back its engine default
# (docs/stdlib.md, aws/rds).
setup_rds_fence() {
	python3 "$RB/stdlib_moto_rds.py" || return 1
	python3 - <<'PY'
import boto3
for reg, name in (("us-west-2", "kaldrix-west-pg"), ("us-east-1", "kaldrix-east-pg")):
    boto3.client("rds", region_name=reg).modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=name, Parameters=[{"ParameterName": "default_transaction_read_only",
        "ParameterValue": "off", "ApplyMethod": "immediate"}])
PY
}

# name | setup function | runbook | world.py kinds | a change the apply must show
ROWS=(
	"rds-fence|setup_rds_fence|rollback-rds-fence.kdx|rds|parameter-group kaldrix-west-pg/Parameters/default_transaction_read_only/ParameterValue: \"off\" -> \"on\""
)

for row in "${ROWS[@]}"; do
	IFS='|' read -r name setup runbook kinds change <<<"$row"
	mkdir -p "$E2E_TMP/$name" && cd "$E2E_TMP/$name"
	start_moto
	cp "$RB/$runbook" .
	"$setup" || fail "$name: setup"
	# shellcheck disable=SC2086 # kinds is a list
	python3 "$W" dump $kinds >before.json || fail "$name: dump"
	"$KDX" apply -auto-approve "$runbook" >apply.out 2>&1 || fail "$name: apply: $(cat apply.out)"
	assert_contains "$(cat apply.out)" "run ok" "$name: apply"
	# shellcheck disable=SC2086
	python3 "$W" dump $kinds >after.json
	python3 "$W" diff before.json after.json >applied.diff
	assert_contains "$(cat applied.diff)" "$change" "$name: what the apply changed"
	"$KDX" rollback "$runbook" >rb.out 2>&1 || fail "$name: rollback: $(cat rb.out)"
	assert_contains "$(cat rb.out)" "rolled_back" "$name: rollback"
	# shellcheck disable=SC2086
	python3 "$W" dump $kinds >restored.json
	python3 "$W" diff before.json restored.json >restored.diff
	[ -s restored.diff ] && fail "$name: rollback did not restore the world: $(cat restored.diff)"
	stop_moto
	echo "$name: apply changed $(wc -l <applied.diff) fields, rollback restored all"
done
echo ok
