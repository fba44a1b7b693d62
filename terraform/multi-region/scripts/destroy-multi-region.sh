#!/usr/bin/env bash
# Tear KALDRIX down: the seed's destroy script, now a thin wrapper over
# `kdx apply plans/destroy.kdx`. Production asks for the environment's name unless -f is given.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=wrapper-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/wrapper-lib.sh"

usage() {
	cat <<USAGE
Usage: $(basename "$0") -e ENVIRONMENT [-f] [-h]

Destroy the KALDRIX multi-region stack with kdx (plans/destroy.kdx).

Options:
  -e ENVIRONMENT  production, staging or development (required)
  -f              force: no confirmation, kdx runs with -auto-approve
  -h              show this help

Without -f, production first asks you to type its name, and kdx asks before it changes anything.

Environment:
  KDX             path to the kdx binary (default: ./kdx, else kdx on the PATH)
  KDX_DRY_RUN=1   print the kdx command instead of running it
  KDX_VAR_FILE    one more kdx -var-file (e.g. the settings of a local run against moto_server)
  KDX_STATE_DIR   kdx's -state-dir (journals and locks; default: plans/.kdx)

Examples:
  $(basename "$0") -e development
  $(basename "$0") -e staging -f
  $(basename "$0") -e production
USAGE
}

env_name="" force=0
while getopts ":e:fh" opt; do
	case $opt in
	e) env_name=$OPTARG ;;
	f) force=1 ;;
	h) usage; exit 0 ;;
	:) usage_error "option -$OPTARG needs a value" ;;
	*) usage_error "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage_error "unexpected argument '$1'"
check_environment "$env_name"

if [ "$env_name" = production ] && [ $force -eq 0 ]; then
	echo "This destroys every KALDRIX production resource in every region." >&2
	printf "Type 'production' to continue: " >&2
	answer=""
	read -r answer || true
	if [ "$answer" != production ]; then
		echo "$(basename "$0"): aborted: nothing was destroyed (type 'production' or use -f)" >&2
		exit 1
	fi
fi

args=(apply plans/destroy.kdx -allow-exec -var-file "plans/environments/$env_name.kdxvars" ${KDX_EXTRA_VARS[@]+"${KDX_EXTRA_VARS[@]}"}
	${KDX_EXTRA_STATE[@]+"${KDX_EXTRA_STATE[@]}"})
[ $force -eq 1 ] && args+=(-auto-approve)
run_kdx "${args[@]}"
