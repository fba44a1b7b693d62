#!/usr/bin/env python3
"""Trim botocore's service-2.json models to what kdx needs: wire protocol metadata,
operations and shapes, without documentation, examples or other prose.

Usage: trim.py [-o DIR] [SERVICE ...]   (default: every service in SERVICES, into this dir)

Each service's endpoint rule set (endpoint-rule-set-1.json) goes, without its documentation,
into ../endpoints/SERVICE.json with a "kdx" header naming the model's endpointPrefix, and
botocore's partitions.json into ../endpoints/partitions.json (executor/aws/rules.h).
With --endpoint-tests SRC (a checkout of github.com/boto/botocore at the installed
version's tag), the endpoint test cases AWS publishes next to each rule set
(SRC/tests/functional/endpoint-rules/SERVICE/endpoint-tests-1.json) are copied, compacted,
to tests/unit/data/endpoint-tests/SERVICE.json for tests/unit/test_aws_rules.c.

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
    "docdb", "neptune", "elbv2", "arc-zonal-shift",
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


def strip_docs(x):
    """The rule set without its prose: every "documentation" key, at any depth."""
    if isinstance(x, dict):
        return {k: strip_docs(v) for k, v in x.items() if k != "documentation"}
    if isinstance(x, list):
        return [strip_docs(v) for v in x]
    return x


def write_json(path, doc):
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)


def write_rules(loader, svc, model, outdir):
    rules = strip_docs(loader.load_service_model(svc, "endpoint-rule-set-1"))
    rules["kdx"] = {"service": svc, "endpointPrefix": model["metadata"]["endpointPrefix"],
                    "trimmedFrom": "botocore " + botocore.__version__}
    write_json(os.path.join(outdir, svc + ".json"), rules)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--endpoint-tests", metavar="SRC")
    ap.add_argument("services", nargs="*")
    args = ap.parse_args()
    rules_dir = os.path.join(os.path.dirname(os.path.abspath(args.out)), "endpoints")
    os.makedirs(rules_dir, exist_ok=True)
    loader = botocore.loaders.Loader()
    total = 0
    for svc in args.services or SERVICES:
        model = loader.load_service_model(svc, "service-2")
        path = os.path.join(args.out, svc + ".json")
        write(path, trim_model(svc, model))
        write_rules(loader, svc, model, rules_dir)
        if args.endpoint_tests:
            src = os.path.join(args.endpoint_tests, "tests", "functional", "endpoint-rules",
                               svc, "endpoint-tests-1.json")
            dst = os.path.join(os.path.dirname(rules_dir), "..", "..", "tests", "unit", "data",
                               "endpoint-tests")
            os.makedirs(dst, exist_ok=True)
            with open(src) as f:
                write_json(os.path.join(dst, svc + ".json"), json.load(f))
        size = os.path.getsize(path)
        total += size
        print(f"{svc:34s} {size // 1024:6d} KiB", file=sys.stderr)
    print(f"{'total':34s} {total // 1024:6d} KiB", file=sys.stderr)
    with open(os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")) as f:
        write_json(os.path.join(rules_dir, "partitions.json"), json.load(f))


if __name__ == "__main__":
    main()
