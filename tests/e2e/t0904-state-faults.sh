#!/usr/bin/env bash
# The shared run stores under throttling, 5xx answers and lost answers (faultproxy between
# kdx and moto, aimed at the store's own requests only): failover-lite still converges to the
# state of an undisturbed run, every record lands once, and nothing is reported as a
# conflict. The lost answers are the hard case: the store made the write, kdx retries it,
# and the conditional write now finds the record (or the lease version) already there --
# the store must recognise its own write instead of stopping the run as fenced.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/failover-lite.kdx" .
state() { python3 "$RB/state.py" kaldrix.test; }
reset() {
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$1" >/dev/null || fail "state init $1"
}
# proxy NAME RULE...: a faultproxy with these rules; PROXY is its URL
proxy() {
	local name=$1
	shift
	local args=()
	for r in "$@"; do args+=(--rule "$r"); done
	rm -f "$name.port"
	python3 "$KDX_REPO/tests/e2e/faultproxy.py" --upstream "$MOTO_URL" --port-file "$name.port" \
		--log "$name.log" "${args[@]}" &
	track_pid $!
	for _ in $(seq 50); do [ -s "$name.port" ] && break; sleep 0.1; done
	PROXY="http://127.0.0.1:$(cat "$name.port")"
}
# injected NAME ENTRY: how many requests got ENTRY
injected() { grep -c " $2 " "$1.log" || true; }

D='dynamodb://kdx-e2e-runs?region=us-east-2'
S='s3://kdx-e2e-runs/ci?region=us-east-2'

reset "$D"
"$KDX" apply -auto-approve -state "$D" failover-lite.kdx >clean.out 2>&1 || fail "clean apply: $(cat clean.out)"
final=$(state)

for U in "$D" "$S"; do
	case $U in
	# at most two faults for any one request (kdx's client makes three attempts): a rule
	# aimed at one record (sk N) or one kind of request hits one transaction or put
	dynamodb*) rules=("TransactItems=429*2" '"doc"=503*1' '"doc"=after-500*1'
			  '"sk":{"N":"6"}=after-500*1' '"sk":{"N":"9"}=after-drop*1') ;;
	*) rules=("/runs/=503*1" "/runs/=after-500*1" "/locks/=throttle*1"
		  "PUT /kdx-e2e-runs/ci/locks/=after-drop*1") ;;
	esac
	name=${U%%:*}
	reset "$U"
	proxy "$name" "${rules[@]}"
	out=$(AWS_ENDPOINT_URL=$PROXY "$KDX" apply -auto-approve -state "$U" failover-lite.kdx 2>&1) ||
		fail "$name: apply under store faults: $out"
	assert_contains "$out" "run ok in"
	assert_eq "$(state)" "$final" "$name: state after a run under store faults"
	for e in after-500 after-drop; do
		[ "$(injected "$name" $e)" -ge 1 ] || fail "$name: no $e was injected: $(cat "$name.log")"
	done
	[ "$(injected "$name" 503)" -ge 1 ] || fail "$name: no 503 was injected"
	# every record once, in order, and the run ended ok
	out=$("$KDX" state list -state "$U" -json) || fail "$name: state list: $out"
	python3 -c 'import json,sys; runs = json.loads(sys.argv[1])
assert len(runs) == 1 and runs[0]["status"] == "ok", runs' "$out" || fail "$name: run not ok: $out"
	run=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["run"])' "$out")
	"$KDX" state show "$run" -state "$U" -json >show.json || fail "$name: show"
done
echo "S3 and DynamoDB stores: throttling, 5xx and lost answers retried; runs converge"
