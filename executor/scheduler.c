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

void kdx_sched_complete(kdx_sched *s, kdx_op *op, bool ok, const char *output_json,
			const char *snapshot_json, const char *error)
{
	kdx_srun *r = &s->r[op->index];
	if (op != &r->op || !r->active || r->finished)
		return; /* late, after a timeout cancelled it */
	r->finished = true;
	s->nfinished++;
	r->ok = ok;
	free(r->output);
	r->output = output_json ? xstrdup(output_json) : NULL;
	free(r->error);
	r->error = xstrdup(error ? error : ok ? "" : "failed (the backend gave no reason)");
	if (snapshot_json) {
		free(r->snapshot);
		r->snapshot = xstrdup(snapshot_json);
	}
}

bool kdx_sched_has_finished(const kdx_sched *s)
{
	return s->nfinished > 0;
}

static int64_t attempt_timeout(const kdx_step *st)
{
	if (st->timeout_ms > 0)
		return st->timeout_ms;
	if (st->duration_max_ms > 0)
		return st->duration_max_ms + st->wait_ms;
	return 0;
}

static int64_t backoff(const kdx_sched *s, const kdx_step *st, int failed_attempt)
{
	int64_t d = st->backoff_ms;
	for (int k = 1; k < failed_attempt && d < s->o.backoff_cap_ms; k++)
		d *= 2;
	return d < s->o.backoff_cap_ms ? d : s->o.backoff_cap_ms;
}

/* {"phase":"do","attempt":N,...} helpers for the journal's data */
static void data_open(strbuf *sb, kdx_phase phase, int attempt)
{
	strbuf_addf(sb, "{\"phase\":\"%s\",\"attempt\":%d", phase == KDX_PHASE_DO ? "do" : "undo",
		    attempt);
}

static void add_field(strbuf *sb, const char *key, const char *str)
{
	strbuf_addf(sb, ",\"%s\":", key);
	strbuf_add_json_str(sb, str);
}

int kdx_sched_start_attempt(kdx_sched *s, size_t i, kdx_phase phase)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf d = STRBUF_INIT, e = STRBUF_INIT;
	r->attempt++;
	data_open(&d, phase, r->attempt);
	strbuf_addch(&d, '}');
	int rc = kdx_sched_jrec(s, phase == KDX_PHASE_DO ? KDX_J_STEP_START : KDX_J_UNDO_START, r,
				d.buf);
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
			r->f = F_RUNNING;
			kdx_sched_attempt_failed(s, i, phase, e.buf);
			goto out;
		}
	}
	if (phase == KDX_PHASE_UNDO || st->mutating) {
		strbuf_reset(&d);
		data_open(&d, phase, r->attempt);
		add_field(&d, "token", r->token[phase]);
		if (phase == KDX_PHASE_DO && r->snapshot)
			strbuf_addf(&d, ",\"snapshot\":%s", r->snapshot);
		strbuf_addch(&d, '}');
		if ((rc = kdx_sched_jrec(s, KDX_J_INTENT, r, d.buf)) < 0)
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
	s->running++;
	if (phase == KDX_PHASE_DO)
		r->f = F_RUNNING;
	else
		r->u = U_RUNNING;
out:
	strbuf_release(&d);
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
	strbuf e = STRBUF_INIT;
	for (size_t i = 0; i < s->n && s->npending > 0; i++) {
		kdx_srun *r = &s->r[i];
		if (!r->pending)
			continue;
		r->pending = false;
		s->npending--;
		r->active = true;
		r->finished = false;
		r->started = kdx_sched_now(s);
		int64_t to = attempt_timeout(r->op.step);
		r->deadline = to ? r->started + to : KDX_TIME_NEVER;
		strbuf_reset(&e);
		if (s->be->start(s->be->ctx, s, &r->op, &e) < 0 && !r->finished) {
			r->finished = true;
			s->nfinished++;
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
	strbuf d = STRBUF_INIT;
	strbuf_addstr(&d, "{\"reason\":");
	strbuf_add_json_str(&d, reason);
	strbuf_addch(&d, '}');
	kdx_sched_jrec(s, KDX_J_ROLLBACK_START, NULL, d.buf);
	strbuf_release(&d);
	kdx_sched_emit(s, KDX_EV_ROLLBACK_START, NULL, reason, NULL);
}

static const char *policy_name(kdx_on_failure p)
{
	return p == KDX_ON_FAILURE_CONTINUE ? "continue" : p == KDX_ON_FAILURE_PAUSE ? "pause"
										    : "rollback";
}

static void step_failed(kdx_sched *s, size_t i, const char *msg)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf d = STRBUF_INIT;
	strbuf_addstr(&d, "{\"error\":");
	strbuf_add_json_str(&d, msg);
	add_field(&d, "on_failure", policy_name(st->on_failure));
	strbuf_addch(&d, '}');
	r->f = F_FAILED;
	s->res->failed++;
	int rc = kdx_sched_jrec(s, KDX_J_STEP_FAILED, r, d.buf);
	strbuf_release(&d);
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
			r->f = F_BACKOFF;
		else
			r->u = U_BACKOFF;
		kdx_sched_emit(s, KDX_EV_STEP_RETRY, r, msg, phase == KDX_PHASE_DO ? "do" : "undo");
	} else if (phase == KDX_PHASE_DO) {
		step_failed(s, i, msg);
	} else {
		strbuf d = STRBUF_INIT;
		strbuf_addstr(&d, "{\"error\":");
		strbuf_add_json_str(&d, msg);
		strbuf_addch(&d, '}');
		r->u = U_FAILED;
		s->res->undo_failed++;
		if (kdx_sched_jrec(s, KDX_J_UNDO_FAILED, r, d.buf) == 0)
			kdx_sched_emit(s, KDX_EV_UNDO_FAILED, r, msg, NULL);
		strbuf_release(&d);
	}
}

