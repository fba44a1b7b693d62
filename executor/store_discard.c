/* store_discard: the store of kdx simulate and dry runs -- runs are created and appended to
 * in order (so the scheduler runs exactly as in apply), nothing is kept, locks are free. */
#include "store.h"

#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct discard_run {
	kdx_store_run base;
	uint64_t seq;
} discard_run;

static kdx_store_run *new_run(kdx_store *s, const char *run_id)
{
	discard_run *r = xcalloc(1, sizeof(*r));
	r->base.store = s;
	r->base.run_id = xstrdup(run_id);
	return &r->base;
}

static int d_create(kdx_store *s, kdx_run_ident *id, kdx_store_run **out, strbuf *err)
{
	if (!id->run_id)
		id->run_id = xstrdup("(no journal)");
	*out = new_run(s, id->run_id);
	return 0;
}

static int d_open(kdx_store *s, const char *run_id, const kdx_store_tail *tail,
		  kdx_store_run **out, strbuf *err)
{
	*out = new_run(s, run_id);
	((discard_run *)*out)->seq = tail->last_seq;
	return 0;
}

static int d_append(kdx_store_run *base, const kdx_lease *lease, uint64_t seq, const char *rec,
		    size_t len, bool sync, strbuf *err)
{
	discard_run *r = (discard_run *)base;
	if (seq != r->seq + 1) {
		strbuf_addf(err, "record %llu out of sequence (internal error)",
			    (unsigned long long)seq);
		return KDX_STORE_CONFLICT;
	}
	r->seq = seq;
	return 0;
}

static int d_sync(kdx_store_run *r, strbuf *err)
{
	return 0;
}

static void d_close(kdx_store_run *r)
{
	free(r->run_id);
	free(r);
}

static int d_read(kdx_store *s, const char *run_id, size_t max, strbuf *out, strbuf *err)
{
	strbuf_addf(err, "run '%s' was not kept (simulations and dry runs keep no journal)",
		    run_id);
	return -1;
}

static int d_list(kdx_store *s, const char *key, kdx_names *ids, strbuf *err)
{
	return 0;
}

static void d_describe(kdx_store *s, const char *run_id, strbuf *out)
{
	strbuf_addstr(out, "(no journal)");
}

static int d_lock_take(kdx_store *s, const char *name, int64_t ttl_ms, kdx_lease *l,
		       strbuf *err)
{
	free(l->name);
	l->name = xstrdup(name);
	return 0;
}

static int d_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err)
{
	return 0;
}

static void d_lock_release(kdx_store *s, kdx_lease *l)
{
}

static int d_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err)
{
	strbuf_addf(err, "lock '%s' is not held", name);
	return -1;
}

static kdx_lease_liveness d_lock_check(kdx_store *s, const char *name, const kdx_lease *l)
{
	return KDX_LEASE_STALE;
}

static int d_lock_break(kdx_store *s, const char *name, strbuf *err)
{
	return 0;
}

static int d_approval_put(kdx_store *s, const char *run_id, const char *step, const char *by,
			  strbuf *err)
{
	return 0;
}

static int d_approval_list(kdx_store *s, const char *run_id, kdx_names *out, strbuf *err)
{
	return 0;
}

static void d_free(kdx_store *s)
{
	free(s);
}

static const kdx_store_ops discard_ops = {
	.scheme = "discard",
	.create = d_create,
	.open = d_open,
	.append = d_append,
	.sync = d_sync,
	.close = d_close,
	.read = d_read,
	.list = d_list,
	.describe = d_describe,
	.lock_take = d_lock_take,
	.lock_renew = d_lock_renew,
	.lock_release = d_lock_release,
	.lock_read = d_lock_read,
	.lock_check = d_lock_check,
	.lock_break = d_lock_break,
	.approval_put = d_approval_put,
	.approval_list = d_approval_list,
	.free = d_free,
};

kdx_store *kdx_store_open_discard(void)
{
	kdx_store *s = xcalloc(1, sizeof(*s));
	s->ops = &discard_ops;
	return s;
}
