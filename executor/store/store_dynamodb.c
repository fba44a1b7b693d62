/* store_dynamodb: runs in a DynamoDB table (docs/executor.md, Stores). Key: pk (S), sk (N).
 *   pk "run#RUN_ID",      sk N        journal record N: rec (the line), token (the writer's
 *                                     fencing token); put with attribute_not_exists(pk), so
 *                                     two writers can never both write record N
 *   pk "lock#NAME",       sk 0        a lease: doc (the lease JSON), ver (its version, what
 *                                     a write is conditioned on), token, released
 *   pk "approval#RUN_ID", sk H        one approval per step and approver (H: a hash of both)
 *   pk "report#RUN_ID",   sk H        a document of the run (its evidence report): name,
 *                                     body; H: a hash of the name; replaced at each end
 * A sync writes its pending records in one TransactWriteItems that also checks the lease
 * item still carries the writer's token and is not released: a runner whose lease was
 * taken over or broken cannot write again, and there is no window between check and write
 * (S3 has one; DynamoDB does not). Reads are strongly consistent. */
#include "store_dynamodb.h"
#include "store_aws.h"
#include "store_lease.h"
#include "../../common/digest.h"
#include "../../common/json.h"
#include "../../common/utctime.h"
#include "../../common/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* DynamoDB takes up to 100 actions per transaction; 25 keeps every item of a sync within
 * the older limit too (and the 4 MB transaction size with records of up to 160 KB). */
#define DDB_TXN_MAX 25

typedef struct ddb_store {
	kdx_remote_store r;  /* the AWS client, the url, the lease settings */
	char *table;
	char *region;        /* as the URL gave it, or NULL */
} ddb_store;

typedef struct ddb_run {
	kdx_store_run base;
	uint64_t seq;        /* last record appended */
	uint64_t first;      /* first record in pending */
	strbuf pending;      /* appended, not yet written: whole lines */
	const kdx_lease *lease;
} ddb_run;

/* ---- requests ---- */

/* o[name] = {"S": v} / {"N": "n"}: DynamoDB's typed attribute values. */
static void av_s(kdx_json *o, const char *name, const char *v)
{
	kdx_json_set_str(kdx_json_set_object(o, name), "S", v);
}

static void av_n(kdx_json *o, const char *name, uint64_t n)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, n);
	kdx_json_set_str(kdx_json_set_object(o, name), "N", buf);
}

/* {"TableName": T, "Key": {pk, sk}} (Key left out when pk is NULL). */
static kdx_json *request(const ddb_store *s, const char *pk, uint64_t sk)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "TableName", s->table);
	if (pk) {
		kdx_json *k = kdx_json_set_object(o, "Key");
		av_s(k, "pk", pk);
		av_n(k, "sk", sk);
	}
	return o;
}

/* A Query or Scan's next page starts after the previous answer's LastEvaluatedKey (NULL:
 * the first page). */
static void page_from(kdx_json *o, const kdx_value *start)
{
	if (start)
		kdx_json_set(o, "ExclusiveStartKey", kdx_value_json(start));
}

/* A string attribute of an item ({"S": ...}), or NULL. */
static const char *item_s(const kdx_value *item, const char *name)
{
	return kdx_store_aws_str(kdx_value_get(item, name), "S");
}

static uint64_t item_n(const kdx_value *item, const char *name)
{
	const char *n = kdx_store_aws_str(kdx_value_get(item, name), "N");
	return n ? strtoull(n, NULL, 10) : 0;
}

static bool code_is(const aws_error *e, const char *code)
{
	return e->code && !strcmp(e->code, code);
}

static bool no_table(const aws_error *e)
{
	return code_is(e, "ResourceNotFoundException");
}

/* One call with input o (freed); *e is released first and kept for the caller. */
static int call(ddb_store *s, const char *op, kdx_json *o, kdx_arena *a, kdx_value **out,
		aws_error *e, strbuf *err)
{
	int rc = kdx_store_aws_call(&s->r.aws, "dynamodb", op, o, a, out, e, err);
	if (rc < 0 && no_table(e))
		strbuf_addf(err, "; create the table with 'kdx state init -state %s'", s->r.url);
	return rc;
}

/* GetItem (strongly consistent): *item NULL when absent. */
static int get_item(ddb_store *s, const char *pk, uint64_t sk, kdx_arena *a,
		    const kdx_value **item, strbuf *err)
{
	kdx_json *o = request(s, pk, sk);
	kdx_json_set_bool(o, "ConsistentRead", true);
	kdx_value *out = NULL;
	aws_error e;
	aws_error_init(&e);
	int rc = call(s, "GetItem", o, a, &out, &e, err);
	aws_error_release(&e);
	const kdx_value *it = rc == 0 ? kdx_value_get(out, "Item") : NULL;
	*item = it && it->kind == KDX_V_MAP ? it : NULL;
	return rc;
}

