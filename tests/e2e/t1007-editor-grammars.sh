#!/usr/bin/env bash
# editors/: the Vim syntax file, loaded by a real Vim on a runbook, gives declarations,
# clauses, strings with interpolations, durations, percents, calls and comments their
# groups; the TextMate grammar (VS Code) is valid JSON whose every regex compiles (with
# Python's re: no TextMate engine is on this machine) and whose patterns cover every
# keyword docs/language.md lists.
source "$(dirname "$0")/lib.sh"
ed=$KDX_REPO/editors
cd "$E2E_TMP"
cat > t.kdx <<'KDX'
# a comment
step shift after scale {
  do route53.set_weights(api, { "us-east-1" = 0%, "${target}" = 100% })
  timeout 5m
}
KDX
if command -v vim >/dev/null; then
	# group name at line:col, one a line
	vim -Nu NONE -i NONE -es -c "set rtp^=$ed/vim" -c 'syntax on' -c 'filetype on' -c 'edit t.kdx' \
		-c 'let o = []' \
		-c 'for [l, c] in [[1,3],[2,1],[2,6],[2,12],[3,3],[3,6],[3,14],[3,34],[3,47],[3,54],[4,11]] | call add(o, synIDattr(synID(l, c, 1), "name")) | endfor' \
		-c 'call add(o, &filetype)' -c 'call writefile(o, "groups.txt")' -c 'qa!' </dev/null || true
	[ -f groups.txt ] || fail "vim did not run the syntax check"
	got=$(tr '\n' ' ' < groups.txt)
	assert_eq "$got" "kdxComment kdxDecl kdxName kdxClause kdxClause kdxCall kdxCall kdxString kdxPercent kdxInterp kdxDuration kdx " "vim groups"
else
	echo "vim not installed: the Vim syntax file was not loaded"
fi
python3 - "$ed/vscode/syntaxes/kdx.tmLanguage.json" "$KDX_REPO/docs/language.md" "$ed/vscode/package.json" <<'PY'
import json, re, sys
g = json.load(open(sys.argv[1]))
json.load(open(sys.argv[3]))
pats = []
def walk(o):
    if isinstance(o, dict):
        for k in ("match", "begin", "end"):
            if k in o:
                pats.append((re.compile(o[k]), o.get("name") or o.get("captures", {}).get("1", {}).get("name")))
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(g)
doc = open(sys.argv[2]).read()
kw = re.search(r"\*\*Keywords\*\*: `([^`]*)`", doc, re.S).group(1).split()
missing = [k for k in kw if not any(p.search(k) and n and ("keyword" in n or "constant" in n) for p, n in pats)]
assert not missing, "keywords the TextMate grammar does not colour: %s" % missing
line = '  do route53.set_weights(api, { "us-east-1" = 0%, x = 5m })'
scopes = {n for p, n in pats for m in [p.search(line)] if m and n}
for s in ("keyword.control.kdx", "string.quoted.double.kdx", "constant.numeric.percent.kdx",
          "constant.numeric.duration.kdx", "entity.name.namespace.kdx"):
    assert s in scopes, (s, scopes)
print("ok")
PY
[ $? -eq 0 ] || fail "the TextMate grammar"
echo ok
