"""A logging HTTP proxy for the crash tests: forwards every request unchanged to the
upstream (moto_server) and appends one line per request to the log: "METHOD PATH ACTION",
ACTION being the query protocol's Action=, the JSON protocol's X-Amz-Target, or "-".
Usage: reqlog.py UPSTREAM_URL PORT_FILE LOG_FILE
With REQLOG_REPLICAS=TABLE=R1,R2 in the environment, DynamoDB DescribeTable answers for TABLE
gain the global table member moto 5.2.1 lacks: Table.Replicas, one {RegionName, ReplicaStatus}
per region, shaped as botocore's dynamodb model says (t0911 reads it back with boto3)."""
import json
import os
import http.client
import http.server
import socketserver
import sys
import threading
import urllib.parse
import zlib

UP = urllib.parse.urlsplit(sys.argv[1])
LOCK = threading.Lock()


def with_replicas(action, body, status, data):
    spec = os.environ.get("REQLOG_REPLICAS", "")
    if not spec or status != 200 or not action.endswith(".DescribeTable"):
        return data
    table, regions = spec.split("=", 1)
    if json.loads(body or b"{}").get("TableName") != table:
        return data
    out = json.loads(data)
    out["Table"]["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in regions.split(",")]
    return json.dumps(out).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        action = self.headers.get("X-Amz-Target") or "-"
        if body.startswith(b"Action="):
            action = urllib.parse.parse_qs(body.decode())["Action"][0]
        with LOCK, open(sys.argv[3], "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path.split("?")[0], action))
        c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        c.request(self.command, self.path, body=body or None, headers=headers)
        r = c.getresponse()
        data = r.read()
        orig, data = data, with_replicas(action, body, r.status, data)
        self.send_response(r.status)
        head = self.command == "HEAD"  # no body; the upstream's Content-Length stands
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "server", "date") and \
                    (head or k.lower() != "content-length"):
                if k.lower() == "x-amz-crc32" and data is not orig:  # DynamoDB's body checksum
                    v = str(zlib.crc32(data))
                self.send_header(k, v)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)
        c.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
