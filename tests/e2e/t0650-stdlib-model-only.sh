#!/usr/bin/env bash
# stdlib actions moto does not implement (ARC routing controls and safety rules, Global
# Accelerator dials and endpoint weights, Lambda Invoke -- moto needs docker to run a function
# --, ElastiCache global datastore failover, RDS FailoverGlobalCluster / SwitchoverGlobalCluster)
# run in two small runbooks under `kdx apply -dry-run`. Each mutating request kdx prints, and
# each read it sends first (snapshots, gates), is exactly what botocore serialises for the same
# input (tests/aws/botocore_serialize.py). The reads go to moto_server where moto has the
# operation (RDS, CloudWatch) and to tests/e2e/runbooks/model_stub.py, which answers with
# fixed values and records each request, where it has not.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3, botocore' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
mkdir reads
python3 "$RB/stdlib_moto_rds.py" || fail "setup"
python3 - <<'PY' || fail "lag datapoints"
import datetime
import boto3
now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
cw = boto3.client("cloudwatch", region_name="us-west-2")
for ns, metric, dim, val, unit in (
        ("AWS/RDS", "AuroraGlobalDBReplicationLag", ("DBClusterIdentifier", "kaldrix-west"), 900, "Milliseconds"),
        ("AWS/ElastiCache", "GlobalDatastoreReplicationLag", ("CacheClusterId", "kaldrix-west-001"), 2, "Seconds")):
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": metric, "Value": val, "Unit": unit,
                       "Timestamp": now, "Dimensions": [{"Name": dim[0], "Value": dim[1]}]}])
PY
start_model_stub
export AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR=$STUB AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CLUSTER=$STUB \
	AWS_ENDPOINT_URL_ROUTE53_RECOVERY_CONTROL_CONFIG=$STUB AWS_ENDPOINT_URL_ELASTICACHE=$STUB \
	AWS_ENDPOINT_URL_LAMBDA=$STUB
for rb in stdlib-model-only.kdx stdlib-model-only-data.kdx; do
	"$KDX" apply -dry-run -auto-approve "$RB/$rb" >"${rb%.kdx}.out" 2>&1 || fail "dry run of $rb: $(cat "${rb%.kdx}.out")"
	assert_contains "$(cat "${rb%.kdx}.out")" "run ok"
done
assert_contains "$(cat stdlib-model-only.out)" "dry run: 6 requests, 5 mutating (not sent)"
assert_contains "$(cat stdlib-model-only.out)" "would wait until r.FunctionError == null"
assert_contains "$(cat stdlib-model-only-data.out)" "dry run: 6 requests, 6 mutating (not sent)"
# nothing mutating reached the stub: only the reads are recorded there
ls reads | grep -qv -e DescribeEndpointGroup -e GetRoutingControlState -e ListSafetyRules \
	-e DescribeGlobalReplicationGroups -e DescribeUsers && fail "the stub got a request that is not a read: $(ls reads)"
python3 - "$STUB" "$MOTO_URL" "$KDX_REPO/tests/aws" <<'PY' || fail "a request differs from botocore's"
import glob, json, os, sys
stub, moto, tools = sys.argv[1:4]
sys.path.insert(0, tools)
import botocore_serialize as bs

A = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc"
EG = "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/"
WEST = "arn:aws:rds:us-west-2:123456789012:cluster:kaldrix-west"
# (service, operation) -> the inputs kdx should have sent, each exactly once or more
EXPECT = {
    ("route53-recovery-cluster", "UpdateRoutingControlStates"): [{"UpdateRoutingControlStateEntries": [
        {"RoutingControlArn": A + "/routingcontrol/west", "RoutingControlState": "On"},
        {"RoutingControlArn": A + "/routingcontrol/east", "RoutingControlState": "Off"}]}],
    ("route53-recovery-cluster", "UpdateRoutingControlState"): [
        {"RoutingControlArn": A + "/routingcontrol/east", "RoutingControlState": "Off"}],
    ("route53-recovery-cluster", "GetRoutingControlState"): [{"RoutingControlArn": A + "/routingcontrol/east"}],
    ("route53-recovery-control-config", "ListSafetyRules"): [{"ControlPanelArn": A}],
    ("lambda", "Invoke"): [{"FunctionName": "kaldrix-failover-hook", "InvocationType": "RequestResponse",
                            "Payload": "{\"phase\":\"post\"}"}],
    ("globalaccelerator", "UpdateEndpointGroup"): [
        {"EndpointGroupArn": EG + "east", "TrafficDialPercentage": 0},
        {"EndpointGroupArn": EG + "west", "EndpointConfigurations": [
            {"EndpointId": "i-1", "Weight": 200}, {"EndpointId": "i-2", "Weight": 55}]}],
    ("globalaccelerator", "DescribeEndpointGroup"): [{"EndpointGroupArn": EG + "east"},
                                                     {"EndpointGroupArn": EG + "west"}],
    ("elasticache", "DescribeGlobalReplicationGroups"): [
        {"GlobalReplicationGroupId": "kaldrix-global", "ShowMemberInfo": True}],
    ("elasticache", "DescribeUsers"): [{"UserId": "kaldrix-app-east"}],
    ("elasticache", "ModifyUser"): [{"UserId": "kaldrix-app-east", "AccessString": "on ~* -@all +@read +@connection"},
                                    {"UserId": "kaldrix-app-east", "AccessString": "on ~* +@all"}],
    ("elasticache", "FailoverGlobalReplicationGroup"): [
        {"GlobalReplicationGroupId": "kaldrix-global", "PrimaryRegion": "us-west-2",
         "PrimaryReplicationGroupId": "kaldrix-west"}],
    ("rds", "SwitchoverGlobalCluster"): [{"GlobalClusterIdentifier": "kaldrix-db", "TargetDbClusterIdentifier": WEST}],
    ("rds", "FailoverGlobalCluster"): [{"GlobalClusterIdentifier": "kaldrix-db", "TargetDbClusterIdentifier": WEST,
                                        "AllowDataLoss": True}],
    ("rds", "ModifyDBClusterParameterGroup"): [{"DBClusterParameterGroupName": "kaldrix-east-pg", "Parameters": [
        {"ParameterName": "default_transaction_read_only", "ParameterValue": "on", "ApplyMethod": "immediate"}]}],
}
SIGNING = {"route53-recovery-cluster": "route53-recovery-cluster", "route53-recovery-control-config":
           "route53-recovery-control-config", "globalaccelerator": "globalaccelerator", "lambda": "lambda",
           "elasticache": "elasticache", "rds": "rds"}

# the dry runs' '# aws SERVICE OPERATION' blocks, read as dryrun_compare.py reads them
sys.path.insert(0, os.path.join(tools, "..", "e2e"))
from dryrun_compare import requests as dry_run_requests  # noqa: E402
requests = [r for out in ("stdlib-model-only.out", "stdlib-model-only-data.out")
            for r in dry_run_requests(out)]  # (service, operation, text)
for f in sorted(glob.glob("reads/req*")):
    _, svc, op = os.path.basename(f).split(".", 2)
    requests.append((svc, op, open(f).read()))
seen, bad = set(), 0
for svc, op, text in requests:
    url = moto if svc == "rds" else stub
    kdx = bs.normalise(*bs.parse_dry_run(text))
    cands = EXPECT.get((svc, op))
    if cands is None:
        print(f"unexpected request {svc} {op}")
        bad += 1
        continue
    for n, params in enumerate(cands):
        if bs.normalise(*bs.serialise(svc, op, json.loads(json.dumps(params)), url)) == kdx:
            seen.add((svc, op, n))
            break
    else:
        print(f"kdx's {svc} {op} is none of botocore's:\n{kdx}\nbotocore's first:\n"
              + bs.normalise(*bs.serialise(svc, op, json.loads(json.dumps(cands[0])), url)))
        bad += 1
for (svc, op), cands in EXPECT.items():
    for n in range(len(cands)):
        if (svc, op, n) not in seen:
            print(f"no request {svc} {op} with input {cands[n]}")
            bad += 1
print(f"{len(requests)} requests compared with botocore")
# the comparison can fail: another routing control state is not what kdx sent
svc, op, text = next(r for r in requests if r[1] == "UpdateRoutingControlState")
other = {"RoutingControlArn": A + "/routingcontrol/east", "RoutingControlState": "On"}
if bs.normalise(*bs.serialise(svc, op, other, stub)) == bs.normalise(*bs.parse_dry_run(text)):
    print("the comparison accepts a different request")
    bad += 1
sys.exit(1 if bad else 0)
PY
echo ok
