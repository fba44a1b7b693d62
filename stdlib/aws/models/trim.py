#!/usr/bin/env python3
"""Trim botocore's service-2.json models to what kdx needs: wire protocol metadata,
operations and shapes, without documentation, examples or other prose.

Usage: trim.py [-o DIR] [SERVICE ...]   (default: every service in SERVICES, into this dir)

Reads the models from the botocore installed on this machine (botocore.loaders finds
the newest API version and decompresses service-2.json.gz). EC2 is too big to vendor
whole, and of ECR kdx needs one read: only the operations in SUBSETS and the closure of
their shapes are kept. PATCHES are kdx's own customisations of a model, applied after
trimming and recorded in the file's "kdx" header (as botocore customises some operations in
code): each marks a member as an idempotency token, so kdx fills it with the step's token.
"""
import argparse
import json
import os
import sys

import botocore
import botocore.loaders

SERVICES = [
    "route53", "rds", "elasticache", "globalaccelerator", "autoscaling", "eks", "ecs",
    "cloudwatch", "sns", "sts", "s3", "dynamodb", "lambda", "route53-recovery-cluster",
    "route53-recovery-control-config", "arc-region-switch", "ssm", "fis", "iam", "ec2", "ecr",
]

SUBSETS = {
    "ec2": ["DescribeInstances", "DescribeRegions", "DescribeAvailabilityZones",
            "DescribeVpcs", "DescribeSecurityGroups", "CreateTags", "DeleteTags",
            "StartInstances", "StopInstances"],
    "ecr": ["DescribeRegistry"],
}

# (service, shape, member): members kdx fills with the step's idempotency token when the
# call leaves them empty. Route 53's CreateHealthCheck CallerReference is a caller-chosen
# nonce that makes a retried create return the same check instead of a second one; the
# model does not mark it, so without this a runbook would have to invent a unique value.
PATCHES = [
    ("route53", "CreateHealthCheckRequest", "CallerReference"),
]

METADATA_KEYS = {
    "apiVersion", "endpointPrefix", "globalEndpoint", "protocol", "protocols", "serviceId",
    "signingName", "signatureVersion", "auth", "targetPrefix", "jsonVersion", "xmlNamespace",
    "awsQueryCompatible", "checksumFormat", "uid",
}
OPERATION_KEYS = {
    "name", "http", "input", "output", "errors", "idempotent", "endpoint", "authtype", "auth",
    "unsignedPayload", "httpChecksum", "httpChecksumRequired", "requestcompression", "deprecated",
}
SHAPE_KEYS = {
    "type", "members", "required", "member", "key", "value", "enum", "payload", "flattened",
    "locationName", "xmlNamespace", "timestampFormat", "error", "exception", "fault",
    "union", "event", "eventstream", "document", "streaming", "requiresLength", "sensitive",
    "wrapper", "xmlOrder", "min", "max", "retryable",
}
MEMBER_KEYS = {
    "shape", "location", "locationName", "queryName", "xmlNamespace", "xmlAttribute",
    "flattened", "timestampFormat", "idempotencyToken", "jsonvalue", "hostLabel",
    "streaming", "eventpayload", "deprecated", "resultWrapper",
}


def pick(d, keys):
    return {k: v for k, v in d.items() if k in keys}


def trim_ref(ref):
    return pick(ref, MEMBER_KEYS)


def trim_shape(shape):
    out = pick(shape, SHAPE_KEYS)
    if "members" in out:
        out["members"] = {n: trim_ref(r) for n, r in out["members"].items()}
    for k in ("member", "key", "value"):
        if k in out:
            out[k] = trim_ref(out[k])
    return out


def trim_operation(op):
    out = pick(op, OPERATION_KEYS)
    for k in ("input", "output"):
        if k in out:
            out[k] = trim_ref(out[k])
    if "errors" in out:
        out["errors"] = [{"shape": e["shape"]} for e in out["errors"]]
    return out


def shape_closure(model, op_names):
    """Every shape reachable from the given operations' input, output and errors."""
    seen = set()
    stack = []
    for name in op_names:
        op = model["operations"][name]
        for k in ("input", "output"):
            if k in op:
                stack.append(op[k]["shape"])
        stack.extend(e["shape"] for e in op.get("errors", []))
    while stack:
        s = stack.pop()
        if s in seen:
            continue
        seen.add(s)
        shape = model["shapes"][s]
        for ref in shape.get("members", {}).values():
            stack.append(ref["shape"])
        for k in ("member", "key", "value"):
            if k in shape:
                stack.append(shape[k]["shape"])
    return seen


def trim_model(service, model):
    ops = sorted(model["operations"])
    if service in SUBSETS:
        ops = SUBSETS[service]
    shapes = shape_closure(model, ops) if service in SUBSETS else set(model["shapes"])
    doc = {
        "version": "2.0",
        "kdx": {"service": service, "trimmedFrom": "botocore " + botocore.__version__,
                "subset": service in SUBSETS},
        "metadata": pick(model["metadata"], METADATA_KEYS),
        "operations": {n: trim_operation(model["operations"][n]) for n in ops},
        "shapes": {n: trim_shape(model["shapes"][n]) for n in sorted(shapes)},
    }
    patched = []
    for svc, shape, member in PATCHES:
        if svc == service:
            doc["shapes"][shape]["members"][member]["idempotencyToken"] = True
            patched.append(f"{shape}.{member} idempotencyToken")
    if patched:
        doc["kdx"]["patches"] = patched
    return doc


def write(path, doc):
    """One operation or shape per line: small files that still diff well."""
    with open(path + ".tmp", "w") as f:
        f.write("{\n")
        for i, key in enumerate(("version", "kdx", "metadata", "operations", "shapes")):
            sep = "," if i < 4 else ""
            val = doc[key]
            if key in ("operations", "shapes"):
                f.write(json.dumps(key) + ": {\n")
                items = list(val.items())
                for j, (n, v) in enumerate(items):
                    comma = "," if j < len(items) - 1 else ""
                    f.write("  " + json.dumps(n) + ": " +
                            json.dumps(v, separators=(",", ":")) + comma + "\n")
                f.write("}" + sep + "\n")
            else:
                f.write(json.dumps(key) + ": " + json.dumps(val, sort_keys=True) + sep + "\n")
        f.write("}\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("services", nargs="*")
    args = ap.parse_args()
    loader = botocore.loaders.Loader()
    total = 0
    for svc in args.services or SERVICES:
        model = loader.load_service_model(svc, "service-2")
        path = os.path.join(args.out, svc + ".json")
        write(path, trim_model(svc, model))
        size = os.path.getsize(path)
        total += size
        print(f"{svc:34s} {size // 1024:6d} KiB", file=sys.stderr)
    print(f"{'total':34s} {total // 1024:6d} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
