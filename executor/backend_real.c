/* backend_real: worker threads running the interpreter for the scheduler (backend_real.h).
 * Why threads and not one event loop: the interpreter is a tree walk with nested action calls,
 * waits and polls; making it resumable would turn every level into a state machine. A
 * thread per running attempt keeps it a plain recursive function, the scheduler stays
 * single-threaded (it only ever hears from workers through the pipe), and -parallelism
 * bounds the threads. */
#include "backend_real.h"
#include "interp_int.h"

#include "../common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct kdx_job {
	kdx_real_backend *b;
	kdx_sched *s;
	kdx_op *op;                 /* scheduler's; not touched after a cancel */
	const kdx_step *step;
	kdx_phase phase;
	char *token, *snapshot;     /* copies: the op may go away on cancel */
	atomic_int cancel;
	atomic_int sent;            /* a mutating request may have gone out (kdx_interp.sent) */
	bool cancelled;             /* scheduler's thread only */
	pthread_t th;
	/* results, written by the worker before it posts MSG_DONE */
	bool ok;
	char *output, *error, *log;
	int requests, mutations;
	struct kdx_job *next;
} kdx_job;

enum { MSG_DONE = 1, MSG_WAITING, MSG_OBSERVED };
typedef struct msg {
	int type;
	kdx_job *job;
	char *text;                 /* MSG_WAITING: what it waits for (the reader frees it) */
} msg;

