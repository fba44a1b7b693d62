/* proto: dispatch to the protocol of a model, input fix-ups every SDK makes (idempotency
 * tokens, Route 53 ids), and the scalar encodings the protocols share. */
#include "proto.h"
#include "proto_shared.h"
#include "rules.h"
#include "../../common/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

static void sb_truncate(strbuf *sb, size_t len)
{
	sb->len = len;
	sb->buf[len] = '\0';
}

/* Copy of a map with one more entry at the end, as botocore's handlers add tokens. */
static kdx_value *map_with(kdx_arena *a, const kdx_value *in, const char *key, kdx_value *val)
{
	size_t n = in ? in->u.map.n : 0;
	kdx_value *v = kdx_value_map(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		v->u.map.keys[i] = in->u.map.keys[i];
		v->u.map.vals[i] = in->u.map.vals[i];
	}
	v->u.map.keys[n] = key;
	v->u.map.vals[n] = val;
	return v;
}

/* Fill absent idempotency tokens of the input structure with fresh UUIDs. */
static const kdx_value *fill_tokens(kdx_arena *a, const aws_shape *in, const kdx_value *v)
{
	aws_member_iter it = aws_shape_members(in);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		if (!aws_shape_flag(&m, "idempotencyToken"))
			continue;
		const kdx_value *have = kdx_value_get(v, name);
		if (have && have->kind != KDX_V_NULL)
			continue;
		strbuf uuid = STRBUF_INIT;
		aws_wire_uuid(&uuid);
		v = map_with(a, v, name, kdx_value_string(a, uuid.buf));
		strbuf_release(&uuid);
	}
	return v;
}


static uint32_t crc32_any(const unsigned char *p, size_t n, uint32_t poly)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (poly & (0u - (c & 1u)));
	}
	return ~c;
}

/* Request checksums (S3): the algorithm the input names (x-amz-checksum-<alg>), else,
 * when the operation requires one, Content-MD5, which S3 accepts everywhere. */
static int add_checksum(const aws_operation *op, const kdx_value *in, aws_request *req,
			strbuf *err)
{
	const kdx_value *alg = op->checksum_member ? kdx_value_get(in, op->checksum_member) : NULL;
	const unsigned char *body = (const unsigned char *)req->body.buf;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	strbuf name = STRBUF_INIT, val = STRBUF_INIT;
	if (alg && alg->kind == KDX_V_STRING) {
		const char *a = alg->u.str.ptr;
		const EVP_MD *evp = !strcasecmp(a, "SHA256") ? EVP_sha256() :
				    !strcasecmp(a, "SHA1") ? EVP_sha1() : NULL;
		if (evp) {
			EVP_Digest(body, req->body.len, md, &mdlen, evp, NULL);
		} else if (!strcasecmp(a, "CRC32") || !strcasecmp(a, "CRC32C")) {
			uint32_t c = crc32_any(body, req->body.len,
					       strlen(a) == 5 ? 0xEDB88320u : 0x82F63B78u);
			md[0] = (unsigned char)(c >> 24);
			md[1] = (unsigned char)(c >> 16);
			md[2] = (unsigned char)(c >> 8);
			md[3] = (unsigned char)c;
			mdlen = 4;
		} else {
			strbuf_addf(err, "checksum algorithm '%s' is not supported by kdx; use CRC32, "
				    "CRC32C, SHA1 or SHA256", a);
			return -1;
		}
		strbuf_addstr(&name, "x-amz-checksum-");
		for (const char *c = a; *c; c++)
			strbuf_addch(&name, tolower((unsigned char)*c));
	} else if (op->checksum_required && !aws_request_get_header(req, "Content-MD5")) {
		EVP_Digest(body, req->body.len, md, &mdlen, EVP_md5(), NULL);
		strbuf_addstr(&name, "Content-MD5");
	}
	if (mdlen) {
		aws_wire_base64(&val, (const char *)md, mdlen);
		aws_request_set_header(req, name.buf, val.buf);
	}
	strbuf_release(&name);
	strbuf_release(&val);
	return 0;
}

/* The endpoint trait's hostPrefix ("{AccountId}.data-"), its labels filled from the input
 * members marked hostLabel; every label of the result must be a valid host name label,
 * so no input can move the request to another host (a '.' or '/' in a value). */
