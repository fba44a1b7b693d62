#!/usr/bin/env bash
# Approvals with identity, from anywhere (issue #15.6), against moto: an apply waits at a
# gate `approval { min = 2 }` and polls its run store; kdx approve records the approver's
# STS identity. Two IAM users A and B (access keys made with boto3, never printed): A's
# approval, A's again and the runner's own leave the run waiting; B's lets it finish, and the
# journal, kdx show and kdx state show name A and B. A -deny in a second run stops it and
# rolls back. While the first run waits at its gate it holds its locks: a copy of the runbook
# under another name (another runbook lock, the same Route 53 record and Auto Scaling group)
# fails at once naming the holder -- its run id, pid, host, OS user, AWS identity and since
# when -- and changes nothing (issue #15.2). Once each with the file, S3 and DynamoDB stores.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
cd "$E2E_TMP"
cp "$KDX_REPO/templates/weighted-shift/"* .
cp runbook.kdx other.kdx
sed -i 's/  retry 2 backoff 2s/  retry 2 backoff 2s\n  approval { min = 2 }/' runbook.kdx
grep -q 'approval { min = 2 }' runbook.kdx || fail "the gate was not added"

# the world, and two people with their own keys (kept in files, never in any output)
python3 - <<'PY'
import boto3, os
iam = boto3.client("iam")
for u in ("alice", "bob"):
    iam.create_user(UserName=u)
    k = iam.create_access_key(UserName=u)["AccessKey"]
    fd = os.open(f"{u}.keys", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, f"{k['AccessKeyId']}\n{k['SecretAccessKey']}\n".encode())
    os.close(fd)
PY
[ -s alice.keys ] && [ -s bob.keys ] || fail "no access keys"
as_user() { # as_user NAME CMD...: run CMD with NAME's keys
	local u=$1
	shift
	{ read -r id; read -r secret; } <"$u.keys"
	AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret "$@"
}
world() { # zone id, then weights and the target fleet's capacity as "E W D"
	python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zones = r53.list_hosted_zones()["HostedZones"]
w = {}
for z in zones:
    for r in r53.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]:
        if r.get("SetIdentifier"):
            w[r["SetIdentifier"]] = r["Weight"]
a = boto3.client("autoscaling", region_name="us-west-2")
g = a.describe_auto_scaling_groups(AutoScalingGroupNames=["web-staging-us-west-2"])["AutoScalingGroups"][0]
print(w.get("us-east-1"), w.get("us-west-2"), g["DesiredCapacity"])
PY
}
reset_world() {
	python3 - <<'PY'
import boto3
r53 = boto3.client("route53")
zs = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "example.test."]
zid = zs[0]["Id"] if zs else r53.create_hosted_zone(Name="example.test.", CallerReference="ap")["HostedZone"]["Id"]
r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
    {"Action": "UPSERT", "ResourceRecordSet": {"Name": "web.example.test.", "Type": "CNAME",
     "SetIdentifier": r, "Weight": w, "TTL": 60, "ResourceRecords": [{"Value": f"web-{r}.example.test"}]}}
    for r, w in (("us-east-1", 70), ("us-west-2", 30))]})
for r in ("us-east-1", "us-west-2"):
    a = boto3.client("autoscaling", region_name=r)
    n = f"web-staging-{r}"
    if a.describe_auto_scaling_groups(AutoScalingGroupNames=[n])["AutoScalingGroups"]:
        a.update_auto_scaling_group(AutoScalingGroupName=n, DesiredCapacity=2)
    else:
        a.create_launch_configuration(LaunchConfigurationName="web", ImageId="ami-12c6146b", InstanceType="t3.micro")
        a.create_auto_scaling_group(AutoScalingGroupName=n, LaunchConfigurationName="web",
                                    MinSize=0, MaxSize=10, DesiredCapacity=2, AvailabilityZones=[f"{r}a"])
PY
}
# wait_for FILE TEXT: until the background apply wrote TEXT (or it ended)
wait_for() {
	local i
	for i in $(seq 600); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$P" 2>/dev/null || fail "the apply ended before '$2': $(cat "$1")"
		sleep 0.1
	done
	fail "no '$2' in $1: $(cat "$1")"
}
ALICE=arn:aws:iam::123456789012:user/alice
BOB=arn:aws:iam::123456789012:user/bob