/* Every item of partition pk, in sk order (Query, page after page): each item goes to fn
 * until it returns false. */
static int query(ddb_store *s, const char *pk, bool (*fn)(void *ud, const kdx_value *item),
		 void *ud, strbuf *err)
{
	kdx_arena a;
	kdx_arena_init(&a);
	const kdx_value *start = NULL;
	aws_error e;
	aws_error_init(&e);
	int rc = 0;
	bool more = true;
	do {
		kdx_json *o = request(s, NULL, 0);
		kdx_json_set_str(o, "KeyConditionExpression", "pk = :p");
		av_s(kdx_json_set_object(o, "ExpressionAttributeValues"), ":p", pk);
		kdx_json_set_bool(o, "ConsistentRead", true);
		page_from(o, start);
		kdx_value *out = NULL;
		rc = call(s, "Query", o, &a, &out, &e, err);
		const kdx_value *items = rc == 0 ? kdx_value_get(out, "Items") : NULL;
		for (size_t i = 0; more && items && items->kind == KDX_V_LIST && i < items->u.list.n; i++)
			more = fn(ud, items->u.list.items[i]);
		start = rc == 0 ? kdx_value_get(out, "LastEvaluatedKey") : NULL;
		if (start && start->kind != KDX_V_MAP)
			start = NULL;
	} while (rc == 0 && more && start);
	aws_error_release(&e);
	kdx_arena_release(&a);
	return rc;
}

/* The fields of a TransactionCanceledException: which action's condition failed. */
static const char *cancel_reason(const aws_error *e, size_t i, strbuf *buf)
{
	strbuf_reset(buf);
	if (!e->fields)
		return NULL;
	strbuf ignored = STRBUF_INIT;
	kdx_json *f = kdx_json_parse(e->fields, strlen(e->fields), &ignored);
	strbuf_release(&ignored);
	const kdx_json *rs = kdx_json_get(f, "CancellationReasons");
	if (kdx_json_is_array(rs) && i < kdx_json_len(rs)) {
		const char *c = kdx_json_str(kdx_json_at(rs, i), "Code");
		if (c)
			strbuf_addstr(buf, c);
	}
	kdx_json_free(f);
	return buf->len ? buf->buf : NULL;
}

/* ---- runs ---- */

static char *run_pk(const char *run_id)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "run#%s", run_id);
	return strbuf_detach(&k, NULL);
}

static ddb_run *new_run(kdx_store *s, const char *run_id, uint64_t seq)
{
	ddb_run *r = xcalloc(1, sizeof(*r));
	r->base.store = s;
	r->base.run_id = xstrdup(run_id);
	r->seq = seq;
	strbuf_init(&r->pending);
	return r;
}

static int ddb_create(kdx_store *base, kdx_run_ident *id, kdx_store_run **out, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	strbuf rid = STRBUF_INIT;
	if (id->run_id) {
		strbuf_addstr(&rid, id->run_id);
	} else {
		char stamp[32];
		kdx_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
		strbuf_addf(&rid, "%s-%s-%ld", id->key ? id->key : "run", stamp, (long)getpid());
	}
	char *pk = run_pk(rid.buf);
	kdx_arena a;
	kdx_arena_init(&a);
	const kdx_value *first = NULL;
	int rc = get_item(s, pk, 1, &a, &first, err);
	if (rc == 0 && first) {
		strbuf_addf(err, "run '%s' already exists in %s; nothing was written", rid.buf, s->r.url);
		rc = -1;
	}
	kdx_arena_release(&a);
	free(pk);
	if (rc == 0) {
		/* record 1, put with attribute_not_exists, is what makes the run ours alone */
		if (!id->run_id)
			id->run_id = xstrdup(rid.buf);
		*out = &new_run(base, rid.buf, 0)->base;
	}
	strbuf_release(&rid);
	return rc;
}

static int ddb_open(kdx_store *base, const char *run_id, const kdx_store_tail *tail,
		    kdx_store_run **out, strbuf *err)
{
	(void)err;
	/* items are whole or absent: there is never a torn tail to cut */
	*out = &new_run(base, run_id, tail->last_seq)->base;
	return 0;
}

/* The transaction's first action: the lease item still carries the writer's token and was
 * not released (taken over: the token moved on; broken: released). */
static void lease_check(kdx_json *items, const ddb_store *s, const kdx_lease *l)
{
	kdx_json *act = kdx_json_object();
	char *pk = kdx_remote_lock_key(&s->r, l->name);
	kdx_json *cc = request(s, pk, 0);
	free(pk);
	kdx_json_set_str(cc, "ConditionExpression", "#t = :t AND #r = :f");
	kdx_json *names = kdx_json_set_object(cc, "ExpressionAttributeNames");
	kdx_json_set_str(names, "#t", "token");
	kdx_json_set_str(names, "#r", "released");
	kdx_json *vals = kdx_json_set_object(cc, "ExpressionAttributeValues");
	av_n(vals, ":t", l->token);
	kdx_json_set_bool(kdx_json_set_object(vals, ":f"), "BOOL", false);
	kdx_json_set(act, "ConditionCheck", cc);
	kdx_json_push(items, act);
}

