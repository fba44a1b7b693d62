#!/usr/bin/env bash
# kdx export arc: the CreatePlan input it prints passes botocore's own parameter validator
# for arc-region-switch CreatePlan (botocore's full model, not kdx's trimmed copy), for a
# runbook that uses every block kdx maps (tests/e2e/runbooks/export-arc.kdx) and for the
# KALDRIX failover; the steps come out level by level (a Parallel block, ManualApproval
# before an approval-gated step) and what does not map is named with its reason; the
# CloudFormation form carries the same plan as AWS::ARCRegionSwitch::Plan properties; an
# unsafe runbook is not exported. Checked against the API model only: moto has no ARC.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
ROLE=arn:aws:iam::123456789012:role/arc-execution
cat >validate.py <<'PY'
import json, sys
import botocore.session
from botocore.validate import ParamValidator
doc = json.load(open(sys.argv[1]))
if len(sys.argv) > 2:   # a CloudFormation template: the plan is the resource's properties
    res = doc["Resources"]["Plan"]
    assert res["Type"] == "AWS::ARCRegionSwitch::Plan", res["Type"]
    def lower(v, data=False):
        if isinstance(v, list):
            return [lower(x, data) for x in v]
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                inner = k in ("RegionAndRoutingControls", "ScalingResources")
                key = k if data else k[0].lower() + k[1:]
                out[key] = lower(x, inner and not data) if not data else lower(x, False)
            return out
        return v
    doc = lower(res["Properties"])
m = botocore.session.get_session().get_service_model("arc-region-switch")
r = ParamValidator().validate(doc, m.operation_model("CreatePlan").input_shape)
if r.has_errors():
    print(r.generate_report())
    sys.exit(1)
wf = doc["workflows"][0]
print(" ".join("%s:%s" % (s["name"], s["executionBlockType"]) for s in wf["steps"]))
PY

# DocumentDB's global cluster: ARC's DocumentDb block, switchover graceful, failover ungraceful
# (-mode picks the runbook's steps); Neptune has no ARC block
for mode in graceful ungraceful; do
	"$KDX" export arc -mode $mode "$RB/stdlib-model-only-globaldb.kdx" -execution-role "$ROLE" >docdb-$mode.json 2>docdb-$mode.txt ||
		fail "docdb export ($mode): $(cat docdb-$mode.txt)"
	python3 validate.py docdb-$mode.json >docdb-$mode.steps || fail "docdb export ($mode) against the model: $(cat docdb-$mode.steps)"
	assert_contains "$(cat docdb-$mode.steps)" ":DocumentDb"
	assert_contains "$(cat docdb-$mode.txt)" "no ARC execution block does what neptune."
done
assert_eq "$(python3 -c 'import json,sys; print(*[json.dumps(s["executionBlockConfiguration"]["documentDbConfig"], sort_keys=True) for f in sys.argv[1:] for s in json.load(open(f))["workflows"][0]["steps"] if s["executionBlockType"] == "DocumentDb"])' docdb-graceful.json docdb-ungraceful.json)" \
	'{"behavior": "switchoverOnly", "databaseClusterArns": ["arn:aws:rds:us-east-1:123456789012:cluster:docs-east", "arn:aws:rds:us-west-2:123456789012:cluster:docs-west"], "globalClusterIdentifier": "kaldrix-docs", "timeoutMinutes": 15} {"behavior": "failover", "databaseClusterArns": ["arn:aws:rds:us-east-1:123456789012:cluster:docs-east", "arn:aws:rds:us-west-2:123456789012:cluster:docs-west"], "globalClusterIdentifier": "kaldrix-docs", "timeoutMinutes": 10, "ungraceful": {"ungraceful": "failover"}}' \
	"the DocumentDb blocks"

"$KDX" export arc "$RB/export-arc.kdx" -execution-role "$ROLE" >plan.json 2>unmapped.txt ||
	fail "export: $(cat unmapped.txt)"
assert_eq "$(python3 validate.py plan.json)" \
	"approve_warm:ManualApproval parallel_1:Parallel scale_jobs:ECSServiceScaling scale_web:EKSResourceScaling route:ARCRoutingControl approve_promote:ManualApproval promote:AuroraGlobalDatabase" \
	"the workflow's steps"
# the parallel level holds the Lambda and the Auto Scaling step
assert_eq "$(python3 -c 'import json; s=json.load(open("plan.json"))["workflows"][0]["steps"][1]["executionBlockConfiguration"]["parallelConfig"]["steps"]; print(" ".join(x["executionBlockType"] for x in s))')" \
	"CustomActionLambda EC2AutoScaling" "the Parallel block"
