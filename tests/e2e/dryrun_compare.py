#!/usr/bin/env python3
"""Compare the requests a `kdx apply -dry-run` printed with what botocore serialises for the
same inputs (tests/aws/botocore_serialize.py), for the stdlib actions moto lacks.
Usage: dryrun_compare.py OUT EXPECT.json ENDPOINT_URL
EXPECT.json is a list of [service, operation, input]: every request OUT shows must be one of
them and every one of them must be shown, each exactly once; exit 1 otherwise, saying which."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "aws"))
import botocore_serialize as bs  # noqa: E402


def requests(path):
    """(service, operation, text) of each '# aws SERVICE OPERATION' block of a dry run."""
    out, lines, i = [], open(path).read().split("\n"), 0
    while i < len(lines):
        if lines[i].startswith("# aws "):
            _, _, svc, op = lines[i].split(" ")
            j, blanks, req = i + 1, 0, []
            while j < len(lines) and blanks < 2 and not lines[j].startswith(("# ", "[")):
                blanks += lines[j] == ""
                req.append(lines[j])
                j += 1
            out.append((svc, op, "\n".join(req).rstrip("\n") + "\n"))
            i = j
        else:
            i += 1
    return out


def main():
    got = requests(sys.argv[1])
    want = json.load(open(sys.argv[2]))
    url = sys.argv[3]
    used, bad = set(), 0
    for svc, op, text in got:
        kdx = bs.normalise(*bs.parse_dry_run(text))
        for n, (s2, o2, params) in enumerate(want):
            if n not in used and (s2, o2) == (svc, op) and \
                    bs.normalise(*bs.serialise(svc, op, params, url)) == kdx:
                used.add(n)
                break
        else:
            print(f"kdx's {svc} {op} is none of botocore's expected requests:\n{kdx}")
            bad += 1
    for n, (svc, op, params) in enumerate(want):
        if n not in used:
            print(f"no request {svc} {op} {json.dumps(params)}; botocore's:\n"
                  + bs.normalise(*bs.serialise(svc, op, params, url)))
            bad += 1
    print(f"{len(got)} requests compared with botocore, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