static void do_result(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf d = STRBUF_INIT;
	if (st->mutating) {
		data_open(&d, KDX_PHASE_DO, r->attempt);
		strbuf_addf(&d, ",\"ok\":%s", r->ok ? "true" : "false");
		if (r->ok && r->output)
			strbuf_addf(&d, ",\"output\":%s", r->output);
		if (!r->ok)
			add_field(&d, "error", r->error);
		strbuf_addch(&d, '}');
		if (kdx_sched_jrec(s, KDX_J_RESULT, r, d.buf) < 0)
			goto out;
	}
	if (!r->ok) {
		kdx_sched_attempt_failed(s, i, KDX_PHASE_DO, r->error);
		goto out;
	}
	strbuf_reset(&d);
	strbuf_addf(&d, "{\"duration_ms\":%" PRId64, kdx_sched_now(s) - r->started);
	if (r->snapshot)
		strbuf_addf(&d, ",\"snapshot\":%s", r->snapshot);
	strbuf_addch(&d, '}');
	r->f = F_DONE;
	s->res->done++;
	if (kdx_sched_jrec(s, KDX_J_STEP_DONE, r, d.buf) == 0)
		kdx_sched_emit(s, KDX_EV_STEP_DONE, r, NULL, NULL);
out:
	strbuf_release(&d);
}

