/* sched_undo: the rollback pass (undo completed steps in reverse dependency order: a step's
 * undo runs only after the undos of all its completed successors) and taking a run over from
 * its journal (resume / rollback), reconciling in-doubt changes against live state first. */
#include "sched_int.h"

#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void kdx_sched_undo_init(kdx_sched *s)
{
	for (size_t i = 0; i < s->n; i++) {
		kdx_srun *r = &s->r[i];
		if (r->u != U_NA)
			continue; /* set from the journal already */
		/* Only a completed change is undone; a failed attempt is assumed to have changed
		 * nothing (an in-doubt one was reconciled before we got here). */
		if (r->f == F_DONE && r->op.step->mutating)
			r->u = U_PENDING;
	}
}

static bool settled(kdx_ustate u)
{
	return u == U_DONE || u == U_SKIPPED || u == U_CLEAR;
}

static void report_not_undone(kdx_sched *s, size_t i, const char *reason, bool journal)
{
	kdx_srun *r = &s->r[i];
	s->res->not_undone++;
	if (journal) {
		strbuf d = STRBUF_INIT;
		strbuf_addstr(&d, "{\"reason\":");
		strbuf_add_json_str(&d, reason);
		strbuf_addch(&d, '}');
		int rc = kdx_sched_jrec(s, KDX_J_UNDO_SKIPPED, r, d.buf);
		strbuf_release(&d);
		if (rc < 0)
			return;
	}
	kdx_sched_emit(s, KDX_EV_UNDO_SKIPPED, r, reason, NULL);
}

/* Move one step's undo along if its successors allow; true if anything changed. */
static bool undo_advance(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	if (r->u != U_NA && r->u != U_PENDING)
		return false;
	size_t blocker = (size_t)-1;
	bool all = true;
	for (size_t k = 0; k < r->nsucc; k++) {
		kdx_ustate u = s->r[r->succ[k]].u;
		if (u == U_FAILED || u == U_BLOCKED)
			blocker = r->succ[k];
		else if (!settled(u))
			all = false;
	}
	if (blocker != (size_t)-1) {
		bool pending = r->u == U_PENDING;
		r->u = U_BLOCKED;
		if (pending) {
			strbuf why = STRBUF_INIT;
			strbuf_addf(&why, "not undone: the undo of '%s', which comes after it, did not "
				    "complete; fix that, then run 'kdx rollback' again",
				    s->plan->steps[blocker].name);
			report_not_undone(s, i, why.buf, false);
			strbuf_release(&why);
		}
		return true;
	}
	if (!all)
		return false;
	const kdx_step *st = r->op.step;
	if (r->u == U_NA) {
		r->u = U_CLEAR;
		return true;
	}
	if (st->irreversible || !st->has_undo) {
		r->u = U_SKIPPED;
		report_not_undone(s, i, st->irreversible ? "irreversible: not undone, check it by hand"
							 : "has no undo: not undone, check it by hand",
				  true);
		return true;
	}
	if (s->running >= s->o.parallelism)
		return false;
	r->attempt = 0;
	kdx_sched_start_attempt(s, i, KDX_PHASE_UNDO);
	return true;
}

static bool undo_busy(const kdx_sched *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].u == U_BACKOFF)
			return true;
	return s->running > 0;
}

void kdx_sched_undo_loop(kdx_sched *s)
{
	for (;;) {
		kdx_sched_process(s);
		if (s->aborted)
			return;
		int64_t now = kdx_sched_now(s);
		for (size_t i = 0; i < s->n && s->running < s->o.parallelism; i++)
			if (s->r[i].u == U_BACKOFF && s->r[i].retry_at <= now)
				kdx_sched_start_attempt(s, i, KDX_PHASE_UNDO);
		/* Walk from the end of the graph back, until nothing moves. */
		bool moved = true;
		while (moved && !s->aborted) {
			moved = false;
			for (size_t i = s->n; i-- > 0;)
				moved |= undo_advance(s, i);
		}
		kdx_sched_launch(s);
		if (s->aborted)
			return;
		if (kdx_sched_has_finished(s))
			continue;
		if (!undo_busy(s))
			break;
		kdx_sched_wait(s, KDX_TIME_NEVER);
	}
}

void kdx_sched_undo_result(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	strbuf d = STRBUF_INIT;
	strbuf_addf(&d, "{\"phase\":\"undo\",\"attempt\":%d,\"ok\":%s", r->attempt,
		    r->ok ? "true" : "false");
	if (!r->ok) {
		strbuf_addstr(&d, ",\"error\":");
		strbuf_add_json_str(&d, r->error);
	}
	strbuf_addch(&d, '}');
	if (kdx_sched_jrec(s, KDX_J_RESULT, r, d.buf) < 0)
		goto out;
	if (!r->ok) {
		kdx_sched_attempt_failed(s, i, KDX_PHASE_UNDO, r->error);
		goto out;
	}
	strbuf_reset(&d);
	strbuf_addf(&d, "{\"duration_ms\":%" PRId64 "}", kdx_sched_now(s) - r->started);
	r->u = U_DONE;
	s->res->undone++;
	if (kdx_sched_jrec(s, KDX_J_UNDO_DONE, r, d.buf) == 0)
		kdx_sched_emit(s, KDX_EV_UNDO_DONE, r, NULL, NULL);
out:
	strbuf_release(&d);
}

/* ---- taking a run over from its journal ---- */

