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
an action no model-only runbook calls is an error too (the note would be untrue).

Plan = apply = undo (issue #14.2): every mutating action (an effect other than read() and
observe_*, or an empty effect with its own call, as kdx_action_mutates) must also be in an apply -> rollback -> identical-world test: called in a runbook
(tests/e2e/runbooks/*.kdx) that a script names on a line `# identical-world: RUNBOOK...`
-- the script's promise that it reads every field of every object the runbook may touch
(tests/e2e/world.py or the like) before the apply and after `kdx rollback`, and fails on
any difference; the script must run `kdx rollback` -- or be the declared undo of such an
action. An action that cannot be is listed in ROLLBACK_EXEMPT with the reason, and the list
is checked both ways: an exempt action that is tested, or that is not mutating, is an error."""
import glob
import os
import re
import sys

NOTE = "Checked against the API model only"

MOTO = "API model only: moto 5.2.1 has no "
IRREVERSIBLE = "no undo: irreversible, so a rollback leaves it in place (rollback_incomplete)"
# Mutating actions no apply -> rollback -> identical-world test can run, and why.
ROLLBACK_EXEMPT = {
    ("arc", "set_state"): MOTO + "Route 53 ARC (UpdateRoutingControlState)",
    ("arc", "set_states"): MOTO + "Route 53 ARC (UpdateRoutingControlStates)",
    ("globalaccelerator", "set_dial"): MOTO + "Global Accelerator (UpdateEndpointGroup)",
    ("globalaccelerator", "set_endpoint_weights"): MOTO + "Global Accelerator (UpdateEndpointGroup)",
    ("elasticache", "fence_writes"): MOTO + "ModifyUser",
    ("elasticache", "unfence_writes"): MOTO + "ModifyUser",
    ("elasticache", "failover"): MOTO + "global replication groups; and " + IRREVERSIBLE,
    ("rds", "switchover_global_cluster"): MOTO + "SwitchoverGlobalCluster",
    ("rds", "failover_global_cluster"): MOTO + "FailoverGlobalCluster; and " + IRREVERSIBLE,
    ("rds", "remove_from_global_cluster"): IRREVERSIBLE,
    ("docdb", "switchover_global_cluster"): MOTO + "SwitchoverGlobalCluster for DocumentDB",
    ("docdb", "failover_global_cluster"): MOTO + "FailoverGlobalCluster for DocumentDB; and " + IRREVERSIBLE,
    ("neptune", "switchover_global_cluster"): MOTO + "SwitchoverGlobalCluster for Neptune",
    ("neptune", "failover_global_cluster"): MOTO + "FailoverGlobalCluster for Neptune; and " + IRREVERSIBLE,
    ("zonalshift", "start_shift"): MOTO + "ARC zonal shift (StartZonalShift); t0995 checks the requests",
    ("zonalshift", "extend_shift"): MOTO + "ARC zonal shift (UpdateZonalShift); t0995 checks the requests",
    ("zonalshift", "cancel_shift"): MOTO + "ARC zonal shift (CancelZonalShift); t0995 checks the requests",
    ("regionswitch", "start"): MOTO + "ARC Region switch (StartPlanExecution); and no undo: ARC runs no undo of an execution (t1022 checks the requests)",
    ("regionswitch", "approve_step"): MOTO + "ARC Region switch (ApprovePlanExecutionStep); and no undo: an approval given stays given",
    ("rds", "promote"): IRREVERSIBLE,
    ("rds", "create_read_replica"): IRREVERSIBLE,
    ("rds", "promote_read_replica"): IRREVERSIBLE,
    ("lambda", "invoke"): IRREVERSIBLE + "; what a function does is its own",
    ("terraform", "apply"): "no AWS world: Terraform's own state, local (t0656 applies and rolls back)",
    ("terraform", "apply_plan"): "no AWS world: Terraform's own state, local (t0656)",
    ("terraform", "destroy"): IRREVERSIBLE,
    ("sns", "publish"): "no state to put back: a message sent cannot be unsent (no undo; repeatable)",
    ("cloudwatch", "put_metric"): "no state to put back: a data point appended stays (no undo; repeatable)",
}


def mutating(repo):
    """(module, action) of every action whose effect changes the world: a primitive other than
    read() and observe_* (what kdx_interp_action_reads_only says of the action)."""
    out = set()
    files = [os.path.join(repo, "stdlib/core.kdx"), os.path.join(repo, "stdlib/terraform.kdx")]
    files += sorted(glob.glob(os.path.join(repo, "stdlib/aws/*.kdx")))
    for f in files:
        if not os.path.exists(f):
            continue
        text = open(f).read()
        starts = [m for m in re.finditer(r"^action (\w+)\(", text, re.M)]
        for i, m in enumerate(starts):
            body = text[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
            e = re.search(r"^\s*effect\s*\{([^}]*)\}", body, re.M)
            prims = re.findall(r"(\w+)\s*\(", e.group(1)) if e else []
            own_call = re.search(r"^\s*call\s+(aws|terraform)\b", body, re.M)
            # as kdx_action_mutates (compiler/resolve.c): an effect other than reads, or an
            # empty effect with its own call (sns.publish)
            if any(p != "read" and not p.startswith("observe") for p in prims) or \
                    (e and not prims and own_call):
                out.add((os.path.basename(f)[:-4], m.group(1)))
    return out


def rollback_world(repo, acts):
    """(module, action) -> the scripts whose identical-world apply -> rollback runs it, and
    the problems of the scripts' promises."""
    how, bad = {}, []
    for s in sorted(glob.glob(os.path.join(repo, "tests/e2e/t*.sh"))):
        text = open(s).read()
        names = [n for line in re.findall(r"^# identical-world:(.*)$", text, re.M) for n in line.split()]
        if not names:
            continue
        script = os.path.basename(s).split("-")[0]
        if not re.search(r"KDX\"?\s+rollback", text):
            bad.append(f"{script}: promises an identical world after a rollback but runs no `kdx rollback`")
        for n in names:
            rb = os.path.join(repo, "tests/e2e/runbooks", n)
            if not os.path.exists(rb):
                bad.append(f"{script}: identical-world runbook {n} does not exist")
                continue
            for c in calls(rb):
                # an action without an undo stays done after a rollback (irreversible, or an
                # append such as put_metric that world.py does not read): not tested by it
                if acts.get(c, ("", None))[1]:
                    how.setdefault(c, set()).add(script)
    # the undo a rollback runs is tested with it
    for (mod, act), scripts in list(how.items()):
        undo = acts.get((mod, act), ("", None))[1]
        if undo:
            how.setdefault((mod, undo), set()).update(scripts)
    return how, bad


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
    rolled_world, problems = rollback_world(repo, acts)
    bad += problems
    muts = mutating(repo)
    for (mod, act) in sorted(muts):
        tested = rolled_world.get((mod, act))
        why = ROLLBACK_EXEMPT.get((mod, act))
        if tested and why:
            bad.append(f"{mod}.{act}: listed in ROLLBACK_EXEMPT ({why}) but {'/'.join(sorted(tested))} "
                       "runs it apply -> rollback -> identical world; remove it from the list")
        elif not tested and not why:
            bad.append(f"{mod}.{act}: mutating, but no apply -> rollback -> identical-world test runs it; "
                       "call it in a runbook a script names on '# identical-world:' (world.py before "
                       "the apply, after `kdx rollback`), or list it in ROLLBACK_EXEMPT with the reason")
        if tested:
            result[(mod, act)] = result[(mod, act)] + ["rollback-world " + "/".join(sorted(tested))]
        elif why:
            result[(mod, act)] = result[(mod, act)] + ["no rollback-world test: " + why]
    for (mod, act), why in sorted(ROLLBACK_EXEMPT.items()):
        if (mod, act) in acts and (mod, act) not in muts:
            bad.append(f"{mod}.{act}: listed in ROLLBACK_EXEMPT but it changes nothing")
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
