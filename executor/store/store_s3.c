/* store_s3: runs in an S3 bucket (docs/executor.md, Stores). Under PREFIX:
 *   runs/RUN_ID/NNNNNNNNNNNN.jsonl   a journal segment: the records synced together, named
 *                                    by the first record's sequence number and written
 *                                    with If-None-Match: * -- two writers can never both
 *                                    write record N; x-amz-meta-kdx-token: the writer's
 *                                    fencing token
 *   locks/NAME.json                  a lease: holder, expiry, fencing token; taken with
 *                                    If-None-Match: * (or If-Match on an expired or released
 *                                    lease, token + 1), renewed with If-Match by a heartbeat
 *   approvals/RUN_ID/STEP/HASH       one approval record per approver (JSON)
 *   reports/RUN_ID/NAME              a document of the run: its evidence report
 *                                    (report.md, report.json), replaced at each run's end
 * Before each segment the writer checks with If-Match that the lease object is still the
 * one it wrote: a runner whose lease was taken over gets PreconditionFailed and stops. */
#include "store_s3.h"
#include "store_aws.h"
#include "store_lease.h"
#include "../../common/digest.h"
#include "../../common/utctime.h"
#include "../../common/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct s3_store {
	kdx_remote_store r;  /* the AWS client, the url, the lease settings */
	char *bucket;
	char *prefix;        /* "" or "p/" */
	char *region;        /* as the URL gave it, or NULL */
} s3_store;

typedef struct s3_run {
	kdx_store_run base;
	uint64_t seq;        /* last record appended */
	uint64_t first;      /* first record in pending */
	strbuf pending;      /* appended, not yet written */
	const kdx_lease *lease;
} s3_run;

/* ---- requests ---- */

/* A request input naming the bucket: {"Bucket":B}, to add to. */
static kdx_json *bucket_input(const s3_store *s)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "Bucket", s->bucket);
	return o;
}

/* A request input: {"Bucket":B,"Key":PREFIX+key}, to add to. */
static kdx_json *input(const s3_store *s, const char *key)
{
	kdx_json *o = bucket_input(s);
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "%s%s", s->prefix, key);
	kdx_json_set_str(o, "Key", k.buf);
	strbuf_release(&k);
	return o;
}

static bool precondition_failed(const aws_error *e)
{
	return e->http_status == 412 || e->http_status == 409 ||
	       (e->code && (!strcmp(e->code, "PreconditionFailed") ||
			    !strcmp(e->code, "ConditionalRequestConflict")));
}

static bool not_found(const aws_error *e)
{
	return e->http_status == 404 ||
	       (e->code && (!strcmp(e->code, "NoSuchKey") || !strcmp(e->code, "NotFound")));
}

/* One call with input in (freed); *e is released first and kept for the caller to classify. */
static int call(s3_store *s, const char *op, kdx_json *in, kdx_arena *a, kdx_value **out,
		aws_error *e, strbuf *err)
{
	return kdx_store_aws_call(&s->r.aws, "s3", op, in, a, out, e, err);
}

/* PutObject KEY with BODY and the given condition header ("IfNoneMatch":"*" or
 * "IfMatch":ETAG); *etag (if not NULL) receives the new ETag. */
static int put(s3_store *s, const char *key, const char *body, const char *cond_name,
	       const char *cond, uint64_t token, char **etag, aws_error *e, strbuf *err)
{
	kdx_json *in = input(s, key);
	kdx_json_set_str(in, "Body", body);
	kdx_json_set_str(in, "ContentType", "application/json");
	if (cond_name)
		kdx_json_set_str(in, cond_name, cond);
	char tok[24];
	snprintf(tok, sizeof(tok), "%" PRIu64, token);
	kdx_json_set_str(kdx_json_set_object(in, "Metadata"), "kdx-token", tok);
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *out = NULL;
	int rc = call(s, "PutObject", in, &a, &out, e, err);
	if (rc == 0 && etag) {
		const char *t = kdx_store_aws_str(out, "ETag");
		free(*etag);
		*etag = xstrdup(t ? t : "");
	}
	kdx_arena_release(&a);
	return rc;
}

