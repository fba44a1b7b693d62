/* sched_run: the scheduler's entry points -- apply, resume, rollback -- and what frames a
 * run: set-up (run id, idempotency tokens, successor lists), run_start, the passes, run_end. */
#include "sched_int.h"

#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

const char *kdx_run_status_name(kdx_run_status st)
{
	static const char *const names[] = { "ok", "degraded", "rolled_back",
					      "rollback_incomplete", "paused", "aborted" };
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

/* Every step's two idempotency tokens, "kdx-<run id>-<crc32c of the name>-d|u", in one
 * buffer: built without printf, as a simulation builds them once per run. */
static void make_tokens(kdx_sched *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t idlen = strlen(s->run_id), len = 4 + idlen + 1 + 8 + 2 + 1;
	s->tokbuf = xmalloc(2 * (s->n ? s->n : 1) * len);
	for (size_t i = 0; i < s->n; i++) {
		const char *name = s->plan->steps[i].name;
		uint32_t h = kdx_crc32c(name, strlen(name));
		for (int ph = 0; ph < 2; ph++) {
			char *t = s->tokbuf + (2 * i + (size_t)ph) * len, *p = t;
			memcpy(p, "kdx-", 4);
			memcpy(p + 4, s->run_id, idlen);
			p += 4 + idlen;
			*p++ = '-';
			for (int k = 7; k >= 0; k--)
				*p++ = hex[(h >> (4 * k)) & 15];
			*p++ = '-';
			*p++ = ph == KDX_PHASE_DO ? 'd' : 'u';
			*p = '\0';
			s->r[i].token[ph] = t;
		}
	}
}

/* A run id must not repeat: tokens built from it tell AWS "this request was already made". */
static char *new_run_id(void)
{
	unsigned char b[8];
	strbuf id = STRBUF_INIT;
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		strbuf_addf(&id, "%lx%09lx%lx", (long)ts.tv_sec, (long)ts.tv_nsec, (long)getpid());
		return strbuf_detach(&id, NULL);
	}
	for (size_t k = 0; k < sizeof(b); k++)
		strbuf_addf(&id, "%02x", b[k]);
	return strbuf_detach(&id, NULL);
}

static void sched_init(kdx_sched *s, const kdx_plan *plan, const kdx_backend *be,
		       kdx_clock *clk, kdx_journal *j, const kdx_sched_opts *o,
		       kdx_run_result *res, strbuf *err, const char *run_id)
{
	memset(s, 0, sizeof(*s));
	s->plan = plan;
	s->be = be;
	s->clk = clk;
	s->j = j;
	s->o = *o;
	if (s->o.parallelism <= 0)
		s->o.parallelism = 10;
	if (s->o.stop_interval_ms <= 0)
		s->o.stop_interval_ms = 5000;
	if (s->o.backoff_cap_ms <= 0)
		s->o.backoff_cap_ms = 300000;
	memset(res, 0, sizeof(*res));
	s->res = res;
	s->err = err;
	s->dirty = true;
	/* A discard journal without secrets to watch for drops records unread: do not build
	 * their data (with secrets registered, the canary must still see it). */
	s->jdata = !(j->discard && j->nsecrets == 0);
	s->run_id = run_id ? xstrdup(run_id) : new_run_id();
	s->n = plan->nsteps;
	s->r = xcalloc(s->n ? s->n : 1, sizeof(*s->r));
	for (size_t i = 0; i < s->n; i++) {
		s->r[i].op.step = &plan->steps[i];
		s->r[i].op.index = i;
	}
	make_tokens(s);
	/* successor lists, all in one array */
	size_t nedges = 0;
	for (size_t i = 0; i < s->n; i++) {
		nedges += plan->steps[i].npreds;
		for (size_t k = 0; k < plan->steps[i].npreds; k++)
			s->r[plan->steps[i].preds[k].from].asucc++;
	}
	s->succbuf = xmalloc((nedges ? nedges : 1) * sizeof(size_t));
	for (size_t i = 0, at = 0; i < s->n; i++) {
		s->r[i].succ = s->succbuf + at;
		at += s->r[i].asucc;
	}
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < plan->steps[i].npreds; k++) {
			kdx_srun *p = &s->r[plan->steps[i].preds[k].from];
			p->succ[p->nsucc++] = i;
		}
	s->t0 = kdx_clock_now(clk);
	s->last_stop_check = s->t0 - s->o.stop_interval_ms;
}

