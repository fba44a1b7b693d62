#!/usr/bin/env bash
# kdx aws call against moto_server with signature checking on (INITIAL_NO_AUTH_ACTION_COUNT):
# one operation or more of every protocol family, each result verified with boto3; a wrong
# secret is rejected with a clear error; AWS errors are printed as CODE: message (request id).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"

# The first 3 requests (IAM user, key, policy, made with boto3) are not authenticated;
# every request after them must carry a valid SigV4 signature of that user.
start_moto 3
py() { python3 -c "import boto3,json,os,sys
def c(svc): return boto3.client(svc, endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1')
$1"; }
read -r AKID SECRET < <(py '
iam = c("iam")
iam.create_user(UserName="kdx-e2e")
k = iam.create_access_key(UserName="kdx-e2e")["AccessKey"]
iam.put_user_policy(UserName="kdx-e2e", PolicyName="admin", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(k["AccessKeyId"], k["SecretAccessKey"])')
export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET

# The auth window is closed now: the emulator's default key must be refused.
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing py 'c("sts").get_caller_identity()' \
	2>/dev/null && fail "moto accepted an unknown key: auth is not on"

call() { "$KDX" aws call "$@" -region us-east-1; }

# query: STS
out=$(call sts GetCallerIdentity)
assert_contains "$out" '"Arn": "arn:aws:iam::123456789012:user/kdx-e2e"'

# rest-xml: Route 53 (POSTs; see below for GETs)
out=$(call route53 CreateHostedZone Name=kdx.example.com. CallerReference=kdx-e2e-1)
zone=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["HostedZone"]["Id"])' <<<"$out")
[[ $zone == /hostedzone/* ]] || fail "CreateHostedZone returned no zone id: $out"
batch='{"Changes":[
 {"Action":"UPSERT","ResourceRecordSet":{"Name":"api.kdx.example.com.","Type":"A","SetIdentifier":"us-east-1","Weight":70,"TTL":60,"ResourceRecords":[{"Value":"10.0.0.1"}]}},
 {"Action":"UPSERT","ResourceRecordSet":{"Name":"api.kdx.example.com.","Type":"A","SetIdentifier":"us-west-2","Weight":30,"TTL":60,"ResourceRecords":[{"Value":"10.1.0.1"}]}}]}'
out=$(call route53 ChangeResourceRecordSets -input "{\"HostedZoneId\":\"$zone\",\"ChangeBatch\":$batch}")
assert_contains "$out" '"Status": "INSYNC"'
# moto 5.2.1 with auth on rejects correctly signed Route 53 GETs (it re-signs bodiless
# requests with the wrong payload; botocore's own GETs fail the same way), so the records
# are checked in the emulator's state dump instead.
weights=$(curl -fsS "$MOTO_URL/moto-api/data.json" | python3 -c '
import json,sys
d = json.load(sys.stdin)["route53"]
out = []
def walk(o):
    if isinstance(o, dict):
        if o.get("name") == "api.kdx.example.com." and "weight" in o:
            out.append("%s=%s" % (o.get("set_identifier"), o["weight"]))
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(d)
print(" ".join(sorted(out)))')
assert_eq "$weights" "us-east-1=70 us-west-2=30" "weighted records in moto"

# an AWS error is decoded and printed as CODE: message (request id ...)
if err=$(call route53 ChangeResourceRecordSets -input "{\"HostedZoneId\":\"$zone\",\"ChangeBatch\":{\"Changes\":[{\"Action\":\"DELETE\",\"ResourceRecordSet\":{\"Name\":\"nope.kdx.example.com.\",\"Type\":\"A\",\"TTL\":60,\"ResourceRecords\":[{\"Value\":\"10.9.9.9\"}]}}]}}" 2>&1); then
	fail "deleting a missing record succeeded: $err"
fi
[[ $err =~ ^kdx:\ error:\ route53\ ChangeResourceRecordSets:\ [A-Za-z]+:\ .+\ \(request\ id\ .+\)$ ]] ||
	fail "unexpected error line: $err"

# query: RDS
call rds CreateDBCluster DBClusterIdentifier=kdx-db Engine=aurora-postgresql \
	MasterUsername=kdxadmin MasterUserPassword=not-a-real-password-1 >/dev/null
out=$(call rds DescribeDBClusters -input '{"Filters":[{"Name":"engine","Values":["aurora-postgresql"]}]}')
assert_contains "$out" '"DBClusterIdentifier": "kdx-db"'
py 'assert [x["DBClusterIdentifier"] for x in c("rds").describe_db_clusters()["DBClusters"]] == ["kdx-db"]'

# query: SNS
out=$(call sns CreateTopic Name=kdx-alerts)
topic=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["TopicArn"])' <<<"$out")
out=$(call sns Publish TopicArn="$topic" Message="failover to us-west-2 started" Subject="kdx e2e")
assert_contains "$out" '"MessageId": '
py "assert '$topic' in [t['TopicArn'] for t in c('sns').list_topics()['Topics']]"

# json (CloudWatch lists rpc-v2-cbor first; kdx picks json)
call cloudwatch PutMetricAlarm -input '{"AlarmName":"kdx-lag","MetricName":"AuroraGlobalDBReplicationLag",
 "Namespace":"AWS/RDS","Statistic":"Maximum","Period":60,"EvaluationPeriods":3,"Threshold":300000,
 "ComparisonOperator":"GreaterThanThreshold","Dimensions":[{"Name":"DBClusterIdentifier","Value":"kdx-db"}]}' >/dev/null
out=$(call cloudwatch DescribeAlarms -input '{"AlarmNames":["kdx-lag"]}')
assert_contains "$out" '"AlarmName": "kdx-lag"'
assert_contains "$out" '"Threshold": 300000'
py 'a = c("cloudwatch").describe_alarms(AlarmNames=["kdx-lag"])["MetricAlarms"][0]
assert a["Threshold"] == 300000 and a["EvaluationPeriods"] == 3, a'

# json: DynamoDB
call dynamodb CreateTable -input '{"TableName":"kdx-state","BillingMode":"PAY_PER_REQUEST",
 "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
 "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' >/dev/null
call dynamodb PutItem -input '{"TableName":"kdx-state","Item":{"pk":{"S":"failover"},"step":{"N":"3"},"ok":{"BOOL":true}}}' >/dev/null
py 'i = c("dynamodb").get_item(TableName="kdx-state", Key={"pk": {"S": "failover"}})["Item"]
assert i == {"pk": {"S": "failover"}, "step": {"N": "3"}, "ok": {"BOOL": True}}, i'

# ec2 (POST, Filter.N / Value.N naming, <item> lists in the answer)
out=$(call ec2 DescribeRegions -input '{"RegionNames":["us-east-1","eu-west-1"]}')
assert_contains "$out" '"RegionName": "eu-west-1"'
py 'r = c("ec2").describe_regions(RegionNames=["us-east-1", "eu-west-1"])["Regions"]
assert sorted(x["RegionName"] for x in r) == ["eu-west-1", "us-east-1"], r'

# rest-xml: S3 (path-style on the emulator; DeleteObjects needs a checksum: Content-MD5)
call s3 CreateBucket Bucket=kdx-e2e-state >/dev/null
call s3 PutObject Bucket=kdx-e2e-state Key="runs/1 2.json" Body='{"step":3}' ContentType=application/json >/dev/null
call s3 PutObject Bucket=kdx-e2e-state Key=runs/2.json Body=x ChecksumAlgorithm=CRC32 >/dev/null
py 'o = c("s3").get_object(Bucket="kdx-e2e-state", Key="runs/1 2.json")
assert o["Body"].read() == b"{\"step\":3}" and o["ContentType"] == "application/json", o'
out=$(call s3 DeleteObjects -input '{"Bucket":"kdx-e2e-state","Delete":{"Objects":[{"Key":"runs/1 2.json"},{"Key":"runs/2.json"}]}}')
assert_contains "$out" '"Key": "runs/1 2.json"'
py 'assert c("s3").list_objects_v2(Bucket="kdx-e2e-state")["KeyCount"] == 0'

# a wrong secret is refused, with the error named and the secret nowhere in the output
if err=$(AWS_SECRET_ACCESS_KEY=wrong-secret-value-1234 call sts GetCallerIdentity 2>&1); then
	fail "a wrong secret was accepted: $err"
fi
assert_contains "$err" "kdx: error: sts GetCallerIdentity: "
[[ $err =~ (SignatureDoesNotMatch|InvalidClientTokenId) ]] || fail "unclear error: $err"
grep -q "wrong-secret-value-1234\|$SECRET" <<<"$err" && fail "secret in error output"

# model checks happen before anything is sent
err=$(call route53 ChangeResourceRecordSet 2>&1) && fail "unknown operation accepted"
assert_contains "$err" "(did you mean 'ChangeResourceRecordSets'?)"
err=$(call sns Publish TopicArn="$topic" Mesage=x 2>&1) && fail "unknown parameter accepted"
assert_contains "$err" "kdx: error: sns Publish: unknown parameter 'Mesage' (did you mean 'Message'?)"
assert_contains "$err" "kdx: error: sns Publish: missing required parameter 'Message'"

# Route 53 reads, against a second moto without auth (see above): kdx writes, kdx reads,
# boto3 agrees. (The key is still in the environment; this moto accepts any.)
stop_moto
start_moto
out=$(call route53 CreateHostedZone Name=read.example.com. CallerReference=kdx-e2e-2)
zone=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["HostedZone"]["Id"])' <<<"$out")
change=$(call route53 ChangeResourceRecordSets -input "{\"HostedZoneId\":\"$zone\",\"ChangeBatch\":${batch//kdx.example.com/read.example.com}}" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["ChangeInfo"]["Id"])')
out=$(call route53 GetChange Id="$change")
assert_contains "$out" '"Status": "INSYNC"'
out=$(call route53 ListResourceRecordSets HostedZoneId="$zone" StartRecordName=api.read.example.com. StartRecordType=A)
py "import json
mine = json.loads('''$out''')['ResourceRecordSets']
theirs = c('route53').list_resource_record_sets(HostedZoneId='$zone', StartRecordName='api.read.example.com.', StartRecordType='A')['ResourceRecordSets']
assert [(r['SetIdentifier'], r['Weight']) for r in mine if 'Weight' in r] == [('us-east-1', 70), ('us-west-2', 30)], mine
assert mine == theirs, (mine, theirs)"
# rest-json: EKS (moto rejects its signed GETs too, so it is here, without auth)
call eks CreateCluster -input '{"name":"kdx-prod","roleArn":"arn:aws:iam::123456789012:role/eks",
 "resourcesVpcConfig":{"subnetIds":["subnet-1"]},"tags":{"env":"prod"}}' >/dev/null
out=$(call eks DescribeCluster name=kdx-prod)
assert_contains "$out" '"name": "kdx-prod"'
py 'cl = c("eks").describe_cluster(name="kdx-prod")["cluster"]
assert cl["tags"] == {"env": "prod"} and cl["resourcesVpcConfig"]["subnetIds"] == ["subnet-1"], cl'
echo "all protocol families verified against moto"
