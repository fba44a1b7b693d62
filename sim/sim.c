/* sim: the simulated backend (start schedules a completion on the virtual clock, applies
 * the step's effects to the world model when it completes; undo applies the undo effects
 * with the snapshot taken before the do), the scenario's faults, and one run. */
#include "sim.h"
#include "../compiler/poll.h"

#include "../common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEVER_COMPLETES_MS (24LL * 3600 * 1000)

typedef struct sim sim;

/* The backend's state of one step's current attempt (one per step and phase). */
typedef struct simop {
	sim *S;
	kdx_sched *s;
	kdx_op *op;
	bool ok;
	const char *err;
	size_t bar;        /* index of its open bar, or SIZE_MAX */
} simop;

/* What the undo needs, read when the do starts (as a real snapshot would be). Never
 * changed once taken, so a forked run shares its parent's (owned false). */
typedef struct snap {
	bool taken;
	bool owned;
	double *w;         /* per undo effect: a weights row */
	double *cap;       /* per undo effect */
	int32_t *writer;   /* per undo effect */
} snap;

typedef struct timed_fault {
	sim *S;
	const kdx_fault *f;
	bool end;          /* THROTTLE: the end of the window */
} timed_fault;

struct sim {
	const kdx_plan *p;
	const kdx_sim_opts *o;
	kdx_sim_result *res;
	kdx_model m;
	kdx_vclock vc;
	simop *ops;        /* [step * 2 + phase] */
	snap *snaps;
	unsigned char *fault;  /* per step: bit 1 fail, 2 timeout, 4 deny approval */
	timed_fault *tf;
	bool bad;          /* the recovery predicate is false now */
	size_t *hash;      /* step name pointer -> index + 1, open addressing */
	size_t hcap;
	bool forked;       /* a copy made by fork_run: hash is the parent's */
	kdx_fork_fault ff[KDX_SIM_MAX_FORK_DEPTH]; /* the faults fork_run injected, in order */
	size_t nff;
	bool fork_batch;   /* a copy's first launch: the batch its parent forked it in */
	kdx_backend be;
	kdx_sched_opts so;
	kdx_journal j;
};

/* ---- the timeline ---- */

static int64_t now(const sim *S)
{
	return S->vc.now;
}

static void event(sim *S, const char *step, const char *what, const char *msg)
{
	kdx_sim_result *r = S->res;
	if (!S->o->timeline)
		return;
	XGROW(r->events, r->nevents + 1, r->aevents);
	r->events[r->nevents++] = (kdx_sim_event){ now(S), step, what, msg ? xstrdup(msg) : NULL };
}

static void violation(sim *S, const char *who, const char *why)
{
	kdx_sim_result *r = S->res;
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s: %s", who, why);
	r->violations = xrealloc(r->violations, (r->nviolations + 1) * sizeof(char *));
	r->violations[r->nviolations++] = strbuf_detach(&sb, NULL);
	event(S, NULL, "unsafe", r->violations[r->nviolations - 1]);
}

/* Re-evaluate the recovery predicate after a change: the achieved RTO is the last time it
 * turned true. */
static void recovery(sim *S)
{
	bool ok = kdx_sim_recovered(&S->m, NULL);
	if (!ok && !S->bad) {
		S->bad = true;
		if (S->o->timeline) {
			strbuf why = STRBUF_INIT;
			kdx_sim_recovered(&S->m, &why);
			event(S, NULL, "degraded", why.buf);
			strbuf_release(&why);
		}
	} else if (ok && S->bad) {
		S->bad = false;
		S->res->rto_ms = now(S);
		event(S, NULL, "recovered", "traffic served by healthy regions with capacity; writers healthy");
	}
}

static size_t step_index(sim *S, const char *name)
{
	size_t h = ((uintptr_t)name >> 3) & (S->hcap - 1);
	while (S->hash[h] && S->p->steps[S->hash[h] - 1].name != name)
		h = (h + 1) & (S->hcap - 1);
	return S->hash[h] ? S->hash[h] - 1 : SIZE_MAX;
}