static void sched_release(kdx_sched *s)
{
	for (size_t i = 0; i < s->n; i++) {
		kdx_srun *r = &s->r[i];
		if (r->active && s->be->cancel)
			s->be->cancel(s->be->ctx, &r->op);
		free(r->error);
		free(r->output);
		free(r->snapshot);
		free(r->seen);
	}
	free(s->r);
	free(s->run_id);
	if (!s->forked) {
		free(s->tokbuf);
		free(s->succbuf);
	}
	kdx_sheap *heaps[] = { &s->ready, &s->retry, &s->dl, &s->pend, &s->fin, &s->usweep,
			       &s->unext };
	for (size_t k = 0; k < sizeof(heaps) / sizeof(heaps[0]); k++)
		kdx_sheap_release(heaps[k]);
}

/* Why a change stays in place after this run, and what finishes it; NULL if it does not
 * (undone, never made, or nothing to undo). */
static const char *in_place(const kdx_sched *s, const kdx_srun *r, strbuf *why)
{
	const kdx_step *st = r->op.step;
	const char *jp = s->j->path ? s->j->path : "JOURNAL";
	bool changed = (r->f == F_DONE && st->mutating) || r->doubt;
	if (!changed)
		return NULL;
	if (!s->rollback) {
		if (!r->doubt)
			return NULL;
		strbuf_addf(why, "in doubt: a failed attempt may have changed it and live state "
			    "could not say; 'kdx rollback -journal %s' reads it back and undoes it, "
			    "or check it by hand", jp);
		return why->buf;
	}
	switch (r->u) {
	case U_DONE:
	case U_CLEAR:
	case U_NA:
		return NULL;
	case U_SKIPPED:
		strbuf_addf(why, "%s: kdx cannot put it back; restore it by hand if it must go",
			    r->doubt ? "in doubt and cannot be undone" :
			    st->irreversible ? "irreversible" : "has no undo");
		break;
	case U_FAILED:
		strbuf_addf(why, "its undo failed%s%s; mend the cause, then 'kdx rollback -journal %s'",
			    r->error ? ": " : "", r->error ? r->error : "", jp);
		break;
	case U_BLOCKED:
		strbuf_addf(why, "not undone: an undo after it did not complete; 'kdx rollback "
			    "-journal %s' once that is mended", jp);
		break;
	default:
		strbuf_addf(why, "not undone yet%s; 'kdx rollback -journal %s' finishes it",
			    r->doubt ? " (in doubt)" : "", jp);
		break;
	}
	return why->buf;
}

static int finish_run(kdx_sched *s)
{
	kdx_run_result *res = s->res;
	res->elapsed_ms = kdx_sched_elapsed(s);
	if (s->aborted) {
		res->status = KDX_RUN_ABORTED;
		return -1;
	}
	/* The status says no more than was verified: every change made, or perhaps made, by
	 * this run is either verified undone or named here with what finishes it. */
	res->in_place = 0;
	strbuf why = STRBUF_INIT;
	for (size_t i = 0; i < s->n; i++) {
		strbuf_reset(&why);
		if (!in_place(s, &s->r[i], &why))
			continue;
		res->in_place++;
		kdx_sched_emit(s, KDX_EV_IN_PLACE, &s->r[i], why.buf, NULL);
	}
	strbuf_release(&why);
	if (s->rollback)
		res->status = res->in_place || res->undo_failed || s->unknown
				      ? KDX_RUN_ROLLBACK_INCOMPLETE
				      : KDX_RUN_ROLLED_BACK;
	else if (s->paused)
		res->status = KDX_RUN_PAUSED;
	else
		res->status = res->failed || res->in_place ? KDX_RUN_DEGRADED : KDX_RUN_OK;
	const char *st = kdx_run_status_name(res->status);
	if (res->status == KDX_RUN_PAUSED) {
		if (kdx_sched_jrec_sync(s, KDX_J_PAUSED, NULL, NULL) < 0)
			return -1;
		kdx_sched_emit(s, KDX_EV_PAUSED, NULL,
			       "run paused; fix the cause, then run 'kdx resume' or 'kdx rollback'",
			       NULL);
	}
	kdx_json *d = kdx_json_object();
	kdx_json_set_str(d, "status", st);
	kdx_json_set_int(d, "elapsed_ms", res->elapsed_ms);
	kdx_json_set_int(d, "done", (int64_t)res->done);
	kdx_json_set_int(d, "failed", (int64_t)res->failed);
	kdx_json_set_int(d, "skipped", (int64_t)res->skipped);
	kdx_json_set_int(d, "undone", (int64_t)res->undone);
	kdx_json_set_int(d, "not_undone", (int64_t)res->not_undone);
	kdx_json_set_int(d, "undo_failed", (int64_t)res->undo_failed);
	kdx_json_set_int(d, "in_place", (int64_t)res->in_place);
	int rc = kdx_sched_jdoc(s, KDX_J_RUN_END, NULL, d, true);
	if (rc < 0) {
		res->status = KDX_RUN_ABORTED;
		return -1;
	}
	kdx_sched_emit(s, KDX_EV_RUN_END, NULL, NULL, st);
	return 0;
}

