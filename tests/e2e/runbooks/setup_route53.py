"""Create the hosted zone and the three weighted records 70/20/10 the e2e runbooks use.
Usage: setup_route53.py ZONE (AWS_ENDPOINT_URL points at moto_server)."""
import sys

import boto3

zone = sys.argv[1] if len(sys.argv) > 1 else "kaldrix.test"
r53 = boto3.client("route53")
zid = r53.create_hosted_zone(Name=zone + ".", CallerReference="kdx-e2e-" + zone)["HostedZone"]["Id"]
changes = []
for region, weight in (("us-east-1", 70), ("us-west-2", 20), ("eu-west-1", 10)):
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "api.%s." % zone, "Type": "CNAME", "SetIdentifier": region, "Weight": weight,
        "TTL": 60, "ResourceRecords": [{"Value": "api-%s.%s" % (region, zone)}]}})
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
print(zid)