/* Was record seq written by this writer already (a retried request whose first answer was
 * lost)? Then the transaction it belonged to succeeded. */
static bool already_mine(ddb_store *s, const char *pk, uint64_t seq, const char *rec, size_t len,
			 uint64_t token)
{
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf err = STRBUF_INIT;
	const kdx_value *it = NULL;
	bool mine = false;
	if (get_item(s, pk, seq, &a, &it, &err) == 0 && it) {
		const char *have = item_s(it, "rec");
		mine = have && strlen(have) == len && !memcmp(have, rec, len) &&
		       item_n(it, "token") == token;
	}
	strbuf_release(&err);
	kdx_arena_release(&a);
	return mine;
}

/* Write records first.. (n lines starting at p) in one transaction. */
static int write_batch(ddb_store *s, ddb_run *r, uint64_t first, const char *p, size_t n,
		       strbuf *err)
{
	const kdx_lease *l = r->lease && r->lease->impl ? r->lease : NULL;
	uint64_t token = l ? l->token : 0;
	char *pk = run_pk(r->base.run_id);
	kdx_json *o = kdx_json_object();
	kdx_json *items = kdx_json_set_array(o, "TransactItems");
	if (l)
		lease_check(items, s, l);
	const char *first_rec = p;
	size_t first_len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (!i)
			first_len = len;
		kdx_json *put = kdx_json_object();
		kdx_json *pi = request(s, NULL, 0);
		kdx_json *item = kdx_json_set_object(pi, "Item");
		av_s(item, "pk", pk);
		av_n(item, "sk", first + i);
		char *rec = xstrndup(p, len);
		av_s(item, "rec", rec);
		free(rec);
		av_n(item, "token", token);
		kdx_json_set_str(pi, "ConditionExpression", "attribute_not_exists(pk)");
		kdx_json_set(put, "Put", pi);
		kdx_json_push(items, put);
		p += len;
	}
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT, reason = STRBUF_INIT;
	int rc = call(s, "TransactWriteItems", o, NULL, NULL, &e, &why);
	if (rc < 0 && code_is(&e, "TransactionCanceledException")) {
		const char *lr = l ? cancel_reason(&e, 0, &reason) : NULL;
		if (lr && !strcmp(lr, "ConditionalCheckFailed")) {
			strbuf_addf(err, "the lease on '%s' (fencing token %" PRIu64 ") was taken over "
				    "by another runner or broken: this runner stops writing the run",
				    l->name, l->token);
			rc = KDX_STORE_CONFLICT;
		} else if (already_mine(s, pk, first, first_rec, first_len, token)) {
			rc = 0; /* a retry of a transaction that had succeeded */
		} else {
			strbuf_addf(err, "record %" PRIu64 " of run '%s' was written by another runner "
				    "(item pk=%s sk=%" PRIu64 " exists in table '%s'): this runner stops; "
				    "'kdx show' the run", first, r->base.run_id, pk, first, s->table);
			rc = KDX_STORE_CONFLICT;
		}
	} else if (rc < 0) {
		strbuf_addstr(err, why.buf);
	}
	aws_error_release(&e);
	strbuf_release(&why);
	strbuf_release(&reason);
	free(pk);
	return rc;
}

static int ddb_sync(kdx_store_run *base, strbuf *err)
{
	ddb_run *r = (ddb_run *)base;
	ddb_store *s = (ddb_store *)base->store;
	if (!r->pending.len)
		return 0;
	kdx_lease_remote *ls = r->lease ? r->lease->impl : NULL;
	if (ls && kdx_lease_lost(ls)) {
		strbuf_addf(err, "the lease on '%s' was lost (it expired or was taken over): this "
			    "runner stops writing the run; another runner continues it", r->lease->name);
		return KDX_STORE_CONFLICT;
	}
	const char *p = r->pending.buf;
	size_t done = 0;
	int rc = 0;
	while (rc == 0 && p < r->pending.buf + r->pending.len) {
		size_t n = 0;
		const char *q = p;
		while (n < DDB_TXN_MAX - 1 && q < r->pending.buf + r->pending.len) {
			const char *nl = strchr(q, '\n');
			q = nl ? nl + 1 : r->pending.buf + r->pending.len;
			n++;
		}
		rc = write_batch(s, r, r->first + done, p, n, err);
		if (rc == 0) {
			done += n;
			p = q;
		}
	}
	/* keep what was not written, so a later sync does not write a record twice */
	size_t left = (size_t)(r->pending.buf + r->pending.len - p);
	memmove(r->pending.buf, p, left);
	r->pending.len = left;
	r->pending.buf[left] = '\0';
	r->first += done;
	return rc;
}

