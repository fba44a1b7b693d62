#!/usr/bin/env bash
# kdx fmt on real files: rewrites in place keeping the file mode, lists what it changed,
# -check exits 3 and changes nothing, directories and -recursive, stdin, refusal on errors.
source "$(dirname "$0")/lib.sh"
cd "$E2E_TMP" || exit 1
mkdir -p plans/sub
printf 'step a{do x()}\n' > plans/a.kdx
printf 'output o = 1\n' > plans/ok.kdx
printf 'region "r"{weight=1%%}\n' > plans/sub/b.kdx
printf 'step a { do x( }\n' > bad.kdx
chmod 640 plans/a.kdx

# -check: exit 3, names the file, touches nothing
before=$(cat plans/a.kdx)
out=$("$KDX" fmt -check plans) && fail "fmt -check should fail on an unformatted file"
rc=$?; assert_eq "$rc" 3 "fmt -check exit code"
assert_eq "$out" "plans/a.kdx"
assert_eq "$(cat plans/a.kdx)" "$before" "fmt -check must not write"

# a directory without -recursive leaves subdirectories alone
out=$("$KDX" fmt plans) || fail "fmt plans failed"
assert_eq "$out" "plans/a.kdx"
assert_eq "$(cat plans/a.kdx)" 'step a { do x() }'
assert_eq "$(stat -c %a plans/a.kdx)" 640 "file mode kept"
assert_eq "$(cat plans/sub/b.kdx)" 'region "r"{weight=1%}'

ln -s .. plans/sub/loop   # a symlink back up the tree must not make -recursive loop
out=$("$KDX" fmt -recursive plans) || fail "fmt -recursive failed"
assert_eq "$out" "plans/sub/b.kdx"
assert_eq "$(cat plans/sub/b.kdx)" 'region "r" { weight = 1% }'
"$KDX" fmt -check -recursive plans || fail "everything is formatted now"
for t in plans/.kdx-fmt-* plans/sub/.kdx-fmt-*; do
	[ -e "$t" ] && fail "temporary file left behind: $t"
done

# no arguments: the .kdx files of the current directory
(cd plans/sub && printf 'output  x=2\n' > c.kdx && "$KDX" fmt >/dev/null) || fail "fmt in cwd"
assert_eq "$(cat plans/sub/c.kdx)" 'output x = 2'

# stdin to stdout
assert_eq "$(printf 'output  y=[1,2]' | "$KDX" fmt -)" 'output y = [1, 2]'

# a file with syntax errors is reported and left alone
err=$("$KDX" fmt bad.kdx 2>&1) && fail "fmt must refuse a file with syntax errors"
assert_contains "$err" "bad.kdx:1:16: error: ')' expected (to close '(' at line 1)"
assert_contains "$err" "it was not formatted"
assert_eq "$(cat bad.kdx)" 'step a { do x( }'

# -diff shows a unified diff
printf 'output  z=3\n' > d.kdx
out=$("$KDX" fmt -check -diff d.kdx) && fail "expected exit 3"
assert_contains "$out" "-output  z=3"
assert_contains "$out" "+output z = 3"
echo "ok"
