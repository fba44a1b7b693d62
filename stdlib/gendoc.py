#!/usr/bin/env python3
"""Generate docs/stdlib.md from the stdlib sources (stdlib/core.kdx, stdlib/terraform.kdx,
stdlib/aws/*.kdx): for each module its header comment, each type with its fields, and each
action with its signature, description, example (the `#> ` comment lines right above it),
duration, effect, undo, the AWS operations it calls and how it is tested (the rules of tests/e2e/stdlib_coverage.py).
Usage: gendoc.py [REPO] > docs/stdlib.md (tests/e2e/t0120 checks it)."""
import glob
import os
import re
import sys

MODEL_ONLY = "Checked against the API model only"


def blocks(text, keyword):
    """(header, body) of each top-level `keyword ... { ... }` block."""
    out = []
    for m in re.finditer(r"^%s\b(.*)\{[ \t]*$" % keyword, text, re.M):
        depth, i = 1, m.end()
        while depth and i < len(text):
            if text[i] == '"':
                i += 1
                while text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
            elif text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        out.append((m.group(1).strip(), text[m.end():i - 1]))
    return out


def attr(body, name):
    m = re.search(r"^\s*%s\s*=\s*(\"(?:[^\"\\]|\\.)*\")" % name, body, re.M)
    return m.group(1)[1:-1].replace('\\"', '"') if m else ""


def clause(body, name):
    m = re.search(r"^\s*%s\s+(.*)$" % name, body, re.M)
    return m.group(1).strip() if m else ""


def describe(way):
    """A line of tests/e2e/stdlib_coverage.py's coverage, in words."""
    kind, _, rest = way.partition(" ")
    if kind == "moto":
        return f"run against moto_server and checked with boto3 ({rest})"
    if kind == "local":
        return f"run for real, no AWS ({rest})"
    if kind == "standin":
        return f"run by kdx apply against a local stand-in of the service that answers as its API model says ({rest})"
    if kind == "model-only":
        return f"checked against the API model only: the -dry-run requests compared with botocore's ({rest})"
    if kind == "rollback-world":
        return f"applied, rolled back, and every field of the world (boto3) compared before and after ({rest})"
    if way.startswith("no rollback-world test: "):
        return "not rolled back in a test: " + way[len("no rollback-world test: "):]
    return way


def examples(text):
    """Action name -> its example: the `#> ` comment lines right above `action NAME(`."""
    out, run = {}, []
    for line in text.split("\n"):
        if line.startswith("#>"):
            run.append(line[3:] if line.startswith("#> ") else "")
            continue
        m = re.match(r"action (\w+)\(", line)
        if m and run:
            out[m.group(1)] = "\n".join(run)
        run = []
    return out


def module(repo, path, tested):
    text = open(path).read()
    name = os.path.relpath(path, os.path.join(repo, "stdlib"))[:-4]
    short = name.split("/")[-1]
    ex = examples(text)
    out = [f"## `{name}`\n"]
    head = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        head.append(line.lstrip("# "))
    if head:
        out.append(" ".join(head) + "\n")
    out.append(f'Import: `import "{name}"`\n')
    for hdr, body in blocks(text, "type"):
        out.append(f"### type `{short}.{hdr}`\n")
        cls = re.search(r"^\s*class\s*=\s*(\w+)", body, re.M)
        if cls:
            out.append(f"Class: `{cls.group(1)}`\n")
        fields = re.findall(r"^\s*field\s+(\w+)\s*:\s*([^=#\n]+?)\s*(?:=\s*([^#\n]+?))?\s*(?:#\s*(.*))?$",
                            body, re.M)
        if fields:
            out.append("| field | type | default | note |\n|---|---|---|---|")
            for f, t, d, note in fields:
                out.append(f"| `{f}` | `{t}` | {('`' + d + '`') if d else 'required'} | {note} |")
            out.append("")
    for hdr, body in blocks(text, "action"):
        aname = hdr.split("(", 1)[0].strip()
        out.append(f"### action `{short}.{aname}`\n")
        out.append(f"`{short}.{' '.join(hdr.split())}`\n")
        desc = attr(body, "description")
        if desc:
            out.append(desc + "\n")
        if aname in ex:
            out.append("Example:\n\n```kdx\n" + ex[aname] + "\n```\n")
        calls = re.findall(r'call aws "([^"]+)" "([^"]+)"', body)
        tf = re.findall(r'call terraform "([^"]+)"', body)
        rows = [("duration", clause(body, "duration")),
                ("effect", clause(body, "effect")),
                ("undo", clause(body, "undo") or "none (a read or no world change)"),
                ("verify", attr(body, "verify") or re.sub(r"^=\s*", "", clause(body, "verify"))),
                ("unverifiable", attr(body, "unverifiable")),
                ("repeatable", "yes: sent again when a crash leaves it in doubt"
                 if re.search(r"^\s*repeatable\s*=\s*true", body, re.M) else ""),
                ("AWS operations", ", ".join(f"{s} {o}" for s, o in calls)),
                ("Terraform", ", ".join(tf))]
        ways = tested.get((short, aname))
        if ways is not None:
            rows.append(("tested", "; ".join(describe(w) for w in ways) or "not yet"))
        for k, v in rows:
            if v:
                out.append(f"- {k}: `{v}`" if k in ("duration", "effect", "undo", "verify") else f"- {k}: {v}")
        out.append("")
    return "\n".join(out)


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files = [os.path.join(repo, "stdlib/core.kdx"), os.path.join(repo, "stdlib/terraform.kdx")]
    files += sorted(glob.glob(os.path.join(repo, "stdlib/aws/*.kdx")))
    # the coverage rules live with the tests (tests/e2e/stdlib_coverage.py, t0652)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../tests/e2e"))
    import stdlib_coverage
    tested, _ = stdlib_coverage.coverage(repo)
    print("# kdx standard library\n")
    print("Generated by `stdlib/gendoc.py` from the stdlib sources; do not edit by hand "
          "(`python3 stdlib/gendoc.py > docs/stdlib.md`; tests/e2e/t0120 fails when it drifts).\n")
    for f in files:
        if os.path.exists(f):
            print(module(repo, f, tested))


if __name__ == "__main__":
    main()