static int ddb_append(kdx_store_run *base, const kdx_lease *lease, uint64_t seq, const char *rec,
		      size_t len, bool sync, strbuf *err)
{
	ddb_run *r = (ddb_run *)base;
	if (seq != r->seq + 1) {
		strbuf_addf(err, "run '%s': record %" PRIu64 " is out of sequence (last %" PRIu64 ")",
			    base->run_id, seq, r->seq);
		return KDX_STORE_CONFLICT;
	}
	if (!len || rec[len - 1] != '\n' || memchr(rec, '\n', len - 1) || memchr(rec, '\0', len)) {
		strbuf_addf(err, "run '%s': record %" PRIu64 " is not one line", base->run_id, seq);
		return -1;
	}
	r->lease = lease;
	if (!r->pending.len)
		r->first = seq;
	strbuf_add(&r->pending, rec, len);
	r->seq = seq;
	return sync ? ddb_sync(base, err) : 0;
}

static void ddb_close(kdx_store_run *base)
{
	ddb_run *r = (ddb_run *)base;
	if (!base->abandon && r->pending.len) {
		strbuf err = STRBUF_INIT;
		ddb_sync(base, &err); /* best effort: the run already reported its end */
		strbuf_release(&err);
	}
	strbuf_release(&r->pending);
	free(base->run_id);
	free(r);
}

typedef struct read_ctx {
	strbuf *out;
	size_t max, lines;
	uint64_t next; /* the sequence number expected */
} read_ctx;

static bool read_one(void *ud, const kdx_value *item)
{
	read_ctx *c = ud;
	const char *rec = item_s(item, "rec");
	/* a gap stops the stream: the journal reader reports a run that ends early */
	if (!rec || item_n(item, "sk") != c->next)
		return false;
	strbuf_addstr(c->out, rec);
	c->next++;
	return !c->max || ++c->lines < c->max;
}

static int ddb_read(kdx_store *base, const char *run_id, size_t max, strbuf *out, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	char *pk = run_pk(run_id);
	read_ctx c = { out, max, 0, 1 };
	size_t before = out->len;
	int rc = query(s, pk, read_one, &c, err);
	if (rc == 0 && out->len == before) {
		strbuf_addf(err, "no run '%s' in %s", run_id, s->r.url);
		rc = -1;
	}
	free(pk);
	return rc;
}

/* Scan the table for the first records of runs whose id starts with key (page after page;
 * a run store holds few runs, and list is not on any run's path). */
static int ddb_list(kdx_store *base, const char *key, kdx_names *ids, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf prefix = STRBUF_INIT;
	strbuf_addf(&prefix, *key ? "run#%s-" : "run#%s", key); /* "": every run */
	const kdx_value *start = NULL;
	aws_error e;
	aws_error_init(&e);
	int rc;
	do {
		kdx_json *o = request(s, NULL, 0);
		kdx_json_set_str(o, "FilterExpression", "begins_with(pk, :p) AND sk = :one");
		kdx_json *vals = kdx_json_set_object(o, "ExpressionAttributeValues");
		av_s(vals, ":p", prefix.buf);
		av_n(vals, ":one", 1);
		kdx_json_set_str(o, "ProjectionExpression", "pk");
		kdx_json_set_bool(o, "ConsistentRead", true);
		page_from(o, start);
		kdx_value *out = NULL;
		rc = call(s, "Scan", o, &a, &out, &e, err);
		const kdx_value *items = rc == 0 ? kdx_value_get(out, "Items") : NULL;
		for (size_t i = 0; items && items->kind == KDX_V_LIST && i < items->u.list.n; i++) {
			const char *pk = item_s(items->u.list.items[i], "pk");
			if (pk && !strncmp(pk, "run#", 4))
				kdx_names_add(ids, pk + 4);
		}
		start = rc == 0 ? kdx_value_get(out, "LastEvaluatedKey") : NULL;
		if (start && start->kind != KDX_V_MAP)
			start = NULL;
	} while (rc == 0 && start);
	aws_error_release(&e);
	strbuf_release(&prefix);
	kdx_arena_release(&a);
	return rc;
}

static void ddb_describe(kdx_store *base, const char *run_id, strbuf *out)
{
	ddb_store *s = (ddb_store *)base;
	strbuf_addf(out, "dynamodb://%s (pk run#%s)", s->table, run_id);
}

/* ---- leases ---- */

/* A version no other write of this lease item can have: what the next write is
 * conditioned on (the lease's ETag). */
