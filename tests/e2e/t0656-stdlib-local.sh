#!/usr/bin/env bash
# The stdlib actions that need no AWS run for real through `kdx apply`
# (tests/e2e/runbooks/stdlib-local.kdx): core's HTTP checks against a local server and
# sleep, a gated core.exec (and its undo); terraform init, select_workspace (creating a second workspace), plan -out and
# apply of the saved plan, a targeted apply, output read in a gate. Terraform itself checks
# the states; `kdx rollback` destroys both (destroy is the applies' undo).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS AWS_PROFILE
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
cd "$E2E_TMP"
cfg=$E2E_TMP/data
cp -R "$KDX_REPO/tests/terraform/data" "$cfg"
mkdir www && echo "kaldrix ok" >www/health
port=$(free_port)
python3 -m http.server -b 127.0.0.1 -d www "$port" >http.log 2>&1 &
track_pid $!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.05; done
cp "$KDX_REPO/tests/e2e/runbooks/stdlib-local.kdx" .
V=(-var "url=http://127.0.0.1:$port/health" -var "dir=$cfg")
st() { (cd "$cfg" && TF_WORKSPACE=$1 terraform state list 2>/dev/null | sort | tr '\n' ' '); }
"$KDX" apply -auto-approve -allow-exec "${V[@]}" stdlib-local.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
grep -q "kaldrix probe" .kdx/*.jsonl || fail "core.exec's output is not in the journal"
assert_eq "$(st e2e)" "terraform_data.a terraform_data.b " "workspace e2e after the saved plan's apply"
assert_eq "$(st e2e-two)" "terraform_data.a " "workspace e2e-two after the targeted apply"
assert_eq "$(cd "$cfg" && TF_WORKSPACE=e2e terraform output -raw name)" "alpha-b" "the plan's variables"
[ -f "$cfg/kdx.tfplan" ] || fail "no saved plan in the configuration's directory"
"$KDX" rollback -allow-exec "${V[@]}" stdlib-local.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_eq "$(st e2e)" "" "workspace e2e after rollback"
assert_eq "$(st e2e-two)" "" "workspace e2e-two after rollback"
grep -q '"kind":"undo_done","step":"probe"' .kdx/*.jsonl || fail "core.exec's undo did not run: $(grep probe .kdx/*.jsonl)"
# the HTTP gate can fail: a body without the text stops the run before Terraform starts
echo "down" >www/health
rm -rf "$cfg/.terraform"
"$KDX" apply -auto-approve -allow-exec "${V[@]}" stdlib-local.kdx >bad.out 2>&1 && fail "the http_check gate passed on 'down'"
assert_contains "$(cat bad.out)" "precondition failed"
[ ! -d "$cfg/.terraform" ] || fail "terraform init ran after a failed gate"
echo ok
