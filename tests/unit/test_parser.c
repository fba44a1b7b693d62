/* Unit tests for the parser (grammar/parser.y, build.c): the tree it builds, the spans and
 * interned names it records, recovery, and that no input crashes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/intern.h"
#include "../../common/diag.h"
#include "grammar/ast.h"
#include "grammar/parse.h"
#include "compiler/fmt.h"

typedef struct parsed {
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_diags diags;
	kdx_ast_file *ast;
	int rc;
} parsed;

static parsed *parse(const char *text)
{
	parsed *p = calloc(1, sizeof(*p));
	kdx_arena_init(&p->arena);
	kdx_intern_init(&p->intern, &p->arena);
	kdx_sources_init(&p->src);
	kdx_diags_init(&p->diags);
	p->rc = kdx_parse_string(&p->arena, &p->intern, &p->src, "t.kdx", text, strlen(text),
				 &p->diags, &p->ast);
	return p;
}

static void release(parsed *p)
{
	kdx_diags_release(&p->diags);
	kdx_sources_release(&p->src);
	kdx_intern_release(&p->intern);
	kdx_arena_release(&p->arena);
	free(p);
}

/* The source text a span covers. */
static char *text_of(parsed *p, kdx_span s)
{
	static char buf[256];
	size_t n = s.end - s.start;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, p->src.files[s.file].text + s.start, n);
	buf[n] = '\0';
	return buf;
}

static const char sample[] =
	"runbook \"kaldrix-failover\" {\n"
	"  version = \"2.3.0\"\n"
	"}\n"
	"import \"aws/route53\"\n"
	"import \"aws/rds\" as db_api\n"
	"param environment : string = \"staging\" { allowed = [\"production\", \"staging\"] }\n"
	"param target : region = \"us-west-2\"\n"
	"objectives { rpo = 5m  rto = 15m  availability = 99.99% }\n"
	"region \"us-east-1\" { role = primary  weight = 70%  capacity = 100% }\n"
	"resource fleet : autoscaling.group { for_each = regions  name = \"k-${each}\" }\n"
	"step promote after shift, scale {\n"
	"  require rds.replication_lag(db, target) <= objectives.rpo\n"
	"  do rds.failover_global_cluster(db, to = target)\n"
	"  undo none\n"
	"  wait until healthy(target) within 2m every 5s\n"
	"  retry 3 backoff 2s\n"
	"  approval when environment == \"production\"\n"
	"  irreversible\n"
	"  on_failure pause\n"
	"}\n"
	"scenario \"lost\" {\n"
	"  fail region \"us-east-1\" at 0s\n"
	"  lag db \"us-west-2\" = 20s\n"
	"  expect step promote done\n"
	"}\n"
	"output primary = target\n";

static void test_sample_declarations(void **state)
{
	(void)state;
	parsed *p = parse(sample);
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->diags.n, 0);
	static const kdx_ast_decl_kind kinds[] = {
		KDX_AST_RUNBOOK, KDX_AST_IMPORT, KDX_AST_IMPORT, KDX_AST_PARAM, KDX_AST_PARAM,
		KDX_AST_OBJECTIVES, KDX_AST_REGION, KDX_AST_RESOURCE, KDX_AST_STEP,
		KDX_AST_SCENARIO, KDX_AST_OUTPUT,
	};
	assert_int_equal(p->ast->ndecls, sizeof(kinds) / sizeof(kinds[0]));
	for (size_t i = 0; i < p->ast->ndecls; i++)
		assert_int_equal(p->ast->decls[i]->kind, kinds[i]);
	kdx_ast_decl **d = p->ast->decls;
	assert_string_equal(d[0]->label.name, "kaldrix-failover");
	assert_string_equal(d[2]->label.name, "aws/rds");
	assert_string_equal(d[2]->name.name, "db_api");
	assert_null(d[1]->name.name);
	/* param with type, default and options block */
	assert_string_equal(d[3]->name.name, "environment");
	assert_int_equal(d[3]->type->kind, KDX_AST_T_NAME);
	assert_string_equal(d[3]->type->name, "string");
	assert_true(d[3]->has_body);
	assert_non_null(kdx_ast_find_attr(d[3], "allowed"));
	assert_false(d[4]->has_body);
	assert_string_equal(d[4]->type->name, "region");
	/* resource: qualified type, for_each pulled out */
	assert_int_equal(d[7]->type->kind, KDX_AST_T_QUALIFIED);
	assert_string_equal(d[7]->type->module, "autoscaling");
	assert_string_equal(d[7]->type->name, "group");
	assert_non_null(d[7]->for_each);
	assert_int_equal(d[7]->for_each->kind, KDX_AST_E_NAME);
	assert_string_equal(text_of(p, d[7]->name.span), "fleet");
	release(p);
}

