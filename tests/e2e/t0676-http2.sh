#!/usr/bin/env bash
# HTTP/2 where the endpoint offers it (issue #16.1): nghttpd (nghttp2's server, which speaks
# only HTTP/2 over TLS) answers kdx's signed requests, so a request that succeeds went over
# HTTP/2, chosen by ALPN; four requests sent at once go as four streams of one connection
# (multiplexed, from nghttpd's own frame log). An HTTP/1.1 server still gets HTTP/1.1 (the
# other transport tests).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
command -v nghttpd >/dev/null || skip "nghttpd not installed (nghttp2-server; make deps)"
cd "$E2E_TMP"
http_env_clean
make_certs
export AWS_CA_BUNDLE=$E2E_TMP/ca.pem
mkdir www && echo '<Ok>over h2</Ok>' >www/ok
port=$(free_port)
nghttpd -v -d www --address=127.0.0.1 "$port" good.key good.pem >h2.log 2>&1 &
track_pid $!
for _ in $(seq 100); do grep -aq 'listen' h2.log 2>/dev/null && break; sleep 0.1; done
send() { AWS_MAX_ATTEMPTS=1 "$KDX" aws send -service sts -method GET -url "https://127.0.0.1:$port/ok" "$@"; }

out=$(send 2>&1) || fail "a request to an HTTP/2-only server: $out"
assert_contains "$out" "<Ok>over h2</Ok>"
# signed like any other request (SigV4 over HTTP/2's :authority)
grep -aq 'authorization: AWS4-HMAC-SHA256 Credential=testing/' h2.log || fail "no signed request in the log: $(head -40 h2.log)"

: >h2.log
out=$(send -parallel 4 2>&1) || fail "four requests at once: $out"
assert_contains "$out" "4 ok, 0 failed"
# nghttpd numbers its connections ([id=N]) and logs each stream's HEADERS frame
assert_eq "$(grep -ac 'recv HEADERS frame' h2.log)" 4 "requests received"
assert_eq "$(grep -a 'recv HEADERS frame' h2.log | grep -o '^\[id=[0-9]*\]' | sort -u | wc -l)" 1 \
	"connections used by four requests at once (multiplexing)"
assert_eq "$(grep -ao 'recv HEADERS frame .*stream_id=[0-9]*' h2.log | sed 's/.*stream_id=//' | sort -n | tr '\n' ' ')" \
	"1 3 5 7 " "streams of the connection"
echo ok
