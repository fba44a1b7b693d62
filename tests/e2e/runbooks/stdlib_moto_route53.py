"""Set up moto for t0653: zone kaldrix.test. with a weighted record api (east 100 with health check A, west 0 with B),
a failover pair app (east PRIMARY with health check A, west SECONDARY with B) and a third
health check C. Prints the ids of A, B and C. Usage: stdlib_moto_route53.py"""
import boto3

r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name="kaldrix.test.", CallerReference="t0653")["HostedZone"]["Id"]


def check(name, threshold):
    return r53.create_health_check(CallerReference="t0653-" + name, HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": name + ".kaldrix.test", "Port": 443,
        "ResourcePath": "/health", "RequestInterval": 30,
        "FailureThreshold": threshold})["HealthCheck"]["Id"]


a, b, c = check("east", 3), check("west", 3), check("west-deep", 2)
changes = []
for sid, weight, hc in (("us-east-1", 100, a), ("us-west-2", 0, b)):
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "api.kaldrix.test.", "Type": "CNAME", "SetIdentifier": sid, "Weight": weight,
        "TTL": 60, "HealthCheckId": hc, "ResourceRecords": [{"Value": "api-%s.kaldrix.test" % sid}]}})
for sid, role, hc in (("east", "PRIMARY", a), ("west", "SECONDARY", b)):
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "app.kaldrix.test.", "Type": "CNAME", "SetIdentifier": sid, "Failover": role,
        "TTL": 30, "HealthCheckId": hc, "ResourceRecords": [{"Value": "app-%s.kaldrix.test" % sid}]}})
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
print(a, b, c)
