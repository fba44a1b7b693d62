/* sched_undo: the rollback pass (undo completed steps in reverse dependency order: a step's
 * undo runs only after the undos of all its completed successors) and taking a run over from
 * its journal (resume / rollback), reconciling in-doubt changes against live state first. */
#include "sched_int.h"

#include "../common/xalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A completed change the rollback must take back: a repeatable one (a notification) has
 * nothing to take back, so it is passed by like a read. */
static bool needs_undo(const kdx_step *st)
{
	return st->mutating && !st->repeatable;
}

/* A step left in doubt (a failed attempt may have changed the world and live state could
 * not say): read it back once more now. Made: undo it. Not made: nothing to undo. Still
 * cannot tell: undo it anyway when it has an undo -- the undo puts back the state read
 * before the change, which is harmless if the change never happened -- else report it. */
static void undo_in_doubt(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf why = STRBUF_INIT, msg = STRBUF_INIT;
	kdx_recon rc = kdx_sched_read_back(s, i, KDX_PHASE_DO, &why);
	if (rc != KDX_RECON_UNKNOWN) {
		bool made = rc == KDX_RECON_DONE;
		strbuf_addf(&msg, "live state shows the change %s: %s",
			    made ? "was made; undoing it" : "was not made; nothing to undo", why.buf);
		if (kdx_sched_reconciled(s, i, KDX_PHASE_DO, made, msg.buf) < 0)
			goto out;
		s->res->in_doubt -= s->res->in_doubt > 0;
		if (made) {
			kdx_sched_do_done(s, i, true);
			kdx_sched_set_u(s, i, U_PENDING);
		} else {
			r->doubt = false;
		}
		goto out;
	}
	if (st->has_undo && !st->irreversible) {
		strbuf_addf(&msg, "cannot tell whether the change was made (%s); undoing it anyway: "
			    "the undo puts back the state read before it", why.buf);
		kdx_sched_emit(s, KDX_EV_STEP_RECONCILED, r, msg.buf, "do");
		kdx_sched_set_u(s, i, U_PENDING);
	} else {
		kdx_sched_set_u(s, i, U_SKIPPED);
		strbuf_addf(&msg, "in doubt and %s: cannot tell whether the change was made (%s); "
			    "check it by hand", st->irreversible ? "irreversible" :
			    "without undo", why.buf);
		kdx_sched_report_not_undone(s, i, msg.buf, true);
	}
out:
	strbuf_release(&why);
	strbuf_release(&msg);
}

void kdx_sched_undo_init(kdx_sched *s)
{
	for (size_t i = 0; i < s->n && !s->aborted; i++) {
		kdx_srun *r = &s->r[i];
		if (r->u != U_NA)
			continue; /* set from the journal already */
		/* A completed change is undone (a repeatable one, a notification, has nothing to
		 * take back); so is one a failed attempt may have made. */
		if (r->f == F_DONE && needs_undo(r->op.step))
			kdx_sched_set_u(s, i, U_PENDING);
		else if (r->doubt && needs_undo(r->op.step))
			undo_in_doubt(s, i); /* a notification in doubt has nothing to take back */
	}
}

/* 0: settled, 1: not yet, 2: failed or blocked (it blocks the undos before it) */
static int uclass(kdx_ustate u)
{
	if (u == U_DONE || u == U_SKIPPED || u == U_CLEAR)
		return 0;
	return u == U_FAILED || u == U_BLOCKED ? 2 : 1;
}

/* Its successors allow it to move: all settled, or one failed or blocked. */
static bool movable(const kdx_srun *r)
{
	return (r->u == U_NA || r->u == U_PENDING) && (r->ubad > 0 || r->uopen == 0);
}

/* Queue a movable step for the sweep: the one running now if the sweep has not passed it
 * yet (a lower index), else the next one -- exactly where a full sweep would see it. */
static void uqueue(kdx_sched *s, size_t i)
{
	kdx_srun *r = &s->r[i];
	if (r->uqueued)
		return;
	r->uqueued = true;
	kdx_sheap_push(s->in_sweep && i < s->ucursor ? &s->usweep : &s->unext, -(int64_t)i, i, 0);
}

