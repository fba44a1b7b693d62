#!/usr/bin/env python3
"""A small HTTP/1.1 origin server for the transport's e2e tests (t0670-t0672).

Counts the TCP connections it accepts (written to --count after each accept), logs every
request's line and headers (--log), answers every method with --status and an XML body;
--close answers with "Connection: close", --tls CERT KEY serves https; --drop-second reads
the second request on each connection and closes it without an answer (as a server that
timed the idle connection out just as the request arrived). Writes --ready once
it listens. Handles absolute-form request lines (as sent through an http proxy).
"""
import argparse
import http.server
import os
import ssl
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--close", action="store_true")
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--drop-second", action="store_true")
    ap.add_argument("--count", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    # --answer echo-token: a 403 whose error message and request id repeat the request's
    #   X-Amz-Security-Token (as a careless or hostile server might)
    # --answer big-length / big-close: a 17 MiB body, with Content-Length / close-delimited
    # --answer cut-length: Content-Length 1000 and 10 bytes, then the connection closes
    # --answer cut-close: a close-delimited body cut off (over TLS: without close_notify)
    # --answer stall: Content-Length 100, 10 bytes, then nothing for 60 s
    # --answer continue-forever: "100 Continue" interim responses, one every 0.2 s for 60 s
    ap.add_argument("--answer", default="ok")
    a = ap.parse_args()
    lock = threading.Lock()
    conns = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: without this, Nagle on this side and the
        # client's delayed ACK hold every kept-alive answer back ~40 ms
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            pass

        def answer(self):
            n = int(self.headers.get("Content-Length") or 0)
            body_in = self.rfile.read(n) if n else b""
            self.served = getattr(self, "served", 0) + 1
            if a.drop_second and self.served == 2:
                with lock, open(a.log, "a") as f:
                    f.write("DROPPED " + self.requestline + "\n")
                self.close_connection = True
                return
            with lock, open(a.log, "a") as f:
                f.write(self.requestline + "\n")
                for k, v in self.headers.items():
                    f.write("  %s: %s\n" % (k, v))
                f.write("  <body %d bytes>\n" % len(body_in))
            if a.answer != "ok":
                return self.special(a.answer)
            body = b"<Ok><Path>%s</Path></Ok>\n" % self.path.encode()
            self.send_response(a.status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            if a.close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def special(self, how):
            if how == "echo-token":
                tok = (self.headers.get("X-Amz-Security-Token") or "none").encode()
                body = (b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                        b"<Message>The security token %s is invalid</Message></Error>"
                        b"<RequestId>%s</RequestId></ErrorResponse>\n" % (tok, tok))
                self.send_response(403)
                self.send_header("Content-Type", "text/xml")
                self.send_header("x-amzn-RequestId", tok.decode())
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.close_connection = True
            if how == "continue-forever":
                try:
                    for _ in range(300):
                        self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            chunk = b"x" * 65536
            if how in ("big-length", "cut-length", "stall"):
                self.send_header("Content-Length", str({"big-length": 17 << 20, "stall": 100}.get(how, 1000)))
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                if how.startswith("big"):
                    for _ in range(17 << 4):
                        self.wfile.write(chunk)
                elif how == "stall":
                    self.wfile.write(b"<Ok>stall")
                    self.wfile.flush()
                    time.sleep(60)
                else:
                    self.wfile.write(b"<Ok>cut-sho")
                self.wfile.flush()
            except OSError:
                pass
            # close the socket without a TLS close_notify: a truncation, not an end
            try:
                self.connection.shutdown(2)
            except OSError:
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = answer

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self):
            sock, addr = super().get_request()
            with lock:
                conns[0] += 1
                with open(a.count + ".tmp", "w") as f:
                    f.write("%d\n" % conns[0])
                os.replace(a.count + ".tmp", a.count)
            return sock, addr

    srv = Server((a.bind, a.port), Handler)
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    with open(a.count, "w") as f:
        f.write("0\n")
    open(a.ready, "w").close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