static int host_prefix(const aws_operation *op, const kdx_value *in, aws_request *req,
		       strbuf *err)
{
	free(req->host_prefix);
	req->host_prefix = NULL;
	if (!op->host_prefix)
		return 0;
	strbuf out = STRBUF_INIT;
	for (const char *c = op->host_prefix; *c; c++) {
		const char *close = *c == '{' ? strchr(c, '}') : NULL;
		if (!close) {
			strbuf_addch(&out, *c);
			continue;
		}
		char *label = xstrndup(c + 1, (size_t)(close - c - 1));
		const kdx_value *v = kdx_value_get(in, label);
		aws_shape ms;
		bool is_label = aws_shape_member(&op->input, label, &ms) &&
				aws_shape_flag(&ms, "hostLabel");
		if (!is_label || !v || v->kind != KDX_V_STRING ||
		    !aws_host_label(v->u.str.ptr, v->u.str.len)) {
			if (!is_label || !v || v->kind == KDX_V_NULL)
				strbuf_addf(err, "missing required parameter '%s' (part of the host "
					    "name, hostPrefix '%s')", label, op->host_prefix);
			else
				strbuf_addf(err, "parameter '%s' must be a host name label (1 to 63 "
					    "letters, digits or '-', not first or last), as it becomes "
					    "part of the host name (hostPrefix '%s')", label,
					    op->host_prefix);
			free(label);
			strbuf_release(&out);
			return -1;
		}
		strbuf_add(&out, v->u.str.ptr, v->u.str.len);
		free(label);
		c = close;
	}
	req->host_prefix = strbuf_detach(&out, NULL);
	return 0;
}

int aws_proto_serialize(const aws_model *m, const char *operation, const kdx_value *input,
			const char *region, aws_request *req, strbuf *err)
{
	aws_operation op;
	if (aws_model_operation(m, operation, &op, err) < 0)
		return -1;
	kdx_arena a;
	kdx_arena_init(&a);
	const kdx_value *in = input;
	if (op.input.type == AWS_T_STRUCTURE && (!in || in->kind == KDX_V_MAP)) {
		in = fill_tokens(&a, &op.input, in);
		in = aws_model_fix_input(m, &op.input, &a, in);
	}
	if (aws_model_validate(m, operation, in, err) < 0) {
		kdx_arena_release(&a);
		return -1;
	}
	free(req->service);
	req->service = xstrdup(aws_model_signing_name(m));
	free(req->region);
	req->region = region ? xstrdup(region) : NULL;
	int rc;
	switch (aws_model_protocol(m)) {
	case AWS_PROTO_QUERY:
	case AWS_PROTO_EC2:
		rc = aws_query_serialize(m, &op, in, req, err);
		break;
	case AWS_PROTO_JSON:
		rc = aws_json_serialize(m, &op, in, req, err);
		break;
	case AWS_PROTO_REST_XML:
	case AWS_PROTO_REST_JSON:
		rc = aws_rest_serialize(m, &op, in, req, err);
		break;
	default:
		strbuf_addf(err, "AWS service '%s' uses no protocol kdx implements",
			    aws_model_service(m));
		rc = -1;
	}
	if (rc == 0)
		rc = add_checksum(&op, in, req, err);
	if (rc == 0)
		rc = host_prefix(&op, in, req, err);
	kdx_arena_release(&a);
	return rc;
}

int aws_proto_parse(const aws_model *m, const char *operation, const aws_response *resp,
		    kdx_arena *a, kdx_value **out, strbuf *err)
{
	aws_operation op;
	if (aws_model_operation(m, operation, &op, err) < 0)
		return -1;
	switch (aws_model_protocol(m)) {
	case AWS_PROTO_JSON:
	case AWS_PROTO_REST_JSON:
		return aws_json_parse(m, &op, resp, a, out, err);
	default:
		return aws_xml_parse(m, &op, resp, a, out, err);
	}
}

