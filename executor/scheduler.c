/* scheduler: the single-threaded event loop and the forward pass of a run (start ready steps
 * up to the parallelism bound, preconditions, approvals, attempts, timeouts, retries, stop
 * conditions, the RTO deadline); the rollback pass and resume live in sched_undo.c, the
 * public entry points and a run's set-up and summary in sched_run.c. */
#include "sched_int.h"

#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int64_t kdx_sched_now(kdx_sched *s)
{
	return kdx_clock_now(s->clk);
}

int64_t kdx_sched_elapsed(kdx_sched *s)
{
	return kdx_sched_now(s) - s->t0 + s->o.elapsed_before_ms;
}

void kdx_sched_emit(kdx_sched *s, kdx_event_kind kind, const kdx_srun *r, const char *message,
		    const char *status)
{
	if (!s->o.sink.emit)
		return;
	kdx_event ev = { 0 };
	ev.kind = kind;
	ev.elapsed_ms = kdx_sched_elapsed(s);
	ev.rto_ms = s->plan->has_rto ? s->plan->rto_ms : 0;
	ev.message = message;
	ev.status = status;
	if (r) {
		ev.step = r->op.step->name;
		ev.attempt = r->attempt;
		ev.attempts = r->op.step->attempts > 0 ? r->op.step->attempts : 1;
		ev.delay_ms = r->retry_at - kdx_sched_now(s);
		ev.duration_ms = kdx_sched_now(s) - r->started;
	}
	s->o.sink.emit(s->o.sink.ctx, &ev);
}

/* Journal a record; a failure aborts the run: nothing more may be sent unrecorded. */
static int jwrite(kdx_sched *s, const char *kind, const kdx_srun *r, const char *data, bool sync)
{
	if (s->aborted)
		return -1;
	if (kdx_journal_write(s->j, kind, r ? r->op.step->name : NULL, data, sync, s->err) < 0) {
		s->aborted = s->stopping = true;
		return -1;
	}
	return 0;
}

kdx_json *kdx_sched_jdata(const kdx_sched *s)
{
	return s->jdata ? kdx_json_object() : NULL;
}

kdx_json *kdx_sched_jphase(const kdx_sched *s, kdx_phase phase, int attempt)
{
	kdx_json *d = kdx_sched_jdata(s);
	kdx_json_set_str(d, "phase", phase == KDX_PHASE_DO ? "do" : "undo");
	kdx_json_set_int(d, "attempt", attempt);
	return d;
}

void kdx_sched_jtext(kdx_json *d, const char *key, const char *json)
{
	if (!d || !json)
		return;
	strbuf perr = STRBUF_INIT;
	/* a backend's text that is not JSON would be refused by the journal: keep it as text */
	kdx_json *v = kdx_json_parse_str(json, &perr);
	kdx_json_set(d, key, v ? v : kdx_json_string(json));
	strbuf_release(&perr);
}

int kdx_sched_jdoc(kdx_sched *s, const char *kind, const kdx_srun *r, kdx_json *d, bool sync)
{
	strbuf t = STRBUF_INIT;
	if (d)
		kdx_json_write(&t, d);
	kdx_json_free(d);
	int rc = jwrite(s, kind, r, d ? t.buf : NULL, sync);
	strbuf_release(&t);
	return rc;
}

/* Records are written at once but fsync'd only before a request goes out (kdx_sched_launch)
 * and at the end of the run: one fsync per batch of requests, not one per record. */
int kdx_sched_jrec(kdx_sched *s, const char *kind, const kdx_srun *r, const char *data)
{
	return jwrite(s, kind, r, data, false);
}

int kdx_sched_jrec_sync(kdx_sched *s, const char *kind, const kdx_srun *r, const char *data)
{
	return jwrite(s, kind, r, data, true);
}

