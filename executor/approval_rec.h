/* approval_rec: one approval or denial of a gated step as the run store keeps it -- the
 * decision, who (the AWS caller identity, the OS user and host), when and why. A record is
 * one line of JSON passed through kdx_store_approval_put's `by`, so every store keeps it
 * unchanged; a plain string there (an older record) reads as an approval by that name.
 * The caller owns kdx_approval_rec (init/release) and the strings the functions return. */
#ifndef KDX_APPROVAL_REC_H
#define KDX_APPROVAL_REC_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"
#include "store.h"

typedef struct kdx_approval_rec {
	char *step;
	bool deny;
	char *identity; /* STS GetCallerIdentity's Arn, or "unknown" */
	char *user;     /* OS user */
	char *host;
	char *at;       /* UTC, ISO 8601 */
	char *comment;  /* or NULL */
} kdx_approval_rec;

void kdx_approval_rec_init(kdx_approval_rec *r);
void kdx_approval_rec_release(kdx_approval_rec *r);
/* Fill user, host and time from this process. */
void kdx_approval_rec_stamp(kdx_approval_rec *r);
/* The record as one line of JSON (no newline). */
char *kdx_approval_rec_encode(const kdx_approval_rec *r);
/* One "step\tby" item of kdx_store_approval_list into r. -1 when it is not such an item. */
int kdx_approval_rec_decode(const char *item, kdx_approval_rec *r);
/* "ARN (user@host, at T: \"comment\")": how journals and `kdx show` name an approver. */
void kdx_approval_rec_describe(strbuf *out, const kdx_approval_rec *r);
/* Put r into the store (the record is the same object only for identical records). */
int kdx_approval_rec_put(kdx_store *s, const char *run_id, const kdx_approval_rec *r,
			 strbuf *err);
/* The approver's AWS identity comes from kdx_store_caller_arn (store/store_open.h). */

#endif
