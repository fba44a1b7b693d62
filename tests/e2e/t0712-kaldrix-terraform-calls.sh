#!/usr/bin/env bash
# `call terraform` in runbooks (stdlib/terraform.kdx through executor/interp_tf.c) on the
# provider-free configuration of tests/terraform/data: init + workspace, apply with -var and
# -target, output read, rollback (terraform destroy, the apply's undo);
# the state checked with terraform itself after each; a dry run starts no Terraform
# and the sensitive output never appears.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS AWS_PROFILE
# kdx apply loads credentials before it runs; nothing here talks to AWS
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
cfg=$E2E_TMP/data
cp -R "$KDX_REPO/tests/terraform/data" "$cfg"
cd "$E2E_TMP"
cat >tf.kdx <<KDX
runbook "tf-calls" {
  allow_exec = ["terraform"]
}

import "terraform"

param name : string = "alpha"

region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}

resource ws : terraform.workspace {
  dir       = "$cfg"
  workspace = "e2e"
  vars      = { name = name, replicas = 4 }
}

step init {
  do terraform.init(ws)
}

step only_a after init {
  do terraform.apply(ws, targets = ["terraform_data.a"])
}

step all after only_a {
  do terraform.apply(ws)
}

step read after all {
  do terraform.output(ws)
}
KDX
st() { (cd "$cfg" && TF_WORKSPACE=e2e terraform state list 2>/dev/null | sort | tr '\n' ' '); }

out=$("$KDX" apply -allow-exec -dry-run tf.kdx -state-dir kdx -auto-approve 2>&1) || fail "dry run: $out"
assert_contains "$out" "would run: terraform apply in '$cfg' (workspace 'e2e') -target=terraform_data.a"
[ ! -d "$cfg/.terraform" ] || fail "the dry run ran terraform init"

out=$("$KDX" apply -allow-exec tf.kdx -state-dir kdx -auto-approve 2>&1) || fail "apply: $out"
assert_eq "$(st)" "terraform_data.a terraform_data.b " "state after the runbook"
[ -d "$cfg/terraform.tfstate.d/e2e" ] || fail "workspace e2e was not created"
grep -q hunter2 <<<"$out" && fail "the sensitive output was printed"

assert_eq "$(cd "$cfg" && TF_WORKSPACE=e2e terraform output -raw name)" "alpha-b" "output after alpha"
out=$("$KDX" apply -allow-exec tf.kdx -var name=beta -state-dir kdx2 -auto-approve 2>&1) || fail "apply beta: $out"
assert_eq "$(cd "$cfg" && TF_WORKSPACE=e2e terraform output -raw name)" "beta-b" "output after beta"

# rollback undoes the applies: terraform destroy
out=$("$KDX" rollback -allow-exec tf.kdx -var name=beta -state-dir kdx2 2>&1) || fail "rollback: $out"
assert_eq "$(st)" "" "state after the rollback"
echo ok
