#!/usr/bin/env bash
# Static checks of the KALDRIX Terraform configuration and its scripts: terraform fmt, terraform
# validate (also with the moto override in place), shellcheck, and that no endpoint or test
# credential is baked into the configuration itself. Variable validations are exercised by
# t0700, which plans every environment against moto_server.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
src=$KDX_REPO/terraform/multi-region
command -v terraform >/dev/null || skip "terraform not installed"
command -v shellcheck >/dev/null || skip "shellcheck not installed"
[ -d /opt/tf-plugins ] || skip "no provider mirror at /opt/tf-plugins"

shellcheck -x "$src"/scripts/*.sh "$KDX_REPO"/tests/e2e/t070*.sh || fail "shellcheck found problems"

: >"$E2E_TMP/terraformrc"
export TF_CLI_CONFIG_FILE=$E2E_TMP/terraformrc TF_IN_AUTOMATION=1 TF_INPUT=0
terraform fmt -check -recursive -diff "$src" || fail "terraform fmt -check: run 'terraform fmt -recursive terraform/'"

work=$E2E_TMP/multi-region
mkdir -p "$work"
(cd "$src" && tar --exclude=.terraform --exclude='*.tfstate*' --exclude=moto_override.tf -cf - .) | tar -C "$work" -xf -
cd "$work" || exit 1
terraform init -backend=false -plugin-dir=/opt/tf-plugins -no-color >"$E2E_TMP/init.log" 2>&1 ||
	fail "terraform init: $(tail -20 "$E2E_TMP/init.log")"
terraform validate -no-color || fail "terraform validate"

# Every name the environments set is a declared variable, every environment sets the same ones,
# and the weights in each sum to 100 (t0700 plans staging; this keeps the others honest cheaply).
python3 - "$src" <<'EOF' || fail "environments/*.tfvars do not match variables.tf"
import re, sys
src = sys.argv[1]
declared = set(re.findall(r'^variable "([a-z0-9_]+)"', open(f"{src}/variables.tf").read(), re.M))
sets = {}
bad = False
for env in ["production", "staging", "development"]:
    text = open(f"{src}/environments/{env}.tfvars").read()
    names = set(re.findall(r"^([a-z0-9_]+)\s*=", text, re.M))
    sets[env] = names
    for n in sorted(names - declared):
        print(f"{env}.tfvars sets undeclared variable '{n}'", file=sys.stderr); bad = True
    m = re.search(r"^traffic_weights\s*=\s*\{(.*?)\}", text, re.M | re.S)
    weights = [int(w) for w in re.findall(r'=\s*(\d+)', m.group(1))] if m else []
    if sum(weights) != 100 or len(weights) != 3:
        print(f"{env}.tfvars: traffic_weights {weights} do not sum to 100 over 3 regions", file=sys.stderr); bad = True
    if not re.search(rf'^environment\s*=\s*"{env}"', text, re.M):
        print(f"{env}.tfvars does not set environment = \"{env}\"", file=sys.stderr); bad = True
if len({frozenset(v) for v in sets.values()}) != 1:
    print(f"the environments set different variables: {sets}", file=sys.stderr); bad = True
sys.exit(1 if bad else 0)
EOF

# The override is generated, valid, formatted, and the only place endpoints appear.
"$src/scripts/moto-override.sh" -o "$work" 4566 >/dev/null
terraform fmt -check moto_override.tf || fail "generated moto_override.tf is not formatted"
grep -q 'rds *= "http://127.0.0.1:4566"' moto_override.tf || fail "override lacks the rds endpoint"
if grep -rlE 'endpoints *\{|127\.0\.0\.1|localhost|"testing"' --include='*.tf' --exclude=moto_override.tf "$src"; then
	fail "endpoints or test credentials baked into the configuration (above)"
fi
rc=0
"$src/scripts/moto-override.sh" -o "$work" 99999 >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "moto-override.sh with a bad port"
# -k: the access key id Terraform signs with (tests/demo.sh gives each run its own); letters and
# digits only, since it is written into HCL
"$src/scripts/moto-override.sh" -o "$work" -k KDXDEMO0A1B 4566 >/dev/null
[ "$(grep -c 'access_key *= "KDXDEMO0A1B"' moto_override.tf)" = 3 ] || fail "-k did not set the three providers' key id"
rc=0
out=$("$src/scripts/moto-override.sh" -o "$work" -k 'a"b' 4566 2>&1) || rc=$?
assert_eq "$rc" 1 "moto-override.sh -k with a quote"
assert_contains "$out" "-k takes letters and digits only"
echo "terraform static checks passed"