static char *new_version(void)
{
	static unsigned counter;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char buf[64];
	snprintf(buf, sizeof(buf), "%lld.%09ld-%ld-%u", (long long)ts.tv_sec, ts.tv_nsec,
		 (long)getpid(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	return xstrdup(buf);
}

static int ddb_lease_read(void *ctx, kdx_lease_remote *ls, kdx_lease_doc *doc, char **etag,
			  bool *found, strbuf *err)
{
	ddb_store *s = ctx;
	kdx_arena a;
	kdx_arena_init(&a);
	const kdx_value *it = NULL;
	int rc = get_item(s, ls->key, 0, &a, &it, err);
	*found = rc == 0 && it;
	if (*found) {
		const char *d = item_s(it, "doc"), *v = item_s(it, "ver");
		if (!d || kdx_lease_doc_parse(doc, d, strlen(d), err) < 0) {
			strbuf_addf(err, "%s(lease item pk=%s in table '%s')", d ? " " : "the lease item "
				    "has no document ", ls->key, s->table);
			rc = -1;
		}
		free(*etag);
		*etag = xstrdup(v ? v : "");
	}
	kdx_arena_release(&a);
	return rc;
}

static int ddb_lease_write(void *ctx, kdx_lease_remote *ls, const kdx_lease_doc *doc, bool create,
			   const char *etag, bool *conflict, strbuf *err)
{
	ddb_store *s = ctx;
	char *ver = new_version();
	strbuf body = STRBUF_INIT;
	kdx_lease_doc_format(&body, doc);
	kdx_json *o = request(s, NULL, 0);
	kdx_json *item = kdx_json_set_object(o, "Item");
	av_s(item, "pk", ls->key);
	av_n(item, "sk", 0);
	av_s(item, "doc", body.buf);
	av_s(item, "ver", ver);
	av_n(item, "token", doc->token);
	kdx_json_set_bool(kdx_json_set_object(item, "released"), "BOOL", doc->released);
	av_n(item, "expires_ms", (uint64_t)doc->expires_ms);
	if (create) {
		kdx_json_set_str(o, "ConditionExpression", "attribute_not_exists(pk)");
	} else {
		kdx_json_set_str(o, "ConditionExpression", "ver = :v");
		av_s(kdx_json_set_object(o, "ExpressionAttributeValues"), ":v", etag ? etag : "");
	}
	aws_error e;
	aws_error_init(&e);
	int rc = call(s, "PutItem", o, NULL, NULL, &e, err);
	*conflict = rc < 0 && code_is(&e, "ConditionalCheckFailedException");
	if (*conflict) {
		/* a retried put whose first answer was lost finds its own version */
		kdx_lease_doc now = { 0 };
		char *have = NULL;
		bool found = false;
		strbuf ignored = STRBUF_INIT;
		if (ddb_lease_read(s, ls, &now, &have, &found, &ignored) == 0 && found &&
		    !strcmp(have, ver)) {
			rc = 0;
			*conflict = false;
			strbuf_reset(err);
		}
		strbuf_release(&ignored);
		kdx_lease_doc_release(&now);
		free(have);
	}
	if (rc == 0)
		kdx_lease_set_etag(ls, ver);
	aws_error_release(&e);
	strbuf_release(&body);
	free(ver);
	return rc;
}

static kdx_store *clone_store(const ddb_store *s)
{
	kdx_store_url u = { .kind = KDX_STORE_DYNAMODB, .table = s->table, .region = s->region };
	kdx_store *c = NULL;
	strbuf err = STRBUF_INIT;
	kdx_store_open_dynamodb(&u, &c, &err);
	strbuf_release(&err);
	return c;
}

static void *ddb_clone(void *ctx)
{
	return clone_store(ctx);
}

static void ddb_free_clone(void *ctx)
{
	kdx_store_free(ctx);
}

static const kdx_lease_backend ddb_lease_be = { ddb_lease_read, ddb_lease_write, ddb_clone,
						ddb_free_clone };

/* ---- approvals ---- */

static char *approval_pk(const char *run_id)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "approval#%s", run_id);
	return strbuf_detach(&k, NULL);
}

/* A sort key from a name: 56 bits of its SHA-256 (exact in DynamoDB's numbers). */
static uint64_t hash56(const char *s, size_t len)
{
	unsigned char d[KDX_SHA256_LEN];
	kdx_sha256(s, len, d);
	uint64_t h = 0;
	for (size_t i = 0; i < 7; i++)
		h = h << 8 | d[i];
	return h;
}

static int ddb_approval_put(kdx_store *base, const char *run_id, const char *step,
			    const char *by, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	if (!kdx_store_plain_name(step)) {
		strbuf_addf(err, "'%s' is not a step name", step);
		return -1;
	}
	/* idempotent: the same step and approver are the same item */
	strbuf what = STRBUF_INIT;
	strbuf_addf(&what, "%s\t%s", step, by);
	uint64_t h = hash56(what.buf, what.len);
	char *pk = approval_pk(run_id);
	kdx_json *o = request(s, NULL, 0);
	kdx_json *item = kdx_json_set_object(o, "Item");
	av_s(item, "pk", pk);
	av_n(item, "sk", h);
	av_s(item, "step", step);
	av_s(item, "by", by);
	aws_error e;
	aws_error_init(&e);
	int rc = call(s, "PutItem", o, NULL, NULL, &e, err);
	aws_error_release(&e);
	free(pk);
	strbuf_release(&what);
	return rc;
}