static void test_step_clauses(void **state)
{
	(void)state;
	parsed *p = parse(sample);
	const kdx_ast_decl *s = p->ast->decls[8];
	assert_string_equal(s->name.name, "promote");
	assert_int_equal(s->nafter, 2);
	assert_string_equal(s->after[0].name, "shift");
	assert_string_equal(text_of(p, s->after[1].span), "scale");
	static const kdx_ast_item_kind kinds[] = {
		KDX_AST_REQUIRE, KDX_AST_DO, KDX_AST_UNDO, KDX_AST_WAIT_UNTIL, KDX_AST_RETRY,
		KDX_AST_APPROVAL, KDX_AST_IRREVERSIBLE, KDX_AST_ON_FAILURE,
	};
	assert_int_equal(s->nitems, sizeof(kinds) / sizeof(kinds[0]));
	for (size_t i = 0; i < s->nitems; i++)
		assert_int_equal(s->items[i]->kind, kinds[i]);
	const kdx_ast_item *it = kdx_ast_find_item(s, KDX_AST_DO);
	assert_int_equal(it->expr->kind, KDX_AST_E_CALL);
	assert_int_equal(it->expr->u.call.nargs, 2);
	assert_null(it->expr->u.call.args[0].name);
	assert_string_equal(it->expr->u.call.args[1].name, "to");
	/* the name's span from the argument's: 32-byte arguments */
	kdx_span ns = kdx_ast_arg_name_span(&it->expr->u.call.args[1]);
	assert_int_equal(ns.start, it->expr->u.call.args[1].span.start);
	assert_int_equal(ns.end - ns.start, 2);
	assert_true(ns.end < it->expr->u.call.args[1].value->span.start);
	assert_int_equal(kdx_ast_arg_name_span(&it->expr->u.call.args[0]).end, 0);
	assert_true(sizeof(kdx_ast_arg) <= 32);
	const kdx_ast_expr *callee = it->expr->u.call.callee;
	assert_int_equal(callee->kind, KDX_AST_E_GETATTR);
	assert_string_equal(callee->u.get.attr, "failover_global_cluster");
	assert_string_equal(callee->u.get.obj->u.name, "rds");
	/* the attribute's span without an identifier of its own: 40-byte expressions */
	kdx_span as = kdx_ast_attr_span(callee);
	assert_int_equal(as.file, callee->span.file);
	assert_int_equal(as.start, callee->u.get.obj->span.end + 1); /* after the '.' */
	assert_int_equal(as.end - as.start, strlen("failover_global_cluster"));
	assert_int_equal(as.end, callee->span.end);
	assert_true(sizeof(kdx_ast_expr) <= 40);
	assert_true(kdx_ast_find_item(s, KDX_AST_UNDO)->none);
	it = kdx_ast_find_item(s, KDX_AST_WAIT_UNTIL);
	assert_int_equal(it->within->kind, KDX_AST_E_DURATION);
	assert_int_equal(it->within->u.dur.ms, 120000);
	assert_int_equal(it->every->u.dur.ms, 5000);
	it = kdx_ast_find_item(s, KDX_AST_RETRY);
	assert_true(it->expr->u.num.value == 3);
	assert_int_equal(it->backoff->u.dur.ms, 2000);
	it = kdx_ast_find_item(s, KDX_AST_APPROVAL);
	assert_int_equal(it->expr->kind, KDX_AST_E_BINARY);
	assert_int_equal(it->expr->u.binary.op, KDX_AST_OP_EQ);
	assert_string_equal(kdx_ast_find_item(s, KDX_AST_ON_FAILURE)->name.name, "pause");
	assert_string_equal(text_of(p, kdx_ast_find_item(s, KDX_AST_REQUIRE)->span),
			    "require rds.replication_lag(db, target) <= objectives.rpo");
	release(p);
}

