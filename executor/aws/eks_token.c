/* eks_token: an EKS authentication token from kdx's own SigV4 signer (see eks_token.h). */
#include "eks_token.h"

#include "proto_shared.h"
#include "request.h"
#include "sigv4.h"
#include "transport.h"

#include <openssl/evp.h>
#include <string.h>

void aws_base64url(strbuf *sb, const void *data, size_t n)
{
	size_t at = sb->len;
	strbuf_grow(sb, 4 * ((n + 2) / 3) + 1);
	int len = EVP_EncodeBlock((unsigned char *)sb->buf + at, data, (int)n);
	sb->len = at + (size_t)len;
	while (sb->len > at && sb->buf[sb->len - 1] == '=')
		sb->len--;
	sb->buf[sb->len] = '\0';
	for (size_t i = at; i < sb->len; i++) {
		if (sb->buf[i] == '+')
			sb->buf[i] = '-';
		else if (sb->buf[i] == '/')
			sb->buf[i] = '_';
	}
}

int aws_eks_token(strbuf *out, const aws_credentials *creds, const char *region,
		  const char *cluster, time_t when, strbuf *err)
{
	if (!creds || !creds->access_key_id || !creds->secret_access_key) {
		strbuf_addstr(err, "an EKS token needs AWS credentials");
		return -1;
	}
	if (!region || !*region || !cluster || !*cluster) {
		strbuf_addstr(err, "an EKS token needs the cluster's name and region");
		return -1;
	}
	aws_request r;
	aws_request_init(&r);
	r.method = strdup("GET");
	r.scheme = strdup("https");
	/* the regional endpoint, as aws eks get-token uses: the authenticator in the
	 * cluster's region verifies against it */
	strbuf host = STRBUF_INIT;
	strbuf_addf(&host, "sts.%s.amazonaws.com", region);
	r.host = strbuf_detach(&host, NULL);
	r.path = strdup("/");
	r.query = strdup("Action=GetCallerIdentity&Version=2011-06-15");
	r.service = strdup("sts");
	r.region = strdup(region);
	aws_request_set_header(&r, "x-k8s-aws-id", cluster);
	int rc = -1;
	if (r.bad_header) {
		strbuf_addstr(err, "the cluster name holds CR, LF or NUL");
		goto out;
	}
	aws_sigv4_params p;
	aws_sigv4_params_init(&p, creds, "sts", when);
	p.region = region;
	p.expires = AWS_EKS_TOKEN_EXPIRES;
	if (aws_sigv4_presign(&r, &p, NULL, err) < 0)
		goto out;
	strbuf url = STRBUF_INIT;
	aws_request_url(&url, &r);
	strbuf_addstr(out, AWS_EKS_TOKEN_PREFIX);
	aws_base64url(out, url.buf, url.len);
	/* the presigned URL holds the signature and any session token */
	memset(url.buf, 0, url.len);
	strbuf_release(&url);
	rc = 0;
out:
	aws_request_release(&r);
	return rc;
}

int aws_eks_ca_pem(strbuf *out, const char *data, size_t n, strbuf *err)
{
	size_t at = out->len;
	if (aws_wire_base64_decode(out, data, n) < 0 ||
	    !strstr(out->buf + at, "-----BEGIN CERTIFICATE-----")) {
		out->len = at;
		if (out->buf)
			out->buf[at] = '\0';
		strbuf_addstr(err, "the cluster's certificateAuthority.data is not a base64 PEM "
			      "certificate");
		return -1;
	}
	return 0;
}