/* Forward pass, then the rollback pass if one was started, then run_end. */
static int run(kdx_sched *s)
{
	if (!s->rollback)
		kdx_sched_forward(s);
	if (s->rollback && !s->aborted) {
		kdx_sched_undo_init(s);
		kdx_sched_undo_loop(s);
	}
	return finish_run(s);
}

static kdx_json *run_start_data(const kdx_sched *s, const kdx_plan *plan,
				const kdx_sched_opts *o, const char *run_id)
{
	kdx_json *d = kdx_sched_jdata(s);
	kdx_json_set_str(d, "command", o->command ? o->command : "apply");
	kdx_json_set_str(d, "run_id", run_id);
	kdx_json_set_str(d, "runbook", plan->path ? plan->path : "");
	kdx_json_set_str(d, "name", plan->name ? plan->name : "");
	kdx_json_set_str(d, "env", plan->environment);
	if (plan->mode)
		kdx_json_set_str(d, "mode", plan->mode);
	if (plan->has_rto)
		kdx_json_set_int(d, "rto_ms", plan->rto_ms);
	kdx_json *steps = kdx_json_set_array(d, "steps");
	for (size_t i = 0; i < plan->nsteps; i++)
		kdx_json_push_str(steps, plan->steps[i].name);
	kdx_sched_jtext(d, "meta", o->meta_json);
	return d;
}

int kdx_sched_apply(const kdx_plan *plan, const kdx_backend *be, kdx_clock *clk,
		    kdx_journal *j, const kdx_sched_opts *o, kdx_run_result *res, strbuf *err)
{
	kdx_sched s;
	sched_init(&s, plan, be, clk, j, o, res, err, o->run_id);
	int rc = kdx_sched_jdoc(&s, KDX_J_RUN_START, NULL, run_start_data(&s, plan, &s.o, s.run_id),
				false);
	if (rc == 0) {
		kdx_event ev = { .kind = KDX_EV_RUN_START, .total = (int)plan->nsteps,
				 .rto_ms = plan->has_rto ? plan->rto_ms : 0,
				 .message = s.o.command ? s.o.command : "apply", .mode = plan->mode };
		if (s.o.sink.emit)
			s.o.sink.emit(s.o.sink.ctx, &ev);
		rc = run(&s);
	} else {
		res->status = KDX_RUN_ABORTED;
	}
	sched_release(&s);
	return rc;
}

static int recover(const kdx_plan *plan, const kdx_journal_state *st, const kdx_backend *be,
		   kdx_clock *clk, kdx_journal *j, const kdx_sched_opts *o,
		   kdx_run_result *res, strbuf *err, bool rollback)
{
	kdx_sched s;
	sched_init(&s, plan, be, clk, j, o, res, err, st->run_id);
	s.rollback = s.stopping = st->rollback;
	int rc = -1;
	kdx_json *d = kdx_json_object();
	kdx_json_set_str(d, "command", rollback ? "rollback" : "resume");
	kdx_json_set_int(d, "pid", (int64_t)getpid());
	if (kdx_sched_jdoc(&s, KDX_J_RESUME, NULL, d, false) < 0)
		goto out;
	if (kdx_sched_load_journal(&s, st, rollback || st->rollback || st->rollback_due) < 0) {
		res->status = KDX_RUN_ABORTED;
		goto out;
	}
	if (rollback && !s.rollback) {
		s.stopping = true;
		kdx_sched_begin_rollback(&s, "requested by 'kdx rollback'");
	} else if (st->rollback_due && !s.rollback) {
		s.stopping = true;
		kdx_sched_begin_rollback(&s, "the interrupted run had decided to roll back");
	}
	if (s.aborted) {
		res->status = KDX_RUN_ABORTED;
		goto out;
	}
	kdx_event ev = { .kind = KDX_EV_RUN_START, .total = (int)plan->nsteps,
			 .rto_ms = plan->has_rto ? plan->rto_ms : 0,
			 .message = rollback ? "rollback" : "resume", .mode = plan->mode };
	if (s.o.sink.emit)
		s.o.sink.emit(s.o.sink.ctx, &ev);
	rc = run(&s);
out:
	sched_release(&s);
	return rc;
}

