#!/usr/bin/env bash
# kdx-ci.sh: what the CI examples next to this file run (github-actions.yml, gitlab-ci.yml).
#
#   kdx-ci.sh review RUNBOOK [VARFILE]   on every pull request: fmt -check, validate (SARIF),
#                                        check (JUnit), simulate -all-scenarios (JUnit), plan
#                                        (a Markdown comment and the saved plan), into $KDX_OUT
#   kdx-ci.sh publish PLANFILE SHA       keep the reviewed plan in the shared store:
#                                        $KDX_STORE/plans/SHA.plan (s3://BUCKET/PREFIX)
#   kdx-ci.sh apply SHA                  on merge: fetch the plan reviewed for SHA and apply
#                                        it; kdx refuses it if a source or the live state
#                                        changed since the review. Journals go to
#                                        $KDX_STORE/runs/ so any runner can resume or roll back.
#
# Environment: KDX (default: kdx), KDX_OUT (default: kdx-out), KDX_STORE (s3://… for publish
# and apply), the usual AWS_* variables. Every step of review runs even when one fails, so
# the reviewer gets every report; the exit status is 1 when any failed.
set -uo pipefail
kdx=${KDX:-kdx}
out=${KDX_OUT:-kdx-out}

die() { echo "kdx-ci: $*" >&2; exit 1; }
to() { local f=$1; shift; "$@" > "$f"; } # to FILE CMD...: CMD's output into FILE

review() {
	local rb=$1 vf=${2:-} failed=0 vars=()
	[ -f "$rb" ] || die "no runbook '$rb'"
	[ -n "$vf" ] && vars=(-var-file "$vf")
	mkdir -p "$out"
	step() { # step NAME CMD...: run, note a failure, go on
		local name=$1
		shift
		echo "== $name"
		if ! "$@"; then
			echo "kdx-ci: $name failed" >&2
			failed=1
		fi
	}
	step "fmt -check" "$kdx" fmt -check "$(dirname "$rb")"
	step "validate" to "$out/kdx.sarif" "$kdx" validate -format sarif "${vars[@]}" "$rb"
	step "check" to "$out/kdx-check.xml" "$kdx" check -format junit "${vars[@]}" "$rb"
	step "simulate" to "$out/kdx-simulate.xml" "$kdx" simulate -all-scenarios -format junit "${vars[@]}" "$rb"
	step "plan" to "$out/kdx-plan.md" "$kdx" plan -format md -out "$out/kdx.plan" "${vars[@]}" "$rb"
	ls -l "$out"
	return $failed
}

need_store() {
	case ${KDX_STORE:-} in
	s3://*) ;;
	*) die "KDX_STORE must be s3://BUCKET[/PREFIX], not '${KDX_STORE:-}'" ;;
	esac
}

publish() {
	need_store
	[ -f "$1" ] || die "no plan file '$1'"
	aws s3 cp --only-show-errors "$1" "$KDX_STORE/plans/$2.plan"
}

apply() {
	need_store
	local sha=$1 dir rc
	dir=$(mktemp -d)
	aws s3 cp --only-show-errors "$KDX_STORE/plans/$sha.plan" "$dir/kdx.plan" ||
		die "no reviewed plan for $sha in $KDX_STORE/plans/: was the pull request reviewed by kdx-ci.sh review?"
	# the journals of earlier runs, so a resume or rollback from another runner finds them
	aws s3 sync --only-show-errors "$KDX_STORE/runs/" "$dir/runs/" || die "cannot read $KDX_STORE/runs/"
	"$kdx" apply -auto-approve -state-dir "$dir/runs" "$dir/kdx.plan"
	rc=$?
	aws s3 sync --only-show-errors "$dir/runs/" "$KDX_STORE/runs/" || die "cannot save the journal to $KDX_STORE/runs/"
	rm -rf "$dir"
	return $rc
}

case ${1:-} in
review) shift; [ $# -ge 1 ] || die "usage: kdx-ci.sh review RUNBOOK [VARFILE]"; review "$@" ;;
publish) shift; [ $# -eq 2 ] || die "usage: kdx-ci.sh publish PLANFILE SHA"; publish "$@" ;;
apply) shift; [ $# -eq 1 ] || die "usage: kdx-ci.sh apply SHA"; apply "$@" ;;
*) die "usage: kdx-ci.sh review RUNBOOK [VARFILE] | publish PLANFILE SHA | apply SHA" ;;
esac
