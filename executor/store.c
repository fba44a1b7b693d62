/* store: what every store shares -- run identities (read from a run's first record and
 * checked on every open), lists of runs, leases, and the calls through the table. */
#include "store.h"

#include "../common/arena.h"
#include "../common/utctime.h"
#include "../common/value.h"
#include "../common/xalloc.h"
#include "lock.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small owned types ---- */

void kdx_names_add(kdx_names *l, const char *s)
{
	XGROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(s);
}

void kdx_names_release(kdx_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void kdx_run_ident_init(kdx_run_ident *id)
{
	memset(id, 0, sizeof(*id));
}

void kdx_run_ident_release(kdx_run_ident *id)
{
	char **f[] = { &id->run_id, &id->key, &id->runbook, &id->path, &id->env,
		       &id->program_digest, &id->vars_digest, &id->created_by, &id->created_on,
		       &id->created_at };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(*f[i]);
	kdx_run_ident_init(id);
}

void kdx_run_ident_stamp(kdx_run_ident *id)
{
	char host[256];
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : getenv("USER");
	char now[32];
	kdx_utc_now(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ");
	free(id->created_by);
	free(id->created_on);
	free(id->created_at);
	id->created_by = xstrdup(user ? user : "unknown");
	id->created_on = xstrdup(host);
	id->created_at = xstrdup(now);
}

static const char *or_default(const char *env)
{
	return env && *env ? env : "default";
}

static void describe_ident(strbuf *sb, const kdx_run_ident *id)
{
	strbuf_addf(sb, "runbook '%s'", id->key ? id->key : id->runbook ? id->runbook : "?");
	if (id->path)
		strbuf_addf(sb, " (%s)", id->path);
	strbuf_addf(sb, ", environment '%s'", or_default(id->env));
}

int kdx_run_ident_check(const kdx_run_ident *want, const kdx_run_ident *got, strbuf *err)
{
	const char *what = NULL;
	if (want->key && (!got->key || strcmp(want->key, got->key)))
		what = "runbook";
	else if (want->runbook && got->runbook && strcmp(want->runbook, got->runbook))
		what = "runbook name";
	else if (want->env && strcmp(or_default(want->env), or_default(got->env)))
		what = "environment";
	if (!what)
		return 0;
	strbuf_addf(err, "run '%s' is a run of ", got->run_id ? got->run_id : "?");
	describe_ident(err, got);
	strbuf_addstr(err, ", not of ");
	describe_ident(err, want);
	strbuf_addf(err, " (the %s differs); nothing was changed. Pass the runbook that made the "
		    "run, or 'kdx show' the runs of this one", what);
	return -1;
}

void kdx_lease_init(kdx_lease *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

void kdx_lease_release(kdx_lease *l)
{
	free(l->name);
	free(l->command);
	free(l->host);
	free(l->user);
	free(l->identity);
	free(l->since);
	kdx_lease_init(l);
}

void kdx_run_list_init(kdx_run_list *l)
{
	memset(l, 0, sizeof(*l));
}

void kdx_run_list_release(kdx_run_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		kdx_run_ident_release(&l->v[i]);
	free(l->v);
	kdx_run_list_init(l);
}

char *kdx_store_lock_name(const char *key, const char *env)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s-%s", key, or_default(env));
	return strbuf_detach(&sb, NULL);
}

/* ---- identities from run_start ---- */

static void take_str(char **dst, const kdx_value *v)
{
	if (v && v->kind == KDX_V_STRING && !*dst)
		*dst = xstrdup(v->u.str.ptr);
}

int kdx_store_run_ident(kdx_store *s, const char *run_id, kdx_run_ident *id, strbuf *err)
{
	strbuf text = STRBUF_INIT;
	if (kdx_store_read(s, run_id, 1, &text, err) < 0) {
		strbuf_release(&text);
		return -1;
	}
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf perr = STRBUF_INIT;
	size_t len = text.len;
	const char *nl = memchr(text.buf, '\n', text.len);
	if (nl)
		len = (size_t)(nl - text.buf);
	kdx_value *rec = len ? kdx_value_from_json(&a, text.buf, len, &perr) : NULL;
	const kdx_value *kind = kdx_value_get(rec, "kind");
	const kdx_value *data = kdx_value_get(rec, "data");
	int rc = -1;
	if (!kind || kind->kind != KDX_V_STRING || strcmp(kind->u.str.ptr, "run_start") || !data) {
		strbuf_addf(err, "run '%s' does not start with its identity (run_start): it is "
			    "empty or damaged; 'kdx show -journal' it to look", run_id);
		goto out;
	}
	/* kdx_exec_apply writes the identity into run_start's meta */
	const kdx_value *ident = kdx_value_get(kdx_value_get(data, "meta"), "ident");
	if (!ident)
		ident = kdx_value_get(data, "ident");
	free(id->run_id);
	id->run_id = xstrdup(run_id);
	take_str(&id->runbook, kdx_value_get(data, "name"));
	take_str(&id->path, kdx_value_get(data, "runbook"));
	take_str(&id->env, kdx_value_get(data, "env"));
	take_str(&id->key, kdx_value_get(ident, "key"));
	take_str(&id->runbook, kdx_value_get(ident, "runbook"));
	take_str(&id->path, kdx_value_get(ident, "path"));
	take_str(&id->env, kdx_value_get(ident, "env"));
	take_str(&id->program_digest, kdx_value_get(ident, "program_digest"));
	take_str(&id->vars_digest, kdx_value_get(ident, "vars_digest"));
	take_str(&id->created_by, kdx_value_get(ident, "created_by"));
	take_str(&id->created_on, kdx_value_get(ident, "created_on"));
	take_str(&id->created_at, kdx_value_get(ident, "created_at"));
	/* journals written before identities: the key is the runbook's file name */
	if (!id->key && id->path && *id->path)
		id->key = kdx_lock_key_for(id->path);
	rc = 0;
out:
	strbuf_release(&perr);
	kdx_arena_release(&a);
	strbuf_release(&text);
	return rc;
}

static int newest_first(const void *a, const void *b)
{
	const kdx_run_ident *x = a, *y = b;
	return strcmp(y->run_id ? y->run_id : "", x->run_id ? x->run_id : "");
}

int kdx_store_list_runs(kdx_store *s, const kdx_run_ident *want, kdx_run_list *out,
			strbuf *err)
{
	kdx_names ids = { 0 };
	if (s->ops->list(s, want->key, &ids, err) < 0) {
		kdx_names_release(&ids);
		return -1;
	}
	for (size_t i = 0; i < ids.n; i++) {
		kdx_run_ident id;
		kdx_run_ident_init(&id);
		strbuf ierr = STRBUF_INIT;
		/* a run whose start cannot be read is not listed as anybody's: `kdx show`
		 * names it when asked for it directly */
		bool mine = kdx_store_run_ident(s, ids.v[i], &id, &ierr) == 0 && id.key &&
			    !strcmp(id.key, want->key) &&
			    (!want->env || !strcmp(or_default(want->env), or_default(id.env)));
		strbuf_release(&ierr);
		if (!mine) {
			kdx_run_ident_release(&id);
			continue;
		}
		/* ids sort by time: "<key>-<stamp>-<pid>" */
		XGROW(out->v, out->n + 1, out->alloc);
		out->v[out->n++] = id;
	}
	kdx_names_release(&ids);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), newest_first);
	return 0;
}