static bool approval_one(void *ud, const kdx_value *item)
{
	const char *step = item_s(item, "step"), *by = item_s(item, "by");
	if (step && by) {
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s\t%s", step, by);
		kdx_names_add(ud, sb.buf);
		strbuf_release(&sb);
	}
	return true;
}

static int ddb_approval_list(kdx_store *base, const char *run_id, kdx_names *out, strbuf *err)
{
	char *pk = approval_pk(run_id);
	int rc = query((ddb_store *)base, pk, approval_one, out, err);
	free(pk);
	return rc;
}

/* ---- documents ---- */

static char *doc_pk(const char *run_id)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "report#%s", run_id);
	return strbuf_detach(&k, NULL);
}

static int ddb_doc_put(kdx_store *base, const char *run_id, const char *name, const char *body,
		       size_t len, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	char *pk = doc_pk(run_id);
	char *text = xstrndup(body, len);
	kdx_json *o = request(s, NULL, 0);
	kdx_json *item = kdx_json_set_object(o, "Item");
	av_s(item, "pk", pk);
	av_n(item, "sk", hash56(name, strlen(name)));
	av_s(item, "name", name);
	av_s(item, "body", text);
	aws_error e;
	aws_error_init(&e);
	int rc = call(s, "PutItem", o, NULL, NULL, &e, err);
	aws_error_release(&e);
	free(text);
	free(pk);
	return rc;
}

static int ddb_doc_get(kdx_store *base, const char *run_id, const char *name, strbuf *out,
		       strbuf *err)
{
	char *pk = doc_pk(run_id);
	kdx_arena a;
	kdx_arena_init(&a);
	const kdx_value *item = NULL;
	int rc = get_item((ddb_store *)base, pk, hash56(name, strlen(name)), &a, &item, err);
	const char *body = item ? item_s(item, "body") : NULL;
	if (rc == 0 && !body)
		rc = 1;
	if (rc == 0)
		strbuf_addstr(out, body);
	kdx_arena_release(&a);
	free(pk);
	return rc;
}

static void ddb_free(kdx_store *base)
{
	ddb_store *s = (ddb_store *)base;
	kdx_remote_store_release(&s->r);
	free(s->table);
	free(s->region);
	free(s);
}

static const kdx_store_ops ddb_ops = {
	.scheme = "dynamodb",
	.create = ddb_create,
	.open = ddb_open,
	.append = ddb_append,
	.sync = ddb_sync,
	.close = ddb_close,
	.read = ddb_read,
	.list = ddb_list,
	.describe = ddb_describe,
	KDX_REMOTE_LOCK_OPS,
	.approval_put = ddb_approval_put,
	.approval_list = ddb_approval_list,
	.doc_put = ddb_doc_put,
	.doc_get = ddb_doc_get,
	.free = ddb_free,
};

int kdx_store_open_dynamodb(const kdx_store_url *u, kdx_store **out, strbuf *err)
{
	ddb_store *s = xcalloc(1, sizeof(*s));
	if (kdx_remote_store_init(&s->r, &ddb_ops, &ddb_lease_be, "lock#", "", u->region, err) < 0) {
		free(s);
		return -1;
	}
	s->table = xstrdup(u->table);
	s->region = u->region ? xstrdup(u->region) : NULL;
	strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "dynamodb://%s?region=%s", s->table, s->r.aws.region);
	s->r.url = strbuf_detach(&url, NULL);
	*out = &s->r.base;
	return 0;
}

/* ---- maintenance: rm, probe, init ---- */

typedef struct del_ctx {
	ddb_store *s;
	strbuf *err;
	int rc;
} del_ctx;

static bool delete_one(void *ud, const kdx_value *item)
{
	del_ctx *c = ud;
	const char *pk = item_s(item, "pk");
	kdx_json *o = request(c->s, pk, item_n(item, "sk"));
	aws_error e;
	aws_error_init(&e);
	c->rc = call(c->s, "DeleteItem", o, NULL, NULL, &e, c->err);
	aws_error_release(&e);
	return c->rc == 0;
}

int kdx_store_dynamodb_delete_run(kdx_store *base, const char *run_id, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	char *pks[3] = { run_pk(run_id), approval_pk(run_id), doc_pk(run_id) };
	del_ctx c = { s, err, 0 };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		rc = query(s, pks[i], delete_one, &c, err);
		if (rc == 0)
			rc = c.rc;
	}
	for (size_t i = 0; i < 3; i++)
		free(pks[i]);
	return rc;
}

