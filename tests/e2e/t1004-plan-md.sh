#!/usr/bin/env bash
# kdx plan -format md / kdx show -format md: the KALDRIX failover's plan (live state from
# moto) as a pull-request comment, parsed by cmark-gfm (GitHub's own Markdown parser) into
# HTML and read back with python's html.parser: a summary line, the RTO budget table, one
# collapsible <details> per step with its change and its requests in a code block
# (credentials redacted), under GitHub's 65,536-character limit. A hand-made plan file
# with backticks, pipes and HTML in its fields shows that nothing escapes its cell or block.
source "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
command -v cmark-gfm >/dev/null || skip "cmark-gfm not installed (make deps)"
start_moto
RB="$KDX_REPO/tests/e2e/runbooks"
cd "$E2E_TMP"
python3 "$RB/setup_failover.py" staging.kaldrix.io staging >/dev/null
# a replication lag the lag gate accepts (moto has no lag data of its own: without it the
# gate reads 1h and the plan fails, as t0600 checks)
python3 - <<'PY' || fail "lag datapoint"
import datetime
import boto3
now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
boto3.client("cloudwatch", region_name="us-west-2").put_metric_data(
    Namespace="AWS/RDS", MetricData=[{"MetricName": "AuroraGlobalDBReplicationLag", "Value": 900,
    "Unit": "Milliseconds", "Timestamp": now,
    "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "kaldrix-staging-us-west-2"}]}])
PY
"$KDX" plan -format md -out f.plan -var fleet_size=2 -var workloads=false -var cache_failover=false \
	"$KDX_REPO/plans/failover.kdx" > plan.md 2>plan.err ||
	fail "plan -format md: $(cat plan.err)"
[ -s f.plan ] || fail "-out with -format md saved no plan"
"$KDX" show -format md f.plan > show.md || fail "show -format md"
cmp -s plan.md show.md || fail "show -format md differs from plan -format md: $(diff plan.md show.md | head)"
grep -q '^After `scale_target`, `notify_start`\.$' plan.md || fail "shift_traffic does not say what it comes after"
[ "$(wc -c < plan.md)" -lt 65536 ] || fail "the comment is over GitHub's limit"
grep -q "$AWS_SECRET_ACCESS_KEY" plan.md && fail "the secret key is in the comment"
cmark-gfm -e table --unsafe plan.md > plan.html || fail "cmark-gfm could not parse the comment"
python3 - plan.html <<'PY'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.details, self.summaries, self.tables, self.codes = [], 0, [], 0, []
        self.first_p, self.cells = None, []
        self.text = ""
    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.details += tag == "details"
        self.tables += tag == "table"
        if tag in ("summary", "pre", "p", "td"):
            self.text = ""
    def handle_endtag(self, tag):
        if tag == "summary":
            self.summaries.append(self.text)
        elif tag == "pre":
            self.codes.append(self.text)
        elif tag == "p" and self.first_p is None:
            self.first_p = self.text
        elif tag == "td":
            self.cells.append(self.text)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, data):
        self.text += data

p = P()
p.feed(open(sys.argv[1]).read())
assert p.first_p and p.first_p.startswith("9 steps:") and "RTO" in p.first_p, p.first_p
assert p.details == 9, p.details
names = ["detect", "notify_start", "scale_target", "shift_traffic", "validate_target",
         "fence_writer", "promote_db", "validate", "notify_done"]
for i, n in enumerate(names):
    assert p.summaries[i].startswith(f"{i + 1}. {n} "), p.summaries[i]
assert "api weights 70/20/10 -> 0/90/10" in p.summaries[3], p.summaries[3]
assert "irreversible" in p.summaries[6], p.summaries[6]
assert p.tables == 10, p.tables  # the budget, then one per step
budget = " ".join(p.cells[:12])
assert "critical path 13m" in budget and "promote_db" in budget, budget
assert "kaldrix-staging-us-west-2-5xx" in budget, budget
reqs = "\n".join(p.codes)
assert "Authorization: <redacted>" in reqs, reqs[:300]
assert "<SetIdentifier>us-west-2</SetIdentifier><Weight>90</Weight>" in reqs
assert "Action=FailoverGlobalCluster" in reqs
print("ok")
PY
[ $? -eq 0 ] || fail "the rendered comment"

# nothing in a field can break out of its table cell, summary or code block
python3 - <<'PY'
import json
doc = {"format_version": 1, "name": "evil|name", "runbook": "r`.kdx", "environment": "x<y",
       "rto_ms": 60000, "critical_path_ms": 1000, "critical_path": ["a"], "stop_on": "",
       "steps": [{"name": "a", "action": "m.act<b>", "mutating": True, "reads_only": False,
                  "approval": True, "irreversible": False, "after_steps": ["x`y"], "requires": ["x | y"],
                  "before": "w `70` | 30", "change": "<script>alert(1)</script> & |",
                  "after": "", "undo": "m.undo", "worst_ms": 1000,
                  "requests": "POST /x\n```\n</details>\n| not | a | table |\n````\nend\n"}],
       "observed": {}}
json.dump(doc, open("evil.plan", "w"))
PY
"$KDX" show -format md evil.plan > evil.md || fail "show -format md of a hand-made plan"
cmark-gfm -e table --unsafe evil.md > evil.html || fail "cmark-gfm on evil.md"
python3 - evil.html <<'PY'
import sys
h = open(sys.argv[1]).read()
assert "<script>" not in h, "raw HTML from a field reached the page"
assert h.count("<details>") == 1 and h.count("</details>") == 1, "a field closed the details"
pre = h[h.index("<pre"):h.index("</pre>")]
assert "| not | a | table |" in pre and "````" in pre and "end" in pre, pre
assert h.count("<table>") == 2, "a pipe in a cell broke a table"
# the approval gate: counted in the summary line, named in the budget table, marked on its step
import re
assert "1 approval gate.</strong>" in h, h[:400]
m = re.search(r"<td>Approval gates</td>\s*<td>(.*?)</td>", h, re.S)
assert m and m.group(1) == "<code>a</code>", m and m.group(1)
assert "\U0001f512 approval" in h.split("<summary>", 1)[1].split("</summary>", 1)[0], "no gate mark on the step"
print("ok")
PY
[ $? -eq 0 ] || fail "escaping"
out=$("$KDX" show -format md .kdx/x.jsonl 2>&1) && fail "show -format md of a journal"
assert_contains "$out" "-format md shows a plan file, not a journal"
echo ok
