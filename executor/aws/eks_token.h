/* eks_token: the bearer token an EKS cluster's API server accepts from an IAM identity, as
 * `aws eks get-token` and aws-iam-authenticator make it: "k8s-aws-v1." and the unpadded
 * base64url of a presigned STS GetCallerIdentity URL (SigV4 query mode, 60 s expiry) that
 * also signs the header "x-k8s-aws-id: CLUSTER", so a token for one cluster is refused by
 * another. The API server's authenticator replays the URL to STS; kdx itself never calls
 * STS for it. The token is a credential: callers never print, log or journal it. */
#ifndef AWS_EKS_TOKEN_H
#define AWS_EKS_TOKEN_H
#include <time.h>

#include "../../common/strbuf.h"
#include "credentials.h"

#define AWS_EKS_TOKEN_PREFIX "k8s-aws-v1."
#define AWS_EKS_TOKEN_EXPIRES 60 /* seconds, as aws eks get-token */

/* Append the token for cluster (by name) in region, signed at `when`, to out. -1 with err
 * (which never holds a secret) when there are no credentials or the signer refuses. */
int aws_eks_token(strbuf *out, const aws_credentials *creds, const char *region,
		  const char *cluster, time_t when, strbuf *err);

/* base64url without padding (RFC 4648 section 5), as the token needs. */
void aws_base64url(strbuf *sb, const void *data, size_t n);

/* DescribeCluster's certificateAuthority.data (base64 of a PEM bundle) -> the PEM, appended
 * to out. -1 with err when it is not base64 of a PEM certificate. */
int aws_eks_ca_pem(strbuf *out, const char *data, size_t n, strbuf *err);

#endif
