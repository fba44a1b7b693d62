#!/usr/bin/env python3
"""For each line "SERVICE OPERATION REGION FIPS DUALSTACK" on stdin, print the URL
botocore would send that call to ("METHOD URL"), or "error" when its endpoint resolution
refuses the combination. Nothing is sent: a before-send hook records the request and stops
it. The independent reader for tests/e2e/t0410-aws-endpoint-rules.sh."""
import sys

import botocore.config
import botocore.exceptions
import botocore.session


class Stop(Exception):
    pass


def main():
    session = botocore.session.get_session()
    for line in sys.stdin:
        svc, op, region, fips, dual = line.split()
        cfg = botocore.config.Config(use_fips_endpoint=fips == "1",
                                     use_dualstack_endpoint=dual == "1",
                                     retries={"max_attempts": 1})
        seen = {}

        def record(request, **_):
            seen["url"] = request.method + " " + request.url.split("?")[0]
            raise Stop()

        try:
            client = session.create_client(svc, region_name=region, config=cfg,
                                           aws_access_key_id="AKIDEXAMPLE",
                                           aws_secret_access_key="x")
            client.meta.events.register("before-send", record)
            getattr(client, botocore.xform_name(op))()
        except Stop:
            pass
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
            seen["url"] = "error"
        print(seen.get("url", "error"), flush=True)


if __name__ == "__main__":
    main()