static void test_names_are_interned(void **state)
{
	(void)state;
	parsed *p = parse(sample);
	/* `target` as a param name and as a name in expressions is one pointer */
	const char *param = p->ast->decls[4]->name.name;
	const kdx_ast_decl *out = p->ast->decls[10];
	assert_ptr_equal(out->value->u.name, param);
	assert_ptr_equal(kdx_intern_str(&p->intern, "target"), param);
	/* the scenario statements */
	const kdx_ast_decl *sc = p->ast->decls[9];
	assert_int_equal(sc->items[0]->kind, KDX_AST_FAIL_REGION);
	assert_int_equal(sc->items[0]->at->u.dur.ms, 0);
	assert_int_equal(sc->items[1]->kind, KDX_AST_LAG);
	assert_string_equal(sc->items[1]->name.name, "db");
	assert_int_equal(sc->items[1]->value->u.dur.ms, 20000);
	assert_int_equal(sc->items[2]->kind, KDX_AST_EXPECT_STEP);
	assert_string_equal(sc->items[2]->word.name, "done");
	release(p);
}

static void test_precedence(void **state)
{
	(void)state;
	parsed *p = parse("output o = a + b * c == d || !e && f ? -g : h\n");
	assert_int_equal(p->rc, 0);
	const kdx_ast_expr *e = p->ast->decls[0]->value;
	assert_int_equal(e->kind, KDX_AST_E_COND);
	const kdx_ast_expr *c = e->u.cond.cond;
	assert_int_equal(c->u.binary.op, KDX_AST_OP_OR);
	assert_int_equal(c->u.binary.lhs->u.binary.op, KDX_AST_OP_EQ);
	const kdx_ast_expr *sum = c->u.binary.lhs->u.binary.lhs;
	assert_int_equal(sum->u.binary.op, KDX_AST_OP_ADD);
	assert_int_equal(sum->u.binary.rhs->u.binary.op, KDX_AST_OP_MUL);
	assert_int_equal(c->u.binary.rhs->u.binary.op, KDX_AST_OP_AND);
	assert_int_equal(c->u.binary.rhs->u.binary.lhs->kind, KDX_AST_E_UNARY);
	assert_int_equal(e->u.cond.then->u.unary.op, KDX_AST_OP_NEG);
	assert_string_equal(text_of(p, e->span), "a + b * c == d || !e && f ? -g : h");
	release(p);
}

static void test_maps_lists_comprehensions(void **state)
{
	(void)state;
	parsed *p = parse("output o = { a = 1, \"b-c\" = [1, 2,], (k) = { x = 1 y = 2 } }\n"
			  "output l = [for r, w in weights : w * 2 if w > 0%]\n"
			  "output m = { for k in ks : k => upper(k) }\n"
			  "output s = \"x-${a.b[0]}-y\"\n");
	assert_int_equal(p->rc, 0);
	const kdx_ast_expr *m = p->ast->decls[0]->value;
	assert_int_equal(m->kind, KDX_AST_E_MAP);
	assert_int_equal(m->u.map.n, 3);
	assert_int_equal(m->u.map.entries[0].key_kind, KDX_AST_KEY_IDENT);
	assert_int_equal(m->u.map.entries[1].key_kind, KDX_AST_KEY_STRING);
	assert_string_equal(kdx_ast_string_literal(m->u.map.entries[1].key), "b-c");
	assert_int_equal(m->u.map.entries[1].value->u.list.n, 2);
	assert_int_equal(m->u.map.entries[2].key_kind, KDX_AST_KEY_EXPR);
	assert_int_equal(m->u.map.entries[2].value->u.map.n, 2); /* juxtaposed entries */
	const kdx_ast_expr *l = p->ast->decls[1]->value;
	assert_int_equal(l->kind, KDX_AST_E_FOR_LIST);
	assert_string_equal(l->u.comp->var1.name, "r");
	assert_string_equal(l->u.comp->var2.name, "w");
	assert_non_null(l->u.comp->cond);
	const kdx_ast_expr *mc = p->ast->decls[2]->value;
	assert_int_equal(mc->kind, KDX_AST_E_FOR_MAP);
	assert_null(mc->u.comp->var2.name);
	assert_int_equal(mc->u.comp->value->kind, KDX_AST_E_CALL);
	const kdx_ast_expr *s = p->ast->decls[3]->value;
	assert_int_equal(s->u.str.n, 3);
	assert_string_equal(s->u.str.parts[0].text, "x-");
	assert_int_equal(s->u.str.parts[1].expr->kind, KDX_AST_E_INDEX);
	assert_string_equal(s->u.str.parts[2].text, "-y");
	release(p);
}

