/* store_url: parse and check the URL of a run store. */
#include "store_url.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void kdx_store_url_init(kdx_store_url *u)
{
	memset(u, 0, sizeof(*u));
}

void kdx_store_url_release(kdx_store_url *u)
{
	free(u->path);
	free(u->bucket);
	free(u->prefix);
	free(u->table);
	free(u->region);
	for (size_t i = 0; i < u->nreplicas; i++)
		free(u->replicas[i]);
	free(u->replicas);
	kdx_store_url_init(u);
}

/* Letters, digits and '-' in two or more dash-separated parts, the last a number:
 * "us-east-1", "ap-southeast-5", "us-gov-west-1". */
int kdx_store_region_valid(const char *s)
{
	size_t parts = 0, len = 0;
	const char *last = s;
	for (const char *p = s;; p++) {
		if (*p == '-' || !*p) {
			if (!len)
				return 0;
			parts++;
			len = 0;
			if (!*p)
				break;
			last = p + 1;
			continue;
		}
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return 0;
		len++;
	}
	for (const char *p = last; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return parts >= 3;
}

/* S3's rules for a general purpose bucket name: 3-63 characters, lower-case letters, digits,
 * '.' and '-', beginning and ending with a letter or digit. */
static int bucket_valid(const char *s, size_t n)
{
	if (n < 3 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-')
			return 0;
	return 1;
}

/* DynamoDB's: 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.'. */
static int table_valid(const char *s, size_t n)
{
	if (n < 3 || n > 255)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			return 0;
	return 1;
}

/* A key prefix kdx never has to encode: S3's "safe characters" and '/'. */
static int prefix_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("/!-_.*'()", s[i]))
			return 0;
	return !strstr(s, "//");
}

static void add_replica(kdx_store_url *u, const char *s, size_t n)
{
	u->replicas = xrealloc(u->replicas, (u->nreplicas + 1) * sizeof(*u->replicas));
	u->replicas[u->nreplicas++] = xstrndup(s, n);
}