/* ---- through the table ---- */

int kdx_store_create(kdx_store *s, kdx_run_ident *id, kdx_store_run **out, strbuf *err)
{
	return s->ops->create(s, id, out, err);
}

int kdx_store_open(kdx_store *s, const char *run_id, const kdx_store_tail *tail,
		   kdx_store_run **out, strbuf *err)
{
	return s->ops->open(s, run_id, tail, out, err);
}

int kdx_store_append(kdx_store_run *r, const kdx_lease *lease, uint64_t seq, const char *rec,
		     size_t len, bool sync, strbuf *err)
{
	return r->store->ops->append(r, lease, seq, rec, len, sync, err);
}

int kdx_store_sync(kdx_store_run *r, strbuf *err)
{
	return r->store->ops->sync(r, err);
}

void kdx_store_run_close(kdx_store_run *r)
{
	if (r)
		r->store->ops->close(r);
}

int kdx_store_read(kdx_store *s, const char *run_id, size_t max, strbuf *out, strbuf *err)
{
	return s->ops->read(s, run_id, max, out, err);
}

void kdx_store_describe(kdx_store *s, const char *run_id, strbuf *out)
{
	s->ops->describe(s, run_id, out);
}

int kdx_store_lock_take(kdx_store *s, const char *name, const char *command, int64_t ttl_ms,
			kdx_lease *l, strbuf *err)
{
	free(l->command);
	l->command = xstrdup(command);
	if (!l->identity && s->identity)
		l->identity = xstrdup(s->identity);
	return s->ops->lock_take(s, name, ttl_ms, l, err);
}

