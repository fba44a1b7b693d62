/* xregion: the cross-Region copies of RDS, DocumentDB and Neptune. CreateDBInstanceReadReplica,
 * CreateDBCluster, CopyDBSnapshot, CopyDBClusterSnapshot and
 * StartDBInstanceAutomatedBackupsReplication take SourceRegion, which the service never
 * reads: the SDKs turn it into PreSignedUrl, the same operation presigned (SigV4 query mode,
 * GET, one hour) for the source Region's endpoint with DestinationRegion added, which the
 * destination replays to the source to copy a KMS-encrypted source. kdx does the same, after
 * the request is serialised and its endpoint resolved, as botocore's inject_presigned_url_rds
 * does: SourceRegion leaves the body; a PreSignedUrl the caller gave is kept as given.
 *
 * The URL holds a signature and, with temporary credentials, the session token: it is never
 * printed, logged or journalled -- aws_xregion_redact() hides both in a body before printing. */
#ifndef AWS_XREGION_H
#define AWS_XREGION_H
#include <stdbool.h>
#include <time.h>

#include "../../common/strbuf.h"
#include "client.h"
#include "model.h"
#include "request.h"

#define AWS_XREGION_EXPIRES 3600 /* seconds, as the SDKs presign it */

/* Whether op of the model's service (rds, docdb, neptune) takes SourceRegion this way. */
bool aws_xregion_op(const aws_model *m, const char *op);

/* r: op serialised (query protocol, form body) and resolved for the destination Region
 * (r->region). When the body has SourceRegion: remove it and, unless the body has a
 * PreSignedUrl, add one signed with the client's credentials at `when`, for the source
 * Region's endpoint as c resolves it. 0 when done or nothing to do; -1 with err (never a
 * secret) when the source Region's endpoint does not resolve or the signer refuses. */
int aws_xregion_presign(aws_client *c, const aws_model *m, const char *op, aws_request *r,
			time_t when, strbuf *err);

/* The same with the credentials and the source endpoint's request given (for kdx aws call
 * -dry-run, which has no client): src holds scheme, host, path and signing name resolved for
 * the source Region. */
int aws_xregion_presign_with(const aws_credentials *creds, const aws_request *src,
			     const char *op, aws_request *r, time_t when, strbuf *err);

/* The Region named by the body's SourceRegion (decoded, into out), or false when it has none. */
bool aws_xregion_source(const aws_request *r, strbuf *out);

/* Replace the signature and the session token inside a form body's PreSignedUrl with
 * "<redacted>" (in place); the rest of the URL stays readable. */
void aws_xregion_redact(strbuf *body);

#endif
