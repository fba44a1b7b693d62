#!/usr/bin/env bash
# bench/poll_moto.sh's aws CLI contestant: the change, then `aws ... wait` for it.
#   poll-awscli.sh route53|rds LABEL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
svc=$1 label=$2
case $svc in
route53)
	zid=$(python3 "$here/poll_peers.py" zone-id "$label")
	batch='{"Changes":['
	for rw in us-east-1:100 us-west-2:0; do
		batch+="{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"api.$label.bench.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"${rw%%:*}\",\"Weight\":${rw#*:},\"TTL\":60,\"ResourceRecords\":[{\"Value\":\"api-${rw%%:*}.$label.bench\"}]}},"
	done
	batch="${batch%,}]}"
	cid=$(aws route53 change-resource-record-sets --hosted-zone-id "$zid" --change-batch "$batch" \
		--query ChangeInfo.Id --output text)
	aws route53 wait resource-record-sets-changed --id "$cid"
	;;
rds)
	aws rds modify-db-cluster --region us-west-2 --db-cluster-identifier "$label" --apply-immediately \
		--serverless-v2-scaling-configuration MinCapacity=4,MaxCapacity=16 >/dev/null
	aws rds wait db-cluster-available --region us-west-2 --db-cluster-identifier "$label"
	;;
esac
