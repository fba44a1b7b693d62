#!/usr/bin/env bash
# Install (with apt-get) the Debian packages kdx builds and tests with; quiet and
# idempotent when everything is already there. --check only reports what is missing.
set -euo pipefail
pkgs=(build-essential clang pkg-config flex bison libjson-c-dev libssl-dev
      libcmocka-dev libexpat1-dev libcurl4-openssl-dev valgrind graphviz bats shellcheck python3 curl
      libxml2-utils python3-jsonschema iproute2 man-db bash-completion zsh fish cmark-gfm vim nghttp2-server)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing packages: ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
	$sudo apt-get update -qq >/dev/null
	$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
