#!/usr/bin/env bash
# The KALDRIX Terraform configuration against moto_server: generate the endpoints override, check
# a variable validation, apply staging, check with boto3 what exists (zone and 70/20/10 weighted
# records, failover records, health checks, Aurora global cluster and its regional members, ALBs,
# ASGs, alarms, topics, dashboard) and that `terraform output -json` says the same, check that a
# second plan is empty, destroy, and check that everything is gone. Prints apply/destroy times.
# timeout: 1800
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
src=$KDX_REPO/terraform/multi-region
[ -z "${KDX_E2E_QUICK:-}" ] || skip "KDX_E2E_QUICK is set (this test takes several minutes)"
command -v terraform >/dev/null || skip "terraform not installed"
[ -d /opt/tf-plugins ] || skip "no provider mirror at /opt/tf-plugins"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
MOTO_SERIAL=1 start_moto ""

: >"$E2E_TMP/terraformrc"
export TF_CLI_CONFIG_FILE=$E2E_TMP/terraformrc TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_DATA_DIR=$E2E_TMP/tf-data
work=$E2E_TMP/multi-region
mkdir -p "$work"
(cd "$src" && tar --exclude=.terraform --exclude='*.tfstate*' --exclude=moto_override.tf -cf - .) | tar -C "$work" -xf -
cd "$work" || exit 1
"$src/scripts/moto-override.sh" -o "$work" "$MOTO_PORT"
tf() { terraform "$@" -no-color; }

tf init -plugin-dir=/opt/tf-plugins >"$E2E_TMP/init.log" 2>&1 || fail "terraform init: $(tail -20 "$E2E_TMP/init.log")"

# Variable validations refuse bad input before anything is created (t0702 checks the tfvars'
# names; each plan here costs a full provider load, so there is only this one).
if tf plan -var-file=environments/staging.tfvars \
	-var 'traffic_weights={"us-east-1"=70,"us-west-2"=20,"eu-west-1"=20}' >"$E2E_TMP/plan.log" 2>&1; then
	fail "weights summing to 110 were accepted"
fi
assert_contains "$(cat "$E2E_TMP/plan.log")" "summing to 100"

t0=$(date +%s)
tf apply -auto-approve -parallelism=30 -var-file=environments/staging.tfvars >"$E2E_TMP/apply.log" 2>&1 ||
	fail "apply: $(grep -A8 Error "$E2E_TMP/apply.log" | head -30)"
apply_secs=$(($(date +%s) - t0))
echo "apply: $(grep -o 'Resources: [0-9]* added' "$E2E_TMP/apply.log") in ${apply_secs}s"
tf output -json >"$E2E_TMP/outputs.json" || fail "terraform output -json"

# A second plan against what was just created replaces and destroys nothing. (It is not empty:
# moto drops global cluster tags and SG rule descriptions and invents a serverless scaling
# configuration, which the provider then sets again in place; README.md lists these.)
tf plan -var-file=environments/staging.tfvars >"$E2E_TMP/replan.log" 2>&1 || fail "second plan: $(tail -20 "$E2E_TMP/replan.log")"
if grep -qE 'must be replaced|will be destroyed|will be created' "$E2E_TMP/replan.log"; then
	fail "second plan replaces or creates resources: $(grep -E '^  #' "$E2E_TMP/replan.log" | head -20)"
fi
sed -n 's/^Plan: /second plan: /p; s/^No changes.*/second plan: no changes/p' "$E2E_TMP/replan.log"

python3 - "$E2E_TMP/outputs.json" <<'EOF' || fail "state in moto does not match the configuration"
import json, os, sys
import boto3

url = os.environ["AWS_ENDPOINT_URL"]
out = {k: v["value"] for k, v in json.load(open(sys.argv[1])).items()}
rb = out["runbook"]
regions = ["us-east-1", "us-west-2", "eu-west-1"]
weights = {"us-east-1": 70, "us-west-2": 20, "eu-west-1": 10}
c = lambda svc, region="us-east-1": boto3.client(svc, region_name=region, endpoint_url=url)
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)

# Route 53: the zone, three weighted records at 70/20/10, a failover pair, three health checks.
r53 = c("route53")
zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "staging.kaldrix.io."]
check(len(zones) == 1, "one hosted zone staging.kaldrix.io.")
zone_id = zones[0]["Id"].split("/")[-1]
check(out["zone_id"] == zone_id == rb["zone_id"], f"zone id in outputs {out['zone_id']} vs {zone_id}")
check(rb["zone_name"] == "staging.kaldrix.io.", "zone_name output")
rrs = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
api = {r["SetIdentifier"]: r for r in rrs if r["Name"] == "api.staging.kaldrix.io." and "Weight" in r}
check({k: v["Weight"] for k, v in api.items()} == weights, f"weights {[(k, v['Weight']) for k, v in api.items()]}")
check(out["api_record_name"] == rb["api_record_name"] == "api.staging.kaldrix.io.", "api_record_name output")
check(out["set_identifiers"] == {r: r for r in regions}, f"set_identifiers {out['set_identifiers']}")
hcs = {h["Id"]: h for h in r53.list_health_checks()["HealthChecks"]}
check(len(hcs) == 3, f"{len(hcs)} health checks")
for r in regions:
    rec = api.get(r, {})
    check(rec.get("Type") == "CNAME" and rec.get("TTL") == 60, f"{r} record type/ttl")
    check(rec.get("ResourceRecords", [{}])[0].get("Value") == out["alb_dns_names"][r], f"{r} record target")
    check(rec.get("HealthCheckId") == out["health_check_ids"][r] and rec.get("HealthCheckId") in hcs, f"{r} health check")
    wr = rb["weighted_records"][r]
    check(wr["set_identifier"] == r and wr["weight"] == weights[r] and wr["name"] == "api.staging.kaldrix.io.", f"{r} weighted_records output")
    check(hcs.get(out["health_check_ids"][r], {}).get("HealthCheckConfig", {}).get("FullyQualifiedDomainName") == out["alb_dns_names"][r], f"{r} health check target")
