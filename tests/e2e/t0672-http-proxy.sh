#!/usr/bin/env bash
# Proxies from the environment, as libcurl honoured them: https through a CONNECT tunnel
# (https_proxy, with credentials sent as Proxy-Authorization: Basic), plain http in
# absolute form (http_proxy; upper-case HTTP_PROXY ignored), nothing through the proxy when
# NO_PROXY matches; a proxy that cannot be reached is named without its credentials.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cd "$E2E_TMP"
http_env_clean
make_certs
BODY='Action=GetCallerIdentity&Version=2011-06-15'
send() { "$KDX" aws send -service sts -method POST -body "$BODY" "$@"; }
start_proxy_server px
P=$PROXY_PORT

# https through the tunnel, with credentials
start_origin tls --tls good.pem good.key
T=$ORIGIN_PORT
AWS_CA_BUNDLE=$E2E_TMP/ca.pem https_proxy="http://kdx:pr%40xy-pw@127.0.0.1:$P" \
	send -url "https://127.0.0.1:$T/" >out 2>err || fail "https through the proxy: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_eq "$(cat px.log)" "CONNECT 127.0.0.1:$T auth=Basic kdx:pr@xy-pw" "the proxy's log"
grep -qi 'proxy-authorization' tls.log && fail "the proxy credentials reached the origin"
# upper-case HTTPS_PROXY works too; NO_PROXY keeps the request away from the proxy
: >px.log
AWS_CA_BUNDLE=$E2E_TMP/ca.pem HTTPS_PROXY="127.0.0.1:$P" send -url "https://127.0.0.1:$T/" \
	>out 2>err || fail "https through HTTPS_PROXY: $(cat err)"
assert_eq "$(cat px.log)" "CONNECT 127.0.0.1:$T auth=-" "the proxy's log (HTTPS_PROXY)"
: >px.log
AWS_CA_BUNDLE=$E2E_TMP/ca.pem https_proxy="http://127.0.0.1:$P" NO_PROXY="example.com,127.0.0.1" \
	send -url "https://127.0.0.1:$T/" >out 2>err || fail "NO_PROXY: $(cat err)"
assert_eq "$(cat px.log)" "" "the proxy's log with NO_PROXY"
assert_eq "$(grep -c '^POST /' tls.log)" 3 "requests at the https origin"

# plain http in absolute form; HTTP_PROXY is ignored
start_origin plain
O=$ORIGIN_PORT
http_proxy="http://u:p@127.0.0.1:$P" send -url "http://127.0.0.1:$O/x?y=1" >out 2>err ||
	fail "http through the proxy: $(cat err)"
assert_eq "$(cat px.log)" "POST http://127.0.0.1:$O/x?y=1 auth=Basic u:p" "the proxy's log (http)"
: >px.log
HTTP_PROXY="http://127.0.0.1:$P" send -url "http://127.0.0.1:$O/" >out 2>err || fail "HTTP_PROXY: $(cat err)"
assert_eq "$(cat px.log)" "" "HTTP_PROXY is ignored"
http_proxy="http://127.0.0.1:$P" no_proxy="*" send -url "http://127.0.0.1:$O/" >out 2>err ||
	fail "no_proxy=*: $(cat err)"
assert_eq "$(cat px.log)" "" "the proxy's log with no_proxy=*"
# runbook HTTP checks go through the proxy too (one tunnel, reused)
cp "$KDX_REPO/tests/e2e/runbooks/http-checks.kdx" .
AWS_CA_BUNDLE=$E2E_TMP/ca.pem https_proxy="http://127.0.0.1:$P" "$KDX" apply -auto-approve \
	-var "url=https://127.0.0.1:$T/health" http-checks.kdx >apply.out 2>&1 ||
	fail "http checks through the proxy: $(cat apply.out)"
assert_eq "$(grep -c "^CONNECT 127.0.0.1:$T" px.log)" 1 "tunnels for 5 checks"

# a proxy that is not there: named, its password never shown
dead=$(free_port)
AWS_MAX_ATTEMPTS=1 https_proxy="http://kdx:TopSecretPw@127.0.0.1:$dead" \
	send -url "https://127.0.0.1:$T/" >out 2>err && fail "a dead proxy worked"
assert_contains "$(cat err)" "cannot connect to proxy 127.0.0.1:$dead: connection refused"
grep -q TopSecretPw out err && fail "the proxy password is in the output"
https_proxy="https://kdx:TopSecretPw@127.0.0.1:$P" send -url "https://127.0.0.1:$T/" >out 2>err &&
	fail "an https:// proxy was used"
assert_contains "$(cat err)" "only http:// proxies are supported"
grep -q TopSecretPw out err && fail "the proxy password is in the output"
echo "proxies ok"
