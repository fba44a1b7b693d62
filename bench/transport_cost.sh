#!/usr/bin/env bash
# Start-up and CPU per AWS call of two kdx binaries, interleaved in one run on one machine
# (issue #16: kdx's own HTTP client and SHA-256 "before", libcurl and OpenSSL "after").
#   bench/transport_cost.sh BEFORE_KDX [AFTER_KDX] [ROUNDS]   (after: ./kdx; rounds: 20)
# Start-up: CPU (user + system, from wait4) of `kdx version`, 10 per round per binary.
# Per call: `kdx aws send -parallel N` (STS GetCallerIdentity to moto_server, signed, on
# one thread) for N = 1 and N = 41; (CPU(41) - CPU(1)) / 40 is the CPU one more call costs.
# Rounds alternate the binaries (A B B A ...) so drift in the machine's load hits both.
# Medians are reported.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export KDX_REPO=${KDX_REPO:-$(cd "$here/.." && pwd)}
before=${1:?usage: bench/transport_cost.sh BEFORE_KDX [AFTER_KDX] [ROUNDS]}
after=${2:-$KDX_REPO/kdx}
rounds=${3:-20}
. "$KDX_REPO/tests/e2e/lib.sh"
start_moto
python3 - "$before" "$after" "$rounds" "$MOTO_URL" <<'PY'
import os, statistics, subprocess, sys
before, after, rounds, url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
           AWS_REGION="us-east-1", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
           AWS_CONFIG_FILE="/nonexistent")
body = "Action=GetCallerIdentity&Version=2011-06-15"

def cpu(argv):
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, st, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(st) != 0:
        sys.exit("failed: %s" % " ".join(argv))
    return (ru.ru_utime + ru.ru_stime) * 1000.0

def send(kdx, n):
    return cpu([kdx, "aws", "send", "-service", "sts", "-method", "POST", "-body", body,
                "-endpoint-url", url, "-parallel", str(n)])

res = {b: {"version": [], "call": [], "one": []} for b in (before, after)}
for r in range(rounds):
    order = (before, after) if r % 2 == 0 else (after, before)
    for b in order:
        res[b]["version"].append(statistics.median(cpu([b, "version"]) for _ in range(10)))
        one, many = send(b, 1), send(b, 41)
        res[b]["one"].append(one)
        res[b]["call"].append((many - one) / 40)
for name, b in (("before", before), ("after", after)):
    m = {k: statistics.median(v) for k, v in res[b].items()}
    print("%-6s kdx version %.2f ms CPU; aws send (1 call) %.2f ms; each further call %.3f ms"
          % (name, m["version"], m["one"], m["call"]))
PY
