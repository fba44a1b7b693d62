#!/usr/bin/env bash
# kdx's HTTP client over TLS against a python ssl server with a private CA: untrusted
# certificate refused with a clear message (one attempt, not retried), accepted with
# AWS_CA_BUNDLE, a certificate for another name refused; core.http_check over https;
# a missing CA bundle, a refused connection and a timeout say what failed and where, and
# no error shows the request's Authorization header or the secret key; a server speaking
# only TLS 1.1 is refused even where OpenSSL's configuration would allow it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cd "$E2E_TMP"
http_env_clean
export AWS_SECRET_ACCESS_KEY=kdxSecretCanary0123456789
make_certs
BODY='Action=GetCallerIdentity&Version=2011-06-15'
send() { "$KDX" aws send -service sts -method POST -body "$BODY" -verbose "$@"; }
no_secrets() {
	grep -q "$AWS_SECRET_ACCESS_KEY" "$@" && fail "the secret key is in the output"
	grep -qi "Signature=" "$@" && fail "the Authorization header is in the output"
	return 0
}

start_origin good --tls good.pem good.key
URL="https://127.0.0.1:$ORIGIN_PORT/"
# 1. not trusted without the CA
send -url "$URL" >out 2>err && fail "an untrusted certificate was accepted"
assert_contains "$(cat err)" "TLS: the certificate of '127.0.0.1:$ORIGIN_PORT' is not trusted"
assert_contains "$(cat err)" "AWS_CA_BUNDLE"
assert_contains "$(cat err)" "attempts: 1"
no_secrets out err
# 2. trusted with AWS_CA_BUNDLE
AWS_CA_BUNDLE=$E2E_TMP/ca.pem send -url "$URL" >out 2>err || fail "with AWS_CA_BUNDLE: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_contains "$(cat out)" "<Ok>"
grep -q '^POST / HTTP/1.1' good.log || fail "the server did not see the request: $(cat good.log)"
# 3. a runbook's HTTP check over https
cp "$KDX_REPO/tests/e2e/runbooks/http-checks.kdx" .
AWS_CA_BUNDLE=$E2E_TMP/ca.pem "$KDX" apply -auto-approve -var "url=${URL}health" http-checks.kdx \
	>apply.out 2>&1 || fail "http_check over https: $(cat apply.out)"
"$KDX" apply -auto-approve -var "url=${URL}health" http-checks.kdx >apply2.out 2>&1 &&
	fail "http_check passed without trusting the CA"
assert_contains "$(cat apply2.out)" "precondition failed"
# 4. a CA bundle that cannot be read
AWS_CA_BUNDLE=$E2E_TMP/missing.pem send -url "$URL" >out 2>err && fail "a missing CA bundle worked"
assert_contains "$(cat err)" "cannot read the CA bundle '$E2E_TMP/missing.pem'"

# 5. trusted CA, certificate for another name
start_origin bad --tls bad.pem bad.key
AWS_CA_BUNDLE=$E2E_TMP/ca.pem send -url "https://127.0.0.1:$ORIGIN_PORT/" >out 2>err &&
	fail "a certificate for another host was accepted"
assert_contains "$(cat err)" "is for another host name"
assert_contains "$(cat err)" "attempts: 1"
AWS_CA_BUNDLE=$E2E_TMP/ca.pem send -url "https://localhost:$ORIGIN_PORT/" >out 2>err &&
	fail "a certificate for another host was accepted (by name)"
assert_contains "$(cat err)" "is for another host name"
no_secrets out err

# 6. refused: retried (a connection error), then a clear message
dead=$(free_port)
AWS_MAX_ATTEMPTS=2 send -url "http://127.0.0.1:$dead/" >out 2>err && fail "a refused connection worked"
assert_contains "$(cat err)" "cannot connect to 127.0.0.1:$dead: connection refused"
assert_contains "$(cat err)" "attempts: 2"
no_secrets out err

# 7. a server that accepts and never answers: the attempt's timeout
port=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(8); open(sys.argv[2],"w").close(); time.sleep(120)' \
	"$port" "$E2E_TMP/mute.ready" &
track_pid $!
wait_ready "$E2E_TMP/mute.ready" $!
AWS_MAX_ATTEMPTS=1 send -timeout 300ms -url "http://127.0.0.1:$port/" >out 2>err && fail "a mute server answered"
assert_contains "$(cat err)" "timed out after 300 ms waiting for 127.0.0.1:$port"
no_secrets out err
# 8. TLS below 1.2 refused by kdx itself: with an OpenSSL configuration that allows TLS 1.0
# and weak ciphers (so the system's own minimum does not decide), a server speaking only TLS
# 1.1 is reached by curl but refused by kdx (CURLOPT_SSLVERSION TLS 1.2 or later)
command -v openssl >/dev/null || fail "openssl is missing"
cat >weak.cnf <<'CNF'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
CNF
tport=$(free_port)
OPENSSL_CONF=$E2E_TMP/weak.cnf openssl s_server -accept "127.0.0.1:$tport" -cert good.pem \
	-key good.key -tls1_1 -www -quiet >tls11.log 2>&1 </dev/null &
track_pid "$!"
for _ in $(seq 1 50); do
	OPENSSL_CONF=$E2E_TMP/weak.cnf curl -s -o /dev/null --cacert ca.pem "https://127.0.0.1:$tport/" && break
	sleep 0.1
done
OPENSSL_CONF=$E2E_TMP/weak.cnf curl -s -o /dev/null --cacert ca.pem "https://127.0.0.1:$tport/" ||
	fail "the control failed: curl could not reach the TLS 1.1 server with the weak configuration"
OPENSSL_CONF=$E2E_TMP/weak.cnf AWS_CA_BUNDLE=$E2E_TMP/ca.pem AWS_MAX_ATTEMPTS=1 \
	send -url "https://127.0.0.1:$tport/" >out 2>err && fail "kdx spoke TLS 1.1: $(cat out)"
grep -q "protocol version" err ||
	fail "the refusal does not say it is the TLS version: $(cat err)"
no_secrets out err

echo "TLS verification and transport errors ok"