# flow NAME STATE-FLAGS...: one approved run and one denied run in a store
flow() {
	local name=$1
	shift
	reset_world
	[ "$(world)" = "70 30 2" ] || fail "$name: world not reset: $(world)"
	"$KDX" plan -json -var-file staging.kdxvars "$@" runbook.kdx >plan.json 2>plan.err || true
	python3 - plan.json <<'PY' || fail "$name: the plan's gate: $(cat plan.json plan.err)"
import json, sys
p = json.load(open(sys.argv[1]))
steps = p["steps"] if isinstance(p.get("steps"), list) else p["plan"]["steps"]
g = [s for s in steps if s["name"] == "shift_traffic"][0]["approval_gate"]
assert g["required"] is True and g["min"] == 2, g
PY
	"$KDX" apply -auto-approve -approval-timeout 10m -var-file staging.kdxvars "$@" runbook.kdx >"$name.out" 2>"$name.err" &
	P=$!
	track_pid "$P"
	local run=""
	for _ in $(seq 600); do
		run=$("$KDX" state list "$@" 2>/dev/null | awk '/^runbook-/{print $1; exit}')
		[ -n "$run" ] && break
		kill -0 "$P" 2>/dev/null || fail "$name: apply ended: $(cat "$name.out" "$name.err")"
		sleep 0.1
	done
	[ -n "$run" ] || fail "$name: no run in the store: $("$KDX" state list "$@" 2>&1) $(cat "$name.out" "$name.err")"
	run=${run%%[[:space:]]*}

	# another runbook writing the same resources, while the run waits at its gate holding
	# their locks: refused at once, naming the holder completely
	local before
	for _ in $(seq 300); do
		before=$(world)
		[ "$before" = "70 30 4" ] && break
		sleep 0.1
	done
	[ "$before" = "70 30 4" ] || fail "$name: the run did not reach its gate: $before"
	out=$("$KDX" apply -auto-approve -var-file staging.kdxvars "$@" other.kdx 2>&1) && fail "$name: a second runbook ran beside the first: $out"
	assert_contains "$out" "is being changed by another run"
	assert_contains "$out" "kdx apply of runbook (env staging), run $run"
	assert_contains "$out" "pid $P on host $(hostname)"
	assert_contains "$out" "$(id -un)"
	assert_contains "$out" "AWS identity arn:aws:sts::123456789012:user/moto"
	echo "$out" | grep -Eq "since 20[0-9]{2}-[0-9]{2}-[0-9]{2}T" || fail "$name: the holder's since is missing: $out"
	[ "$(world)" = "$before" ] || fail "$name: the refused run changed the world: $before -> $(world)"

	# wrong step, and a step without a gate: clear errors naming the gated steps
	out=$(as_user alice "$KDX" approve "$run" nope "$@" 2>&1) && fail "$name: approved a missing step"
	assert_contains "$out" "the steps that wait for approval are 'shift_traffic'" 
	out=$(as_user alice "$KDX" approve "$@" no-such-run shift_traffic 2>&1) && fail "$name: approved a missing run"
	assert_contains "$out" "no run 'no-such-run'"

	out=$(as_user alice "$KDX" approve "$@" -comment "looks right" "$run" shift_traffic) || fail "$name: approve A: $out"
	assert_contains "$out" "approved step 'shift_traffic' of run '$run' as $ALICE"
	wait_for "$name.err" "approved by $ALICE"
	kill -0 "$P" || fail "$name: one approver of two let the run go"
	out=$(as_user alice "$KDX" approve "$@" -comment "again" "$run" shift_traffic) || fail "$name: approve A again: $out"
	wait_for "$name.err" ": \"again\")"
	out=$("$KDX" approve "$@" "$run" shift_traffic) || fail "$name: approve as the runner: $out"
	assert_contains "$out" "as arn:aws:sts::123456789012:user/moto"
	wait_for "$name.err" "approved by arn:aws:sts::123456789012:user/moto"
	kill -0 "$P" || fail "$name: the same person twice, or the runner, counted"
	[ "$(world)" = "70 30 4" ] || fail "$name: traffic moved before the gate opened: $(world)"

	out=$(as_user bob "$KDX" approve "$@" "$run" shift_traffic) || fail "$name: approve B: $out"
	wait "$P" || fail "$name: the approved apply failed: $(cat "$name.out" "$name.err")"
	[ "$(world)" = "0 100 4" ] || fail "$name: the run did not finish its work: $(world)"
	if [ "$name" = file ]; then # kdx show reads a journal file; a shared store's run: state show
		"$KDX" show -journal "$E2E_TMP/runs/$run.jsonl" >show.out 2>&1 || fail "$name: show: $(cat show.out)"
	else
		"$KDX" state show "$@" "$run" >show.out 2>&1 || fail "$name: show: $(cat show.out)"
	fi
	assert_contains "$(cat show.out)" "$ALICE"
	assert_contains "$(cat show.out)" "$BOB"
	# the journal's approval names who opened the gate: A and B, never the runner (whose
	# record kdx state show still lists: it was put, it just does not count)
	grep "approved by" show.out | grep -q "user/moto" && fail "$name: the runner counted: $(cat show.out)"
	"$KDX" state show "$@" "$run" >sshow.out 2>&1 || fail "$name: state show: $(cat sshow.out)"
	assert_contains "$(cat sshow.out)" "approval: shift_traffic by $ALICE"
	assert_contains "$(cat sshow.out)" "looks right"
	"$KDX" state show -json "$@" "$run" >journal.json || fail "$name: state show -json"
	python3 - journal.json <<PY || fail "$name: the journal does not name both approvers: $(cat journal.json)"
import json, sys
text = open(sys.argv[1]).read()
assert "$ALICE" in text and "$BOB" in text, text
PY
	for f in "$name.out" "$name.err" show.out sshow.out journal.json; do
		for k in $(cat alice.keys bob.keys); do
			grep -qF -- "$k" "$f" && fail "$name: an access key in $f"
		done
	done

	# a second run, denied: it stops at the gate and rolls back what it did
	reset_world
	"$KDX" apply -auto-approve -approval-timeout 10m -var-file staging.kdxvars "$@" runbook.kdx >"$name-d.out" 2>"$name-d.err" &
	P=$!
	track_pid "$P"
	local run2=""
	for _ in $(seq 600); do
		run2=$("$KDX" state list "$@" 2>/dev/null | awk -v o="$run" '/^runbook-/ && $1 != o {print $1; exit}')
		[ -n "$run2" ] && break
		kill -0 "$P" 2>/dev/null || fail "$name: second apply ended: $(cat "$name-d.out" "$name-d.err")"
		sleep 0.1
	done
	[ -n "$run2" ] || fail "$name: no second run"
	out=$(as_user bob "$KDX" approve -deny -comment "not now" "$@" "$run2" shift_traffic) || fail "$name: deny: $out"
	assert_contains "$out" "denied step 'shift_traffic' of run '$run2' as $BOB"
	wait "$P" && fail "$name: a denied run succeeded: $(cat "$name-d.out")"
	assert_contains "$(cat "$name-d.out" "$name-d.err")" "approval denied by $BOB"
	[ "$(world)" = "70 30 2" ] || fail "$name: the denied run was not rolled back: $(world)"
}

