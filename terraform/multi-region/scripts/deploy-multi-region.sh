#!/usr/bin/env bash
# Deploy KALDRIX to its regions: the seed's deploy script, now a thin wrapper over
# `kdx apply plans/deploy.kdx` (Terraform per region, primary first, then health, then DNS weights).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=wrapper-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/wrapper-lib.sh"

usage() {
	cat <<USAGE
Usage: $(basename "$0") -e ENVIRONMENT [-r REGIONS] [-p PRIMARY] [-d DOMAIN] [-v VAULT_ADDR] [-h]

Deploy the KALDRIX multi-region stack with kdx (plans/deploy.kdx).

Options:
  -e ENVIRONMENT  production, staging or development (required)
  -r REGIONS      comma-separated regions (default: us-east-1,us-west-2,eu-west-1)
  -p PRIMARY      primary region, one of REGIONS (default: us-east-1)
  -d DOMAIN       DNS zone (default: kaldrix.io, staging.kaldrix.io or dev.kaldrix.io)
  -v VAULT_ADDR   Vault server the secrets come from (exported as VAULT_ADDR)
  -h              show this help

Environment:
  KDX             path to the kdx binary (default: ./kdx, else kdx on the PATH)
  KDX_DRY_RUN=1   print the kdx command instead of running it
  KDX_VAR_FILE    one more kdx -var-file (e.g. the settings of a local run against moto_server)
  KDX_STATE_DIR   kdx's -state-dir (journals and locks; default: plans/.kdx)

Examples:
  $(basename "$0") -e staging
  $(basename "$0") -e production -r us-east-1,us-west-2,eu-west-1 -p us-east-1 -d kaldrix.io
  $(basename "$0") -e development -p us-west-2 -v https://vault.internal:8200
USAGE
}

env_name="" regions="us-east-1,us-west-2,eu-west-1" primary="us-east-1" domain="" vault=""
while getopts ":e:r:p:d:v:h" opt; do
	case $opt in
	e) env_name=$OPTARG ;;
	r) regions=$OPTARG ;;
	p) primary=$OPTARG ;;
	d) domain=$OPTARG ;;
	v) vault=$OPTARG ;;
	h) usage; exit 0 ;;
	:) usage_error "option -$OPTARG needs a value" ;;
	*) usage_error "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage_error "unexpected argument '$1'"

check_environment "$env_name"
IFS=, read -r -a region_list <<<"$regions"
[ ${#region_list[@]} -gt 0 ] || usage_error "-r needs at least one region"
seen=" "
for r in "${region_list[@]}"; do
	check_region "$r" "region"
	[[ $seen == *" $r "* ]] && usage_error "region '$r' is listed twice in -r"
	seen+="$r "
done
check_region "$primary" "primary region"
[[ $seen == *" $primary "* ]] || usage_error "primary region '$primary' is not in -r '$regions'"
[ -n "$domain" ] || domain=$(default_domain "$env_name")
check_domain "$domain"
if [ -n "$vault" ]; then
	[[ $vault =~ ^https?://[^[:space:]]+$ ]] || usage_error "invalid Vault address '$vault': expected http(s)://HOST[:PORT]"
	export VAULT_ADDR=$vault KDX_WRAPPER_VAULT=1
fi

list="["
for r in "${region_list[@]}"; do
	list+="\"$r\","
done
list="${list%,}]"

run_kdx apply plans/deploy.kdx -allow-exec -var-file "plans/environments/$env_name.kdxvars" ${KDX_EXTRA_VARS[@]+"${KDX_EXTRA_VARS[@]}"} \
	-var "regions=$list" -var "primary=$primary" -var "domain=$domain" ${KDX_EXTRA_STATE[@]+"${KDX_EXTRA_STATE[@]}"} -auto-approve
