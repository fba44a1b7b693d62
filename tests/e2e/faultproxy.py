#!/usr/bin/env python3
"""faultproxy: a small HTTP proxy for kdx's fault tests. It listens on 127.0.0.1, and for
each request takes the next entry of a script, then either forwards the request unchanged
(Host header included, so SigV4 signatures stay valid) to the upstream server (moto), or
answers with an injected fault. When the script runs out, every request is forwarded.

Script entries (comma-separated):
  pass        forward to upstream
  throttle    HTTP 400, query-protocol XML error with Code Throttling
  429         HTTP 429, JSON error with __type ThrottlingException
  500 / 503   HTTP 500 InternalFailure / 503 ServiceUnavailable (XML)
  400         HTTP 400 ValidationError (not retryable)
  drop        close the connection without answering (the request never reached upstream)
  slow:S      wait S seconds, then forward
  after-drop  forward (upstream acts on it), then close without answering: a lost answer
  after-500   forward, then answer 500 InternalFailure: an error after the change was made

Rules (--rule PATTERN=ENTRY[*N], repeatable) come first: a request whose "METHOD PATH" or
body contains PATTERN (e.g. Action=UpdateAutoScalingGroup, /rrset, /change/) gets ENTRY, for
its first N matches (default: every match). --random P --seed S then gives every other
request a fault with probability P, drawn from --kinds (default: throttle,500,503,drop,
after-drop,after-500) with a seeded generator, so a run can be replayed.

Injected answers close the connection (see _reply). Every request is logged as one line "N ENTRY METHOD PATH" to --log.
Usage: faultproxy.py --upstream http://127.0.0.1:PORT --script ENTRIES --port-file F --log F
"""
import argparse
import http.client
import os
import random
import re
import http.server
import socket
import sys
import threading
import time
import urllib.parse

XML_ERR = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
           '<Type>{kind}</Type><Code>{code}</Code><Message>{msg}</Message></Error>'
           '<RequestId>fault-{n}</RequestId></ErrorResponse>')


class State:
    def __init__(self, script, upstream, log, rules=(), rate=0.0, seed=0, kinds=None):
        self.script = [s.strip() for s in script.split(',') if s.strip()]
        self.upstream = urllib.parse.urlsplit(upstream)
        self.log = log
        self.n = 0
        self.lock = threading.Lock()
        self.rules = []
        for r in rules:
            pat, _, ent = r.rpartition('=')
            ent, _, cnt = ent.partition('*')
            self.rules.append([pat, ent, int(cnt) if cnt else -1])
        self.rate = rate
        self.rng = random.Random(seed)
        self.kinds = kinds or ['throttle', '500', '503', 'drop', 'after-drop', 'after-500']

    def next(self, method, path, body):
        with self.lock:
            self.n += 1
            what = f'{method} {path}'
            text = what + ' ' + (body or b'').decode('utf-8', 'replace')
            entry = None
            for rule in self.rules:
                if rule[2] != 0 and rule[0] in text:
                    entry = rule[1]
                    rule[2] -= rule[2] > 0
                    break
            if entry is None and self.n <= len(self.script):
                entry = self.script[self.n - 1]
            if entry is None:
                entry = 'pass'
                if self.rate > 0 and self.rng.random() < self.rate:
                    entry = self.rng.choice(self.kinds)
            with open(self.log, 'a') as f:
                op = re.search(r'Action=([A-Za-z]+)', text)
                f.write(f'{self.n} {entry} {what}{" " + op.group(1) if op else ""}\n')
            return self.n, entry


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    state = None

    def log_message(self, fmt, *args):
        pass

    def _reply(self, status, body, ctype='text/xml'):
        data = body.encode()
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('x-amzn-RequestId', 'fault-request')
        # Close after a fault, so the next attempt opens a fresh connection: kdx's HTTP
        # client (as libcurl did) silently re-sends a request once when a *reused*
        # connection dies before any answer, which would make a later 'drop' cost two
        # script entries.
        self.send_header('Connection', 'close')
        self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def _forward(self, body, after=None):
        up = self.state.upstream
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
        headers = {k: v for k, v in self.headers.items()}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if after == 'drop':
            self._drop()
            return
        if after == '500':
            self._reply(500, XML_ERR.format(kind='Receiver', code='InternalFailure',
                                            msg='injected 500 after the request was applied', n=0))
            return
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ('content-length', 'transfer-encoding', 'connection'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        n, entry = self.state.next(self.command, self.path, body)
        if entry == 'drop':
            self._drop()
            return
        if entry.startswith('after-'):
            self._forward(body, entry[6:])
            return
        if entry.startswith('slow:'):
            time.sleep(float(entry[5:]))
            entry = 'pass'
        if entry == 'pass':
            self._forward(body)
        elif entry == 'throttle':
            self._reply(400, XML_ERR.format(kind='Sender', code='Throttling', msg='Rate exceeded', n=n))
        elif entry == '429':
            self._reply(429, '{"__type":"com.amazonaws#ThrottlingException","message":"Too many requests"}',
                        'application/x-amz-json-1.1')
        elif entry == '500':
            self._reply(500, XML_ERR.format(kind='Receiver', code='InternalFailure', msg='injected 500', n=n))
        elif entry == '503':
            self._reply(503, XML_ERR.format(kind='Receiver', code='ServiceUnavailable', msg='injected 503', n=n))
        elif entry == '400':
            self._reply(400, XML_ERR.format(kind='Sender', code='ValidationError', msg='injected 400', n=n))
        else:
            self._reply(599, f'unknown script entry {entry}', 'text/plain')

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--upstream', required=True)
    ap.add_argument('--script', default='')
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--log', required=True)
    ap.add_argument('--rule', action='append', default=[])
    ap.add_argument('--random', type=float, default=0.0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--kinds', default='')
    a = ap.parse_args()
    kinds = [k for k in a.kinds.split(',') if k] or None
    Handler.state = State(a.script, a.upstream, a.log, a.rule, a.random, a.seed, kinds)
    open(a.log, 'w').close()
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    srv.daemon_threads = True
    with open(a.port_file + '.tmp', 'w') as f:
        f.write(str(srv.server_address[1]))
    os.rename(a.port_file + '.tmp', a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
