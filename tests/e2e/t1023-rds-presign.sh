#!/usr/bin/env bash
# SourceRegion -> PreSignedUrl (executor/aws/xregion.h) for the RDS family's cross-Region
# copies, against botocore's own handler (inject_presigned_url_rds and its presigner): kdx
# sends each request to a local stand-in that keeps the form bodies; botocore builds the same
# call at the X-Amz-Date kdx's URL carries, with the same credentials (and session token);
# the two bodies must be equal field for field, the presigned URL's query parameter for
# parameter -- its signature included. Also: the dry run's regional URL (rds.us-east-1 for a
# copy from us-west-2 into us-east-1) matches botocore's but for the hidden signature and token, which never
# show; a PreSignedUrl given is kept; without SourceRegion nothing is added; an empty
# SourceRegion is refused. moto runs the call itself in t0651 (it ignores the URL).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
cd "$E2E_TMP" || exit 1
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_SESSION_TOKEN='FwoGZXIvYXdzEJr//////////wEaDNoSecretToken+/='
export AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/none" AWS_CONFIG_FILE="$E2E_TMP/none"
unset AWS_PROFILE AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION

# the stand-in: keeps each POST body (one a line) and answers an empty result of its Action
cat >standin.py <<'PY'
import http.server, sys, urllib.parse
port, log, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with open(log, "a") as f:
            f.write(body + "\n")
        op = urllib.parse.parse_qs(body)["Action"][0]
        out = (f'<{op}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><{op}Result/>'
               f'<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></{op}Response>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", port), H)
open(ready, "w").close()
s.serve_forever()
PY
PORT=$(free_port)
python3 standin.py "$PORT" bodies.log ready >standin.out 2>&1 &
track_pid $!
for _ in $(seq 1 100); do [ -f ready ] && break; sleep 0.1; done
[ -f ready ] || fail "the stand-in did not start: $(cat standin.out)"
URL="http://127.0.0.1:$PORT"

# service operation input (JSON): the cross-Region copies botocore presigns
cat >cases.txt <<'EOF'
rds CreateDBInstanceReadReplica {"DBInstanceIdentifier":"reports-east","SourceDBInstanceIdentifier":"arn:aws:rds:us-west-2:123456789012:db:reports","KmsKeyId":"alias/kaldrix","SourceRegion":"us-west-2","Tags":[{"Key":"team","Value":"data platform"}]}
rds CreateDBCluster {"DBClusterIdentifier":"db-east","Engine":"aurora-postgresql","ReplicationSourceIdentifier":"arn:aws:rds:us-west-2:123456789012:cluster:db-west","KmsKeyId":"alias/kaldrix","SourceRegion":"us-west-2"}
rds CopyDBSnapshot {"SourceDBSnapshotIdentifier":"arn:aws:rds:eu-west-1:123456789012:snapshot:s1","TargetDBSnapshotIdentifier":"s1-copy","KmsKeyId":"alias/kaldrix","SourceRegion":"eu-west-1"}
rds CopyDBClusterSnapshot {"SourceDBClusterSnapshotIdentifier":"arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:c1","TargetDBClusterSnapshotIdentifier":"c1-copy","KmsKeyId":"alias/kaldrix","SourceRegion":"eu-west-1"}
docdb CreateDBCluster {"DBClusterIdentifier":"docs-east","Engine":"docdb","KmsKeyId":"alias/kaldrix","SourceRegion":"us-west-2"}
neptune CopyDBClusterSnapshot {"SourceDBClusterSnapshotIdentifier":"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:g1","TargetDBClusterSnapshotIdentifier":"g1-copy","KmsKeyId":"alias/kaldrix","SourceRegion":"us-west-2"}
EOF

cat >cmp.py <<'PY'
"""cmp.py MODE SERVICE OP INPUT KDX_BODY_FILE [ENDPOINT]: build the call with botocore at
the X-Amz-Date of kdx's PreSignedUrl and compare. MODE sent: every field equal; MODE dry:
the same but for the URL's X-Amz-Signature and X-Amz-Security-Token, which kdx hides."""
import datetime, json, sys
from unittest import mock
from urllib.parse import parse_qsl, urlsplit
import botocore, botocore.session

mode, service, op, inp, kfile = sys.argv[1:6]
endpoint = sys.argv[6] if len(sys.argv) > 6 else None
kdx = dict(parse_qsl(open(kfile).read().strip(), keep_blank_values=True))
assert "SourceRegion" not in kdx, "kdx sent SourceRegion"
ku = urlsplit(kdx["PreSignedUrl"])
kq = dict(parse_qsl(ku.query, keep_blank_values=True))
when = datetime.datetime.strptime(kq["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
c = botocore.session.get_session().create_client(
    service, region_name="us-east-1", endpoint_url=endpoint,
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    aws_session_token="FwoGZXIvYXdzEJr//////////wEaDNoSecretToken+/=")
got = {}
class Stop(Exception):
    pass
def grab(request, **kw):
    got["body"] = request.body
    raise Stop()
c.meta.events.register("before-send", grab)
with mock.patch("botocore.auth.get_current_datetime", return_value=when):
    try:
        getattr(c, botocore.xform_name(op))(**json.loads(inp))
    except Stop:
        pass
b = got["body"]
boto = dict(parse_qsl(b.decode() if isinstance(b, bytes) else b, keep_blank_values=True))
bu = urlsplit(boto.pop("PreSignedUrl"))
bq = dict(parse_qsl(bu.query, keep_blank_values=True))
kdx.pop("PreSignedUrl")
assert kdx == boto, f"bodies differ:\n kdx     {kdx}\n botocore {boto}"
assert (ku.scheme, ku.netloc, ku.path) == (bu.scheme, bu.netloc, bu.path), f"URLs differ: {ku} {bu}"
if mode == "dry":
    for k in ("X-Amz-Signature", "X-Amz-Security-Token"):
        assert kq[k] == "<redacted>", f"{k} shows in the dry run"
        bq.pop(k), kq.pop(k)
assert kq == bq, f"presigned queries differ:\n kdx     {kq}\n botocore {bq}"
print(ku.netloc)
PY

n=0
while read -r svc op input; do
	n=$((n + 1))
	# sent: kdx's request as the stand-in received it (the Region in -region is the
	# destination; the endpoint override serves both Regions, as for botocore)
	: >bodies.log
	"$KDX" aws call "$svc" "$op" -region us-east-1 -endpoint-url "$URL" -input "$input" >call$n.out 2>&1 ||
		fail "$svc $op: $(cat call$n.out)"
	[ "$(wc -l <bodies.log)" = 1 ] || fail "$svc $op: $(wc -l <bodies.log) requests reached the stand-in"
	python3 cmp.py sent "$svc" "$op" "$input" bodies.log "$URL" >cmp$n.out 2>&1 ||
		fail "$svc $op sent: $(cat cmp$n.out)"
	# dry run with the real endpoints: the URL goes to the source Region's endpoint
	"$KDX" aws call "$svc" "$op" -dry-run -region us-east-1 -input "$input" >dry$n.out 2>&1 ||
		fail "$svc $op -dry-run: $(cat dry$n.out)"
	tail -1 dry$n.out >dry$n.body
	src=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["SourceRegion"])' "$input")
	python3 cmp.py dry "$svc" "$op" "$input" dry$n.body >cmpd$n.out 2>&1 || fail "$svc $op dry: $(cat cmpd$n.out)"
	assert_eq "$(cat cmpd$n.out)" "rds.$src.amazonaws.com" "$svc $op: the presigned URL's host"
	# neither the token nor a signature ever shows
	grep -qF 'SecretToken' call$n.out dry$n.out && fail "$svc $op: the session token was printed"
	grep -qE 'Signature(%3D|=)[0-9a-f]{64}' call$n.out dry$n.out && fail "$svc $op: a signature was printed"
done <cases.txt
assert_eq "$n" 6 "cases run"

# a PreSignedUrl given is sent as given; SourceRegion still leaves the body
: >bodies.log
"$KDX" aws call rds CopyDBSnapshot -region us-east-1 -endpoint-url "$URL" \
	-input '{"SourceDBSnapshotIdentifier":"arn:aws:rds:eu-west-1:123456789012:snapshot:s1","TargetDBSnapshotIdentifier":"s2","SourceRegion":"eu-west-1","PreSignedUrl":"https://example.test/given"}' >given.out 2>&1 ||
	fail "given URL: $(cat given.out)"
assert_eq "$(python3 -c 'import sys; from urllib.parse import parse_qs; q = parse_qs(open("bodies.log").read().strip()); print(q["PreSignedUrl"], "SourceRegion" in q)')" \
	"['https://example.test/given'] False" "a given PreSignedUrl"
# no SourceRegion (a copy within one Region): nothing is added
: >bodies.log
"$KDX" aws call rds CopyDBSnapshot -region us-east-1 -endpoint-url "$URL" \
	SourceDBSnapshotIdentifier=s1 TargetDBSnapshotIdentifier=s3 >local.out 2>&1 || fail "local copy: $(cat local.out)"
grep -q 'PreSignedUrl' bodies.log && fail "a PreSignedUrl without SourceRegion: $(cat bodies.log)"
# an empty SourceRegion is an error that says what to do, and nothing is sent
: >bodies.log
"$KDX" aws call rds CopyDBSnapshot -region us-east-1 -endpoint-url "$URL" \
	SourceDBSnapshotIdentifier=s1 TargetDBSnapshotIdentifier=s4 SourceRegion= >empty.out 2>&1 &&
	fail "an empty SourceRegion was accepted: $(cat empty.out)"
assert_contains "$(cat empty.out)" "SourceRegion is empty"
[ -s bodies.log ] && fail "a request with an empty SourceRegion was sent"
echo ok
