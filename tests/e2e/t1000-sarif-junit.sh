#!/usr/bin/env bash
# SARIF 2.1.0 from validate and check, JUnit XML from check and simulate (-all-scenarios,
# -explore), each validated against the published schema shipped in tests/testdata/schemas
# (python3 jsonschema for SARIF, xmllint for the Ant/Jenkins JUnit XSD); rule ids,
# locations and failures are checked where they matter.
source "$(dirname "$0")/lib.sh"
schemas=$KDX_REPO/tests/testdata/schemas
command -v xmllint >/dev/null || skip "xmllint not installed (libxml2-utils; make deps)"
py=python3
$py -c 'import jsonschema' 2>/dev/null || py=/usr/bin/python3
$py -c 'import jsonschema' 2>/dev/null || skip "python3 jsonschema not installed (make deps)"
sarif_ok() { $py "$KDX_REPO/tests/e2e/validate_schema.py" "$schemas/sarif-schema-2.1.0.json" "$1" ||
	fail "$1 is not valid SARIF 2.1.0"; }
junit_ok() { xmllint --noout --schema "$schemas/junit.xsd" "$1" 2>"$E2E_TMP/xmllint.err" ||
	fail "$1 is not valid JUnit: $(cat "$E2E_TMP/xmllint.err")"; }
cd "$E2E_TMP"

# the validators are not vacuous: a log without a driver and a suite without counts fail
echo '{"version":"2.1.0","runs":[{"tool":{}}]}' > bad.sarif
$py "$KDX_REPO/tests/e2e/validate_schema.py" "$schemas/sarif-schema-2.1.0.json" bad.sarif 2>/dev/null &&
	fail "the SARIF schema accepted a log without tool.driver"
echo '<testsuites><testsuite name="x"/></testsuites>' > bad.xml
xmllint --noout --schema "$schemas/junit.xsd" bad.xml 2>/dev/null && fail "the XSD accepted a bad suite"

# check -format sarif on an unsafe runbook: one result per diagnostic, rule = the analysis
unsafe=$KDX_REPO/tests/golden/safety/capacity-lowered.kdx
cp "$unsafe" unsafe.kdx
"$KDX" check -format sarif unsafe.kdx > check.sarif && fail "check of an unsafe runbook exited 0"
sarif_ok check.sarif
$py - check.sarif <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
assert log["version"] == "2.1.0"
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
res = run["results"]
assert res, "no results"
r = res[0]
assert r["ruleId"] == "capacity" and rules[r["ruleIndex"]] == "capacity", r
assert r["level"] == "error"
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "unsafe.kdx", loc
assert loc["region"]["startLine"] == 47 and loc["region"]["startColumn"] == 6, loc
assert "lowers the capacity" in r["message"]["text"]
assert "hint:" in r["message"]["text"]
PY
[ $? -eq 0 ] || fail "check SARIF content"

# validate -format sarif: a syntax error and a type error in two files, and a clean file
printf 'step a { do x( }\n' > syntax.kdx
printf 'param n : number = "x"\n' > type.kdx
"$KDX" validate -format sarif syntax.kdx type.kdx > validate.sarif && fail "validate of bad files exited 0"
sarif_ok validate.sarif
ids=$($py -c 'import json,sys; print(" ".join(sorted({r["ruleId"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]})))' validate.sarif)
assert_contains "$ids" "syntax"
assert_contains "$ids" "type"
"$KDX" validate -format sarif "$KDX_REPO/examples/weighted-shift.kdx" > clean.sarif || fail "validate clean"
sarif_ok clean.sarif
n=$($py -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' clean.sarif)
assert_eq "$n" 0 "a clean file has no results"

# check -format junit: eight analyses, the failing one carries the diagnostic
"$KDX" check -format junit unsafe.kdx > check.xml && fail "junit check of an unsafe runbook exited 0"
junit_ok check.xml
assert_eq "$(xmllint --xpath 'count(//testcase)' check.xml)" 8 "one case per analysis"
assert_eq "$(xmllint --xpath 'string(//testcase[failure]/@name)' check.xml)" capacity
assert_contains "$(xmllint --xpath 'string(//failure)' check.xml)" "unsafe.kdx:47:6"
"$KDX" check -format junit syntax.kdx > syntax.xml && fail "junit check of a broken file exited 0"
junit_ok syntax.xml
assert_eq "$(xmllint --xpath 'count(//testcase[skipped])' syntax.xml)" 8 "analyses skipped"
assert_eq "$(xmllint --xpath 'string(//testcase[failure]/@name)' syntax.xml)" compile

# simulate -all-scenarios / -explore -format junit
ex=$KDX_REPO/examples/scenario.kdx
"$KDX" simulate -format junit -all-scenarios "$ex" > sim.xml || fail "simulate -all-scenarios"
junit_ok sim.xml
suites=$(xmllint --xpath 'count(//testsuite)' sim.xml)
nsc=$(grep -c '^scenario ' "$ex")
assert_eq "$suites" $((nsc + 1)) "a suite per scenario and the fault-free run"
assert_contains "$(xmllint --xpath 'string(//testsuite[@name="primary region lost"]/properties/property[@name="rpo_achieved"]/@value)' sim.xml)" "20s"
# a failing expectation becomes a failure (and exit 1)
sed 's/expect rto <= 15m/expect rto <= 1s/' "$ex" > tight.kdx
"$KDX" simulate -format junit -all-scenarios tight.kdx > tight.xml && fail "a failed expectation exited 0"
junit_ok tight.xml
assert_eq "$(xmllint --xpath 'string(//testcase[failure]/@name)' tight.xml)" "expect rto <= 1s"
"$KDX" simulate -format junit -explore "$ex" > explore.xml || fail "simulate -explore"
junit_ok explore.xml
steps=$("$KDX" simulate -explore "$ex" | grep -cE ' (fail|timeout) ')
assert_eq "$(xmllint --xpath 'count(//testcase)' explore.xml)" "$steps" "a case per step and fault"

# bad -format values are usage errors
out=$("$KDX" check -format md unsafe.kdx 2>&1) && fail "-format md accepted by check"
assert_contains "$out" "choose one of: text, json, sarif, junit"
out=$("$KDX" simulate -json -format junit "$ex" 2>&1) && fail "-json with -format junit accepted"
assert_contains "$out" "exclude each other"
echo ok
