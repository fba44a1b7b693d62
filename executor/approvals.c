/* approvals: the list of pre-approved gates and the decision the scheduler asks for. */
#include "approvals.h"

#include "../common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return a->ask ? a->ask(a->ask_ctx, st, by) : -1;
}
