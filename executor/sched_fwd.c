/* sched_fwd: the forward pass of a run -- which steps are ready (per-step counts of
 * unsettled predecessors and a queue of ready steps by index, instead of a scan of every
 * step per event), preconditions, approvals, the RTO deadline and stop conditions. */
#include "sched_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool f_settled(const kdx_srun *r)
{
	return r->f == F_DONE || r->f == F_SKIPPED || (r->f == F_FAILED && r->tolerated);
}

/* A step settled for good in the forward pass: its successors have one predecessor less
 * to wait for; one that has none left is ready. */
void kdx_sched_settle(kdx_sched *s, size_t i)
{
	const kdx_srun *r = &s->r[i];
	if (!s->fwd_counted)
		return;
	for (size_t k = 0; k < r->nsucc; k++) {
		kdx_srun *q = &s->r[r->succ[k]];
		if (--q->npend == 0 && q->f == F_WAIT)
			kdx_sheap_push(&s->ready, (int64_t)r->succ[k], r->succ[k], 0);
	}
}

void kdx_sched_set_f(kdx_sched *s, size_t i, kdx_fstate f)
{
	kdx_srun *r = &s->r[i];
	bool was = f_settled(r);
	s->nbackoff_f -= r->f == F_BACKOFF;
	s->nbackoff_f += f == F_BACKOFF;
	r->f = f;
	if (!was && f_settled(r))
		kdx_sched_settle(s, i);
}

static void check_deadline(kdx_sched *s)
{
	if (s->deadline_fired || s->rollback || !s->plan->has_rto || s->plan->rto_ms <= 0 ||
	    kdx_sched_elapsed(s) < s->plan->rto_ms)
		return;
	s->deadline_fired = true;
	s->res->deadline_exceeded = true;
	const char *policy = s->o.deadline_policy == KDX_DEADLINE_ROLLBACK ? "rollback" : "continue";
	strbuf msg = STRBUF_INIT;
	kdx_json *d = kdx_json_object();
	kdx_json_set_int(d, "rto_ms", s->plan->rto_ms);
	kdx_json_set_int(d, "elapsed_ms", kdx_sched_elapsed(s));
	kdx_json_set_str(d, "policy", policy);
	strbuf_addstr(&msg, "the RTO of ");
	kdx_duration_format(&msg, s->plan->rto_ms);
	strbuf_addstr(&msg, " is exhausted");
	if (kdx_sched_jdoc(s, KDX_J_DEADLINE, NULL, d, false) == 0) {
		kdx_sched_emit(s, KDX_EV_DEADLINE, NULL, msg.buf, policy);
		if (s->o.deadline_policy == KDX_DEADLINE_ROLLBACK)
			kdx_sched_begin_rollback(s, msg.buf);
	}
	strbuf_release(&msg);
}

/* A stop condition preempts (#14.6): the attempts still running -- a hold, a wait for a
 * health check -- are cancelled now instead of being waited for, and end as failed; one
 * that may have sent its change is read back like any in-doubt attempt, so the rollback
 * undoes what it did. */
static void preempt(kdx_sched *s, const char *why)
{
	for (size_t i = 0; i < s->n && !s->aborted; i++) {
		kdx_srun *r = &s->r[i];
		if (!r->active || r->finished || r->op.phase != KDX_PHASE_DO)
			continue;
		if (s->be->cancel)
			s->be->cancel(s->be->ctx, &r->op);
		if (r->finished) /* the cancel completed it */
			continue;
		kdx_sched_cancelled(s, i, why);
	}
	kdx_sched_process(s);
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
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "stop condition: %s", why.len ? why.buf : "(no reason given)");
		kdx_json *d = kdx_json_object();
		kdx_json_set_str(d, "reason", msg.buf);
		s->res->stopped = true;
		if (kdx_sched_jdoc(s, KDX_J_STOP, NULL, d, false) == 0) {
			kdx_sched_emit(s, KDX_EV_STOP_CONDITION, NULL, msg.buf, NULL);
			kdx_sched_begin_rollback(s, msg.buf);
			preempt(s, msg.buf);
		}
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

/* Count each step's unsettled predecessors and queue the ready ones; from here on
 * kdx_sched_settle keeps the counts (a settled step stays settled in the forward pass). */
static void count_preds(kdx_sched *s)
{
	for (size_t i = 0; i < s->n; i++) {
		kdx_srun *r = &s->r[i];
		const kdx_step *st = r->op.step;
		r->npend = 0;
		for (size_t k = 0; k < st->npreds; k++)
			r->npend += !f_settled(&s->r[st->preds[k].from]);
		if (r->f == F_WAIT && r->npend == 0)
			kdx_sheap_push(&s->ready, (int64_t)i, i, 0);
	}
	s->fwd_counted = true;
}

