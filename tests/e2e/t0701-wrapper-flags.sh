#!/usr/bin/env bash
# The seed's wrapper scripts: every flag of each, -h, and the error cases. KDX_DRY_RUN=1 makes
# them print the kdx command line they would run, which is what is checked here.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scripts=$KDX_REPO/terraform/multi-region/scripts
export KDX KDX_DRY_RUN=1
unset VAULT_ADDR

# ok EXPECTED SCRIPT ARGS...: the script exits 0 and prints exactly EXPECTED.
ok() {
	local want=$1 got rc=0
	shift
	got=$("$scripts/$1" "${@:2}" </dev/null 2>"$E2E_TMP/err") || rc=$?
	[ $rc -eq 0 ] || fail "$* exited $rc: $(cat "$E2E_TMP/err")"
	assert_eq "$got" "$want" "$*"
}

# bad MESSAGE SCRIPT ARGS...: the script exits 1, prints MESSAGE and the usage on stderr, and
# nothing on stdout (so no kdx command was produced).
bad() {
	local msg=$1 out rc=0
	shift
	out=$("$scripts/$1" "${@:2}" </dev/null 2>"$E2E_TMP/err") || rc=$?
	[ $rc -eq 1 ] || fail "$* exited $rc, expected 1"
	assert_eq "$out" "" "$* printed a command"
	assert_contains "$(cat "$E2E_TMP/err")" "$msg" "$*"
	assert_contains "$(cat "$E2E_TMP/err")" "Usage: $1" "$* usage"
}

regions3='-var '"'"'regions=["us-east-1","us-west-2","eu-west-1"]'"'"

# deploy-multi-region.sh: -e -r -p -d -v -h
d="$KDX apply plans/deploy.kdx -allow-exec -var-file plans/environments"
ok "$d/staging.kdxvars $regions3 -var primary=us-east-1 -var domain=staging.kaldrix.io -auto-approve" \
	deploy-multi-region.sh -e staging
ok "$d/production.kdxvars $regions3 -var primary=us-east-1 -var domain=kaldrix.io -auto-approve" \
	deploy-multi-region.sh -e production
ok "$d/development.kdxvars $regions3 -var primary=us-east-1 -var domain=dev.kaldrix.io -auto-approve" \
	deploy-multi-region.sh -e development
ok "$d/staging.kdxvars -var 'regions=[\"us-west-2\",\"eu-west-1\"]' -var primary=us-west-2 -var domain=staging.kaldrix.io -auto-approve" \
	deploy-multi-region.sh -e staging -r us-west-2,eu-west-1 -p us-west-2
ok "$d/staging.kdxvars $regions3 -var primary=eu-west-1 -var domain=example.org -auto-approve" \
	deploy-multi-region.sh -e staging -p eu-west-1 -d example.org
ok "VAULT_ADDR=https://vault.internal:8200 $d/production.kdxvars $regions3 -var primary=us-east-1 -var domain=kaldrix.io -auto-approve" \
	deploy-multi-region.sh -e production -v https://vault.internal:8200
help=$("$scripts/deploy-multi-region.sh" -h)
assert_contains "$help" "Usage: deploy-multi-region.sh -e ENVIRONMENT [-r REGIONS] [-p PRIMARY] [-d DOMAIN] [-v VAULT_ADDR] [-h]"
assert_contains "$help" "Examples:"
assert_contains "$help" "deploy-multi-region.sh -e staging"
bad "missing -e ENVIRONMENT" deploy-multi-region.sh
bad "missing -e ENVIRONMENT" deploy-multi-region.sh -r us-east-1
bad "unknown environment 'prod'" deploy-multi-region.sh -e prod
bad "unknown option -x" deploy-multi-region.sh -e staging -x
bad "option -e needs a value" deploy-multi-region.sh -e
bad "unknown region 'us-east-9'" deploy-multi-region.sh -e staging -r us-east-1,us-east-9
bad "listed twice" deploy-multi-region.sh -e staging -r us-east-1,us-east-1
bad "primary region 'eu-west-1' is not in -r" deploy-multi-region.sh -e staging -r us-east-1,us-west-2 -p eu-west-1
bad "unknown primary region 'mars-1'" deploy-multi-region.sh -e staging -p mars-1
bad "invalid domain 'not a domain'" deploy-multi-region.sh -e staging -d "not a domain"
bad "invalid Vault address 'vault'" deploy-multi-region.sh -e staging -v vault
bad "unexpected argument 'extra'" deploy-multi-region.sh -e staging extra

# test-failover.sh: -e -d -t -r -h
f="-var-file plans/environments/staging.kdxvars -var domain=staging.kaldrix.io"
if "$KDX" help simulate >/dev/null 2>&1; then
	sim="$KDX simulate plans/failover.kdx"
else
	sim="$KDX apply -dry-run plans/failover.kdx"
fi
ok "$sim $f -var target=us-west-2" test-failover.sh -e staging -t simulation
ok "$sim $f -var target=eu-west-1" test-failover.sh -e staging -t simulation -r eu-west-1
ok "$KDX apply plans/failover.kdx $f -var target=us-west-2 -auto-approve" test-failover.sh -e staging -t real
ok "$KDX apply plans/failover.kdx -var-file plans/environments/production.kdxvars -var domain=kaldrix.io -var target=eu-west-1" \
	test-failover.sh -e production -t real -r eu-west-1
ok "$KDX apply plans/failover.kdx -var-file plans/environments/development.kdxvars -var domain=example.org -var target=us-west-2 -auto-approve" \
	test-failover.sh -e development -d example.org -t real
if "$KDX" help rollback >/dev/null 2>&1; then
	want="$KDX rollback plans/failover.kdx"
