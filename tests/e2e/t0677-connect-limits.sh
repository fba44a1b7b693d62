#!/usr/bin/env bash
# Connecting has limits of its own (issue #16.1), below the attempt's deadline: a name whose
# lookup never answers fails at the connect limit (10 s) with a message that says so, not at
# the 60 s deadline; a name whose first address is black-holed (SYNs dropped, as by a
# firewall) still reaches its second address within the limit -- libcurl gives each address
# a share of it -- where kdx's own client once spent the whole attempt on the first. The
# names come from an LD_PRELOAD resolver shim (tests/e2e/shim/resolve_shim.c) and the black
# hole is a loopback address with a full accept queue (tests/e2e/shim/blackhole.py).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
command -v cc >/dev/null || skip "no C compiler for the resolver shim"
cd "$E2E_TMP"
http_env_clean
cc -shared -fPIC -o shim.so "$KDX_REPO/tests/e2e/shim/resolve_shim.c" -ldl || fail "the shim does not build"
send() { AWS_MAX_ATTEMPTS=1 LD_PRELOAD=$E2E_TMP/shim.so "$KDX" aws send -service sts -method GET -timeout 60s "$@"; }

# 1. a lookup that never answers: the connect limit, named as such
SHIM_SLOW_NAME=slow.kdx.test send -url "https://slow.kdx.test:4443/" >out 2>err &&
	fail "a name that never resolves worked"
assert_contains "$(cat err)" "cannot connect to slow.kdx.test:4443 within 10000 ms (resolving timed out after"
grep -q 'timed out after 60000 ms' err && fail "the lookup ran to the deadline: $(cat err)"

# 2. the first address black-holed, the second answering: the request gets through
make_certs
export AWS_CA_BUNDLE=$E2E_TMP/ca.pem
start_origin tls --tls good.pem good.key
python3 "$KDX_REPO/tests/e2e/shim/blackhole.py" 127.0.0.2 "$ORIGIN_PORT" hole.ready &
track_pid $!
for _ in $(seq 100); do [ -e hole.ready ] && break; sleep 0.1; done
[ -e hole.ready ] || fail "the black hole did not start"
# the black hole holds: a plain connect to it does not complete
python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(2)
try: s.connect(("127.0.0.2", int(sys.argv[1]))); print("connected")
except OSError as e: print("no answer:", e)' "$ORIGIN_PORT" | grep -q '^no answer' ||
	fail "127.0.0.2:$ORIGIN_PORT is not black-holed here"
SHIM_TWO_NAME=origin.kdx.test send -url "https://origin.kdx.test:$ORIGIN_PORT/" >out 2>err ||
	fail "the second address was not tried within the connect limit: $(cat err)"
assert_contains "$(cat out)" "HTTP 200"
assert_eq "$(grep -c '^GET /' tls.log)" 1 "requests at the origin (127.0.0.1)"
echo ok
