"""The most requests in flight at once in a bench/timeproxy.py log ("T_SENT T_ANSWERED ..."
per line): the largest number of [sent, answered] intervals that overlap. 1 means the
requests went out one after another. Usage: inflight.py LOG"""
import sys

events = []
with open(sys.argv[1]) as f:
    for line in f:
        a = line.split()
        events.append((float(a[0]), 1))
        events.append((float(a[1]), -1))
# an answer at the same instant as a send ends first: touching intervals do not overlap
events.sort(key=lambda e: (e[0], e[1]))
cur = top = 0
for _, d in events:
    cur += d
    top = max(top, cur)
print(top)
