#!/usr/bin/env bash
# `call terraform` is gated like core.exec, and Terraform gets only the environment it
# needs. A stand-in terraform (KDX_TERRAFORM) records its environment in its working
# directory. Without "terraform" in the runbook's allow_exec the runbook does not compile;
# without -allow-exec nothing runs; with both, the child's environment holds what Terraform
# and its AWS provider read (credentials, region, TF_VAR_*) and nothing else: no
# TF_CLI_ARGS* (which would add -auto-approve or -replace behind kdx's back), no other
# AWS_* or unrelated variables. No AWS call is made.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
mkdir cfg
cat >fake-terraform <<'SH'
#!/bin/sh
# answers every command with success and keeps its environment and arguments
n=$(ls env-*.txt 2>/dev/null | wc -l)
env | sort >"env-$n.txt"
echo "$*" >>args.txt
exit 0
SH
chmod +x fake-terraform
export KDX_TERRAFORM=$E2E_TMP/fake-terraform
export AWS_ACCESS_KEY_ID=AKIDTFGATE AWS_SECRET_ACCESS_KEY=tf-gate-secret AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
export TF_CLI_ARGS="-auto-approve" TF_CLI_ARGS_apply="-replace=x" TF_VAR_tier=gold
export AWS_KDX_UNRELATED=canary-aws MY_UNRELATED_SECRET=canary-other TF_REATTACH_PROVIDERS='{"x":1}'

cat >tf.kdx <<KDX
runbook "tf-gate" {
  allow_exec = ["terraform"]
}

import "terraform"

region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}

resource ws : terraform.workspace {
  dir = "$E2E_TMP/cfg"
}

step init {
  do terraform.init(ws)
}
KDX

# 1. the runbook side: Terraform not in allow_exec is a compile error
sed '/allow_exec/d' tf.kdx >unlisted.kdx
out=$("$KDX" check unlisted.kdx 2>&1) && fail "check accepted Terraform without allow_exec: $out"
assert_contains "$out" "'terraform.init' runs Terraform, a local command this runbook does not allow"
assert_contains "$out" 'allow_exec = ["terraform"]'
out=$("$KDX" apply -auto-approve -allow-exec unlisted.kdx 2>&1) && fail "apply ran Terraform without allow_exec: $out"
[ -e cfg/args.txt ] && fail "terraform ran without allow_exec"

# 2. the command-line side: no -allow-exec, nothing runs, not even a journal
out=$("$KDX" apply -auto-approve tf.kdx 2>&1) && fail "apply without -allow-exec succeeded: $out"
assert_contains "$out" "runs local commands (step 'init': Terraform), which is off by default; nothing was run"
[ -e cfg/args.txt ] && fail "terraform ran without -allow-exec"
out=$("$KDX" plan tf.kdx 2>&1) && fail "plan without -allow-exec succeeded: $out"

# 3. both: it runs, with only the variables Terraform needs
"$KDX" apply -auto-approve -allow-exec tf.kdx >ok.out 2>&1 || fail "apply: $(cat ok.out)"
[ -s cfg/args.txt ] || fail "terraform did not run"
grep -q '^init' cfg/args.txt || fail "no terraform init: $(cat cfg/args.txt)"
for f in cfg/env-*.txt; do
	grep -q '^TF_CLI_ARGS' "$f" && fail "TF_CLI_ARGS* reached terraform: $(grep TF_CLI_ARGS "$f")"
	grep -q 'canary-aws\|canary-other\|TF_REATTACH' "$f" && fail "an unrelated variable reached terraform"
	grep -q '^KDX_' "$f" && fail "a KDX_* variable reached terraform"
	grep -qx 'AWS_ACCESS_KEY_ID=AKIDTFGATE' "$f" || fail "the provider's credentials are missing"
	grep -qx 'AWS_SECRET_ACCESS_KEY=tf-gate-secret' "$f" || fail "the provider's secret is missing"
	grep -qx 'AWS_REGION=us-east-1' "$f" || fail "the region is missing"
	grep -qx 'TF_VAR_tier=gold' "$f" || fail "TF_VAR_* is missing"
	grep -qx 'TF_IN_AUTOMATION=1' "$f" || fail "TF_IN_AUTOMATION is missing"
done
grep -q tf-gate-secret ok.out && fail "the secret was printed"
# `kdx terraform` (a person running Terraform by hand) filters the same way
rm -f cfg/env-*.txt
"$KDX" terraform output cfg >/dev/null 2>&1 || true
[ -e cfg/env-0.txt ] || fail "kdx terraform did not run the stand-in"
grep -q '^TF_CLI_ARGS\|canary-aws\|canary-other' cfg/env-*.txt && fail "kdx terraform passed what it must not"
echo "terraform gated and its environment minimal"
