/* lower_exec: the runbook side of the gate on core.exec and `call terraform`. A runbook that runs local
 * commands says which in its runbook block (`allow_exec = ["/usr/bin/curl"]`); every
 * core.exec a step calls must name one of them as argv[0], known at compile time. The
 * other side of the gate is the command line's -allow-exec (cli/), and the executor checks
 * both again before it starts a command (executor/interp_host.c). Terraform runs whatever
 * its configuration says (a local-exec provisioner is arbitrary code), so an action that
 * calls it is gated the same way: allow_exec must list "terraform". */
#include "lower.h"
#include "resolve.h"
#include "../common/hash.h"
#include "../common/suggest.h"

#include <stdint.h>
#include <string.h>

void kdx_lower_allow_exec(kdx_lowerer *L, const kdx_ast_file *f)
{
	const kdx_ast_item *it = NULL;
	for (size_t i = 0; i < f->ndecls && !it; i++)
		if (f->decls[i]->kind == KDX_AST_RUNBOOK)
			it = kdx_ast_find_attr(f->decls[i], "allow_exec");
	kdx_value *v;
	if (!it || kdx_eval_ast(&L->ev, L->genv, it->expr, &v))
		return;
	L->allow_exec_span = it->span;
	L->has_allow_exec = true;
	if (v->kind != KDX_V_LIST) {
		kdx_diag_add(&L->c->diags, KDX_ERROR, "type", it->expr->span,
			     "allow_exec must be a list of command paths, got %s",
			     kdx_type_of_value(&L->ev, v));
		return;
	}
	L->allow_exec = KDX_NEWN(&L->c->arena, const char *, v->u.list.n + 1);
	for (size_t i = 0; i < v->u.list.n; i++) {
		const char *t = kdx_value_text(v->u.list.items[i]);
		if (!t || !*t) {
			kdx_diag_add(&L->c->diags, KDX_ERROR, "type", it->expr->span,
				     "allow_exec must be a list of command paths; element %zu is not", i);
			continue;
		}
		L->allow_exec[L->nallow_exec++] = t;
	}
	L->plan->allow_exec = L->allow_exec;
	L->plan->nallow_exec = L->nallow_exec;
	L->plan->has_allow_exec = true;
}

bool kdx_lower_is_exec(const kdx_bound_call *bc)
{
	return bc && bc->module && bc->decl && !strcmp(bc->module->name, "core") &&
	       bc->decl->name.name && !strcmp(bc->decl->name.name, "exec");
}

bool kdx_lower_runs_terraform(const kdx_bound_call *bc)
{
	const kdx_ast_decl *d = bc ? bc->decl : NULL;
	for (size_t i = 0; d && i < d->nitems; i++) {
		const kdx_ast_item *it = d->items[i];
		if (it->kind == KDX_AST_CALL && it->word.name && !strcmp(it->word.name, "terraform"))
			return true;
	}
	return false;
}

static void check_terraform(kdx_lowerer *L, const kdx_bound_call *bc)
{
	for (size_t i = 0; i < L->nallow_exec; i++)
		if (!strcmp(L->allow_exec[i], "terraform"))
			return;
	kdx_diag *g = kdx_diag_add(&L->c->diags, KDX_ERROR, "exec", bc->span,
				   "'%s' runs Terraform, a local command this runbook does not allow",
				   bc->action);
	if (L->has_allow_exec)
		kdx_diag_note(g, L->allow_exec_span, "allowed here");
	kdx_diag_hint(g, "add \"terraform\" to allow_exec in the runbook block (allow_exec = "
		      "[\"terraform\"]) and pass -allow-exec to kdx apply");
}

static size_t decl_slot(const kdx_lower_scratch *S, const kdx_ast_decl *d)
{
	size_t h = kdx_hash_ptr(d);
	for (h &= S->facts_cap - 1; S->facts[h] && S->facts[h]->decl != d;
	     h = (h + 1) & (S->facts_cap - 1))
		;
	return h;
}

const kdx_action_facts *kdx_lower_facts(kdx_lowerer *L, const kdx_bound_call *bc)
{
	if (!bc || !bc->decl)
		return NULL;
	kdx_lower_scratch *S = L->scratch;
	if (2 * (S->nfacts + 1) > S->facts_cap) {
		struct kdx_action_facts **old = S->facts;
		size_t ocap = S->facts_cap;
		S->facts_cap = ocap ? 2 * ocap : 64;
		S->facts = KDX_NEWN(&L->c->arena, struct kdx_action_facts *, S->facts_cap);
		for (size_t i = 0; i < ocap; i++)
			if (old[i])
				S->facts[decl_slot(S, old[i]->decl)] = old[i];
	}
	size_t h = decl_slot(S, bc->decl);
	if (!S->facts[h]) {
		kdx_action_facts *f = KDX_NEW(&L->c->arena, kdx_action_facts);
		f->decl = bc->decl;
		kdx_lower_read_back(bc->decl, &f->unverifiable, &f->repeatable, &f->unverifiable_why);
		f->mutates = kdx_action_mutates(bc->decl);
		f->runs_terraform = kdx_lower_runs_terraform(bc);
		f->is_exec = kdx_lower_is_exec(bc); /* bc->module is bc->decl's: a fact of it too */
		S->facts[h] = f;
		S->nfacts++;
	}
	return S->facts[h];
}

void kdx_lower_check_exec(kdx_lowerer *L, const kdx_bound_call *bc)
{
	const kdx_action_facts *f = kdx_lower_facts(L, bc);
	if (f && f->runs_terraform)
		check_terraform(L, bc);
	if (!f || !f->is_exec)
		return;
	kdx_diags *D = &L->c->diags;
	if (!L->has_allow_exec) {
		kdx_diag *g = kdx_diag_add(D, KDX_ERROR, "exec", bc->span,
					   "'core.exec' runs a local command, which this runbook does "
					   "not allow");
		kdx_diag_hint(g, "list the commands in the runbook block, e.g. allow_exec = "
			      "[\"/usr/bin/curl\"], and pass -allow-exec to kdx apply");
		return;
	}
	const kdx_value *argv = bc->nargs ? bc->args[0] : NULL;
	if (!argv) {
		kdx_diag *g = kdx_diag_add(D, KDX_ERROR, "exec", bc->span,
					   "the command line of 'core.exec' must be known at compile "
					   "time");
		kdx_diag_hint(g, "build argv from params and literals only, so that it can be "
			      "checked against allow_exec and shown by kdx plan");
		return;
	}
	if (argv->kind != KDX_V_LIST || !argv->u.list.n) {
		kdx_diag_add(D, KDX_ERROR, "exec", bc->span,
			     "'core.exec' needs a command: argv is an empty list");
		return;
	}
	const char *cmd = kdx_value_text(argv->u.list.items[0]);
	for (size_t i = 0; cmd && i < L->nallow_exec; i++)
		if (!strcmp(L->allow_exec[i], cmd))
			return;
	kdx_diag *g = kdx_diag_add(D, KDX_ERROR, "exec", bc->span,
				   "command '%s' is not in the runbook's allow_exec",
				   cmd ? cmd : "?");
	kdx_diag_note(g, L->allow_exec_span, "allowed here");
	const char *s = cmd ? kdx_suggest_best(cmd, L->allow_exec, L->nallow_exec) : NULL;
	if (s)
		kdx_diag_hint(g, "did you mean '%s'?", s);
	else
		kdx_diag_hint(g, "add '%s' to allow_exec if the runbook may run it", cmd ? cmd : "?");
}
