/* endpoints: the SDKs' default endpoint rules for the services kdx calls, and the
 * configured-endpoint overrides (per run, AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL). */
#include "endpoints.h"
#include "url.h"
#include "../../common/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct partition {
	const char *prefix; /* region prefix; "" matches everything (aws) */
	const char *name;
	const char *suffix;
} partition;

/* Longest prefixes first: "us-isob-" before "us-iso-". */
static const partition partitions[] = {
	{ "cn-", "aws-cn", "amazonaws.com.cn" },
	{ "us-gov-", "aws-us-gov", "amazonaws.com" },
	{ "us-isob-", "aws-iso-b", "sc2s.sgov.gov" },
	{ "us-isof-", "aws-iso-f", "csp.hci.ic.gov" },
	{ "us-iso-", "aws-iso", "c2s.ic.gov" },
	{ "eu-isoe-", "aws-iso-e", "cloud.adc-e.uk" },
	{ "", "aws", "amazonaws.com" },
};

/* Services with one endpoint per partition, and the region they are signed for
 * (botocore's endpoints.json, "partitionEndpoint"). */
typedef struct global_ep {
	const char *prefix, *partition, *host, *region;
} global_ep;

static const global_ep globals[] = {
	{ "route53", "aws", "route53.amazonaws.com", "us-east-1" },
	{ "route53", "aws-cn", "route53.amazonaws.com.cn", "cn-northwest-1" },
	{ "route53", "aws-us-gov", "route53.us-gov.amazonaws.com", "us-gov-west-1" },
	{ "route53", "aws-iso", "route53.c2s.ic.gov", "us-iso-east-1" },
	{ "route53", "aws-iso-b", "route53.sc2s.sgov.gov", "us-isob-east-1" },
	{ "iam", "aws", "iam.amazonaws.com", "us-east-1" },
	{ "iam", "aws-cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1" },
	{ "iam", "aws-us-gov", "iam.us-gov.amazonaws.com", "us-gov-west-1" },
	{ "cloudfront", "aws", "cloudfront.amazonaws.com", "us-east-1" },
	{ "cloudfront", "aws-cn", "cloudfront.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1" },
	{ "organizations", "aws", "organizations.us-east-1.amazonaws.com", "us-east-1" },
	{ "shield", "aws", "shield.us-east-1.amazonaws.com", "us-east-1" },
	{ NULL, NULL, NULL, NULL },
};

void aws_endpoint_init(aws_endpoint *e)
{
	memset(e, 0, sizeof(*e));
}

void aws_endpoint_release(aws_endpoint *e)
{
	free(e->scheme);
	free(e->host);
	free(e->base_path);
	free(e->signing_region);
	free(e->source);
	aws_endpoint_init(e);
}

static const partition *partition_of(const char *region)
{
	const partition *p = partitions;
	while (*p->prefix && strncmp(region, p->prefix, strlen(p->prefix)))
		p++;
	return p;
}

const char *aws_endpoint_dns_suffix(const char *region)
{
	return partition_of(region ? region : "")->suffix;
}

char *aws_endpoint_env_name(const char *service_id)
{
	char *s = xstrdup(service_id ? service_id : "");
	for (char *c = s; *c; c++)
		*c = *c == ' ' || *c == '-' ? '_' : (char)toupper((unsigned char)*c);
	return s;
}

static bool valid_region(const char *r)
{
	if (!*r)
		return false;
	for (; *r; r++)
		if (!islower((unsigned char)*r) && !isdigit((unsigned char)*r) && *r != '-')
			return false;
	return true;
}

bool aws_loopback_host(const char *host, size_t n)
{
	if ((n == 9 && !strncasecmp(host, "localhost", 9)) || (n == 5 && !strncmp(host, "[::1]", 5)))
		return true;
	/* an IPv4 literal in 127.0.0.0/8; "127.example.com" is a name anyone can point anywhere */
	char ip[16];
	struct in_addr a;
	if (n >= sizeof(ip))
		return false;
	memcpy(ip, host, n);
	ip[n] = '\0';
	return inet_pton(AF_INET, ip, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* scheme://host[:port][/base] -> e, through the one URL parser (url.h): plain http only
 * for loopback hosts, no userinfo. */
static int parse_url(aws_endpoint *e, const char *url, const char *source, strbuf *err)
{
	aws_url u;
	if (aws_url_parse(&u, url, 0, "endpoint", source, err) < 0)
		return -1;
	e->scheme = xstrdup(u.scheme);
	strbuf hp = STRBUF_INIT;
	strbuf_addstr(&hp, u.host);
	if (u.port)
		strbuf_addf(&hp, ":%s", u.port);
	e->host = strbuf_detach(&hp, NULL);
	size_t pl = strlen(u.path);
	while (pl && u.path[pl - 1] == '/')
		pl--;
	e->base_path = xstrndup(u.path, pl);
	e->source = xstrdup(source);
	aws_url_release(&u);
	return 0;
}

static bool ignore_configured(void)
{
	const char *v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	return v && !strcasecmp(v, "true");
}

static const global_ep *global_of(const char *prefix, const char *partition)
{
	for (const global_ep *g = globals; g->prefix; g++)
		if (!strcmp(g->prefix, prefix) && !strcmp(g->partition, partition))
			return g;
	return NULL;
}

int aws_endpoint_resolve(aws_endpoint *out, const aws_endpoint_query *q, strbuf *err)
{
	aws_endpoint_init(out);
	if (!q->endpoint_prefix || !*q->endpoint_prefix) {
		strbuf_addstr(err, "cannot resolve an endpoint without a service");
		return -1;
	}
	if (!q->region || !*q->region) {
		strbuf_addf(err, "no region for '%s': set AWS_REGION or pass -region", q->endpoint_prefix);
		return -1;
	}
	if (!valid_region(q->region)) {
		strbuf_addf(err, "invalid region '%s': want a name like 'us-east-1'", q->region);
		return -1;
	}
	const partition *part = partition_of(q->region);
	const global_ep *g = global_of(q->endpoint_prefix, part->name);
	const char *sign_region = g ? g->region : q->region;

	const char *url = q->override_url, *source = "the -endpoint-url override";
	char *env_name = NULL;
	if ((!url || !*url) && !ignore_configured()) {
		char *id = aws_endpoint_env_name(q->service_id ? q->service_id : q->endpoint_prefix);
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "AWS_ENDPOINT_URL_%s", id);
		free(id);
		env_name = strbuf_detach(&sb, NULL);
		url = getenv(env_name);
		source = env_name;
		if (!url || !*url) {
			url = getenv("AWS_ENDPOINT_URL");
			source = "AWS_ENDPOINT_URL";
		}
	}
	int rc = 0;
	if (url && *url) {
		rc = parse_url(out, url, source, err);
	} else {
		out->scheme = xstrdup("https");
		out->base_path = xstrdup("");
		if (g) {
			out->host = xstrdup(g->host);
			out->source = xstrdup("global");
		} else {
			strbuf h = STRBUF_INIT;
			/* S3 keeps its legacy global name in us-east-1, as the SDKs do. */
			if (!strcmp(q->endpoint_prefix, "s3") && !strcmp(q->region, "us-east-1"))
				strbuf_addstr(&h, "s3.amazonaws.com");
			else
				strbuf_addf(&h, "%s.%s.%s", q->endpoint_prefix, q->region, part->suffix);
			out->host = strbuf_detach(&h, NULL);
			out->source = xstrdup("default");
		}
	}
	free(env_name);
	if (rc < 0) {
		aws_endpoint_release(out);
		return -1;
	}
	out->signing_region = xstrdup(sign_region);
	return 0;
}
