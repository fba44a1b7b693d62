"""A timing pass-through HTTP proxy for bench/apply.sh: forwards every request unchanged to
the upstream (moto_server) and appends one line per request to the log:
"T_SENT T_ANSWERED METHOD PATH ACTION" (CLOCK_MONOTONIC seconds, taken just before the request
is written upstream and just after the whole answer is read, so the difference is the
emulator's own service time plus one loopback round trip). ACTION is the query protocol's
Action=, the JSON protocol's X-Amz-Target, or "-".
DELAY_MS (default 0) adds that many milliseconds to every answer, inside the timed interval:
a stand-in for the network and service latency of a real AWS endpoint, which moto on
loopback does not have (bench/apply_parallel.sh).
Usage: timeproxy.py UPSTREAM_URL PORT_FILE LOG_FILE [DELAY_MS]"""
import sys
import threading
import time
import urllib.parse

import proxylib

UP = proxylib.upstream_url(sys.argv[1])
DELAY = float(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.0
LOCK = threading.Lock()


class Handler(proxylib.Handler):
    def handle_any(self, body):
        action = self.headers.get("X-Amz-Target") or "-"
        if body.startswith(b"Action=") or b"&Action=" in body:
            action = urllib.parse.parse_qs(body.decode()).get("Action", ["-"])[0]
        t = [0.0]
        status, headers, data = proxylib.forward(UP, self, body, lambda: t.__setitem__(0, time.monotonic()))
        if DELAY:
            time.sleep(DELAY)
        t1 = time.monotonic()
        with LOCK, open(sys.argv[3], "a") as f:
            f.write("%.6f %.6f %s %s %s\n" % (t[0], t1, self.command, self.path.split("?")[0], action))
        proxylib.respond(self, status, headers, data)


proxylib.serve(Handler, sys.argv[2])