static void build_hash(sim *S)
{
	S->hcap = 16;
	while (S->hcap < 2 * S->p->nsteps + 1)
		S->hcap *= 2;
	S->hash = xcalloc(S->hcap, sizeof(*S->hash));
	for (size_t i = 0; i < S->p->nsteps; i++) {
		size_t h = ((uintptr_t)S->p->steps[i].name >> 3) & (S->hcap - 1);
		while (S->hash[h])
			h = (h + 1) & (S->hcap - 1);
		S->hash[h] = i + 1;
	}
}

/* The scheduler's events: each step's final state, and the timeline. */
static void on_event(void *ctx, const kdx_event *ev)
{
	sim *S = ctx;
	/* without a timeline only the final states of steps are wanted */
	if (!S->o->timeline && ev->kind != KDX_EV_STEP_DONE && ev->kind != KDX_EV_STEP_FAILED &&
	    ev->kind != KDX_EV_STEP_SKIPPED && ev->kind != KDX_EV_UNDO_DONE &&
	    ev->kind != KDX_EV_UNDO_FAILED && ev->kind != KDX_EV_UNDO_SKIPPED)
		return;
	size_t i = ev->step ? step_index(S, ev->step) : SIZE_MAX;
	kdx_sim_state *st = i != SIZE_MAX ? &S->res->states[i] : NULL;
	const char *what = NULL;
	char buf[64];
	const char *msg = ev->message;
	switch (ev->kind) {
	case KDX_EV_STEP_START:
		what = "start";
		if (ev->attempts > 1) {
			snprintf(buf, sizeof(buf), "attempt %d of %d", ev->attempt, ev->attempts);
			msg = buf;
		}
		break;
	case KDX_EV_STEP_RETRY:
		what = "retry";
		break;
	case KDX_EV_STEP_DONE: what = "done"; if (st) *st = KDX_SS_DONE; break;
	case KDX_EV_STEP_FAILED: what = "failed"; if (st) *st = KDX_SS_FAILED; break;
	case KDX_EV_STEP_SKIPPED: what = "skipped"; if (st) *st = KDX_SS_SKIPPED; break;
	case KDX_EV_APPROVED: what = "approved"; break;
	case KDX_EV_STOP_CONDITION: what = "stop"; break;
	case KDX_EV_DEADLINE: what = "deadline"; break;
	case KDX_EV_ROLLBACK_START: what = "rollback"; break;
	case KDX_EV_UNDO_START: what = "undo"; break;
	case KDX_EV_UNDO_DONE: what = "undone"; if (st) *st = KDX_SS_ROLLED_BACK; break;
	case KDX_EV_UNDO_FAILED: what = "undo failed"; if (st) *st = KDX_SS_NOT_UNDONE; break;
	case KDX_EV_UNDO_SKIPPED:
		what = "not undone";
		if (st)
			*st = KDX_SS_NOT_UNDONE;
		if (msg && !strncmp(msg, "not undone: ", 12))
			msg += 12;
		break;
	case KDX_EV_PAUSED: what = "paused"; break;
	case KDX_EV_RUN_END: what = "end"; msg = ev->status; break;
	default: break;
	}
	if (what)
		event(S, ev->step, what, msg);
}

/* ---- applying effects ---- */

static bool is_gate(const kdx_effect *e)
{
	return e->kind == KDX_EFF_LAG_GATE || e->kind == KDX_EFF_HEALTH_GATE;
}

static void take_snapshot(sim *S, size_t i)
{
	const kdx_step *st = &S->p->steps[i];
	snap *sn = &S->snaps[i];
	size_t nr = S->m.nregions, n = st->nundo_effects;
	if (sn->taken || !n)
		return;
	sn->taken = true;
	sn->owned = true;
	sn->w = xcalloc(n * nr + 1, sizeof(double));
	sn->cap = xcalloc(n + 1, sizeof(double));
	sn->writer = xcalloc(n + 1, sizeof(int32_t));
	for (size_t k = 0; k < n; k++) {
		const kdx_effect *e = &st->undo_effects[k];
		if (e->resource >= 0 && (size_t)e->resource < S->m.nresources) {
			memcpy(&sn->w[k * nr], &S->m.weights[(size_t)e->resource * nr], nr * sizeof(double));
			sn->writer[k] = S->m.writer[e->resource];
		}
		if (e->region >= 0 && (size_t)e->region < nr)
			sn->cap[k] = S->m.capacity[e->region];
	}
}

