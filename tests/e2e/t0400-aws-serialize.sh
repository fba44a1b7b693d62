#!/usr/bin/env bash
# kdx aws call -dry-run serialises each case of tests/aws/serialize_cases.txt (every
# protocol: query, ec2, rest-xml, json, rest-json) exactly as botocore does; see
# tests/aws/botocore_serialize.py for what is normalised (signing headers, UUID values).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_SESSION_TOKEN=session-token-not-to-print
export AWS_REGION=us-east-1 AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_ENDPOINT_URL AWS_PROFILE
cases="$KDX_REPO/tests/aws/serialize_cases.txt"
n=0 bad=0
while read -r svc op input; do
	case "$svc" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	out="$E2E_TMP/$svc-$op.req"
	if ! "$KDX" aws call "$svc" "$op" -input "$input" -dry-run -region us-east-1 \
		-endpoint-url https://example.invalid >"$out" 2>"$out.err"; then
		echo "kdx failed on $svc $op: $(cat "$out.err")"
		bad=$((bad + 1))
		continue
	fi
	grep -q 'wJalrXUtnFEMI\|session-token-not-to-print' "$out" && fail "secret in dry-run output of $svc $op"
	grep -q '^Authorization: <redacted>$' "$out" || fail "no redacted Authorization in $svc $op"
	if ! python3 "$KDX_REPO/tests/aws/botocore_serialize.py" --compare "$out" \
		--endpoint-url https://example.invalid "$svc" "$op" "$input"; then
		echo "differs from botocore: $svc $op"
		bad=$((bad + 1))
	fi
done <"$cases"
[ "$n" -ge 20 ] || fail "only $n cases ran"
[ "$bad" -eq 0 ] || fail "$bad of $n cases differ from botocore"
echo "$n cases match botocore"
