#!/usr/bin/env bash
# Peer of bench/runbooks/failover.kdx, the seed's way: one `aws` CLI process per AWS
# operation, the same operations in the same order as kdx sends them (stop condition read,
# snapshots, the two scale-ups, stop condition read, weights snapshot, the change, its status).
# Uses AWS_ENDPOINT_URL and the AWS_* credentials from the environment (bench/apply.sh sets them).
set -euo pipefail
zone=${1:-kaldrix.test}
env=${2:-test}
stop_alarm() {
	state=$(aws cloudwatch describe-alarms --region us-west-2 \
		--alarm-names "kaldrix-$env-us-west-2-5xx" --query 'MetricAlarms[0].StateValue' --output text)
	[ "$state" != ALARM ] || { echo "stop condition kaldrix-$env-us-west-2-5xx is ALARM" >&2; exit 1; }
}
stop_alarm
for r in us-west-2 eu-west-1; do
	aws autoscaling describe-auto-scaling-groups --region "$r" \
		--auto-scaling-group-names "kaldrix-$env-$r" \
		--query 'AutoScalingGroups[0].DesiredCapacity' --output text >/dev/null
done
for r in us-west-2 eu-west-1; do
	aws autoscaling update-auto-scaling-group --region "$r" --auto-scaling-group-name "kaldrix-$env-$r" \
		--max-size 100 --desired-capacity 2
done
stop_alarm
zid=$(aws route53 list-hosted-zones-by-name --dns-name "$zone." --query 'HostedZones[0].Id' --output text)
aws route53 list-resource-record-sets --hosted-zone-id "$zid" >/dev/null
zid=$(aws route53 list-hosted-zones-by-name --dns-name "$zone." --query 'HostedZones[0].Id' --output text)
changes=""
for rw in us-east-1:0 us-west-2:60 eu-west-1:40; do
	r=${rw%%:*} w=${rw##*:}
	changes="$changes${changes:+,}{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"api.$zone.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"$r\",\"Weight\":$w,\"TTL\":60,\"ResourceRecords\":[{\"Value\":\"api-$r.$zone\"}]}}"
done
cid=$(aws route53 change-resource-record-sets --hosted-zone-id "$zid" \
	--change-batch "{\"Comment\":\"kdx: set weights of api.$zone.\",\"Changes\":[$changes]}" \
	--query 'ChangeInfo.Id' --output text)
while [ "$(aws route53 get-change --id "$cid" --query 'ChangeInfo.Status' --output text)" != INSYNC ]; do
	sleep 2
done