/* GetObject KEY: its body into *body and ETag into *etag. -1 with e filled otherwise. */
static int get(s3_store *s, const char *key, strbuf *body, char **etag, aws_error *e,
	       strbuf *err)
{
	kdx_json *in = input(s, key);
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_value *out = NULL;
	int rc = call(s, "GetObject", in, &a, &out, e, err);
	if (rc == 0) {
		const kdx_value *b = kdx_value_get(out, "Body");
		if (b && b->kind == KDX_V_STRING)
			strbuf_add(body, b->u.str.ptr, b->u.str.len);
		if (etag) {
			const char *t = kdx_store_aws_str(out, "ETag");
			free(*etag);
			*etag = xstrdup(t ? t : "");
		}
	}
	kdx_arena_release(&a);
	return rc;
}

/* Every key under PREFIX+sub (one ListObjectsV2 page after another), relative to PREFIX,
 * in S3's (lexicographic) order; with delimiter, the common prefixes instead. */
static int list(s3_store *s, const char *sub, bool delimiter, kdx_names *out, strbuf *err)
{
	char *token = NULL;
	aws_error e;
	aws_error_init(&e);
	int rc = 0;
	size_t plen = strlen(s->prefix);
	do {
		strbuf p = STRBUF_INIT;
		kdx_json *in = bucket_input(s);
		strbuf_addf(&p, "%s%s", s->prefix, sub);
		kdx_json_set_str(in, "Prefix", p.buf);
		if (delimiter)
			kdx_json_set_str(in, "Delimiter", "/");
		kdx_json_set_str(in, "ContinuationToken", token);
		kdx_arena a;
		kdx_arena_init(&a);
		kdx_value *o = NULL;
		rc = call(s, "ListObjectsV2", in, &a, &o, &e, err);
		free(token);
		token = NULL;
		if (rc == 0) {
			const kdx_value *items = kdx_value_get(o, delimiter ? "CommonPrefixes" : "Contents");
			for (size_t i = 0; items && items->kind == KDX_V_LIST && i < items->u.list.n; i++) {
				const char *k = kdx_store_aws_str(items->u.list.items[i],
								  delimiter ? "Prefix" : "Key");
				if (k && strlen(k) >= plen)
					kdx_names_add(out, k + plen);
			}
			const kdx_value *tr = kdx_value_get(o, "IsTruncated");
			const char *next = kdx_store_aws_str(o, "NextContinuationToken");
			if (tr && tr->kind == KDX_V_BOOL && tr->u.b && next)
				token = xstrdup(next);
		}
		kdx_arena_release(&a);
		strbuf_release(&p);
	} while (rc == 0 && token);
	free(token);
	aws_error_release(&e);
	return rc;
}

static int delete_key(s3_store *s, const char *key, strbuf *err)
{
	aws_error e;
	aws_error_init(&e);
	int rc = call(s, "DeleteObject", input(s, key), NULL, NULL, &e, err);
	aws_error_release(&e);
	return rc;
}

/* ---- runs ---- */

static char *seg_key(const char *run_id, uint64_t first)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "runs/%s/%012" PRIu64 ".jsonl", run_id, first);
	return strbuf_detach(&k, NULL);
}

static s3_run *new_run(kdx_store *s, const char *run_id, uint64_t seq)
{
	s3_run *r = xcalloc(1, sizeof(*r));
	r->base.store = s;
	r->base.run_id = xstrdup(run_id);
	r->seq = seq;
	strbuf_init(&r->pending);
	return r;
}

static bool run_exists(s3_store *s, const char *run_id, strbuf *err, int *rc)
{
	kdx_names keys = { 0 };
	strbuf sub = STRBUF_INIT;
	strbuf_addf(&sub, "runs/%s/", run_id);
	*rc = list(s, sub.buf, false, &keys, err);
	bool any = keys.n > 0;
	kdx_names_release(&keys);
	strbuf_release(&sub);
	return any;
}

