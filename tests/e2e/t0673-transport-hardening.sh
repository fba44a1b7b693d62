#!/usr/bin/env bash
# The transport's hardening (issue #16), each case one that kdx's own HTTP client got wrong:
# a URL with userinfo (http://[::1]:80@192.0.2.1/ is a URL for 192.0.2.1) refused for -url,
# -endpoint-url, AWS_ENDPOINT_URL and HTTP checks; CR/LF in a header value refused before
# anything is sent; a response over the 16 MiB cap refused (with and without a length); a
# body cut short -- by its Content-Length, or over TLS by a close without close_notify -- an
# error, not a complete 200; the deadline holds through endless "100 Continue" answers and a
# stalled body ends at the low-speed limit; a session token the server echoes back never
# printed, neither on stderr nor in -json events nor in the journal.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cd "$E2E_TMP"
http_env_clean
BODY='Action=GetCallerIdentity&Version=2011-06-15'
send() { AWS_MAX_ATTEMPTS=1 "$KDX" aws send -service sts -method POST -body "$BODY" "$@"; }
start_origin plain
O=$ORIGIN_PORT

# 1. userinfo: refused wherever a URL comes in, and the URL is not repeated
for u in "http://[::1]:80@192.0.2.1/" "http://127.0.0.1:$O@192.0.2.1/" "https://user:pw@127.0.0.1:$O/"; do
	send -url "$u" >out 2>err && fail "-url $u was used"
	assert_contains "$(cat err)" "has user information before its host ('user@host'): refused"
	send -endpoint-url "$u" >out 2>err && fail "-endpoint-url $u was used"
	assert_contains "$(cat err)" "has user information before its host"
	AWS_ENDPOINT_URL=$u send >out 2>err && fail "AWS_ENDPOINT_URL=$u was used"
	assert_contains "$(cat err)" "has user information before its host"
	grep -q 'pw@\|192.0.2.1' err && fail "the refused URL was repeated: $(cat err)"
done
cp "$KDX_REPO/tests/e2e/runbooks/http-checks.kdx" .
"$KDX" apply -auto-approve -var "url=http://[::1]:80@127.0.0.1:$O/health" http-checks.kdx \
	>chk.out 2>&1 && fail "an HTTP check with userinfo passed"
grep -c '^GET' plain.log >/dev/null 2>&1 && fail "the check reached the server: $(cat plain.log)"

# 2. CR or LF in a header value: nothing is sent
send -url "http://127.0.0.1:$O/" -header $'X-Note: a\r\nX-Injected: 1' >out 2>err &&
	fail "a header with CR LF was sent"
assert_contains "$(cat err)" "header 'X-Note' holds CR, LF or NUL"
send -url "http://127.0.0.1:$O/" -header $'X-Note: a\nb' >out 2>err && fail "a header with LF was sent"
[ -e plain.log ] && grep -q 'X-Injected\|X-Note' plain.log && fail "the server saw the header"

# 3. a response over the cap: refused, not retried, with or without Content-Length
for how in big-length big-close; do
	start_origin "$how" --answer "$how"
	AWS_MAX_ATTEMPTS=3 "$KDX" aws send -service sts -method POST -body "$BODY" \
		-verbose -url "http://127.0.0.1:$ORIGIN_PORT/" >out 2>err && fail "$how: a 17 MiB answer was taken"
	assert_contains "$(cat err)" "is larger than 16 MiB: refused"
	assert_contains "$(cat err)" "attempts: 1"
done

# 4. a body cut short is an error (retried), never a complete answer
make_certs
export AWS_CA_BUNDLE=$E2E_TMP/ca.pem
start_origin cutlen --answer cut-length
send -url "http://127.0.0.1:$ORIGIN_PORT/" >out 2>err && fail "a body shorter than its length was taken"
assert_contains "$(cat err)" "ConnectionError"
start_origin cuttls --tls good.pem good.key --answer cut-close
send -url "https://127.0.0.1:$ORIGIN_PORT/" >out 2>err &&
	fail "a TLS body closed without close_notify was taken as complete: $(cat out)"
assert_contains "$(cat err)" "ConnectionError"
unset AWS_CA_BUNDLE

# 4b. the deadline and the low-speed limit hold whatever the server sends: an endless stream
# of "100 Continue" (kdx's own client once waited 22 s of a 2 s timeout) ends at the
# attempt's deadline; a body that stops coming ends at the low-speed limit (15 s without a
# byte), long before a 60 s deadline, and says that it stalled
start_origin cont --answer continue-forever
send -timeout 2s -url "http://127.0.0.1:$ORIGIN_PORT/" >out 2>err && fail "an endless 100 Continue was taken"
assert_contains "$(cat err)" "timed out after 2000 ms waiting for 127.0.0.1:$ORIGIN_PORT"
start_origin stall --answer stall
send -timeout 60s -url "http://127.0.0.1:$ORIGIN_PORT/" >out 2>err && fail "a stalled body was taken"
assert_contains "$(cat err)" "the transfer from 127.0.0.1:$ORIGIN_PORT stalled: less than 1 byte/s for 15 s"

# 5. a session token echoed by the server is never printed
export AWS_SESSION_TOKEN="echoToken$$Zq81xR"
start_origin echo --answer echo-token
send -url "http://127.0.0.1:$ORIGIN_PORT/" -verbose >out 2>err && fail "the 403 was taken for success"
assert_contains "$(cat err)" "InvalidClientTokenId"
grep -q '^  X-Amz-Security-Token: echoToken' echo.log || fail "the token was not sent: $(cat echo.log)"
cat >echo.kdx <<'KDX'
runbook "echo" {}

import "aws/sns"

region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}

resource ops : sns.topic {
  name = "ops"
  arn  = "arn:aws:sns:us-east-1:123456789012:ops"
}

step announce {
  do sns.publish(ops, "hello")
  irreversible
}
KDX
"$KDX" apply -auto-approve -json -endpoint-url "http://127.0.0.1:$ORIGIN_PORT" echo.kdx \
	>events.jsonl 2>apply.err && fail "apply against a 403 succeeded"
grep -q 'InvalidClientTokenId' events.jsonl apply.err || fail "the error was not reported: $(cat apply.err)"
for f in out err events.jsonl apply.err .kdx/*; do
	[ -e "$f" ] || continue
	grep -qa "echoToken" "$f" && fail "the echoed session token reached $f"
done
echo "transport hardening ok"