else
	want="$KDX apply plans/failback.kdx $f -auto-approve"
fi
ok "$want" test-failover.sh -e staging -t rollback -r us-west-2
help=$("$scripts/test-failover.sh" -h)
assert_contains "$help" "Usage: test-failover.sh -e ENVIRONMENT -t simulation|real|rollback [-d DOMAIN] [-r REGION] [-h]"
assert_contains "$help" "test-failover.sh -e staging -t real -r us-west-2"
bad "missing -e ENVIRONMENT" test-failover.sh -t real
bad "missing -t TYPE" test-failover.sh -e staging
bad "unknown test type 'chaos'" test-failover.sh -e staging -t chaos
bad "unknown environment 'qa'" test-failover.sh -e qa -t real
bad "unknown target region 'us-east-2'" test-failover.sh -e staging -t real -r us-east-2
bad "unknown option -f" test-failover.sh -e staging -t real -f
bad "option -t needs a value" test-failover.sh -e staging -t
bad "invalid domain" test-failover.sh -e staging -t real -d "bad_domain"

# destroy-multi-region.sh: -e -f -h
ok "$KDX apply plans/destroy.kdx -allow-exec -var-file plans/environments/staging.kdxvars" destroy-multi-region.sh -e staging
ok "$KDX apply plans/destroy.kdx -allow-exec -var-file plans/environments/staging.kdxvars -auto-approve" destroy-multi-region.sh -e staging -f
ok "$KDX apply plans/destroy.kdx -allow-exec -var-file plans/environments/production.kdxvars -auto-approve" destroy-multi-region.sh -e production -f
# production without -f asks for its name: the right answer goes on, anything else aborts
got=$(echo production | "$scripts/destroy-multi-region.sh" -e production 2>"$E2E_TMP/err")
assert_eq "$got" "$KDX apply plans/destroy.kdx -allow-exec -var-file plans/environments/production.kdxvars" "confirmed destroy"
assert_contains "$(cat "$E2E_TMP/err")" "Type 'production' to continue"
rc=0
got=$(echo yes | "$scripts/destroy-multi-region.sh" -e production 2>"$E2E_TMP/err") || rc=$?
assert_eq "$rc" 1 "unconfirmed destroy exit"
assert_eq "$got" "" "unconfirmed destroy printed a command"
assert_contains "$(cat "$E2E_TMP/err")" "aborted: nothing was destroyed"
rc=0
"$scripts/destroy-multi-region.sh" -e production </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "destroy with no answer on stdin"
# A local run's settings and kdx's state directory (tests/demo.sh), relative to where the
# script starts; rollback takes the state directory only (the journal has the rest).
mkdir -p "$E2E_TMP/sub"
v="-var-file $E2E_TMP/sub/local.kdxvars"
sd="-state-dir $E2E_TMP/sub/st"
export KDX_VAR_FILE=local.kdxvars KDX_STATE_DIR=st
cd "$E2E_TMP/sub" || exit 1
ok "$KDX apply plans/destroy.kdx -allow-exec -var-file plans/environments/staging.kdxvars $v $sd -auto-approve" destroy-multi-region.sh -e staging -f
ok "$KDX apply plans/failover.kdx -var-file plans/environments/staging.kdxvars $v -var domain=staging.kaldrix.io -var target=us-west-2 $sd -auto-approve" \
	test-failover.sh -e staging -t real
ok "$KDX rollback plans/failover.kdx $sd" test-failover.sh -e staging -t rollback
ok "$sim $f -var target=us-west-2" test-failover.sh -e staging -t simulation
ok "$d/staging.kdxvars $v $regions3 -var primary=us-east-1 -var domain=staging.kaldrix.io $sd -auto-approve" \
	deploy-multi-region.sh -e staging
cd "$KDX_REPO" || exit 1
unset KDX_VAR_FILE KDX_STATE_DIR
help=$("$scripts/destroy-multi-region.sh" -h)
assert_contains "$help" "Usage: destroy-multi-region.sh -e ENVIRONMENT [-f] [-h]"
assert_contains "$help" "destroy-multi-region.sh -e staging -f"
bad "missing -e ENVIRONMENT" destroy-multi-region.sh -f
bad "unknown environment 'prod'" destroy-multi-region.sh -e prod
bad "unknown option -y" destroy-multi-region.sh -e staging -y

# Without KDX_DRY_RUN the scripts really run kdx, from the repository root, with its status.
export KDX_DRY_RUN=0
rc=0
KDX=/nonexistent/kdx "$scripts/destroy-multi-region.sh" -e staging -f >/dev/null 2>"$E2E_TMP/err" || rc=$?
assert_eq "$rc" 1 "missing kdx binary"
assert_contains "$(cat "$E2E_TMP/err")" "kdx not found at '/nonexistent/kdx'"
# shellcheck disable=SC2016 # the recorder expands these itself
printf '#!/bin/sh\necho "ran in $(pwd): $*"\nexit 3\n' >"$E2E_TMP/kdx-echo"
chmod +x "$E2E_TMP/kdx-echo"
rc=0
got=$(KDX=$E2E_TMP/kdx-echo "$scripts/deploy-multi-region.sh" -e staging -r us-east-1 2>/dev/null) || rc=$?
assert_eq "$rc" 3 "kdx exit status passed through"
assert_eq "$got" "ran in $KDX_REPO: apply plans/deploy.kdx -allow-exec -var-file plans/environments/staging.kdxvars -var regions=[\"us-east-1\"] -var primary=us-east-1 -var domain=staging.kaldrix.io -auto-approve"
echo "all wrapper flag checks passed"
