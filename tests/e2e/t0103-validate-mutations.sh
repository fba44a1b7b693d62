#!/usr/bin/env bash
# Robustness: 150 seeded random mutations (deleted or duplicated lines, swapped tokens) of the
# plans, examples and stdlib must each give exit 0 or 1 from kdx validate and kdx graph --
# never a crash, a hang, or (in the ASan+UBSan build, make asan) a sanitizer report.
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO"
python3 - "$KDX" "$E2E_TMP" "${MUTATIONS:-150}" <<'PY'
import os, random, subprocess, sys
kdx, tmp, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(20261126)
srcs = ["plans/failover.kdx"] + sorted("examples/" + f for f in os.listdir("examples")
                                       if f.endswith(".kdx")) + \
       ["stdlib/aws/rds.kdx", "stdlib/aws/route53.kdx", "stdlib/aws/autoscaling.kdx"]
toks = ["}", "{", "(", ")", '"', "steps.x", "each", "regions", "5m", "10%", "null", "[", "]",
        "=", ",", "after", "do", "undo none", "x.y", "1/0", "-", "!", "for_each = regions",
        "when false", "approval", '"us-west-9"', "objectives.rpo", "fleet", "db", "steps.detect"]
for n in range(count):
    lines = open(random.choice(srcs)).read().split("\n")
    for _ in range(random.randint(1, 4)):
        i = random.randrange(len(lines))
        op = random.random()
        if op < 0.3:
            del lines[i]
        elif op < 0.6:
            words = lines[i].split(" ")
            words[random.randrange(len(words))] = random.choice(toks)
            lines[i] = " ".join(words)
        else:
            lines.insert(i, random.choice(lines))
    path = os.path.join(tmp, "m%d.kdx" % n)
    open(path, "w").write("\n".join(lines))
    for cmd in ("validate", "graph"):
        r = subprocess.run([kdx, cmd, path], capture_output=True, text=True, timeout=20)
        bad = r.returncode not in (0, 1) or "Sanitizer" in r.stderr or "runtime error" in r.stderr
        if bad:
            sys.exit("kdx %s %s: exit %d\n%s" % (cmd, path, r.returncode, r.stderr[-2000:]))
    os.unlink(path)
print("%d mutations, no crash" % count)
PY