/* DescribeTable: *table the "Table" member, or NULL when the table does not exist. */
static int describe_table(ddb_store *s, kdx_arena *a, const kdx_value **table, aws_error *e,
			  strbuf *err)
{
	kdx_value *out = NULL;
	*table = NULL;
	int rc = call(s, "DescribeTable", request(s, NULL, 0), a, &out, e, err);
	if (rc < 0 && no_table(e)) {
		strbuf_reset(err);
		return 0;
	}
	if (rc == 0)
		*table = kdx_value_get(out, "Table");
	return rc;
}

/* describe_table, and a table that does not exist is an error. */
static int describe_existing(ddb_store *s, kdx_arena *a, const kdx_value **table, aws_error *e,
			     strbuf *err)
{
	int rc = describe_table(s, a, table, e, err);
	if (rc == 0 && !*table) {
		strbuf_addf(err, "table '%s' does not exist in %s", s->table, s->r.aws.region);
		rc = -1;
	}
	return rc;
}

/* Does the table have kdx's key schema (pk S HASH, sk N RANGE)? */
static bool kdx_schema(const kdx_value *t, strbuf *why)
{
	const kdx_value *ks = kdx_value_get(t, "KeySchema");
	const kdx_value *ad = kdx_value_get(t, "AttributeDefinitions");
	int ok = 0;
	for (size_t i = 0; ks && ks->kind == KDX_V_LIST && i < ks->u.list.n; i++) {
		const char *n = kdx_store_aws_str(ks->u.list.items[i], "AttributeName");
		const char *k = kdx_store_aws_str(ks->u.list.items[i], "KeyType");
		const char *want = k && !strcmp(k, "HASH") ? "pk" : "sk";
		const char *type = k && !strcmp(k, "HASH") ? "S" : "N";
		strbuf_addf(why, "%s%s (%s)", i ? ", " : "", n ? n : "?", k ? k : "?");
		for (size_t j = 0; n && ad && ad->kind == KDX_V_LIST && j < ad->u.list.n; j++) {
			const char *an = kdx_store_aws_str(ad->u.list.items[j], "AttributeName");
			const char *at = kdx_store_aws_str(ad->u.list.items[j], "AttributeType");
			if (an && at && !strcmp(an, n) && !strcmp(n, want) && !strcmp(at, type))
				ok++;
		}
	}
	return ok == 2 && ks->u.list.n == 2;
}

/* The table's replica regions (a global table), comma-separated into out. */
static void replicas(const kdx_value *t, strbuf *out)
{
	const kdx_value *rs = kdx_value_get(t, "Replicas");
	for (size_t i = 0; rs && rs->kind == KDX_V_LIST && i < rs->u.list.n; i++) {
		const char *r = kdx_store_aws_str(rs->u.list.items[i], "RegionName");
		if (r)
			strbuf_addf(out, "%s%s", out->len ? "," : "", r);
	}
}

static int check_schema(ddb_store *s, const kdx_value *t, strbuf *err)
{
	strbuf why = STRBUF_INIT;
	int rc = 0;
	if (!kdx_schema(t, &why)) {
		strbuf_addf(err, "table '%s' in %s exists with key %s, not kdx's (pk string, hash; sk "
			    "number, range): name another table in the state URL", s->table,
			    s->r.aws.region, why.buf);
		rc = -1;
	}
	strbuf_release(&why);
	return rc;
}

int kdx_store_dynamodb_probe(kdx_store *base, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	kdx_arena a;
	kdx_arena_init(&a);
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	const kdx_value *t = NULL;
	int rc = describe_existing(s, &a, &t, &e, &why);
	if (rc == 0 && (rc = check_schema(s, t, &why)) == 0) {
		char pk[64];
		snprintf(pk, sizeof(pk), "probe#%ld", (long)getpid());
		kdx_json *o = request(s, NULL, 0);
		kdx_json *item = kdx_json_set_object(o, "Item");
		av_s(item, "pk", pk);
		av_n(item, "sk", 0);
		rc = call(s, "PutItem", o, NULL, NULL, &e, &why);
		if (rc == 0)
			rc = call(s, "DeleteItem", request(s, pk, 0), NULL, NULL, &e, &why);
	}
	if (rc < 0) {
		strbuf_addf(err, "the run store %s cannot be used: %s; ", s->r.url, why.buf);
		if (!t && !e.http_status)
			strbuf_addstr(err, "create it with 'kdx state init'");
		else if (e.http_status == 403 || e.http_status == 400)
			strbuf_addf(err, "the caller (%s) needs dynamodb:DescribeTable, GetItem, PutItem, "
				    "DeleteItem, Query, Scan and TransactWriteItems (with "
				    "ConditionCheckItem) on it", kdx_store_aws_identity(&s->r.aws));
		else
			strbuf_addstr(err, "check the table's name and region");
		strbuf_addstr(err, "; nothing was changed");
	}
	aws_error_release(&e);
	strbuf_release(&why);
	kdx_arena_release(&a);
	return rc;
}