void kdx_sched_set_u(kdx_sched *s, size_t i, kdx_ustate u)
{
	kdx_srun *r = &s->r[i];
	int from = uclass(r->u), to = uclass(u);
	s->nbackoff_u -= r->u == U_BACKOFF;
	s->nbackoff_u += u == U_BACKOFF;
	r->u = u;
	if (!s->undo_counted || from == to)
		return;
	const kdx_step *st = r->op.step;
	for (size_t k = 0; k < st->npreds; k++) {
		size_t p = st->preds[k].from;
		kdx_srun *q = &s->r[p];
		q->uopen -= from == 1;
		q->ubad -= from == 2;
		q->uopen += to == 1;
		q->ubad += to == 2;
		if (movable(q))
			uqueue(s, p);
	}
}

/* Count each step's unsettled and failed successors and queue those that may move. */
static void count_succs(kdx_sched *s)
{
	for (size_t i = 0; i < s->n; i++) {
		kdx_srun *r = &s->r[i];
		r->uopen = r->ubad = 0;
		for (size_t k = 0; k < r->nsucc; k++) {
			int c = uclass(s->r[r->succ[k]].u);
			r->uopen += c == 1;
			r->ubad += c == 2;
		}
	}
	s->undo_counted = true;
	for (size_t i = 0; i < s->n; i++)
		if (movable(&s->r[i]))
			uqueue(s, i);
}