static void apply_effects(sim *S, size_t i, kdx_phase ph)
{
	const kdx_step *st = &S->p->steps[i];
	const kdx_effect *E = ph == KDX_PHASE_DO ? st->effects : st->undo_effects;
	size_t n = ph == KDX_PHASE_DO ? st->neffects : st->nundo_effects;
	const snap *sn = &S->snaps[i];
	size_t nr = S->m.nregions;
	strbuf why = STRBUF_INIT;
	for (size_t k = 0; k < n; k++) {
		kdx_effect e = E[k];
		if (is_gate(&e))
			continue;
		if (ph == KDX_PHASE_UNDO && sn->taken) {
			if (e.kind == KDX_EFF_SET_WEIGHTS && !e.weights)
				e.weights = &sn->w[k * nr];
			else if (e.kind == KDX_EFF_SET_CAPACITY && e.pct < 0)
				e.pct = sn->cap[k];
			else if (e.kind == KDX_EFF_PROMOTE && e.region < 0)
				e.region = sn->writer[k];
		}
		if (e.kind == KDX_EFF_PROMOTE && e.region < 0)
			continue; /* nothing to go back to */
		if (e.kind == KDX_EFF_PROMOTE && !e.graceful && e.resource >= 0 && e.region >= 0 &&
		    S->m.writer[e.resource] != e.region) {
			int64_t lag = S->m.lag_ms[(size_t)e.resource * nr + (size_t)e.region];
			if (!S->res->promoted || lag > S->res->rpo_ms)
				S->res->rpo_ms = lag;
			S->res->promoted = true;
		}
		strbuf_reset(&why);
		if (kdx_model_apply(&S->m, &e, &why) < 0) {
			strbuf who = STRBUF_INIT;
			strbuf_addf(&who, "%s of '%s'", ph == KDX_PHASE_DO ? "do" : "undo", st->name);
			violation(S, who.buf, why.buf);
			strbuf_release(&who);
		}
	}
	strbuf_release(&why);
	recovery(S);
}

/* ---- the backend ---- */

static void bar_open(sim *S, simop *so)
{
	kdx_sim_result *r = S->res;
	so->bar = SIZE_MAX;
	if (!S->o->timeline)
		return;
	XGROW(r->bars, r->nbars + 1, r->abars);
	r->bars[r->nbars] = (kdx_sim_bar){ (uint32_t)so->op->index, so->op->phase, so->op->attempt,
					   now(S), now(S), KDX_BAR_OK };
	so->bar = r->nbars++;
}

static void bar_close(sim *S, simop *so, kdx_sim_bar_end end)
{
	if (so->bar == SIZE_MAX)
		return;
	S->res->bars[so->bar].end_ms = now(S);
	S->res->bars[so->bar].end = end;
	so->bar = SIZE_MAX;
}

static void op_done(void *arg)
{
	simop *so = arg;
	sim *S = so->S;
	if (so->ok)
		apply_effects(S, so->op->index, so->op->phase);
	bar_close(S, so, so->ok ? KDX_BAR_OK : KDX_BAR_FAILED);
	kdx_sched_complete(so->s, so->op, so->ok, NULL, NULL, so->err);
}

static bool throttled(sim *S, const kdx_step *st)
{
	const kdx_scenario *sc = S->o->scenario;
	const char *act = st->action;
	for (size_t k = 0; sc && act && k < sc->nfaults; k++) {
		const kdx_fault *f = &sc->faults[k];
		size_t n = f->service ? strlen(f->service) : 0;
		if (f->kind == KDX_FAULT_THROTTLE && !strncmp(act, f->service, n) && act[n] == '.' &&
		    now(S) >= f->at_ms && now(S) - f->at_ms < f->for_ms)
			return true;
	}
	return false;
}