assert_eq "$(python3 -c 'import json; c=json.load(open("plan.json"))["workflows"][0]["steps"][3]["executionBlockConfiguration"]["eksResourceScalingConfig"]; print(c["eksClusters"][1]["clusterArn"], json.dumps(c["scalingResources"][0]["web"]["us-west-2"], sort_keys=True), c["targetPercent"])')" \
	'arn:aws:eks:us-west-2:123456789012:cluster/kaldrix-us-west-2 {"name": "web", "namespace": "kaldrix"} 100' "the EKS block"
assert_contains "$(cat unmapped.txt)" "step 'weights' (route53.set_weights): weights:"
assert_contains "$(cat unmapped.txt)" "step 'fence' (rds.fence_writes): fencing:"
assert_contains "$(cat unmapped.txt)" "step 'scale_web': its undo"
assert_contains "$(cat unmapped.txt)" "step 'promote': its \`require\`/\`wait until\` gates"

"$KDX" export arc "$RB/export-arc.kdx" -execution-role "$ROLE" -format cloudformation >cfn.json 2>/dev/null ||
	fail "export -format cloudformation"
assert_eq "$(python3 validate.py cfn.json cfn)" "$(python3 validate.py plan.json)" "the CloudFormation plan"

# RDS promote read replica, RDS create cross-Region replica, Lambda event source mappings and
# a child Region switch plan; the same actions where they cannot map say why
"$KDX" export arc "$RB/export-arc-more.kdx" -execution-role "$ROLE" >more.json 2>more.txt ||
	fail "export more: $(cat more.txt)"
assert_eq "$(python3 validate.py more.json)" \
	"pause_consumers:LambdaEventSourceMapping promote_reports:RdsPromoteReadReplica parallel_3:Parallel reprotect:RdsCreateCrossRegionReplica" \
	"the RDS, event source mapping and child plan blocks"
assert_eq "$(python3 -c 'import json,sys; w=json.load(open("more.json"))["workflows"][0]["steps"]; c=lambda s: list(s["executionBlockConfiguration"].values())[0]; print(json.dumps([c(w[0]), c(w[1]), [c(x) for x in c(w[2])["steps"]], c(w[3])], sort_keys=True))')" \
	'[{"action": "disable", "regionEventSourceMappings": {"us-east-1": {"arn": "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:0b4c1a2e-1111-4a5b-9c8d-000000000001"}}, "timeoutMinutes": 5}, {"dbInstanceArnMap": {"us-west-2": "arn:aws:rds:us-west-2:123456789012:db:kaldrix-reports-us-west-2"}, "timeoutMinutes": 30}, [{"action": "enable", "regionEventSourceMappings": {"us-west-2": {"arn": "arn:aws:lambda:us-west-2:123456789012:event-source-mapping:0b4c1a2e-2222-4a5b-9c8d-000000000002"}}, "timeoutMinutes": 5}, {"arn": "arn:aws:arc-region-switch::123456789012:plan/kaldrix-payments:a1b2c3"}], {"dbInstanceArnMap": {"us-east-1": "arn:aws:rds:us-east-1:123456789012:db:kaldrix-reports-us-east-1", "us-west-2": "arn:aws:rds:us-west-2:123456789012:db:kaldrix-reports-us-west-2"}, "timeoutMinutes": 30}]' \
	"the new blocks' configurations"
assert_contains "$(cat more.txt)" "step 'promote_east_copy' (rds.promote_read_replica): it promotes a replica in us-east-1, not in the region the plan activates (us-west-2)"
assert_contains "$(cat more.txt)" "step 'payments_back' (regionswitch.start): ARC runs a child plan in the parent's own direction"

# the KALDRIX failover, in production (its promotion needs an approval)
"$KDX" export arc "$KDX_REPO/plans/failover.kdx" -execution-role "$ROLE" -var environment=production \
	>failover.json 2>failover.txt || fail "export failover: $(cat failover.txt)"
assert_eq "$(python3 validate.py failover.json)" \
	"scale_workload:EKSResourceScaling approve_promote_db:ManualApproval promote_db:AuroraGlobalDatabase" "the failover's steps"
assert_contains "$(cat failover.txt)" "region 'eu-west-1': an ARC plan has exactly two regions"

# an unsafe runbook is not exported
sed 's/^  rto = 1h/  rto = 1m/' "$RB/export-arc.kdx" >unsafe.kdx
"$KDX" export arc unsafe.kdx -execution-role "$ROLE" >unsafe.out 2>&1 && fail "an unsafe runbook was exported"
assert_contains "$(cat unsafe.out)" "is not exported: its proofs fail"
grep -q '"workflows"' unsafe.out && fail "a plan was printed for an unsafe runbook"
# usage
"$KDX" export arc "$RB/export-arc.kdx" >usage.out 2>&1 && fail "no -execution-role accepted"
assert_contains "$(cat usage.out)" "-execution-role"
echo ok