int kdx_store_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err)
{
	return s->ops->lock_renew(s, l, ttl_ms, err);
}

void kdx_store_lock_release(kdx_store *s, kdx_lease *l)
{
	s->ops->lock_release(s, l);
}

int kdx_store_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err)
{
	return s->ops->lock_read(s, name, l, err);
}

kdx_lease_liveness kdx_store_lock_check(kdx_store *s, const char *name, const kdx_lease *l)
{
	return s->ops->lock_check(s, name, l);
}

int kdx_store_lock_break(kdx_store *s, const char *name, strbuf *err)
{
	return s->ops->lock_break(s, name, err);
}

int kdx_store_approval_put(kdx_store *s, const char *run_id, const char *step, const char *by,
			   strbuf *err)
{
	return s->ops->approval_put(s, run_id, step, by, err);
}

int kdx_store_approval_list(kdx_store *s, const char *run_id, kdx_names *out, strbuf *err)
{
	return s->ops->approval_list(s, run_id, out, err);
}

bool kdx_store_plain_name(const char *s)
{
	if (!s || !*s || *s == '.')
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\n' || *s == '\t' || *s == '\\')
			return false;
	return true;
}

int kdx_store_doc_put(kdx_store *s, const char *run_id, const char *name, const char *body,
		      size_t len, strbuf *err)
{
	if (!s->ops->doc_put)
		return 0;
	if (!kdx_store_plain_name(run_id) || !kdx_store_plain_name(name)) {
		strbuf_addf(err, "'%s' of run '%s' is not a plain document name", name, run_id);
		return -1;
	}
	return s->ops->doc_put(s, run_id, name, body, len, err);
}

int kdx_store_doc_get(kdx_store *s, const char *run_id, const char *name, strbuf *out,
		      strbuf *err)
{
	if (!s->ops->doc_get)
		return 1;
	if (!kdx_store_plain_name(run_id) || !kdx_store_plain_name(name)) {
		strbuf_addf(err, "'%s' of run '%s' is not a plain document name", name, run_id);
		return -1;
	}
	return s->ops->doc_get(s, run_id, name, out, err);
}

void kdx_store_free(kdx_store *s)
{
	if (s) {
		free(s->identity);
		s->identity = NULL;
		s->ops->free(s);
	}
}

char *kdx_run_id_new(const char *key)
{
	/* one process may start several runs (tests, a future server): a counter per second */
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static char last[32];
	static int n;
	char stamp[32];
	kdx_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
	pthread_mutex_lock(&mu);
	n = strcmp(stamp, last) ? 1 : n + 1;
	memcpy(last, stamp, sizeof(last));
	int k = n;
	pthread_mutex_unlock(&mu);
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s-%s-%ld", key ? key : "run", stamp, (long)getpid());
	if (k > 1)
		strbuf_addf(&sb, "-%d", k);
	return strbuf_detach(&sb, NULL);
}

void kdx_store_set_identity(kdx_store *s, const char *arn)
{
	free(s->identity);
	s->identity = arn ? xstrdup(arn) : NULL;
}
