#!/usr/bin/env python3
"""A scripted LSP client for `kdx lsp` (tests/e2e/t1006): speaks JSON-RPC with
Content-Length framing over the server's stdin/stdout and checks each answer.
Usage: lsp_client.py KDX RUNBOOK_DIR; exits 0 when every check passed."""
import json
import os
import subprocess
import sys

kdx, work = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([kdx, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
next_id = 0


def send(method, params, notify=False):
    global next_id
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if not notify:
        next_id += 1
        msg["id"] = next_id
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
    return None if notify else next_id


def receive():
    length = None
    while True:
        line = proc.stdout.readline()
        assert line, "the server closed its output"
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def request(method, params):
    i = send(method, params)
    while True:
        m = receive()
        if m.get("id") == i:
            assert "error" not in m, m
            return m["result"]


def notification(method):
    while True:
        m = receive()
        if m.get("method") == method:
            return m["params"]


path = os.path.join(work, "runbook.kdx")
uri = "file://" + path
good = open(path).read()
init = request("initialize", {"processId": None, "rootUri": "file://" + work, "capabilities": {}})
cap = init["capabilities"]
assert cap["hoverProvider"] and cap["definitionProvider"] and cap["documentFormattingProvider"], cap
assert "completionProvider" in cap and cap["textDocumentSync"] == 1, cap
send("initialized", {}, notify=True)

# didOpen with errors: a misspelt step in `after` and a capacity error; the diagnostics are
# those of `kdx check -json` on the same text
bad = good.replace("after scale_target", "after scale_targt")
bad = bad.replace('capacity = 50%', 'capacity = 50%\n  # x')
send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "kdx", "version": 1,
                                               "text": bad}}, notify=True)
diags = notification("textDocument/publishDiagnostics")
assert diags["uri"] == uri
d = diags["diagnostics"]
assert d, "no diagnostics for a broken runbook"
open(os.path.join(work, "bad.kdx"), "w").write(bad)
out = subprocess.run([kdx, "check", "-json", os.path.join(work, "bad.kdx")], capture_output=True, text=True)
want = [json.loads(l) for l in out.stdout.splitlines() if l.startswith('{"severity"')]
assert len(want) == len(d), (want, d)
for w, g in zip(want, d):
    assert g["message"].startswith(w["message"]), (w, g)
    assert g["range"]["start"]["line"] == w["line"] - 1 and g["range"]["start"]["character"] == w["column"] - 1, (w, g)
    assert g["severity"] == {"error": 1, "warning": 2}.get(w["severity"], 3) and g["code"] == w.get("code"), (w, g)
assert any("scale_targt" in g["message"] for g in d), d

# didChange to the good text: no diagnostics
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                "contentChanges": [{"text": good}]}, notify=True)
assert notification("textDocument/publishDiagnostics")["diagnostics"] == []


def pos(text, needle, delta=0):
    i = text.index(needle) + delta
    line = text.count("\n", 0, i)
    return {"line": line, "character": i - (text.rfind("\n", 0, i) + 1)}


doc = {"uri": uri}
# hover on a stdlib action: its signature and its description
h = request("textDocument/hover", {"textDocument": doc, "position": pos(good, "set_weights(web", 3)})
v = h["contents"]["value"]
assert "action set_weights(record : weighted_record, weights : map(percent))" in v, v
assert "Set the Weight of the regions' record sets in one change batch" in v, v
assert request("textDocument/hover", {"textDocument": doc, "position": {"line": 0, "character": 0}}) is None

# definition: a step (in this file) and an action (in the imported stdlib module)
loc = request("textDocument/definition", {"textDocument": doc, "position": pos(good, "after scale_target", 8)})
assert loc["uri"] == uri and loc["range"]["start"] == pos(good, "step scale_target", 5), loc
loc = request("textDocument/definition", {"textDocument": doc, "position": pos(good, "set_weights(web", 1)})
assert loc["uri"].endswith("/stdlib/aws/route53.kdx"), loc
mod = open(loc["uri"][len("file://"):]).read()
assert loc["range"]["start"] == pos(mod, "action set_weights(", 7), loc
# definition in a team module found through KDX_PATH (t1006 sets it to a directory of its own,
# outside the runbook's and the standard library's)
team = good.replace('import "aws/autoscaling"', 'import "aws/autoscaling"\nimport "team/ops"')
team = team.replace("step shift_traffic after scale_target {",
                    'step note after scale_target {\n  do ops.pause_note("draining")\n}\n\n'
                    "step shift_traffic after scale_target {")
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                "contentChanges": [{"text": team}]}, notify=True)
assert notification("textDocument/publishDiagnostics")["diagnostics"] == []
loc = request("textDocument/definition", {"textDocument": doc, "position": pos(team, "ops.pause_note(", 5)})
team_mod = os.path.join(os.environ["KDX_PATH"], "team", "ops.kdx")
assert loc["uri"] == "file://" + team_mod, loc
assert loc["range"]["start"] == pos(open(team_mod).read(), "action pause_note(", 7), loc
h = request("textDocument/hover", {"textDocument": doc, "position": pos(team, "ops.pause_note(", 6)})
assert "action pause_note(msg : string)" in h["contents"]["value"], h
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                "contentChanges": [{"text": good}]}, notify=True)
assert notification("textDocument/publishDiagnostics")["diagnostics"] == []
loc = request("textDocument/definition", {"textDocument": doc, "position": pos(good, "fleet[target]", 1)})
assert loc["range"]["start"] == pos(good, "resource fleet", 9), loc
loc = request("textDocument/definition", {"textDocument": doc, "position": pos(good, "fleet[target]", 7)})
assert loc["range"]["start"] == pos(good, "param target", 6), loc

# completion: module names after import ", actions after alias., steps elsewhere
withimp = good.replace('import "aws/route53"', 'import "aws/route53"\nimport "')
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                "contentChanges": [{"text": withimp}]}, notify=True)
notification("textDocument/publishDiagnostics")
labels = lambda r: {i["label"] for i in r["items"]}
c = request("textDocument/completion", {"textDocument": doc, "position": pos(withimp, 'import "\n', 8)})
assert {"aws/route53", "aws/rds", "core"} <= labels(c), labels(c)
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                "contentChanges": [{"text": good}]}, notify=True)
notification("textDocument/publishDiagnostics")
c = request("textDocument/completion", {"textDocument": doc, "position": pos(good, "set_weights(web")})
assert {"set_weights", "get_weights", "weighted_record"} <= labels(c), labels(c)
c = request("textDocument/completion", {"textDocument": doc, "position": pos(good, "scale_target {", 2)})
assert {"scale_target", "shift_traffic", "fleet", "route53.set_weights", "autoscaling.set_capacity"} <= labels(c), labels(c)

# formatting: the edit gives exactly what `kdx fmt -` gives
ugly = good.replace("  retry 2 backoff 2s", "retry   2   backoff 2s")
send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                "contentChanges": [{"text": ugly}]}, notify=True)
notification("textDocument/publishDiagnostics")
edits = request("textDocument/formatting", {"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": True}})
assert len(edits) == 1 and edits[0]["range"]["start"] == {"line": 0, "character": 0}, edits
fmt = subprocess.run([kdx, "fmt", "-"], input=ugly, capture_output=True, text=True).stdout
assert edits[0]["newText"] == fmt == good, "formatting differs from kdx fmt"

assert request("shutdown", None) is None
send("exit", None, notify=True)
assert proc.wait(timeout=30) == 0, proc.returncode
print("ok")
