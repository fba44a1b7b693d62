#!/usr/bin/env bash
# make demo: KALDRIX end to end on this machine. moto_server stands in for AWS (a free
# 127.0.0.1 port); the seed's scripts (terraform/multi-region/scripts) drive kdx: Terraform
# deploys staging through kdx, a rehearsal on the world model, the failover to us-west-2 (the
# achieved RTO against the objective); then kdx fails back, the destroy script tears it all
# down, and a short report ends it.
# Every process started here is stopped by PID in the EXIT trap.
#   KDX_DEMO_KEEP=1   keep the work directory (logs, journals, Terraform copy)
#   KDX_DEMO_VERIFY=1 check each phase with boto3 (tests/e2e/t0710 sets it)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
KDX=${KDX:-$repo/kdx}
export KDX_STDLIB=${KDX_STDLIB:-$repo/stdlib} # no source-tree path is compiled into kdx
work=$(mktemp -d "${TMPDIR:-/tmp}/kdx-demo.XXXXXX")
pids=()
phase_pgid= # the running phase's process group: Terraform and its provider plugins live in it
cleanup() {
	local p
	# A phase stopped half-way leaves Terraform and its provider processes behind unless the
	# whole group goes: the plugins are Terraform's children, not ours.
	# kdx stops its Terraform gracefully on SIGTERM and exits after it: wait for that before
	# moto and the work directory go.
	if [ -n "$phase_pgid" ]; then
		kill -TERM -- "-$phase_pgid" 2>/dev/null || true
		wait "$phase_pgid" 2>/dev/null || true
	fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "${KDX_DEMO_KEEP:-}" ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
die() { echo "demo: $*" >&2; exit 1; }

for c in moto_server terraform python3 curl ss; do
	command -v "$c" >/dev/null || die "'$c' is missing: run 'make deps' first"
done
[ -d /opt/tf-plugins ] || die "no provider mirror at /opt/tf-plugins: run 'make deps' first"
[ -x "$KDX" ] || die "no kdx binary at '$KDX': run 'make' first"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# start_server NAME LOG PATH COMMAND...: COMMAND (its argument @PORT@ replaced by a free port)
# in the background, ready when the listener on the port is its own and PATH answers there. The
# port free_port found is free no longer once its socket closes, so another process (a test
# beside this demo, in t0710) may take it first; answering there is not enough, it could be
# another moto. The server then starts again on another port, as tests/e2e/lib.sh's start_moto
# does. Sets srv_port and srv_pid.
start_server() {
	local name=$1 log=$2 path=$3 _ pid
	shift 3
	for _ in 1 2 3 4 5; do
		srv_port=$(free_port)
		"${@//@PORT@/$srv_port}" >"$log" 2>&1 &
		pid=$!
		pids+=("$pid")
		for _ in $(seq 1 300); do
			if ss -ltnpH "sport = :$srv_port" 2>/dev/null | grep -q "pid=$pid," &&
				curl -fsS -o /dev/null "http://127.0.0.1:$srv_port$path" 2>/dev/null; then
				srv_pid=$pid
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && die "$name did not answer at http://127.0.0.1:$srv_port$path in 30 s"
		grep -q 'Address already in use' "$log" || die "$name exited: $(tail -5 "$log")"
		wait "$pid" 2>/dev/null || true
		unset 'pids[-1]' # reaped: the cleanup must not kill whoever gets its PID next
	done
	die "$name found no free port in 5 attempts"
}

# --- moto_server, and a local health endpoint standing in for the API ---
# one request at a time: moto's EC2 is not thread-safe and Terraform sends 30 at once
# (tests/moto_serial.py says why; docs/testing.md, "moto under concurrency"). This run's clients
# (kdx, Terraform, boto3) sign with an access key id of their own, so that moto's log tells a
# request of another client that reached this server (moto takes any key).
key_id=KDXDEMO$(python3 -c 'import secrets; print(secrets.token_hex(6).upper())')
start_server moto_server "$work/moto.log" /moto-api/ env MOTO_SERIAL_KEY_ID="$key_id" \
	python3 "$repo/tests/moto_serial.py" -H 127.0.0.1 -p @PORT@
port=$srv_port moto_pid=$srv_pid
mkdir -p "$work/www" && echo ok >"$work/www/health"
start_server "the health endpoint" "$work/http.log" /health python3 -m http.server --bind 127.0.0.1 --directory "$work/www" @PORT@
hport=$srv_port
echo "moto_server on 127.0.0.1:$port (pid $moto_pid), health endpoint on 127.0.0.1:$hport"

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE=$work/no-credentials AWS_CONFIG_FILE=$work/no-config
unset AWS_PROFILE AWS_SESSION_TOKEN
: >"$work/terraformrc"
export TF_CLI_CONFIG_FILE=$work/terraformrc KDX_TF_PLUGIN_DIR=/opt/tf-plugins
unset TF_WORKSPACE TF_DATA_DIR
# Most of a deploy or destroy is the AWS provider's fixed polling delays: more resources in flight
# at once (Terraform's default is 10) shortens both (docs/benchmarks.md, KALDRIX demo).
export TF_CLI_ARGS_apply=-parallelism=30 TF_CLI_ARGS_destroy=-parallelism=30

# --- the Terraform configuration, pointed at moto (a copy: the tree stays clean) ---
tf=$work/multi-region
mkdir -p "$tf"
(cd terraform/multi-region && tar --exclude=.terraform --exclude='*.tfstate*' --exclude=moto_override.tf \
	--exclude=.terraform.lock.hcl -cf - .) | tar -C "$tf" -xf -
terraform/multi-region/scripts/moto-override.sh -o "$tf" -k "$key_id" "$port" >/dev/null

scripts=$repo/terraform/multi-region/scripts
export KDX KDX_STATE_DIR=$work/kdx
# The moto-local settings (docs/kaldrix.md), as one more var file per runbook that the seed's
# wrapper scripts pass on (KDX_VAR_FILE): one Terraform apply, the writer detached (moto has no
# FailoverGlobalCluster), no EKS workload scaling (no Kubernetes API: t1020 tests it against a
# stand-in) and no Redis Global Datastore failover (moto has no global replication groups:
# t0650 checks those requests against the API model), the API's health checks against the
# local endpoint.
printf 'tf_dir = "%s"\n' "$tf" >"$work/destroy.kdxvars"
printf 'tf_dir = "%s"\nstaged = false\n' "$tf" >"$work/deploy.kdxvars"
cat >"$work/runbooks.kdxvars" <<VARS
db_failover       = "detach"
workloads         = false
cache_failover    = false
alarm_suffix      = "alb-5xx"
topic_name        = "kaldrix-staging-us-east-1-alerts"
health_url        = "http://127.0.0.1:$hport/health"
target_health_url = "http://127.0.0.1:$hport/health"
VARS

report=()
secs_failover=0
weights() { python3 "$repo/tests/e2e/kaldrix_state.py" weights staging.kaldrix.io 2>/dev/null || echo "-"; }
verify() { [ -z "${KDX_DEMO_VERIFY:-}" ] || python3 "$repo/tests/e2e/kaldrix_state.py" "$@"; }
# phase NAME COMMAND...: run it with its output in $work/NAME.log, show the log's end, time it.
phase() {
	local name=$1 log=$work/$1.log t0 t1 rc=0
	shift
	echo "== $name: ${*#"$repo/"}"
	t0=$(date +%s.%N)
	# In its own process group (setsid), waited for in the background so that a TERM or INT
	# to the demo runs the traps at once and the cleanup can stop the group.
	setsid "$@" >"$log" 2>&1 </dev/null &
	phase_pgid=$!
	wait "$phase_pgid" || rc=$?
	phase_pgid=
	t1=$(date +%s.%N)
	local secs
	secs=$(python3 -c "print(f'{$t1-$t0:.1f}')")
	tail -n 25 "$log" | sed 's/^/   /'
	local res=ok
	[ "$rc" = 0 ] || res="FAILED (exit $rc)"
	report+=("$(printf '%-9s %8ss  %-18s weights %s' "$name" "$secs" "$res" "$(weights)")")
	[ "$name" != failover ] || secs_failover=$secs
	[ "$rc" = 0 ] || { printf '%s\n' "${report[@]}"; die "phase '$name' failed (log: $log)"; }
}

start=$(date +%s)
KDX_VAR_FILE=$work/deploy.kdxvars phase deploy "$scripts/deploy-multi-region.sh" -e staging
verify deployed
[ -z "${KDX_DEMO_VERIFY:-}" ] || verify snapshot >"$work/deployed.json"

# What Aurora would publish and moto does not: the replication lag that the lag gate reads.
for r in us-east-1 us-west-2 eu-west-1; do
	python3 - "$r" <<'EOF'
import sys, datetime, boto3
r = sys.argv[1]
boto3.client("cloudwatch", region_name=r).put_metric_data(Namespace="AWS/RDS", MetricData=[{
    "MetricName": "AuroraGlobalDBReplicationLag", "Value": 120.0, "Unit": "Milliseconds",
    "Timestamp": datetime.datetime.now(datetime.timezone.utc),
    "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "kaldrix-staging-" + r}]}])
EOF
done

# The health checks' ids, from Terraform's outputs, as a kdx map.
hc=$(cd "$tf" && TF_WORKSPACE=staging terraform output -json health_check_ids |
	python3 -c 'import json,sys; print("{" + ", ".join("\"%s\" = \"%s\"" % kv for kv in json.load(sys.stdin).items()) + "}")')
echo "health_check_ids  = $hc" >>"$work/runbooks.kdxvars"

export KDX_VAR_FILE=$work/runbooks.kdxvars
phase rehearsal "$scripts/test-failover.sh" -e staging -t simulation
phase failover "$scripts/test-failover.sh" -e staging -t real -r us-west-2
verify failed-over us-west-2
phase failback "$KDX" apply plans/failback.kdx -var-file plans/environments/staging.kdxvars \
	-var-file "$KDX_VAR_FILE" -state-dir "$KDX_STATE_DIR" -auto-approve
verify failed-back "$work/deployed.json"

# moto 5.2.1 cannot delete this global cluster, ever: RemoveFromGlobalCluster and DeleteDBCluster
# take a cluster out of a global cluster only when the request goes to us-east-1 (where moto keeps
# global clusters) and the cluster is in us-east-1 too, so the us-west-2 and eu-west-1 members stay
# listed after their clusters are deleted, and DeleteGlobalCluster answers 400
# InvalidGlobalClusterStateFault "is not empty" until the provider's delete timeout. On AWS the
# provider detaches the secondaries and the destroy deletes it. Terraform forgets it here, as t0700
# does; the check after the destroy makes sure none of its members is left (kaldrix_state.py).
(cd "$tf" && TF_WORKSPACE=staging terraform state rm module.global_database.aws_rds_global_cluster.this) \
	>"$work/state-rm.log" 2>&1 || die "terraform state rm of the global cluster: $(cat "$work/state-rm.log")"
KDX_VAR_FILE=$work/destroy.kdxvars phase destroy "$scripts/destroy-multi-region.sh" -e staging -f
verify destroyed

total=$(($(date +%s) - start))
echo
echo "KALDRIX demo report (staging on moto_server, Terraform $(terraform version | head -1 | cut -d' ' -f2))"
printf '%s\n' "phase       duration  result             weights (us-east-1/us-west-2/eu-west-1)" "${report[@]}"
rto_ok=$(python3 -c "print('met' if $secs_failover <= 900 else 'MISSED')")
echo "failover RTO: ${secs_failover}s achieved against an objective of 15m (900s): $rto_ok"
echo "total: ${total}s"
