/* approval_rec: the approval record's one schema (written and read here only) and the
 * caller identity an approver is known by. */
#include "approval_rec.h"

#include "../common/json.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

void kdx_approval_rec_init(kdx_approval_rec *r)
{
	memset(r, 0, sizeof(*r));
}

void kdx_approval_rec_release(kdx_approval_rec *r)
{
	free(r->step);
	free(r->identity);
	free(r->user);
	free(r->host);
	free(r->at);
	free(r->comment);
	kdx_approval_rec_init(r);
}

void kdx_approval_rec_stamp(kdx_approval_rec *r)
{
	/* the same user, host and clock a run's identity is stamped with */
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	kdx_run_ident_stamp(&id);
	free(r->user);
	free(r->host);
	free(r->at);
	r->user = id.created_by;
	r->host = id.created_on;
	r->at = id.created_at;
	id.created_by = id.created_on = id.created_at = NULL;
	kdx_run_ident_release(&id);
}

char *kdx_approval_rec_encode(const kdx_approval_rec *r)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "decision", r->deny ? "deny" : "approve");
	kdx_json_set_str(o, "identity", r->identity ? r->identity : "unknown");
	kdx_json_set_str_or_null(o, "user", r->user);
	kdx_json_set_str_or_null(o, "host", r->host);
	kdx_json_set_str_or_null(o, "at", r->at);
	kdx_json_set_str_or_null(o, "comment", r->comment);
	strbuf sb = STRBUF_INIT;
	kdx_json_write(&sb, o);
	kdx_json_free(o);
	return strbuf_detach(&sb, NULL);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int kdx_approval_rec_decode(const char *item, kdx_approval_rec *r)
{
	const char *tab = strchr(item, '\t');
	if (!tab || tab == item)
		return -1;
	kdx_approval_rec_release(r);
	r->step = xstrndup(item, (size_t)(tab - item));
	const char *by = tab + 1;
	strbuf err = STRBUF_INIT;
	kdx_json *o = *by == '{' ? kdx_json_parse_str(by, &err) : NULL;
	strbuf_release(&err);
	if (!o || !kdx_json_is_object(o)) {
		/* a record from before identities: a name, and an approval */
		kdx_json_free(o);
		r->identity = xstrdup(by);
		return 0;
	}
	const char *d = kdx_json_str(o, "decision");
	r->deny = d && !strcmp(d, "deny");
	const char *id = kdx_json_str(o, "identity");
	r->identity = xstrdup(id ? id : "unknown");
	r->user = dup_or_null(kdx_json_str(o, "user"));
	r->host = dup_or_null(kdx_json_str(o, "host"));
	r->at = dup_or_null(kdx_json_str(o, "at"));
	r->comment = dup_or_null(kdx_json_str(o, "comment"));
	kdx_json_free(o);
	return 0;
}

void kdx_approval_rec_describe(strbuf *out, const kdx_approval_rec *r)
{
	strbuf_addstr(out, r->identity ? r->identity : "unknown");
	if (!r->user && !r->at)
		return;
	strbuf_addf(out, " (%s@%s", r->user ? r->user : "?", r->host ? r->host : "?");
	if (r->at)
		strbuf_addf(out, ", at %s", r->at);
	if (r->comment && *r->comment)
		strbuf_addf(out, ": \"%s\"", r->comment);
	strbuf_addch(out, ')');
}

int kdx_approval_rec_put(kdx_store *s, const char *run_id, const kdx_approval_rec *r,
			 strbuf *err)
{
	char *by = kdx_approval_rec_encode(r);
	int rc = kdx_store_approval_put(s, run_id, r->step, by, err);
	free(by);
	return rc;
}
