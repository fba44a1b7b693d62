#!/usr/bin/env bash
# Every `call aws "SERVICE" "Operation" { ... }` in stdlib/ names a real operation of the
# service, and every top-level input key is a member of the operation's input shape in
# botocore's API model (the reserved `region` key excepted), with the required ones present
# (except the idempotency tokens kdx fills in).
source "$(dirname "$0")/lib.sh"
cd "$KDX_REPO"
python3 -c 'import botocore' 2>/dev/null || skip "botocore not installed"
python3 - stdlib <<'PY'
import glob, gzip, json, os, re, sys
import botocore, botocore.loaders
data = os.path.join(os.path.dirname(botocore.__file__), "data")
models = {}
def model(svc):
    # as botocore (and trim.py) load it: the newest version, with its service-2.sdk-extras.json
    # merged in (RDS's, DocumentDB's and Neptune's SourceRegion live there)
    if svc not in models:
        if not glob.glob(f"{data}/{svc}/*/service-2.json*"):
            sys.exit(f"no botocore model for service '{svc}'")
        models[svc] = botocore.loaders.Loader().load_service_model(svc, "service-2")
    return models[svc]
def top_keys(text, start):
    """Keys written at depth 1 of the block that opens at text[start] == '{'."""
    depth, i, keys, line_start = 0, start, [], True
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            line_start = False
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return keys
        elif c == "\n" or c == ",":
            line_start = True
        elif depth == 1 and line_start and not c.isspace():
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", text[i:])
            if m:
                keys.append(m.group(1))
            line_start = False
        i += 1
    return keys
checked = 0
for path in sorted(glob.glob(sys.argv[1] + "/**/*.kdx", recursive=True)):
    text = open(path).read()
    for m in re.finditer(r'call aws "([^"]+)" "([^"]+)" \{', text):
        svc, op = m.group(1), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        ops = model(svc)["operations"]
        if op not in ops:
            sys.exit(f"{path}:{line}: '{svc}' has no operation '{op}'")
        shape = ops[op].get("input", {}).get("shape")
        members = model(svc)["shapes"][shape]["members"] if shape else {}
        required = model(svc)["shapes"][shape].get("required", []) if shape else []
        keys = [k for k in top_keys(text, m.end() - 1) if k != "region"]
        for k in keys:
            if k not in members:
                sys.exit(f"{path}:{line}: {svc} {op} has no input member '{k}' (members: {sorted(members)})")
        # members kdx fills with the step's idempotency token (botocore's own, or a kdx
        # patch recorded in the vendored model: stdlib/aws/models/trim.py PATCHES)
        vendored = json.load(open(f"{sys.argv[1]}/aws/models/{svc}.json"))["shapes"].get(shape, {})
        tokens = {n for n, r in vendored.get("members", {}).items() if r.get("idempotencyToken")}
        for r in required:
            if r not in keys and r not in tokens:
                sys.exit(f"{path}:{line}: {svc} {op} needs '{r}'")
        checked += 1
print(f"{checked} calls checked against the botocore models")
if checked < 20:
    sys.exit("expected at least 20 call aws in stdlib/")
PY