int kdx_sched_resume(const kdx_plan *plan, const kdx_journal_state *st, const kdx_backend *be,
		     kdx_clock *clk, kdx_journal *j, const kdx_sched_opts *o,
		     kdx_run_result *res, strbuf *err)
{
	if (st->ended && !(st->end_status && !strcmp(st->end_status, "paused"))) {
		memset(res, 0, sizeof(*res));
		strbuf_addf(err, "the run in journal '%s' already finished (%s); nothing to resume",
			    j->path ? j->path : "?", st->end_status ? st->end_status : "ended");
		return -1;
	}
	return recover(plan, st, be, clk, j, o, res, err, false);
}

int kdx_sched_rollback(const kdx_plan *plan, const kdx_journal_state *st,
		       const kdx_backend *be, kdx_clock *clk, kdx_journal *j,
		       const kdx_sched_opts *o, kdx_run_result *res, strbuf *err)
{
	return recover(plan, st, be, clk, j, o, res, err, true);
}

/* ---- forking a run ---- */

size_t kdx_sched_npending(const kdx_sched *s)
{
	return s->pend.n;
}

const kdx_op *kdx_sched_pending(const kdx_sched *s, size_t k)
{
	return &s->r[s->pend.e[k].idx].op;
}

kdx_op *kdx_sched_op(kdx_sched *s, size_t i)
{
	return &s->r[i].op;
}

static char *dup_or_null(const char *p)
{
	return p ? xstrdup(p) : NULL;
}

static void copy_heap(kdx_sheap *dst, const kdx_sheap *src)
{
	dst->n = dst->a = src->n;
	dst->e = xmalloc((src->n ? src->n : 1) * sizeof(*dst->e));
	if (src->n)
		memcpy(dst->e, src->e, src->n * sizeof(*dst->e));
}

kdx_sched *kdx_sched_fork(const kdx_sched *s, const kdx_backend *be, kdx_clock *clk,
			  kdx_journal *j, const kdx_sched_opts *o, kdx_run_result *res,
			  strbuf *err)
{
	kdx_sched *f = xmalloc(sizeof(*f));
	*f = *s;
	f->forked = true;
	f->be = be;
	f->clk = clk;
	f->j = j;
	f->o.sink = o->sink;
	f->o.approve = o->approve;
	f->o.approve_ctx = o->approve_ctx;
	*res = *s->res;
	f->res = res;
	f->err = err;
	f->jdata = !(j->discard && j->nsecrets == 0);
	f->run_id = xstrdup(s->run_id);
	f->r = xmalloc((s->n ? s->n : 1) * sizeof(*f->r));
	memcpy(f->r, s->r, s->n * sizeof(*f->r));
	for (size_t i = 0; i < s->n; i++) {
		kdx_srun *r = &f->r[i];
		r->error = dup_or_null(r->error);
		r->output = dup_or_null(r->output);
		r->snapshot = dup_or_null(r->snapshot);
		r->seen = dup_or_null(r->seen);
		r->op.snapshot = r->snapshot;
	}
	copy_heap(&f->ready, &s->ready);
	copy_heap(&f->retry, &s->retry);
	copy_heap(&f->dl, &s->dl);
	copy_heap(&f->pend, &s->pend);
	copy_heap(&f->fin, &s->fin);
	copy_heap(&f->usweep, &s->usweep);
	copy_heap(&f->unext, &s->unext);
	return f;
}

/* The copy was made inside the forward pass (only do attempts fork, and they start there):
 * it goes on from the launch, then rolls back if it must, as run() would. */
int kdx_sched_finish(kdx_sched *f)
{
	kdx_sched_forward_at_launch(f);
	if (f->rollback && !f->aborted) {
		kdx_sched_undo_init(f);
		kdx_sched_undo_loop(f);
	}
	int rc = finish_run(f);
	sched_release(f);
	free(f);
	return rc;
}
