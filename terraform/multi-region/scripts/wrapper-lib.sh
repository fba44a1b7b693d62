# Shared by the seed's wrapper scripts (deploy-multi-region.sh, test-failover.sh,
# destroy-multi-region.sh): flag checks, locating kdx, and running or printing the kdx command.
# Sourced, never run. Env: KDX (path to the kdx binary), KDX_DRY_RUN=1 (print, do not run),
# and for a local run against an emulator (tests/demo.sh): KDX_VAR_FILE (one more -var-file after
# the environment's, whose values win), KDX_STATE_DIR (kdx's -state-dir for journals and locks).
# shellcheck shell=bash

KDX_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
KDX_ENVIRONMENTS=(production staging development)

# Relative paths are taken from where the script was started (run_kdx changes directory).
_abs_path() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
KDX_EXTRA_VARS=()
# shellcheck disable=SC2034 # used by the scripts that source this file
[ -z "${KDX_VAR_FILE:-}" ] || KDX_EXTRA_VARS=(-var-file "$(_abs_path "$KDX_VAR_FILE")")
KDX_EXTRA_STATE=()
# shellcheck disable=SC2034
[ -z "${KDX_STATE_DIR:-}" ] || KDX_EXTRA_STATE=(-state-dir "$(_abs_path "$KDX_STATE_DIR")")
KDX_KNOWN_REGIONS=(us-east-1 us-west-2 eu-west-1)

# usage_error MESSAGE: the message, the usage (from the caller's usage function), exit 1.
usage_error() {
	echo "$(basename "$0"): error: $1" >&2
	echo >&2
	usage >&2
	exit 1
}

check_environment() {
	local e
	[ -n "${1:-}" ] || usage_error "missing -e ENVIRONMENT (one of: ${KDX_ENVIRONMENTS[*]})"
	for e in "${KDX_ENVIRONMENTS[@]}"; do
		[ "$1" = "$e" ] && return 0
	done
	usage_error "unknown environment '$1': use one of ${KDX_ENVIRONMENTS[*]}"
}

# check_region REGION WHAT: a region KALDRIX runs in.
check_region() {
	local r
	for r in "${KDX_KNOWN_REGIONS[@]}"; do
		[ "$1" = "$r" ] && return 0
	done
	usage_error "unknown $2 '$1': KALDRIX runs in ${KDX_KNOWN_REGIONS[*]}"
}

check_domain() {
	[[ $1 =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$ ]] ||
		usage_error "invalid domain '$1': expected a DNS name such as staging.kaldrix.io"
}

# default_domain ENV: the zone each environment's tfvars and kdxvars use.
default_domain() {
	case $1 in
	production) echo "kaldrix.io" ;;
	development) echo "dev.kaldrix.io" ;;
	*) echo "$1.kaldrix.io" ;;
	esac
}

# The kdx binary: $KDX, else ./kdx at the repository root, else kdx on the PATH.
kdx_binary() {
	if [ -n "${KDX:-}" ]; then
		echo "$KDX"
	elif [ -x "$KDX_REPO_ROOT/kdx" ]; then
		echo "$KDX_REPO_ROOT/kdx"
	else
		echo "kdx"
	fi
}

# kdx_has_command NAME: true when this kdx knows the subcommand.
kdx_has_command() {
	"$(kdx_binary)" help "$1" >/dev/null 2>&1
}

# Quote one word for display so that the printed line can be pasted into a shell.
_shell_word() {
	if [[ $1 =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
		printf '%s' "$1"
	else
		printf "'%s'" "${1//\'/\'\\\'\'}"
	fi
}

# run_kdx ARGS...: run kdx from the repository root (the plans/ paths are relative to it), or
# with KDX_DRY_RUN=1 print the command line instead. Exits with kdx's status.
run_kdx() {
	local bin word line
	bin=$(kdx_binary)
	# a kdx built in this checkout has no path of it compiled in: give it this stdlib
	if [ "$bin" = "$KDX_REPO_ROOT/kdx" ] && [ -z "${KDX_STDLIB:-}" ]; then
		export KDX_STDLIB=$KDX_REPO_ROOT/stdlib
	fi
	line=""
	[ -n "${VAULT_ADDR:-}" ] && [ -n "${KDX_WRAPPER_VAULT:-}" ] && line="VAULT_ADDR=$(_shell_word "$VAULT_ADDR") "
	line+=$(_shell_word "$bin")
	for word in "$@"; do
		line+=" $(_shell_word "$word")"
	done
	if [ "${KDX_DRY_RUN:-0}" = "1" ]; then
		echo "$line"
		exit 0
	fi
	echo "+ $line" >&2
	cd "$KDX_REPO_ROOT" || exit 1
	if ! command -v "$bin" >/dev/null 2>&1; then
		echo "$(basename "$0"): error: kdx not found at '$bin': run 'make' at the repository root or set KDX" >&2
		exit 1
	fi
	exec "$bin" "$@"
}
