#!/usr/bin/env bash
# Every .kdx in plans/, examples/ and stdlib/ validates (the failover runbook with each
# environment's var file too), is formatted (kdx fmt -check, once kdx has fmt), and every
# runbook's graph is DOT that Graphviz accepts.
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO"
command -v dot >/dev/null || skip "graphviz (dot) not installed"
mapfile -t files < <(find plans examples stdlib -name '*.kdx' -not -path 'stdlib/aws/models/*' | sort)
[ ${#files[@]} -ge 15 ] || fail "expected at least 15 .kdx files, found ${#files[@]}"
for f in "${files[@]}"; do
	"$KDX" validate "$f" || fail "$f does not validate"
done
for env in production staging development; do
	"$KDX" validate plans/failover.kdx -var-file "plans/environments/$env.kdxvars" ||
		fail "plans/failover.kdx does not validate for $env"
done
if "$KDX" help fmt >/dev/null 2>&1; then
	"$KDX" fmt -check "${files[@]}" || fail "kdx fmt -check: some files are not formatted"
else
	echo "kdx fmt not available yet: formatting not checked"
fi
for f in plans/*.kdx examples/*.kdx; do
	"$KDX" graph "$f" >"$E2E_TMP/g.dot" || fail "kdx graph $f failed"
	dot -Tsvg "$E2E_TMP/g.dot" >"$E2E_TMP/g.svg" || fail "dot rejected the graph of $f"
	grep -q '<svg' "$E2E_TMP/g.svg" || fail "no SVG for $f"
done
# the failover graph is the chain of the seed's failover process
"$KDX" graph plans/failover.kdx >"$E2E_TMP/f.dot"
for e in '"detect" -> "notify_start"' '"shift_traffic" -> "validate_target"' '"validate_target" -> "fence_writer"' '"fence_writer" -> "promote_db"'; do
	grep -qF -- "$e" "$E2E_TMP/f.dot" || fail "edge $e missing from the failover graph"
done
# data references are drawn dashed
"$KDX" graph examples/data-edges.kdx | grep -qF '"measure" -> "report" [style=dashed]' ||
	fail "the data edge of examples/data-edges.kdx is not dashed"
echo "validated ${#files[@]} files"