void aws_proto_decode_error(void *model, const aws_response *resp, aws_error *e)
{
	const aws_model *m = model;
	free(e->code);
	free(e->message);
	free(e->request_id);
	e->code = e->message = e->request_id = NULL;
	e->http_status = resp->status;
	bool json = aws_model_protocol(m) == AWS_PROTO_JSON ||
		    aws_model_protocol(m) == AWS_PROTO_REST_JSON;
	if (json)
		aws_json_parse_error(m, resp, e);
	else
		aws_xml_parse_error(resp, e);
	/* Gateways and emulators answer some failures (auth) in the other format. */
	size_t lead = strspn(resp->body.buf, " \t\r\n");
	if (!e->code && json && resp->body.buf[lead] == '<')
		aws_xml_parse_error(resp, e);
	else if (!e->code && !json && resp->body.buf[lead] == '{')
		aws_json_parse_error(m, resp, e);
	if (!e->request_id) {
		const char *rid = aws_response_get_header(resp, "x-amzn-RequestId");
		if (!rid)
			rid = aws_response_get_header(resp, "x-amz-request-id");
		if (rid)
			e->request_id = xstrdup(rid);
	}
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *fields = json ? aws_json_error_fields(m, resp, e->code, &a)
				 : aws_xml_error_fields(m, resp, e->code, &a);
	if (fields && fields->u.map.n) {
		strbuf t = STRBUF_INIT;
		kdx_value_to_json(&t, fields);
		e->fields = strbuf_detach(&t, NULL);
	}
	kdx_arena_release(&a);
	if (!e->code) {
		/* No body to say what went wrong (a HEAD, a proxy): the status must do. */
		static const struct { long status; const char *code; } by_status[] = {
			{ 400, "BadRequest" }, { 403, "Forbidden" }, { 404, "NotFound" },
			{ 429, "TooManyRequests" }, { 500, "InternalError" },
			{ 502, "BadGateway" }, { 503, "ServiceUnavailable" }, { 504, "GatewayTimeout" },
		};
		for (size_t i = 0; i < sizeof(by_status) / sizeof(by_status[0]); i++)
			if (by_status[i].status == resp->status)
				e->code = xstrdup(by_status[i].code);
		if (!e->code) {
			strbuf c = STRBUF_INIT;
			strbuf_addf(&c, "Http%ld", resp->status);
			e->code = strbuf_detach(&c, NULL);
		}
	}
}

bool aws_error_known_field(const char *key)
{
	static const char *const known[] = { "__type", "code", "Code", "message", "Message",
					     "errorMessage", "RequestId", "RequestID", "Type" };
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(key, known[i]))
			return true;
	return false;
}

void aws_wire_uri_encode(strbuf *sb, const char *s, size_t n, const char *keep)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (keep && c && strchr(keep, c)))
			strbuf_addch(sb, c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

void aws_wire_number(strbuf *sb, double v)
{
	if (v == floor(v) && fabs(v) < 1e16) {
		strbuf_addf(sb, "%lld", (long long)v);
		return;
	}
	kdx_number_shortest(sb, v);
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/* An HTTP date (RFC 7231 IMF-fixdate, the models' "rfc822"): "Sun, 06 Nov 1994 08:49:37 GMT". */
static int http_date_parse(const char *s, int64_t *secs, int *micros)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = s;
	int D, Y, h, mi, sec;
	char mon[4];
	if (!isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1]) ||
	    !isalpha((unsigned char)p[2]) || p[3] != ',' || p[4] != ' ')
		return -1;
	p += 5;
	if (digits(&p, 2, &D) || *p++ != ' ')
		return -1;
	memcpy(mon, p, 3);
	mon[3] = '\0';
	const char *m = strstr(months, mon);
	if (strlen(mon) != 3 || !m || (m - months) % 3)
		return -1;
	p += 3;
	if (*p++ != ' ' || digits(&p, 4, &Y) || *p++ != ' ' || digits(&p, 2, &h) || *p++ != ':' ||
	    digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	*micros = 0;
	if (*p == '.') {
		int scale = 100000;
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			*micros += (*p - '0') * scale;
	}
	if (strcmp(p, " GMT") || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = (int)((m - months) / 3), .tm_mday = D,
			 .tm_hour = h, .tm_min = mi, .tm_sec = sec };
	*secs = (int64_t)timegm(&tm);
	return 0;
}

/* Epoch seconds of years 1 to 9999, the range ISO 8601's four-digit years can write;
 * outside it (or NaN) a timestamp is refused, never converted with undefined results. */
