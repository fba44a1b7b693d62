#!/usr/bin/env bash
# KALDRIX end to end, the demo's sequence (tests/demo.sh with KDX_DEMO_VERIFY=1): deploy staging
# with Terraform through kdx on moto (deploy-multi-region.sh), rehearse and fail over to us-west-2
# (test-failover.sh -t simulation, -t real), fail back (plans/failback.kdx), destroy
# (destroy-multi-region.sh -f). After each phase boto3 checks the world
# (tests/e2e/kaldrix_state.py): weights 70/20/10 and the writer in us-east-1 after the deploy;
# 0/90/10 with the target's fleet up and us-east-1 fenced after the failover; after the failback
# weights, desired capacities, writer and fence as right after the deploy; nothing left after
# the destroy. The writer does not move on moto 5.2.1 (docs/kaldrix.md). Takes several minutes
# (5 on an idle 2-core machine, 15 under load).
# timeout: 2400
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
[ -z "${KDX_E2E_QUICK:-}" ] || skip "KDX_E2E_QUICK is set (this test takes several minutes)"
command -v terraform >/dev/null || skip "terraform not installed"
command -v moto_server >/dev/null || skip "moto_server not installed"
[ -d /opt/tf-plugins ] || skip "no provider mirror at /opt/tf-plugins"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
# The work directory is kept (and goes with E2E_TMP) so that a failure can show what moto saw.
demo() { KDX="$KDX" KDX_DEMO_KEEP=1 KDX_DEMO_VERIFY=1 TMPDIR="$E2E_TMP" "$KDX_REPO/tests/demo.sh" 2>&1; }
# What moto's log says of a failed run (moto_evidence, lib.sh): the evidence for or against the
# cause below.
demo_evidence() { moto_evidence "$(sed -n 's/^work directory kept: //p' <<<"$1" | tail -1)/moto.log"; }
# Known flakes outside kdx, retried once: under load, a Terraform apply or destroy of this
# configuration on moto 5.2.1 failed now and then on a non-idempotent call of its own that moto
# had already carried out: EC2's "InvalidPermission.Duplicate" (creating the security group
# rule alb_to_app) or "InvalidPermission.NotFound" (deleting it), and once (CI, 2026-12-06)
# Route 53's "Tried to create resource record set [...] but it already exists" for one of the
# weighted api records Terraform was creating -- moto 5.2.1 raises that only for a change batch
# identical to one it has already applied, so the same request reached it twice. kdx then
# reported the step as it should (rolled back, or paused in doubt). EC2's twice in loaded
# full-suite runs before moto was serialised; after, Route 53's once and EC2's NotFound once (CI,
# stop 26), both with moto answering no 5xx. The cause before, moto answering 500 under
# concurrent requests after making the change, is why demo.sh serialises moto
# (tests/moto_serial.py). The cause since, seen on the wire: under load the AWS provider closes
# its connection as soon as an answer's headers arrive, before the body, and sends the call
# again; moto_serial.py now sends headers and body together, logs every call an SDK sends again,
# and demo_evidence prints it. This retry is the second guard (docs/testing.md, "t0710's flake").
# Anything else, or a flake twice, fails the test.
flake_re='operation error EC2: (Authorize|Revoke)SecurityGroup(Egress|Ingress),.*api error InvalidPermission\.(Duplicate|NotFound)'
flake_re+='|operation error Route 53: ChangeResourceRecordSets,.*InvalidChangeBatch: Tried to create resource record set .* but it already exists'
rc=0
out=$(demo) || rc=$?
if [ $rc -ne 0 ] && grep -qE "$flake_re" <<<"$out"; then
	# "note: " lines are shown by tests/run.sh even when the second demo passes
	echo "note: moto flake on a resent non-idempotent call (docs/testing.md), the demo once more: $(grep -m1 -oE 'operation error [A-Za-z0-9 ]+: [A-Za-z]+' <<<"$out") $(grep -m1 -oE 'api error InvalidPermission\.[A-Za-z]+|InvalidChangeBatch: Tried to create [^]]*]' <<<"$out")"
	demo_evidence "$out" | sed 's/^/note: /'
	rc=0
	out=$(demo) || rc=$?
fi
[ $rc -eq 0 ] || fail "demo: $(tail -40 <<<"$out")
$(demo_evidence "$out")"
assert_contains "$out" "KALDRIX demo report"
for p in deploy rehearsal failover failback destroy; do
	grep -qE "^$p +[0-9.]+s +ok" <<<"$out" || fail "phase $p not ok: $(tail -12 <<<"$out")"
done
grep -qE "^deploy .* weights 70/20/10" <<<"$out" || fail "weights after deploy: $(tail -8 <<<"$out")"
grep -qE "^failover .* weights 0/90/10" <<<"$out" || fail "weights after failover: $(tail -8 <<<"$out")"
grep -qE "^failback .* weights 70/20/10" <<<"$out" || fail "weights after failback: $(tail -8 <<<"$out")"
assert_contains "$out" "failover RTO:"
# no process of the demo is left behind
pgrep -f "$E2E_TMP" && fail "a process of the demo is still running"
tail -8 <<<"$out"
