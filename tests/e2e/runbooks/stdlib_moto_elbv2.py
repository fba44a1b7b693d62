"""Set up moto for t0994: an ALB in us-east-1 with target groups east and west (in AWS the
west one would hold IP targets in us-west-2), a listener whose default action forwards
east 100 / west 0 with stickiness on, a rule /api/* forwarding likewise and a second rule
/static/* that no step touches. Writes the ARNs as the runbook's params to the var file
given as argv[1] (name = value lines)."""
import sys

import boto3

ec2 = boto3.client("ec2", region_name="us-east-1")
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.%d.0/24" % i, AvailabilityZone=az)["Subnet"]["SubnetId"]
           for i, az in ((1, "us-east-1a"), (2, "us-east-1b"))]
e = boto3.client("elbv2", region_name="us-east-1")
lb = e.create_load_balancer(Name="kaldrix", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
tg = {n: e.create_target_group(Name="kaldrix-" + n, Protocol="HTTP", Port=80, VpcId=vpc,
                               TargetType="ip")["TargetGroups"][0]["TargetGroupArn"] for n in ("east", "west")}


def forward(east, west, sticky):
    return [{"Type": "forward", "ForwardConfig": {
        "TargetGroups": [{"TargetGroupArn": tg["east"], "Weight": east}, {"TargetGroupArn": tg["west"], "Weight": west}],
        "TargetGroupStickinessConfig": {"Enabled": sticky, "DurationSeconds": 300}}}]


listener = e.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                             DefaultActions=forward(100, 0, True))["Listeners"][0]["ListenerArn"]
api = e.create_rule(ListenerArn=listener, Priority=10, Actions=forward(100, 0, False),
                    Conditions=[{"Field": "path-pattern", "Values": ["/api/*"]}])["Rules"][0]["RuleArn"]
e.create_rule(ListenerArn=listener, Priority=20, Actions=forward(100, 0, False),
              Conditions=[{"Field": "path-pattern", "Values": ["/static/*"]}])
with open(sys.argv[1], "w") as f:
    for k, v in (("listener_arn", listener), ("rule_arn", api), ("east_tg", tg["east"]), ("west_tg", tg["west"])):
        f.write('%s = "%s"\n' % (k, v))