/* "region=R", "replicas=R2,R3" joined by '&'. */
static int parse_query(kdx_store_url *u, const char *text, const char *q, strbuf *err)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		size_t klen = eq ? (size_t)(eq - q) : n;
		const char *v = eq ? eq + 1 : q + n;
		size_t vlen = (size_t)(q + n - v);
		if (klen == 6 && !memcmp(q, "region", 6)) {
			free(u->region);
			u->region = xstrndup(v, vlen);
			if (!kdx_store_region_valid(u->region)) {
				strbuf_addf(err, "state URL '%s': '%s' is not a region; write "
					    "?region=us-east-2", text, u->region);
				return -1;
			}
		} else if (klen == 8 && !memcmp(q, "replicas", 8) && u->kind == KDX_STORE_DYNAMODB) {
			while (vlen) {
				size_t m = strcspn(v, ",&");
				if (m > vlen)
					m = vlen;
				add_replica(u, v, m);
				if (!kdx_store_region_valid(u->replicas[u->nreplicas - 1])) {
					strbuf_addf(err, "state URL '%s': replica '%s' is not a region; "
						    "write ?replicas=us-east-2,eu-central-1", text,
						    u->replicas[u->nreplicas - 1]);
					return -1;
				}
				v += m;
				vlen -= m;
				if (vlen) {
					v++;
					vlen--;
				}
			}
		} else {
			strbuf_addf(err, "state URL '%s': unknown parameter '%.*s'; an %s store takes %s",
				    text, (int)klen, q, u->kind == KDX_STORE_S3 ? "s3" : "dynamodb",
				    u->kind == KDX_STORE_S3 ? "?region=R"
							    : "?region=R and &replicas=R2,R3");
			return -1;
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

static int parse_s3(kdx_store_url *u, const char *text, const char *rest, strbuf *err)
{
	size_t end = strcspn(rest, "?");
	size_t blen = strcspn(rest, "/?");
	if (!bucket_valid(rest, blen)) {
		strbuf_addf(err, "state URL '%s': '%.*s' is not an S3 bucket name (3-63 lower-case "
			    "letters, digits, '.' and '-'); write s3://BUCKET/PREFIX", text, (int)blen,
			    rest);
		return -1;
	}
	u->bucket = xstrndup(rest, blen);
	const char *p = rest + blen;
	size_t plen = end - blen;
	while (plen && *p == '/') {
		p++;
		plen--;
	}
	if (!prefix_valid(p, plen)) {
		strbuf_addf(err, "state URL '%s': the prefix '%.*s' may hold only letters, digits, "
			    "'/' and !-_.*'()", text, (int)plen, p);
		return -1;
	}
	strbuf pre = STRBUF_INIT;
	strbuf_add(&pre, p, plen);
	if (plen && p[plen - 1] != '/')
		strbuf_addch(&pre, '/');
	u->prefix = strbuf_detach(&pre, NULL);
	return rest[end] == '?' ? parse_query(u, text, rest + end + 1, err) : 0;
}

static int parse_dynamodb(kdx_store_url *u, const char *text, const char *rest, strbuf *err)
{
	size_t n = strcspn(rest, "?");
	if (!table_valid(rest, n)) {
		strbuf_addf(err, "state URL '%s': '%.*s' is not a DynamoDB table name (3-255 letters, "
			    "digits, '_', '-' and '.'); write dynamodb://TABLE", text, (int)n, rest);
		return -1;
	}
	u->table = xstrndup(rest, n);
	return rest[n] == '?' ? parse_query(u, text, rest + n + 1, err) : 0;
}

int kdx_store_url_parse(kdx_store_url *u, const char *text, strbuf *err)
{
	kdx_store_url_init(u);
	int rc;
	if (!text || !*text) {
		strbuf_addstr(err, "the state URL is empty; write file://DIR, s3://BUCKET/PREFIX or "
				   "dynamodb://TABLE");
		return -1;
	}
	if (!strncmp(text, "s3://", 5)) {
		u->kind = KDX_STORE_S3;
		rc = parse_s3(u, text, text + 5, err);
	} else if (!strncmp(text, "dynamodb://", 11)) {
		u->kind = KDX_STORE_DYNAMODB;
		rc = parse_dynamodb(u, text, text + 11, err);
	} else if (!strncmp(text, "file://", 7) || !strstr(text, "://")) {
		const char *p = strncmp(text, "file://", 7) ? text : text + 7;
		u->kind = KDX_STORE_FILE;
		rc = 0;
		if (!*p) {
			strbuf_addf(err, "state URL '%s' names no directory; write file://DIR", text);
			rc = -1;
		} else {
			u->path = xstrdup(p);
		}
	} else {
		strbuf_addf(err, "state URL '%s': unknown kind of store '%.*s'; write file://DIR, "
			    "s3://BUCKET/PREFIX or dynamodb://TABLE", text,
			    (int)(strstr(text, "://") - text), text);
		rc = -1;
	}
	if (rc < 0)
		kdx_store_url_release(u);
	return rc;
}

void kdx_store_url_format(strbuf *sb, const kdx_store_url *u)
{
	switch (u->kind) {
	case KDX_STORE_FILE:
		strbuf_addf(sb, "file://%s", u->path);
		return;
	case KDX_STORE_S3:
		strbuf_addf(sb, "s3://%s/%s", u->bucket, u->prefix);
		break;
	case KDX_STORE_DYNAMODB:
		strbuf_addf(sb, "dynamodb://%s", u->table);
		break;
	}
	char sep = '?';
	if (u->region) {
		strbuf_addf(sb, "%cregion=%s", sep, u->region);
		sep = '&';
	}
	for (size_t i = 0; i < u->nreplicas; i++)
		strbuf_addf(sb, "%s%s", i ? "," : (sep == '?' ? "?replicas=" : "&replicas="),
			    u->replicas[i]);
}