/* Handle every completion that arrived, in step order (deterministic under a virtual clock). */
void kdx_sched_process(kdx_sched *s)
{
	for (size_t i = 0; i < s->n && !s->aborted && s->nfinished > 0; i++) {
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

static void handle_timeouts(kdx_sched *s)
{
	int64_t now = kdx_sched_now(s);
	for (size_t i = 0; i < s->n && !s->aborted; i++) {
		kdx_srun *r = &s->r[i];
		if (!r->active || r->finished || r->deadline > now)
			continue;
		if (s->be->cancel)
			s->be->cancel(s->be->ctx, &r->op);
		strbuf msg = STRBUF_INIT;
		strbuf_addstr(&msg, "timed out after ");
		kdx_duration_format(&msg, r->deadline - r->started);
		if (!r->finished) /* the cancel may have completed it */
			s->nfinished++;
		r->finished = true;
		r->ok = false;
		free(r->error);
		r->error = strbuf_detach(&msg, NULL);
	}
	kdx_sched_process(s);
}

static int64_t next_wakeup(kdx_sched *s)
{
	int64_t t = KDX_TIME_NEVER;
	for (size_t i = 0; i < s->n; i++) {
		const kdx_srun *r = &s->r[i];
		if (r->active && r->deadline < t)
			t = r->deadline;
		if ((r->f == F_BACKOFF || r->u == U_BACKOFF) && r->retry_at < t)
			t = r->retry_at;
	}
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

static void check_deadline(kdx_sched *s)
{
	if (s->deadline_fired || s->rollback || !s->plan->has_rto || s->plan->rto_ms <= 0 ||
	    kdx_sched_elapsed(s) < s->plan->rto_ms)
		return;
	s->deadline_fired = true;
	s->res->deadline_exceeded = true;
	const char *policy = s->o.deadline_policy == KDX_DEADLINE_ROLLBACK ? "rollback" : "continue";
	strbuf d = STRBUF_INIT, msg = STRBUF_INIT;
	strbuf_addf(&d, "{\"rto_ms\":%" PRId64 ",\"elapsed_ms\":%" PRId64 ",\"policy\":\"%s\"}",
		    s->plan->rto_ms, kdx_sched_elapsed(s), policy);
	strbuf_addstr(&msg, "the RTO of ");
	kdx_duration_format(&msg, s->plan->rto_ms);
	strbuf_addstr(&msg, " is exhausted");
	if (kdx_sched_jrec(s, KDX_J_DEADLINE, NULL, d.buf) == 0) {
		kdx_sched_emit(s, KDX_EV_DEADLINE, NULL, msg.buf, policy);
		if (s->o.deadline_policy == KDX_DEADLINE_ROLLBACK)
			kdx_sched_begin_rollback(s, msg.buf);
	}
	strbuf_release(&d);
	strbuf_release(&msg);
}

static void check_stop(kdx_sched *s, bool about_to_start)
{
	int64_t now = kdx_sched_now(s);
	if (s->stopping || !s->be->stop_check)
		return;
	bool due = now - s->last_stop_check >= s->o.stop_interval_ms;
	if (!due && !(about_to_start && s->dirty))
		return;
	s->last_stop_check = now;
	s->dirty = false;
	strbuf why = STRBUF_INIT;
	int rc = s->be->stop_check(s->be->ctx, &why);
	if (rc > 0) {
		strbuf d = STRBUF_INIT, msg = STRBUF_INIT;
		strbuf_addf(&msg, "stop condition: %s", why.len ? why.buf : "(no reason given)");
		strbuf_addstr(&d, "{\"reason\":");
		strbuf_add_json_str(&d, msg.buf);
		strbuf_addch(&d, '}');
		s->res->stopped = true;
		if (kdx_sched_jrec(s, KDX_J_STOP, NULL, d.buf) == 0) {
			kdx_sched_emit(s, KDX_EV_STOP_CONDITION, NULL, msg.buf, NULL);
			kdx_sched_begin_rollback(s, msg.buf);
		}
		strbuf_release(&d);
		strbuf_release(&msg);
	} else if (rc < 0) {
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "cannot read the stop conditions: %s; going on",
			    why.len ? why.buf : "unknown error");
		kdx_sched_emit(s, KDX_EV_STEP_WAITING, NULL, msg.buf, NULL);
		strbuf_release(&msg);
	}
	strbuf_release(&why);
}

/* During the forward pass a settled predecessor stays settled, so the predecessors already
 * seen settled are not looked at again: amortised O(1) per edge over the whole run. */
static bool preds_ok(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	for (; r->preds_seen < st->npreds; r->preds_seen++) {
		const kdx_srun *p = &s->r[st->preds[r->preds_seen].from];
		if (!(p->f == F_DONE || p->f == F_SKIPPED || (p->f == F_FAILED && p->tolerated)))
			return false;
	}
	return true;
}

/* Steps that are done, skipped or failed stay so in the forward pass: skip the prefix of them. */
static size_t fwd_lo(kdx_sched *s)
{
	while (s->fwd_lo < s->n) {
		kdx_fstate f = s->r[s->fwd_lo].f;
		if (f != F_DONE && f != F_SKIPPED && f != F_FAILED)
			break;
		s->fwd_lo++;
	}
	return s->fwd_lo;
}

/* Precondition and approval, then the first attempt. */
static void begin_step(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf why = STRBUF_INIT, d = STRBUF_INIT;
	kdx_precheck pc = s->be->precheck ? s->be->precheck(s->be->ctx, st, &why) : KDX_PRE_OK;
	if (pc == KDX_PRE_SKIP) {
		strbuf_addstr(&d, "{\"reason\":");
		strbuf_add_json_str(&d, why.len ? why.buf : "condition is false");
		strbuf_addch(&d, '}');
		r->f = F_SKIPPED;
		s->res->skipped++;
		if (kdx_sched_jrec(s, KDX_J_STEP_SKIPPED, r, d.buf) == 0)
			kdx_sched_emit(s, KDX_EV_STEP_SKIPPED, r, why.len ? why.buf : NULL, NULL);
		goto out;
	}
	if (pc == KDX_PRE_FAIL) {
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "precondition failed: %s", why.len ? why.buf : "(no reason given)");
		step_failed(s, i, msg.buf);
		strbuf_release(&msg);
		goto out;
	}
	if (st->approval && !r->approved) {
		kdx_sched_emit(s, KDX_EV_APPROVAL_NEEDED, r, NULL, NULL);
		strbuf_reset(&why);
		int ok = s->o.approve ? s->o.approve(s->o.approve_ctx, st, &why) : -1;
		strbuf_addf(&d, "{\"approved\":%s", ok == 1 ? "true" : "false");
		add_field(&d, "by", why.len ? why.buf : "nobody");
		strbuf_addch(&d, '}');
		if (kdx_sched_jrec(s, KDX_J_APPROVAL, r, d.buf) < 0)
			goto out;
		if (ok != 1) {
			strbuf msg = STRBUF_INIT;
			if (ok == 0)
				strbuf_addf(&msg, "approval denied%s%s", why.len ? " by " : "", why.buf);
			else
				strbuf_addf(&msg, "step '%s' needs an approval: run on a terminal, or "
					    "pass -approve %s", st->name, st->name);
			step_failed(s, i, msg.buf);
			strbuf_release(&msg);
			goto out;
		}
		r->approved = true;
		kdx_sched_emit(s, KDX_EV_APPROVED, r, why.buf, NULL);
	}
	r->attempt = 0;
	kdx_sched_start_attempt(s, i, KDX_PHASE_DO);
out:
	strbuf_release(&why);
	strbuf_release(&d);
}

static bool any_ready(kdx_sched *s, int64_t now)
{
	for (size_t i = fwd_lo(s); i < s->n; i++)
		if ((s->r[i].f == F_WAIT && preds_ok(s, i)) ||
		    (s->r[i].f == F_BACKOFF && s->r[i].retry_at <= now))
			return true;
	return false;
}

static void start_ready(kdx_sched *s)
{
	int64_t now = kdx_sched_now(s);
	for (size_t i = fwd_lo(s); i < s->n && !s->stopping && s->running < s->o.parallelism; i++) {
		kdx_srun *r = &s->r[i];
		if (r->f == F_BACKOFF && r->retry_at <= now)
			kdx_sched_start_attempt(s, i, KDX_PHASE_DO);
		else if (r->f == F_WAIT && preds_ok(s, i))
			begin_step(s, i);
	}
}

static bool any_backoff(kdx_sched *s)
{
	for (size_t i = fwd_lo(s); i < s->n; i++)
		if (s->r[i].f == F_BACKOFF)
			return true;
	return false;
}

void kdx_sched_forward(kdx_sched *s)
{
	for (;;) {
		kdx_sched_process(s);
		if (s->aborted)
			return;
		check_deadline(s);
		bool ready = !s->stopping && any_ready(s, kdx_sched_now(s));
		check_stop(s, ready);
		if (ready && !s->stopping)
			start_ready(s);
		kdx_sched_launch(s);
		if (s->aborted)
			return;
		if (kdx_sched_has_finished(s))
			continue;
		/* a skipped or failed step may have made others ready: start them, do not wait */
		if (!s->stopping && s->running < s->o.parallelism && any_ready(s, kdx_sched_now(s)))
			continue;
		if (s->running == 0 && (s->stopping || !any_backoff(s)))
			break;
		kdx_sched_wait(s, KDX_TIME_NEVER);
	}
	/* Steps waiting to retry when the run stopped did not finish. */
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].f == F_BACKOFF) {
			s->r[i].f = F_FAILED;
			s->res->failed++;
		}
}
