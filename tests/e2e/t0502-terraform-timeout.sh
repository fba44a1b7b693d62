#!/usr/bin/env bash
# Cancelling Terraform: a terraform_data whose local-exec sleeps is stopped by kdx's -timeout
# with SIGINT first (Terraform's graceful cancel: "Interrupt received"), nothing is left running;
# a second run meets the state lock and kdx names its holder; Ctrl-C (SIGINT) to kdx is passed
# on to Terraform the same way; a closed stdout does not kill kdx.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS
cfg=$E2E_TMP/slow
cp -R "$KDX_REPO/tests/terraform/slow" "$cfg"
"$KDX" terraform init "$cfg" >/dev/null 2>&1 || fail "init failed"

# 1. timeout: SIGINT, Terraform stops gracefully, the provisioner's shell is gone
pidfile=$E2E_TMP/pid1
start=$(date +%s)
set +e
out=$("$KDX" terraform apply "$cfg" -var seconds=60 -var pidfile="$pidfile" -timeout 3s \
	-grace 20s 2>&1)
rc=$?
set -e
secs=$(( $(date +%s) - start ))
assert_eq "$rc" 1 "timed out apply exit code"
assert_contains "$out" "Interrupt received."
assert_contains "$out" "timed out after 3s and was stopped (sent SIGINT; it exited with status 1)"
case "$out" in *SIGTERM*|*SIGKILL*) fail "more than SIGINT was needed: $out" ;; esac
[ "$secs" -lt 20 ] || fail "cancel took ${secs}s"
[ -s "$pidfile" ] || fail "the provisioner never started"
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
	fail "the provisioner's shell (pid $pid) is still running"
fi
if pgrep -f "$pidfile" >/dev/null; then
	fail "a process mentioning $pidfile is still running: $(pgrep -af "$pidfile")"
fi

# 2. the state lock: an apply holds it, a plan with -lock-timeout names the holder
pidfile=$E2E_TMP/pid2
"$KDX" terraform apply "$cfg" -var seconds=60 -var pidfile="$pidfile" -grace 20s \
	>"$E2E_TMP/bg.out" 2>&1 &
bg=$!
track_pid "$bg"
for _ in $(seq 1 200); do
	[ -s "$pidfile" ] && break
	kill -0 "$bg" 2>/dev/null || fail "background apply ended early: $(cat "$E2E_TMP/bg.out")"
	sleep 0.1
done
[ -s "$pidfile" ] || fail "background apply never reached its provisioner"
set +e
out=$("$KDX" terraform plan "$cfg" -var pidfile=x -lock-timeout 1s -out "$E2E_TMP/p" 2>&1)
rc=$?
set -e
assert_eq "$rc" 1 "locked plan exit code"
assert_contains "$out" "the Terraform state of '$cfg' is locked by $(id -un)@"
assert_contains "$out" "(OperationTypeApply since "
assert_contains "$out" "terraform force-unlock "

# 3. SIGINT to kdx (a terminal's Ctrl-C) is passed on as a graceful cancel
kill -INT "$bg"
set +e
wait "$bg"
rc=$?
set -e
assert_eq "$rc" 1 "cancelled apply exit code"
bgout=$(cat "$E2E_TMP/bg.out")
assert_contains "$bgout" "Interrupt received."
assert_contains "$bgout" "was cancelled and was stopped (sent SIGINT; it exited with status 1)"
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
	fail "the provisioner's shell (pid $pid) is still running after cancel"
fi
# the lock was released: a plan now works
"$KDX" terraform plan "$cfg" -var pidfile=x -out "$E2E_TMP/p" >/dev/null 2>&1 ||
	fail "plan after the cancelled apply failed"
# 4. a reader that goes away (| head) does not kill kdx with SIGPIPE mid-run
set +e
"$KDX" terraform plan "$cfg" -var pidfile=x -out "$E2E_TMP/p" 2>/dev/null | head -c 1 >/dev/null
rc=${PIPESTATUS[0]}
set -e
assert_eq "$rc" 0 "kdx exit code with a closed stdout"
echo "t0502: ok"
