"""A timing pass-through HTTP proxy for bench/apply.sh: forwards every request unchanged to
the upstream (moto_server) and appends one line per request to the log:
"T_SENT T_ANSWERED METHOD PATH ACTION" (CLOCK_MONOTONIC seconds, taken just before the request
is written upstream and just after the whole answer is read, so the difference is the
emulator's own service time plus one loopback round trip). ACTION is the query protocol's
Action=, the JSON protocol's X-Amz-Target, or "-".
DELAY_MS (default 0) adds that many milliseconds to every answer, inside the timed interval:
a stand-in for the network and service latency of a real AWS endpoint, which moto on
loopback does not have (bench/apply_parallel.sh).
Usage: timeproxy.py UPSTREAM_URL PORT_FILE LOG_FILE [DELAY_MS]"""
import http.client
import http.server
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

UP = urllib.parse.urlsplit(sys.argv[1])
DELAY = float(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.0
LOCK = threading.Lock()
LOCAL = threading.local()


def upstream():
    c = getattr(LOCAL, "conn", None)
    if c is None:
        c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=60)
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        LOCAL.conn = c
    return c


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else the answer's body waits for the client's delayed ACK

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        action = self.headers.get("X-Amz-Target") or "-"
        if body.startswith(b"Action=") or b"&Action=" in body:
            action = urllib.parse.parse_qs(body.decode()).get("Action", ["-"])[0]
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        c = upstream()
        t0 = time.monotonic()
        try:
            c.request(self.command, self.path, body=body or None, headers=headers)
            r = c.getresponse()
        except (http.client.HTTPException, OSError):
            c.close()
            LOCAL.conn = None
            c = upstream()
            t0 = time.monotonic()
            c.request(self.command, self.path, body=body or None, headers=headers)
            r = c.getresponse()
        data = r.read()
        if DELAY:
            time.sleep(DELAY)
        t1 = time.monotonic()
        with LOCK, open(sys.argv[3], "a") as f:
            f.write("%.6f %.6f %s %s %s\n" % (t0, t1, self.command, self.path.split("?")[0], action))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog (5) drops the SYNs of a burst of parallel
    # connections, which then wait a full second for their retransmit


srv = Server(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
