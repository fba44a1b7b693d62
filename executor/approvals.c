/* approvals: the list of pre-approved gates and the decision the scheduler asks for. */
#include "approvals.h"
#include "approval_rec.h"

#include "../common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void kdx_approvals_init(kdx_approvals *a)
{
	memset(a, 0, sizeof(*a));
}

void kdx_approvals_release(kdx_approvals *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].step);
		free(a->v[i].source);
	}
	free(a->v);
	kdx_approvals_init(a);
}

void kdx_approvals_add(kdx_approvals *a, const char *step, const char *source)
{
	XGROW(a->v, a->n + 1, a->alloc);
	a->v[a->n].step = xstrdup(step);
	a->v[a->n].source = xstrdup(source);
	a->n++;
}

int kdx_approvals_load(kdx_approvals *a, const char *path, strbuf *err)
{
	FILE *fp = fopen(path, "re");
	if (!fp) {
		strbuf_addf(err, "cannot read approvals file '%s': %s", path, strerror(errno));
		return -1;
	}
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line, *e;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
		if (!*s)
			continue;
		strbuf src = STRBUF_INIT;
		strbuf_addf(&src, "approvals file '%s' line %d", path, lineno);
		kdx_approvals_add(a, s, src.buf);
		strbuf_release(&src);
	}
	fclose(fp);
	return 0;
}

int kdx_approvals_check(const kdx_approvals *a, const kdx_plan *plan, strbuf *err)
{
	int rc = 0;
	for (size_t i = 0; i < a->n; i++) {
		size_t k = 0;
		while (k < plan->nsteps && strcmp(plan->steps[k].name, a->v[i].step))
			k++;
		if (k == plan->nsteps) {
			strbuf_addf(err, "%s'%s' (%s) is not a step of runbook '%s'", rc ? "; " : "",
				    a->v[i].step, a->v[i].source, plan->name ? plan->name : "?");
			rc = -1;
		}
	}
	return rc;
}

/* The decision the records in items make for st (kdx_approvals_poll's answers but -1). */
static int decide_items(const kdx_approvals *a, const kdx_step *st, const kdx_names *items,
			strbuf *by)
{
	kdx_names who = { 0 };
	int need = st->approval_min > 1 ? st->approval_min : 1, rc = 2;
	strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < items->n && rc == 2; i++) {
		kdx_approval_rec r;
		kdx_approval_rec_init(&r);
		if (kdx_approval_rec_decode(items->v[i], &r) < 0 || strcmp(r.step, st->name)) {
			kdx_approval_rec_release(&r);
			continue;
		}
		if (r.deny) {
			/* anyone may stop a run: a denial needs no quorum */
			strbuf_reset(by);
			kdx_approval_rec_describe(by, &r);
			rc = 0;
		} else if (strcmp(r.identity, "unknown") &&
			   !(a->runner && !strcmp(r.identity, a->runner))) {
			/* the runner cannot approve its own run, and one person counts once */
			size_t k = 0;
			while (k < who.n && strcmp(who.v[k], r.identity))
				k++;
			if (k == who.n) {
				kdx_names_add(&who, r.identity);
				if (names.len)
					strbuf_addstr(&names, "; ");
				kdx_approval_rec_describe(&names, &r);
			}
		}
		kdx_approval_rec_release(&r);
	}
	if (rc == 2 && who.n >= (size_t)need) {
		strbuf_addstr(by, names.buf);
		rc = 1;
	}
	strbuf_release(&names);
	kdx_names_release(&who);
	return rc;
}

int kdx_approvals_poll(const kdx_approvals *a, const kdx_step *st, strbuf *by, strbuf *err)
{
	kdx_names items = { 0 };
	int rc = kdx_store_approval_list(a->store, a->run_id->buf, &items, err) < 0
			 ? -1 : decide_items(a, st, &items, by);
	kdx_names_release(&items);
	return rc;
}

/* Tell seen() about the records of st in items not told yet. */
static void tell_new(kdx_approvals *a, const kdx_step *st, const kdx_names *items,
		     kdx_names *told)
{
	for (size_t i = 0; a->seen && i < items->n; i++) {
		size_t k = 0;
		while (k < told->n && strcmp(told->v[k], items->v[i]))
			k++;
		if (k < told->n)
			continue;
		kdx_names_add(told, items->v[i]);
		kdx_approval_rec r;
		kdx_approval_rec_init(&r);
		if (kdx_approval_rec_decode(items->v[i], &r) == 0 && !strcmp(r.step, st->name)) {
			strbuf d = STRBUF_INIT;
			strbuf_addstr(&d, r.deny ? "denied by " : "approved by ");
			kdx_approval_rec_describe(&d, &r);
			a->seen(a->seen_ctx, st->name, d.buf);
			strbuf_release(&d);
		}
		kdx_approval_rec_release(&r);
	}
}

/* Until a decision: look at the store every poll_ms. Each look tells seen() what is new
 * before deciding on the same records, so whoever watches knows a record told has been
 * weighed. */
static int wait_store(kdx_approvals *a, const kdx_step *st, strbuf *by)
{
	kdx_names told = { 0 };
	int rc;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		kdx_names items = { 0 };
		strbuf err = STRBUF_INIT;
		if (kdx_store_approval_list(a->store, a->run_id->buf, &items, &err) < 0) {
			strbuf_addf(by, "nobody: %s", err.buf);
			rc = -1;
		} else {
			tell_new(a, st, &items, &told);
			rc = decide_items(a, st, &items, by);
		}
		kdx_names_release(&items);
		strbuf_release(&err);
		if (rc != 2)
			break;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t waited = (int64_t)(now.tv_sec - t0.tv_sec) * 1000 +
				 (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= a->wait_ms) {
			strbuf_reset(by);
			strbuf_addf(by, "nobody within -approval-timeout (%lld s)",
				    (long long)(a->wait_ms / 1000));
			rc = -1;
			break;
		}
		struct timespec ts = { a->poll_ms / 1000, (long)(a->poll_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	kdx_names_release(&told);
	return rc;
}

int kdx_approvals_decide(void *ctx, const kdx_step *st, strbuf *by)
{
	kdx_approvals *a = ctx;
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].step, st->name)) {
			strbuf_addstr(by, a->v[i].source);
			return 1;
		}
	if (a->all) {
		strbuf_addstr(by, "approve-all");
		return 1;
	}
	if (a->ask)
		return a->ask(a->ask_ctx, st, by);
	if (a->store && a->run_id && a->run_id->len && a->wait_ms > 0)
		return wait_store(a, st, by);
	return -1;
}
