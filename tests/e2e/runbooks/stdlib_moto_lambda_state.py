"""Print, as one JSON document, the complete state boto3 reads of the two event source
mappings of t0990 (GetEventSourceMapping without its ResponseMetadata), keyed by region.
Usage: stdlib_moto_lambda_state.py EAST_UUID WEST_UUID"""
import json
import sys

import boto3

out = {}
for region, uuid in zip(("us-east-1", "us-west-2"), sys.argv[1:3]):
    m = boto3.client("lambda", region_name=region).get_event_source_mapping(UUID=uuid)
    m.pop("ResponseMetadata", None)
    out[region] = m
print(json.dumps(out, sort_keys=True, default=str))
