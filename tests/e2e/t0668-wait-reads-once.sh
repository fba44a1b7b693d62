#!/usr/bin/env bash
# A poll of a `wait until` reads each thing once (issue #19.1): behind bench/holdproxy.py,
# which holds a change's completion for 8 s, kdx applies bench/runbooks/poll_waits.kdx --
# the Auto Scaling wait of plans/failover.kdx (in_service >= desired: one
# DescribeAutoScalingGroups answers both sides) and route53.set_weights (GetChange until
# INSYNC). The "last seen" of an unmet poll uses the same answers. So the proxy sees one
# request per poll: no more requests, from the change until the wait saw it complete, than
# compiler/poll.h's schedule has polls in that time even with every gap at its shortest
# (1 s growing by half, less 10 % jitter; Auto Scaling: no typical duration, every 15s;
# set_weights: typical 2s, every 2s) -- two or four requests per poll would exceed it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto ""
cd "$E2E_TMP"
python3 "$KDX_REPO/bench/holdproxy.py" "$MOTO_URL" proxy.port hold.log holds.json &
track_pid $!
for _ in $(seq 50); do [ -s proxy.port ] && break; sleep 0.1; done
[ -s proxy.port ] || fail "bench/holdproxy.py did not start"
python3 "$KDX_REPO/bench/peers/poll_peers.py" setup holds.json kdx-asg-8=8 kdx-route53-8=8 || fail "setup"
for l in kdx-asg-8 kdx-route53-8; do
	IFS=- read -r _ svc _ <<<"$l"
	(cd "$KDX_REPO" && AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$E2E_TMP/proxy.port")" "$KDX" apply \
		-auto-approve -state-dir "$E2E_TMP/state-$l" bench/runbooks/poll_waits.kdx -var which="$svc" \
		-var zone="$l.bench" -var group="$l" -var cluster="$l") >"$l.out" 2>&1 || fail "apply $l: $(cat "$l.out")"
	assert_contains "$(cat "$l.out")" "run ok"
done
python3 - hold.log <<'PY' || fail "polls: $(cat hold.log)"
import json, sys
log = [json.loads(line) for line in open(sys.argv[1])]

def most_polls(typical, every, span):
    # polls of the schedule in [0, span] with every jittered gap at its shortest
    at, n, gap = 0.0, 1, 1.0
    if typical:
        at, n = typical, 2
    while True:
        g = every if gap >= every else min(every, gap * 0.9)
        gap *= 1.5
        if at + g > span:
            return n
        at, n = at + g, n + 1

for label, typical, every in (("kdx-asg-8", 0, 15), ("kdx-route53-8", 2, 2)):
    change = next(e for e in log if e["kind"] == "change" and e["label"] == label)
    polls = [e for e in log if e["kind"] == "poll" and e["key"] == change["key"] and e["t"] > change["t"]]
    held = [p for p in polls if p["held"]]
    span = polls[-1]["t"] - change["t"]
    bound = most_polls(typical, every, span)
    print("%s: %d requests (%d held) in %.1f s; the schedule polls at most %d times in that span"
          % (label, len(polls), len(held), span, bound))
    assert len(held) >= 2, "the hold was not waited for"
    assert not polls[-1]["held"], "the wait ended on a held answer"
    assert len(polls) <= bound, "more requests than polls: a poll read the same thing twice"
PY
echo ok
