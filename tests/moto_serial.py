#!/usr/bin/env python3
"""moto_server, answering one request at a time: `python3 tests/moto_serial.py -H HOST -p PORT`
takes moto_server's own arguments and runs moto's own server, with one lock around its
application.

Why: moto 5.2.1's EC2 backend is not thread-safe. moto_server answers each request in a
thread, and under concurrent requests in one region a lookup iterating a dict that another
request is growing fails with "RuntimeError: dictionary changed size during iteration", which
moto answers as 500 (seen here with concurrent CreateSecurityGroup and CreateSubnet). The AWS
SDKs retry a 500, so when the failure came after the change was made, the retry of a
non-idempotent call fails: Terraform's apply of the KALDRIX configuration (30 requests in
flight) then failed now and then on `AuthorizeSecurityGroupEgress` with
InvalidPermission.Duplicate. AWS itself does not do this; serialising moto removes the race
without changing what moto answers (docs/testing.md, "moto under concurrency").

Every request an AWS SDK sent again (its `amz-sdk-request: attempt=N` header, N > 1) is logged
on stderr, with each earlier attempt of the same invocation (`amz-sdk-invocation-id`): what
moto answered it, how long it waited for the lock and how long moto took. That is the evidence
of why a non-idempotent call reached moto twice (t0710 prints it when the demo fails). Only the
operation, the region and the timings are logged: never a header's or a body's content.

With MOTO_SERIAL_KEY_ID set (tests/demo.sh sets it to the access key id it gives its own
clients, one per run), every signed request made with another key id is logged too (its
operation and region, not the key id): a client of another test or run that reached this
server, on a port it thought was its own. So is an answer moto made that could not be written
back (werkzeug's connection_dropped hook, silent by default).

The answer's headers and body go out in one write (a buffered socket writer in place of
werkzeug's unbuffered one): Terraform's AWS provider, under load, closes its connection now and
then as soon as an answer's headers arrive, before the body, and sends the call again -- the
cause of t0710's flakes, seen on the wire (docs/testing.md, "t0710's flake")."""
import io
import os
import re
import sys
import threading
import time
from urllib.parse import parse_qs

import moto.server as moto_server
import werkzeug.serving

_run_simple = moto_server.run_simple

_ATTEMPT = re.compile(r"attempt=(\d+)")
_SCOPE = re.compile(r"Credential=([^/,]*)/\d{8}/([^/,]+)/([^/,]+)/")


def _operation(environ, body):
    """The AWS operation (query protocols: Action; JSON protocols: X-Amz-Target) or the path."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    return environ.get("REQUEST_METHOD", "?") + " " + environ.get("PATH_INFO", "")


class _Attempts:
    """What moto answered each attempt of the invocations seen lately (a bounded window)."""

    def __init__(self, keep=4096):
        self.keep = keep
        self.seen = {}

    def record(self, invocation, line):
        lines = self.seen.setdefault(invocation, [])
        lines.append(line)
        if len(self.seen) > self.keep:
            self.seen.pop(next(iter(self.seen)))
        return lines


def _serial_run_simple(host, port, app, **kwargs):
    lock = threading.Lock()
    attempts = _Attempts()
    log_lock = threading.Lock()
    key_id = os.environ.get("MOTO_SERIAL_KEY_ID")

    def serial(environ, start_response):
        status = []

        def start(code, headers, exc_info=None):
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)

        t_arrived = time.monotonic()
        with lock:
            t_locked = time.monotonic()
            # The body is read here, once, so that the operation can be named; moto reads the copy.
            length = environ.get("CONTENT_LENGTH")
            body = b""
            if length and length.isdigit():
                body = environ["wsgi.input"].read(int(length))
                environ["wsgi.input"] = io.BytesIO(body)
            op = environ["moto_serial.operation"] = _operation(environ, body)
            result = app(environ, start)
            try:
                out = [b"".join(result)]
            finally:
                if hasattr(result, "close"):
                    result.close()
            t_done = time.monotonic()
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        where = "%s/%s" % (scope.group(3), scope.group(2)) if scope else "?/?"
        if scope and key_id and scope.group(1) != key_id:
            with log_lock:
                sys.stderr.write(
                    "moto_serial: another client (another access key id): %s %s answered %s\n"
                    % (op, where, status[0] if status else "?")
                )
                sys.stderr.flush()
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if invocation:
            m = _ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
            line = "attempt %s %s %s answered %s after %.1fs waiting, %.2fs in moto" % (
                m.group(1) if m else "?",
                op,
                where,
                status[0] if status else "?",
                t_locked - t_arrived,
                t_done - t_locked,
            )
            with log_lock:
                lines = attempts.record(invocation, line)
                if m and int(m.group(1)) > 1:
                    sys.stderr.write(
                        "moto_serial: resent by the SDK: %s\n" % "; ".join(lines)
                    )
                    sys.stderr.flush()
        return out

    return _run_simple(host, port, serial, **kwargs)


def _connection_dropped(self, error, environ=None):
    """werkzeug's hook, silent by default: an answer moto made that could not be written back
    (once per connection: the buffered writer's last flush fails again when the handler ends)."""
    if getattr(self, "_moto_serial_dropped", False):
        return
    self._moto_serial_dropped = True
    sys.stderr.write(
        "moto_serial: connection dropped answering %s: %s\n"
        % ((environ or {}).get("moto_serial.operation", "a request"), type(error).__name__)
    )
    sys.stderr.flush()


werkzeug.serving.WSGIRequestHandler.connection_dropped = _connection_dropped
# werkzeug writes an answer's headers and its body with two sends (its socket writer is
# unbuffered). Terraform's AWS provider, under load, now and then closes its connection as soon
# as an answer's headers arrive, before reading the body, and sends the call again (seen on the
# wire: docs/testing.md, "t0710's flake"); a body that came in the same segment as the
# headers is already read with them. Buffered, the headers and a body up to 1 MiB go in one send
# (werkzeug flushes after each body chunk, and moto_serial answers in one chunk); what moto
# answers does not change.
werkzeug.serving.WSGIRequestHandler.wbufsize = 1 << 20
_finish = werkzeug.serving.WSGIRequestHandler.finish


def _finish_buffered(self):
    """socketserver's finish, whose closing of a buffered writer flushes once more and raises
    when the client is gone (logged above already)."""
    try:
        _finish(self)
    except ConnectionError:
        self.rfile.close()


werkzeug.serving.WSGIRequestHandler.finish = _finish_buffered
moto_server.run_simple = _serial_run_simple
if __name__ == "__main__":
    moto_server.main()
