#!/usr/bin/env python3
"""Print the HTTP request botocore serialises for one AWS operation, without any network,
in the layout of `kdx aws call ... -dry-run`; or (--compare FILE) check that kdx's dry-run
output in FILE is the same request.

Usage: botocore_serialize.py [--endpoint-url URL] [--compare FILE] SERVICE OPERATION [JSON]

The protocol is the one kdx picks: the first of the model's `protocols` that kdx
implements. botocore's own parameter customisations that every SDK shares are applied
as botocore applies them before serialising (idempotency tokens, Route 53 id prefixes).
Normalised before comparing (both sides): headers that only signing or the transport adds
(Host, X-Amz-Date, Authorization, ...), header name case and order, JSON whitespace and
300 vs 300.0, and the value of idempotency-token UUIDs.
"""
import argparse
import json
import re
import sys

import botocore.handlers
import botocore.session
from botocore.awsrequest import prepare_request_dict, create_request_object
from botocore.serialize import create_serializer

KDX_PROTOCOLS = ("query", "ec2", "rest-xml", "json", "rest-json")
TRANSPORT_HEADERS = {"host", "x-amz-date", "authorization", "x-amz-content-sha256",
                     "x-amz-security-token", "user-agent", "content-length",
                     "amz-sdk-invocation-id", "amz-sdk-request", "expect"}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def pick_protocol(meta):
    for p in meta.get("protocols", [meta.get("protocol")]):
        if p in KDX_PROTOCOLS:
            return p
    raise SystemExit(f"no protocol kdx implements in {meta.get('protocols')}")


def serialise(service, operation, params, endpoint_url):
    session = botocore.session.get_session()
    model = session.get_service_model(service)
    op = model.operation_model(operation)
    botocore.handlers.generate_idempotent_uuid(params, op)
    if service == "route53":
        botocore.handlers.fix_route53_ids(params, op)
    serializer = create_serializer(pick_protocol(model.metadata), include_validation=True)
    request_dict = serializer.serialize_to_request(params, op)
    prepare_request_dict(request_dict, endpoint_url=endpoint_url)
    prepared = create_request_object(request_dict).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    return prepared.method, prepared.url, list(prepared.headers.items()), body


def render(method, url, headers, body):
    out = f"{method} {url}\n"
    out += "".join(f"{k}: {v}\n" for k, v in headers)
    out += "\n" + body.decode("utf-8", "replace")
    if body and not body.endswith(b"\n"):
        out += "\n"
    return out


def parse_dry_run(text):
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, url = lines[0].split(" ", 1)
    headers = [tuple(l.split(": ", 1)) for l in lines[1:] if l]
    if body.endswith("\n"):
        body = body[:-1]
    return method, url, headers, body.encode()


def normalise(method, url, headers, body):
    hdrs = sorted((k.lower(), UUID_RE.sub("<uuid>", v)) for k, v in headers
                  if k.lower() not in TRANSPORT_HEADERS)
    ctype = dict(hdrs).get("content-type", "")
    text = body.decode("utf-8", "replace")
    if "json" in ctype and text:
        # kdx numbers are doubles: 300.0 and 300 are the same number on the wire
        text = json.dumps(json.loads(text, object_pairs_hook=lambda kv: kv, parse_int=float))
    return render(method, UUID_RE.sub("<uuid>", url), hdrs, UUID_RE.sub("<uuid>", text).encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint-url", default="https://example.invalid")
    ap.add_argument("--compare", metavar="FILE")
    ap.add_argument("service")
    ap.add_argument("operation")
    ap.add_argument("params", nargs="?", default="{}")
    args = ap.parse_args()
    req = serialise(args.service, args.operation, json.loads(args.params), args.endpoint_url)
    if not args.compare:
        sys.stdout.write(render(*req))
        return 0
    with open(args.compare) as f:
        kdx = normalise(*parse_dry_run(f.read()))
    boto = normalise(*req)
    if kdx == boto:
        return 0
    import difflib
    sys.stdout.writelines(difflib.unified_diff(boto.splitlines(True), kdx.splitlines(True),
                                               "botocore", "kdx"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
