"""A stand-in for the AWS services moto does not implement (Global Accelerator, ARC routing
controls and control config, ElastiCache global datastores), for t0650's dry runs: the reads
kdx sends before a change (snapshots, gates) get a fixed answer shaped as the API model says,
and every request is written to DIR/reqN.SERVICE.OPERATION in the layout of kdx's dry-run
output, so the test compares the reads with botocore as it compares the printed mutations.
Anything else is answered 400, so an unexpected request fails the run.
Usage: model_stub.py PORT_FILE DIR"""
import http.server
import json
import os
import socketserver
import sys
import threading
import urllib.parse

LOCK = threading.Lock()
COUNT = [0]
GA = "GlobalAccelerator_V20180706."
ARC = "ToggleCustomerAPI."
ANSWERS = {
    ("globalaccelerator", GA + "DescribeEndpointGroup"): {"EndpointGroup": {
        "EndpointGroupArn": "x", "TrafficDialPercentage": 100.0,
        "EndpointDescriptions": [{"EndpointId": "i-1", "Weight": 128},
                                 {"EndpointId": "i-2", "Weight": 128}]}},
    ("route53-recovery-cluster", ARC + "GetRoutingControlState"): {
        "RoutingControlArn": "x", "RoutingControlState": "On"},
    # t1022: an ARC Region switch execution that completed, its approval step still shown
    # pending (the dry run approves nothing)
    ("arc-region-switch", "ArcRegionSwitch.GetPlanExecution"): {
        "planArn": "x", "executionId": "exec-1", "executionState": "completed",
        "executionAction": "activate", "executionRegion": "us-west-2", "mode": "ungraceful",
        "startTime": 1767225600, "stepStates": [{"name": "approve_promote_db", "status": "pendingApproval"}]},
}
SAFETY_RULES = {"SafetyRules": [
    {"ASSERTION": {"Name": "one-on", "ControlPanelArn": "x", "SafetyRuleArn": "r1",
                   "AssertedControls": ["a", "b"], "RuleConfig": {"Type": "ATLEAST", "Threshold": 1, "Inverted": False},
                   "WaitPeriodMs": 5000, "Status": "DEPLOYED"}},
    {"GATING": {"Name": "gate", "ControlPanelArn": "x", "SafetyRuleArn": "r2", "GatingControls": ["g"],
                "TargetControls": ["a"], "RuleConfig": {"Type": "AND", "Threshold": 1, "Inverted": False},
                "WaitPeriodMs": 5000, "Status": "DEPLOYED"}}]}
ELASTICACHE_NS = "http://elasticache.amazonaws.com/doc/2015-02-02/"
GLOBAL_GROUPS = ("<DescribeGlobalReplicationGroupsResponse xmlns=\"%s\"><DescribeGlobalReplicationGroupsResult>"
                 "<GlobalReplicationGroups><GlobalReplicationGroup><GlobalReplicationGroupId>kaldrix-global"
                 "</GlobalReplicationGroupId><Status>available</Status><Members>"
                 "<GlobalReplicationGroupMember><ReplicationGroupId>kaldrix-east</ReplicationGroupId>"
                 "<ReplicationGroupRegion>us-east-1</ReplicationGroupRegion><Role>PRIMARY</Role>"
                 "</GlobalReplicationGroupMember><GlobalReplicationGroupMember><ReplicationGroupId>"
                 "kaldrix-west</ReplicationGroupId><ReplicationGroupRegion>us-west-2</ReplicationGroupRegion>"
                 "<Role>SECONDARY</Role></GlobalReplicationGroupMember></Members></GlobalReplicationGroup>"
                 "</GlobalReplicationGroups></DescribeGlobalReplicationGroupsResult>"
                 "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
                 "</DescribeGlobalReplicationGroupsResponse>" % ELASTICACHE_NS)


USERS = ("<DescribeUsersResponse xmlns=\"%s\"><DescribeUsersResult><Users><member>"
         "<UserId>kaldrix-app-east</UserId><Status>active</Status><AccessString>on ~* +@all</AccessString>"
         "</member></Users></DescribeUsersResult><ResponseMetadata><RequestId>2</RequestId>"
         "</ResponseMetadata></DescribeUsersResponse>" % ELASTICACHE_NS)


def service_of(headers):
    """The signing name in the Authorization header's credential scope."""
    auth = headers.get("Authorization", "")
    try:
        return auth.split("Credential=")[1].split(",")[0].split("/")[3]
    except IndexError:
        return "?"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        svc = service_of(self.headers)
        target = self.headers.get("X-Amz-Target", "")
        op, ctype, answer = target.split(".")[-1], "application/x-amz-json-1.1", None
        signing = {"globalaccelerator": "globalaccelerator",
                   "route53-recovery-cluster": "route53-recovery-cluster",
                   "route53-recovery-control-config": "route53-recovery-control-config",
                   "elasticache": "elasticache"}
        name = signing.get(svc, svc)
        if (name, target) in ANSWERS:
            answer = json.dumps(ANSWERS[(name, target)]).encode()
            ctype = "application/x-amz-json-1.0" if name in ("route53-recovery-cluster", "arc-region-switch") else ctype
        elif name == "route53-recovery-control-config" and self.path.endswith("/safetyrules"):
            op, ctype, answer = "ListSafetyRules", "application/json", json.dumps(SAFETY_RULES).encode()
        elif name == "elasticache" and b"Action=DescribeGlobalReplicationGroups" in body:
            op, ctype, answer = "DescribeGlobalReplicationGroups", "text/xml", GLOBAL_GROUPS.encode()
        elif name == "elasticache" and b"Action=DescribeUsers" in body:
            op, ctype, answer = "DescribeUsers", "text/xml", USERS.encode()
        host = self.headers.get("Host", "")
        with LOCK:
            COUNT[0] += 1
            path = os.path.join(sys.argv[2], "req%d.%s.%s" % (COUNT[0], name, op or "unknown"))
            with open(path, "w") as f:
                f.write("%s http://%s%s\n" % (self.command, host, self.path))
                for k, v in self.headers.items():
                    f.write("%s: %s\n" % (k, v))
                f.write("\n" + body.decode("utf-8", "replace") + ("\n" if body else ""))
        if answer is None:
            answer, ctype = b'{"message":"model_stub: no answer for this request"}', "application/json"
            self.send_response(400)
        else:
            self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = _any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
