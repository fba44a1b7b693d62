#!/usr/bin/env bash
# The plan file carries the compiled program (issue #14.3): `kdx plan -out` stores the plan
# IR (compiler/plan_io.h) as `program`, with the sources, under the digest over the whole
# document; `kdx apply PLANFILE` recompiles the carried sources, refuses unless they
# compile to exactly that program, and then runs the program it read from the file (issue
# #13 item 3, step 5: what `kdx plan` showed is what apply sends). Against moto, with the
# digest recomputed by a tamperer (without it the digest alone refuses): an edited program
# (a step's timeout, a region's weight, the weights a step's call sends -- an edit the IR
# reader accepts), a removed program, edited vars, an edited source text and an edited
# observation are each refused with a message that says which, and nothing reaches the
# emulator (boto3 reads the weights after each refusal). The untouched plan applies.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/rmw-route53.kdx" .
python3 "$RB/rmw_setup.py" || fail "setup"
w() {
	python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zid = r53.list_hosted_zones_by_name(DNSName="example.test.")["HostedZones"][0]["Id"]
print(" ".join("%s=%s" % (s["SetIdentifier"], s["Weight"]) for s in
               r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
               if s["Name"] == "api.example.test."))
PY
}
start=$(w)
"$KDX" plan -out p.json rmw-route53.kdx >plan.out 2>&1 || fail "plan -out: $(cat plan.out)"
python3 - p.json <<'PY' || fail "the plan file carries no program: $(head -c 400 p.json)"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["program"]
assert p["kdx_plan_ir"] == 4 and p["name"] == "rmw-route53", p
assert [s["name"] for s in p["steps"]] == ["shift"], p["steps"]
assert list(d)[-2:] == ["source_texts", "digest"], list(d)
s = p["steps"][0]
assert s["scope"] == 0, s.get("scope")  # plan IR 4: the runbook's scope (its only one)
# the record is a resource of the plan, referred to, not copied
assert s["do_call"]["args"][0] == {"resource": 0}, s["do_call"]["args"]
assert s["do_call"]["args"][1] == {"map": [["us-east-1", {"pct": 0}], ["us-west-2", {"pct": 100}]]}, s["do_call"]["args"]
PY
refused() { # WHAT EXPECTED PLANFILE
	local out
	out=$("$KDX" apply -auto-approve "$3" 2>&1) && fail "$1: applied: $out"
	assert_contains "$out" "$2" "$1"
	assert_eq "$(w)" "$start" "$1: the world changed"
}
# tamper OUT RESEAL EXPR: EXPR over `d`, the parsed document; RESEAL 1 recomputes the
# digest as someone who read the format would, keep leaves the old one
tamper() {
	python3 - p.json "$1" "$2" "$3" <<'PY'
import hashlib, json, re, sys
raw = open(sys.argv[1], "rb").read().rstrip(b"\n")
m = re.search(rb',"digest":"sha256:[0-9a-f]{64}"\}$', raw)
d = json.loads(raw[:m.start()] + b"}")
exec(sys.argv[4])
new = json.dumps(d, separators=(",", ":"), ensure_ascii=False).encode()
if sys.argv[3] == "1":
    new = new[:-1] + b',"digest":"sha256:' + hashlib.sha256(new).hexdigest().encode() + b'"}'
else:
    new = new[:-1] + raw[m.start():]
open(sys.argv[2], "wb").write(new + b"\n")
PY
}
PROG="the compiled program it carries is not what its sources compile to"
tamper t1.json keep 'd["program"]["steps"][0]["timeout_ms"] = 1'
refused "edited program, old digest" "was changed after 'kdx plan' wrote it" t1.json
python3 -c 'import json; s=json.load(open("p.json"))["program"]["steps"][0]; assert "timeout_ms" in s, sorted(s)' ||
	fail "the IR has no timeout_ms to edit"
tamper t2.json 1 'd["program"]["steps"][0]["timeout_ms"] = 1'
refused "edited step timeout, resealed" "$PROG (they differ in 'steps'): the plan file was edited" t2.json
tamper t8.json 1 'd["program"]["steps"][0]["do_call"]["args"][1]["map"][0][1]["pct"] = 50; d["program"]["steps"][0]["do_call"]["args"][1]["map"][1][1]["pct"] = 50'
refused "edited weights of the step's call, resealed" "$PROG (they differ in 'steps')" t8.json
tamper t3.json 1 'd["program"]["regions"][0]["weight"] = 100'
refused "edited region weight, resealed" "$PROG (they differ in 'regions')" t3.json
tamper t4.json 1 'del d["program"]'
refused "program removed, resealed" "carries no compiled program" t4.json
tamper t5.json 1 'd["meta"]["vars"] = ["record=www.example.test."]'
refused "edited vars, resealed" "$PROG (they differ in 'resources')" t5.json
tamper t6.json 1 'k = next(k for k in d["source_texts"] if k.endswith("rmw-route53.kdx")); d["source_texts"][k] += "# x\n"'
refused "edited source text, resealed" "is not the one it was made from" t6.json
tamper t7.json 1 'd["observed"]["shift"]["before"]["us-east-1"] = 99'
refused "edited observation, resealed" "the live state step 'shift' reads changed since the plan was made" t7.json
# the untouched plan applies, and changes what it planned
"$KDX" apply -auto-approve p.json >apply.out 2>&1 || fail "apply of the sealed plan: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
assert_eq "$(w)" "us-east-1=0 us-west-2=100" "after apply"
echo ok
