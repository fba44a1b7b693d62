#!/usr/bin/env bash
# The test library's evidence of a resent call, on which t0710's flake guard stands:
# tests/moto_serial.py logs an attempt an AWS SDK sends again (amz-sdk-request attempt=2) with
# the attempts before it of the same invocation and what moto answered each -- and nothing of a
# header's or a body's content -- a request signed with another access key id than
# MOTO_SERIAL_KEY_ID (a client of another test) and an answer that could not be written back (a
# client that reset its connection); it writes an answer's headers and body at once; and it
# answers as moto does (a query, a JSON and a REST call with a body). lib.sh's moto_evidence
# prints what it logged, and on a log with nothing to report it returns instead of ending the
# test under `set -e -o pipefail` (stop 26's CI run: the old one did, and t0710's retry never
# ran).
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
# this test's clients sign with their own key id, as tests/demo.sh's do; moto takes any key
MOTO_SERIAL_KEY_ID=T0098OWNKEY MOTO_SERIAL=1 start_moto
export AWS_ACCESS_KEY_ID=T0098OWNKEY AWS_SECRET_ACCESS_KEY=t0098-secret-never-logged
cd "$E2E_TMP" || fail "cd $E2E_TMP"
out=$(python3 - <<'EOF'
import boto3, botocore.exceptions
ec2 = boto3.client("ec2", region_name="us-west-2")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
sg = ec2.create_security_group(GroupName="t0098", Description="d", VpcId=vpc)["GroupId"]
# one invocation, sent twice as an SDK does when the first answer is lost on the way back
def attempt(request, **kw):
    request.headers["amz-sdk-invocation-id"] = "t0098-invocation"
    request.headers["amz-sdk-request"] = "attempt=%d; max=3" % attempt.n
ec2.meta.events.register("before-send.ec2.AuthorizeSecurityGroupEgress", attempt)
perm = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]
attempt.n = 1
ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=perm)
attempt.n = 2
try:
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=perm)
    print("second attempt accepted")
except botocore.exceptions.ClientError as e:
    print("second attempt:", e.response["Error"]["Code"])
# moto reads the body the wrapper read first: JSON and REST calls answer as they should
ddb = boto3.client("dynamodb", region_name="eu-west-1")
ddb.create_table(TableName="t0098", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                 BillingMode="PAY_PER_REQUEST")
print("tables:", ddb.list_tables()["TableNames"])
s3 = boto3.client("s3", region_name="us-east-1")
s3.create_bucket(Bucket="t0098")
s3.put_object(Bucket="t0098", Key="k", Body=b"the body, whole")
print("object:", s3.get_object(Bucket="t0098", Key="k")["Body"].read().decode())
# a client of someone else's (another key id) that reached this server
other = boto3.client("sns", region_name="ap-south-1", aws_access_key_id="SOMEONEELSE",
                     aws_secret_access_key="x")
other.list_topics()
# a client that resets its connection before the answer: moto answers, the answer cannot go back
import socket, struct
port = int(ec2.meta.endpoint_url.rsplit(":", 1)[1])
body = b"Action=DescribeVpcs&Version=2016-11-15"
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
s.close()
EOF
) || fail "boto3 against moto_serial.py: $out"
assert_contains "$out" "second attempt: InvalidPermission.Duplicate"
assert_contains "$out" "tables: ['t0098']"
assert_contains "$out" "object: the body, whole"
# An answer's headers and body go out in one write: werkzeug's handler gets a buffered writer
# (docs/testing.md, "t0710's flake"). Seen from a client on loopback the two writes cannot be
# told apart reliably (a reader that wakes late finds both), so this checks the setting itself.
wbuf=$(cd "$KDX_REPO/tests" && python3 -B -c 'import moto_serial, werkzeug.serving as w; print(w.WSGIRequestHandler.wbufsize)')
[ "$wbuf" -ge 65536 ] || fail "moto_serial.py leaves werkzeug's writer unbuffered (wbufsize $wbuf)"

log=$E2E_TMP/moto.log
resent=$(grep '^moto_serial: resent' "$log") || fail "no resent call logged: $(tail -5 "$log")"
[ "$(wc -l <<<"$resent")" = 1 ] || fail "only the second attempt is a resend: $resent"
other=$(grep '^moto_serial: another client' "$log") || fail "no other client logged: $(tail -5 "$log")"
assert_eq "$other" "moto_serial: another client (another access key id): ListTopics sns/ap-south-1 answered 200"
! grep -q "SOMEONEELSE\|T0098OWNKEY" "$log" || fail "an access key id is in moto's log"
# (the reset may reach moto before or after it read the request: the operation is named when it
# had read it)
for _ in $(seq 100); do grep -q '^moto_serial: connection dropped' "$log" && break; sleep 0.1; done
dropped=$(grep '^moto_serial: connection dropped' "$log") || fail "no dropped answer logged: $(tail -5 "$log")"
[[ $dropped =~ ^"moto_serial: connection dropped answering "(DescribeVpcs|a request)": ConnectionResetError"$ ]] ||
	fail "dropped answer logged as: $dropped"
assert_contains "$resent" "attempt 1 AuthorizeSecurityGroupEgress ec2/us-west-2 answered 200 after"
assert_contains "$resent" "; attempt 2 AuthorizeSecurityGroupEgress ec2/us-west-2 answered 400 after"
! grep -qF "$AWS_SECRET_ACCESS_KEY" "$log" || fail "the secret key is in moto's log"
! grep -qF "10.1.0.0" "$log" || fail "a request body's content is in moto's log"

ev=$(moto_evidence "$log")
assert_contains "$ev" "answered 5xx, 0 tracebacks, 1 resent by an SDK, 1 from another client, 1 answers not written back"
assert_contains "$ev" "ListTopics sns/ap-south-1"
assert_contains "$ev" "attempt 2 AuthorizeSecurityGroupEgress ec2/us-west-2 answered 400"
printf '127.0.0.1 - - [06/Dec/2026 12:00:00] "POST / HTTP/1.1" 200 -\n' >clean.log
# called as t0710 calls it, not in a substitution: under set -e this line ends the test if a
# grep that finds nothing ends the function
moto_evidence clean.log >clean.out
assert_eq "$(cat clean.out)" "moto: 1 requests, 0 answered 5xx, 0 tracebacks, 0 resent by an SDK, 0 from another client, 0 answers not written back"
assert_contains "$(moto_evidence nowhere.log)" "(no moto log at nowhere.log)"
echo ok