static int be_start(void *ctx, kdx_sched *s, kdx_op *op, strbuf *err)
{
	sim *S = ctx;
	size_t i = op->index;
	const kdx_step *st = op->step;
	simop *so = &S->ops[i * 2 + op->phase];
	so->S = S;
	so->s = s;
	so->op = op;
	so->ok = true;
	so->err = NULL;
	if (op->phase == KDX_PHASE_DO)
		take_snapshot(S, i);
	int64_t d = kdx_sim_draw(S->o->seed, i, op->phase, op->attempt, st->duration_min_ms,
				 st->duration_max_ms);
	bar_open(S, so);
	if (op->phase == KDX_PHASE_DO && (S->fault[i] & 2)) {
		if (st->timeout_ms > 0 || st->duration_max_ms > 0)
			return 0; /* never completes: the scheduler's timeout ends it */
		so->ok = false;
		so->err = "never completed (simulated hang; the step has no timeout)";
		d = NEVER_COMPLETES_MS;
	} else if (op->phase == KDX_PHASE_DO && (S->fault[i] & 1)) {
		so->ok = false;
		so->err = "injected failure (scenario: fail step)";
	} else if (throttled(S, st)) {
		so->ok = false;
		so->err = "throttled: ThrottlingException (Rate exceeded)";
		d = st->duration_min_ms;
	}
	/* A change that ends at d is seen at the next poll of its wait (compiler/poll.h), the
	 * schedule kdx apply polls by; the seed stands for the run's jitter. */
	if (op->phase == KDX_PHASE_DO && st->poll_every_ms > 0 && so->ok && d < NEVER_COMPLETES_MS &&
	    S->o->poll != KDX_SIM_POLL_NONE) {
		kdx_poll sched = { .typical_ms = st->duration_min_ms, .every_ms = st->poll_every_ms,
				   .last_ms = st->duration_max_ms,
				   .seed = S->o->seed ^ ((uint64_t)i << 20) ^ (uint64_t)op->attempt,
				   .fixed = S->o->poll == KDX_SIM_POLL_FIXED };
		d = kdx_poll_after(&sched, d, NULL);
	}
	kdx_vclock_at(&S->vc, now(S) + d, op_done, so);
	(void)err;
	return 0;
}

static void be_cancel(void *ctx, kdx_op *op)
{
	sim *S = ctx;
	simop *so = &S->ops[op->index * 2 + op->phase];
	kdx_vclock_cancel(&S->vc, so);
	bar_close(S, so, KDX_BAR_TIMED_OUT);
}

static kdx_precheck be_precheck(void *ctx, const kdx_step *st, strbuf *why)
{
	sim *S = ctx;
	for (size_t k = 0; k < st->neffects; k++)
		if (is_gate(&st->effects[k]) && kdx_model_apply(&S->m, &st->effects[k], why) < 0)
			return KDX_PRE_FAIL;
	return KDX_PRE_OK;
}

static int be_stop(void *ctx, strbuf *reason)
{
	sim *S = ctx;
	for (size_t i = 0; i < S->m.nresources; i++)
		if (S->m.alarm[i]) {
			strbuf_addf(reason, "alarm '%s' is in ALARM", S->p->resources[i].name);
			return 1;
		}
	return 0;
}

static int approve(void *ctx, const kdx_step *st, strbuf *by)
{
	sim *S = ctx;
	if (S->fault[st - S->p->steps] & 4) {
		strbuf_addstr(by, "the scenario");
		return 0;
	}
	strbuf_addstr(by, "simulation (auto-granted)");
	return 1;
}

/* ---- faults ---- */

static void fire(void *arg)
{
	timed_fault *t = arg;
	sim *S = t->S;
	const kdx_fault *f = t->f;
	const kdx_plan *p = S->p;
	strbuf why = STRBUF_INIT;
	if (f->kind == KDX_FAULT_FAIL_REGION) {
		kdx_effect e = { .kind = KDX_EFF_SET_HEALTH, .resource = -1, .region = f->region };
		event(S, NULL, "region down", p->regions[f->region].name);
		if (kdx_model_apply(&S->m, &e, &why) < 0)
			event(S, NULL, "outage", why.buf);
		recovery(S);
	} else if (f->kind == KDX_FAULT_ALARM) {
		S->m.alarm[f->resource] = true;
		event(S, NULL, "alarm", p->resources[f->resource].name);
	} else if (f->kind == KDX_FAULT_THROTTLE) {
		event(S, NULL, t->end ? "throttle end" : "throttle", f->service);
	}
	strbuf_release(&why);
}

