"""Set up moto for the read-modify-write tests (t0657): a zone example.test. whose
weighted record api has two record sets with fields no runbook declares (health checks,
TTL 42, CNAME values lb-*.example.net) and a second weighted record www; an Auto Scaling
group web in us-west-2 with MinSize 1, MaxSize 10, desired 2 and a tag. Prints nothing."""
import boto3

r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name="example.test.", CallerReference="rmw")["HostedZone"]["Id"]
r53.create_hosted_zone(Name="other.test.", CallerReference="rmw-other")


def check(name):
    return r53.create_health_check(CallerReference="rmw-" + name, HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": "lb-%s.example.net" % name, "Port": 443,
        "ResourcePath": "/health", "RequestInterval": 30, "FailureThreshold": 3})["HealthCheck"]["Id"]


changes = []
for name, sid, weight in (("api", "us-east-1", 60), ("api", "us-west-2", 40),
                          ("www", "us-east-1", 100), ("www", "us-west-2", 0)):
    rr = {"Name": "%s.example.test." % name, "Type": "CNAME", "SetIdentifier": sid,
          "Weight": weight, "TTL": 42, "ResourceRecords": [{"Value": "lb-%s.example.net" % sid}]}
    if name == "api":
        rr["HealthCheckId"] = check(sid)
    changes.append({"Action": "CREATE", "ResourceRecordSet": rr})
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})

ec2 = boto3.client("ec2", region_name="us-west-2")
lt = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
    "ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})
boto3.client("autoscaling", region_name="us-west-2").create_auto_scaling_group(
    AutoScalingGroupName="web", MinSize=1, MaxSize=10, DesiredCapacity=2,
    LaunchTemplate={"LaunchTemplateName": "web"}, AvailabilityZones=["us-west-2a"],
    HealthCheckGracePeriod=77, Tags=[{"Key": "team", "Value": "edge", "PropagateAtLaunch": True}])