static int s3_create(kdx_store *base, kdx_run_ident *id, kdx_store_run **out, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	strbuf rid = STRBUF_INIT;
	if (id->run_id) {
		strbuf_addstr(&rid, id->run_id);
	} else {
		char stamp[32];
		kdx_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
		strbuf_addf(&rid, "%s-%s-%ld", id->key ? id->key : "run", stamp, (long)getpid());
	}
	int rc;
	bool exists = run_exists(s, rid.buf, err, &rc);
	if (rc == 0 && exists) {
		strbuf_addf(err, "run '%s' already exists in %s; nothing was written", rid.buf, s->r.url);
		rc = -1;
	}
	if (rc < 0) {
		strbuf_release(&rid);
		return -1;
	}
	/* the first segment, written with If-None-Match, is what makes the run ours alone */
	if (!id->run_id)
		id->run_id = xstrdup(rid.buf);
	*out = &new_run(base, rid.buf, 0)->base;
	strbuf_release(&rid);
	return 0;
}

static int s3_open(kdx_store *base, const char *run_id, const kdx_store_tail *tail,
		   kdx_store_run **out, strbuf *err)
{
	(void)err;
	/* S3 objects are whole or absent: there is never a torn tail to cut */
	*out = &new_run(base, run_id, tail->last_seq)->base;
	return 0;
}

/* Is lease (taken from this store) still the lock's current one? */
static int lease_holds(s3_store *s, const kdx_lease *l, strbuf *err)
{
	kdx_lease_remote *ls = l ? l->impl : NULL;
	if (!ls)
		return 0;
	if (kdx_lease_lost(ls)) {
		strbuf_addf(err, "the lease on '%s' was lost (it expired or was taken over): this "
			    "runner stops writing the run; another runner continues it", l->name);
		return KDX_STORE_CONFLICT;
	}
	aws_error e;
	aws_error_init(&e);
	char *etag = NULL;
	int rc = -1;
	/* the heartbeat may renew (a new ETag) between reading ours and the check: try again
	 * while the ETag moves under us */
	for (int i = 0; i < 3; i++) {
		free(etag);
		etag = kdx_lease_etag(ls);
		kdx_json *in = input(s, ls->key);
		kdx_json_set_str(in, "IfMatch", etag);
		strbuf_reset(err);
		rc = call(s, "HeadObject", in, NULL, NULL, &e, err);
		char *now = kdx_lease_etag(ls);
		bool moved = strcmp(now, etag) != 0;
		free(now);
		if (rc == 0 || !moved)
			break;
	}
	if (rc < 0 && (precondition_failed(&e) || not_found(&e))) {
		strbuf_reset(err);
		strbuf_addf(err, "the lease on '%s' (fencing token %" PRIu64 ") was taken over by "
			    "another runner: this runner stops writing the run", l->name, l->token);
		rc = KDX_STORE_CONFLICT;
	}
	aws_error_release(&e);
	free(etag);
	return rc;
}

/* Does object key hold exactly body? A conditional put retried after its first answer was
 * lost (kdx's client retries 5xx and dropped connections) finds its own object there. */
static bool same_body(s3_store *s, const char *key, const char *body)
{
	strbuf have = STRBUF_INIT, ignored = STRBUF_INIT;
	aws_error e;
	aws_error_init(&e);
	bool same = get(s, key, &have, NULL, &e, &ignored) == 0 && !strcmp(have.buf, body);
	aws_error_release(&e);
	strbuf_release(&have);
	strbuf_release(&ignored);
	return same;
}

static int s3_sync(kdx_store_run *base, strbuf *err)
{
	s3_run *r = (s3_run *)base;
	s3_store *s = (s3_store *)base->store;
	if (!r->pending.len)
		return 0;
	int rc = lease_holds(s, r->lease, err);
	if (rc < 0)
		return rc;
	char *key = seg_key(base->run_id, r->first);
	aws_error e;
	aws_error_init(&e);
	rc = put(s, key, r->pending.buf, "IfNoneMatch", "*", r->lease ? r->lease->token : 0, NULL,
		 &e, err);
	if (rc < 0 && precondition_failed(&e) && same_body(s, key, r->pending.buf)) {
		strbuf_reset(err);
		rc = 0; /* a retry of a put whose answer was lost: the segment is ours */
	} else if (rc < 0 && precondition_failed(&e)) {
		strbuf_reset(err);
		strbuf_addf(err, "record %" PRIu64 " of run '%s' was written by another runner "
			    "(%s%s exists): this runner stops; 'kdx show' the run", r->first,
			    base->run_id, s->prefix, key);
		rc = KDX_STORE_CONFLICT;
	}
	if (rc == 0)
		strbuf_reset(&r->pending);
	aws_error_release(&e);
	free(key);
	return rc;
}

