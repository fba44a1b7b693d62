#!/usr/bin/env bash
# One front end for every command (issue #13): each broken runbook of runbooks/broken/ --
# syntax, unknown names, types, an AWS operation typo (`call aws "sns" "Publsh"`), an AWS
# parameter typo, an unsafe graph -- gets the same located diagnostics and exit 1 from every
# command that reads a runbook. Before the one front end, check, simulate and apply accepted
# the `Publsh` typo (apply failed only in the middle of the run).
source "$(dirname "$0")/lib.sh"
dir="$KDX_REPO/tests/e2e/runbooks/broken"
cd "$E2E_TMP"
# No credentials: a runbook the front end refuses must never get as far as looking for them.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# The located diagnostics of a run (file:line:col: severity: message), sorted.
located() { grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning|note):' "$1" | sort; }

run() { # label, command...: exit status must be 1; output in out/LABEL
	local label=$1 rc=0
	shift
	"$@" >"out/$label" 2>&1 </dev/null || rc=$?
	[ "$rc" = 1 ] || { cat "out/$label"; fail "$label: exit $rc, expected 1"; }
}

mkdir -p out st
n=0
for f in "$dir"/*.kdx; do
	b=$(basename "$f" .kdx)
	inc=(-I "$dir/lib")
	run "$b.check" "$KDX" check "${inc[@]}" "$f"
	want=$(located "out/$b.check")
	[ -n "$want" ] || fail "$b: kdx check gave no located diagnostic"
	cmds=(graph simulate plan show apply resume rollback)
	# validate compiles without the safety analyses (docs/cli.md): it sees all but unsafe.kdx
	[ "$b" = unsafe ] || cmds+=(validate)
	for c in "${cmds[@]}"; do
		extra=()
		case $c in
		apply) extra=(-auto-approve -state-dir st) ;;
		resume | rollback) extra=(-state-dir st) ;;
		esac
		run "$b.$c" "$KDX" "$c" "${extra[@]}" "${inc[@]}" "$f"
		got=$(located "out/$b.$c")
		[ "$got" = "$want" ] || fail "$b: kdx $c gave other diagnostics than kdx check:
--- check
$want
--- $c
$got"
		n=$((n + 1))
	done
	case $b in
	aws-op) assert_contains "$want" "unknown operation 'Publsh' for AWS service 'sns' (did you mean 'Publish'?)" ;;
	aws-param) assert_contains "$want" "sns Publish has no input member 'Mesage'" ;;
	esac
done
# fmt reads syntax only: the syntax error is its error too
run syntax.fmt "$KDX" fmt -check "$dir/syntax.kdx"
assert_eq "$(located out/syntax.fmt)" "$(located out/syntax.check)" "fmt and check on a syntax error"
# nothing was written anywhere: no journal, no lock
[ -z "$(ls -A st)" ] || fail "a refused runbook left state behind: $(ls -A st)"
# ... and a sound runbook: show reads the plan IR the front end built, -json writes it
"$KDX" show -json "$KDX_REPO/examples/weighted-shift.kdx" >ir.json
python3 - ir.json <<'PY'
import json, sys
ir = json.load(open(sys.argv[1]))
assert ir["kdx_plan_ir"] == 4 and ir["name"] == "weighted-shift", ir.get("name")
assert [s["name"] for s in ir["steps"]] == ["drain_east"]
assert ir["steps"][0]["effects"][0]["kind"] == "set_weights"
PY
echo "ok: $n command runs on $(ls "$dir"/*.kdx | wc -l) broken runbooks, same diagnostics"