/* A backend calls this right before it sends a request: durable at once. */
int kdx_sched_record(kdx_sched *s, const kdx_op *op, const char *kind, const char *data_json)
{
	return jwrite(s, kind, &s->r[op->index], data_json, true);
}

void kdx_sched_waiting(kdx_sched *s, const kdx_op *op, const char *what)
{
	kdx_sched_emit(s, KDX_EV_STEP_WAITING, &s->r[op->index], what, NULL);
}

/* An attempt's end arrived: it is processed, in index order, by kdx_sched_process. */
static void mark_finished(kdx_sched *s, size_t i)
{
	s->r[i].finished = true;
	s->nfinished++;
	kdx_sheap_push(&s->fin, (int64_t)i, i, 0);
}

void kdx_sched_complete(kdx_sched *s, kdx_op *op, bool ok, const char *output_json,
			const char *snapshot_json, const char *error)
{
	kdx_srun *r = &s->r[op->index];
	if (op != &r->op || !r->active || r->finished)
		return; /* late, after a timeout cancelled it */
	mark_finished(s, op->index);
	r->ok = ok;
	free(r->output);
	r->output = output_json ? xstrdup(output_json) : NULL;
	free(r->error);
	/* read only when the attempt failed */
	r->error = error ? xstrdup(error) : ok ? NULL : xstrdup("failed (the backend gave no reason)");
	if (snapshot_json) {
		free(r->snapshot);
		r->snapshot = xstrdup(snapshot_json);
	}
}

bool kdx_sched_has_finished(const kdx_sched *s)
{
	return s->nfinished > 0;
}

/* A step waits in backoff until retry_at: queue it by time. */
static void queue_retry(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	kdx_sheap_push(&s->retry, r->retry_at, i, ++r->rgen);
}

static bool retry_valid(const kdx_sched *s, const kdx_sheap_ent *e)
{
	const kdx_srun *r = &s->r[e->idx];
	return e->gen == r->rgen && (r->f == F_BACKOFF || r->u == U_BACKOFF);
}

/* The earliest retry time of a step in backoff (stale entries dropped), or KDX_TIME_NEVER. */
int64_t kdx_sched_retry_top(kdx_sched *s)
{
	while (s->retry.n && !retry_valid(s, &s->retry.e[0]))
		kdx_sheap_pop(&s->retry);
	return s->retry.n ? s->retry.e[0].key : KDX_TIME_NEVER;
}

/* Move the steps whose retry is due (at now) into due, ordered by index. */
void kdx_sched_due_retries(kdx_sched *s, int64_t now, kdx_sheap *due)
{
	while (kdx_sched_retry_top(s) <= now) {
		kdx_sheap_ent e = kdx_sheap_pop(&s->retry);
		kdx_sheap_push(due, (int64_t)e.idx, e.idx, e.gen);
	}
}

/* Those of due not started go back to wait for their time (still due). */
void kdx_sched_requeue_retries(kdx_sched *s, kdx_sheap *due)
{
	while (due->n) {
		kdx_sheap_ent e = kdx_sheap_pop(due);
		if (e.gen == s->r[e.idx].rgen)
			kdx_sheap_push(&s->retry, s->r[e.idx].retry_at, e.idx, e.gen);
	}
}

static int64_t attempt_timeout(const kdx_sched *s, const kdx_step *st)
{
	if (st->timeout_ms > 0)
		return st->timeout_ms;
	if (st->duration_max_ms > 0)
		return st->duration_max_ms + st->wait_ms + s->o.implicit_grace_ms;
	return 0;
}

static int64_t backoff(const kdx_sched *s, const kdx_step *st, int failed_attempt)
{
	int64_t d = st->backoff_ms;
	for (int k = 1; k < failed_attempt && d < s->o.backoff_cap_ms; k++)
		d *= 2;
	return d < s->o.backoff_cap_ms ? d : s->o.backoff_cap_ms;
}