static int s3_append(kdx_store_run *base, const kdx_lease *lease, uint64_t seq, const char *rec,
		     size_t len, bool sync, strbuf *err)
{
	s3_run *r = (s3_run *)base;
	if (seq != r->seq + 1) {
		strbuf_addf(err, "run '%s': record %" PRIu64 " is out of sequence (last %" PRIu64 ")",
			    base->run_id, seq, r->seq);
		return KDX_STORE_CONFLICT;
	}
	r->lease = lease;
	if (!r->pending.len)
		r->first = seq;
	strbuf_add(&r->pending, rec, len);
	r->seq = seq;
	return sync ? s3_sync(base, err) : 0;
}

static void s3_close(kdx_store_run *base)
{
	s3_run *r = (s3_run *)base;
	if (!base->abandon && r->pending.len) {
		strbuf err = STRBUF_INIT;
		s3_sync(base, &err); /* best effort: the run already reported its end */
		strbuf_release(&err);
	}
	strbuf_release(&r->pending);
	free(base->run_id);
	free(r);
}

static int s3_read(kdx_store *base, const char *run_id, size_t max, strbuf *out, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	kdx_names keys = { 0 };
	strbuf sub = STRBUF_INIT;
	strbuf_addf(&sub, "runs/%s/", run_id);
	int rc = list(s, sub.buf, false, &keys, err);
	if (rc == 0 && !keys.n) {
		strbuf_addf(err, "no run '%s' in %s", run_id, s->r.url);
		rc = -1;
	}
	size_t lines = 0;
	aws_error e;
	aws_error_init(&e);
	for (size_t i = 0; rc == 0 && i < keys.n && (!max || lines < max); i++) {
		size_t before = out->len;
		rc = get(s, keys.v[i], out, NULL, &e, err);
		for (size_t k = before; k < out->len; k++)
			lines += out->buf[k] == '\n';
	}
	aws_error_release(&e);
	kdx_names_release(&keys);
	strbuf_release(&sub);
	return rc;
}

static int s3_list(kdx_store *base, const char *key, kdx_names *ids, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	kdx_names dirs = { 0 };
	strbuf sub = STRBUF_INIT;
	strbuf_addf(&sub, *key ? "runs/%s-" : "runs/%s", key); /* "": every run (kdx state list) */
	int rc = list(s, sub.buf, true, &dirs, err);
	for (size_t i = 0; rc == 0 && i < dirs.n; i++) {
		char *id = xstrdup(dirs.v[i] + 5); /* "runs/" */
		size_t n = strlen(id);
		if (n && id[n - 1] == '/')
			id[n - 1] = '\0';
		kdx_names_add(ids, id);
		free(id);
	}
	kdx_names_release(&dirs);
	strbuf_release(&sub);
	return rc;
}

static void s3_describe(kdx_store *base, const char *run_id, strbuf *out)
{
	s3_store *s = (s3_store *)base;
	strbuf_addf(out, "s3://%s/%sruns/%s/", s->bucket, s->prefix, run_id);
}

/* ---- leases ---- */

/* The lease object now, or *found false. */
static int read_lease(s3_store *s, const char *key, kdx_lease_doc *doc, char **etag,
		      bool *found, strbuf *err)
{
	strbuf body = STRBUF_INIT;
	aws_error e;
	aws_error_init(&e);
	int rc = get(s, key, &body, etag, &e, err);
	*found = rc == 0;
	if (rc < 0 && not_found(&e)) {
		strbuf_reset(err);
		rc = 0;
	} else if (rc == 0 && kdx_lease_doc_parse(doc, body.buf, body.len, err) < 0) {
		strbuf_addf(err, " (lease object s3://%s/%s%s)", s->bucket, s->prefix, key);
		rc = -1;
	}
	aws_error_release(&e);
	strbuf_release(&body);
	return rc;
}

