#!/usr/bin/env bash
# Exercise KALDRIX failover: the seed's test script, now a thin wrapper over kdx.
#   -t simulation  kdx simulate plans/failover.kdx (kdx apply -dry-run until simulate exists)
#   -t real        kdx apply plans/failover.kdx: traffic and the database move to -r REGION
#   -t rollback    kdx rollback of the failover (kdx apply plans/failback.kdx until rollback exists)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=wrapper-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/wrapper-lib.sh"

usage() {
	cat <<USAGE
Usage: $(basename "$0") -e ENVIRONMENT -t simulation|real|rollback [-d DOMAIN] [-r REGION] [-h]

Test KALDRIX failover with kdx (plans/failover.kdx, plans/failback.kdx).

Options:
  -e ENVIRONMENT  production, staging or development (required)
  -t TYPE         simulation: rehearse without touching anything (kdx simulate)
                  real:       fail over to REGION (kdx apply; production asks for approval)
                  rollback:   undo the last failover (kdx rollback)
  -d DOMAIN       DNS zone (default: kaldrix.io, staging.kaldrix.io or dev.kaldrix.io)
  -r REGION       region to fail over to (default: us-west-2)
  -h              show this help

Environment:
  KDX             path to the kdx binary (default: ./kdx, else kdx on the PATH)
  KDX_DRY_RUN=1   print the kdx command instead of running it
  KDX_VAR_FILE    one more kdx -var-file (e.g. the settings of a local run against moto_server)
  KDX_STATE_DIR   kdx's -state-dir (journals and locks; default: plans/.kdx)

Examples:
  $(basename "$0") -e staging -t simulation
  $(basename "$0") -e staging -t real -r us-west-2
  $(basename "$0") -e staging -t rollback -r us-west-2
  $(basename "$0") -e production -d kaldrix.io -t real -r eu-west-1
USAGE
}

env_name="" type="" domain="" target="us-west-2"
while getopts ":e:t:d:r:h" opt; do
	case $opt in
	e) env_name=$OPTARG ;;
	t) type=$OPTARG ;;
	d) domain=$OPTARG ;;
	r) target=$OPTARG ;;
	h) usage; exit 0 ;;
	:) usage_error "option -$OPTARG needs a value" ;;
	*) usage_error "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage_error "unexpected argument '$1'"

check_environment "$env_name"
case $type in
simulation | real | rollback) ;;
"") usage_error "missing -t TYPE (one of: simulation real rollback)" ;;
*) usage_error "unknown test type '$type': use simulation, real or rollback" ;;
esac
check_region "$target" "target region"
[ -n "$domain" ] || domain=$(default_domain "$env_name")
check_domain "$domain"

env_vars=(-var-file "plans/environments/$env_name.kdxvars")
common=("${env_vars[@]}" ${KDX_EXTRA_VARS[@]+"${KDX_EXTRA_VARS[@]}"} -var "domain=$domain" -var "target=$target")
# Production waits for kdx's own approval prompts; the other environments run unattended.
approve=()
[ "$env_name" = production ] || approve=(-auto-approve)

case $type in
simulation)
	# A rehearsal of the runbook as the environment defines it: a local run's settings
	# (KDX_VAR_FILE) are for an emulator, which a simulation never reaches.
	if kdx_has_command simulate; then
		run_kdx simulate plans/failover.kdx "${env_vars[@]}" -var "domain=$domain" -var "target=$target"
	else
		run_kdx apply -dry-run plans/failover.kdx "${common[@]}"
	fi
	;;
real)
	run_kdx apply plans/failover.kdx "${common[@]}" ${KDX_EXTRA_STATE[@]+"${KDX_EXTRA_STATE[@]}"} \
		${approve[@]+"${approve[@]}"}
	;;
rollback)
	# kdx rollback undoes what the last failover's journal shows done; it takes no params and
	# asks nothing (the journal has the requests), and reports the steps it cannot undo.
	if kdx_has_command rollback; then
		run_kdx rollback plans/failover.kdx ${KDX_EXTRA_STATE[@]+"${KDX_EXTRA_STATE[@]}"}
	else
		run_kdx apply plans/failback.kdx -var-file "plans/environments/$env_name.kdxvars" \
			${KDX_EXTRA_VARS[@]+"${KDX_EXTRA_VARS[@]}"} -var "domain=$domain" \
			${KDX_EXTRA_STATE[@]+"${KDX_EXTRA_STATE[@]}"} ${approve[@]+"${approve[@]}"}
	fi
	;;
esac