static int reconcile_one(kdx_sched *s, size_t i, kdx_phase phase)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf why = STRBUF_INIT, d = STRBUF_INIT, msg = STRBUF_INIT;
	kdx_recon rc = s->be->reconcile ? s->be->reconcile(s->be->ctx, st, phase, r->token[phase],
							   r->snapshot, &why)
					: KDX_RECON_UNKNOWN;
	const char *ph = phase == KDX_PHASE_DO ? "do" : "undo";
	int ret = 0;
	if (rc == KDX_RECON_UNKNOWN) {
		strbuf_addf(&msg, "cannot tell whether the %s of step '%s' happened (%s); check the "
			    "live state by hand, then run 'kdx resume' or 'kdx rollback'",
			    phase == KDX_PHASE_DO ? "change" : "undo", st->name,
			    why.len ? why.buf : "the backend cannot read it back");
		strbuf_addstr(&d, "{\"error\":");
		strbuf_add_json_str(&d, msg.buf);
		strbuf_addch(&d, '}');
		s->paused = s->stopping = s->unknown = true;
		if (phase == KDX_PHASE_DO) {
			r->f = F_FAILED;
			s->res->failed++;
		} else {
			r->u = U_FAILED;
			s->res->undo_failed++;
		}
		ret = kdx_sched_jrec(s, phase == KDX_PHASE_DO ? KDX_J_STEP_FAILED : KDX_J_UNDO_FAILED,
				     r, d.buf);
		if (ret == 0)
			kdx_sched_emit(s, phase == KDX_PHASE_DO ? KDX_EV_STEP_FAILED
								: KDX_EV_UNDO_FAILED,
				       r, msg.buf, "pause");
		goto out;
	}
	bool happened = rc == KDX_RECON_DONE;
	strbuf_addf(&d, "{\"phase\":\"%s\",\"happened\":%s", ph, happened ? "true" : "false");
	strbuf_addstr(&d, ",\"why\":");
	strbuf_add_json_str(&d, why.buf);
	strbuf_addch(&d, '}');
	if ((ret = kdx_sched_jrec(s, KDX_J_RECONCILE, r, d.buf)) < 0)
		goto out;
	strbuf_addf(&msg, "%s %s", happened ? "already applied:" : "not applied, will run again:",
		    why.len ? why.buf : "live state read back");
	kdx_sched_emit(s, KDX_EV_STEP_RECONCILED, r, msg.buf, ph);
	if (phase == KDX_PHASE_DO) {
		r->f = happened ? F_DONE : F_WAIT;
		if (happened) {
			s->res->done++;
			strbuf_reset(&d);
			strbuf_addstr(&d, "{\"reconciled\":true");
			if (r->snapshot)
				strbuf_addf(&d, ",\"snapshot\":%s", r->snapshot);
			strbuf_addch(&d, '}');
			ret = kdx_sched_jrec(s, KDX_J_STEP_DONE, r, d.buf);
		}
	} else if (happened) {
		r->u = U_DONE;
		s->res->undone++;
		ret = kdx_sched_jrec(s, KDX_J_UNDO_DONE, r, "{\"reconciled\":true}");
	} else {
		r->u = U_PENDING;
	}
out:
	strbuf_release(&why);
	strbuf_release(&d);
	strbuf_release(&msg);
	return ret;
}

static kdx_ustate undo_from_journal(const kdx_srun *r, kdx_jundo_state ju)
{
	switch (ju) {
	case KDX_JU_DONE:
		return U_DONE;
	case KDX_JU_SKIPPED:
		return U_SKIPPED;
	default:
		return r->f == F_DONE && r->op.step->mutating ? U_PENDING : U_NA;
	}
}

int kdx_sched_load_journal(kdx_sched *s, const kdx_journal_state *st)
{
	for (size_t k = 0; k < st->nsteps; k++) {
		const kdx_jstep *js = &st->steps[k];
		size_t i = 0;
		while (i < s->n && strcmp(s->plan->steps[i].name, js->name))
			i++;
		if (i == s->n) {
			strbuf_addf(s->err, "step '%s' of the journal is not in the runbook; it changed "
				    "since the run: check out the sources the run used", js->name);
			return -1;
		}
		kdx_srun *r = &s->r[i];
		r->approved = js->approved;
		if (js->snapshot)
			r->snapshot = xstrdup(js->snapshot);
		switch (js->state) {
		case KDX_JS_DONE:
			r->f = F_DONE;
			s->res->done++;
			break;
		case KDX_JS_SKIPPED:
			r->f = F_SKIPPED;
			s->res->skipped++;
			break;
		case KDX_JS_IN_DOUBT:
			if (reconcile_one(s, i, KDX_PHASE_DO) < 0)
				return -1;
			break;
		default:
			r->f = F_WAIT; /* nothing was sent, or it failed: run it again */
			break;
		}
	}
	if (!st->rollback) {
		s->stopping = s->paused; /* an unknown in-doubt step pauses at once */
		return 0;
	}
	s->stopping = true;
	for (size_t k = 0; k < st->nsteps; k++) {
		const kdx_jstep *js = &st->steps[k];
		size_t i = 0;
		while (strcmp(s->plan->steps[i].name, js->name))
			i++;
		kdx_srun *r = &s->r[i];
		if (r->f != F_DONE)
			continue;
		if (js->undo == KDX_JU_IN_DOUBT) {
			if (reconcile_one(s, i, KDX_PHASE_UNDO) < 0)
				return -1;
		} else {
			r->u = undo_from_journal(r, js->undo);
		}
	}
	return 0;
}
