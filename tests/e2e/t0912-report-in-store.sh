#!/usr/bin/env bash
# The evidence report goes into the run's store at the end of every apply and rollback
# (issue #18.1), on S3 (reports/RUN/report.{md,json}) and DynamoDB (items "report#RUN"), not
# only beside a file store's journal: boto3 reads them back; `kdx report RUN -state URL` in
# another directory (no runbook, no .kdx there) prints the stored report byte for byte, in
# Markdown and JSON; a rollback replaces it (status rolled_back); kdx state rm removes it.
# Without the store's documents kdx report would regenerate it from the journal without
# the runbook, and the stored objects would not exist.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
mkdir -p run elsewhere
cp "$RB/failover-lite.kdx" run/
# stored URL -> the stored document NAME of RUN, as boto3 reads it
stored() {
	python3 - "$1" "$2" "$3" <<'PY'
import boto3, hashlib, sys
url, run, name = sys.argv[1:]
if url.startswith("s3://"):
    s3 = boto3.client("s3", region_name="us-east-2")
    sys.stdout.write(s3.get_object(Bucket="kdx-e2e-reports", Key=f"p/reports/{run}/{name}")["Body"].read().decode())
else:
    d = boto3.client("dynamodb", region_name="us-east-2")
    sk = int.from_bytes(hashlib.sha256(name.encode()).digest()[:7], "big")
    it = d.get_item(TableName="kdx-e2e-reports", Key={"pk": {"S": f"report#{run}"}, "sk": {"N": str(sk)}},
                    ConsistentRead=True).get("Item")
    sys.stdout.write(it["body"]["S"] if it else "")
PY
}
for U in 's3://kdx-e2e-reports/p?region=us-east-2' 'dynamodb://kdx-e2e-reports?region=us-east-2'; do
	curl -fsS -X POST "$MOTO_URL/moto-api/reset" >/dev/null
	python3 "$RB/setup_failover.py" kaldrix.test >/dev/null
	"$KDX" state init -state "$U" >/dev/null || fail "state init $U"
	(cd run && "$KDX" apply -auto-approve -state "$U" failover-lite.kdx >apply.out 2>&1) || fail "$U: apply: $(cat run/apply.out)"
	run=$(grep -o 'failover-lite-[0-9TZ]*-[0-9]*' run/apply.out | head -1)
	[ -n "$run" ] || fail "$U: no run id in: $(cat run/apply.out)"
	grep -q "could not write the run's report" run/apply.out && fail "$U: $(cat run/apply.out)"
	md=$(stored "$U" "$run" report.md)
	assert_contains "$md" "| Status | **ok** |"
	assert_contains "$md" "scale_target"
	stored "$U" "$run" report.json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["status"] == "ok", r["status"]' ||
		fail "$U: the stored JSON report"
	# from any machine: another directory, only the URL
	(cd elsewhere && "$KDX" report "$run" -state "$U" >report.md 2>report.err) || fail "$U: report: $(cat elsewhere/report.err)"
	[ "$(cat elsewhere/report.md)" = "$md" ] || fail "$U: kdx report is not the stored report: $(diff <(echo "$md") elsewhere/report.md)"
	(cd elsewhere && "$KDX" report "$run" -state "$U" -format json >report.json) || fail "$U: report -format json"
	[ "$(cat elsewhere/report.json)" = "$(stored "$U" "$run" report.json)" ] || fail "$U: the JSON report differs from the stored one"
	# svg and junit are made from the journal in the store
	(cd elsewhere && "$KDX" report "$run" -state "$U" -format junit >report.xml) || fail "$U: report -format junit"
	assert_contains "$(cat elsewhere/report.xml)" "scale_target"
	# a rollback replaces it
	(cd run && "$KDX" rollback -state "$U" failover-lite.kdx >rb.out 2>&1) || fail "$U: rollback: $(cat run/rb.out)"
	stored "$U" "$run" report.json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["status"] == "rolled_back", r["status"]' ||
		fail "$U: the stored report after the rollback: $(stored "$U" "$run" report.json | head -c 300)"
	# kdx state rm takes the report with the run
	"$KDX" state rm -state "$U" "$run" >rm.out 2>&1 || fail "$U: state rm: $(cat rm.out)"
	[ -z "$(stored "$U" "$run" report.md 2>/dev/null)" ] || fail "$U: the report outlived kdx state rm"
done
echo "reports in the store: S3 and DynamoDB, read back from another directory"
