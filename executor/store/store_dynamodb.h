/* store_dynamodb: the run store in a DynamoDB table (dynamodb://TABLE[?region=R]): one
 * item per journal record, written in a transaction with a check of the writer's lease
 * (fencing token), lease locks and approval records in the same table. See
 * store_dynamodb.c for the item layout and docs/executor.md (Stores) for the guarantees. */
#ifndef KDX_STORE_DYNAMODB_H
#define KDX_STORE_DYNAMODB_H
#include <stdint.h>

#include "../../common/store_url.h"
#include "../../common/strbuf.h"
#include "../store.h"

/* Open (no request is sent). -1 with err when credentials or the region are missing. */
int kdx_store_open_dynamodb(const kdx_store_url *u, kdx_store **out, strbuf *err);
/* Every item of a run (records, approvals): kdx state rm. */
int kdx_store_dynamodb_delete_run(kdx_store *s, const char *run_id, strbuf *err);
/* Before a run changes anything: the table exists with kdx's key schema and the caller may
 * read and write it (a probe item is put and deleted). err says what is missing. */
int kdx_store_dynamodb_probe(kdx_store *s, strbuf *err);
/* Create the table (on-demand, key pk S + sk N, point-in-time recovery) when it is missing,
 * and wait until it is active; check an existing table's key schema: kdx state init. out
 * also names a global table's replica regions. */
int kdx_store_dynamodb_init(kdx_store *s, strbuf *out, strbuf *err);
/* The table's region, then the other replica regions of a global table, as DescribeTable
 * lists them (Table.Replicas[].RegionName) into out. -1 with err when the table cannot be
 * described (missing, no permission, no network). */
int kdx_store_dynamodb_regions(kdx_store *s, kdx_names *out, strbuf *err);

#endif
