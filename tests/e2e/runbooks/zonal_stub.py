"""A stand-in for ARC zonal shift, which moto does not implement, for t0995's dry runs: it
answers only ListZonalShifts (the reads kdx sends before a change), from a fixed table --
resource ARN_SHIFTED has one ACTIVE shift away from use1-az1 (id 7f3021134c71aa28), any other has none --
and records each request's method and path in DIR/reqN. Anything else (a mutation, which a
dry run must never send) is answered 400, so it fails the run.
Usage: zonal_stub.py PORT_FILE DIR"""
import http.server
import json
import os
import socketserver
import sys
import threading
import urllib.parse

ARN_SHIFTED = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shifted/1"
LOCK = threading.Lock()
COUNT = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        with LOCK:
            COUNT[0] += 1
            with open(os.path.join(sys.argv[2], "req%d" % COUNT[0]), "w") as f:
                f.write("%s %s\n" % (self.command, self.path))
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        if self.command != "GET" or url.path != "/zonalshifts":
            return self._answer(400, {"message": "the stub answers ListZonalShifts only"})
        items = []
        if q.get("resourceIdentifier") == [ARN_SHIFTED] and q.get("status") == ["ACTIVE"]:
            items = [{"zonalShiftId": "7f3021134c71aa28", "resourceIdentifier": ARN_SHIFTED, "awayFrom": "use1-az1",
                      "expiryTime": 1893456000, "startTime": 1893452400, "status": "ACTIVE",
                      "comment": "kdx: az1 impaired"}]
        return self._answer(200, {"items": items})

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
