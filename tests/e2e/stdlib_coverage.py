#!/usr/bin/env python3
"""List every action of every stdlib module and how a test runs it; exit 1 when one is
run by no test. Usage: stdlib_coverage.py REPO [-v]

An action is covered when it is called (as ALIAS.NAME(...)) in a stdlib test runbook that
an e2e test script runs (its file name appears in tests/e2e/t*.sh):
  tests/e2e/runbooks/stdlib-moto*.kdx       run by `kdx apply` on moto_server
  tests/e2e/runbooks/stdlib-local*.kdx      run by `kdx apply` for real, no AWS (core, terraform)
  tests/e2e/runbooks/stdlib-standin*.kdx    run by `kdx apply` against a local stand-in of a
                                            service moto lacks (the Kubernetes API of EKS)
  tests/e2e/runbooks/stdlib-model-only*.kdx `kdx apply -dry-run`, requests compared with
                                            botocore; the action's description must then say
                                            "Checked against the API model only"
or when it is the declared `undo` of an action covered by a moto or local runbook whose
test runs `kdx rollback`. A description that says "Checked against the API model only" for
an action no model-only runbook calls is an error too (the note would be untrue)."""
import glob
import os
import re
import sys

NOTE = "Checked against the API model only"


def actions(repo):
    """(module, action) -> (description, undo action name or None), for every stdlib module."""
    out = {}
    files = [os.path.join(repo, "stdlib/core.kdx"), os.path.join(repo, "stdlib/terraform.kdx")]
    files += sorted(glob.glob(os.path.join(repo, "stdlib/aws/*.kdx")))
    for f in files:
        if not os.path.exists(f):
            continue
        mod = os.path.basename(f)[:-4]
        text = open(f).read()
        starts = [m for m in re.finditer(r"^action (\w+)\(", text, re.M)]
        for i, m in enumerate(starts):
            body = text[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
            d = re.search(r'^\s*description\s*=\s*"((?:[^"\\]|\\.)*)"', body, re.M)
            u = re.search(r"^\s*undo\s+(\w+)\(", body, re.M)
            out[(mod, m.group(1))] = (d.group(1) if d else "", u.group(1) if u else None)
    return out


def calls(path):
    """(module, action) called in a runbook, through its imports' aliases."""
    text = open(path).read()
    alias = {}
    for m in re.finditer(r'^import\s+"([^"]+)"(?:\s+as\s+(\w+))?', text, re.M):
        alias[m.group(2) or m.group(1).split("/")[-1]] = m.group(1).split("/")[-1]
    text = re.sub(r"#.*", "", text)
    return {(alias[a], n) for a, n in re.findall(r"\b(\w+)\.(\w+)\(", text) if a in alias}


def coverage(repo):
    """(module, action) -> the sorted ways tests run it ([] when none), and the problems."""
    scripts = {s: open(s).read() for s in glob.glob(os.path.join(repo, "tests/e2e/t*.sh"))}
    how = {}     # (module, action) -> set of ways
    rolled = set()
    for kind in ("moto", "local", "standin", "model-only"):
        for rb in sorted(glob.glob(os.path.join(repo, f"tests/e2e/runbooks/stdlib-{kind}*.kdx"))):
            name = os.path.basename(rb)
            runners = [os.path.basename(s).split("-")[0] for s, t in scripts.items() if name in t]
            if not runners:
                continue
            rollback = any("rollback" in scripts[s] for s in scripts if name in scripts[s])
            for c in calls(rb):
                how.setdefault(c, set()).add(f"{kind} {'/'.join(sorted(runners))}")
                if kind != "model-only" and rollback:
                    rolled.add(c)
    acts = actions(repo)
    result, bad = {}, []
    for (mod, act), (desc, undo) in sorted(acts.items()):
        ways = how.get((mod, act), set())
        model = any(w.startswith("model-only") for w in ways)
        if model and NOTE not in desc and not any(not w.startswith("model-only") for w in ways):
            bad.append(f"{mod}.{act}: tested against the API model only, but its description does not say '{NOTE}'")
        if NOTE in desc and not model:
            bad.append(f"{mod}.{act}: its description says '{NOTE}' but no stdlib-model-only runbook calls it")
        for (m2, a2) in rolled:
            if m2 == mod and acts.get((m2, a2), ("", None))[1] == act:
                ways = ways | {f"undo of {m2}.{a2} (rollback)"}
        if not ways:
            bad.append(f"{mod}.{act}: no test runs it; call it in a tests/e2e/runbooks/stdlib-moto*.kdx "
                       "runbook (moto implements it) or stdlib-model-only*.kdx (moto does not)")
        result[(mod, act)] = sorted(ways)
    return result, bad


def main():
    result, bad = coverage(sys.argv[1])
    if "-v" in sys.argv:
        for (mod, act), ways in result.items():
            print(f"{mod}.{act}: {', '.join(ways)}")
    for b in bad:
        print("uncovered: " + b)
    covered = sum(1 for w in result.values() if w)
    print(f"{len(result)} actions, {covered} covered")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