fo = {r["Failover"]: r for r in rrs if r["Name"] == "www.staging.kaldrix.io." and "Failover" in r}
check(sorted(fo) == ["PRIMARY", "SECONDARY"], f"failover records {sorted(fo)}")
check(fo["PRIMARY"]["SetIdentifier"] == rb["failover_records"]["PRIMARY"]["set_identifier"] == "primary-us-east-1", "PRIMARY set id")
check(fo["SECONDARY"]["ResourceRecords"][0]["Value"] == out["alb_dns_names"]["us-west-2"], "SECONDARY goes to us-west-2")

# Aurora: the global cluster, its writer in us-east-1 and a member in every other region.
gcs = c("rds").describe_global_clusters()["GlobalClusters"]
gc = [g for g in gcs if g["GlobalClusterIdentifier"] == "kaldrix-staging"]
check(len(gc) == 1 and out["global_cluster_id"] == "kaldrix-staging", "global cluster kaldrix-staging")
members = {m["DBClusterArn"]: m["IsWriter"] for m in gc[0]["GlobalClusterMembers"]}
check(set(members) == set(out["cluster_arns"].values()), f"global cluster members {sorted(members)}")
check(members.get(out["cluster_arns"]["us-east-1"]) is True, "writer is us-east-1")
for r in regions:
    cl = c("rds", r).describe_db_clusters(DBClusterIdentifier=f"kaldrix-staging-{r}")["DBClusters"][0]
    check(cl["DBClusterArn"] == out["cluster_arns"][r] == rb["cluster_arns"][r], f"{r} cluster arn")
    check(cl["StorageEncrypted"] and len(cl["DBClusterMembers"]) == 1, f"{r} cluster encrypted with 1 instance")
    check(cl["Engine"] == "aurora-postgresql", f"{r} engine")

# Load balancing, fleets, alarms, topics, dashboard.
for r in regions:
    lbs = c("elbv2", r).describe_load_balancers(Names=[f"kaldrix-staging-{r}"])["LoadBalancers"]
    check(len(lbs) == 1 and lbs[0]["DNSName"] == out["alb_dns_names"][r], f"{r} ALB")
    ls = c("elbv2", r).describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]
    check([l["Port"] for l in ls] == [80], f"{r} listener")
    asg = c("autoscaling", r).describe_auto_scaling_groups(AutoScalingGroupNames=[out["asg_names"][r]])["AutoScalingGroups"]
    want = {"us-east-1": 3, "us-west-2": 2, "eu-west-1": 2}[r]
    check(len(asg) == 1 and asg[0]["DesiredCapacity"] == want, f"{r} ASG desired {want}")
    check(len(asg) == 1 and len(asg[0]["TargetGroupARNs"]) == 1, f"{r} ASG in the target group")
    names = sorted(out["alarm_names"][r].values())
    got = sorted(a["AlarmName"] for a in c("cloudwatch", r).describe_alarms(AlarmNamePrefix=f"kaldrix-staging-{r}")["MetricAlarms"])
    # health-check alarms live in us-east-1 (Route 53 metrics exist only there)
    check(got == sorted(n for n in names if not n.endswith("-health-check")) or r == "us-east-1", f"{r} alarms {got}")
    topics = [t["TopicArn"] for t in c("sns", r).list_topics()["Topics"]]
    check(out["topic_arns"][r] in topics, f"{r} topic")
hc_alarms = [a["AlarmName"] for a in c("cloudwatch").describe_alarms()["MetricAlarms"] if a["AlarmName"].endswith("-health-check")]
check(len(hc_alarms) == 3, f"health check alarms {hc_alarms}")
check(out["topic_arn"] == out["topic_arns"]["us-east-1"], "topic_arn is the primary region's")
check([d["DashboardName"] for d in c("cloudwatch").list_dashboards()["DashboardEntries"]] == ["kaldrix-staging-global"], "dashboard")

# The disaster-recovery contract has every key the runbooks were promised.
for k in ["zone_id", "zone_name", "api_record_name", "set_identifiers", "global_cluster_id", "cluster_arns",
          "asg_names", "alarm_names", "topic_arn", "health_check_ids", "alb_dns_names", "primary_region",
          "failover_records", "weighted_records", "per_region", "objectives"]:
    check(k in rb and rb[k] is not None, f"runbook output lacks {k}")
