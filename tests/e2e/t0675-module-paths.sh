#!/usr/bin/env bash
# Where modules come from (issue #16): no path of the build tree is compiled into kdx as a
# fallback for modules or models -- a copied binary without KDX_STDLIB does not quietly read
# this checkout's stdlib --, and `import` cannot reach outside the -I directories, KDX_PATH
# and the standard library: no '..', no absolute names, no symbolic link out of a directory.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
cat >rb.kdx <<'KDX'
runbook "paths" {}

import "core"

region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}
KDX

# 1. no build-tree path in the binary (debug information aside)
objcopy --strip-debug "$KDX" kdx.stripped 2>/dev/null || cp "$KDX" kdx.stripped
if grep -qaF "$KDX_REPO" kdx.stripped; then
	fail "the binary holds the build tree's path '$KDX_REPO'"
fi
# 2. the standard library is KDX_STDLIB, else the installed one -- never the checkout
installed=$(strings kdx.stripped | grep -m1 '/share/kdx/stdlib$' || true)
if [ -n "$installed" ] && [ -d "$installed" ]; then
	echo "an installed stdlib exists at $installed: the no-fallback case is not run"
else
	out=$(env -u KDX_STDLIB "$KDX" check rb.kdx 2>&1) && fail "core was found without KDX_STDLIB: $out"
	assert_contains "$out" "module 'core' not found"
fi
"$KDX" check rb.kdx >/dev/null 2>&1 || fail "core not found with KDX_STDLIB=$KDX_STDLIB"

# 3. imports stay below their search directories
mkdir -p inc/sub outside
cat >outside/evil.kdx <<'KDX'
action nop() {
  duration 1s..1s
}
KDX
cp outside/evil.kdx inc/sub/ok.kdx
for name in "../outside/evil" "sub/../../outside/evil" "/etc/passwd" "./sub/ok" "sub//ok"; do
	sed "s|import \"core\"|import \"$name\"|" rb.kdx >bad.kdx
	out=$("$KDX" check -I inc bad.kdx 2>&1) && fail "import \"$name\" was accepted: $out"
	assert_contains "$out" "module name '$name' is not a name"
done
sed 's|import "core"|import "sub/ok"|' rb.kdx >good.kdx
"$KDX" check -I inc good.kdx >/dev/null 2>&1 || fail "import \"sub/ok\" from -I inc: $("$KDX" check -I inc good.kdx 2>&1)"
ln -s "$E2E_TMP/outside/evil.kdx" inc/sub/link.kdx
sed 's|import "core"|import "sub/link"|' rb.kdx >link.kdx
out=$("$KDX" check -I inc link.kdx 2>&1) && fail "a link out of -I was followed: $out"
assert_contains "$out" "is a link to a file outside its search directory: refused"
out=$(KDX_PATH=$E2E_TMP/inc "$KDX" check link.kdx 2>&1) && fail "a link out of KDX_PATH was followed: $out"
assert_contains "$out" "outside its search directory"
echo "module paths ok"