/* A string's pieces are built in one array as they come (build.c's push_part): escapes
 * merged into the literal before an interpolation and after it, in order, with their
 * spans; then five pieces, past two growths of the array. */
static void test_string_pieces_in_place(void **state)
{
	(void)state;
	parsed *p = parse("output o = \"a\\tb${x}c\\nd${y}\"\n"
			  "output q = \"${a}${b}${c}${d}e\"\n");
	assert_int_equal(p->rc, 0);
	const kdx_ast_expr *s = p->ast->decls[0]->value;
	assert_int_equal(s->u.str.n, 4);
	assert_string_equal(s->u.str.parts[0].text, "a\tb");
	assert_int_equal(s->u.str.parts[0].len, 3);
	assert_string_equal(text_of(p, s->u.str.parts[0].span), "a\\tb");
	assert_string_equal(s->u.str.parts[1].expr->u.name, "x");
	assert_string_equal(s->u.str.parts[2].text, "c\nd");
	assert_string_equal(text_of(p, s->u.str.parts[2].span), "c\\nd");
	assert_string_equal(s->u.str.parts[3].expr->u.name, "y");
	const kdx_ast_expr *q = p->ast->decls[1]->value;
	assert_int_equal(q->u.str.n, 5);
	static const char *const names[] = { "a", "b", "c", "d" };
	for (int i = 0; i < 4; i++)
		assert_string_equal(q->u.str.parts[i].expr->u.name, names[i]);
	assert_string_equal(q->u.str.parts[4].text, "e");
	release(p);
}

/* The arena bytes of N declarations made from fmt, which takes the index (%d). */
static size_t arena_of_decls(int n, const char *fmt)
{
	char *text = malloc((size_t)n * 128);
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 128, fmt, i);
	parsed *p = parse(text);
	assert_int_equal(p->rc, 0);
	size_t total = p->arena.total;
	release(p);
	free(text);
	return total;
}

/* The arena bytes of N outputs `oK = VALUE`. */
static size_t arena_of_outputs(int n, const char *value)
{
	char fmt[128];
	snprintf(fmt, sizeof(fmt), "output o%%d = %s\n", value);
	return arena_of_decls(n, fmt);
}

/* A one-piece string literal costs its expression, one piece and its text: not a piece of
 * its own, a list of pointers and a copy (112 bytes where 40 do; issue #19, 150,000 of
 * them in the 100,000-step benchmark). Measured against a number, whose text is kept
 * too. A map's entries are its array, not entries of their own copied into one. */
static void test_literal_nodes_not_copied(void **state)
{
	(void)state;
	enum { N = 200 };
	size_t str = arena_of_outputs(N, "\"abcdef\"");
	size_t num = arena_of_outputs(N, "123456");
	assert_true(str >= num);
	assert_true((str - num) / N <= sizeof(kdx_ast_strpart) + 8);
	/* `after` names grow in place (nothing is allocated between them: the names are
	 * interned already): three cost three identifiers, not the two the array started
	 * with and then four */
	size_t after3 = arena_of_decls(N, "step s%d after a, b, c {\n}\n");
	size_t after1 = arena_of_decls(N, "step s%d after a {\n}\n");
	assert_true(after3 >= after1);
	assert_true((after3 - after1) / N <= 2 * sizeof(kdx_ast_ident));
	size_t map = arena_of_outputs(N, "{ a = 1, b = 2, c = 3 }");
	size_t one = arena_of_outputs(N, "{ a = 1 }");
	/* the entry array has room for four from the start (values are allocated between
	 * pushes, so it cannot grow in place): two more entries cost their two numbers only,
	 * not an array of two left behind and one of four */
	assert_true((map - one) / N <= 2 * (sizeof(kdx_ast_expr) + 8));
	assert_true(sizeof(kdx_ast_entry) <= 56);
}

