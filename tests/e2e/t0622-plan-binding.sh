#!/usr/bin/env bash
# Saved plans are bound to what was reviewed (issue #14.5), against moto: `apply PLANFILE`
# refuses -var, -var-file and -I; a plan file edited after `kdx plan -out` (a var, the
# runbook path, white space, the digest removed) is refused by its digest; and, with the
# digest recomputed by the tamperer, each binding still holds on its own: an emptied or
# missing observation, a changed source text, another environment. Nothing reaches the
# emulator (boto3 reads the weights after each refusal). A sealed plan applies.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
sed 's/^param zone : string = "kaldrix.test"$/&\nparam environment : string = "staging"/' \
	"$RB/shift.kdx" >shift.kdx
grep -q 'param environment' shift.kdx || fail "could not add the environment param"
python3 "$RB/setup_route53.py" kaldrix.test >/dev/null
w() { python3 "$RB/weights.py" kaldrix.test; }
start=$(w)
"$KDX" plan -out p.json shift.kdx >plan.out 2>&1 || fail "plan -out: $(cat plan.out)"
tail -c 90 p.json | grep -q '"digest":"sha256:[0-9a-f]\{64\}"}' || fail "no digest: $(tail -c 90 p.json)"
echo "x=1" >vars.kdxvars
refused() { # WHAT EXPECTED ARGS...
	local what=$1 want=$2
	shift 2
	out=$("$KDX" apply -auto-approve "$@" 2>&1) && fail "$what: applied: $out"
	assert_contains "$out" "$want" "$what"
	assert_eq "$(w)" "$start" "$what: the world changed"
}
refused "-var with a plan" "-var, -var-file and -I cannot be used with a saved plan" -var zone=x p.json
refused "-var-file with a plan" "cannot be used with a saved plan" -var-file vars.kdxvars p.json
refused "-I with a plan" "cannot be used with a saved plan" -I /tmp p.json

# tamper: EXPR over `d` (the parsed document); RESEAL 1 recomputes the digest as an
# attacker who read the format would
tamper() { # OUT RESEAL EXPR
	python3 - p.json "$1" "$2" "$3" <<'PY'
import hashlib, json, re, sys
raw = open(sys.argv[1], "rb").read().rstrip(b"\n")
m = re.search(rb',"digest":"sha256:[0-9a-f]{64}"\}$', raw)
body = raw[:m.start()] + b"}"
d = json.loads(body)
exec(sys.argv[4])
new = json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode()
if sys.argv[3] == "1":
    new = new[:-1] + b',"digest":"sha256:' + hashlib.sha256(new).hexdigest().encode() + b'"}'
elif sys.argv[3] == "keep":
    new = new[:-1] + raw[m.start():]
open(sys.argv[2], "wb").write(new + b"\n")
PY
}
tamper t1.json keep 'd["meta"]["vars"] = ["environment=production"]'
refused "edited vars" "was changed after 'kdx plan' wrote it" t1.json
tamper t2.json keep 'd["runbook"] = "other.kdx"'
refused "edited runbook path" "was changed after 'kdx plan' wrote it" t2.json
python3 -c 'import json,sys; d=json.load(open("p.json")); json.dump(d, open("t3.json","w"), indent=2)'
refused "pretty-printed" "carries no digest" t3.json
tamper t4.json 0 'pass'
refused "digest removed" "carries no digest" t4.json
tamper t5.json 1 'd["observed"] = {}'
refused "emptied observed, resealed" "the plan file has no observation of step 'shift'" t5.json
tamper t6.json 1 'del d["observed"]'
refused "no observed, resealed" "has no observed state" t6.json
tamper t7.json 1 'k = next(k for k in d["source_texts"] if k.endswith("shift.kdx")); d["source_texts"][k] += "# x\n"'
refused "edited source text, resealed" "is not the one it was made from" t7.json
tamper t8.json 1 'd["meta"]["vars"] = ["environment=production"]'
refused "other environment, resealed" "it was made for environment 'staging'" t8.json

# the untouched plan applies
"$KDX" apply -auto-approve p.json >apply.out 2>&1 || fail "apply of the sealed plan: $(cat apply.out)"
assert_eq "$(w)" "eu-west-1=10,us-east-1=0,us-west-2=90" "after apply"
echo ok
