#!/usr/bin/env python3
"""A local stand-in for EKS clusters, for the tests of aws/eks's workload actions (t1020):
moto's DescribeCluster answers a fixed, unreachable endpoint, and nothing on this machine
serves the Kubernetes API.

Two servers on 127.0.0.1:
- --eks-port, plain http: the EKS control plane's DescribeCluster (GET /clusters/NAME,
  rest-json), answering the Kubernetes endpoint below and the CA (--ca, base64 PEM) as the
  cluster's certificateAuthority;
- --kube-port, https with --tls CERT KEY (signed by that CA only): the Kubernetes API paths
  aws/eks uses -- apps/v1 deployments (GET) and their scale subresource (GET, PUT, PATCH
  merge-patch), autoscaling/v2 horizontalpodautoscalers (GET, PUT, PATCH merge-patch).

Every Kubernetes request must carry an EKS token (401 otherwise): "k8s-aws-v1." + unpadded
base64url of a presigned STS GetCallerIdentity URL (Action, Version, X-Amz-Expires=60, a
date within 15 minutes, x-k8s-aws-id among the signed headers) whose signature botocore's
own SigV4 signer reproduces with --secret; the cluster is the one the token names.
A write with a stale resourceVersion gets 409 Conflict. Objects start as --seed
({cluster: {"deployments": {"NS/NAME": obj}, "hpas": {"NS/NAME": obj}}}); the full objects
are written to --state after every change; each request (never its token) goes to --log.
"""
import argparse
import base64
import copy
import datetime
import http.server
import json
import ssl
import threading
import urllib.parse

