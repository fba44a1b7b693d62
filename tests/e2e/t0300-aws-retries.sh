#!/usr/bin/env bash
# Standard-mode retries through a fault-injecting proxy in front of moto: a call succeeds
# when the faults fit in the attempt budget, and gives up cleanly (clear error, attempts
# counted) when they do not. The proxy's log counts what really reached the wire.
source "$(dirname "$0")/lib.sh"
start_moto
BODY='Action=GetCallerIdentity&Version=2011-06-15'

# proxy SCRIPT: (re)start faultproxy with a fresh script; sets PROXY_URL, PROXY_LOG.
proxy() {
	[ -n "${PROXY_PID:-}" ] && { kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }
	PROXY_LOG="$E2E_TMP/proxy.$RANDOM.log"
	local pf="$E2E_TMP/proxy.port.$RANDOM"
	python3 "$KDX_REPO/tests/e2e/faultproxy.py" --upstream "$MOTO_URL" --script "$1" \
		--port-file "$pf" --log "$PROXY_LOG" &
	PROXY_PID=$!
	track_pid "$PROXY_PID"
	for _ in $(seq 1 100); do [ -s "$pf" ] && break; sleep 0.05; done
	[ -s "$pf" ] || fail "faultproxy did not start"
	PROXY_URL="http://127.0.0.1:$(cat "$pf")"
}

send() { # send ARGS...: kdx aws send of STS GetCallerIdentity through the proxy
	"$KDX" aws send -service sts -method POST -url "$PROXY_URL/" -body "$BODY" -verbose -seed 7 "$@" \
		>"$E2E_TMP/out" 2>"$E2E_TMP/err"
}

requests() { wc -l <"$PROXY_LOG" | tr -d ' '; }

# 1. throttling then 503, then success: 3 attempts, within the default budget of 3.
proxy "throttle,503,pass"
send || fail "call with 2 faults should succeed: $(cat "$E2E_TMP/err")"
assert_contains "$(cat "$E2E_TMP/out")" "<Arn>arn:aws:sts::123456789012:user/moto</Arn>"
assert_contains "$(cat "$E2E_TMP/err")" "attempts: 3"
assert_eq "$(requests)" 3 "requests on the wire"

# 2. three faults with a budget of 3: gives up after exactly 3, says so, exit 1.
proxy "429,drop,500,pass"
if send; then fail "call with 3 faults and 3 attempts should fail"; fi
err=$(cat "$E2E_TMP/err")
assert_contains "$err" "kdx: error: 'sts' request to '127.0.0.1:"
assert_contains "$err" "failed: InternalFailure: injected 500 (HTTP 500, request id fault-3, 3 attempts)"
assert_eq "$(requests)" 3 "requests on the wire"
[ -s "$E2E_TMP/out" ] && fail "nothing should be printed on stdout after giving up"

# 3. a dropped connection is retried like a 5xx; -max-attempts raises the budget.
proxy "drop,drop,drop,pass"
send -max-attempts 4 || fail "4 attempts should cover 3 drops: $(cat "$E2E_TMP/err")"
assert_contains "$(cat "$E2E_TMP/err")" "attempts: 4"
assert_eq "$(requests)" 4 "requests on the wire"

# 4. AWS_MAX_ATTEMPTS is honoured when no flag is given; a connection error is named.
proxy "drop,drop"
if AWS_MAX_ATTEMPTS=2 send; then fail "2 drops with AWS_MAX_ATTEMPTS=2 should fail"; fi
assert_contains "$(cat "$E2E_TMP/err")" "ConnectionError"
assert_contains "$(cat "$E2E_TMP/err")" "2 attempts"
assert_eq "$(requests)" 2 "requests on the wire"

# 5. a client error is not retried.
proxy "400,pass"
if send; then fail "a 400 ValidationError must not be retried into success"; fi
assert_contains "$(cat "$E2E_TMP/err")" "failed: ValidationError: injected 400 (HTTP 400, request id fault-1)"
assert_contains "$(cat "$E2E_TMP/err")" "attempts: 1"
assert_eq "$(requests)" 1 "requests on the wire"

# 6. a slow answer hits the per-attempt timeout and is retried.
proxy "slow:3,pass"
start=$(date +%s)
send -timeout 1s || fail "a timeout then success should succeed: $(cat "$E2E_TMP/err")"
assert_contains "$(cat "$E2E_TMP/err")" "attempts: 2"
[ $(( $(date +%s) - start )) -lt 5 ] || fail "the 1s timeout was not enforced"
# 7. many calls in flight on one thread: 10 answers that each take 1 s arrive in ~1 s, and
#    faults among parallel calls are retried per call.
proxy "slow:1,slow:1,slow:1,slow:1,slow:1,slow:1,slow:1,slow:1,503,throttle"
send -parallel 10 || fail "parallel calls failed: $(cat "$E2E_TMP/err")"
out=$(cat "$E2E_TMP/out")
assert_contains "$out" "10 ok, 0 failed"
ms=$(sed -n 's/.*failed, \([0-9]*\) ms/\1/p' <<<"$out")
[ "$ms" -lt 5000 ] || fail "10 parallel 1-second calls took $ms ms: not concurrent"
assert_eq "$(requests)" 12 "requests on the wire"
echo "all retry scenarios passed"