static int write_lease(s3_store *s, kdx_lease_remote *ls, const kdx_lease_doc *doc, bool create,
		       const char *etag, aws_error *e, strbuf *err)
{
	strbuf body = STRBUF_INIT;
	kdx_lease_doc_format(&body, doc);
	char *newtag = NULL;
	int rc = put(s, ls->key, body.buf, create ? "IfNoneMatch" : "IfMatch",
		     create ? "*" : etag, doc->token, &newtag, e, err);
	if (rc < 0 && precondition_failed(e)) {
		/* our own write, retried after its answer was lost? (the document names this
		 * process and its expiry to the millisecond: nobody else writes these bytes) */
		strbuf have = STRBUF_INIT, ignored = STRBUF_INIT;
		aws_error ge;
		aws_error_init(&ge);
		if (get(s, ls->key, &have, &newtag, &ge, &ignored) == 0 && !strcmp(have.buf, body.buf)) {
			rc = 0;
			strbuf_reset(err);
		}
		aws_error_release(&ge);
		strbuf_release(&have);
		strbuf_release(&ignored);
	}
	if (rc == 0)
		kdx_lease_set_etag(ls, newtag);
	free(newtag);
	strbuf_release(&body);
	return rc;
}

static int s3_lease_write(void *ctx, kdx_lease_remote *ls, const kdx_lease_doc *doc, bool create,
			  const char *etag, bool *conflict, strbuf *err)
{
	aws_error e;
	aws_error_init(&e);
	int rc = write_lease(ctx, ls, doc, create, etag, &e, err);
	*conflict = rc < 0 && precondition_failed(&e);
	aws_error_release(&e);
	return rc;
}

static int s3_lease_read(void *ctx, kdx_lease_remote *ls, kdx_lease_doc *doc, char **etag,
			 bool *found, strbuf *err)
{
	return read_lease(ctx, ls->key, doc, etag, found, err);
}

static void *s3_clone(void *ctx)
{
	s3_store *s = ctx;
	kdx_store_url u = { .kind = KDX_STORE_S3, .bucket = s->bucket, .prefix = s->prefix,
			    .region = s->region };
	kdx_store *c = NULL;
	strbuf err = STRBUF_INIT;
	kdx_store_open_s3(&u, &c, &err);
	strbuf_release(&err);
	return c;
}

static void s3_free_clone(void *ctx)
{
	kdx_store_free(ctx);
}

static const kdx_lease_backend s3_lease_be = { s3_lease_read, s3_lease_write, s3_clone,
					       s3_free_clone };

/* ---- approvals ---- */

static int s3_approval_put(kdx_store *base, const char *run_id, const char *step,
			   const char *by, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	if (!kdx_store_plain_name(step)) {
		strbuf_addf(err, "'%s' is not a step name", step);
		return -1;
	}
	unsigned char d[KDX_SHA256_LEN];
	char hex[2 * KDX_SHA256_LEN + 1];
	kdx_sha256(by, strlen(by), d);
	kdx_hex(d, sizeof(d), hex);
	strbuf key = STRBUF_INIT, body = STRBUF_INIT;
	strbuf_addf(&key, "approvals/%s/%s/%.16s", run_id, step, hex);
	strbuf_addstr(&body, by);
	aws_error e;
	aws_error_init(&e);
	/* idempotent: the same approver's record is the same object */
	int rc = put(s, key.buf, body.buf, NULL, NULL, 0, NULL, &e, err);
	aws_error_release(&e);
	strbuf_release(&key);
	strbuf_release(&body);
	return rc;
}