int kdx_sched_start_attempt(kdx_sched *s, size_t i, kdx_phase phase)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf e = STRBUF_INIT;
	r->attempt++;
	int rc = kdx_sched_jdoc(s, phase == KDX_PHASE_DO ? KDX_J_STEP_START : KDX_J_UNDO_START, r,
				kdx_sched_jphase(s, phase, r->attempt), false);
	if (rc < 0)
		goto out;
	kdx_sched_emit(s, phase == KDX_PHASE_DO ? KDX_EV_STEP_START : KDX_EV_UNDO_START, r, NULL,
		       NULL);
	if (phase == KDX_PHASE_DO && st->mutating && !r->snapshot && s->be->snapshot) {
		strbuf snap = STRBUF_INIT;
		if (s->be->snapshot(s->be->ctx, st, &snap, &e) == 0 && snap.len)
			r->snapshot = strbuf_detach(&snap, NULL);
		strbuf_release(&snap);
		if (e.len) {
			kdx_sched_set_f(s, i, F_RUNNING);
			kdx_sched_attempt_failed(s, i, phase, e.buf);
			goto out;
		}
	}
	if (phase == KDX_PHASE_UNDO || st->mutating) {
		kdx_json *d = kdx_sched_jphase(s, phase, r->attempt);
		kdx_json_set_str(d, "token", r->token[phase]);
		if (phase == KDX_PHASE_DO)
			kdx_sched_jtext(d, "snapshot", r->snapshot);
		if ((rc = kdx_sched_jdoc(s, KDX_J_INTENT, r, d, false)) < 0)
			goto out;
		s->need_sync = true;
	}
	r->op.phase = phase;
	r->op.attempt = r->attempt;
	r->op.token = r->token[phase];
	r->op.snapshot = r->snapshot;
	r->op.be_data = NULL;
	r->pending = true;
	s->npending++;
	kdx_sheap_push(&s->pend, (int64_t)i, i, 0);
	s->running++;
	r->rgen++; /* a retry queued for it is stale now */
	if (phase == KDX_PHASE_DO)
		kdx_sched_set_f(s, i, F_RUNNING);
	else
		kdx_sched_set_u(s, i, U_RUNNING);
out:
	strbuf_release(&e);
	return rc;
}

/* Make the intents written for this batch durable with one fsync, then hand every prepared
 * attempt to the backend. */
void kdx_sched_launch(kdx_sched *s)
{
	if (s->aborted)
		return;
	if (s->need_sync) {
		if (kdx_journal_sync(s->j, s->err) < 0) {
			s->aborted = s->stopping = true;
			return;
		}
		s->need_sync = false;
	}
	if (s->be->launching && s->pend.n)
		s->be->launching(s->be->ctx, s);
	strbuf e = STRBUF_INIT;
	while (s->pend.n) {
		size_t i = kdx_sheap_pop(&s->pend).idx;
		kdx_srun *r = &s->r[i];
		r->pending = false;
		s->npending--;
		r->active = true;
		r->finished = false;
		r->started = kdx_sched_now(s);
		int64_t to = attempt_timeout(s, r->op.step);
		r->deadline = to ? r->started + to : KDX_TIME_NEVER;
		r->dgen++;
		if (r->deadline != KDX_TIME_NEVER)
			kdx_sheap_push(&s->dl, r->deadline, i, r->dgen);
		strbuf_reset(&e);
		if (s->be->start(s->be->ctx, s, &r->op, &e) < 0 && !r->finished) {
			mark_finished(s, i);
			r->ok = false;
			free(r->error);
			r->error = xstrdup(e.len ? e.buf : "the backend could not start it");
		}
	}
	strbuf_release(&e);
}

