#!/usr/bin/env bash
# kdx init: every template scaffolds a runbook and a var file that pass validate, check,
# simulate -all-scenarios and -explore as generated (with and without the var file) and are
# formatted; init never overwrites, names the templates on a bad name, and the packed
# templates are byte for byte the files under templates/.
source "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
templates=$(cd "$KDX_REPO/templates" && ls -d */ | tr -d /)
[ "$(echo "$templates" | wc -w)" -ge 4 ] || fail "templates: $templates"
for t in $templates; do
	out=$("$KDX" init -template "$t" "new/$t") || fail "init -template $t: $out"
	assert_contains "$out" "created new/$t/runbook.kdx"
	for f in runbook.kdx staging.kdxvars; do
		cmp -s "new/$t/$f" "$KDX_REPO/templates/$t/$f" || fail "$t/$f differs from templates/"
	done
	grep -qE '^param ' "new/$t/runbook.kdx" || fail "$t has no param"
	grep -qE '^scenario ' "new/$t/runbook.kdx" || fail "$t has no scenario"
	grep -qE '^resource ' "new/$t/runbook.kdx" || fail "$t has no resource"
	"$KDX" fmt -check "new/$t/runbook.kdx" >/dev/null || fail "$t is not formatted"
	for vf in "" "-var-file new/$t/staging.kdxvars"; do
		# shellcheck disable=SC2086
		"$KDX" validate $vf "new/$t/runbook.kdx" || fail "validate $t $vf"
		# shellcheck disable=SC2086
		out=$("$KDX" check $vf "new/$t/runbook.kdx" 2>&1) || fail "check $t $vf: $out"
		assert_contains "$out" "is safe"
		# shellcheck disable=SC2086
		out=$("$KDX" simulate -all-scenarios $vf "new/$t/runbook.kdx" 2>&1) ||
			fail "simulate $t $vf: $out"
		grep -q "FAILED" <<<"$out" && fail "an expectation failed in $t: $out"
		[ "$(grep -c '^expect .*passed' <<<"$out")" -ge 1 ] || fail "$t: no expectation ran"
	done
	out=$("$KDX" simulate -explore "new/$t/runbook.kdx") || fail "explore $t: $out"
	assert_contains "$out" ", 0 unsafe"
done
# the default is weighted-shift
"$KDX" init dflt >/dev/null || fail "init without -template"
cmp -s dflt/runbook.kdx "$KDX_REPO/templates/weighted-shift/runbook.kdx" || fail "default template"

# never overwrites: a refused init changes nothing and writes no file
echo "# mine" > dflt/staging.kdxvars.keep
before=$(cat dflt/runbook.kdx)
echo "# edited" >> dflt/runbook.kdx
out=$("$KDX" init dflt 2>&1) && fail "init over an existing runbook succeeded"
assert_contains "$out" "'dflt/runbook.kdx' already exists; kdx init never overwrites"
assert_eq "$(cat dflt/runbook.kdx)" "$before
# edited" "init overwrote a file"
# a refusal on the second file leaves the first unwritten too
mkdir half && echo "x = 1" > half/staging.kdxvars
"$KDX" init half >/dev/null 2>&1 && fail "init over an existing var file succeeded"
[ -e half/runbook.kdx ] && fail "a refused init wrote runbook.kdx"
# bad names and usage
out=$("$KDX" init -template nope x 2>&1) && fail "unknown template accepted"
assert_contains "$out" "no template 'nope'; the templates are: aurora-global, cache-global, game-day, weighted-shift"
[ -e x ] && fail "a refused init created its directory"
out=$("$KDX" init 2>&1) && fail "init without DIR accepted"
assert_contains "$out" "'init' needs exactly one DIR"
: > file && out=$("$KDX" init file/sub 2>&1) && fail "init under a file succeeded"
assert_contains "$out" "cannot create directory 'file/sub'"
echo ok
