#!/usr/bin/env bash
# Issue #20.10, the sample that runs in 'make test' (the long campaign is 'make campaign'):
# failover-lite against moto through faultproxy with seeded random faults at 20 % and 50 %,
# targeted faults after every mutating request took effect, and SIGKILL during the apply and
# again during the resume / rollback, a damaged journal refused; boto3 judges every end state (tests/e2e/campaign.py).
# Goals: no half state, no false status, no hang.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
out=$(python3 "$KDX_REPO/tests/e2e/campaign.py" --kdx "$KDX" --moto "$MOTO_URL" --work "$E2E_TMP" \
	--seeds "${CAMPAIGN_SEEDS:-1}" --rates "${CAMPAIGN_RATES:-0.5}" --modes "${CAMPAIGN_MODES:-random,targeted,kill,damage}" \
	--kill-points "${CAMPAIGN_KILL_POINTS:-6}" --damage-points "${CAMPAIGN_DAMAGE_POINTS:-1}" --kill-both-upto "${CAMPAIGN_KILL_BOTH_UPTO:-0}" $([ -n "${CAMPAIGN_FULL:-}" ] || echo --quick) -v) || fail "campaign: $out"
echo "$out"
echo ok
