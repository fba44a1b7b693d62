#!/usr/bin/env bash
# kdx aws call as people use it: Name=value typing, model errors with suggestions, usage
# errors and their exit codes, the dry-run's redaction and its unsigned note. No network.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_ENDPOINT_URL AWS_PROFILE AWS_SESSION_TOKEN
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-west-2

expect_fail() { # expect_fail TEXT ARGS...: exit 1 and TEXT on stderr
	local want=$1 out rc=0
	shift
	out=$("$KDX" "$@" 2>&1 >/dev/null) || rc=$?
	[ "$rc" -eq 1 ] || fail "kdx $* exited $rc, want 1"
	assert_contains "$out" "$want"
}

# Name=value: JSON for non-strings (Weight, TTL), text for strings ("007" stays a string)
out=$("$KDX" aws call route53 ChangeResourceRecordSets HostedZoneId=/hostedzone/Z007 \
	ChangeBatch='{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"a.example.com.","Type":"A","SetIdentifier":"007","Weight":10,"TTL":60,"ResourceRecords":[{"Value":"10.0.0.7"}]}}]}' \
	-dry-run)
assert_contains "$out" "POST https://route53.amazonaws.com/2013-04-01/hostedzone/Z007/rrset/"
assert_contains "$out" "<SetIdentifier>007</SetIdentifier><Weight>10</Weight><TTL>60</TTL>"
assert_contains "$out" "Authorization: <redacted>"
grep -q "wJalrXUtnFEMI" <<<"$out" && fail "secret key in dry-run output"
out=$("$KDX" aws call sns Publish TopicArn=arn:aws:sns:us-west-2:1:t Message=007 -dry-run)
assert_contains "$out" "POST https://sns.us-west-2.amazonaws.com/"
assert_contains "$out" "&Message=007"
# -region wins over AWS_REGION; global services sign for us-east-1
out=$("$KDX" aws call sts GetCallerIdentity -dry-run -region eu-west-1)
assert_contains "$out" "POST https://sts.eu-west-1.amazonaws.com/"
out=$("$KDX" aws call route53 GetChange Id=/change/C1 -dry-run -region eu-west-1)
assert_contains "$out" "X-Amz-Date: 20"
assert_contains "$out" "GET https://route53.amazonaws.com/2013-04-01/change/C1"

# model errors, before anything is sent
expect_fail "kdx: error: no AWS model for service 'rout53' (did you mean 'route53'?)" \
	aws call rout53 GetChange Id=C1
expect_fail "kdx: error: unknown operation 'DescribeDbClusters' for AWS service 'rds' (did you mean 'DescribeDBClusters'?)" \
	aws call rds DescribeDbClusters
expect_fail "kdx: error: route53 GetChange: missing required parameter 'Id'" aws call route53 GetChange
expect_fail "kdx: error: cloudwatch PutMetricData: parameter 'MetricData[0].Value' must be a number, not string \"high\"" \
	aws call cloudwatch PutMetricData -input '{"Namespace":"n","MetricData":[{"MetricName":"m","Value":"high"}]}'
expect_fail "-input is not JSON" aws call route53 GetChange -input '{"Id":'
expect_fail "argument 'Id' is not NAME=VALUE" aws call route53 GetChange Id

# usage errors
expect_fail "'aws call' needs a SERVICE and an OPERATION" aws call sts
expect_fail "unknown flag '-bogus'" aws call sts GetCallerIdentity -bogus
expect_fail "either with -input JSON or as Name=value" aws call route53 GetChange -input '{}' Id=C1
(unset AWS_REGION; expect_fail "no region for 'sts'" aws call sts GetCallerIdentity -dry-run)

# without credentials the dry-run still prints the request, unsigned, and says so
out=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$KDX" aws call sts GetCallerIdentity -dry-run 2>&1)
assert_contains "$out" "kdx: note: request not signed: no AWS credentials found"
grep -q "^Authorization" <<<"$out" && fail "unsigned request has an Authorization header"
echo ok
