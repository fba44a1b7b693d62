/* endpoints: the endpoint of a call from the service's endpoint rule set (rules.h) and the
 * SDKs' settings (FIPS, dual-stack, the global STS and S3 endpoints), behind the configured
 * endpoints (per run, AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL). */
#include "endpoints.h"
#include "credentials.h"
#include "rules.h"
#include "url.h"
#include "../../common/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	free(e->signing_name);
	free(e->source);
	aws_endpoint_init(e);
}

/* A setting from the environment, else the profile; NULL when neither has it. */
static char *setting(const char *env, const char *profile, const char *key)
{
	const char *v = getenv(env);
	if (v && *v)
		return xstrdup(v);
	return aws_profile_setting(profile, key);
}

static bool setting_is(const char *env, const char *profile, const char *key, const char *want)
{
	char *v = setting(env, profile, key);
	bool is = v && !strcasecmp(v, want);
	free(v);
	return is;
}

void aws_endpoint_config_load(aws_endpoint_config *c, const char *profile)
{
	c->use_fips = setting_is("AWS_USE_FIPS_ENDPOINT", profile, "use_fips_endpoint", "true");
	c->use_dualstack = setting_is("AWS_USE_DUALSTACK_ENDPOINT", profile,
				      "use_dualstack_endpoint", "true");
	c->sts_global = setting_is("AWS_STS_REGIONAL_ENDPOINTS", profile, "sts_regional_endpoints",
				   "legacy");
	/* botocore's default for S3 is still "legacy": s3.amazonaws.com in us-east-1 */
	c->s3_global = !setting_is("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", profile,
				   "s3_us_east_1_regional_endpoint", "regional");
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
	e->host = aws_url_authority(&u);
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

/* The configured endpoint: the per-run override, else AWS_ENDPOINT_URL_<SERVICE_ID>, else
 * AWS_ENDPOINT_URL; NULL when none. *source names where it came from (owned by *owned). */
static const char *configured(const aws_endpoint_query *q, const char **source, char **owned)
{
	*owned = NULL;
	*source = "the -endpoint-url override";
	if (q->override_url && *q->override_url)
		return q->override_url;
	if (ignore_configured())
		return NULL;
	char *id = aws_endpoint_env_name(q->service_id ? q->service_id : q->endpoint_prefix);
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "AWS_ENDPOINT_URL_%s", id);
	free(id);
	*owned = strbuf_detach(&sb, NULL);
	*source = *owned;
	const char *url = getenv(*owned);
	if (url && *url)
		return url;
	*source = "AWS_ENDPOINT_URL";
	url = getenv("AWS_ENDPOINT_URL");
	return url && *url ? url : NULL;
}

static kdx_value *params_map(kdx_arena *a, const aws_endpoint_query *q,
			     const aws_endpoint_config *c, const char *endpoint)
{
	bool s3 = !strcmp(q->endpoint_prefix, "s3");
	const char *keys[] = { "Region", "UseFIPS", "UseDualStack", "UseGlobalEndpoint",
			       "ForcePathStyle", "Endpoint" };
	kdx_value *vals[] = {
		kdx_value_string(a, q->region), kdx_value_bool(a, c->use_fips),
		kdx_value_bool(a, c->use_dualstack),
		kdx_value_bool(a, s3 ? c->s3_global : c->sts_global),
		/* kdx addresses S3 buckets by path (proto_rest.c), never by host */
		kdx_value_bool(a, true),
		endpoint ? kdx_value_string(a, endpoint) : kdx_value_null(a),
	};
	kdx_value *m = kdx_value_map(a, 6);
	for (size_t i = 0; i < 6; i++) {
		m->u.map.keys[i] = keys[i];
		m->u.map.vals[i] = vals[i];
	}
	return m;
}