from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eks-port", type=int, required=True)
    ap.add_argument("--kube-port", type=int, required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--key-id", default="testing")
    ap.add_argument("--secret", default="testing")
    a = ap.parse_args()
    lock = threading.Lock()
    world = json.load(open(a.seed))
    ca_data = base64.b64encode(open(a.ca, "rb").read()).decode()
    endpoint = "https://127.0.0.1:%d" % a.kube_port

    def save():
        with open(a.state + ".tmp", "w") as f:
            json.dump(world, f, indent=1, sort_keys=True)
        import os
        os.replace(a.state + ".tmp", a.state)

    def log(line):
        with open(a.log, "a") as f:
            f.write(line + "\n")

    save()

    def check_token(auth):
        """The cluster the token is for, or (None, why)."""
        if not auth or not auth.startswith("Bearer k8s-aws-v1."):
            return None, "no bearer token with the k8s-aws-v1. prefix"
        b64 = auth[len("Bearer k8s-aws-v1."):]
        if "=" in b64 or "+" in b64 or "/" in b64:
            return None, "the token is not unpadded base64url"
        url = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).decode()
        u = urllib.parse.urlsplit(url)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if u.scheme != "https" or not u.netloc.startswith("sts.") or u.path != "/":
            return None, "not an STS URL: %s://%s%s" % (u.scheme, u.netloc, u.path)
        if q.get("Action") != "GetCallerIdentity" or q.get("Version") != "2011-06-15":
            return None, "not GetCallerIdentity 2011-06-15"
        if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or q.get("X-Amz-Expires") != "60":
            return None, "algorithm or expiry (%s) wrong" % q.get("X-Amz-Expires")
        signed = q.get("X-Amz-SignedHeaders", "").split(";")
        if "x-k8s-aws-id" not in signed or "host" not in signed:
            return None, "x-k8s-aws-id is not signed: %s" % signed
        cred = q.get("X-Amz-Credential", "").split("/")
        if len(cred) != 5 or cred[0] != a.key_id or cred[3] != "sts" or cred[4] != "aws4_request":
            return None, "bad credential scope"
        region = cred[2]
        when = datetime.datetime.strptime(q["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
            return None, "the token's date is out of range"
        # which cluster: the stand-in knows them all; the signature decides which one the
        # token was made for (the x-k8s-aws-id header is not in the URL, only signed)
        got = q.pop("X-Amz-Signature", "")
        for cluster in world:
            req = AWSRequest(method="GET", url="https://%s/?Action=GetCallerIdentity&Version=2011-06-15" % u.netloc,
                             headers={"x-k8s-aws-id": cluster})
            req.context["timestamp"] = q["X-Amz-Date"]
            auth_ = SigV4QueryAuth(Credentials(a.key_id, a.secret, q.get("X-Amz-Security-Token")),
                                   "sts", region, expires=60)
            auth_._modify_request_before_signing(req)
            sig = auth_.signature(auth_.string_to_sign(req, auth_.canonical_request(req)), req)
            if sig == got:
                return cluster, "STS %s, signature verified" % region
        return None, "the signature matches no cluster's x-k8s-aws-id"

    def merge_patch(target, patch):
        if not isinstance(patch, dict):
            return copy.deepcopy(patch)
        out = dict(target) if isinstance(target, dict) else {}
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = merge_patch(out.get(k), v)
        return out

    def bump(obj):
        obj["metadata"]["resourceVersion"] = str(int(obj["metadata"]["resourceVersion"]) + 1)

    def scale_of(d):
        return {"apiVersion": "autoscaling/v1", "kind": "Scale",
                "metadata": {"name": d["metadata"]["name"], "namespace": d["metadata"]["namespace"],
                             "uid": d["metadata"]["uid"],
                             "resourceVersion": d["metadata"]["resourceVersion"],
                             "creationTimestamp": d["metadata"]["creationTimestamp"]},
                "spec": {"replicas": d["spec"]["replicas"]},
                "status": {"replicas": d["status"].get("replicas", 0),
                           "selector": ",".join("%s=%s" % kv for kv in
                                                sorted(d["spec"]["selector"]["matchLabels"].items()))}}

    def status(code, reason, message):
        return code, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                      "message": message, "reason": reason, "code": code}

    class Kube(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, obj):
            body = (json.dumps(obj) + "\n").encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            cluster, why = check_token(self.headers.get("Authorization"))
            with lock:
                log("%s %s token=%s" % (self.command, self.path, "ok " + cluster if cluster else "REFUSED " + why))
                if not cluster:
                    return self.reply(*status(401, "Unauthorized", "Unauthorized"))
                code, obj = self.route(world[cluster], raw)
                if code < 300 and self.command != "GET":
                    save()
                log("  -> %d" % code)
            self.reply(code, obj)

        do_GET = do_PUT = do_PATCH = handle_any

        def route(self, objs, raw):
            parts = self.path.split("?")[0].strip("/").split("/")
            # apis/apps/v1/namespaces/NS/deployments/NAME[/scale]
            # apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers/NAME
            if len(parts) < 7 or parts[0] != "apis" or parts[3] != "namespaces":
                return status(404, "NotFound", "the server could not find the requested resource")
            group, ns, kind, name = "/".join(parts[1:3]), parts[4], parts[5], parts[6]
            sub = parts[7] if len(parts) > 7 else ""
            key = "%s/%s" % (ns, name)
            if group == "apps/v1" and kind == "deployments" and sub in ("", "scale"):
                table = objs["deployments"]
            elif group == "autoscaling/v2" and kind == "horizontalpodautoscalers" and sub == "":
                table = objs["hpas"]
            else:
                return status(404, "NotFound", "the server could not find the requested resource")
            if key not in table:
                return status(404, "NotFound", '%s "%s" not found' % (kind, name))
            cur = table[key]
            if self.command == "GET":
                return 200, scale_of(cur) if sub == "scale" else cur
            if sub == "" and kind == "deployments":
                return status(405, "MethodNotAllowed", "only the scale subresource is writable here")
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                return status(400, "BadRequest", "the body is not JSON")
            ct = self.headers.get("Content-Type", "")
            if self.command == "PATCH" and ct != "application/merge-patch+json":
                return status(415, "UnsupportedMediaType", "PATCH needs application/merge-patch+json here, not " + ct)
            if self.command == "PUT" and ct != "application/json":
                return status(415, "UnsupportedMediaType", "PUT needs application/json")
            view = scale_of(cur) if sub == "scale" else cur
            new = merge_patch(view, body) if self.command == "PATCH" else body
            rv = (body.get("metadata") or {}).get("resourceVersion") if isinstance(body, dict) else None
            if self.command == "PUT" and not rv:
                return status(422, "Invalid", "metadata.resourceVersion: Required value")
            if rv is not None and rv != cur["metadata"]["resourceVersion"]:
                return status(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; please apply your changes to the latest version and try again' % (kind, name))
            if sub == "scale":
                n_ = new.get("spec", {}).get("replicas")
                if not isinstance(n_, int) or n_ < 0:
                    return status(422, "Invalid", "spec.replicas must be a non-negative integer")
                log("  %s %s replicas %d -> %d" % (kind, key, cur["spec"]["replicas"], n_))
                if n_ != cur["spec"]["replicas"]:
                    cur["spec"]["replicas"] = n_
                    cur["metadata"]["generation"] += 1
                    # the controller: pods become ready at once
                    for f in ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas"):
                        cur["status"][f] = n_
                    cur["status"]["observedGeneration"] = cur["metadata"]["generation"]
                    bump(cur)
                return 200, scale_of(cur)
            spec = new.get("spec", {})
            if spec.get("minReplicas", 1) > spec.get("maxReplicas", 0):
                return status(422, "Invalid", "spec.minReplicas must be <= spec.maxReplicas")
            log("  %s %s min %s -> %s, max %s -> %s" % (kind, key, cur["spec"].get("minReplicas"),
                spec.get("minReplicas"), cur["spec"]["maxReplicas"], spec.get("maxReplicas")))
            # only spec is the client's to change; metadata and status stay the server's
            if new["spec"] != cur["spec"]:
                cur["spec"] = new["spec"]
                cur["metadata"]["generation"] += 1
                bump(cur)
            return 200, cur

    class Eks(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def do_GET(self):
            parts = self.path.split("?")[0].strip("/").split("/")
            signed = (self.headers.get("Authorization") or "").startswith("AWS4-HMAC-SHA256 ")
            with lock:
                log("EKS %s %s signed=%s" % (self.command, self.path, signed))
            if len(parts) == 2 and parts[0] == "clusters" and parts[1] in world and signed:
                code, obj = 200, {"cluster": {
                    "name": parts[1], "status": "ACTIVE", "version": "1.31",
                    "arn": "arn:aws:eks:us-east-1:123456789012:cluster/" + parts[1],
                    "endpoint": endpoint, "certificateAuthority": {"data": ca_data}}}
            else:
                code, obj = 404, {"message": "No cluster found for name: %s." % parts[-1]}
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            if code != 200:
                self.send_header("x-amzn-ErrorType", "ResourceNotFoundException")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    kube = http.server.ThreadingHTTPServer(("127.0.0.1", a.kube_port), Kube)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*a.tls)
    kube.socket = ctx.wrap_socket(kube.socket, server_side=True)
    eks = http.server.ThreadingHTTPServer(("127.0.0.1", a.eks_port), Eks)
    threading.Thread(target=eks.serve_forever, daemon=True).start()
    open(a.ready, "w").write("ready\n")
    kube.serve_forever()


if __name__ == "__main__":
    main()
