"""Summarise a bench/timeproxy.py log: prints "CALLS SUM_S BUSY_S ACTIONS", SUM_S being the
emulator's service times added up (the sequential floor) and BUSY_S the time at least one
request was at the emulator (the union of the intervals: the service time on the critical path
when requests overlap), ACTIONS the comma-separated operation list in order of sending.
Usage: reqstats.py LOG"""
import sys

rows = []
with open(sys.argv[1]) as f:
    for line in f:
        t0, t1, method, path, action = line.split()
        if action == "-":  # Route 53 (rest-xml): name the operation by method and path
            parts = path.rstrip("/").split("/")
            action = method + ":" + (parts[-1] if parts[-1] in ("hostedzonesbyname", "rrset") else parts[-2])
        rows.append((float(t0), float(t1), action.split(".")[-1]))
rows.sort()
total = sum(t1 - t0 for t0, t1, _ in rows)
busy, end = 0.0, None
for t0, t1, _ in rows:
    if end is None or t0 >= end:
        busy += t1 - t0
        end = t1
    elif t1 > end:
        busy += t1 - end
        end = t1
print(len(rows), "%.4f" % total, "%.4f" % busy, ",".join(a for _, _, a in rows))
