/* store_lease: lease locks with fencing tokens over conditional writes, and their heartbeat. */
#include "store_lease.h"
#include "../../common/json.h"
#include "../../common/monotime.h"
#include "../../common/utctime.h"
#include "../../common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the document ---- */

void kdx_lease_doc_release(kdx_lease_doc *d)
{
	free(d->name);
	free(d->command);
	free(d->host);
	free(d->user);
	free(d->identity);
	free(d->since);
	memset(d, 0, sizeof(*d));
}

/* A string member as the caller's own copy, or NULL. */
static char *dup_str(const kdx_json *o, const char *k)
{
	const char *v = kdx_json_str(o, k);
	return v ? xstrdup(v) : NULL;
}

static int64_t int_or_0(const kdx_json *o, const char *k)
{
	int64_t v = 0;
	return kdx_json_int(o, k, &v) ? v : 0;
}

int kdx_lease_doc_parse(kdx_lease_doc *d, const char *buf, size_t len, strbuf *err)
{
	memset(d, 0, sizeof(*d));
	strbuf why = STRBUF_INIT;
	kdx_json *o = kdx_json_parse(buf, len, &why);
	if (!o || !kdx_json_is_object(o)) {
		kdx_json_free(o);
		strbuf_addstr(err, "the lease document is not a JSON object (damaged?)");
		if (why.len)
			strbuf_addf(err, ": %s", why.buf);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&why);
	d->name = dup_str(o, "name");
	d->command = dup_str(o, "command");
	d->host = dup_str(o, "host");
	d->user = dup_str(o, "user");
	d->identity = dup_str(o, "identity");
	d->since = dup_str(o, "since");
	d->pid = (long)int_or_0(o, "pid");
	d->expires_ms = int_or_0(o, "expires_ms");
	d->token = (uint64_t)int_or_0(o, "token");
	d->released = kdx_json_bool(o, "released");
	kdx_json_free(o);
	return 0;
}

void kdx_lease_doc_format(strbuf *sb, const kdx_lease_doc *d)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str_or_null(o, "name", d->name);
	kdx_json_set_str_or_null(o, "command", d->command);
	kdx_json_set_str_or_null(o, "host", d->host);
	kdx_json_set_str_or_null(o, "user", d->user);
	kdx_json_set_str_or_null(o, "identity", d->identity);
	kdx_json_set_int(o, "pid", d->pid);
	kdx_json_set_str_or_null(o, "since", d->since);
	kdx_json_set_int(o, "expires_ms", d->expires_ms);
	kdx_json_set_int(o, "token", (int64_t)d->token);
	kdx_json_set_bool(o, "released", d->released);
	kdx_json_write(sb, o);
	kdx_json_free(o);
}

/* The six strings of a lease, as a document and a kdx_lease both hold them. */
#define LEASE_STRS(x) { &(x)->name, &(x)->command, &(x)->host, &(x)->user, &(x)->identity, &(x)->since }

static void set_strs(char **dst[6], char **const src[6])
{
	for (size_t i = 0; i < 6; i++) {
		char *v = *src[i] ? xstrdup(*src[i]) : NULL;
		free(*dst[i]);
		*dst[i] = v;
	}
}

static void doc_copy(kdx_lease_doc *to, const kdx_lease_doc *from)
{
	kdx_lease_doc_release(to);
	to->pid = from->pid;
	to->expires_ms = from->expires_ms;
	to->token = from->token;
	to->released = from->released;
	char **dst[6] = LEASE_STRS(to), **const src[6] = LEASE_STRS((kdx_lease_doc *)from);
	set_strs(dst, src);
}

static void fill_lease(kdx_lease *l, const kdx_lease_doc *d)
{
	char **dst[6] = LEASE_STRS(l), **const src[6] = LEASE_STRS((kdx_lease_doc *)d);
	set_strs(dst, src);
	l->pid = d->pid;
	l->expires_ms = d->expires_ms;
	l->token = d->token;
}

