#!/usr/bin/env bash
# SIGTERM (a CI job cancelled) and SIGINT (Ctrl-C) to `kdx apply` while Terraform runs: kdx
# stops Terraform gracefully (SIGINT to its process group) before it exits, so nothing keeps
# changing the world after kdx is gone; the journal is left as the signal found it (no
# failure, no rollback decided for the user); the exit status is 128 + the signal; and `kdx
# resume` finishes the run. Before this, kdx died at once and Terraform went on alone.
# Also: -lock-timeout waits for a file-store lock (it failed at once).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS
cd "$E2E_TMP"
mkdir cfg
# The provisioner runs until the test creates its ".go" file, and writes its shell's pid.
cat >cfg/main.tf <<'TF'
variable "marker" {
  type = string
}

resource "terraform_data" "slow" {
  input = var.marker

  provisioner "local-exec" {
    command = "echo $$ > '${var.marker}.pid'; while [ ! -e '${var.marker}.go' ]; do sleep 0.2; done"
  }
}
TF
"$KDX" terraform init cfg >/dev/null 2>&1 || fail "terraform init failed"
cat >tf.kdx <<KDX
runbook "tf-signal" {
  allow_exec = ["terraform"]
}

import "terraform"

region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}

resource ws : terraform.workspace {
  dir  = "$E2E_TMP/cfg"
  vars = { marker = "$E2E_TMP/m" }
}

step converge {
  do terraform.apply(ws)
}
KDX

# run_until_provisioner SIG: start an apply, signal it once the provisioner runs, check.
interrupt() {
	local sig=$1 code=$2 st=$E2E_TMP/state-$1
	rm -f m.pid m.go
	"$KDX" apply -auto-approve -allow-exec -state-dir "$st" tf.kdx >"apply-$sig.out" 2>&1 &
	local kdx=$!
	track_pid "$kdx"
	for _ in $(seq 1 300); do
		[ -s m.pid ] && break
		kill -0 "$kdx" 2>/dev/null || fail "apply ended early: $(cat "apply-$sig.out")"
		sleep 0.1
	done
	[ -s m.pid ] || fail "the provisioner never started"
	local shell tf
	shell=$(cat m.pid)
	tf=$(pgrep -P "$kdx" -x terraform || true)
	[ -n "$tf" ] || fail "no terraform child of kdx (pid $kdx)"
	track_pid "$tf" # stopped at the end should kdx leave it behind (the bug this tests)
	track_pid "$shell"
	local t0
	t0=$(date +%s)
	kill "-$sig" "$kdx"
	set +e
	wait "$kdx"
	local rc=$?
	set -e
	local out secs=$(( $(date +%s) - t0 ))
	out=$(cat "apply-$sig.out")
	assert_eq "$rc" "$code" "exit status after SIG$sig"
	assert_contains "$out" "kdx: SIG$sig: stopping; nothing more is sent or journalled; asked 1 child process"
	assert_contains "$out" "'kdx resume' checks the steps in doubt against live state"
	case "$out" in *SIGKILL*) fail "Terraform needed SIGKILL: $out" ;; esac
	[ "$secs" -lt 25 ] || fail "stopping took ${secs}s"
	# nothing left running: neither Terraform nor its provisioner's shell
	if kill -0 "$tf" 2>/dev/null; then fail "terraform (pid $tf) still runs after kdx exited"; fi
	if kill -0 "$shell" 2>/dev/null; then fail "the provisioner (pid $shell) still runs"; fi
	# the journal stops at the attempt: no failure recorded, no rollback decided
	local j
	j=$(find "$st" -name '*.jsonl' | head -1)
	[ -n "$j" ] || fail "no journal under $st"
	grep -q '"step_failed"\|"rollback' "$j" && fail "the journal records more than the signal found: $(cat "$j")"
	grep -q '"converge"' "$j" || fail "the journal does not show the step started: $(cat "$j")"
	# resume goes on from there and converges
	touch m.go
	"$KDX" resume -allow-exec -state-dir "$st" tf.kdx >"resume-$sig.out" 2>&1 ||
		fail "resume after SIG$sig failed: $(cat "resume-$sig.out")"
	out=$(cat "resume-$sig.out")
	assert_contains "$out" "converge           reconciled: not applied, will run again"
	assert_contains "$out" "resume: ok (1 done, 0 undone"
	"$KDX" terraform destroy cfg -var marker="$E2E_TMP/m" >/dev/null 2>&1 || fail "destroy failed"
}

interrupt TERM 143
interrupt INT 130

# A run stopped before its first journal record changed nothing, and says so: B waits for
# the lock A holds while A's provisioner runs, and is stopped there. C waits and goes on.
rm -f m.pid m.go
st=$E2E_TMP/state-lock
"$KDX" apply -auto-approve -allow-exec -state-dir "$st" tf.kdx >a.out 2>&1 &
a=$!
track_pid "$a"
for _ in $(seq 1 300); do [ -s m.pid ] && break; sleep 0.1; done
[ -s m.pid ] || fail "run A never reached its provisioner: $(cat a.out)"
"$KDX" apply -auto-approve -allow-exec -state-dir "$st" -lock-timeout 60s tf.kdx >b.out 2>&1 &
b=$!
track_pid "$b"
sleep 1
kill -0 "$b" 2>/dev/null || fail "run B did not wait for the lock: $(cat b.out)"
kill -TERM "$b"
set +e
wait "$b"
rc=$?
set -e
assert_eq "$rc" 143 "exit status of the waiting run"
assert_contains "$(cat b.out)" "kdx: stopped before the run began: no journal was written and nothing was changed"
# C waits for the lock too (-lock-timeout on the file store), and runs once A is done.
"$KDX" apply -auto-approve -allow-exec -state-dir "$st" -lock-timeout 60s tf.kdx >c.out 2>&1 &
c=$!
track_pid "$c"
sleep 1
kill -0 "$c" 2>/dev/null || fail "run C did not wait for the lock: $(cat c.out)"
[ "$(find "$st" -name '*.jsonl' | wc -l)" = 1 ] || fail "run B or C wrote a journal while A held the lock"
touch m.go
wait "$a" || fail "run A failed: $(cat a.out)"
wait "$c" || fail "run C failed after waiting for the lock: $(cat c.out)"
assert_contains "$(cat c.out)" "run ok"
[ "$(find "$st" -name '*.jsonl' | wc -l)" = 2 ] || fail "expected the journals of A and C: $(find "$st" -name '*.jsonl')"
echo "t0503: ok"
