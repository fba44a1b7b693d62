#!/usr/bin/env bash
# TLS verification is always on: moto over https with a certificate kdx does not trust is
# refused (no retry, a clear error), and the same call succeeds once AWS_CA_BUNDLE names
# the CA that signed it. A certificate for the wrong host is refused even with the CA.
source "$(dirname "$0")/lib.sh"
command -v moto_server >/dev/null || skip "moto_server not installed"
command -v openssl >/dev/null || skip "openssl not installed"
cd "$E2E_TMP" || exit 1
# A private CA, and a server certificate for 127.0.0.1 (good) and for another name (bad).
make_certs

# start_tls NAME: moto over https with that certificate; sets TLS_URL.
start_tls() {
	local port
	port=$(free_port)
	moto_server -H 127.0.0.1 -p "$port" -c "$1.pem" -k "$1.key" >"moto-$1.log" 2>&1 &
	track_pid $!
	for _ in $(seq 1 100); do
		curl -fsS --cacert ca.pem "https://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
		[ "$1" = bad ] && curl -fsSk "https://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
		sleep 0.1
	done
	TLS_URL="https://127.0.0.1:$port/"
}
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
unset AWS_ENDPOINT_URL AWS_CA_BUNDLE
BODY='Action=GetCallerIdentity&Version=2011-06-15'

start_tls good
# 1. Untrusted CA: refused after one attempt (a verification failure is not retried).
if "$KDX" aws send -service sts -method POST -url "$TLS_URL" -body "$BODY" -verbose >out 2>err; then
	fail "an untrusted certificate was accepted"
fi
assert_contains "$(cat err)" "TransportError"
assert_contains "$(cat err)" "certificate"
assert_contains "$(cat err)" "attempts: 1"

# 2. AWS_CA_BUNDLE trusts the CA: the call goes through.
AWS_CA_BUNDLE="$E2E_TMP/ca.pem" "$KDX" aws send -service sts -method POST -url "$TLS_URL" -body "$BODY" \
	>out 2>err || fail "call with AWS_CA_BUNDLE failed: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_contains "$(cat out)" "GetCallerIdentityResult"

# 3. Trusted CA but a certificate for another host: refused (host name verification).
start_tls bad
if AWS_CA_BUNDLE="$E2E_TMP/ca.pem" "$KDX" aws send -service sts -method POST -url "$TLS_URL" \
	-body "$BODY" >out 2>err; then
	fail "a certificate for the wrong host was accepted"
fi
assert_contains "$(cat err)" "TransportError"
cat err
echo "TLS verification enforced"