static int create_table(ddb_store *s, aws_error *e, strbuf *err)
{
	kdx_json *o = request(s, NULL, 0);
	kdx_json *ad = kdx_json_set_array(o, "AttributeDefinitions");
	kdx_json *ks = kdx_json_set_array(o, "KeySchema");
	const char *attr[2][3] = { { "pk", "S", "HASH" }, { "sk", "N", "RANGE" } };
	for (size_t i = 0; i < 2; i++) {
		kdx_json *d = kdx_json_object(), *k = kdx_json_object();
		kdx_json_set_str(d, "AttributeName", attr[i][0]);
		kdx_json_set_str(d, "AttributeType", attr[i][1]);
		kdx_json_set_str(k, "AttributeName", attr[i][0]);
		kdx_json_set_str(k, "KeyType", attr[i][2]);
		kdx_json_push(ad, d);
		kdx_json_push(ks, k);
	}
	kdx_json_set_str(o, "BillingMode", "PAY_PER_REQUEST");
	/* a run store is what a failover is continued and rolled back from */
	kdx_json_set_bool(o, "DeletionProtectionEnabled", true);
	return call(s, "CreateTable", o, NULL, NULL, e, err);
}

int kdx_store_dynamodb_init(kdx_store *base, strbuf *out, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	kdx_arena a;
	kdx_arena_init(&a);
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	const kdx_value *t = NULL;
	int rc = describe_table(s, &a, &t, &e, &why);
	if (rc == 0 && t) {
		rc = check_schema(s, t, &why);
		if (rc == 0)
			strbuf_addf(out, "table '%s' exists in %s", s->table, s->r.aws.region);
	} else if (rc == 0) {
		rc = create_table(s, &e, &why);
		/* wait until it is ACTIVE (moto: at once; AWS: seconds) */
		for (int i = 0; rc == 0 && i < 120; i++) {
			kdx_arena_release(&a);
			kdx_arena_init(&a);
			rc = describe_table(s, &a, &t, &e, &why);
			const char *st = t ? kdx_store_aws_str(t, "TableStatus") : NULL;
			if (rc < 0 || (st && !strcmp(st, "ACTIVE")))
				break;
			struct timespec ts = { 1, 0 };
			nanosleep(&ts, NULL);
		}
		if (rc == 0)
			strbuf_addf(out, "created table '%s' in %s (on demand, deletion protection)",
				    s->table, s->r.aws.region);
	}
	if (rc == 0) {
		/* point-in-time recovery: a journal deleted or overwritten by mistake comes back */
		kdx_json *o = request(s, NULL, 0);
		kdx_json_set_bool(kdx_json_set_object(o, "PointInTimeRecoverySpecification"),
				  "PointInTimeRecoveryEnabled", true);
		rc = call(s, "UpdateContinuousBackups", o, NULL, NULL, &e, &why);
		if (rc == 0)
			strbuf_addstr(out, ", point-in-time recovery on");
	}
	if (rc == 0 && t) {
		strbuf rs = STRBUF_INIT;
		replicas(t, &rs);
		if (rs.len)
			strbuf_addf(out, "; a global table with replicas in %s (check, plan and "
				    "apply read them from DescribeTable; name them in the URL, "
				    "&replicas=..., for a check without credentials)", rs.buf);
		strbuf_release(&rs);
	}
	if (rc < 0)
		strbuf_addf(err, "table '%s' in %s: %s", s->table, s->r.aws.region, why.buf);
	aws_error_release(&e);
	strbuf_release(&why);
	kdx_arena_release(&a);
	return rc;
}

int kdx_store_dynamodb_regions(kdx_store *base, kdx_names *out, strbuf *err)
{
	ddb_store *s = (ddb_store *)base;
	kdx_arena a;
	kdx_arena_init(&a);
	aws_error e;
	aws_error_init(&e);
	strbuf why = STRBUF_INIT;
	const kdx_value *t = NULL;
	int rc = describe_existing(s, &a, &t, &e, &why);
	if (rc == 0) {
		/* the table's own region first, then every other replica DescribeTable lists */
		kdx_names_add(out, s->r.aws.region);
		strbuf rs = STRBUF_INIT;
		replicas(t, &rs);
		for (char *tok = rs.buf, *next; tok && *tok; tok = next) {
			next = strchr(tok, ',');
			if (next)
				*next++ = '\0';
			if (strcmp(tok, s->r.aws.region))
				kdx_names_add(out, tok);
		}
		strbuf_release(&rs);
	} else {
		strbuf_addstr(err, why.buf);
	}
	aws_error_release(&e);
	strbuf_release(&why);
	kdx_arena_release(&a);
	return rc;
}
