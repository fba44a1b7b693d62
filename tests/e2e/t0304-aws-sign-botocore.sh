#!/usr/bin/env bash
# kdx aws sign against botocore for real-service requests the suite does not cover: STS
# form posts with and without a session token, Route 53 paths and queries, DynamoDB JSON with
# X-Amz-Target, S3 (path neither normalised nor re-encoded, x-amz-content-sha256) and an S3
# presigned URL (UNSIGNED-PAYLOAD). botocore signs each at a fixed time; kdx must produce
# the same signature, and the token must not be printed.
source "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
cd "$E2E_TMP" || exit 1
python3 - <<'PY'
import datetime, hashlib
from unittest import mock
from botocore.auth import SigV4Auth, S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5)
cases = [
    # name, service, region, method, host, path, query, headers, body, token, mode
    ("sts", "sts", "us-east-1", "POST", "sts.us-east-1.amazonaws.com", "/", "",
     [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
     "Action=GetCallerIdentity&Version=2011-06-15", None, "header"),
    ("sts-token", "sts", "eu-west-1", "POST", "sts.eu-west-1.amazonaws.com", "/", "",
     [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
     "Action=GetCallerIdentity&Version=2011-06-15", "FwoGZXIvYXdzEJr//////////wEaDNoSecretToken+/=", "header"),
    ("route53", "route53", "us-east-1", "GET", "route53.amazonaws.com",
     "/2013-04-01/hostedzone/Z0123456789ABC/rrset", "name=api.example.com.&type=A&maxitems=10",
     [], "", None, "header"),
    ("dynamodb", "dynamodb", "us-west-2", "POST", "dynamodb.us-west-2.amazonaws.com", "/", "",
     [("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "DynamoDB_20120810.PutItem")],
     '{"TableName":"t","Item":{"k":{"S":"v w"}}}', None, "header"),
    ("s3", "s3", "eu-west-1", "PUT", "my-bucket.s3.eu-west-1.amazonaws.com",
     "/a//b/../c%20d.txt", "", [("Content-Type", "text/plain")], "hello", None, "header"),
    ("s3-presign", "s3", "us-east-1", "GET", "my-bucket.s3.amazonaws.com",
     "/reports/2026/q1.csv", "", [], "", None, "query"),
]
creds_plain = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
for (name, svc, region, method, host, path, query, headers, body, token, mode) in cases:
    creds = Credentials(creds_plain[0], creds_plain[1], token)
    url = "http://" + host + path + ("?" + query if query else "")  # http: S3 signs the body hash
    req = AWSRequest(method=method, url=url, data=body.encode(), headers=dict(headers))
    req.headers["Host"] = host
    if mode == "query":
        auth = S3SigV4QueryAuth(creds, svc, region, expires=3600)
    elif svc == "s3":
        auth = S3SigV4Auth(creds, svc, region)
    else:
        auth = SigV4Auth(creds, svc, region)
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        auth.add_auth(req)
    assert WHEN.strftime("%Y%m%dT%H%M%SZ") in str(req.headers.get("X-Amz-Date", "")) + req.url
    if mode == "query":
        sig = req.url.split("X-Amz-Signature=")[1].split("&")[0]
    else:
        sig = req.headers["Authorization"].split("Signature=")[1]
    with open(name + ".req", "w") as f:
        f.write(f"{method} {path}{'?' + query if query else ''} HTTP/1.1\n")
        f.write(f"Host:{host}\n")
        for k, v in headers:
            f.write(f"{k}:{v}\n")
        f.write("\n" + body)
    with open(name + ".args", "w") as f:
        f.write(f"{svc} {region} {mode} {token or ''}\n")
    with open(name + ".sig", "w") as f:
        f.write(sig)
PY
n=0
for sigf in *.sig; do
	name=${sigf%.sig}
	read -r svc region mode token <"$name.args"
	env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
		AWS_SESSION_TOKEN="$token" AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent \
		"$KDX" aws sign -request "$name.req" -service "$svc" -region "$region" -mode "$mode" \
		-date 2026-01-02T03:04:05Z >"$name.out" 2>"$name.err" || fail "$name: $(cat "$name.err")"
	got=$(awk '/^# signature$/ { getline; print; exit }' "$name.out")
	[ "$got" = "$(cat "$sigf")" ] || { cat "$name.out"; fail "$name: signature $got, botocore $(cat "$sigf")"; }
	if [ -n "$token" ] && grep -qF "$token" "$name.out"; then fail "$name: session token printed"; fi
	n=$((n + 1))
done
[ "$n" -eq 6 ] || fail "compared $n cases, want 6"
echo "kdx and botocore agree on $n signatures"
