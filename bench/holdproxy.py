"""A completion-holding proxy for bench/poll_moto.sh: forwards every request to moto_server
and, for the changes named in HOLDS_FILE, makes the read that a wait polls say "not yet"
until HOLD seconds after the change request arrived, then passes moto's answer through --
what AWS does while a change propagates (moto finishes every change at once):
  Route 53   ChangeResourceRecordSets on a held zone: the answer's ChangeInfo Id (moto
             gives every change the same one) becomes a fresh id; GetChange of that id
             answers PENDING, then moto's INSYNC.
  Auto Scaling  UpdateAutoScalingGroup of a held group: DescribeAutoScalingGroups of it
             answers its instances as Pending instead of InService.
  RDS        ModifyDBCluster of a held cluster: DescribeDBClusters of it answers
             "modifying" instead of "available".
HOLDS_FILE (JSON, read at each change): {"zone:ZONE_ID" | "asg:NAME" | "rds:ID":
{"hold": SECONDS, "label": TEXT}}. Every request is logged to LOG_FILE as one JSON line:
{"t": arrival (CLOCK_MONOTONIC s), "kind": "change" | "poll" | "other", "key", "label",
"held": the answer said not yet}. bench/poll_stats.py reads it.
Usage: holdproxy.py UPSTREAM_URL PORT_FILE LOG_FILE HOLDS_FILE"""
import itertools
import json
import re
import sys
import threading
import time
import urllib.parse

import proxylib

UP = proxylib.upstream_url(sys.argv[1])
LOG, HOLDS = sys.argv[3], sys.argv[4]
LOCK = threading.Lock()
CHANGES = {}  # key -> (t_change, hold, label)
R53_IDS = {}  # the change id we gave -> key
SEQ = itertools.count(1)


def holds():
    try:
        with open(HOLDS) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def classify(method, path, form):
    """(kind, key) of a request: a change of a held resource, a poll of one, or other."""
    action = form.get("Action", [""])[0]
    m = re.match(r"/2013-04-01/hostedzone/([^/]+)/rrset/?$", path)
    if m and method == "POST":
        return "change", "zone:" + m.group(1)
    m = re.match(r"/2013-04-01/change/([^/?]+)", path)
    if m and method == "GET":
        return "poll", R53_IDS.get(m.group(1), "")
    if action == "UpdateAutoScalingGroup":
        return "change", "asg:" + form.get("AutoScalingGroupName", [""])[0]
    if action == "DescribeAutoScalingGroups":
        return "poll", "asg:" + form.get("AutoScalingGroupNames.member.1", [""])[0]
    if action == "ModifyDBCluster":
        return "change", "rds:" + form.get("DBClusterIdentifier", [""])[0]
    if action == "DescribeDBClusters":
        return "poll", "rds:" + form.get("DBClusterIdentifier", [""])[0]
    return "other", ""


def rewrite(kind, key, data, now):
    """The answer as the proxy gives it, and whether it said "not yet"."""
    if kind == "change" and key.startswith("zone:"):
        cid = "KDXHOLD%06d" % next(SEQ)
        with LOCK:
            R53_IDS[cid] = key
        return re.sub(rb"<Id>/change/[^<]*</Id>", b"<Id>/change/" + cid.encode() + b"</Id>", data), False
    if kind != "poll" or key not in CHANGES:
        return data, False
    t0, hold, _ = CHANGES[key]
    if now >= t0 + hold:
        return data, False
    if key.startswith("zone:"):
        return data.replace(b"<Status>INSYNC</Status>", b"<Status>PENDING</Status>"), True
    if key.startswith("asg:"):
        return data.replace(b"<LifecycleState>InService</LifecycleState>",
                            b"<LifecycleState>Pending</LifecycleState>"), True
    return data.replace(b"<Status>available</Status>", b"<Status>modifying</Status>"), True


class Handler(proxylib.Handler):
    def handle_any(self, body):
        now = time.monotonic()
        url = urllib.parse.urlsplit(self.path)
        form = urllib.parse.parse_qs(url.query)
        if body and b"=" in body and not body.lstrip().startswith((b"{", b"<")):
            form.update(urllib.parse.parse_qs(body.decode(errors="replace")))
        kind, key = classify(self.command, url.path, form)
        if kind == "change":
            h = holds().get(key)
            if h:
                with LOCK:
                    CHANGES[key] = (now, float(h["hold"]), h.get("label", ""))
        status, headers, data = proxylib.forward(UP, self, body)
        data, held = rewrite(kind, key, data, now) if status < 300 else (data, False)
        label = CHANGES.get(key, (0, 0, ""))[2] if key else ""
        with LOCK, open(LOG, "a") as f:
            f.write(json.dumps({"t": now, "kind": kind, "key": key, "label": label,
                                "held": held, "status": status}) + "\n")
        proxylib.respond(self, status, headers, data)


proxylib.serve(Handler, sys.argv[2])