static void test_module_declarations(void **state)
{
	(void)state;
	parsed *p = parse(
		"type weighted_record {\n"
		"  class = traffic\n"
		"  field zone : string\n"
		"  field set_ids : map(string) = {}\n"
		"}\n"
		"action set_weights(record : weighted_record, weights : map(percent), n : number = 1) : string {\n"
		"  description = \"d\"\n"
		"  duration 2s..60s\n"
		"  effect { set_weights(record, weights) read() }\n"
		"  reads record\n"
		"  writes record, other\n"
		"  snapshot before = get_weights(record)\n"
		"  undo set_weights(record, before)\n"
		"  call aws \"route53\" \"ChangeResourceRecordSets\" { HostedZoneId = record.zone_id } as change\n"
		"  let x = 1\n"
		"  wait 5s\n"
		"  return change.ChangeInfo.Status\n"
		"}\n");
	assert_int_equal(p->rc, 0);
	const kdx_ast_decl *t = p->ast->decls[0];
	assert_int_equal(t->kind, KDX_AST_TYPE);
	assert_int_equal(t->items[2]->kind, KDX_AST_FIELD);
	assert_int_equal(t->items[2]->type->kind, KDX_AST_T_MAP);
	assert_string_equal(t->items[2]->type->elem->name, "string");
	assert_int_equal(t->items[2]->expr->kind, KDX_AST_E_MAP);
	const kdx_ast_decl *a = p->ast->decls[1];
	assert_int_equal(a->nparams, 3);
	assert_string_equal(a->params[1].name.name, "weights");
	assert_int_equal(a->params[1].type->kind, KDX_AST_T_MAP);
	assert_non_null(a->params[2].def);
	assert_string_equal(a->type->name, "string");
	const kdx_ast_item *eff = kdx_ast_find_item(a, KDX_AST_EFFECT);
	assert_int_equal(eff->nlist, 2);
	assert_int_equal(eff->list[1]->u.call.nargs, 0);
	const kdx_ast_item *dur = kdx_ast_find_item(a, KDX_AST_DURATION);
	assert_int_equal(dur->expr->u.dur.ms, 2000);
	assert_int_equal(dur->max->u.dur.ms, 60000);
	assert_int_equal(kdx_ast_find_item(a, KDX_AST_WRITES)->nlist, 2);
	const kdx_ast_item *call = kdx_ast_find_item(a, KDX_AST_CALL);
	assert_string_equal(call->word.name, "aws");
	assert_int_equal(call->nlist, 2);
	assert_string_equal(kdx_ast_string_literal(call->list[1]), "ChangeResourceRecordSets");
	assert_int_equal(call->input->kind, KDX_AST_E_MAP);
	assert_string_equal(call->name.name, "change");
	assert_non_null(kdx_ast_find_item(a, KDX_AST_SNAPSHOT));
	assert_non_null(kdx_ast_find_item(a, KDX_AST_LET));
	assert_non_null(kdx_ast_find_item(a, KDX_AST_RETURN));
	release(p);
}

static void test_keywords_as_keys(void **state)
{
	(void)state;
	/* clause words are still usable as attribute and map keys and after '.' */
	parsed *p = parse("runbook \"r\" { timeout = 5m  region = \"x\"  type = { do = 1 } }\n"
			  "output o = objectives.rpo + region.timeout\n");
	assert_int_equal(p->rc, 0);
	assert_string_equal(p->ast->decls[0]->items[0]->name.name, "timeout");
	assert_int_equal(p->ast->decls[0]->items[0]->kind, KDX_AST_ATTR);
	release(p);
}

