#!/usr/bin/env python3
"""Run a command and report its memory: the kernel's max RSS (ru_maxrss of the child, as
/usr/bin/time's %M) and its RSS sampled every 50 ms (VmRSS), so a peak early in the run
can be told from what the run itself holds. Prints one line:
  wall_s user_s maxrss_kb rss_last_kb rss_median_kb samples
(rss_last: the last sample before it exited; median over all samples). The command's
stdout and stderr go to the files given. Usage: rss_run.py OUT ERR CMD..."""
import os
import statistics
import subprocess
import sys
import time

out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
with open(out, "wb") as fo, open(err, "wb") as fe:
    p = subprocess.Popen(cmd, stdout=fo, stderr=fe)
    samples = []
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open("/proc/%d/status" % p.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append(int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
wall = time.monotonic() - t0
rc = os.waitstatus_to_exitcode(status)
print("%.2f %.2f %d %d %d %d rc=%d" % (wall, ru.ru_utime, ru.ru_maxrss, samples[-1] if samples else 0,
                                     statistics.median(samples) if samples else 0, len(samples), rc))
