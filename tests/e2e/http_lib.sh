# shellcheck shell=bash
# Helpers for the HTTP client's e2e tests (t067x), sourced after lib.sh: a private CA and
# certificates, the python origin server (http_server.py) and proxy (http_proxy.py).

# make_certs: ca.pem, and good.pem/good.key for 127.0.0.1 + localhost, bad.pem/bad.key for
# another name, all signed by the CA, in the current directory.
make_certs() {
	command -v openssl >/dev/null || skip "openssl not installed"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
		-subj "/CN=kdx http test CA" >/dev/null 2>&1
	local name san
	for name in good bad; do
		if [ $name = good ]; then san="IP:127.0.0.1,DNS:localhost"; else san="DNS:elsewhere.example"; fi
		openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj "/CN=$name" >/dev/null 2>&1
		printf 'subjectAltName=%s\n' "$san" >$name.ext
		openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem \
			-days 2 -extfile $name.ext >/dev/null 2>&1
	done
}

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

# start_proxy_server NAME: sets PROXY_PORT; NAME.log in $E2E_TMP.
start_proxy_server() {
	PROXY_PORT=$(free_port)
	python3 "$KDX_REPO/tests/e2e/http_proxy.py" --port "$PROXY_PORT" --log "$E2E_TMP/$1.log" \
		--ready "$E2E_TMP/$1.ready" 2>"$E2E_TMP/$1.err" &
	track_pid $!
	wait_ready "$E2E_TMP/$1.ready" $!
	touch "$E2E_TMP/$1.log"
}

http_env_clean() {
	unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY no_proxy NO_PROXY ALL_PROXY all_proxy
	unset AWS_ENDPOINT_URL AWS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN
	export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
	export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
}
