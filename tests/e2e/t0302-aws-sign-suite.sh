#!/usr/bin/env bash
# kdx aws sign against the official SigV4 suite: for every aws-c-auth case, in header and
# query mode, the printed canonical request, string to sign and signature equal the
# expected files byte for byte (the session-token cases print the token redacted, so for
# them only the string to sign and the signature are compared, and the token must not
# appear anywhere in the output).
source "$(dirname "$0")/lib.sh"
suite="$KDX_REPO/tests/testdata/sigv4/aws-c-auth-v4"
[ -d "$suite" ] || fail "no suite at $suite"

# section NAME FILE: the text between "# NAME" and the next "# " header, without the
# newline the printer adds after it.
section() {
	awk -v want="# $1" '
		/^# (canonical request|string to sign|signature|signed request)$/ { on = ($0 == want); next }
		on { print }' "$2" | head -c -1
}

n=0
for dir in "$suite"/*/; do
	case_=$(basename "$dir")
	for mode in header query; do
		out="$E2E_TMP/$case_-$mode.out"
		"$KDX" aws sign -request "$dir/request.txt" -context "$dir/context.json" -mode "$mode" >"$out" \
			|| fail "$case_ ($mode): kdx aws sign failed"
		token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentials"].get("token",""))' "$dir/context.json")
		parts="string-to-sign signature"
		if [ -n "$token" ]; then
			grep -qF -- "$token" "$out" && fail "$case_ ($mode): session token printed"
			grep -qF -- "<redacted>" "$out" || fail "$case_ ($mode): no <redacted> marker"
		else
			parts="canonical-request $parts"
		fi
		for part in $parts; do
			cmp -s <(section "${part//-/ }" "$out") "$dir/$mode-$part.txt" ||
				fail "$case_ ($mode): $part differs: $(diff <(section "${part//-/ }" "$out") "$dir/$mode-$part.txt" | head -10)"
		done
		grep -qF "wJalrXUtnFEMI" "$out" && fail "$case_ ($mode): secret key printed"
		n=$((n + 1))
	done
done
[ "$n" -eq 60 ] || fail "checked $n case/mode pairs, want 60"

# Without a context: credentials from the environment, region/service/date from flags.
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
	AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent \
	"$KDX" aws sign -request "$suite/get-vanilla/request.txt" -region us-east-1 -service service \
	-date 20150830T123600Z >"$E2E_TMP/flags.out"
cmp -s <(section signature "$E2E_TMP/flags.out") "$suite/get-vanilla/header-signature.txt" ||
	fail "flags-only signing differs"

# Bad usage is exit 1 with a message.
if "$KDX" aws sign -mode sideways -request x 2>"$E2E_TMP/err"; then fail "bad -mode accepted"; fi
assert_contains "$(cat "$E2E_TMP/err")" "-mode is 'header' or 'query', not 'sideways'"
if "$KDX" aws sign -bogus 2>"$E2E_TMP/err"; then fail "unknown flag accepted"; fi
assert_contains "$(cat "$E2E_TMP/err")" "unknown flag '-bogus'"
echo "checked $n case/mode pairs"