static void utc_of_ms(char *buf, size_t n, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void kdx_lease_describe(strbuf *sb, const kdx_lease *l)
{
	strbuf_addf(sb, "%s (pid %ld on host %s, user %s", l->command ? l->command : "kdx", l->pid,
		    l->host ? l->host : "?", l->user ? l->user : "?");
	if (l->identity)
		strbuf_addf(sb, ", AWS identity %s", l->identity);
	strbuf_addf(sb, ") since %s", l->since ? l->since : "?");
	if (l->expires_ms) {
		char until[32];
		utc_of_ms(until, sizeof(until), l->expires_ms);
		strbuf_addf(sb, ", lease until %s (fencing token %" PRIu64 ")", until, l->token);
	}
}

/* ---- the remote half of a kdx_lease ---- */

char *kdx_lease_etag(kdx_lease_remote *ls)
{
	pthread_mutex_lock(&ls->mu);
	char *e = xstrdup(ls->etag ? ls->etag : "");
	pthread_mutex_unlock(&ls->mu);
	return e;
}

void kdx_lease_set_etag(kdx_lease_remote *ls, const char *etag)
{
	pthread_mutex_lock(&ls->mu);
	free(ls->etag);
	ls->etag = xstrdup(etag ? etag : "");
	pthread_mutex_unlock(&ls->mu);
}

bool kdx_lease_lost(kdx_lease_remote *ls)
{
	pthread_mutex_lock(&ls->mu);
	bool lost = ls->lost || (ls->doc.expires_ms && now_ms() >= ls->doc.expires_ms);
	pthread_mutex_unlock(&ls->mu);
	return lost;
}

static kdx_lease_remote *remote_new(const kdx_lease_backend *be, const char *key)
{
	kdx_lease_remote *ls = xcalloc(1, sizeof(*ls));
	ls->key = xstrdup(key);
	ls->be = be;
	pthread_mutex_init(&ls->mu, NULL);
	pthread_cond_init(&ls->cv, NULL);
	return ls;
}

static void remote_free(kdx_lease_remote *ls)
{
	if (!ls)
		return;
	free(ls->key);
	free(ls->etag);
	kdx_lease_doc_release(&ls->doc);
	pthread_mutex_destroy(&ls->mu);
	pthread_cond_destroy(&ls->cv);
	free(ls);
}

/* Write the lease again with a later expiry, as its holder (If-Match its last version). */
static int renew_with(void *ctx, kdx_lease_remote *ls, int64_t ttl_ms, strbuf *err)
{
	kdx_lease_doc d = { 0 };
	pthread_mutex_lock(&ls->mu);
	doc_copy(&d, &ls->doc);
	pthread_mutex_unlock(&ls->mu);
	d.expires_ms = now_ms() + ttl_ms;
	char *etag = kdx_lease_etag(ls);
	bool conflict = false;
	int rc = ls->be->write(ctx, ls, &d, false, etag, &conflict, err);
	pthread_mutex_lock(&ls->mu);
	if (rc == 0) {
		ls->doc.expires_ms = d.expires_ms;
		ls->renewals++;
	} else if (conflict) {
		ls->lost = true;
	}
	pthread_mutex_unlock(&ls->mu);
	free(etag);
	kdx_lease_doc_release(&d);
	return rc < 0 && conflict ? KDX_STORE_CONFLICT : rc;
}

/* The heartbeat: renew every third of the lease until stopped or the lease is lost. A
 * failed renewal (the network, throttling) is tried again at the next beat; the lease is
 * lost for good when it was taken over or its expiry passed. */
static void *heartbeat(void *arg)
{
	kdx_lease_remote *ls = arg;
	pthread_mutex_lock(&ls->mu);
	while (!ls->hb_stop && !ls->lost) {
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		int64_t ns = at.tv_nsec + (ls->ttl_ms / 3 % 1000) * 1000000;
		at.tv_sec += (time_t)(ls->ttl_ms / 3 / 1000) + (time_t)(ns / 1000000000);
		at.tv_nsec = (long)(ns % 1000000000);
		int w = 0;
		while (!ls->hb_stop && w != ETIMEDOUT)
			w = pthread_cond_timedwait(&ls->cv, &ls->mu, &at);
		if (ls->hb_stop)
			break;
		pthread_mutex_unlock(&ls->mu);
		strbuf err = STRBUF_INIT;
		renew_with(ls->hb_ctx, ls, ls->ttl_ms, &err);
		strbuf_release(&err);
		pthread_mutex_lock(&ls->mu);
		if (ls->doc.expires_ms && now_ms() >= ls->doc.expires_ms)
			ls->lost = true;
	}
	pthread_mutex_unlock(&ls->mu);
	return NULL;
}

static void start_heartbeat(kdx_lease_remote *ls, void *ctx)
{
	if (!ls->be->clone || !(ls->hb_ctx = ls->be->clone(ctx)))
		return;
	ls->hb_running = pthread_create(&ls->hb, NULL, heartbeat, ls) == 0;
	if (!ls->hb_running) {
		ls->be->free_clone(ls->hb_ctx);
		ls->hb_ctx = NULL;
	}
}

static void stop_heartbeat(kdx_lease_remote *ls)
{
	if (!ls->hb_running)
		return;
	pthread_mutex_lock(&ls->mu);
	ls->hb_stop = true;
	pthread_cond_signal(&ls->cv);
	pthread_mutex_unlock(&ls->mu);
	pthread_join(ls->hb, NULL);
	ls->hb_running = false;
	ls->be->free_clone(ls->hb_ctx);
	ls->hb_ctx = NULL;
}

/* ---- the operations ---- */

static void holder_error(strbuf *err, const char *where, const char *name, const kdx_lease_doc *d)
{
	kdx_lease h;
	kdx_lease_init(&h);
	fill_lease(&h, d);
	strbuf_addf(err, "lock '%s' in %s is held by ", name, where);
	kdx_lease_describe(err, &h);
	strbuf_addstr(err, "; wait for it (-lock-timeout D), let its lease expire, or run "
			   "'kdx state unlock' if that run is dead");
	kdx_lease_release(&h);
}

int kdx_lease_take(const kdx_lease_backend *be, void *ctx, kdx_store_aws *aws, const char *where,
		   const char *name, const char *key, int64_t ttl_ms, kdx_lease *l, strbuf *err)
{
	if (ttl_ms <= 0)
		ttl_ms = KDX_LEASE_DEFAULT_MS;
	kdx_lease_remote *ls = remote_new(be, key);
	kdx_lease_doc cur = { 0 }, mine = { 0 };
	char *etag = NULL;
	bool found = false, conflict = false;
	int rc = be->read(ctx, ls, &cur, &etag, &found, err);
	if (rc < 0)
		goto out;
	int64_t now = now_ms();
	if (found && !cur.released && cur.expires_ms > now) {
		holder_error(err, where, name, &cur);
		rc = KDX_LEASE_HELD;
		goto out;
	}
	char host[256], since[32];
	if (gethostname(host, sizeof(host)) < 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	struct passwd *pw = getpwuid(getuid());
	kdx_utc_now(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ");
	mine.name = xstrdup(name);
	mine.command = xstrdup(l->command ? l->command : "kdx");
	mine.host = xstrdup(host);
	mine.user = xstrdup(pw ? pw->pw_name : getenv("USER") ? getenv("USER") : "unknown");
	mine.identity = xstrdup(kdx_store_aws_identity(aws));
	mine.since = xstrdup(since);
	mine.pid = (long)getpid();
	mine.expires_ms = now + ttl_ms;
	mine.token = found ? cur.token + 1 : 1;
	rc = be->write(ctx, ls, &mine, !found, etag, &conflict, err);
	if (rc < 0 && conflict) {
		/* another runner took it between our read and our write */
		strbuf_reset(err);
		kdx_lease_doc_release(&cur);
		if (be->read(ctx, ls, &cur, &etag, &found, err) == 0 && found)
			holder_error(err, where, name, &cur);
		else
			strbuf_addf(err, "lock '%s' in %s was taken by another runner at the same "
				    "moment; try again", name, where);
		rc = KDX_LEASE_HELD;
		goto out;
	}
	if (rc < 0)
		goto out;
	l->stale_pid = found && !cur.released ? (cur.pid ? cur.pid : -1) : 0;
	fill_lease(l, &mine);
	doc_copy(&ls->doc, &mine);
	ls->ttl_ms = ttl_ms;
	l->impl = ls;
	ls = NULL;
	start_heartbeat(l->impl, ctx);
out:
	free(etag);
	kdx_lease_doc_release(&cur);
	kdx_lease_doc_release(&mine);
	remote_free(ls);
	return rc;
}

int kdx_lease_take_wait(const kdx_lease_backend *be, void *ctx, kdx_store_aws *aws,
			const char *where, const char *name, const char *key, int64_t ttl_ms,
			int64_t timeout_ms, kdx_lease *l, strbuf *err)
{
	/* -lock-timeout: while another runner holds it, look again every second */
	int64_t deadline = kdx_mono_ms() + timeout_ms;
	int rc;
	for (;;) {
		strbuf why = STRBUF_INIT;
		rc = kdx_lease_take(be, ctx, aws, where, name, key, ttl_ms, l, &why);
		int64_t left = deadline - kdx_mono_ms();
		if (rc != KDX_LEASE_HELD || left <= 0) {
			strbuf_addstr(err, why.buf);
			strbuf_release(&why);
			break;
		}
		strbuf_release(&why);
		struct timespec ts = { left >= 1000 ? 1 : 0, (left >= 1000 ? 0 : left) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rc == KDX_LEASE_HELD && timeout_ms)
		strbuf_addf(err, " (waited %lld s: -lock-timeout)", (long long)(timeout_ms / 1000));
	return rc < 0 ? -1 : rc;
}

int kdx_lease_renew(const kdx_lease_backend *be, void *ctx, kdx_lease *l, int64_t ttl_ms,
		    strbuf *err)
{
	(void)be;
	kdx_lease_remote *ls = l->impl;
	if (!ls) {
		strbuf_addf(err, "lock '%s' is not held", l->name ? l->name : "?");
		return -1;
	}
	int rc = renew_with(ctx, ls, ttl_ms > 0 ? ttl_ms : ls->ttl_ms, err);
	if (rc == KDX_STORE_CONFLICT)
		strbuf_addf(err, "; the lease on '%s' was taken over", l->name);
	pthread_mutex_lock(&ls->mu);
	l->expires_ms = ls->doc.expires_ms;
	pthread_mutex_unlock(&ls->mu);
	return rc;
}

void kdx_lease_give_up(const kdx_lease_backend *be, void *ctx, kdx_lease *l)
{
	kdx_lease_remote *ls = l->impl;
	if (!ls)
		return;
	stop_heartbeat(ls);
	if (!ls->lost) {
		kdx_lease_doc d = { 0 };
		doc_copy(&d, &ls->doc);
		d.released = true;
		d.expires_ms = 0;
		char *etag = kdx_lease_etag(ls);
		bool conflict;
		strbuf err = STRBUF_INIT;
		be->write(ctx, ls, &d, false, etag, &conflict, &err); /* taken over: nothing to do */
		strbuf_release(&err);
		free(etag);
		kdx_lease_doc_release(&d);
	}
	remote_free(ls);
	l->impl = NULL;
}

int kdx_lease_read_holder(const kdx_lease_backend *be, void *ctx, const char *where,
			  const char *name, const char *key, kdx_lease *l, strbuf *err)
{
	kdx_lease_remote *ls = remote_new(be, key);
	kdx_lease_doc d = { 0 };
	char *etag = NULL;
	bool found = false;
	int rc = be->read(ctx, ls, &d, &etag, &found, err);
	if (rc == 0 && (!found || d.released)) {
		strbuf_addf(err, "lock '%s' in %s is not held", name, where);
		rc = -1;
	}
	if (rc == 0)
		fill_lease(l, &d);
	free(etag);
	kdx_lease_doc_release(&d);
	remote_free(ls);
	return rc;
}

kdx_lease_liveness kdx_lease_liveness_of(const kdx_lease *l)
{
	return l->expires_ms && l->expires_ms <= now_ms() ? KDX_LEASE_STALE : KDX_LEASE_ALIVE;
}

int kdx_lease_break(const kdx_lease_backend *be, void *ctx, const char *where, const char *name,
		    const char *key, strbuf *err)
{
	kdx_lease_remote *ls = remote_new(be, key);
	kdx_lease_doc d = { 0 };
	char *etag = NULL;
	bool found = false, conflict = false;
	int rc = be->read(ctx, ls, &d, &etag, &found, err);
	if (rc == 0 && (!found || d.released)) {
		strbuf_addf(err, "lock '%s' in %s is not held", name, where);
		rc = -1;
	}
	if (rc == 0) {
		/* keep the token: the next taker's is one more, so the old holder is fenced */
		d.released = true;
		d.expires_ms = 0;
		rc = be->write(ctx, ls, &d, false, etag, &conflict, err);
		if (rc < 0 && conflict) {
			strbuf_reset(err);
			strbuf_addf(err, "lock '%s' in %s changed while it was being broken; look "
				    "again with 'kdx state list'", name, where);
		}
	}
	free(etag);
	kdx_lease_doc_release(&d);
	remote_free(ls);
	return rc;
}

/* ---- the lock operations of the shared stores ---- */

char *kdx_remote_lock_key(const kdx_remote_store *r, const char *name)
{
	strbuf k = STRBUF_INIT;
	strbuf_addf(&k, "%s%s%s", r->lock_prefix, name, r->lock_suffix);
	return strbuf_detach(&k, NULL);
}

int kdx_remote_store_init(kdx_remote_store *r, const kdx_store_ops *ops,
			  const kdx_lease_backend *be, const char *lock_prefix,
			  const char *lock_suffix, const char *region, strbuf *err)
{
	r->base.ops = ops;
	r->lease_be = be;
	r->lock_prefix = lock_prefix;
	r->lock_suffix = lock_suffix;
	return kdx_store_aws_init(&r->aws, region, err);
}

void kdx_remote_store_release(kdx_remote_store *r)
{
	kdx_store_aws_release(&r->aws);
	free(r->url);
	r->url = NULL;
}

int kdx_remote_lock_take(kdx_store *s, const char *name, int64_t ttl_ms, kdx_lease *l,
			 strbuf *err)
{
	kdx_remote_store *r = (kdx_remote_store *)s;
	char *key = kdx_remote_lock_key(r, name);
	int rc = kdx_lease_take_wait(r->lease_be, r, &r->aws, r->url, name, key,
				     ttl_ms > 0 ? ttl_ms : r->lease_ms, r->lock_timeout_ms, l, err);
	free(key);
	return rc;
}

int kdx_remote_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err)
{
	return kdx_lease_renew(((kdx_remote_store *)s)->lease_be, s, l, ttl_ms, err);
}

void kdx_remote_lock_release(kdx_store *s, kdx_lease *l)
{
	kdx_lease_give_up(((kdx_remote_store *)s)->lease_be, s, l);
}

int kdx_remote_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err)
{
	kdx_remote_store *r = (kdx_remote_store *)s;
	char *key = kdx_remote_lock_key(r, name);
	int rc = kdx_lease_read_holder(r->lease_be, r, r->url, name, key, l, err);
	free(key);
	return rc;
}

kdx_lease_liveness kdx_remote_lock_check(kdx_store *s, const char *name, const kdx_lease *l)
{
	(void)s, (void)name;
	return kdx_lease_liveness_of(l);
}

int kdx_remote_lock_break(kdx_store *s, const char *name, strbuf *err)
{
	kdx_remote_store *r = (kdx_remote_store *)s;
	char *key = kdx_remote_lock_key(r, name);
	int rc = kdx_lease_break(r->lease_be, r, r->url, name, key, err);
	free(key);
	return rc;
}