static void setup_faults(sim *S)
{
	const kdx_scenario *sc = S->o->scenario;
	size_t n = sc ? sc->nfaults : 0;
	S->tf = xcalloc(2 * n + 1, sizeof(*S->tf));
	for (size_t k = 0; k < n; k++) {
		const kdx_fault *f = &sc->faults[k];
		timed_fault *t = &S->tf[2 * k];
		*t = (timed_fault){ S, f, false };
		switch (f->kind) {
		case KDX_FAULT_FAIL_STEP: S->fault[f->step] |= 1; break;
		case KDX_FAULT_TIMEOUT_STEP: S->fault[f->step] |= 2; break;
		case KDX_FAULT_DENY_APPROVAL: S->fault[f->step] |= 4; break;
		case KDX_FAULT_LAG:
			S->m.lag_ms[(size_t)f->resource * S->m.nregions + (size_t)f->region] = f->lag_ms;
			break;
		case KDX_FAULT_THROTTLE:
			S->tf[2 * k + 1] = (timed_fault){ S, f, true };
			if (f->for_ms < INT64_MAX / 8)
				kdx_vclock_at(&S->vc, f->at_ms + f->for_ms, fire, &S->tf[2 * k + 1]);
			/* fall through */
		case KDX_FAULT_FAIL_REGION:
		case KDX_FAULT_ALARM:
			if (f->at_ms <= 0)
				fire(t);
			else
				kdx_vclock_at(&S->vc, f->at_ms, fire, t);
			break;
		}
	}
}

/* ---- a run ---- */

static void check_expectations(sim *S)
{
	const kdx_scenario *sc = S->o->scenario;
	kdx_sim_result *r = S->res;
	r->nexpects = sc ? sc->nexpects : 0;
	r->expect_ok = xcalloc(r->nexpects + 1, sizeof(bool));
	for (size_t k = 0; k < r->nexpects; k++) {
		const kdx_expect *x = &sc->expects[k];
		bool ok;
		if (x->kind == KDX_EXPECT_STEP)
			ok = r->states[x->step] == x->state;
		else {
			int64_t v = x->kind == KDX_EXPECT_RTO ? r->rto_ms : r->rpo_ms;
			ok = x->kind == KDX_EXPECT_RPO || r->recovered;
			ok = ok && (x->strict ? v < x->bound_ms : v <= x->bound_ms);
		}
		r->expect_ok[k] = ok;
		r->nexpect_failed += !ok;
	}
}

static void sim_release(sim *S)
{
	for (size_t i = 0; i < S->p->nsteps; i++) {
		if (!S->snaps[i].owned)
			continue;
		free(S->snaps[i].w);
		free(S->snaps[i].cap);
		free(S->snaps[i].writer);
	}
	free(S->snaps);
	free(S->ops);
	free(S->fault);
	free(S->tf);
	if (!S->forked)
		free(S->hash);
	kdx_vclock_release(&S->vc);
	kdx_model_release(&S->m);
}

/* What `kdx rollback` does after a pause: undo the steps the run completed, from a journal
 * state that says so. */
static int rollback_paused(sim *S, const kdx_backend *be, kdx_journal *j, kdx_sched_opts *so,
			   strbuf *err)
{
	const kdx_plan *p = S->p;
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	st.steps = xcalloc(p->nsteps + 1, sizeof(*st.steps));
	for (size_t i = 0; i < p->nsteps; i++) {
		kdx_sim_state s = S->res->states[i];
		if (s != KDX_SS_DONE && s != KDX_SS_SKIPPED)
			continue;
		kdx_jstep *js = &st.steps[st.nsteps++];
		js->name = xstrdup(p->steps[i].name);
		js->state = s == KDX_SS_DONE ? KDX_JS_DONE : KDX_JS_SKIPPED;
		js->approved = true;
	}
	st.asteps = p->nsteps + 1;
	st.run_id = xstrdup("sim");
	int rc = kdx_sched_rollback(p, &st, be, &S->vc.base, j, so, &S->res->run, err);
	kdx_journal_state_release(&st);
	return rc;
}

static void be_launching(void *ctx, kdx_sched *s);

static int fork_depth(const kdx_sim_opts *o)
{
	int d = o->fork_depth <= 0 ? 1 : o->fork_depth;
	return d > KDX_SIM_MAX_FORK_DEPTH ? KDX_SIM_MAX_FORK_DEPTH : d;
}