static void test_recovery_reports_every_error(void **state)
{
	(void)state;
	parsed *p = parse("runbook \"r\" { version = = 1 }\n"
			  "objectives { rpo 5m }\n"
			  "step a { timeout 5x }\n"
			  "step b { retry }\n"
			  "region \"ok\" { weight = 10% }\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->diags.nerrors, 4);
	/* the declarations after the errors are still there */
	kdx_ast_decl *last = p->ast->decls[p->ast->ndecls - 1];
	assert_int_equal(last->kind, KDX_AST_REGION);
	assert_string_equal(last->label.name, "ok");
	release(p);
}

static void test_block_rules(void **state)
{
	(void)state;
	parsed *p = parse("region \"r\" { do x() }\nstep a { do x() do y() }\n"
			  "step b { on_failure explode }\nregion \"q\" { a = 1 a = 2 }\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->diags.nerrors, 4);
	assert_non_null(strstr(p->diags.items[0].msg, "not allowed in a 'region' block"));
	assert_non_null(strstr(p->diags.items[1].msg, "only one 'do'"));
	assert_non_null(strstr(p->diags.items[2].msg, "on_failure"));
	assert_non_null(strstr(p->diags.items[3].msg, "duplicate attribute 'a'"));
	release(p);
}

static void test_missing_brace_message(void **state)
{
	(void)state;
	parsed *p = parse("step a {\n  do x()\n\nstep b {\n}\n");
	assert_int_equal(p->rc, -1);
	assert_string_equal(p->diags.items[0].msg, "'}' expected (to close 'step' at line 1), found 'step'");
	assert_int_equal(p->diags.items[0].nnotes, 1);
	release(p);
}

static void test_approval_when_needs_one_line(void **state)
{
	(void)state;
	parsed *p = parse("step a {\n  approval\n  when x\n}\nstep b { approval when y }\n");
	assert_int_equal(p->rc, 0);
	const kdx_ast_decl *a = p->ast->decls[0], *b = p->ast->decls[1];
	assert_int_equal(a->nitems, 2);
	assert_null(a->items[0]->expr);          /* unconditional approval */
	assert_int_equal(a->items[1]->kind, KDX_AST_WHEN);
	assert_int_equal(b->nitems, 1);
	assert_string_equal(b->items[0]->expr->u.name, "y");
	release(p);
}

static void test_byte_order_mark(void **state)
{
	(void)state;
	parsed *p = parse("\xEF\xBB\xBFoutput o = x\n");
	assert_int_equal(p->rc, 0);
	assert_int_equal(p->ast->decls[0]->span.start, 3);
	assert_string_equal(text_of(p, p->ast->decls[0]->name.span), "o");
	release(p);
}

/* The scanner takes a line break with the blanks around it as one match: the spans of
 * what follows stay exact, and a break inside '${' still ends the interpolation at the
 * break itself (the parser's error about the missing operand is placed there, after the
 * blanks before it, as when blanks and breaks were separate matches). */
static void test_blank_lines_keep_spans(void **state)
{
	(void)state;
	const char *text = "step a {  \n \t\n   timeout 5s\r\n \n\n  do x(y)  \t\n}\n\n  output o = 1\n";
	parsed *p = parse(text);
	assert_int_equal(p->rc, 0);
	const kdx_ast_decl *a = p->ast->decls[0];
	assert_int_equal(a->nitems, 2);
	assert_int_equal(a->items[0]->span.start, strstr(text, "timeout") - text);
	assert_string_equal(text_of(p, a->items[0]->span), "timeout 5s");
	assert_int_equal(a->items[1]->span.start, strstr(text, "do x") - text);
	assert_string_equal(text_of(p, a->items[1]->span), "do x(y)");
	assert_int_equal(a->span.end, strchr(text, '}') + 1 - text);
	assert_int_equal(p->ast->decls[1]->span.start, strstr(text, "output") - text);
	release(p);

	/* the '}' and '"' the scanner supplies close the string at the break */
	const char *bad = "output o = \"a ${x  \t\n  output q = 2\n";
	p = parse(bad);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->diags.n, 1);
	assert_non_null(strstr(p->diags.items[0].msg, "unterminated interpolation"));
	assert_int_equal(p->diags.items[0].span.start, strstr(bad, "${") - bad);
	assert_int_equal(p->ast->ndecls, 2);
	assert_int_equal(p->ast->decls[0]->value->span.end, strchr(bad, '\n') - bad);
	assert_int_equal(p->ast->decls[1]->span.start, strstr(bad, "output q") - bad);
	release(p);
}

/* One of the two parsers alone (kdx_parse_file_once): lac = false is the one tried first. */
static parsed *parse_once(const char *text, bool lac)
{
	parsed *p = calloc(1, sizeof(*p));
	kdx_arena_init(&p->arena);
	kdx_intern_init(&p->intern, &p->arena);
	kdx_sources_init(&p->src);
	kdx_diags_init(&p->diags);
	uint32_t f = kdx_sources_add(&p->src, "t.kdx", text, strlen(text));
	p->rc = kdx_parse_file_once(&p->arena, &p->intern, &p->src, f, &p->diags, lac, &p->ast);
	return p;
}

static char *formatted(parsed *p)
{
	strbuf sb = STRBUF_INIT;
	kdx_fmt_file(&sb, p->ast, &p->src.files[0]);
	return strbuf_detach(&sb, NULL);
}

/* kdx_parse_file tries the parser without LAC first and, when the file has an error, parses
 * it again with LAC, whose exact expected sets the message is made of. */
static void test_parse_without_lac_first(void **state)
{
	(void)state;
	/* a valid file: both parsers build the same tree, and neither reports anything */
	parsed *fast = parse_once(sample, false), *lac = parse_once(sample, true);
	assert_int_equal(fast->rc, 0);
	assert_int_equal(lac->rc, 0);
	assert_int_equal(fast->diags.n + lac->diags.n, 0);
	char *a = formatted(fast), *b = formatted(lac);
	assert_true(strlen(a) > 200);
	assert_string_equal(a, b);
	free(a);
	free(b);
	release(fast);
	release(lac);

	/* Without LAC the parser has reduced `5s` to a finished clause before it sees '=', so
	 * it would no longer expect an operator; it counts the error and reports nothing. */
	const char *bad = "step a {\n  timeout 5s = 2\n}\n";
	fast = parse_once(bad, false);
	assert_int_equal(fast->rc, -1);
	assert_int_equal(fast->diags.n, 0);
	release(fast);
	lac = parse_once(bad, true);
	parsed *p = parse(bad);
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->diags.n, 1);
	assert_string_equal(p->diags.items[0].msg,
			    "unexpected '='; expected an attribute or clause, an operator, '}' or ';'");
	assert_string_equal(p->diags.items[0].msg, lac->diags.items[0].msg);
	assert_string_equal(p->diags.items[0].hint, "comparison is written '=='");
	release(lac);
	release(p);

	/* The first try builds in an arena of its own: a file whose error comes at its very
	 * end costs the caller's arena one tree, not two. */
	p = parse(sample);
	size_t one = p->arena.total;
	release(p);
	strbuf late = STRBUF_INIT;
	strbuf_addf(&late, "%sstep z { do f( }\n", sample);
	p = parse(late.buf);
	assert_int_equal(p->rc, -1);
	assert_true(p->arena.total < one + one / 2);
	strbuf_release(&late);
	release(p);

	/* a lexer error: the first try's report is dropped, the second's kept, once */
	p = parse("output o = 1.\n");
	assert_int_equal(p->rc, -1);
	assert_int_equal(p->diags.n, 1);
	assert_non_null(strstr(p->diags.items[0].msg, "invalid number '1.'"));
	release(p);
}

