# Shared helpers for e2e tests (source it). Every process a test starts is stopped by
# PID in an EXIT trap; servers listen on 127.0.0.1 and a free port only.
set -euo pipefail
KDX=${KDX:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/kdx}
KDX_REPO=${KDX_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export KDX_STDLIB=${KDX_STDLIB:-$KDX_REPO/stdlib}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kdx-e2e.XXXXXX")
_e2e_pids=()

_e2e_cleanup() {
	local pid
	for pid in "${_e2e_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${_e2e_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$E2E_TMP"
}
trap _e2e_cleanup EXIT

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_moto [INITIAL_NO_AUTH_ACTION_COUNT]: starts moto_server, sets MOTO_PORT, MOTO_URL,
# MOTO_PID and the AWS_* variables that point clients (kdx, boto3, aws CLI) at it.
start_moto() {
	command -v moto_server >/dev/null || skip "moto_server not installed"
	# MOTO_SERIAL=1: one request at a time (tests/moto_serial.py), for tests where Terraform
	# sends many requests at once (docs/testing.md, "moto under concurrency")
	local server=(moto_server)
	[ -z "${MOTO_SERIAL:-}" ] || server=(python3 "$KDX_REPO/tests/moto_serial.py")
	# free_port's socket is closed before moto binds the port, so with tests running side by
	# side another process may take it first. The server is ready when the listener on the
	# port is its own (not just when something answers there: that could be another test's
	# moto); if it lost the port, it starts again on another.
	local attempt i ready=
	for attempt in 1 2 3 4 5; do
		MOTO_PORT=$(free_port)
		if [ -n "${1:-}" ]; then
			INITIAL_NO_AUTH_ACTION_COUNT=$1 "${server[@]}" -H 127.0.0.1 -p "$MOTO_PORT" \
				>"$E2E_TMP/moto.log" 2>&1 &
		else
			"${server[@]}" -H 127.0.0.1 -p "$MOTO_PORT" >"$E2E_TMP/moto.log" 2>&1 &
		fi
		MOTO_PID=$!
		_e2e_pids+=("$MOTO_PID")
		MOTO_URL="http://127.0.0.1:$MOTO_PORT"
		export MOTO_URL MOTO_PORT
		for i in $(seq 1 300); do
			if ss -ltnpH "sport = :$MOTO_PORT" 2>/dev/null | grep -q "pid=$MOTO_PID," &&
				curl -fsS "$MOTO_URL/moto-api/" >/dev/null 2>&1; then
				ready=1
				break 2
			fi
			kill -0 "$MOTO_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$MOTO_PID" 2>/dev/null && fail "moto_server did not answer on its port in 30 s"
		grep -q 'Address already in use' "$E2E_TMP/moto.log" ||
			fail "moto_server exited: $(tail -5 "$E2E_TMP/moto.log")"
		wait "$MOTO_PID" 2>/dev/null || true
		unset '_e2e_pids[-1]' # reaped: the cleanup must not kill whoever gets its PID next
	done
	[ -n "$ready" ] ||
		fail "moto_server did not start on a port of its own: $(tail -5 "$E2E_TMP/moto.log")"
	export AWS_ENDPOINT_URL="$MOTO_URL"
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
	export AWS_REGION=us-east-1
	unset AWS_PROFILE AWS_SESSION_TOKEN
	export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/no-credentials" AWS_CONFIG_FILE="$E2E_TMP/no-config"
}

# moto_evidence LOG: what a moto_server log says of a failed run, in a few lines: the requests,
# the 5xx answers and the exceptions behind them, every request an AWS SDK sent again with what
# moto answered each attempt, the requests of another client and the answers that could not be
# written back (all three logged by tests/moto_serial.py). Under this file's `set -e -o
# pipefail` a grep that finds nothing would end the calling test: hence the `|| true`s (stop
# 26's CI run ended t0710 so, before the retry its flake guard was there for).
moto_evidence() {
	local log=$1
	[ -f "$log" ] || { echo "(no moto log at $log)"; return 0; }
	echo "moto: $(grep -c '" [0-9][0-9][0-9] ' "$log" || true) requests," \
		"$(grep -c '" 5[0-9][0-9] ' "$log" || true) answered 5xx," \
		"$(grep -c '^Traceback' "$log" || true) tracebacks," \
		"$(grep -c '^moto_serial: resent' "$log" || true) resent by an SDK," \
		"$(grep -c '^moto_serial: another client' "$log" || true) from another client," \
		"$(grep -c '^moto_serial: connection dropped' "$log" || true) answers not written back"
	{ grep '" 5[0-9][0-9] ' "$log" || true; } | head -3
	{ grep -E '^[A-Za-z.]*(Error|Exception):' "$log" || true; } | head -3
	{ grep '^moto_serial: resent' "$log" || true; } | head -5 | cut -c1-400
	{ grep '^moto_serial: another client' "$log" || true; } | head -3
	{ grep '^moto_serial: connection dropped' "$log" || true; } | head -3
}

stop_moto() {
	if [ -n "${MOTO_PID:-}" ]; then
		kill "$MOTO_PID" 2>/dev/null || true
		wait "$MOTO_PID" 2>/dev/null || true
		MOTO_PID=
	fi
}

# start_model_stub: tests/e2e/runbooks/model_stub.py (the services moto lacks, answered as
# their API models say) in the current directory, its requests written to ./reads; sets STUB.
start_model_stub() {
	mkdir -p reads
	python3 "$KDX_REPO/tests/e2e/runbooks/model_stub.py" stub.port reads &
	_e2e_pids+=("$!")
	local i
	for i in $(seq 100); do [ -s stub.port ] && break; sleep 0.05; done
	[ -s stub.port ] || fail "model_stub.py did not start"
	STUB="http://127.0.0.1:$(cat stub.port)"
}

# Background a process and have it stopped at exit.
track_pid() { _e2e_pids+=("$1"); }

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$2', got '$1'"; }
assert_contains() { grep -qF -- "$2" <<<"$1" || fail "${3:-missing text}: '$2' not in output: $1"; }

# make_certs: ca.pem, and good.pem/good.key for 127.0.0.1 + localhost + origin.kdx.test (a
# name only the test proxy resolves), bad.pem/bad.key for
# another name, all signed by the CA, in the current directory.
make_certs() {
	command -v openssl >/dev/null || skip "openssl not installed"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj "/CN=kdx test CA" >/dev/null 2>&1
	local name san
	for name in good bad; do
		if [ $name = good ]; then san="IP:127.0.0.1,DNS:localhost,DNS:origin.kdx.test"; else san="DNS:elsewhere.example"; fi
		openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj "/CN=$name" >/dev/null 2>&1
		printf 'subjectAltName=%s\n' "$san" >$name.ext
		openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem \
			-days 2 -extfile $name.ext >/dev/null 2>&1
	done
}
