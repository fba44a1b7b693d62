"""How little RTO can polling add for a given number of requests? (issue #19, docs/benchmarks.md)
Exact answers, no measurement: a wait polls at t0 = 0 < t1 < t2 < ...; a change that ends at
T is seen at the first poll at or after T, adding (that poll - T) and costing (its index + 1)
requests. For a distribution of T this prints
  1. the bench's holds (bench/poll_moto.sh: 2.5, 5, 20, 45 s, equally often): every poll
     set that a schedule knowing those four values exactly could use (nothing else is ever
     worth polling at), its mean added time and requests, against boto3's waiters (every
     15 s for Auto Scaling, 30 s for Route 53 and RDS) -- the best any schedule can do on
     that benchmark with no more requests than boto3;
  2. for each wait of the bench, T log-uniform over its duration model (what kdx's schedule
     assumes, compiler/poll.h) and uniform (what `kdx simulate` draws): the optimal
     trade-off by dynamic programming over a grid (Lagrangian: for every price lam of a
     request, min E[added] + lam E[requests]; duality gives, for any schedule, E[added] >=
     V(lam) - lam R when it makes R requests on average), boto3's schedule, polling every
     `every`, and kdx's (build/bench/poll_probe prints it; without it this part is skipped).
Usage: python3 bench/poll_bound.py [PROBE]   (pure Python, a minute or two)"""
import itertools
import math
import subprocess
import sys

HOLDS = [2.5, 5.0, 20.0, 45.0]


def evaluate(polls, ts, ws):
    d = r = 0.0
    for t, w in zip(ts, ws):
        for i, p in enumerate(polls):
            if p >= t - 1e-9:
                d += w * (p - t)
                r += w * (i + 1)
                break
        else:
            raise ValueError("a change ending at %g s is never seen" % t)
    return d, r


def every(e, until):
    return [e * k for k in range(int(until / e) + 2)]


def lagrange(mass, dt, lam):
    """min over poll schedules on the grid (poll 0 at 0 always) of E[added] + lam E[requests];
    mass[i] = P(T in ((i-1) dt, i dt])"""
    n = len(mass)
    S = [0.0] * (n + 1)
    for i in range(n - 1, -1, -1):
        S[i] = S[i + 1] + mass[i]
    M1, Mt = [0.0] * (n + 1), [0.0] * (n + 1)
    for i in range(n):
        M1[i + 1] = M1[i] + mass[i]
        Mt[i + 1] = Mt[i] + mass[i] * i
    V = [0.0] * n
    for t in range(n - 1, -1, -1):
        if S[t + 1] <= 1e-15:
            continue
        best = min((s * (M1[s + 1] - M1[t + 1]) - (Mt[s + 1] - Mt[t + 1])) * dt + V[s]
                   for s in range(t + 1, n))
        V[t] = lam * S[t + 1] + best
    return V[0] + lam


def prior(kind, lo, hi, dt):
    n = int(round(hi / dt)) + 1
    a = int(round(lo / dt))
    m = [0.0] * n
    for i in range(a + 1, n):
        m[i] = math.log(i * dt / max(lo, (i - 1) * dt)) if kind == "log-uniform" else 1.0
    s = sum(m)
    return [x / s for x in m]


def probe(path, typical, every_s, hi, n=400):
    out = subprocess.run([path, str(int(typical * 1000)), str(int(every_s * 1000)), str(int(hi * 1000)),
                          "1", str(n)], capture_output=True, text=True, check=True).stdout
    return [int(x) / 1000 for x in out.split()]


print("1. The bench's holds (2.5, 5, 20, 45 s, equally often); poll sets that can see them all:")
print("| polls at (s) | mean added | mean requests |")
print("|---|---|---|")
for k in range(4):
    for sub in itertools.combinations(HOLDS[:3], k):
        p = [0.0] + list(sub) + [45.0]
        d, r = evaluate(p, HOLDS, [0.25] * 4)
        print("| %s | %.2f s | %.2f |" % (", ".join("%g" % x for x in p), d, r))
for name, e in (("boto3, every 15 s (Auto Scaling)", 15), ("boto3, every 30 s (Route 53, RDS)", 30)):
    d, r = evaluate(every(e, 60), HOLDS, [0.25] * 4)
    print("| %s | %.2f s | %.2f |" % (name, d, r))

# the three services together, each free to use its own poll set, with no more requests in
# all than boto3's waiters make (Auto Scaling every 15 s, Route 53 and RDS every 30 s)
sets = [[0.0] + list(sub) + [45.0] for k in range(4) for sub in itertools.combinations(HOLDS[:3], k)]
points = [evaluate(s, HOLDS, [0.25] * 4) for s in sets]
budget = sum(evaluate(every(e, 60), HOLDS, [0.25] * 4)[1] for e in (15, 30, 30))
best = min((sum(points[i][0] for i in c) / 3, c) for c in itertools.product(range(len(sets)), repeat=3)
           if sum(points[i][1] for i in c) <= budget + 1e-9)
print("Best with no more requests than boto3's three waiters (%.2f per wait): %.2f s added per wait, polls %s"
      % (budget / 3, best[0], " / ".join(",".join("%g" % x for x in sets[i]) for i in best[1])))

print()
print("2. Per wait, T drawn from its duration model; bound = the least mean added time any")
print("schedule can have with boto3's mean requests (grid dt, less dt: exact to within it);")
print("requests for <= 1 s = the fewest mean requests any schedule needs to add <= 1 s.")
waits = [  # name, lo, hi, every, boto3 delay, dt
    ("Route 53 set_weights", 2, 60, 2, 30, 0.1),
    ("Aurora set_acu_range", 2, 900, 10, 30, 1.0),
    ("Auto Scaling step wait (no model: 1 s .. within 3m)", 1, 180, 15, 15, 0.25),
]
kdx = sys.argv[1] if len(sys.argv) > 1 else None
print("| wait | T | boto3: added, requests | every `every` | kdx | bound at boto3's requests | requests for <= 1 s |")
print("|---|---|---|---|---|---|---|")
for name, lo, hi, ev, bd, dt in waits:
    for kind in ("log-uniform", "uniform"):
        m = prior(kind, lo, hi, dt)
        ts = [i * dt for i in range(len(m)) if m[i] > 0]
        ws = [x for x in m if x > 0]
        b = evaluate(every(bd, hi + bd), ts, ws)
        f = evaluate(every(ev, hi + ev), ts, ws)
        k = "-"
        if kdx:
            typ = lo if "no model" not in name else 0
            k = "%.2f s, %.2f" % evaluate(probe(kdx, typ, ev, hi), ts, ws)
        lams = [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]
        V = [(lam, lagrange(m, dt, lam)) for lam in lams]
        bound = max(v - lam * b[1] for lam, v in V) - dt
        need = max((v - (1.0 + dt)) / lam for lam, v in V)
        print("| %s | %s %g..%g s | %.2f s, %.2f | %.2f s, %.2f | %s | %.2f s | %.2f |"
              % (name, kind, lo, hi, b[0], b[1], f[0], f[1], k, max(bound, 0), need))
        sys.stdout.flush()
