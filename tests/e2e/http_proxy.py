#!/usr/bin/env python3
"""A small forward proxy for the transport's e2e tests: CONNECT tunnels (https) and
absolute-form requests (plain http), both piped byte for byte to the origin after the
first request head. Logs each first request line and its Proxy-Authorization (decoded)
to --log; writes --ready once it listens. --map NAME=IP resolves NAME (a name the client
cannot resolve, so a request that reaches the origin must have gone through the proxy);
--tls CERT KEY makes it an https:// proxy. A client that opens with a SOCKS5 greeting gets a
SOCKS5 proxy instead (no authentication or username/password, CONNECT to a name or an
address), logged as "SOCKS5 HOST:PORT auth=...", the name resolved here (socks5h)."""
import argparse
import base64
import socket
import socketserver
import ssl
import threading


def pipe(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--map", action="append", default=[])
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    names = dict(m.split("=", 1) for m in a.map)

    def connect(host, port):
        return socket.create_connection((names.get(host, host), int(port)))
    lock = threading.Lock()

    def recv_exact(c, n):
        b = b""
        while len(b) < n:
            more = c.recv(n - len(b))
            if not more:
                raise OSError("closed")
            b += more
        return b

    def socks5(c):
        """RFC 1928 (and RFC 1929 for a username and password): CONNECT only."""
        _, nmethods = recv_exact(c, 2)
        methods = recv_exact(c, nmethods)
        auth = "-"
        if 2 in methods:
            c.sendall(b"\x05\x02")
            _, ulen = recv_exact(c, 2)
            user = recv_exact(c, ulen).decode()
            plen = recv_exact(c, 1)[0]
            auth = "user " + user + ":" + recv_exact(c, plen).decode()
            c.sendall(b"\x01\x00")
        else:
            c.sendall(b"\x05\x00")
        _, cmd, _, atyp = recv_exact(c, 4)
        if atyp == 1:
            host = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4))
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
        else:
            host = recv_exact(c, recv_exact(c, 1)[0]).decode()
        port = int.from_bytes(recv_exact(c, 2), "big")
        with lock, open(a.log, "a") as f:
            f.write("SOCKS5 %s:%d auth=%s\n" % (host, port, auth))
        if cmd != 1:
            c.sendall(b"\x05\x07\x00\x01" + bytes(6))
            return None
        o = connect(host, port)
        c.sendall(b"\x05\x00\x00\x01" + bytes(6))
        return o

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            c = self.request
            # (an https:// proxy, an SSLSocket, cannot peek: it is never a SOCKS proxy)
            if not a.tls and c.recv(1, socket.MSG_PEEK) == b"\x05":
                o = socks5(c)
                if o:
                    t = threading.Thread(target=pipe, args=(o, c), daemon=True)
                    t.start()
                    pipe(c, o)
                    t.join()
                return
            head = b""
            while b"\r\n\r\n" not in head:
                b = c.recv(4096)
                if not b:
                    return
                head += b
            head, rest = head.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            auth = "-"
            for l in lines[1:]:
                k, _, v = l.partition(":")
                if k.strip().lower() == "proxy-authorization":
                    scheme, _, cred = v.strip().partition(" ")
                    auth = scheme + " " + base64.b64decode(cred).decode()
            with lock, open(a.log, "a") as f:
                f.write("%s %s auth=%s\n" % (method, target, auth))
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                o = connect(host, port)
                c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                hostport = target.split("://", 1)[1].split("/", 1)[0]
                host, port = hostport.rsplit(":", 1) if ":" in hostport else (hostport, "80")
                o = connect(host, port)
                o.sendall(head + b"\r\n\r\n" + rest)
            t = threading.Thread(target=pipe, args=(o, c), daemon=True)
            t.start()
            pipe(c, o)
            t.join()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = Server(("127.0.0.1", a.port), Handler)
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    open(a.ready, "w").close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