/* The backend, the options and the journal of the scheduler, pointing at S. */
static void sim_wire(sim *S)
{
	S->be = (kdx_backend){ .ctx = S, .precheck = be_precheck, .start = be_start,
			       .cancel = be_cancel, .stop_check = be_stop };
	if (S->o->fork_done && (int)S->nff < fork_depth(S->o))
		S->be.launching = be_launching;
	S->so = (kdx_sched_opts){ .parallelism = S->o->parallelism, .approve = approve,
				  .approve_ctx = S, .sink = { on_event, S },
				  .command = "simulate", .run_id = "sim" };
	kdx_journal_open_discard(&S->j);
}

/* After the scheduler: the rollback of a paused run, the faults due after the end, the
 * verdicts. Releases S. */
static int sim_end(sim *S, int rc, strbuf *err)
{
	kdx_sim_result *res = S->res;
	res->paused = rc == 0 && res->run.status == KDX_RUN_PAUSED;
	if (res->paused && S->o->rollback_paused)
		rc = rollback_paused(S, &S->be, &S->j, &S->so, err);
	kdx_journal_release(&S->j);
	res->end_ms = now(S);
	/* faults due after the run still happen to the world the run left */
	while (S->vc.ntimers)
		kdx_clock_wait(&S->vc.base, KDX_TIME_NEVER, NULL, NULL);
	res->recovered = !S->bad;
	kdx_model_copy(&res->final, &S->m);
	check_expectations(S);
	sim_release(S);
	return rc;
}

int kdx_sim_run(const kdx_plan *p, const kdx_sim_opts *o, kdx_sim_result *res, strbuf *err)
{
	sim S = { .p = p, .o = o, .res = res };
	memset(res, 0, sizeof(*res));
	res->states = xcalloc(p->nsteps + 1, sizeof(*res->states));
	kdx_model_init_from_plan(&S.m, p);
	kdx_vclock_init(&S.vc, 0);
	S.ops = xcalloc(2 * p->nsteps + 1, sizeof(*S.ops));
	S.snaps = xcalloc(p->nsteps + 1, sizeof(*S.snaps));
	S.fault = xcalloc(p->nsteps + 1, 1);
	build_hash(&S);
	kdx_model_copy(&res->start, &S.m);
	setup_faults(&S);
	recovery(&S);
	kdx_model_copy(&res->initial, &S.m);
	sim_wire(&S);
	int rc = kdx_sched_apply(p, &S.be, &S.vc.base, &S.j, &S.so, &res->run, err);
	return sim_end(&S, rc, err);
}

/* ---- forking (-explore) ---- */

static void copy_result(kdx_sim_result *d, const kdx_sim_result *r, size_t nsteps)
{
	*d = *r;
	d->states = xmalloc((nsteps + 1) * sizeof(*d->states));
	memcpy(d->states, r->states, nsteps * sizeof(*d->states));
	kdx_model_copy(&d->initial, &r->initial);
	kdx_model_copy(&d->start, &r->start);
	memset(&d->final, 0, sizeof(d->final));
	d->violations = xmalloc((r->nviolations + 1) * sizeof(char *));
	for (size_t k = 0; k < r->nviolations; k++)
		d->violations[k] = xstrdup(r->violations[k]);
	d->events = xmalloc((r->nevents + 1) * sizeof(*d->events));
	for (size_t k = 0; k < r->nevents; k++) {
		d->events[k] = r->events[k];
		d->events[k].message = r->events[k].message ? xstrdup(r->events[k].message) : NULL;
	}
	d->aevents = r->nevents + 1;
	d->bars = xmalloc((r->nbars + 1) * sizeof(*d->bars));
	if (r->nbars)
		memcpy(d->bars, r->bars, r->nbars * sizeof(*d->bars));
	d->abars = r->nbars + 1;
}

/* Point a timer's argument (an op's or a fault's state in P) at the same one in C. */
static void *remap(const sim *P, sim *C, void *arg)
{
	size_t nops = 2 * P->p->nsteps + 1;
	size_t ntf = 2 * (P->o->scenario ? P->o->scenario->nfaults : 0) + 1;
	uintptr_t a = (uintptr_t)arg;
	if (a >= (uintptr_t)P->ops && a < (uintptr_t)(P->ops + nops))
		return C->ops + ((simop *)arg - P->ops);
	if (a >= (uintptr_t)P->tf && a < (uintptr_t)(P->tf + ntf))
		return C->tf + ((timed_fault *)arg - P->tf);
	return arg;
}

