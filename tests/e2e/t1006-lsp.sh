#!/usr/bin/env bash
# kdx lsp driven by a scripted JSON-RPC client (tests/e2e/lsp_client.py): initialize,
# didOpen of a runbook with errors (the diagnostics equal kdx check -json's), didChange,
# hover with stdlib docs, go to definition in the file, in an imported stdlib module and in a
# team module found through KDX_PATH,
# completion of modules, actions and steps, formatting equal to kdx fmt, shutdown and exit.
# Also: exit without shutdown is status 1, and garbage input ends the server cleanly.
source "$(dirname "$0")/lib.sh"
mkdir -p "$E2E_TMP/rb"
cp "$KDX_REPO/templates/weighted-shift/runbook.kdx" "$E2E_TMP/rb/"
# a team module on KDX_PATH, outside the runbook's directory and the standard library
mkdir -p "$E2E_TMP/teamlib/team"
cat >"$E2E_TMP/teamlib/team/ops.kdx" <<'KDX'
# The team's own building blocks.

action pause_note(msg : string) {
  duration 1s..2s
}
KDX
KDX_PATH=$E2E_TMP/teamlib python3 "$KDX_REPO/tests/e2e/lsp_client.py" "$KDX" "$E2E_TMP/rb" || fail "the LSP session"
# exit without shutdown
msg='{"jsonrpc":"2.0","method":"exit"}'
printf 'Content-Length: %d\r\n\r\n%s' ${#msg} "$msg" | "$KDX" lsp >/dev/null && fail "exit without shutdown was status 0"
# not JSON, then EOF: no crash, no hang
rc=0
printf 'Content-Length: 5\r\n\r\nhello' | timeout 10 "$KDX" lsp >/dev/null || rc=$?
[ $rc -eq 1 ] || fail "garbage input: status $rc"
echo ok
