#!/usr/bin/env bash
# kdx terraform on a provider-free configuration (terraform_data): init in a new workspace,
# plan (summary, -detailed-exitcode, -json), apply the saved plan, read outputs (string,
# number, list, map; the sensitive one never printed), destroy; then failing configurations
# whose errors are Terraform's own messages at their file:line:col.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS
cfg=$E2E_TMP/data
cp -R "$KDX_REPO/tests/terraform/data" "$cfg"

# init, creating and selecting the workspace
out=$("$KDX" terraform init "$cfg" -workspace e2e 2>&1) || fail "init failed: $out"
assert_contains "$out" "Terraform has been successfully initialized!"
assert_contains "$out" 'Created and switched to workspace "e2e"!'
[ -d "$cfg/terraform.tfstate.d/e2e" ] || fail "workspace e2e was not created"
# a second init with the same workspace selects it (no error)
"$KDX" terraform init "$cfg" -workspace e2e >/dev/null 2>&1 || fail "second init failed"

# plan: summary, exit 2 for changes with -detailed-exitcode
set +e
out=$("$KDX" terraform plan "$cfg" -workspace e2e -var name=alpha -var replicas=4 \
	-detailed-exitcode -out "$E2E_TMP/p.tfplan" 2>&1)
rc=$?
set -e
assert_eq "$rc" 2 "plan -detailed-exitcode exit code"
assert_contains "$out" "  + terraform_data.a (create)"
assert_contains "$out" "  + terraform_data.b (create)"
assert_contains "$out" "Plan: 2 to add, 0 to change, 0 to destroy."
[ -s "$E2E_TMP/p.tfplan" ] || fail "plan file not written"

# the same plan as JSON lines: every line parses, one carries the summary
"$KDX" terraform plan "$cfg" -workspace e2e -var name=alpha -var replicas=4 -json \
	-out "$E2E_TMP/p2.tfplan" >"$E2E_TMP/plan.jsonl"
python3 - "$E2E_TMP/plan.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
summ = [l for l in lines if l["type"] == "plan_summary"]
assert len(summ) == 1, lines
s = summ[0]["summary"]
assert (s["add"], s["change"], s["destroy"]) == (2, 0, 0), s
assert {c["address"] for c in s["resource_changes"]} == {"terraform_data.a", "terraform_data.b"}
assert any(l["type"] == "planned_change" and l["action"] == "create" for l in lines)
PY

# apply the saved plan
out=$("$KDX" terraform apply "$cfg" -workspace e2e -plan "$E2E_TMP/p.tfplan" 2>&1) ||
	fail "apply failed: $out"
assert_contains "$out" "terraform_data.a: Creation complete"
assert_contains "$out" "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."

# outputs through kdx, checked against terraform's own output -json
out=$("$KDX" terraform output "$cfg" -workspace e2e)
case "$out" in *hunter2*) fail "a sensitive output was printed: $out" ;; esac
(cd "$cfg" && TF_WORKSPACE=e2e terraform output -json) >"$E2E_TMP/tf-out.json"
python3 - "$out" "$E2E_TMP/tf-out.json" <<'PY'
import json, sys
kdx = json.loads(sys.argv[1])
tf = json.load(open(sys.argv[2]))
assert set(kdx) == set(tf), (kdx, tf)
for name, o in tf.items():
    if o["sensitive"]:
        assert kdx[name] == {"sensitive": True}, kdx[name]
    else:
        assert kdx[name] == {"sensitive": False, "value": o["value"]}, (name, kdx[name], o)
assert kdx["replicas"]["value"] == 4
assert kdx["name"]["value"] == "alpha-b"
assert kdx["weights"]["value"] == {"us-east-1": 70, "us-west-2": 20, "eu-west-1": 10}
assert kdx["regions"]["value"] == ["us-east-1", "us-west-2", "eu-west-1"]
PY
assert_eq "$("$KDX" terraform output "$cfg" replicas -workspace e2e)" "4" "single number output"
assert_eq "$("$KDX" terraform output "$cfg" weights -workspace e2e)" \
	'{"eu-west-1":10,"us-east-1":70,"us-west-2":20}' "single map output"
set +e
out=$("$KDX" terraform output "$cfg" admin_password -workspace e2e 2>&1)
rc=$?
set -e
assert_eq "$rc" 1 "sensitive output by name"
assert_contains "$out" "output 'admin_password' is sensitive"
case "$out" in *hunter2*) fail "a sensitive output was printed: $out" ;; esac

# nothing left to do: exit 0, "No changes."
out=$("$KDX" terraform plan "$cfg" -workspace e2e -var name=alpha -var replicas=4 \
	-detailed-exitcode -out "$E2E_TMP/p3.tfplan" 2>&1) || fail "plan after apply: $out"
assert_contains "$out" "No changes."

# a change of replicas updates a and replaces b
out=$("$KDX" terraform plan "$cfg" -workspace e2e -var name=alpha -var replicas=5 \
	-out "$E2E_TMP/p4.tfplan" 2>&1) || fail "update plan: $out"
assert_contains "$out" "  ~ terraform_data.a (update)"
assert_contains "$out" "  ! terraform_data.b (replace)"
assert_contains "$out" "Plan: 1 to add, 1 to change, 1 to destroy (1 replaced)."

# destroy, and nothing is left in the state
out=$("$KDX" terraform destroy "$cfg" -workspace e2e -var name=alpha -var replicas=4 2>&1) ||
	fail "destroy failed: $out"
