"""Print what t0653 checks, one "key value" line each, read with boto3: the weights of api,
the role and health check of each record set of app, and every health check's config."""
import boto3

r53 = boto3.client("route53")
zid = r53.list_hosted_zones_by_name(DNSName="kaldrix.test.")["HostedZones"][0]["Id"]
for rr in r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]:
    if rr["Name"] == "api.kaldrix.test.":
        print("weight", rr["SetIdentifier"], rr["Weight"])
    elif rr["Name"] == "app.kaldrix.test.":
        print("failover", rr["SetIdentifier"], rr["Failover"], rr.get("HealthCheckId"), rr["TTL"],
              rr["ResourceRecords"][0]["Value"])
for hc in r53.list_health_checks()["HealthChecks"]:
    c = hc["HealthCheckConfig"]
    ref = hc["CallerReference"]
    print("check", hc["Id"], ref, c["Type"],
          c.get("FullyQualifiedDomainName"), c.get("ResourcePath"), c["FailureThreshold"],
          c.get("Inverted", False), c.get("Disabled", False))