static bool epoch_in_range(double secs)
{
	return secs >= -62135596800.0 && secs < 253402300800.0;
}

int aws_timestamp_parse(const char *s, int64_t *secs, int *micros)
{
	char *end;
	*micros = 0;
	if (http_date_parse(s, secs, micros) == 0)
		return 0;
	*micros = 0;
	if (!aws_wire_is_number(s, strlen(s)))
		goto iso;
	double num = strtod(s, &end);
	if (!epoch_in_range(num))
		return -1;
	if (end != s && !*end && isdigit((unsigned char)s[strlen(s) - 1])) {
		*secs = (int64_t)floor(num);
		*micros = (int)llround((num - floor(num)) * 1e6);
		if (*micros == 1000000) {
			(*secs)++;
			*micros = 0;
		}
		return 0;
	}
iso:;
	struct tm tm = { 0 };
	const char *p = s;
	int Y, M, D, h = 0, mi = 0, sec = 0;
	if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
	    digits(&p, 2, &D))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
		    digits(&p, 2, &sec))
			return -1;
		if (*p == '.') {
			int scale = 100000;
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
				*micros += (*p - '0') * scale;
		}
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*secs = (int64_t)timegm(&tm) - off;
	return 0;
}

bool aws_wire_is_number(const char *s, size_t n)
{
	/* JSON's number grammar; strtod alone would take "inf", "nan(1)", "0x1p3", " 1" */
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	size_t d = i;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == d)
		return false;
	if (i < n && s[i] == '.') {
		size_t f = ++i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == f)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e = i;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
		if (i == e)
			return false;
	}
	return i == n;
}

bool aws_wire_parse_double(const char *s, size_t n, double *out)
{
	if (n == 3 && !memcmp(s, "NaN", 3)) {
		*out = NAN;
		return true;
	}
	if ((n == 8 && !memcmp(s, "Infinity", 8)) || (n == 9 && !memcmp(s, "-Infinity", 9))) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (!aws_wire_is_number(s, n))
		return false;
	char *tmp = xstrndup(s, n);
	*out = strtod(tmp, NULL);
	free(tmp);
	return true;
}

void aws_wire_iso8601(strbuf *sb, int64_t secs, int micros)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char buf[64];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addstr(sb, buf);
	if (micros)
		strbuf_addf(sb, ".%06d", micros);
	strbuf_addch(sb, 'Z');
}

int aws_wire_timestamp(strbuf *sb, const kdx_value *v, const char *format)
{
	int64_t secs;
	int micros = 0;
	if (v->kind == KDX_V_NUMBER) {
		if (!epoch_in_range(v->u.num))
			return -1;
		secs = (int64_t)floor(v->u.num);
		micros = (int)llround((v->u.num - floor(v->u.num)) * 1e6);
	} else if (v->kind != KDX_V_STRING || aws_timestamp_parse(v->u.str.ptr, &secs, &micros)) {
		return -1;
	}
	if (format && !strcasecmp(format, "unixTimestamp")) {
		strbuf_addf(sb, "%lld", (long long)secs);
	} else if (format && !strcasecmp(format, "rfc822")) {
		time_t t = (time_t)secs;
		struct tm tm;
		char buf[64];
		gmtime_r(&t, &tm);
		/* strftime's %a/%b follow the locale; HTTP dates must not. */
		static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
		static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
						  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday],
			 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		strbuf_addstr(sb, buf);
	} else {
		aws_wire_iso8601(sb, secs, micros);
	}
	return 0;
}

int aws_wire_scalar(strbuf *sb, const aws_shape *s, const kdx_value *v, const char *ts_format,
		    bool b64)
{
	switch (v->kind) {
	case KDX_V_STRING:
	case KDX_V_REGION:
		if (s->type == AWS_T_TIMESTAMP)
			return aws_wire_timestamp(sb, v, ts_format);
		if (s->type == AWS_T_BLOB && b64)
			aws_wire_base64(sb, v->u.str.ptr, v->u.str.len);
		else
			strbuf_add(sb, v->u.str.ptr, v->u.str.len);
		return 0;
	case KDX_V_BOOL:
		strbuf_addstr(sb, v->u.b ? "true" : "false");
		return 0;
	case KDX_V_NUMBER:
		if (s->type == AWS_T_TIMESTAMP)
			return aws_wire_timestamp(sb, v, ts_format);
		aws_wire_number(sb, v->u.num);
		return 0;
	case KDX_V_PERCENT:
		aws_wire_number(sb, v->u.num);
		return 0;
	case KDX_V_DURATION:
		/* AWS parameters that take durations take whole seconds. */
		aws_wire_number(sb, (double)(v->u.ms / 1000));
		return 0;
	default:
		return -1;
	}
}

