# shellcheck shell=bash
# Helpers for the HTTP client's e2e tests (t067x), sourced after lib.sh (which has
# make_certs): the python origin server (http_server.py) and proxy (http_proxy.py).

# wait_ready FILE PID
wait_ready() {
	local _
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || fail "a test server exited: $(cat "$E2E_TMP"/*.err 2>/dev/null | tail -5)"
		sleep 0.05
	done
	fail "a test server did not start"
}

# start_origin NAME [http_server.py flags]: sets ORIGIN_PORT; NAME.count, NAME.log in $E2E_TMP.
start_origin() {
	local name=$1
	shift
	ORIGIN_PORT=$(free_port)
	python3 "$KDX_REPO/tests/e2e/http_server.py" --port "$ORIGIN_PORT" --count "$E2E_TMP/$name.count" \
		--log "$E2E_TMP/$name.log" --ready "$E2E_TMP/$name.ready" "$@" 2>"$E2E_TMP/$name.err" &
	track_pid $!
	wait_ready "$E2E_TMP/$name.ready" $!
}

# start_proxy_server NAME [http_proxy.py flags]: sets PROXY_PORT; NAME.log in $E2E_TMP.
start_proxy_server() {
	local name=$1
	shift
	PROXY_PORT=$(free_port)
	python3 "$KDX_REPO/tests/e2e/http_proxy.py" --port "$PROXY_PORT" --log "$E2E_TMP/$name.log" \
		--ready "$E2E_TMP/$name.ready" "$@" 2>"$E2E_TMP/$name.err" &
	track_pid $!
	wait_ready "$E2E_TMP/$name.ready" $!
	touch "$E2E_TMP/$name.log"
}

http_env_clean() {
	unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY no_proxy NO_PROXY ALL_PROXY all_proxy
	unset AWS_ENDPOINT_URL AWS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
	export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
}
