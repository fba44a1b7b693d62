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
without changing what moto answers (docs/testing.md, "moto under concurrency")."""
import threading

import moto.server as moto_server

_run_simple = moto_server.run_simple


def _serial_run_simple(host, port, app, **kwargs):
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()

    return _run_simple(host, port, serial, **kwargs)


moto_server.run_simple = _serial_run_simple
if __name__ == "__main__":
    moto_server.main()
