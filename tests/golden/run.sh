#!/usr/bin/env bash
# Golden tests: tests/golden/<suite>/<case>.kdx is run through kdx and its combined
# stdout+stderr plus "[exit N]" must equal <case>.out byte for byte.
# <case>.args (optional) holds the kdx arguments, with {} standing for the file;
# the default is "validate {}". Runs inside the suite directory, so paths are relative.
# --update rewrites the .out files (review the diff before committing).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KDX=${KDX:-$here/../../kdx}
update=${1:-}
only=${ONLY:-}
for f in "$here"/*/*.kdx; do
	[ -f "$f" ] || continue
	dir=$(dirname "$f")
	suite=$(basename "$dir")
	case_=$(basename "$f" .kdx)
	name="golden/$suite/$case_"
	[ -n "$only" ] && ! [[ $name =~ $only ]] && continue
	args="validate {}"
	[ -f "$dir/$case_.args" ] && args=$(head -1 "$dir/$case_.args")
	args=${args//\{\}/$case_.kdx}
	# no AWS credentials whatever the caller has: a check never asks AWS (DescribeTable for
	# a DynamoDB store's replicas) and says so the same way everywhere
	# shellcheck disable=SC2086
	actual=$(cd "$dir" && NO_COLOR=1 KDX_PATH= KDX_STATE= AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
		AWS_CONFIG_FILE=/nonexistent timeout 20 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
		-u AWS_SESSION_TOKEN -u AWS_PROFILE "$KDX" $args 2>&1; echo "[exit $?]")
	if [ "$update" = "--update" ]; then
		printf '%s\n' "$actual" >"$dir/$case_.out"
		echo "ok $name (updated)"
		continue
	fi
	if [ ! -f "$dir/$case_.out" ]; then
		echo "not ok $name: no $case_.out (run make golden-update)"
	elif diff -u "$dir/$case_.out" <(printf '%s\n' "$actual") >/tmp/kdx-golden-$$.diff; then
		echo "ok $name"
	else
		echo "not ok $name: output differs"
		sed 's/^/    /' /tmp/kdx-golden-$$.diff | head -40
	fi
	rm -f /tmp/kdx-golden-$$.diff
done
