#!/usr/bin/env bash
# The aws/autoscaling, aws/eks, aws/ecs, aws/cloudwatch and aws/ecr actions (and
# elasticache.group_status) run through `kdx apply` on moto_server
# (tests/e2e/runbooks/stdlib-moto-compute.kdx): reads as gates, capacity as a count, as a
# percent of full capacity and as a percent of the primary's, waits until in service / nodes
# ready / tasks running, an alarm forced to ALARM, a metric; boto3 checks each, and
# `kdx rollback` must restore every capacity and the alarm, every field as boto3 read it before.
# identical-world: stdlib-moto-compute.kdx
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
cp "$RB/stdlib-moto-compute.kdx" .
python3 "$RB/stdlib_moto_compute.py" || fail "setup"
W="$KDX_REPO/tests/e2e/world.py"
python3 "$W" dump autoscaling eks ecs cloudwatch >world-before.json || fail "dump"
state() {
	python3 - <<'PY'
import boto3
w = "us-west-2"
a = boto3.client("autoscaling", region_name=w).describe_auto_scaling_groups(AutoScalingGroupNames=["kaldrix-us-west-2"])
print("asg", a["AutoScalingGroups"][0]["DesiredCapacity"])
print("nodes", boto3.client("eks", region_name=w).describe_nodegroup(clusterName="kaldrix", nodegroupName="ng")["nodegroup"]["scalingConfig"]["desiredSize"])
print("tasks", boto3.client("ecs", region_name=w).describe_services(cluster="kaldrix", services=["web"])["services"][0]["desiredCount"])
cw = boto3.client("cloudwatch", region_name=w)
print("alarm", cw.describe_alarms(AlarmNames=["kaldrix-errors"])["MetricAlarms"][0]["StateValue"])
print("metrics", len(cw.list_metrics(Namespace="kdx/test", MetricName="failover_steps")["Metrics"]))
PY
}
assert_eq "$(state | tr '\n' ' ')" "asg 1 nodes 1 tasks 1 alarm OK metrics 0 " "state before"
"$KDX" apply -auto-approve stdlib-moto-compute.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
assert_contains "$(cat apply.out)" "run ok"
assert_eq "$(state | tr '\n' ' ')" "asg 4 nodes 4 tasks 4 alarm ALARM metrics 1 " "state after apply"
# every step's undo: match_capacity back to 1, the alarm to OK (set_alarm_state's undo)
"$KDX" rollback stdlib-moto-compute.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
assert_contains "$(cat rb.out)" "rolled_back"
assert_eq "$(state | tr '\n' ' ')" "asg 1 nodes 1 tasks 1 alarm OK metrics 1 " "state after rollback"
# every field of every group, node group, service and alarm as before (MinSize and MaxSize
# that set_sizes changed, too)
python3 "$W" dump autoscaling eks ecs cloudwatch >world-restored.json
python3 "$W" diff world-before.json world-restored.json >restored.diff
[ -s restored.diff ] && fail "rollback did not restore the world: $(cat restored.diff)"
# match_capacity follows the primary: with the primary at 2, 100% of it is 2
python3 -c 'import boto3; boto3.client("eks", region_name="us-east-1").update_nodegroup_config(clusterName="kaldrix", nodegroupName="ng", scalingConfig={"minSize": 0, "maxSize": 10, "desiredSize": 2})'
sed -n '1,/^step look/p' stdlib-moto-compute.kdx | sed '$d' >follow.kdx
cat >>follow.kdx <<'KDX'
step follow {
  do eks.match_capacity(nodes["us-west-2"], nodes["us-east-1"], 100%)
}
KDX
"$KDX" apply -auto-approve follow.kdx >follow.out 2>&1 || fail "follow: $(cat follow.out)"
assert_eq "$(state | sed -n 's/^nodes //p')" 2 "west nodes after matching a primary of 2"
echo ok