/* The SigV4 scheme of an endpoint's authSchemes: its signingRegion and signingName. */
static int auth_scheme(const aws_rules_endpoint *ep, const char **region, const char **name,
		       strbuf *err)
{
	const kdx_value *schemes = kdx_value_get(ep->properties, "authSchemes");
	bool sigv4a = false;
	*region = *name = NULL;
	for (size_t i = 0; schemes && schemes->kind == KDX_V_LIST && i < schemes->u.list.n; i++) {
		const kdx_value *s = schemes->u.list.items[i], *n = kdx_value_get(s, "name");
		if (!n || n->kind != KDX_V_STRING || strcmp(n->u.str.ptr, "sigv4")) {
			sigv4a |= n && n->kind == KDX_V_STRING && !strcmp(n->u.str.ptr, "sigv4a");
			continue;
		}
		const kdx_value *r = kdx_value_get(s, "signingRegion");
		const kdx_value *sn = kdx_value_get(s, "signingName");
		*region = r && r->kind == KDX_V_STRING ? r->u.str.ptr : NULL;
		*name = sn && sn->kind == KDX_V_STRING ? sn->u.str.ptr : NULL;
		return 0;
	}
	if (sigv4a) {
		strbuf_addf(err, "the endpoint %s must be signed with SigV4a, which kdx does not "
			    "implement", ep->url);
		return -1;
	}
	return 0;
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
	aws_endpoint_config cfg;
	if (q->config)
		cfg = *q->config;
	else
		aws_endpoint_config_load(&cfg, NULL);
	const char *source, *url = NULL, *sign_region = NULL, *sign_name = NULL;
	char *env_name;
	int rc = -1;
	const char *conf = configured(q, &source, &env_name);
	kdx_arena a;
	kdx_arena_init(&a);
	/* the configured URL is checked as it was given, before any rule sees it */
	if (conf && parse_url(out, conf, source, err) < 0)
		goto out;
	aws_endpoint_release(out);
	aws_mpack rs;
	aws_rules_endpoint ep;
	if (!aws_rules_find(q->endpoint_prefix, &rs)) {
		/* a model from $KDX_AWS_MODELS that kdx has no rule set for: the rule sets'
		 * common default, https://PREFIX.REGION.DNS-SUFFIX */
		kdx_value *part = aws_rules_partition(&a, q->region);
		const kdx_value *sfx = kdx_value_get(part, "dnsSuffix");
		url = conf ? conf : kdx_arena_printf(&a, "https://%s.%s.%s", q->endpoint_prefix,
						     q->region, sfx ? sfx->u.str.ptr : "amazonaws.com");
	} else if (aws_rules_eval(&rs, params_map(&a, q, &cfg, conf), &a, &ep, err) < 0) {
		strbuf_addf(err, " (endpoint of '%s' in '%s'%s%s%s)", q->endpoint_prefix, q->region,
			    cfg.use_fips ? ", FIPS" : "", cfg.use_dualstack ? ", dual-stack" : "",
			    conf ? ", configured endpoint" : "");
		goto out;
	} else {
		url = ep.url;
		if (auth_scheme(&ep, &sign_region, &sign_name, err) < 0)
			goto out;
		/* Behind a configured endpoint the rules give no signing region: sign as the
		 * service's own endpoint would be signed (a global service for its region). */
		aws_rules_endpoint def;
		strbuf ignore = STRBUF_INIT;
		if (conf && !sign_region &&
		    aws_rules_eval(&rs, params_map(&a, q, &cfg, NULL), &a, &def, &ignore) == 0 &&
		    auth_scheme(&def, &sign_region, &sign_name, &ignore) < 0)
			sign_region = sign_name = NULL;
		strbuf_release(&ignore);
	}
	if (parse_url(out, url, conf ? source : "the endpoint rules", err) < 0)
		goto out;
	out->signing_region = xstrdup(sign_region ? sign_region : q->region);
	out->signing_name = sign_name ? xstrdup(sign_name) : NULL;
	rc = 0;
out:
	if (rc < 0)
		aws_endpoint_release(out);
	free(env_name);
	kdx_arena_release(&a);
	return rc;
}

void aws_endpoint_apply(const aws_endpoint *e, aws_request *r, const char *signing_name)
{
	free(r->scheme);
	r->scheme = xstrdup(e->scheme);
	size_t hl = e->host[0] == '[' ? strcspn(e->host, "]") + 1 : strcspn(e->host, ":");
	char ip[64];
	unsigned char addr[16];
	snprintf(ip, sizeof(ip), "%.*s", (int)hl, e->host);
	bool literal = aws_loopback_host(e->host, hl) || inet_pton(AF_INET, ip, addr) == 1 ||
		       e->host[0] == '[';
	strbuf h = STRBUF_INIT;
	if (r->host_prefix && !literal)
		strbuf_addstr(&h, r->host_prefix);
	strbuf_addstr(&h, e->host);
	free(r->host);
	r->host = strbuf_detach(&h, NULL);
	if (*e->base_path) {
		strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s%s", e->base_path, r->path && *r->path ? r->path : "/");
		free(r->path);
		r->path = strbuf_detach(&p, NULL);
	}
	free(r->region);
	r->region = xstrdup(e->signing_region);
	if (e->signing_name || signing_name) {
		free(r->service);
		r->service = xstrdup(e->signing_name ? e->signing_name : signing_name);
	}
}
