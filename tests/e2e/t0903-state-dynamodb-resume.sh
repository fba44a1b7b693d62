#!/usr/bin/env bash
# Any runner continues a run kept in DynamoDB (t0901 for dynamodb://): runner A (directory
# a/) is SIGKILLed in the middle of failover-lite with -state dynamodb://...; runner B
# (directory b/, same URL) is refused at once, naming A as the holder, while A's lease lives; after it expires B resumes and finishes.
# The final state (boto3) equals an uninterrupted run's and no mutating request reached the
# emulator twice (a logging proxy counts them). -lock-timeout waits for the lease instead of
# failing; an apply under another runner's lock is refused naming it, or waits with
# -lock-timeout.
. "$(dirname "$0")/lib.sh"
python3 -c 'import boto3' 2>/dev/null || skip "boto3 not installed"
U='dynamodb://kdx-e2e-runs?region=us-east-2'
STORE_LABEL=DynamoDB
STORE_WRITE='TransactWriteItems'
STORE_SHOWN='dynamodb://kdx-e2e-runs?region=us-east-2'
# shellcheck source=store_resume.sh
. "$(dirname "$0")/store_resume.sh"
echo "DynamoDB store: crash in a/, resume in b/ after the lease; a held lock"