assert_contains "$out" "Destroy complete! Resources: 2 destroyed."
assert_eq "$("$KDX" terraform output "$cfg" -workspace e2e)" "{}" "outputs after destroy"
assert_eq "$(cd "$cfg" && TF_WORKSPACE=e2e terraform state list)" "" "state after destroy"

# a failing precondition: Terraform's summary, detail and location, exit 1
fcfg=$E2E_TMP/fail
cp -R "$KDX_REPO/tests/terraform/fail" "$fcfg"
"$KDX" terraform init "$fcfg" >/dev/null 2>&1 || fail "init of the failing config"
set +e
out=$("$KDX" terraform plan "$fcfg" 2>&1)
rc=$?
set -e
assert_eq "$rc" 1 "failing plan exit code"
assert_contains "$out" "kdx: error: terraform plan failed in '$fcfg' (exit status 1)"
assert_contains "$out" "$fcfg/main.tf:12:23: error: Resource precondition failed"
assert_contains "$out" "  12 |       condition     = var.weight <= 100"
assert_contains "$out" "The weight must be at most 100."
# the same config passes with a valid weight
"$KDX" terraform plan "$fcfg" -var weight=50 >/dev/null 2>&1 || fail "valid weight rejected"

# an undeclared variable, as JSON: a diagnostic event with file and line, and the error
ucfg=$E2E_TMP/undeclared
cp -R "$KDX_REPO/tests/terraform/undeclared" "$ucfg"
"$KDX" terraform init "$ucfg" >/dev/null 2>&1 || fail "init of the undeclared config"
set +e
"$KDX" terraform plan "$ucfg" -json >"$E2E_TMP/undeclared.jsonl" 2>"$E2E_TMP/undeclared.err"
rc=$?
set -e
assert_eq "$rc" 1 "undeclared plan exit code"
python3 - "$E2E_TMP/undeclared.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
d = [l for l in lines if l["type"] == "diagnostic"]
assert d and d[0]["summary"] == "Reference to undeclared input variable", lines
assert (d[0]["filename"], d[0]["line"], d[0]["column"]) == ("main.tf", 3, 11), d[0]
assert lines[-1]["type"] == "kdx_error", lines[-1]
PY
assert_contains "$(cat "$E2E_TMP/undeclared.err")" \
	"$ucfg/main.tf:3:11: error: Reference to undeclared input variable"

# usage errors and a missing binary
set +e
out=$("$KDX" terraform plan "$cfg" -bogus 2>&1); rc=$?
assert_eq "$rc" 1 "unknown flag"
assert_contains "$out" "unknown flag '-bogus'"
out=$("$KDX" terraform frobnicate "$cfg" 2>&1); rc=$?
assert_eq "$rc" 1 "unknown subcommand"
# a flag of another subcommand is refused, not ignored
out=$("$KDX" terraform apply "$cfg" -out "$E2E_TMP/x.tfplan" 2>&1); rc=$?
assert_eq "$rc" 1 "plan's -out given to apply"
assert_contains "$out" "-out is for 'kdx terraform plan', not 'kdx terraform apply'"
out=$("$KDX" terraform plan "$cfg" -plugin-dir /nonexistent 2>&1); rc=$?
assert_eq "$rc" 1 "init's -plugin-dir given to plan"
assert_contains "$out" "-plugin-dir is for 'kdx terraform init', not 'kdx terraform plan'"
[ ! -e "$E2E_TMP/x.tfplan" ] || fail "a refused command wrote a plan"
out=$("$KDX" terraform apply "$cfg" -plan "$E2E_TMP/p.tfplan" -var a=b 2>&1); rc=$?
assert_eq "$rc" 1 "-var with -plan"
assert_contains "$out" "a saved plan carries its own variables"
out=$(KDX_TERRAFORM=/nonexistent/terraform "$KDX" terraform output "$cfg" 2>&1); rc=$?
set -e
assert_eq "$rc" 1 "missing binary"
assert_contains "$out" "cannot run '/nonexistent/terraform'"
# KDX_TERRAFORM picks the program (here a wrapper around the real terraform that records its
# arguments and environment): the child sees only the allow-listed environment
wrap=$E2E_TMP/tf-wrapper
cat >"$wrap" <<WRAP
#!/bin/sh
printf '%s\n' "\$*" >>"$E2E_TMP/wrapper.args"
env >"$E2E_TMP/wrapper.env"
exec $(command -v terraform) "\$@"
WRAP
chmod +x "$wrap"
out=$(KDX_TERRAFORM=$wrap KDX_E2E_LEAK=leaked AWS_ACCESS_KEY_ID=AKIDE2E TF_VAR_name=fromenv \
	TF_CLI_ARGS=-no-such-flag "$KDX" terraform output "$cfg" -workspace e2e 2>&1) ||
	fail "output through KDX_TERRAFORM failed: $out"
assert_eq "$out" "{}" "output through the wrapper"
assert_contains "$(cat "$E2E_TMP/wrapper.args")" "output -json -no-color"
wenv=$(cat "$E2E_TMP/wrapper.env")
assert_contains "$wenv" "TF_IN_AUTOMATION=1"
assert_contains "$wenv" "TF_INPUT=0"
assert_contains "$wenv" "CHECKPOINT_DISABLE=1"
assert_contains "$wenv" "TF_WORKSPACE=e2e"
assert_contains "$wenv" "AWS_ACCESS_KEY_ID=AKIDE2E"
assert_contains "$wenv" "TF_VAR_name=fromenv"
case "$wenv" in *KDX_E2E_LEAK*) fail "a variable outside the allow-list reached terraform" ;; esac
case "$wenv" in *TF_CLI_ARGS*) fail "TF_CLI_ARGS reached terraform" ;; esac
echo "t0500: ok"