/* Random bytes and random token soup: no crash, no hang, and a tree every time. */
static void test_garbage_never_crashes(void **state)
{
	(void)state;
	static const char *const words[] = {
		"step", "{", "}", "(", ")", "[", "]", "\"", "${", "=", "do", "x", ",", "5m", "70%",
		"for", "in", ":", "?", "\n", "#c\n", "/*", "*/", "region", "\"s\"", "==", "-", "!",
		"undo", "none", "wait", "until", "within", "call", "aws", "as", ".", "1.", "\\",
	};
	unsigned seed = 12345;
	char buf[512];
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		while (n < sizeof(buf) - 16) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 16;
			if (round % 3 == 0) {
				buf[n++] = (char)(r & 0xff);
			} else {
				const char *w = words[r % (sizeof(words) / sizeof(words[0]))];
				size_t wl = strlen(w);
				memcpy(buf + n, w, wl);
				n += wl;
				buf[n++] = ' ';
			}
			if ((r & 31) == 0)
				break;
		}
		buf[n] = '\0';
		parsed *p = parse(buf);
		assert_non_null(p->ast);
		if (p->rc != 0)
			assert_true(p->diags.nerrors > 0);
		release(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_declarations),
		cmocka_unit_test(test_step_clauses),
		cmocka_unit_test(test_names_are_interned),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_maps_lists_comprehensions),
		cmocka_unit_test(test_module_declarations),
		cmocka_unit_test(test_keywords_as_keys),
		cmocka_unit_test(test_recovery_reports_every_error),
		cmocka_unit_test(test_block_rules),
		cmocka_unit_test(test_missing_brace_message),
		cmocka_unit_test(test_approval_when_needs_one_line),
		cmocka_unit_test(test_byte_order_mark),
		cmocka_unit_test(test_parse_without_lac_first),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_blank_lines_keep_spans),
		cmocka_unit_test(test_string_pieces_in_place),
		cmocka_unit_test(test_literal_nodes_not_copied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