static void post(kdx_job *j, int type, char *text)
{
	msg m;
	memset(&m, 0, sizeof(m)); /* no uninitialised padding through the pipe */
	m.type = type;
	m.job = j;
	m.text = text;
	ssize_t n;
	do
		n = write(j->b->pipefd[1], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
}

/* ---- one attempt, on a worker thread ---- */

static int step_lookup(void *ud, const char *name, kdx_arena *a, kdx_value **out)
{
	kdx_real_backend *b = ud;
	const kdx_plan *p = kdx_runtime_plan(&b->rt);
	int rc = -1;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < p->nsteps; i++) {
		if (strcmp(p->steps[i].name, name) || !b->outputs[i])
			continue;
		strbuf err = STRBUF_INIT;
		*out = kdx_value_from_json(a, b->outputs[i], strlen(b->outputs[i]), &err);
		strbuf_release(&err);
		rc = *out ? 0 : -1;
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

static void on_waiting(void *ud, const char *what)
{
	post(ud, MSG_WAITING, xstrdup(what));
}

static void on_observed(void *ud, const char *what)
{
	post(ud, MSG_OBSERVED, xstrdup(what));
}

int kdx_real_run_step(kdx_interp *in, const kdx_step *st, kdx_phase phase,
		      const char *snapshot, kdx_value **ret)
{
	return kdx_interp_run_step(in, st, phase, snapshot, ret);
}

static void *worker(void *arg)
{
	kdx_job *j = arg;
	kdx_interp in;
	kdx_interp_init(&in, &j->b->rt);
	in.shared = &j->b->models;
	in.cancel = &j->cancel;
	in.sent = &j->sent;
	in.token = j->token;
	in.step = j->step->name;
	in.waiting = on_waiting;
	in.observe = on_observed;
	in.waiting_ud = j;
	in.step_lookup = step_lookup;
	in.step_ud = j->b;
	kdx_value *ret = NULL;
	int rc = kdx_real_run_step(&in, j->step, j->phase, j->snapshot, &ret);
	j->ok = rc == 0;
	if (rc == 0) {
		strbuf sb = STRBUF_INIT;
		kdx_value_to_json(&sb, ret ? ret : kdx_value_null(&in.arena));
		j->output = strbuf_detach(&sb, NULL);
	} else {
		j->error = xstrdup(in.err.len ? in.err.buf : "failed");
	}
	if (in.log.len)
		j->log = xstrdup(in.log.buf);
	j->requests = in.requests;
	j->mutations = in.mutations;
	kdx_interp_release(&in);
	post(j, MSG_DONE, NULL);
	return NULL;
}

/* ---- the vtable ---- */

static void job_free(kdx_job *j)
{
	free(j->token);
	free(j->snapshot);
	free(j->output);
	free(j->error);
	free(j->log);
	free(j);
}

static int be_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	kdx_real_backend *b = ctx;
	kdx_job *j = xcalloc(1, sizeof(*j));
	j->b = b;
	j->s = s;
	j->op = op;
	j->step = op->step;
	j->phase = op->phase;
	j->token = op->token ? xstrdup(op->token) : NULL;
	j->snapshot = op->snapshot ? xstrdup(op->snapshot) : NULL;
	atomic_init(&j->cancel, 0);
	atomic_init(&j->sent, 0);
	op->be_data = j;
	int e = pthread_create(&j->th, NULL, worker, j);
	if (e) {
		strbuf_addf(err, "cannot start a worker thread: %s", strerror(e));
		job_free(j);
		op->be_data = NULL;
		return -1;
	}
	j->next = b->jobs;
	b->jobs = j;
	return 0;
}

static void be_cancel(void *ctx, kdx_op *op)
{
	(void)ctx;
	kdx_job *j = op->be_data;
	if (!j)
		return;
	atomic_store(&j->cancel, 1);
	/* after the cancel is set: a request the worker did not mark yet will not go out */
	op->sent = atomic_load(&j->sent) != 0;
	j->cancelled = true;
	j->op = NULL;
	op->be_data = NULL;
}

static void unlink_job(kdx_real_backend *b, kdx_job *j)
{
	for (kdx_job **p = &b->jobs; *p; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			return;
		}
}

static void finish(kdx_real_backend *b, kdx_job *j)
{
	pthread_join(j->th, NULL);
	unlink_job(b, j);
	b->requests += j->requests;
	b->mutations += j->mutations;
	if (!j->cancelled) {
		if (j->log && b->on_log)
			b->on_log(b->log_ud, j->step, j->phase, j->log);
		if (j->ok && j->phase == KDX_PHASE_DO) {
			size_t i = j->op->index;
			pthread_mutex_lock(&b->mu);
			free(b->outputs[i]);
			b->outputs[i] = xstrdup(j->output);
			pthread_mutex_unlock(&b->mu);
		}
		kdx_op *op = j->op;
		op->be_data = NULL;
		op->sent = atomic_load(&j->sent) != 0;
		kdx_sched_complete(j->s, op, j->ok, j->output, NULL, j->error);
	}
	job_free(j);
}

static int be_poll(void *ctx, int64_t timeout_ms)
{
	kdx_real_backend *b = ctx;
	struct pollfd pfd = { .fd = b->pipefd[0], .events = POLLIN };
	int t = timeout_ms < 0 ? -1 : timeout_ms > 1000000 ? 1000000 : (int)timeout_ms;
	int n = poll(&pfd, 1, t);
	if (n <= 0)
		return n < 0 && errno != EINTR ? -1 : 0;
	int delivered = 0;
	msg m;
	while (read(b->pipefd[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m.type == MSG_WAITING || m.type == MSG_OBSERVED) {
			if (m.job->cancelled)
				;
			else if (m.type == MSG_WAITING)
				kdx_sched_waiting(m.job->s, m.job->op, m.text);
			else
				kdx_sched_observed(m.job->s, m.job->op, m.text);
			free(m.text);
		} else {
			finish(b, m.job);
			delivered++;
		}
	}
	return delivered;
}

static kdx_precheck be_precheck(void *ctx, const kdx_step *st, strbuf *why)
{
	kdx_real_backend *b = ctx;
	return kdx_interp_precheck(&b->main, st, why);
}

static int be_snapshot(void *ctx, const kdx_step *st, strbuf *out, strbuf *err)
{
	kdx_real_backend *b = ctx;
	kdx_interp *in = &b->main;
	kdx_interp_reset(in);
	kdx_value *snap;
	if (kdx_interp_step_snapshot(in, st, &snap) < 0) {
		strbuf_addf(err, "snapshot before '%s': %s", st->name, in->err.buf);
		return -1;
	}
	if (snap && snap->u.map.n)
		kdx_value_to_json(out, snap);
	return 0;
}

static kdx_recon be_reconcile(void *ctx, const kdx_step *st, kdx_phase phase, const char *token,
			      const char *snapshot, strbuf *why)
{
	kdx_real_backend *b = ctx;
	kdx_interp *in = &b->main;
	kdx_interp_reset(in);
	const char *action = phase == KDX_PHASE_DO ? st->action : st->undo_action;
	int r = kdx_interp_step_verify(in, st, phase, snapshot, token);
	switch (r) {
	case 1:
		strbuf_addf(why, "live state shows the change of '%s' was made", action);
		return KDX_RECON_DONE;
	case 0:
		strbuf_addf(why, "live state shows the change of '%s' was not made", action);
		return KDX_RECON_NOT_DONE;
	case 2: {
		const char *why_text = phase == KDX_PHASE_DO ? st->unverifiable_why
							     : st->undo_unverifiable_why;
		/* unverifiable and repeatable (a notification): a second copy carries the same
		 * run id and step, so receivers can drop it -- send it again */
		if (phase == KDX_PHASE_DO ? st->repeatable : st->undo_repeatable) {
			strbuf_addf(why, "'%s' cannot be read back and is repeatable: sending it again "
				    "(with the same run id and step)", action);
			return KDX_RECON_NOT_DONE;
		}
		strbuf_addf(why, "'%s' cannot be verified (%s); check the live state by hand, then "
			    "run 'kdx resume' again or 'kdx rollback'", action,
			    why_text ? why_text : "it declares no `verify`");
		return KDX_RECON_UNKNOWN;
	}
	case 3:
		strbuf_addstr(why, "the step has no action to check");
		return KDX_RECON_UNKNOWN;
	case -2:
		strbuf_addf(why, "%s", in->err.buf);
		return KDX_RECON_UNKNOWN;
	default:
		strbuf_addf(why, "cannot read the live state: %s", in->err.buf);
		return KDX_RECON_UNKNOWN;
	}
}

/* The runbook's `stop_on = [alarm, ...]` (kdx_plan.stop_on): each alarm's state is read
 * with cloudwatch.alarm_state (KDX_STOP_ON_ACTION); one in ALARM stops the run. */
static int be_stop_check(void *ctx, strbuf *reason)
{
	kdx_real_backend *b = ctx;
	const kdx_plan *p = kdx_runtime_plan(&b->rt);
	kdx_interp *in = &b->main;
	kdx_interp_reset(in);
	for (size_t i = 0; i < p->nstop_on; i++) {
		kdx_value *alarm = p->resources[p->stop_on[i]].attrs, *state;
		const kdx_value *name = kdx_value_get(alarm, "name");
		int r = kdx_interp_call_named(in, KDX_STOP_ON_ACTION, &alarm, 1, &state);
		if (r > 0) {
			strbuf_addstr(reason, "stop_on needs import \"aws/cloudwatch\"");
			return -1;
		}
		if (r < 0) {
			strbuf_addf(reason, "cannot read alarm '%s': %s",
				    name ? kdx_value_text(name) : "?", in->err.buf);
			return -1;
		}
		const char *s = kdx_value_text(state);
		if (s && !strcmp(s, "ALARM")) {
			strbuf_addf(reason, "alarm '%s' is in ALARM", name ? kdx_value_text(name) : "?");
			return 1;
		}
	}
	return 0;
}

void kdx_real_backend_stop_on(kdx_real_backend *b, strbuf *out)
{
	const kdx_plan *p = kdx_runtime_plan(&b->rt);
	for (size_t i = 0; i < p->nstop_on; i++) {
		const kdx_value *name = kdx_value_get(p->resources[p->stop_on[i]].attrs, "name");
		strbuf_addf(out, "%s%s", i ? ", " : "", name ? kdx_value_text(name) : "?");
	}
}

static void free_outputs(kdx_real_backend *b)
{
	for (size_t i = 0; b->outputs && i < b->noutputs; i++)
		free(b->outputs[i]);
	free(b->outputs);
	b->outputs = NULL;
}

void kdx_real_backend_use_plan(kdx_real_backend *b, const kdx_runtime *rt)
{
	free_outputs(b);
	b->rt.plan = rt->plan;
	b->rt.res = rt->res;
	b->rt.nres = rt->nres;
	b->rt.genv = rt->genv;
	b->rt.scopes = rt->scopes;
	b->rt.nscopes = rt->nscopes;
	b->rt.regions = rt->regions;
	b->rt.nregions = rt->nregions;
	b->rt.sources = rt->sources;
	b->noutputs = kdx_runtime_plan(rt)->nsteps;
	b->outputs = xcalloc(b->noutputs + 1, sizeof(char *));
}

int kdx_real_backend_init(kdx_real_backend *b, const kdx_runtime *rt, strbuf *err)
{
	memset(b, 0, sizeof(*b));
	b->rt = *rt;
	kdx_reqlog_init(&b->reqlog);
	b->rt.requests = &b->reqlog;
	if (pipe2(b->pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_init(&b->mu, NULL);
	kdx_interp_init(&b->main, &b->rt);
	kdx_shared_models_init(&b->models);
	b->main.shared = &b->models;
	b->noutputs = kdx_runtime_plan(rt)->nsteps;
	b->outputs = xcalloc(b->noutputs + 1, sizeof(char *));
	b->be = (kdx_backend){
		.ctx = b, .precheck = be_precheck, .snapshot = be_snapshot, .start = be_start,
		.cancel = be_cancel, .poll = be_poll, .reconcile = be_reconcile,
		.stop_check = be_stop_check,
	};
	return 0;
}

void kdx_real_backend_release(kdx_real_backend *b)
{
	for (kdx_job *j = b->jobs; j; j = j->next) {
		atomic_store(&j->cancel, 1);
		j->cancelled = true;
	}
	while (b->jobs) {
		struct pollfd pfd = { .fd = b->pipefd[0], .events = POLLIN };
		(void)poll(&pfd, 1, 1000);
		msg m;
		while (read(b->pipefd[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
			if (m.type != MSG_DONE)
				free(m.text);
			else
				finish(b, m.job);
		}
	}
	close(b->pipefd[0]);
	close(b->pipefd[1]);
	kdx_interp_release(&b->main);
	kdx_shared_models_release(&b->models);
	free_outputs(b);
	pthread_mutex_destroy(&b->mu);
	kdx_reqlog_release(&b->reqlog);
}
