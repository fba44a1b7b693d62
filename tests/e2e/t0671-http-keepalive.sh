#!/usr/bin/env bash
# Keep-alive: five sequential HTTP checks in one kdx process share one connection (the
# server counts TCP connections), over http and over https; a server that answers
# "Connection: close" still works, with one connection per request. The AWS transport
# reuses too: kdx aws send's retries of a 500 go over one connection.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cd "$E2E_TMP"
http_env_clean
cp "$KDX_REPO/tests/e2e/runbooks/http-checks.kdx" .

start_origin ka
"$KDX" apply -auto-approve -var "url=http://127.0.0.1:$ORIGIN_PORT/health" http-checks.kdx \
	>ka.out 2>&1 || fail "apply over keep-alive: $(cat ka.out)"
assert_eq "$(grep -c '^GET /health' ka.log)" 5 "requests served"
n=$(cat ka.count)
[ "$n" -lt 5 ] || fail "5 requests used $n connections: no keep-alive"
assert_eq "$n" 1 "connections for 5 sequential requests"
# the request is exactly what kdx means to send: no Accept, no Expect
grep -qi '^  accept:' ka.log && fail "an Accept header was sent: $(cat ka.log)"
grep -qi '^  user-agent: kdx$' ka.log || fail "no User-Agent: kdx: $(cat ka.log)"

start_origin close --close
"$KDX" apply -auto-approve -var "url=http://127.0.0.1:$ORIGIN_PORT/health" http-checks.kdx \
	>close.out 2>&1 || fail "apply against Connection: close: $(cat close.out)"
assert_eq "$(grep -c '^GET /health' close.log)" 5 "requests served with Connection: close"
assert_eq "$(cat close.count)" 5 "connections with Connection: close"

make_certs
start_origin tls --tls good.pem good.key
AWS_CA_BUNDLE=$E2E_TMP/ca.pem "$KDX" apply -auto-approve \
	-var "url=https://127.0.0.1:$ORIGIN_PORT/health" http-checks.kdx >tls.out 2>&1 ||
	fail "apply over https: $(cat tls.out)"
assert_eq "$(grep -c '^GET /health' tls.log)" 5 "https requests served"
assert_eq "$(cat tls.count)" 1 "TLS connections for 5 sequential requests"

# The AWS transport: 3 attempts at a 500 (retried by standard mode) over one connection.
start_origin err --status 500
BODY='Action=GetCallerIdentity&Version=2011-06-15'
AWS_MAX_ATTEMPTS=3 "$KDX" aws send -service sts -method POST -url "http://127.0.0.1:$ORIGIN_PORT/" \
	-body "$BODY" -verbose >err.out 2>err.err && fail "a 500 was taken for success"
assert_eq "$(grep -c '^POST / ' err.log)" 3 "attempts that reached the server"
assert_eq "$(cat err.count)" 1 "connections for 3 attempts"
grep -q 'Content-Length: 43' err.log || fail "the body length was not sent: $(cat err.log)"
# A reused connection the server closes without answering: the request goes again, once,
# on a new connection, and that is not an attempt (3 attempts, 5 requests at the server).
start_origin drop --status 500 --drop-second
AWS_MAX_ATTEMPTS=3 "$KDX" aws send -service sts -method POST -url "http://127.0.0.1:$ORIGIN_PORT/" \
	-body "$BODY" -verbose >drop.out 2>drop.err && fail "a 500 was taken for success"
assert_contains "$(cat drop.err)" "attempts: 3"
assert_eq "$(grep -c '^POST / ' drop.log)" 3 "answered requests"
assert_eq "$(grep -c '^DROPPED POST / ' drop.log)" 2 "requests dropped on a reused connection"
assert_eq "$(cat drop.count)" 3 "connections"
start_origin dropchk --drop-second
"$KDX" apply -auto-approve -var "url=http://127.0.0.1:$ORIGIN_PORT/health" http-checks.kdx \
	>dropchk.out 2>&1 || fail "checks with dropped keep-alive requests: $(cat dropchk.out)"
assert_eq "$(grep -c '^GET /health' dropchk.log)" 5 "checks answered"
echo "keep-alive ok: 5 requests on 1 connection (http and https), Connection: close honoured"