check(rb["objectives"] == {"rpo_seconds": 300, "rto_seconds": 900}, "objectives")
check(rb["per_region"]["us-west-2"]["role"] == "secondary" and rb["per_region"]["us-east-1"]["role"] == "primary", "roles")

for p in problems:
    print("mismatch:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
echo "state in moto matches the configuration and its outputs"

# The generated master password is in its secret, and nowhere in the state, the logs or outputs.
secret_arn=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_master_secret_arn"]["value"])' "$E2E_TMP/outputs.json")
password=$(aws secretsmanager get-secret-value --region us-east-1 --secret-id "$secret_arn" \
	--query SecretString --output text | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
[ ${#password} -eq 32 ] || fail "the master secret holds no 32-character password"
tf state pull >"$E2E_TMP/state.json"
if grep -rlF -- "$password" "$E2E_TMP"/*.log "$E2E_TMP/state.json" "$E2E_TMP/outputs.json"; then
	fail "the master password leaked into the files above"
fi
echo "the generated master password is only in its secret"

# moto 5.2.1 cannot remove a member outside us-east-1 from a global cluster, so the global
# cluster could never be deleted after its secondaries: Terraform forgets it first (README.md).
tf state rm module.global_database.aws_rds_global_cluster.this >/dev/null
t0=$(date +%s)
tf destroy -auto-approve -refresh=false -parallelism=30 -var-file=environments/staging.tfvars >"$E2E_TMP/destroy.log" 2>&1 ||
	fail "destroy: $(grep -A8 Error "$E2E_TMP/destroy.log" | head -30)"
destroy_secs=$(($(date +%s) - t0))
echo "destroy: $(grep -o 'Resources: [0-9]* destroyed' "$E2E_TMP/destroy.log") in ${destroy_secs}s"

python3 - <<'EOF' || fail "resources left after destroy"
import os, sys
import boto3
url = os.environ["AWS_ENDPOINT_URL"]
c = lambda svc, region="us-east-1": boto3.client(svc, region_name=region, endpoint_url=url)
left = []
left += [z["Name"] for z in c("route53").list_hosted_zones()["HostedZones"]]
left += [h["Id"] for h in c("route53").list_health_checks()["HealthChecks"]]
left += [d["DashboardName"] for d in c("cloudwatch").list_dashboards()["DashboardEntries"]]
for r in ["us-east-1", "us-west-2", "eu-west-1"]:
    left += [x["DBClusterIdentifier"] for x in c("rds", r).describe_db_clusters()["DBClusters"]]
    left += [x["DBInstanceIdentifier"] for x in c("rds", r).describe_db_instances()["DBInstances"]]
    left += [x["DBSubnetGroupName"] for x in c("rds", r).describe_db_subnet_groups()["DBSubnetGroups"]]
    left += [x["LoadBalancerName"] for x in c("elbv2", r).describe_load_balancers()["LoadBalancers"]]
    left += [x["TargetGroupName"] for x in c("elbv2", r).describe_target_groups()["TargetGroups"]]
    left += [x["AutoScalingGroupName"] for x in c("autoscaling", r).describe_auto_scaling_groups()["AutoScalingGroups"]]
    left += [x["LaunchTemplateName"] for x in c("ec2", r).describe_launch_templates()["LaunchTemplates"]]
    left += [x["AlarmName"] for x in c("cloudwatch", r).describe_alarms()["MetricAlarms"]]
    left += [x["TopicArn"] for x in c("sns", r).list_topics()["Topics"]]
    left += [x["VpcId"] for x in c("ec2", r).describe_vpcs()["Vpcs"] if not x["IsDefault"]]
    left += [x["AliasName"] for x in c("kms", r).list_aliases()["Aliases"] if "kaldrix" in x["AliasName"]]
    kms = c("kms", r)
    left += [k["KeyId"] for k in kms.list_keys()["Keys"]
             if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] not in ("PendingDeletion",)
             and kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER"]
    # Instances the ASGs launched are terminated with them.
    left += [i["InstanceId"] for res in c("ec2", r).describe_instances()["Reservations"] for i in res["Instances"]
             if i["State"]["Name"] not in ("terminated", "shutting-down")]
# The global cluster Terraform forgot is still in moto, with members that no longer exist.
gcs = c("rds").describe_global_clusters()["GlobalClusters"]
for g in gcs:
    for m in g["GlobalClusterMembers"]:
        region, name = m["DBClusterArn"].split(":")[3], m["DBClusterArn"].split(":")[-1]
        if c("rds", region).describe_db_clusters(Filters=[{"Name": "db-cluster-id", "Values": [name]}])["DBClusters"]:
            left.append(m["DBClusterArn"])
for x in left:
    print("left:", x, file=sys.stderr)
sys.exit(1 if left else 0)
EOF
echo "everything is gone after destroy (apply ${apply_secs}s, destroy ${destroy_secs}s)"
