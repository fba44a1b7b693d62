"""What bench/timeproxy.py and bench/holdproxy.py share: a thread-local keep-alive
connection to the upstream (moto_server), forwarding a request unchanged, answering the
client, and a threaded server on a free 127.0.0.1 port written to a file."""
import http.client
import http.server
import socket
import socketserver
import threading
import urllib.parse

_LOCAL = threading.local()


def _conn(up):
    c = getattr(_LOCAL, "conn", None)
    if c is None:
        c = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        c.connect()
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _LOCAL.conn = c
    return c


def forward(up, handler, body, before=None):
    """Send handler's request (with body) to up (a urlsplit); (status, headers, data).
    before() is called just before the request is written (again on a reconnect)."""
    headers = {k: v for k, v in handler.headers.items() if k.lower() != "connection"}
    for attempt in (0, 1):
        c = _conn(up)
        if before:
            before()
        try:
            c.request(handler.command, handler.path, body=body or None, headers=headers)
            r = c.getresponse()
            return r.status, r.getheaders(), r.read()
        except (http.client.HTTPException, OSError):
            c.close()
            _LOCAL.conn = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def respond(handler, status, headers, data):
    handler.send_response(status)
    for k, v in headers:
        if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class Handler(http.server.BaseHTTPRequestHandler):
    """Subclass with handle_any(body); every method goes there."""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else the answer's body waits for the client's delayed ACK

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.handle_any(self.rfile.read(n) if n else b"")

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def log_message(self, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog (5) drops the SYNs of a burst of parallel
    # connections, which then wait a full second for their retransmit


def serve(handler_cls, port_file):
    srv = _Server(("127.0.0.1", 0), handler_cls)
    with open(port_file, "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


def upstream_url(url):
    return urllib.parse.urlsplit(url)
