#!/usr/bin/env bash
# Journals cannot lie (issue #20.6), with the real binary: a finished, rolled-back run whose
# journal has a NUL byte in the middle (main read it as "the last record ... torn", lost the
# run_end and re-ran the failover with exit 0), a flipped byte, a missing record (a gap in
# seq) and garbage after the last record are refused by resume and rollback, naming the line
# and `kdx show`; the file stays byte for byte as it was and no step runs. `kdx show` shows
# the records before the damage. A torn tail is warned about before any step runs. (Every
# offset of a small journal is covered by tests/unit/test_journal.c, in one process.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$E2E_TMP"
cat >d.kdx <<'KDX'
runbook "d" {}
import "core"
objectives { rto = 5m }
region "us-east-1" {
  role     = primary
  weight   = 100%
  capacity = 100%
}
step one { do core.sleep(1ms) }
step two after one { do core.sleep(1ms) }
KDX
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
"$KDX" apply -auto-approve d.kdx >apply.out 2>&1 || fail "apply: $(cat apply.out)"
"$KDX" rollback d.kdx >rb.out 2>&1 || fail "rollback: $(cat rb.out)"
j=$(ls .kdx/d-*.jsonl)
cp "$j" good.jsonl
damage() { # python expression over `d` (a bytearray of the good journal)
	python3 - good.jsonl "$j" "$1" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
lines = d.split(b"\n")
exec(sys.argv[3])
open(sys.argv[2], "wb").write(bytes(d))
PY
}
check_refused() { # WHAT EXPECTED-TEXT
	before=$(sha256sum <"$j")
	for cmd in resume rollback; do
		out=$("$KDX" "$cmd" d.kdx 2>&1) && fail "$1: $cmd exit 0: $out"
		assert_contains "$out" "$2" "$1: $cmd"
		assert_contains "$out" "kdx show -journal" "$1: $cmd says how to inspect"
		grep -q "step one\|step two\|run ok" <<<"$out" && fail "$1: $cmd ran steps: $out"
		assert_eq "$(sha256sum <"$j")" "$before" "$1: $cmd changed the journal"
	done
}
mid=$(( $(head -n 3 good.jsonl | wc -c) + 10 ))
damage "d[$mid] = 0"
check_refused "NUL in record 4" "damaged at line 4"
out=$("$KDX" show -journal "$j" 2>&1) && fail "show of a damaged journal exit 0"
assert_contains "$out" "damaged at line 4" "show names the damage"
assert_contains "$out" "a NUL byte" "show says what"
damage "d[$mid] = ord('X') if d[$mid] != ord('X') else ord('Y')"
check_refused "flipped byte in record 4" "checksum mismatch"
damage "d = bytearray(b'\n'.join(lines[:2] + lines[3:]))"
check_refused "record 3 missing" "out of sequence"
damage "d += b'garbage'"
check_refused "garbage after the last record" "garbage after the last record"

# a torn tail on an interrupted run: the warning comes before the steps
cp good.jsonl finished.jsonl
rm -f .kdx/*.jsonl
KDX_CRASH_AT=3 "$KDX" apply -auto-approve d.kdx >crash.out 2>&1 && fail "not killed"
j=$(ls .kdx/d-*.jsonl)
python3 - "$j" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
end = d.find(b"\0")
d = d[:end if end >= 0 else len(d)]
open(sys.argv[1], "wb").write(d + b'{"seq":4,"ts":"2026-')
PY
out=$("$KDX" resume d.kdx 2>&1) || fail "resume after a torn tail: $out"
w=$(grep -n "warning: .*torn" <<<"$out" | head -1 | cut -d: -f1)
s=$(grep -n "two" <<<"$out" | head -1 | cut -d: -f1)
[ -n "$w" ] || fail "no torn-tail warning: $out"
[ -z "$s" ] || [ "$w" -lt "$s" ] || fail "the warning came after a step: $out"
echo ok
