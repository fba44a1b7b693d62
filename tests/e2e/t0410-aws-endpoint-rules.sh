#!/usr/bin/env bash
# Endpoints from the services' rule sets, end to end: for the services kdx ships, in four
# partitions, with and without FIPS and dual-stack (AWS_USE_FIPS_ENDPOINT,
# AWS_USE_DUALSTACK_ENDPOINT, and the profile's use_fips_endpoint), the URL `kdx aws call
# -dry-run` would send to equals the one botocore resolves for the same call
# (tests/aws/botocore_endpoints.py, nothing sent), and a combination botocore refuses kdx
# refuses too. Configured endpoints keep precedence. No network.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore is not installed"
export AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_ENDPOINT_URL AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION
unset AWS_USE_FIPS_ENDPOINT AWS_USE_DUALSTACK_ENDPOINT AWS_STS_REGIONAL_ENDPOINTS
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=x
here=$(cd "$(dirname "$0")" && pwd)

# service, an operation without required parameters
calls=(
	"sts GetCallerIdentity" "route53 ListHostedZones" "iam ListUsers" "rds DescribeDBClusters"
	"ec2 DescribeRegions" "dynamodb ListTables" "s3 ListBuckets" "cloudwatch DescribeAlarms"
	"sns ListTopics" "lambda ListFunctions" "eks ListClusters" "ecs ListClusters"
	"elasticache DescribeCacheClusters" "autoscaling DescribeAutoScalingGroups"
	"ssm DescribeParameters" "fis ListExperiments" "route53-recovery-control-config ListClusters"
)
cases=$(mktemp)
trap 'rm -f "$cases" "$cases.want" "$cases.cfg"' EXIT
# each region without either setting and with one of the three combinations in turn (a
# kdx process per case: 136 of them)
regions=(us-east-1 eu-west-1 cn-north-1 us-gov-west-1)
combos=("1 0" "0 1" "1 1")
i=0
for c in "${calls[@]}"; do
	for region in "${regions[@]}"; do
		echo "$c $region 0 0"
		echo "$c $region ${combos[i++ % 3]}"
	done
done >"$cases"
python3 "$here/../aws/botocore_endpoints.py" <"$cases" >"$cases.want" ||
	fail "botocore_endpoints.py failed"

n=0 refused=0
while read -r svc op region fips dual && read -r want <&3; do
	got=$(AWS_USE_FIPS_ENDPOINT=$([ "$fips" = 1 ] && echo true || echo false) \
		AWS_USE_DUALSTACK_ENDPOINT=$([ "$dual" = 1 ] && echo true || echo false) \
		"$KDX" aws call "$svc" "$op" -region "$region" -dry-run 2>&1 | head -1) || true
	if [ "$want" = error ]; then
		assert_contains "$got" "kdx: error: "
		refused=$((refused + 1))
	else
		[ "$got" = "$want" ] || fail "$svc $op in $region (FIPS $fips, dual-stack $dual): kdx '$got', botocore '$want'"
	fi
	n=$((n + 1))
done <"$cases" 3<"$cases.want"
[ "$n" -eq $(( ${#calls[@]} * 8 )) ] || fail "compared $n cases"
echo "compared $n calls with botocore ($refused refused by both)"

# the profile's use_fips_endpoint, and the environment winning over it
printf '[default]\nuse_fips_endpoint = true\n' >"$cases.cfg"
out=$(AWS_CONFIG_FILE="$cases.cfg" "$KDX" aws call sts GetCallerIdentity -region us-west-2 -dry-run)
assert_contains "$out" "POST https://sts-fips.us-west-2.amazonaws.com/"
out=$(AWS_CONFIG_FILE="$cases.cfg" AWS_USE_FIPS_ENDPOINT=false "$KDX" aws call sts GetCallerIdentity -region us-west-2 -dry-run)
assert_contains "$out" "POST https://sts.us-west-2.amazonaws.com/"

# configured endpoints keep precedence; with FIPS the rule set refuses them, as botocore does
out=$(AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 "$KDX" aws call sts GetCallerIdentity -region us-west-2 -dry-run)
assert_contains "$out" "POST http://127.0.0.1:9/"
out=$(AWS_ENDPOINT_URL=http://127.0.0.1:9 "$KDX" aws call route53 ListHostedZones -region eu-west-1 -dry-run -endpoint-url http://localhost:8)
assert_contains "$out" "GET http://localhost:8/2013-04-01/hostedzone"
rc=0
out=$(AWS_USE_FIPS_ENDPOINT=true "$KDX" aws call sts GetCallerIdentity -region us-west-2 -dry-run -endpoint-url http://127.0.0.1:9 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "FIPS with a configured endpoint: exit $rc"
assert_contains "$out" "Invalid Configuration: FIPS and custom endpoint are not supported"
echo "ok"