void aws_wire_base64(strbuf *sb, const char *s, size_t n)
{
	size_t need = 4 * ((n + 2) / 3) + 1;
	strbuf_grow(sb, need);
	int len = EVP_EncodeBlock((unsigned char *)sb->buf + sb->len, (const unsigned char *)s,
				  (int)n);
	sb->len += (size_t)len;
	sb->buf[sb->len] = '\0';
}

int aws_wire_base64_decode(strbuf *sb, const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n % 4)
		return -1;
	size_t pad = (n && s[n - 1] == '=') + (n > 1 && s[n - 2] == '=');
	strbuf_grow(sb, n / 4 * 3 + 1);
	int len = EVP_DecodeBlock((unsigned char *)sb->buf + sb->len, (const unsigned char *)s,
				  (int)n);
	if (len < 0)
		return -1;
	sb->len += (size_t)len - pad;
	sb->buf[sb->len] = '\0';
	return 0;
}

void aws_wire_uuid(strbuf *sb)
{
	unsigned char b[16];
	/* The kernel's generator, not RAND_bytes: that would initialise OpenSSL's DRBG and
	 * providers (~1.5 ms) for 16 bytes. getrandom only fails before the pool is seeded
	 * or on a kernel without it; a token must be unique, not secret. */
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(rand() & 0xff);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			strbuf_addch(sb, '-');
		strbuf_addf(sb, "%02x", b[i]);
	}
}

void aws_vbuild_add(aws_vbuild *b, const char *key, kdx_value *v)
{
	XGROW(b->keys, b->n + 1, b->alloc);
	b->vals = xrealloc(b->vals, b->alloc * sizeof(*b->vals));
	b->keys[b->n] = kdx_arena_strdup(b->a, key);
	b->vals[b->n++] = v;
}

kdx_value *aws_vbuild_finish(aws_vbuild *b)
{
	kdx_value *v = kdx_value_map(b->a, b->n);
	for (size_t i = 0; i < b->n; i++) {
		v->u.map.keys[i] = b->keys[i];
		v->u.map.vals[i] = b->vals[i];
	}
	free(b->keys);
	free(b->vals);
	b->keys = NULL;
	b->vals = NULL;
	b->n = b->alloc = 0;
	return v;
}

kdx_value *aws_timestamp_value(kdx_arena *a, const char *text, size_t n)
{
	char *tmp = xstrndup(text, n);
	int64_t secs;
	int micros;
	kdx_value *v;
	/* outside years 1..9999 ISO 8601 has no four-digit form: keep the wire's text */
	if (aws_timestamp_parse(tmp, &secs, &micros) == 0 && secs >= -62135596800LL &&
	    secs <= 253402300799LL) {
		strbuf t = STRBUF_INIT;
		aws_wire_iso8601(&t, secs, 0);
		if (micros) {
			/* the fraction without trailing zeros: .5, .123 */
			sb_truncate(&t, t.len - 1);
			strbuf_addf(&t, ".%06d", micros);
			while (t.buf[t.len - 1] == '0')
				sb_truncate(&t, t.len - 1);
			strbuf_addch(&t, 'Z');
		}
		v = kdx_value_stringn(a, t.buf, t.len);
		strbuf_release(&t);
	} else {
		v = kdx_value_stringn(a, text, n);
	}
	free(tmp);
	return v;
}