flow file -state "file://$E2E_TMP/runs"
# without -approval-timeout a gate nobody approved fails at once (a CI job never hangs on
# a gate by surprise) and the run rolls back; with a short one it gives up after it
for wait in "" "-approval-timeout 3s"; do
	reset_world
	# shellcheck disable=SC2086 # $wait is zero or two words
	out=$("$KDX" apply -auto-approve $wait -var-file staging.kdxvars -state "file://$E2E_TMP/runs-now" \
		runbook.kdx 2>&1) && fail "a gate nobody approved let the run go ($wait): $out"
	assert_contains "$out" "needs an approval"
	assert_contains "$out" "give -approval-timeout D and have others approve it with kdx approve"
	[ -z "$wait" ] || assert_contains "$out" "nobody within -approval-timeout (3 s)"
	[ "$(world)" = "70 30 2" ] || fail "the unapproved run was not rolled back ($wait): $(world)"
done
out=$("$KDX" apply -auto-approve -approval-timeout soon runbook.kdx 2>&1) && fail "a bad -approval-timeout was taken"
assert_contains "$out" "-approval-timeout takes a duration above zero"
U='s3://kdx-e2e-approvals/p?region=us-west-2' # a region the runbook does not leave
"$KDX" state init -state "$U" >/dev/null || fail "state init"
flow s3 -state "$U"
D='dynamodb://kdx-e2e-approvals?region=us-west-2'
"$KDX" state init -state "$D" >/dev/null || fail "state init $D"
flow dynamodb -state "$D"
echo "approvals with identity and complete lock holders: file, S3 and DynamoDB stores"
