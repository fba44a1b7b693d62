#!/usr/bin/env bash
# docs/stdlib.md is generated from the stdlib sources (stdlib/gendoc.py): regenerate it and
# fail when the committed file differs, so the reference cannot drift from the code.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 "$KDX_REPO/stdlib/gendoc.py" "$KDX_REPO" >"$E2E_TMP/stdlib.md" || fail "gendoc.py failed"
if ! diff -u "$KDX_REPO/docs/stdlib.md" "$E2E_TMP/stdlib.md" >"$E2E_TMP/diff"; then
	head -40 "$E2E_TMP/diff"
	fail "docs/stdlib.md is out of date: run 'python3 stdlib/gendoc.py > docs/stdlib.md'"
fi
# every action of every module is documented, with its description
for f in "$KDX_REPO"/stdlib/core.kdx "$KDX_REPO"/stdlib/aws/*.kdx; do
	m=$(basename "$f" .kdx)
	for a in $(sed -n 's/^action \([a-z_0-9]*\)(.*/\1/p' "$f"); do
		grep -q "^### action \`$m.$a\`" "$E2E_TMP/stdlib.md" || fail "action $m.$a missing from docs/stdlib.md"
	done
done
# the check can fail: an edited copy is detected
mkdir -p "$E2E_TMP/copy" && cp -r "$KDX_REPO/stdlib" "$E2E_TMP/copy/"
sed -i 's/Publish a message to the topic/Publish a note to the topic/' "$E2E_TMP/copy/stdlib/aws/sns.kdx"
python3 "$KDX_REPO/stdlib/gendoc.py" "$E2E_TMP/copy" >"$E2E_TMP/edited.md" || fail "gendoc.py on the copy"
cmp -s "$E2E_TMP/edited.md" "$KDX_REPO/docs/stdlib.md" &&
	fail "an edited description did not change the generated doc"
echo ok
