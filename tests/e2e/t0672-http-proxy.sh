#!/usr/bin/env bash
# Proxies from the environment, as libcurl reads them. The origin is named origin.kdx.test,
# a name only the test proxy resolves, so a request that reaches it went through the proxy.
# https through a CONNECT tunnel (https_proxy, credentials sent as Proxy-Authorization:
# Basic; HTTPS_PROXY too), through an https:// proxy (TLS to the proxy, verified), plain http
# in absolute form (http_proxy; upper-case HTTP_PROXY ignored), through a SOCKS5 proxy
# (socks5h://, with credentials; ALL_PROXY), nothing through the proxy
# when NO_PROXY matches a name or a CIDR block; a loopback host never goes through a proxy
# (a signed request would leave the machine); a proxy that cannot be reached is named
# without its credentials.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cd "$E2E_TMP"
http_env_clean
make_certs
BODY='Action=GetCallerIdentity&Version=2011-06-15'
send() { "$KDX" aws send -service sts -method POST -body "$BODY" "$@"; }
ORIGIN=origin.kdx.test
start_proxy_server px --map "$ORIGIN=127.0.0.1"
P=$PROXY_PORT
cp "$KDX_REPO/tests/e2e/runbooks/http-checks.kdx" .
check() { "$KDX" apply -auto-approve -var "url=$1" http-checks.kdx; }

# https through the tunnel, with credentials
start_origin tls --tls good.pem good.key
T=$ORIGIN_PORT
export AWS_CA_BUNDLE=$E2E_TMP/ca.pem
https_proxy="http://kdx:pr%40xy-pw@127.0.0.1:$P" \
	send -url "https://$ORIGIN:$T/" >out 2>err || fail "https through the proxy: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_eq "$(cat px.log)" "CONNECT $ORIGIN:$T auth=Basic kdx:pr@xy-pw" "the proxy's log"
grep -qi 'proxy-authorization' tls.log && fail "the proxy credentials reached the origin"
# upper-case HTTPS_PROXY works too; NO_PROXY (a name) keeps the request away from the proxy
: >px.log
HTTPS_PROXY="127.0.0.1:$P" send -url "https://$ORIGIN:$T/" >out 2>err ||
	fail "https through HTTPS_PROXY: $(cat err)"
assert_eq "$(cat px.log)" "CONNECT $ORIGIN:$T auth=-" "the proxy's log (HTTPS_PROXY)"
: >px.log
AWS_MAX_ATTEMPTS=1 https_proxy="http://127.0.0.1:$P" NO_PROXY="example.com,.kdx.test" \
	send -url "https://$ORIGIN:$T/" >out 2>err && fail "NO_PROXY: the request went through the proxy"
assert_contains "$(cat err)" "cannot resolve the host of $ORIGIN:$T"
assert_eq "$(cat px.log)" "" "the proxy's log with NO_PROXY"
assert_eq "$(grep -c '^POST /' tls.log)" 2 "requests at the https origin"

# an https:// proxy: TLS to the proxy too, verified against AWS_CA_BUNDLE
start_proxy_server pxs --map "$ORIGIN=127.0.0.1" --tls good.pem good.key
https_proxy="https://kdx:TopSecretPw@127.0.0.1:$PROXY_PORT" send -url "https://$ORIGIN:$T/" \
	>out 2>err || fail "https through an https:// proxy: $(cat err)"
assert_eq "$(cat pxs.log)" "CONNECT $ORIGIN:$T auth=Basic kdx:TopSecretPw" "the https proxy's log"
: >pxs.log
AWS_CA_BUNDLE='' AWS_MAX_ATTEMPTS=1 https_proxy="https://kdx:TopSecretPw@127.0.0.1:$PROXY_PORT" \
	send -url "https://$ORIGIN:$T/" >out 2>err && fail "an untrusted https:// proxy was used"
assert_eq "$(cat pxs.log)" "" "nothing sent through an untrusted proxy"
grep -q TopSecretPw out err && fail "the proxy password is in the output"

# plain http (HTTP checks) in absolute form; HTTP_PROXY is ignored
start_origin plain
O=$ORIGIN_PORT
http_proxy="http://u:p@127.0.0.1:$P" check "http://$ORIGIN:$O/health" >out 2>&1 ||
	fail "http through the proxy: $(cat out)"
