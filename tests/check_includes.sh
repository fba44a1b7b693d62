#!/usr/bin/env bash
# The include rule of docs/architecture.md ("What executor/ and sim/ include"): no file of
# executor/ or sim/ includes, directly or through other headers, the AST or the compile-time
# front end -- grammar/ast.h, compiler/resolve.h, compile.h, eval.h, lower.h. A run reads the
# plan IR (compiler/plan.h), values and the run-time evaluator (compiler/eval_expr.h) only.
# Each file is preprocessed with -H (the headers it opens, nested by depth), so a violation
# is named with the chain that brings the header in.
# Usage: tests/check_includes.sh [REPO]   (CC, CPPFLAGS from the environment if set)
# Prints one line per violation and exits 1 when there is any; 0 and a count otherwise.
set -uo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$repo" || exit 2
cc=${CC:-cc}
# shellcheck disable=SC2206 # word splitting of the flags is intended
flags=(-std=c11 -D_GNU_SOURCE -I. -Ibuild $(pkg-config --cflags json-c openssl expat libcurl 2>/dev/null) ${CPPFLAGS:-})
forbidden='(^|/)(grammar/ast\.h|compiler/(resolve|compile|eval|lower)\.h)$'

bad=0 n=0
while IFS= read -r f; do
	n=$((n + 1))
	if ! out=$("$cc" "${flags[@]}" -H -fsyntax-only -x c "$f" 2>&1 >/dev/null); then
		printf '%s: does not compile on its own:\n%s\n' "$f" "$out" >&2
		bad=$((bad + 1))
		continue
	fi
	# "-H" lines are ". path", ".. path", ...: keep the chain of open headers by depth and
	# print it at the first forbidden one (each forbidden header once per file)
	v=$(printf '%s\n' "$out" | awk -v file="$f" -v re="$forbidden" '
		function norm(p,   n, i, k, parts, out) {
			n = split(p, parts, "/"); k = 0
			for (i = 1; i <= n; i++) {
				if (parts[i] == "." || parts[i] == "") continue
				if (parts[i] == ".." && k > 0 && stack_[k] != "..") { k--; continue }
				stack_[++k] = parts[i]
			}
			out = ""
			for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") stack_[i]
			return out
		}
		/^\.+ / {
			d = index($0, " ") - 1
			p = norm(substr($0, d + 2))
			chain[d] = p
			if (p ~ re && !(p in seen)) {
				seen[p] = 1
				s = file
				for (i = 1; i <= d; i++) s = s " -> " chain[i]
				print s
			}
		}')
	if [ -n "$v" ]; then
		printf '%s\n' "$v"
		bad=$((bad + 1))
	fi
done < <(find executor sim -name '*.[ch]' | sort)
if [ "$bad" -gt 0 ]; then
	echo "$bad of $n files of executor/ and sim/ include the AST or the compile-time front end" \
		"(docs/architecture.md: they include compiler/plan.h and compiler/eval_expr.h only)" >&2
	exit 1
fi
echo "$n files of executor/ and sim/: none includes grammar/ast.h, compiler/resolve.h, compile.h, eval.h or lower.h"
