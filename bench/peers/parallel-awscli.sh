#!/usr/bin/env bash
# Peer of bench/runbooks/parallel.kdx, the seed's way: one `aws` CLI process per AWS
# operation, the same operations as kdx, step after step: per region, the snapshot of the
# group's desired capacity, the scale-up, then the wait (instances InService, desired
# capacity). Uses AWS_ENDPOINT_URL and the AWS_* credentials from the environment.
set -euo pipefail
for r in us-east-1 us-west-2 eu-west-1 us-east-2 us-west-1 eu-central-1 ap-southeast-1 ap-northeast-1; do
	g=bench-fleet-$r
	aws autoscaling describe-auto-scaling-groups --region "$r" --auto-scaling-group-names "$g" \
		--query 'AutoScalingGroups[0].DesiredCapacity' --output text >/dev/null
	aws autoscaling update-auto-scaling-group --region "$r" --auto-scaling-group-name "$g" \
		--max-size 100 --desired-capacity 2
	while :; do
		n=$(aws autoscaling describe-auto-scaling-groups --region "$r" --auto-scaling-group-names "$g" \
			--query "length(AutoScalingGroups[0].Instances[?LifecycleState=='InService'])" --output text)
		d=$(aws autoscaling describe-auto-scaling-groups --region "$r" --auto-scaling-group-names "$g" \
			--query 'AutoScalingGroups[0].DesiredCapacity' --output text)
		[ "$n" -ge "$d" ] && break
		sleep 10
	done
done
