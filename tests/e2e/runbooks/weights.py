"""Print the weights of api.ZONE. as region=weight,... (sorted), read with boto3."""
import sys

import boto3

zone = sys.argv[1] if len(sys.argv) > 1 else "kaldrix.test"
r53 = boto3.client("route53")
zid = r53.list_hosted_zones_by_name(DNSName=zone + ".")["HostedZones"][0]["Id"]
rrs = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
w = sorted("%s=%d" % (r["SetIdentifier"], r["Weight"]) for r in rrs
           if r["Name"] == "api.%s." % zone and "SetIdentifier" in r)
print(",".join(w))