assert_eq "$(sort -u px.log)" "GET http://$ORIGIN:$O/health auth=Basic u:p" "the proxy's log (http)"
: >px.log
HTTP_PROXY="http://127.0.0.1:$P" check "http://$ORIGIN:$O/health" >out 2>&1 &&
	fail "HTTP_PROXY was used"
assert_eq "$(cat px.log)" "" "HTTP_PROXY is ignored"

# loopback never goes through a proxy, whatever the environment says
: >px.log
http_proxy="http://127.0.0.1:$P" https_proxy="http://127.0.0.1:$P" ALL_PROXY="http://127.0.0.1:$P" \
	send -url "http://127.0.0.1:$O/x?y=1" >out 2>err || fail "loopback with proxies set: $(cat err)"
http_proxy="http://127.0.0.1:$P" https_proxy="http://127.0.0.1:$P" \
	send -url "https://localhost:$T/" >out 2>err || fail "https loopback with proxies set: $(cat err)"
assert_eq "$(cat px.log)" "" "the proxy's log for loopback requests"
grep -q '^POST /x?y=1' plain.log || fail "the loopback request did not reach the origin"

# NO_PROXY with a CIDR block: an address of this machine that is not loopback
ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | grep -v '^127\.' | head -1)
if [ -n "$ip" ]; then
	start_origin lan --bind "$ip"
	net=${ip%.*}.0/24
	http_proxy="http://127.0.0.1:$P" no_proxy="$net" check "http://$ip:$ORIGIN_PORT/health" \
		>out 2>&1 || fail "NO_PROXY with a CIDR block: $(cat out)"
	assert_eq "$(cat px.log)" "" "the proxy's log with no_proxy=$net"
	assert_eq "$(grep -c '^GET /health' lan.log)" 5 "direct requests with no_proxy=$net"
else
	echo "no non-loopback IPv4 address: the CIDR case is not run"
fi

# runbook HTTP checks go through the proxy too (one tunnel, reused)
https_proxy="http://127.0.0.1:$P" check "https://$ORIGIN:$T/health" >apply.out 2>&1 ||
	fail "http checks through the proxy: $(cat apply.out)"
assert_eq "$(grep -c "^CONNECT $ORIGIN:$T" px.log)" 1 "tunnels for 5 checks"

# SOCKS5 (the same test proxy answers a SOCKS5 greeting): socks5h:// lets the proxy resolve
# the name (only it can), with a username and password; ALL_PROXY as well; loopback still direct
: >px.log
https_proxy="socks5h://kdx:s0cks-pw@127.0.0.1:$P" send -url "https://$ORIGIN:$T/" >out 2>err ||
	fail "https through a SOCKS5 proxy: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_eq "$(cat px.log)" "SOCKS5 $ORIGIN:$T auth=user kdx:s0cks-pw" "the SOCKS proxy's log"
: >px.log
ALL_PROXY="socks5h://127.0.0.1:$P" check "http://$ORIGIN:$O/health" >out 2>&1 ||
	fail "http checks through ALL_PROXY=socks5h: $(cat out)"
assert_eq "$(sort -u px.log)" "SOCKS5 $ORIGIN:$O auth=-" "the SOCKS proxy's log (ALL_PROXY)"
: >px.log
ALL_PROXY="socks5h://127.0.0.1:$P" send -url "http://127.0.0.1:$O/" >out 2>err ||
	fail "loopback with a SOCKS proxy set: $(cat err)"
assert_eq "$(cat px.log)" "" "loopback through the SOCKS proxy"

# a proxy that is not there: named, its password never shown
dead=$(free_port)
AWS_MAX_ATTEMPTS=1 https_proxy="http://kdx:TopSecretPw@127.0.0.1:$dead" \
	send -url "https://$ORIGIN:$T/" >out 2>err && fail "a dead proxy worked"
assert_contains "$(cat err)" "cannot connect to proxy 127.0.0.1:$dead: connection refused"
grep -q TopSecretPw out err && fail "the proxy password is in the output"
echo "proxies ok"
