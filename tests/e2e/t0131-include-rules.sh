#!/usr/bin/env bash
# executor/ and sim/ read plan data and values, never the AST or the compile-time front end
# (issue #13): no file of theirs includes, through any chain of headers, grammar/ast.h,
# compiler/resolve.h, compile.h, eval.h or lower.h (tests/check_includes.sh preprocesses each
# with -H and names the chain). Before the evaluator's header was split (compiler/eval.h
# into eval_expr.h, the run-time half, and eval.h), executor/interp.h included eval.h and so
# the AST: 10 files failed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
command -v "${CC:-cc}" >/dev/null || skip "no C compiler"
out=$("$KDX_REPO/tests/check_includes.sh" "$KDX_REPO" 2>&1) || fail "include rule broken:
$out"
echo "ok: $out"