static int s3_approval_list(kdx_store *base, const char *run_id, kdx_names *out, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	kdx_names keys = { 0 };
	strbuf sub = STRBUF_INIT;
	strbuf_addf(&sub, "approvals/%s/", run_id);
	int rc = list(s, sub.buf, false, &keys, err);
	aws_error e;
	aws_error_init(&e);
	for (size_t i = 0; rc == 0 && i < keys.n; i++) {
		const char *step = keys.v[i] + sub.len;
		const char *slash = strchr(step, '/');
		if (!slash)
			continue;
		strbuf item = STRBUF_INIT;
		strbuf_add(&item, step, (size_t)(slash - step));
		strbuf_addch(&item, '\t');
		rc = get(s, keys.v[i], &item, NULL, &e, err);
		if (rc == 0)
			kdx_names_add(out, item.buf);
		strbuf_release(&item);
	}
	aws_error_release(&e);
	kdx_names_release(&keys);
	strbuf_release(&sub);
	return rc;
}

/* ---- documents ---- */

static char *doc_key(const char *run_id, const char *name)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "reports/%s/%s", run_id, name);
	return strbuf_detach(&k, NULL);
}

static int s3_doc_put(kdx_store *base, const char *run_id, const char *name, const char *body,
		      size_t len, strbuf *err)
{
	char *key = doc_key(run_id, name);
	char *text = xstrndup(body, len);
	aws_error e;
	aws_error_init(&e);
	int rc = put((s3_store *)base, key, text, NULL, NULL, 0, NULL, &e, err);
	aws_error_release(&e);
	free(text);
	free(key);
	return rc;
}

static int s3_doc_get(kdx_store *base, const char *run_id, const char *name, strbuf *out,
		      strbuf *err)
{
	char *key = doc_key(run_id, name);
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	int rc = get((s3_store *)base, key, out, NULL, &e, &why);
	if (rc < 0 && not_found(&e))
		rc = 1;
	else if (rc < 0)
		strbuf_addstr(err, why.buf);
	aws_error_release(&e);
	strbuf_release(&why);
	free(key);
	return rc;
}

static void s3_free(kdx_store *base)
{
	s3_store *s = (s3_store *)base;
	kdx_remote_store_release(&s->r);
	free(s->bucket);
	free(s->prefix);
	free(s->region);
	free(s);
}

static const kdx_store_ops s3_ops = {
	.scheme = "s3",
	.create = s3_create,
	.open = s3_open,
	.append = s3_append,
	.sync = s3_sync,
	.close = s3_close,
	.read = s3_read,
	.list = s3_list,
	.describe = s3_describe,
	KDX_REMOTE_LOCK_OPS,
	.approval_put = s3_approval_put,
	.approval_list = s3_approval_list,
	.doc_put = s3_doc_put,
	.doc_get = s3_doc_get,
	.free = s3_free,
};

int kdx_store_open_s3(const kdx_store_url *u, kdx_store **out, strbuf *err)
{
	s3_store *s = xcalloc(1, sizeof(*s));
	if (kdx_remote_store_init(&s->r, &s3_ops, &s3_lease_be, "locks/", ".json", u->region, err) < 0) {
		free(s);
		return -1;
	}
	s->bucket = xstrdup(u->bucket);
	s->prefix = xstrdup(u->prefix ? u->prefix : "");
	s->region = u->region ? xstrdup(u->region) : NULL;
	strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "s3://%s/%s", s->bucket, s->prefix);
	s->r.url = strbuf_detach(&url, NULL);
	*out = &s->r.base;
	return 0;
}

int kdx_store_s3_delete_run(kdx_store *base, const char *run_id, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	kdx_names keys = { 0 };
	strbuf sub = STRBUF_INIT;
	int rc = 0;
	const char *dirs[] = { "runs", "approvals", "reports" };
	for (size_t d = 0; rc == 0 && d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		strbuf_reset(&sub);
		strbuf_addf(&sub, "%s/%s/", dirs[d], run_id);
		rc = list(s, sub.buf, false, &keys, err);
	}
	for (size_t i = 0; rc == 0 && i < keys.n; i++)
		rc = delete_key(s, keys.v[i], err);
	kdx_names_release(&keys);
	strbuf_release(&sub);
	return rc;
}

