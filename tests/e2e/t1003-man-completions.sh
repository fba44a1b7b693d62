#!/usr/bin/env bash
# Man pages and shell completions, both made from the command table: kdx(1) and one page
# per command render with man -l without a groff warning and list every flag of the usage
# text; every flag the usage text names is one the command's parser accepts; `make install`
# puts pages and completions in place; the bash, zsh and fish scripts parse and complete
# commands, flags, flag values, files, the runbook's steps and scenarios, and the standard
# library's module names (kdx help MODULE shows a module's types and actions).
source "$(dirname "$0")/lib.sh"
command -v man >/dev/null || skip "man not installed (man-db; make deps)"
cd "$E2E_TMP"
mkdir man
"$KDX" help -man > man/kdx.1
cmds=$("$KDX" __complete '')
for c in $cmds; do
	"$KDX" help -man "$c" > "man/kdx-$c.1" || fail "help -man $c"
	# the probe works: an unknown flag is reported as one
	out=$("$KDX" "$c" -no-such-flag=1 -h 2>&1 </dev/null) || true
	grep -q "unknown flag" <<<"$out" || [ "$c" = help ] || [ "$c" = aws ] ||
		fail "$c did not reject an unknown flag"
	for f in $("$KDX" __complete "$c" -); do
		out=$("$KDX" "$c" "$f=1" -h 2>&1 </dev/null) || true
		grep -q "unknown flag" <<<"$out" && fail "kdx $c's usage names $f, which its parser rejects"
		grep -qF -- "${f//-/\\-}" "man/kdx-$c.1" || fail "kdx-$c.1 lacks $f"
	done
done
[ "$(echo "$cmds" | wc -w)" -ge 15 ] || fail "too few commands: $cmds"
"$KDX" __complete '' | grep -q __complete && fail "a hidden command is offered"
for p in man/*.1; do
	warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$p" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "$p: groff warnings: $warn"
	txt=$(MANWIDTH=80 man -l "$p" 2>/dev/null | col -b)
	assert_contains "$txt" "NAME"
done
txt=$(MANWIDTH=80 man -l man/kdx-check.1 2>/dev/null | col -b | tr -s " ")
assert_contains "$txt" "kdx-check - Prove a runbook safe"
assert_contains "$txt" "-format F"
assert_contains "$txt" "sarif (SARIF 2.1.0 for code"
txt=$(MANWIDTH=80 man -l man/kdx.1 2>/dev/null | col -b | tr -s " ")
for c in $cmds; do assert_contains "$txt" "kdx-$c(1)"; done
assert_contains "$txt" "EXIT STATUS"
# text that looks like roff stays text
bad=$(cat man/*.1 | grep -E "^[.']" | grep -vE '^\.(TH|SH|PP|TP|B|BR|I|nf|fi)( |$)' || true)
[ -z "$bad" ] || fail "a usage line became a roff request: $bad"

# make install: binary, pages, completions (only for the default build: it must not rebuild)
if [ "$KDX" -ef "$KDX_REPO/kdx" ] && make -C "$KDX_REPO" -q kdx 2>/dev/null; then
	make -s -C "$KDX_REPO" install DESTDIR="$E2E_TMP/inst" PREFIX=/usr >/dev/null || fail "make install"
	for f in bin/kdx share/man/man1/kdx.1 share/man/man1/kdx-plan.1 \
		share/bash-completion/completions/kdx share/zsh/site-functions/_kdx \
		share/fish/vendor_completions.d/kdx.fish share/kdx/stdlib/core.kdx; do
		[ -f "$E2E_TMP/inst/usr/$f" ] || fail "make install did not install $f"
	done
	cmp -s "$E2E_TMP/inst/usr/share/man/man1/kdx-plan.1" <("$KDX" help -man plan) || fail "installed page differs"
fi

# completions, from a directory holding a runbook, with kdx on PATH
mkdir -p bin rb && ln -s "$KDX" bin/kdx && export PATH="$E2E_TMP/bin:$PATH"
cp "$KDX_REPO/templates/weighted-shift/runbook.kdx" rb/failover.kdx
cd rb
comp=$KDX_REPO/completions
bash -n "$comp/kdx.bash" || fail "kdx.bash does not parse"
bashc() { # bashc WORD... : what _kdx offers for the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kdx; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$comp/kdx.bash" "$@"
}
assert_eq "$(bash -c "source '$comp/kdx.bash'; complete -p kdx")" "complete -F _kdx kdx"
assert_eq "$(bashc kdx che)" "check"
assert_eq "$(bashc kdx check -fo)" "-format"
assert_eq "$(bashc kdx check -format s)" "sarif"
assert_eq "$(bashc kdx apply failover.kdx -approve s | sort | tr '\n' ' ')" "scale_target shift_traffic "
assert_eq "$(bashc kdx simulate failover.kdx -scenario '')" "primary region lost"
assert_eq "$(bashc kdx plan failover.kdx -var e)" "environment="
assert_eq "$(bashc kdx init -template a)" "aurora-global"
assert_eq "$(bashc kdx check fail)" "failover.kdx"
assert_eq "$(bashc kdx check -explain fen)" "fencing"
# stdlib module names, for kdx help MODULE, which shows what the module offers
assert_eq "$(bashc kdx help aws/rou)" "aws/route53"
assert_eq "$(bashc kdx help co)" "core"
out=$("$KDX" help aws/route53) || fail "kdx help aws/route53: $out"
assert_contains "$out" "Module aws/route53 ($KDX_STDLIB/aws/route53.kdx)"
assert_contains "$out" "  action set_weights(record : weighted_record, weights : map(percent))
      Set the Weight of the regions' record sets in one change batch"
assert_contains "$out" "  type weighted_record"
# a header is cut at the body's brace, not at a default value's
assert_contains "$("$KDX" help core)" "env : map(string) = {}) : any
"
out=$("$KDX" help aws/nope 2>&1) && fail "kdx help of an unknown module succeeded"
assert_contains "$out" "no help for 'aws/nope': not a command, and no module 'aws/nope' in the standard library"

if command -v zsh >/dev/null; then
	zsh -n "$comp/_kdx" || fail "_kdx does not parse"
	# compadd and _files are the completion system's output; here they print what they get
	zshc() {
		zsh -f -c 'compadd() { while [[ $1 == -* ]]; do [[ $1 == -- ]] && { shift; break }; shift; done; print -l -- "$@" }
			_files() { print -- ":files $*" }
			words=("${@:2}"); CURRENT=${#words}; source "$1"' _ "$comp/_kdx" "$@"
	}
	assert_eq "$(zshc kdx check -fo)" "-format"
	assert_contains "$(zshc kdx check -format '')" "junit"
	assert_eq "$(zshc kdx check fa)" ":files "
	assert_eq "$(zshc kdx -state-dir)" ""
	assert_eq "$(zshc kdx help aws/rou)" "aws/route53"
else
	echo "zsh not installed: _kdx not tested (make deps installs it)"
fi
if command -v fish >/dev/null; then
	fish -n "$comp/kdx.fish" || fail "kdx.fish does not parse"
	fishc() { fish -N -c "source '$comp/kdx.fish'; complete -C '$1'" | cut -f1; }
	assert_eq "$(fishc 'kdx check -fo')" "-format"
	assert_eq "$(fishc 'kdx apply failover.kdx -approve sh')" "shift_traffic"
	assert_contains "$(fishc 'kdx check fail')" "failover.kdx"
	assert_eq "$(fishc 'kdx help aws/rou')" "aws/route53"
else
	echo "fish not installed: kdx.fish not tested (make deps installs it)"
fi
echo ok
