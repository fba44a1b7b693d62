#!/usr/bin/env bash
# The test library itself: with tests running side by side, the port free_port found may be
# taken by another test's moto before this one binds it. start_moto must then not talk to
# the other test's server: it starts again on another port, and the server it hands back is
# its own (MOTO_PID listens on MOTO_PORT).
. "$(dirname "$0")/lib.sh"
start_moto
other_pid=$MOTO_PID other_port=$MOTO_PORT
# the next free_port answers the port the first server holds, once
taken=$E2E_TMP/taken
echo "$other_port" >"$taken"
eval "orig_$(declare -f free_port)"
free_port() {
	if [ -s "$taken" ]; then cat "$taken"; : >"$taken"; else orig_free_port; fi
}
start_moto
[ "$MOTO_PORT" != "$other_port" ] || fail "start_moto kept the port another server holds"
ss -ltnpH "sport = :$MOTO_PORT" | grep -q "pid=$MOTO_PID," ||
	fail "the server on $MOTO_PORT is not MOTO_PID $MOTO_PID"
kill -0 "$other_pid" || fail "the other server is gone"
assert_contains "$(aws sts get-caller-identity --output text 2>&1)" "123456789012"
echo ok
