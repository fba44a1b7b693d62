/* endpoints: region + service -> the URL to call and the region and name to sign for, as
 * the SDKs resolve them: from the service's endpoint rule set (rules.h: partitions, global
 * endpoints, FIPS, dual-stack), with the configured endpoints taking precedence (a per-run
 * override, AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL; the last two ignored when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true). aws_endpoint owns its strings. */
#ifndef AWS_ENDPOINTS_H
#define AWS_ENDPOINTS_H
#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "../../common/strbuf.h"

typedef struct aws_endpoint {
	char *scheme;         /* "https", or "http" only for loopback/override */
	char *host;           /* host[:port] */
	char *base_path;      /* "" or a path prefix from an override URL, no trailing '/' */
	char *signing_region;
	char *signing_name;   /* from the rule set's authSchemes, or NULL: the model's */
	char *source;         /* "the endpoint rules", "AWS_ENDPOINT_URL_STS", ... */
} aws_endpoint;

/* The SDKs' endpoint settings, from the environment, else the profile's config section:
 * AWS_USE_FIPS_ENDPOINT / use_fips_endpoint, AWS_USE_DUALSTACK_ENDPOINT /
 * use_dualstack_endpoint, AWS_STS_REGIONAL_ENDPOINTS / sts_regional_endpoints ("legacy":
 * the global STS endpoint) and AWS_S3_US_EAST_1_REGIONAL_ENDPOINT /
 * s3_us_east_1_regional_endpoint ("regional": not s3.amazonaws.com), botocore's defaults. */
typedef struct aws_endpoint_config {
	bool use_fips, use_dualstack;
	bool sts_global, s3_global;
} aws_endpoint_config;
/* Load it for PROFILE (NULL: AWS_PROFILE, then "default"). */
void aws_endpoint_config_load(aws_endpoint_config *c, const char *profile);

typedef struct aws_endpoint_query {
	const char *endpoint_prefix; /* hostname prefix from the model, e.g. "route53", "sts" */
	const char *service_id;      /* the model's serviceId, e.g. "Route 53"; may be NULL */
	const char *region;          /* e.g. "us-west-2" */
	const char *override_url;    /* per-run override; wins over the environment; may be NULL */
	const aws_endpoint_config *config; /* NULL: loaded for the default profile */
} aws_endpoint_query;

void aws_endpoint_init(aws_endpoint *e);
void aws_endpoint_release(aws_endpoint *e);
int aws_endpoint_resolve(aws_endpoint *out, const aws_endpoint_query *q, strbuf *err);

/* Point r at e: scheme, host (with r->host_prefix in front, unless the host is an IP
 * address or localhost, which cannot take one), e's base path before r->path, the signing
 * region, and the signing name (e's, else SIGNING_NAME when not NULL). */
void aws_endpoint_apply(const aws_endpoint *e, aws_request *r, const char *signing_name);

/* "Route 53" -> "ROUTE_53": the suffix of AWS_ENDPOINT_URL_<SERVICE_ID>. Caller frees. */
char *aws_endpoint_env_name(const char *service_id);

/* Is host (its first n bytes: a name without the port, IPv6 in brackets) loopback:
 * exactly localhost, [::1] or an IPv4 literal in 127.0.0.0/8? Plain http is allowed only
 * to these (the emulator). */
bool aws_loopback_host(const char *host, size_t n);

#endif