void kdx_sched_begin_rollback(kdx_sched *s, const char *reason)
{
	if (s->rollback)
		return;
	s->rollback = s->stopping = true;
	s->paused = false;
	kdx_json *d = kdx_json_object();
	kdx_json_set_str(d, "reason", reason);
	kdx_sched_jdoc(s, KDX_J_ROLLBACK_START, NULL, d, false);
	kdx_sched_emit(s, KDX_EV_ROLLBACK_START, NULL, reason, NULL);
}

static const char *policy_name(kdx_on_failure p)
{
	return p == KDX_ON_FAILURE_CONTINUE ? "continue" : p == KDX_ON_FAILURE_PAUSE ? "pause"
										    : "rollback";
}

void kdx_sched_step_failed(kdx_sched *s, size_t i, const char *msg)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	kdx_json *d = kdx_sched_jdata(s);
	kdx_json_set_str(d, "error", msg);
	kdx_json_set_str(d, "on_failure", policy_name(st->on_failure));
	kdx_sched_set_f(s, i, F_FAILED);
	s->res->failed++;
	int rc = kdx_sched_jdoc(s, KDX_J_STEP_FAILED, r, d, false);
	if (rc < 0)
		return;
	kdx_sched_emit(s, KDX_EV_STEP_FAILED, r, msg, policy_name(st->on_failure));
	if (s->rollback)
		return; /* already rolling back: this one just did not finish */
	switch (st->on_failure) {
	case KDX_ON_FAILURE_ROLLBACK: {
		strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "step '%s' failed: %s", st->name, msg);
		kdx_sched_begin_rollback(s, why.buf);
		strbuf_release(&why);
		break;
	}
	case KDX_ON_FAILURE_CONTINUE:
		r->tolerated = true;
		kdx_sched_settle(s, i);
		break;
	case KDX_ON_FAILURE_PAUSE:
		s->paused = s->stopping = true;
		break;
	}
}

void kdx_sched_attempt_failed(kdx_sched *s, size_t i, kdx_phase phase, const char *msg)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	int attempts = st->attempts > 0 ? st->attempts : 1;
	bool may_retry = r->attempt < attempts && (phase == KDX_PHASE_UNDO || !s->stopping);
	if (may_retry) {
		r->retry_at = kdx_sched_now(s) + backoff(s, st, r->attempt);
		if (phase == KDX_PHASE_DO)
			kdx_sched_set_f(s, i, F_BACKOFF);
		else
			kdx_sched_set_u(s, i, U_BACKOFF);
		queue_retry(s, i);
		kdx_sched_emit(s, KDX_EV_STEP_RETRY, r, msg, phase == KDX_PHASE_DO ? "do" : "undo");
	} else if (phase == KDX_PHASE_DO) {
		kdx_sched_step_failed(s, i, msg);
	} else {
		kdx_json *d = kdx_sched_jdata(s);
		kdx_json_set_str(d, "error", msg);
		kdx_sched_set_u(s, i, U_FAILED);
		s->res->undo_failed++;
		if (kdx_sched_jdoc(s, KDX_J_UNDO_FAILED, r, d, false) == 0)
			kdx_sched_emit(s, KDX_EV_UNDO_FAILED, r, msg, NULL);
	}
}

static void do_result(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	if (st->mutating) {
		kdx_json *d = kdx_sched_jphase(s, KDX_PHASE_DO, r->attempt);
		kdx_json_set_bool(d, "ok", r->ok);
		if (r->ok)
			kdx_sched_jtext(d, "output", r->output);
		else
			kdx_json_set_str(d, "error", r->error ? r->error : "");
		if (kdx_sched_jdoc(s, KDX_J_RESULT, r, d, false) < 0)
			return;
	}
	if (!r->ok) {
		kdx_sched_attempt_failed(s, i, KDX_PHASE_DO, r->error);
		return;
	}
	kdx_json *d = kdx_sched_jdata(s);
	kdx_json_set_int(d, "duration_ms", kdx_sched_now(s) - r->started);
	kdx_sched_jtext(d, "snapshot", r->snapshot);
	kdx_sched_set_f(s, i, F_DONE);
	s->res->done++;
	if (kdx_sched_jdoc(s, KDX_J_STEP_DONE, r, d, false) == 0)
		kdx_sched_emit(s, KDX_EV_STEP_DONE, r, NULL, NULL);
}