void kdx_sched_report_not_undone(kdx_sched *s, size_t i, const char *reason, bool journal)
{
	kdx_srun *r = &s->r[i];
	s->res->not_undone++;
	if (journal) {
		kdx_json *d = kdx_sched_jdata(s);
		kdx_json_set_str(d, "reason", reason);
		int rc = kdx_sched_jdoc(s, KDX_J_UNDO_SKIPPED, r, d, false);
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
	for (size_t k = 0; r->ubad && k < r->nsucc; k++)
		if (uclass(s->r[r->succ[k]].u) == 2)
			blocker = r->succ[k];
	if (blocker != (size_t)-1) {
		bool pending = r->u == U_PENDING;
		kdx_sched_set_u(s, i, U_BLOCKED);
		if (pending) {
			strbuf why = STRBUF_INIT;
			strbuf_addf(&why, "not undone: the undo of '%s', which comes after it, did not "
				    "complete; fix that, then run 'kdx rollback' again",
				    s->plan->steps[blocker].name);
			kdx_sched_report_not_undone(s, i, why.buf, false);
			strbuf_release(&why);
		}
		return true;
	}
	if (r->uopen)
		return false;
	const kdx_step *st = r->op.step;
	if (r->u == U_NA) {
		kdx_sched_set_u(s, i, U_CLEAR);
		return true;
	}
	if (st->irreversible || !st->has_undo) {
		kdx_sched_set_u(s, i, U_SKIPPED);
		kdx_sched_report_not_undone(s, i, st->irreversible ? "irreversible: not undone, check it by hand"
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
	return s->nbackoff_u > 0 || s->running > 0;
}

/* One sweep from the end of the graph back: each queued step, by descending index, moves if
 * it can; one that must wait for a free slot waits for the next sweep. Same order of moves
 * as visiting every step from the last to the first. Returns whether anything moved. */
static bool sweep(kdx_sched *s)
{
	bool moved = false;
	while (s->unext.n) {
		kdx_sheap_ent e = kdx_sheap_pop(&s->unext);
		kdx_sheap_push(&s->usweep, e.key, e.idx, e.gen);
	}
	s->in_sweep = true;
	while (s->usweep.n) {
		size_t i = kdx_sheap_pop(&s->usweep).idx;
		s->ucursor = i;
		s->r[i].uqueued = false;
		if (undo_advance(s, i))
			moved = true;
		else if (movable(&s->r[i]))
			uqueue(s, i); /* no free slot: the next sweep */
	}
	s->in_sweep = false;
	return moved;
}

void kdx_sched_undo_loop(kdx_sched *s)
{
	for (;;) {
		kdx_sched_process(s);
		if (s->aborted)
			return;
		kdx_sheap due = { 0 };
		kdx_sched_due_retries(s, kdx_sched_now(s), &due);
		while (due.n && s->running < s->o.parallelism)
			kdx_sched_start_attempt(s, kdx_sheap_pop(&due).idx, KDX_PHASE_UNDO);
		kdx_sched_requeue_retries(s, &due);
		kdx_sheap_release(&due);
		if (!s->undo_counted)
			count_succs(s);
		/* Sweep from the end of the graph back, until nothing moves. */
		bool moved = true;
		while (moved && !s->aborted)
			moved = sweep(s);
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

void kdx_sched_undo_done(kdx_sched *s, size_t i, bool reconciled)
{
	kdx_srun *r = &s->r[i];
	kdx_json *d = kdx_sched_jdata(s);
	if (reconciled)
		kdx_json_set_bool(d, "reconciled", true);
	else
		kdx_json_set_int(d, "duration_ms", kdx_sched_now(s) - r->started);
	kdx_sched_set_u(s, i, U_DONE);
	r->doubt = false;
	s->res->undone++;
	if (kdx_sched_jdoc(s, KDX_J_UNDO_DONE, r, d, false) == 0 && !reconciled)
		kdx_sched_emit(s, KDX_EV_UNDO_DONE, r, NULL, NULL);
}

/* ---- taking a run over from its journal ---- */

/* An intent without a result, found in the journal: did it happen? */
static int reconcile_one(kdx_sched *s, size_t i, kdx_phase phase)
{
	kdx_srun *r = &s->r[i];
	const kdx_step *st = r->op.step;
	strbuf why = STRBUF_INIT, msg = STRBUF_INIT;
	kdx_json *d;
	kdx_recon rc = kdx_sched_read_back(s, i, phase, &why);
	int ret = 0;
	if (rc == KDX_RECON_UNKNOWN) {
		/* The step stays in doubt in the journal too ("in_doubt"), so a later resume
		 * reads it back again instead of sending it again. */
		strbuf_addf(&msg, "cannot tell whether the %s of step '%s' happened (%s); %s"
			    "then run 'kdx resume' (which reads it back again) or 'kdx rollback'",
			    phase == KDX_PHASE_DO ? "change" : "undo", st->name,
			    why.len ? why.buf : "the backend cannot read it back",
			    st->irreversible && phase == KDX_PHASE_DO
				    ? "it is irreversible and will not be sent again before kdx can "
				      "tell; check whether it took effect, "
				    : "check the live state by hand or mend what stops the read, ");
		d = kdx_json_object();
		kdx_json_set_str(d, "error", msg.buf);
		kdx_json_set_str(d, "on_failure", "pause");
		kdx_json_set_bool(d, "in_doubt", true);
		s->paused = s->stopping = s->unknown = true;
		if (phase == KDX_PHASE_DO) {
			r->f = F_FAILED;
			r->doubt = true;
			s->res->failed++;
			s->res->in_doubt++;
		} else {
			kdx_sched_set_u(s, i, U_FAILED);
			s->res->undo_failed++;
		}
		ret = kdx_sched_jdoc(s, phase == KDX_PHASE_DO ? KDX_J_STEP_FAILED : KDX_J_UNDO_FAILED,
				     r, d, false);
		if (ret == 0)
			kdx_sched_emit(s, phase == KDX_PHASE_DO ? KDX_EV_STEP_FAILED
								: KDX_EV_UNDO_FAILED,
				       r, msg.buf, "pause");
		goto out;
	}
	bool happened = rc == KDX_RECON_DONE;
	strbuf_addf(&msg, "%s %s", happened ? "already applied:" : "not applied, will run again:",
		    why.len ? why.buf : "live state read back");
	if ((ret = kdx_sched_reconciled(s, i, phase, happened, msg.buf)) < 0)
		goto out;
	if (phase == KDX_PHASE_DO) {
		if (happened)
			kdx_sched_do_done(s, i, true);
		else
			r->f = F_WAIT;
	} else if (happened) {
		kdx_sched_undo_done(s, i, true);
	} else {
		kdx_sched_set_u(s, i, U_PENDING);
	}
out:
	strbuf_release(&why);
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
		return r->f == F_DONE && needs_undo(r->op.step) ? U_PENDING : U_NA;
	}
}

int kdx_sched_load_journal(kdx_sched *s, const kdx_journal_state *st, bool rollback)
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
			if (rollback) {
				/* the rollback reads it back and undoes it (kdx_sched_undo_init) */
				r->f = F_FAILED;
				r->doubt = true;
			} else if (reconcile_one(s, i, KDX_PHASE_DO) < 0) {
				return -1;
			}
			break;
		default:
			r->f = F_WAIT; /* nothing was sent, or it failed: run it again */
			break;
		}
	}
	if (!rollback) {
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
		if (r->f != F_DONE && !r->doubt)
			continue;
		if (js->undo == KDX_JU_IN_DOUBT) {
			if (reconcile_one(s, i, KDX_PHASE_UNDO) < 0)
				return -1;
		} else if (js->undo == KDX_JU_DONE || js->undo == KDX_JU_SKIPPED || !r->doubt) {
			kdx_sched_set_u(s, i, undo_from_journal(r, js->undo));
		}
	}
	return 0;
}
