#!/usr/bin/env bash
# kdx terraform with the hashicorp/aws provider from /opt/tf-plugins against moto_server: an SNS
# topic and a Route 53 zone with weighted records. The endpoint is a variable (not baked in),
# credentials reach the provider through the AWS_* environment kdx passes on; boto3 checks what
# was created, and that destroy removed it. The secret key never appears in kdx's output.
# Slow (2-3 minutes): every provider start costs seconds here, and the provider waits ~15 s
# for each Route 53 change even though moto answers INSYNC at once.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
command -v terraform >/dev/null || skip "terraform not installed"
[ -d /opt/tf-plugins/registry.terraform.io/hashicorp/aws ] || skip "no aws provider in /opt/tf-plugins"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
unset TF_CLI_CONFIG_FILE TF_LOG TF_WORKSPACE TF_CLI_ARGS
MOTO_SERIAL=1 start_moto ""
export AWS_SECRET_ACCESS_KEY=kdx-e2e-secret-do-not-print
# the provider must get its endpoint from the variable, not from the environment
kdx() { env -u AWS_ENDPOINT_URL "$KDX" "$@"; }
cfg=$E2E_TMP/aws
cp -R "$KDX_REPO/tests/terraform/aws" "$cfg"
log=$E2E_TMP/kdx.log

kdx terraform init "$cfg" -plugin-dir /opt/tf-plugins -workspace staging >>"$log" 2>&1 ||
	fail "init failed: $(tail -20 "$log")"
[ -f "$cfg/.terraform.lock.hcl" ] || fail "no lock file after init"

out=$(kdx terraform plan "$cfg" -workspace staging -var endpoint="$MOTO_URL" \
	-out "$E2E_TMP/aws.tfplan" 2>&1) || fail "plan failed: $out"
echo "$out" >>"$log"
assert_contains "$out" "  + aws_sns_topic.alerts (create)"
assert_contains "$out" "  + aws_route53_zone.main (create)"
assert_contains "$out" '  + aws_route53_record.api["us-east-1"] (create)'
assert_contains "$out" "Plan: 4 to add, 0 to change, 0 to destroy."

out=$(kdx terraform apply "$cfg" -workspace staging -plan "$E2E_TMP/aws.tfplan" -timeout 10m 2>&1) ||
	fail "apply failed: $out"
echo "$out" >>"$log"
assert_contains "$out" "Apply complete! Resources: 4 added, 0 changed, 0 destroyed."

outputs=$(kdx terraform output "$cfg" -workspace staging)
echo "$outputs" >>"$log"
python3 - "$MOTO_URL" "$outputs" <<'PY'
import json, sys, boto3
url, outs = sys.argv[1], json.loads(sys.argv[2])
sns = boto3.client("sns", endpoint_url=url, region_name="us-east-1")
arns = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
assert outs["topic_arn"]["value"] in arns, (outs, arns)
assert outs["topic_arn"]["value"].endswith(":kdx-e2e-alerts")
r53 = boto3.client("route53", endpoint_url=url, region_name="us-east-1")
zone_id = outs["zone_id"]["value"]
zone = r53.get_hosted_zone(Id=zone_id)["HostedZone"]
assert zone["Name"] == "kdx-e2e.example.com.", zone
recs = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
weighted = {r["SetIdentifier"]: r["Weight"] for r in recs if "SetIdentifier" in r}
assert weighted == {"us-east-1": 70, "us-west-2": 30}, recs
assert outs["weights"]["value"] == weighted, outs
PY

out=$(kdx terraform destroy "$cfg" -workspace staging -var endpoint="$MOTO_URL" -timeout 10m 2>&1) ||
	fail "destroy failed: $out"
echo "$out" >>"$log"
assert_contains "$out" "Destroy complete! Resources: 4 destroyed."
python3 - "$MOTO_URL" <<'PY'
import sys, boto3
url = sys.argv[1]
sns = boto3.client("sns", endpoint_url=url, region_name="us-east-1")
assert sns.list_topics()["Topics"] == [], sns.list_topics()
r53 = boto3.client("route53", endpoint_url=url, region_name="us-east-1")
zones = r53.list_hosted_zones()["HostedZones"]
assert not [z for z in zones if z["Name"] == "kdx-e2e.example.com."], zones
PY
if grep -q "$AWS_SECRET_ACCESS_KEY" "$log"; then
	fail "the AWS secret key appeared in kdx's output"
fi
echo "t0501: ok"
