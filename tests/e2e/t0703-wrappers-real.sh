#!/usr/bin/env bash
# test-failover.sh for real against moto (t0701 checks every flag with KDX_DRY_RUN=1 only):
# -t simulation rehearses, -t real fails over to us-west-2, -t rollback undoes it. The world is
# the lite one of t0711 plus what the whole failover reads (kaldrix_state.py lite-world), built
# with boto3, so this takes under a minute; deploy-multi-region.sh and destroy-multi-region.sh
# run for real in t0710 (tests/demo.sh deploys and destroys through them). boto3 checks the
# world after each run.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
scripts=$KDX_REPO/terraform/multi-region/scripts
state() { python3 "$KDX_REPO/tests/e2e/kaldrix_state.py" "$@"; }
python3 "$KDX_REPO/tests/e2e/runbooks/setup_failover.py" staging.kaldrix.io staging >/dev/null || fail "setup"
hc=$(state lite-world) || fail "lite world: $hc"
mkdir -p "$E2E_TMP/www" && echo ok >"$E2E_TMP/www/health"
hport=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$E2E_TMP/www" "$hport" >/dev/null 2>&1 &
track_pid "$!"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$hport/health" 2>/dev/null && break; sleep 0.1; done

# The local settings (docs/kaldrix.md) as the wrappers take them: one more var file.
# the EKS workload and the Redis datastore steps are off on moto, as in the demo (docs/kaldrix.md)
cat >"$E2E_TMP/local.kdxvars" <<EOF
db_failover       = "detach"
workloads         = false
cache_failover    = false
fleet_size        = 2
health_check_ids  = $hc
health_url        = "http://127.0.0.1:$hport/health"
target_health_url = "http://127.0.0.1:$hport/health"
EOF
export KDX KDX_VAR_FILE=$E2E_TMP/local.kdxvars KDX_STATE_DIR=$E2E_TMP/kdx
before=$(state snapshot)
assert_eq "$(state weights staging.kaldrix.io)" "70/20/10" "starting weights"

out=$("$scripts/test-failover.sh" -e staging -t simulation 2>&1) || fail "-t simulation: $out"
assert_eq "$(state snapshot)" "$before" "the world after a simulation"
echo "simulation: $(tail -1 <<<"$out")"

out=$("$scripts/test-failover.sh" -e staging -t real -r us-west-2 2>&1) || fail "-t real: $out"
assert_contains "$out" "run ok"
state failed-over us-west-2 || fail "the world after -t real"
assert_eq "$(state weights staging.kaldrix.io)" "0/90/10" "weights after -t real"
echo "real: $(grep 'run ok' <<<"$out")"

# The rollback undoes scale, shift and fence; the detach is irreversible, reported, not undone
# (and moto ignores it anyway: the writer stays us-east-1, docs/kaldrix.md).
rc=0
out=$("$scripts/test-failover.sh" -e staging -t rollback 2>&1) || rc=$?
assert_contains "$out" "detach_db"
assert_eq "$(state weights staging.kaldrix.io)" "70/20/10" "weights after -t rollback (exit $rc): $out"
assert_eq "$(state snapshot)" "$before" "the world after -t rollback (exit $rc): $out"
grep -E "detach_db|run " <<<"$out" | sed "s/^/rollback (exit $rc): /"
