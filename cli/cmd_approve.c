/* kdx approve [-deny] RUN STEP: approve (or deny) the gate of STEP in a run, from anywhere
 * that can reach the run's store; the record names the approver by AWS caller identity,
 * OS user and host. The waiting apply polls the store for it (executor/approvals.h). */
#include "cli.h"
#include "../common/json.h"

#include <json-c/json.h>

#include "../common/xalloc.h"
#include "../executor/approval_rec.h"
#include "../executor/journal.h"
#include "../executor/store/store_open.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_approve(const kdx_command *cmd, void *opts, kdx_strlist *pos);

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "kdx: error: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return KDX_EXIT_ERROR;
}

/* The run's gates from its run_start (kdx_rb_meta's "approval_gates": step -> min): 0 when
 * step is one (*min set), else -1 with the gated steps named in names. */
static int find_gate(const kdx_journal_state *st, const char *step, int64_t *min, strbuf *names)
{
	json_object *m = st->meta ? kdx_json_parse_str(st->meta, NULL) : NULL, *g = NULL;
	int rc = -1;
	if (m && json_object_object_get_ex(m, "approval_gates", &g) &&
	    json_object_is_type(g, json_type_object)) {
		json_object_object_foreach(g, name, v) {
			if (!strcmp(name, step)) {
				*min = json_object_get_int64(v);
				rc = 0;
			}
			strbuf_addf(names, "%s'%s'", names->len ? ", " : "", name);
		}
	}
	json_object_put(m);
	return rc;
}

typedef struct approve_args {
	const char *state, *state_dir, *comment;
	bool deny;
} approve_args;

#define F(field, name, kind, arg, help) KDX_FLAG(approve_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(deny, "deny", KDX_FLAG_BOOL, NULL, "deny instead: the run stops at STEP and rolls back"),
	F(comment, "comment", KDX_FLAG_STRING, "TEXT", "why (kept with the record, shown by kdx show)"),
	F(state, "state", KDX_FLAG_STRING, "URL", "the run store (default: $KDX_STATE, then file://.kdx)"),
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR", "a file store's directory"),
	{ 0 },
};
#undef F
const kdx_options cmd_approve_opts = { flags, sizeof(approve_args), NULL };

int cmd_approve(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	approve_args *a = opts;
	int rc;
	if (pos->n != 2)
		return kdx_usage_error(cmd, "approve takes a RUN and a STEP");
	const char *run = pos->items[0], *step = pos->items[1];
	strbuf url = STRBUF_INIT, err = STRBUF_INIT, warn = STRBUF_INIT, arn = STRBUF_INIT,
	       names = STRBUF_INIT;
	const char *env = getenv("KDX_STATE");
	if (a->state)
		strbuf_addstr(&url, a->state);
	else if (a->state_dir)
		strbuf_addf(&url, "file://%s", a->state_dir);
	else
		strbuf_addstr(&url, env && *env ? env : "file://.kdx");
	kdx_store *s = NULL;
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	kdx_approval_rec r;
	kdx_approval_rec_init(&r);
	rc = KDX_EXIT_ERROR;
	if (kdx_store_open_url(url.buf, &s, &err) < 0) {
		fail("%s", err.buf);
		goto out;
	}
	if (kdx_journal_read_run(s, run, &st, &warn, &err) < 0 && !st.nrecords) {
		fail("no run '%s' in the store '%s' (kdx state list -state %s lists its runs)", run,
		     url.buf, url.buf);
		goto out;
	}
	int64_t min = 1;
	if (find_gate(&st, step, &min, &names) < 0) {
		if (names.len)
			fail("step '%s' of run '%s' has no approval gate; the steps that wait for "
			     "approval are %s", step, run, names.buf);
		else
			fail("step '%s' of run '%s' has no approval gate, and no step of that run "
			     "waits for approval", step, run);
		goto out;
	}
	if (st.ended) {
		fail("run '%s' has finished (%s): there is nothing left to approve", run,
		     st.end_status ? st.end_status : "ended");
		goto out;
	}
	if (kdx_store_caller_arn(NULL, &arn, &err) < 0) {
		fail("cannot tell who approves (an approval names its AWS identity): %s", err.buf);
		goto out;
	}
	r.step = xstrdup(step);
	r.deny = a->deny;
	r.identity = strbuf_detach(&arn, NULL);
	r.comment = a->comment ? xstrdup(a->comment) : NULL;
	kdx_approval_rec_stamp(&r);
	if (kdx_approval_rec_put(s, run, &r, &err) < 0) {
		fail("cannot record the %s: %s", a->deny ? "denial" : "approval", err.buf);
		goto out;
	}
	printf("%s step '%s' of run '%s' as %s (the gate needs %lld distinct approver%s other "
	       "than the runner)\n", a->deny ? "denied" : "approved", step, run, r.identity,
	       (long long)min, min == 1 ? "" : "s");
	rc = KDX_EXIT_OK;
out:
	kdx_approval_rec_release(&r);
	kdx_journal_state_release(&st);
	kdx_store_free(s);
	strbuf_release(&url);
	strbuf_release(&err);
	strbuf_release(&warn);
	strbuf_release(&arn);
	strbuf_release(&names);
	return rc;
}