/* Precondition and approval, then the first attempt. */
static void begin_step(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf why = STRBUF_INIT;
	kdx_precheck pc = s->be->precheck ? s->be->precheck(s->be->ctx, st, &why) : KDX_PRE_OK;
	if (pc == KDX_PRE_SKIP) {
		kdx_json *d = kdx_json_object();
		kdx_json_set_str(d, "reason", why.len ? why.buf : "condition is false");
		kdx_sched_set_f(s, i, F_SKIPPED);
		s->res->skipped++;
		if (kdx_sched_jdoc(s, KDX_J_STEP_SKIPPED, r, d, false) == 0)
			kdx_sched_emit(s, KDX_EV_STEP_SKIPPED, r, why.len ? why.buf : NULL, NULL);
		goto out;
	}
	if (pc == KDX_PRE_FAIL) {
		strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "precondition failed: %s", why.len ? why.buf : "(no reason given)");
		kdx_sched_step_failed(s, i, msg.buf);
		strbuf_release(&msg);
		goto out;
	}
	if (st->approval && !r->approved) {
		kdx_sched_emit(s, KDX_EV_APPROVAL_NEEDED, r, NULL, NULL);
		strbuf_reset(&why);
		int ok = s->o.approve ? s->o.approve(s->o.approve_ctx, st, &why) : -1;
		kdx_json *d = kdx_json_object();
		kdx_json_set_bool(d, "approved", ok == 1);
		kdx_json_set_str(d, "by", why.len ? why.buf : "nobody");
		if (kdx_sched_jdoc(s, KDX_J_APPROVAL, r, d, false) < 0)
			goto out;
		if (ok != 1) {
			strbuf msg = STRBUF_INIT;
			if (ok == 0)
				strbuf_addf(&msg, "approval denied%s%s", why.len ? " by " : "", why.buf);
			else
				strbuf_addf(&msg, "step '%s' needs an approval%s%s: run on a terminal, "
					    "pass -approve %s, or give -approval-timeout D and have "
					    "others approve it with kdx approve", st->name,
					    why.len ? " from " : "", why.buf, st->name);
			kdx_sched_step_failed(s, i, msg.buf);
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
}

static bool any_ready(kdx_sched *s, int64_t now)
{
	return s->ready.n > 0 || kdx_sched_retry_top(s) <= now;
}

/* One pass in index order over the ready steps and the retries due, as far as the
 * parallelism allows. A step made ready during the pass (a predecessor was skipped or
 * failed under `continue`) joins it only if its index is higher than where the pass is. */
static void start_ready(kdx_sched *s)
{
	int64_t now = kdx_sched_now(s);
	kdx_sheap due = { 0 }, later = { 0 };
	kdx_sched_due_retries(s, now, &due);
	size_t at = 0;
	while (!s->stopping && s->running < s->o.parallelism) {
		if (s->ready.n && s->ready.e[0].idx < at) {
			kdx_sheap_ent e = kdx_sheap_pop(&s->ready);
			kdx_sheap_push(&later, e.key, e.idx, e.gen);
			continue;
		}
		bool retry = due.n && (!s->ready.n || due.e[0].idx < s->ready.e[0].idx);
		if (!retry && !s->ready.n)
			break;
		size_t i = kdx_sheap_pop(retry ? &due : &s->ready).idx;
		at = i;
		if (retry)
			kdx_sched_start_attempt(s, i, KDX_PHASE_DO);
		else
			begin_step(s, i);
	}
	while (later.n) {
		kdx_sheap_ent e = kdx_sheap_pop(&later);
		kdx_sheap_push(&s->ready, e.key, e.idx, e.gen);
	}
	kdx_sheap_release(&later);
	kdx_sched_requeue_retries(s, &due);
	kdx_sheap_release(&due);
}

/* The event loop of the forward pass; at_launch: a forked run goes on from the launch. */
static void forward(kdx_sched *s, bool at_launch)
{
	for (;; at_launch = false) {
		if (!at_launch) {
			kdx_sched_process(s);
			if (s->aborted)
				return;
			check_deadline(s);
			bool ready = !s->stopping && any_ready(s, kdx_sched_now(s));
			/* a retry about to start is "between attempts": look at the alarms first */
			if (ready && kdx_sched_retry_top(s) <= kdx_sched_now(s))
				s->dirty = true;
			check_stop(s, ready);
			if (ready && !s->stopping)
				start_ready(s);
		}
		kdx_sched_launch(s);
		if (s->aborted)
			return;
		if (kdx_sched_has_finished(s))
			continue;
		/* a skipped or failed step may have made others ready: start them, do not wait */
		if (!s->stopping && s->running < s->o.parallelism && any_ready(s, kdx_sched_now(s)))
			continue;
		if (s->running == 0 && (s->stopping || s->nbackoff_f == 0))
			break;
		kdx_sched_wait(s, KDX_TIME_NEVER);
	}
	/* Steps waiting to retry when the run stopped did not finish. */
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].f == F_BACKOFF) {
			kdx_sched_set_f(s, i, F_FAILED);
			s->res->failed++;
		}
}

void kdx_sched_forward(kdx_sched *s)
{
	count_preds(s);
	forward(s, false);
}

void kdx_sched_forward_at_launch(kdx_sched *s)
{
	forward(s, true);
}