/* Handle every completion that arrived, in step order (deterministic under a virtual clock). */
void kdx_sched_process(kdx_sched *s)
{
	while (!s->aborted && s->fin.n) {
		size_t i = kdx_sheap_pop(&s->fin).idx;
		kdx_srun *r = &s->r[i];
		if (!r->active || !r->finished)
			continue;
		r->active = false;
		s->nfinished--;
		s->running--;
		s->dirty = true;
		if (r->op.phase == KDX_PHASE_DO)
			do_result(s, i);
		else
			kdx_sched_undo_result(s, i);
	}
}

static bool dl_valid(const kdx_sched *s, const kdx_sheap_ent *e)
{
	const kdx_srun *r = &s->r[e->idx];
	return e->gen == r->dgen && r->active;
}

/* Attempts past their deadline, cancelled in index order, then processed. */
static void handle_timeouts(kdx_sched *s)
{
	int64_t now = kdx_sched_now(s);
	kdx_sheap due = { 0 };
	while (s->dl.n && s->dl.e[0].key <= now) {
		kdx_sheap_ent e = kdx_sheap_pop(&s->dl);
		if (dl_valid(s, &e) && !s->r[e.idx].finished)
			kdx_sheap_push(&due, (int64_t)e.idx, e.idx, 0);
	}
	while (due.n && !s->aborted) {
		size_t i = kdx_sheap_pop(&due).idx;
		kdx_srun *r = &s->r[i];
		if (!r->active || r->finished)
			continue;
		if (s->be->cancel)
			s->be->cancel(s->be->ctx, &r->op);
		strbuf msg = STRBUF_INIT;
		strbuf_addstr(&msg, "timed out after ");
		kdx_duration_format(&msg, r->deadline - r->started);
		if (!r->finished) /* the cancel may have completed it */
			mark_finished(s, i);
		r->ok = false;
		free(r->error);
		r->error = strbuf_detach(&msg, NULL);
	}
	kdx_sheap_release(&due);
	kdx_sched_process(s);
}

static int64_t next_wakeup(kdx_sched *s)
{
	while (s->dl.n && !dl_valid(s, &s->dl.e[0]))
		kdx_sheap_pop(&s->dl);
	int64_t t = s->dl.n ? s->dl.e[0].key : KDX_TIME_NEVER;
	/* A retry already due waits for a free slot (or the run is stopping): only a
	 * completion can change that, so it is no reason to wake up -- waiting for it spun
	 * forever on a virtual clock, whose time does not move on its own. */
	int64_t now = kdx_sched_now(s);
	for (size_t k = 0; k < s->retry.n; k++)
		if (s->retry.e[k].key > now && s->retry.e[k].key < t &&
		    retry_valid(s, &s->retry.e[k]))
			t = s->retry.e[k].key;
	if (!s->rollback && !s->deadline_fired && s->plan->has_rto && s->plan->rto_ms > 0) {
		int64_t dl = s->t0 - s->o.elapsed_before_ms + s->plan->rto_ms;
		if (dl < t)
			t = dl;
	}
	if (!s->stopping && s->be->stop_check && s->running > 0 &&
	    s->last_stop_check + s->o.stop_interval_ms < t)
		t = s->last_stop_check + s->o.stop_interval_ms;
	return t;
}

/* Wait for a completion or the next timer, then expire timed-out attempts. */
void kdx_sched_wait(kdx_sched *s, int64_t until)
{
	int64_t t = next_wakeup(s);
	if (until < t)
		t = until;
	kdx_clock_wait(s->clk, t, s->be->poll, s->be->ctx);
	handle_timeouts(s);
}
