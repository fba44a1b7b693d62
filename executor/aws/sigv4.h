/* sigv4: AWS Signature Version 4 (AWS4-HMAC-SHA256) for an aws_request, in header mode
 * (Authorization header) and query mode (presigned URL), with OpenSSL.
 * The signer edits the request in place (adds Host, X-Amz-Date, X-Amz-Security-Token,
 * x-amz-content-sha256, Authorization, or the X-Amz-* query parameters) and, when asked,
 * hands back the intermediate strings for debugging (`kdx aws sign`); those never contain
 * the secret key. The caller owns the request and the aws_sigv4_debug strbufs. */
#ifndef AWS_SIGV4_H
#define AWS_SIGV4_H
#include <stdbool.h>
#include <time.h>

#include "../../common/strbuf.h"
#include "credentials.h"
#include "request.h"

#define AWS_SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define AWS_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

typedef struct aws_sigv4_params {
	const aws_credentials *creds;
	const char *region;        /* NULL: r->region */
	const char *service;       /* signing name; NULL: r->service */
	time_t when;               /* signing time (UTC seconds) */
	/* Path handling. SDK default (every service but S3): remove dot segments, collapse
	 * "//", then URI-encode the (already encoded) path again. S3: neither. */
	bool no_normalize;
	bool no_double_encode;
	bool sign_body;            /* add and sign x-amz-content-sha256 (S3 needs it) */
	bool unsigned_payload;     /* payload hash "UNSIGNED-PAYLOAD" */
	bool omit_session_token;   /* sign without the token, then add it (some services) */
	long expires;              /* query mode: X-Amz-Expires in seconds (1..604800) */
} aws_sigv4_params;

typedef struct aws_sigv4_debug {
	strbuf canonical_request;
	strbuf string_to_sign;
	strbuf signature;          /* 64 hex digits */
	strbuf signed_headers;     /* "host;x-amz-date" */
} aws_sigv4_debug;

void aws_sigv4_debug_init(aws_sigv4_debug *d);
void aws_sigv4_debug_release(aws_sigv4_debug *d);

/* Set the defaults for service (S3 gets no_normalize, no_double_encode, sign_body). */
void aws_sigv4_params_init(aws_sigv4_params *p, const aws_credentials *creds,
			   const char *service, time_t when);

/* Header mode. dbg may be NULL. Returns 0, or -1 with err filled (missing host, bad time). */
int aws_sigv4_sign(aws_request *r, const aws_sigv4_params *p, aws_sigv4_debug *dbg,
		   strbuf *err);
/* Query mode: appends X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires,
 * -Security-Token and -Signature to r->query. S3 URLs are presigned with UNSIGNED-PAYLOAD. */
int aws_sigv4_presign(aws_request *r, const aws_sigv4_params *p, aws_sigv4_debug *dbg,
		      strbuf *err);

/* Helpers, exposed for tests and the protocol layer. */
void aws_sigv4_hex_sha256(const void *data, size_t len, char out[65]);
/* RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash). */
void aws_uri_encode(strbuf *sb, const char *s, size_t n, bool keep_slash);
/* Decode %XX (a malformed escape is kept as is). */
void aws_uri_decode(strbuf *sb, const char *s, size_t n);
/* Remove dot segments and collapse repeated '/' (leading and trailing '/' kept). */
void aws_sigv4_normalize_path(strbuf *sb, const char *path);

/* A raw HTTP/1.1 request as written in the SigV4 test suite ("METHOD target HTTP/1.1",
 * "Name:value" lines, obs-fold continuations, blank line, body) -> aws_request
 * (host from the Host header, scheme "https"). Returns 0 or -1 with err. */
int aws_http_parse(aws_request *r, const char *text, size_t len, strbuf *err);
/* The inverse, in the suite's layout; secrets in headers are printed as given. */
void aws_http_format(strbuf *sb, const aws_request *r);

#endif
