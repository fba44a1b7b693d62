/* endpoints: region + service -> the URL to call and the region to sign for, following
 * the SDKs: partitions (aws, aws-cn, aws-us-gov, iso), global services (Route 53, IAM,
 * CloudFront, Global Accelerator, ...), and the endpoint overrides AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_<SERVICE_ID> (ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
 * true) and a per-run override. aws_endpoint owns its strings. */
#ifndef AWS_ENDPOINTS_H
#define AWS_ENDPOINTS_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/strbuf.h"

typedef struct aws_endpoint {
	char *scheme;         /* "https", or "http" only for loopback/override */
	char *host;           /* host[:port] */
	char *base_path;      /* "" or a path prefix from an override URL, no trailing '/' */
	char *signing_region;
	char *source;         /* "default", "global", "AWS_ENDPOINT_URL_STS", "override", ... */
} aws_endpoint;

typedef struct aws_endpoint_query {
	const char *endpoint_prefix; /* hostname prefix from the model, e.g. "route53", "sts" */
	const char *service_id;      /* the model's serviceId, e.g. "Route 53"; may be NULL */
	const char *region;          /* e.g. "us-west-2" */
	const char *override_url;    /* per-run override; wins over the environment; may be NULL */
} aws_endpoint_query;

void aws_endpoint_init(aws_endpoint *e);
void aws_endpoint_release(aws_endpoint *e);
int aws_endpoint_resolve(aws_endpoint *out, const aws_endpoint_query *q, strbuf *err);

/* "Route 53" -> "ROUTE_53": the suffix of AWS_ENDPOINT_URL_<SERVICE_ID>. Caller frees. */
char *aws_endpoint_env_name(const char *service_id);
/* DNS suffix of the region's partition: "amazonaws.com", "amazonaws.com.cn", ... */
const char *aws_endpoint_dns_suffix(const char *region);

/* Is host (its first n bytes: a name without the port, IPv6 in brackets) loopback:
 * exactly localhost, [::1] or an IPv4 literal in 127.0.0.0/8? Plain http is allowed only
 * to these (the emulator). */
bool aws_loopback_host(const char *host, size_t n);

#endif