long kdx_store_s3_requests(const kdx_store *base)
{
	return ((const s3_store *)base)->r.aws.requests;
}

/* A request on the bucket: in is bucket_input(s) and what the operation adds, or NULL for
 * the bucket alone. */
static int bucket_call(s3_store *s, const char *op, kdx_json *in, aws_error *e, strbuf *err)
{
	return call(s, op, in ? in : bucket_input(s), NULL, NULL, e, err);
}

int kdx_store_s3_probe(kdx_store *base, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	int rc = bucket_call(s, "HeadBucket", NULL, &e, &why);
	if (rc == 0) {
		char probe[64];
		snprintf(probe, sizeof(probe), "probe/%ld", (long)getpid());
		rc = put(s, probe, "{}", NULL, NULL, 0, NULL, &e, &why);
		if (rc == 0)
			rc = delete_key(s, probe, &why);
	}
	if (rc < 0) {
		strbuf_addf(err, "the run store %s cannot be used: %s; ", s->r.url, why.buf);
		if (not_found(&e))
			strbuf_addstr(err, "create it with 'kdx state init'");
		else if (e.http_status == 403)
			strbuf_addf(err, "the caller (%s) needs s3:GetObject, s3:PutObject, "
				    "s3:DeleteObject and s3:ListBucket on it", kdx_store_aws_identity(&s->r.aws));
		else
			strbuf_addstr(err, "check the bucket's name and region");
		strbuf_addstr(err, "; nothing was changed");
	}
	aws_error_release(&e);
	strbuf_release(&why);
	return rc;
}

/* PutBucketEncryption's input: SSE-S3 (AES256) by default */
static kdx_json *sse_input(const s3_store *s)
{
	kdx_json *in = bucket_input(s), *rule = kdx_json_object();
	kdx_json *cfg = kdx_json_set_object(in, "ServerSideEncryptionConfiguration");
	kdx_json_push(kdx_json_set_array(cfg, "Rules"), rule);
	kdx_json_set_str(kdx_json_set_object(rule, "ApplyServerSideEncryptionByDefault"),
			 "SSEAlgorithm", "AES256");
	return in;
}

int kdx_store_s3_init(kdx_store *base, strbuf *out, strbuf *err)
{
	s3_store *s = (s3_store *)base;
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	if (bucket_call(s, "HeadBucket", NULL, &e, &why) == 0) {
		strbuf_addf(out, "bucket '%s' exists", s->bucket);
	} else if (not_found(&e)) {
		strbuf_reset(&why);
		kdx_json *in = bucket_input(s);
		/* us-east-1 takes no location constraint; every other region needs one */
		if (strcmp(s->r.aws.region, "us-east-1"))
			kdx_json_set_str(kdx_json_set_object(in, "CreateBucketConfiguration"),
					 "LocationConstraint", s->r.aws.region);
		int rc = bucket_call(s, "CreateBucket", in, &e, &why);
		if (rc < 0) {
			strbuf_addf(err, "cannot create bucket '%s': %s", s->bucket, why.buf);
			goto fail;
		}
		strbuf_addf(out, "created bucket '%s' in %s", s->bucket, s->r.aws.region);
	} else {
		strbuf_addf(err, "cannot reach bucket '%s': %s", s->bucket, why.buf);
		goto fail;
	}
	strbuf_reset(&why);
	/* versioning keeps every segment and lease ever written; SSE-S3 encrypts at rest */
	kdx_json *ver = bucket_input(s);
	kdx_json_set_str(kdx_json_set_object(ver, "VersioningConfiguration"), "Status", "Enabled");
	if (bucket_call(s, "PutBucketVersioning", ver, &e, &why) < 0 ||
	    bucket_call(s, "PutBucketEncryption", sse_input(s), &e, &why) < 0) {
		strbuf_addf(err, "bucket '%s': %s", s->bucket, why.buf);
		goto fail;
	}
	strbuf_addstr(out, ", versioned, encrypted (SSE-S3)");
	aws_error_release(&e);
	strbuf_release(&why);
	return 0;
fail:
	aws_error_release(&e);
	strbuf_release(&why);
	return -1;
}
