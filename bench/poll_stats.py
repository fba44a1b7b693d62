"""Summarise bench/holdproxy.py logs (bench/poll_moto.sh): for every held change, the
requests its wait made and the time it added -- from the change's completion (the change
request's arrival + its hold) to the first poll answered with the completed state, both
seen at the proxy, so every contestant is timed by the same clock.
Usage: poll_stats.py LOG... (labels TOOL-SERVICE-HOLD; one log per round)"""
import collections
import json
import sys

rows = collections.defaultdict(list)  # (tool, service, hold) -> [(added, requests)]
for path in sys.argv[1:]:
    with open(path) as f:
        log = [json.loads(line) for line in f]
    changes = {}
    for e in log:
        if e["kind"] == "change" and e["label"] and e["key"] not in changes:
            changes[e["key"]] = e
    for key, ch in changes.items():
        tool, service, hold = ch["label"].split("-", 2)
        hold_s = float(hold.replace("p", "."))
        polls = [e for e in log if e["kind"] == "poll" and e["key"] == key and e["t"] > ch["t"]]
        seen = None
        for i, p in enumerate(polls):
            if not p["held"]:
                seen = (p["t"], i + 1)
                break
        if seen is None:
            print("%s: never saw the change complete (%d polls)" % (ch["label"], len(polls)), file=sys.stderr)
            continue
        rows[(tool, service, hold_s)].append((seen[0] - (ch["t"] + hold_s), seen[1]))


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


tools = sorted({k[0] for k in rows}, key=lambda t: ("kdx", "boto3", "cli").index(t) if t in ("kdx", "boto3", "cli") else 9)
print("| service | completes after | " + " | ".join("%s: added, requests" % t for t in tools) + " |")
print("|---|---|" + "---|" * len(tools))
per_tool = collections.defaultdict(list)
for service, hold in sorted({(k[1], k[2]) for k in rows}):
    cells = []
    for t in tools:
        r = rows.get((t, service, hold))
        if not r:
            cells.append("-")
            continue
        per_tool[t].extend(r)
        cells.append("%.2f s, %.1f" % (mean([a for a, _ in r]), mean([n for _, n in r])))
    print("| %s | %g s | %s |" % (service, hold, " | ".join(cells)))
print()
for t in tools:
    r = per_tool[t]
    print("%s: %d waits, mean added %.2f s, max %.2f s, mean requests %.2f, total requests %d"
          % (t, len(r), mean([a for a, _ in r]), max(a for a, _ in r), mean([n for _, n in r]), sum(n for _, n in r)))
