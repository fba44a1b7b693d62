#!/usr/bin/env python3
"""Compare a plan's field-level diffs with what an apply changed (t0663).
Usage: plan_vs_world.py PLAN.json WORLD.diff [IGNORED_FIELD...]

PLAN.json is `kdx plan -json`; WORLD.diff is `world.py diff before.json after.json` of the
apply. The plan's diffs are composed over the steps (per object and field: the first
before, the last after; a field set back to its before is no change) and each world line
"KIND/KEY/PATH: A -> B" is matched to the plan object whose identity values (the
`Name=value` pairs of its "object") all occur in KEY, in the plan entry's region when it
has one. Prints both sets; exits 1 unless they are equal. IGNORED_FIELDs are dropped from
both sides: fields world.py does not keep (each named by the caller with why) or derives."""
import json
import re
import sys


def planned(plan):
    net = {}
    for st in plan["steps"]:
        for e in st.get("diff", []):
            if not e["fields"]:
                continue
            ids = tuple(v for _, v in re.findall(r"(\S+?)=(\S+)", e["object"] or ""))
            for f in e["fields"]:
                k = (e["region"], ids, f["field"].replace(".", "/"))
                first = net[k][0] if k in net else f["before"]
                net[k] = (first, f["after"])
    return {k: v for k, v in net.items() if v[0] != v[1]}


def main():
    plan = json.load(open(sys.argv[1]))
    ignored = set(sys.argv[3:])
    want = {k: v for k, v in planned(plan).items() if k[2] not in ignored}
    got, unmatched = {}, []
    for line in open(sys.argv[2]):
        line = line.rstrip("\n")
        m = re.match(r"(.*): (.*) -> (.*)$", line)
        if not m:
            continue
        path, before, after = m.group(1), json.loads(m.group(2)), json.loads(m.group(3))
        hits = []
        for (region, ids, field) in want:
            if not path.endswith("/" + field):
                continue
            key = path[:-len(field) - 1]
            if all(v in key for v in ids) and (region is None or region in key):
                hits.append((region, ids, field))
        if path.rsplit("/", 1)[-1] in ignored:
            continue
        if len(hits) != 1:
            unmatched.append("%s (%d plan objects match)" % (line, len(hits)))
            continue
        got[hits[0]] = (before, after)
    show = lambda d: sorted("%s %s %s: %s -> %s" % (k[0], " ".join(k[1]), k[2], json.dumps(v[0]),
                                                       json.dumps(v[1])) for k, v in d.items())
    print("planned:", *show(want), sep="\n  ")
    print("applied:", *show(got), sep="\n  ")
    for u in unmatched:
        print("not in the plan: " + u)
    return 0 if want == got and not unmatched and want else 1


if __name__ == "__main__":
    sys.exit(main())