kdx_value *aws_scalar_from_text(kdx_arena *a, const aws_shape *s, const char *text, size_t n)
{
	double d;
	switch (s->type) {
	case AWS_T_INTEGER:
	case AWS_T_LONG:
		if (aws_wire_is_number(text, n) && aws_wire_parse_double(text, n, &d))
			return kdx_value_number(a, d);
		return kdx_value_stringn(a, text, n);
	case AWS_T_FLOAT:
	case AWS_T_DOUBLE:
		return aws_wire_parse_double(text, n, &d) ? kdx_value_number(a, d)
							  : kdx_value_stringn(a, text, n);
	case AWS_T_BOOLEAN:
		return kdx_value_bool(a, n == 4 && !strncasecmp(text, "true", 4));
	case AWS_T_TIMESTAMP:
		return aws_timestamp_value(a, text, n);
	default:
		return kdx_value_stringn(a, text, n);
	}
}

/* A list bound to a header: "a, b" split at commas outside double quotes (quotes and
 * their backslash escapes removed); HTTP dates hold a comma themselves, so a list of them
 * splits at every second comma. */
static kdx_value *header_list(kdx_arena *a, const aws_shape *list, const char *h)
{
	aws_shape item = aws_shape_list_member(list);
	const char *fmt = aws_shape_trait(&item, "timestampFormat");
	bool dates = item.type == AWS_T_TIMESTAMP && (!fmt || !strcmp(fmt, "rfc822"));
	kdx_value **items = NULL;
	size_t n = 0, alloc = 0;
	const char *p = h;
	while (*p) {
		strbuf one = STRBUF_INIT;
		int commas = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				strbuf_addch(&one, *p);
			}
			p += *p == '"';
			p += strcspn(p, ",");
		} else {
			for (; *p; p++) {
				if (*p == ',' && !(dates && !commas++))
					break;
				strbuf_addch(&one, *p);
			}
			while (one.len && (one.buf[one.len - 1] == ' ' || one.buf[one.len - 1] == '\t'))
				sb_truncate(&one, one.len - 1);
		}
		XGROW(items, n + 1, alloc);
		items[n++] = aws_scalar_from_text(a, &item, one.buf, one.len);
		strbuf_release(&one);
		if (*p == ',')
			p++;
	}
	kdx_value *v = kdx_value_list(a, n);
	for (size_t i = 0; i < n; i++)
		v->u.list.items[i] = items[i];
	free(items);
	return v;
}

/* A header member: a list split, a jsonvalue (a JSON document, base64) decoded, a
 * scalar typed. NULL when the header is not what the model says (bad base64 or JSON). */
static kdx_value *header_member(kdx_arena *a, const aws_shape *m, const char *h)
{
	if (m->type == AWS_T_LIST)
		return header_list(a, m, h);
	if (aws_shape_flag(m, "jsonvalue")) {
		strbuf raw = STRBUF_INIT, err = STRBUF_INIT;
		kdx_value *v = NULL;
		if (aws_wire_base64_decode(&raw, h, strlen(h)) == 0)
			v = kdx_value_from_json(a, raw.buf, raw.len, &err);
		strbuf_release(&raw);
		strbuf_release(&err);
		return v;
	}
	return aws_scalar_from_text(a, m, h, strlen(h));
}

void aws_rest_parse_headers(const aws_shape *out, const aws_response *resp, aws_vbuild *b)
{
	aws_member_iter it = aws_shape_members(out);
	aws_shape m;
	const char *name;
	while (aws_member_next(&it, &name, &m)) {
		const char *loc = aws_shape_trait(&m, "location");
		if (!loc)
			continue;
		if (!strcmp(loc, "statusCode")) {
			aws_vbuild_add(b, name, kdx_value_number(b->a, (double)resp->status));
		} else if (!strcmp(loc, "header")) {
			const char *h = aws_response_get_header(resp, aws_shape_wire_name(&m, name));
			kdx_value *v = h ? header_member(b->a, &m, h) : NULL;
			if (v)
				aws_vbuild_add(b, name, v);
		} else if (!strcmp(loc, "headers")) {
			const char *prefix = aws_shape_wire_name(&m, "");
			size_t plen = strlen(prefix);
			aws_vbuild sub = { .a = b->a };
			for (size_t k = 0; k < resp->nheaders; k++)
				if (!strncasecmp(resp->headers[k].name, prefix, plen))
					aws_vbuild_add(&sub, resp->headers[k].name + plen,
						       kdx_value_string(b->a, resp->headers[k].value));
			if (sub.n)
				aws_vbuild_add(b, name, aws_vbuild_finish(&sub));
			else
				aws_vbuild_finish(&sub);
		}
	}
}