/* A copy of the simulation P (its world, clock, timers, ops and result) in C. */
static void sim_clone(sim *C, const sim *P, kdx_sim_result *res)
{
	size_t n = P->p->nsteps;
	size_t ntf = 2 * (P->o->scenario ? P->o->scenario->nfaults : 0) + 1;
	*C = *P;
	C->forked = true;
	C->res = res;
	copy_result(res, P->res, n);
	kdx_model_copy(&C->m, &P->m);
	C->vc.timers = xmalloc((P->vc.ntimers + 1) * sizeof(*C->vc.timers));
	C->vc.atimers = P->vc.ntimers + 1;
	C->ops = xmalloc((2 * n + 1) * sizeof(*C->ops));
	memcpy(C->ops, P->ops, (2 * n + 1) * sizeof(*C->ops));
	C->snaps = xmalloc((n + 1) * sizeof(*C->snaps));
	memcpy(C->snaps, P->snaps, (n + 1) * sizeof(*C->snaps));
	for (size_t i = 0; i < n; i++)
		C->snaps[i].owned = false;
	C->fault = xmalloc(n + 1);
	memcpy(C->fault, P->fault, n + 1);
	C->tf = xmalloc(ntf * sizeof(*C->tf));
	memcpy(C->tf, P->tf, ntf * sizeof(*C->tf));
	for (size_t k = 0; k < ntf; k++)
		C->tf[k].S = C;
	for (size_t k = 0; k < P->vc.ntimers; k++) {
		C->vc.timers[k] = P->vc.timers[k];
		C->vc.timers[k].arg = remap(P, C, P->vc.timers[k].arg);
	}
}

/* At the first launch of step i's do: a copy of the run with i failing (or hanging) from
 * here, run to its end; its result goes to opts.fork_done. */
static void fork_run(sim *P, kdx_sched *s, size_t i, kdx_fault_kind kind)
{
	sim C;
	kdx_sim_result res;
	strbuf err = STRBUF_INIT;
	sim_clone(&C, P, &res);
	C.fault[i] |= kind == KDX_FAULT_TIMEOUT_STEP ? 2 : 1;
	C.ff[C.nff++] = (kdx_fork_fault){ (uint32_t)i, kind };
	C.fork_batch = true;
	sim_wire(&C);
	kdx_sched *f = kdx_sched_fork(s, &C.be, &C.vc.base, &C.j, &C.so, &res.run, &err);
	for (size_t k = 0; k < 2 * P->p->nsteps; k++) {
		simop *so = &C.ops[k];
		if (!so->op)
			continue;
		so->S = &C;
		so->s = f;
		so->op = kdx_sched_op(f, so->op->index);
	}
	int rc = kdx_sched_finish(f);
	rc = sim_end(&C, rc, &err);
	P->o->fork_done(P->o->fork_ctx, C.ff, C.nff, rc, &res, err.buf);
	kdx_sim_result_release(&res);
	strbuf_release(&err);
}

/* A copy goes on from the launch its parent forked it in, so it sees that batch again:
 * there it forks only for the steps after its own last fault's (by index), which the parent
 * forks for with that fault in them, so a pair in one batch is run once, not twice. */
static void be_launching(void *ctx, kdx_sched *s)
{
	sim *S = ctx;
	bool batch = S->fork_batch;
	S->fork_batch = false;
	for (size_t k = 0; k < kdx_sched_npending(s); k++) {
		const kdx_op *op = kdx_sched_pending(s, k);
		if (op->phase != KDX_PHASE_DO || op->attempt != 1 || S->fault[op->index])
			continue;
		if (batch && op->index < S->ff[S->nff - 1].step)
			continue;
		fork_run(S, s, op->index, KDX_FAULT_FAIL_STEP);
		fork_run(S, s, op->index, KDX_FAULT_TIMEOUT_STEP);
	}
}

void kdx_sim_result_release(kdx_sim_result *r)
{
	kdx_model_release(&r->initial);
	kdx_model_release(&r->final);
	kdx_model_release(&r->start);
	free(r->states);
	free(r->expect_ok);
	for (size_t i = 0; i < r->nviolations; i++)
		free(r->violations[i]);
	free(r->violations);
	for (size_t i = 0; i < r->nevents; i++)
		free(r->events[i].message);
	free(r->events);
	free(r->bars);
	memset(r, 0, sizeof(*r));
}
