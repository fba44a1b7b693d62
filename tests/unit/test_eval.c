/* Unit tests for compiler/eval: constant evaluation with units, comprehensions,
 * interpolation, built-ins, and the errors of each; expressions as plan data, read back
 * from their JSON without any AST, and the watched comparison of a `wait until`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/plan_io.h"
#include "grammar/parse.h"

typedef struct fixture {
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_diags diags;
	kdx_module mod;
	kdx_eval ev;
	strbuf out;
} fixture;

static int setup(void **state)
{
	fixture *f = test_calloc(1, sizeof(*f));
	kdx_arena_init(&f->arena);
	kdx_intern_init(&f->intern, &f->arena);
	kdx_sources_init(&f->src);
	kdx_diags_init(&f->diags);
	f->mod.is_main = true;
	f->ev.arena = &f->arena;
	f->ev.diags = &f->diags;
	f->ev.module = &f->mod;
	strbuf_init(&f->out);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	strbuf_release(&f->out);
	kdx_diags_release(&f->diags);
	kdx_sources_release(&f->src);
	kdx_intern_release(&f->intern);
	kdx_arena_release(&f->arena);
	test_free(f);
	return 0;
}

/* Evaluate one expression; returns eval's status and leaves the value's source form
 * (or the first error message) in f->out. */
static int ev(fixture *f, const kdx_env *env, const char *expr)
{
	strbuf text = STRBUF_INIT;
	strbuf_addf(&text, "output v = %s\n", expr);
	kdx_ast_file *file;
	strbuf_reset(&f->out);
	int prc = kdx_parse_string(&f->arena, &f->intern, &f->src, "t.kdx", text.buf, text.len,
				   &f->diags, &file);
	strbuf_release(&text);
	assert_int_equal(prc, 0);
	size_t before = f->diags.n;
	kdx_value *v = NULL;
	int r = kdx_eval_ast(&f->ev, env, file->decls[0]->value, &v);
	if (r == 0)
		kdx_value_format(&f->out, v);
	else if (r < 0 && f->diags.n > before)
		strbuf_addstr(&f->out, f->diags.items[f->diags.n - 1].msg);
	return r;
}

static void test_units(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "5m + 30s"), 0);
	assert_string_equal(f->out.buf, "5m30s");
	assert_int_equal(ev(f, NULL, "2 * 90s"), 0);
	assert_string_equal(f->out.buf, "3m");
	assert_int_equal(ev(f, NULL, "70% + 20%"), 0);
	assert_string_equal(f->out.buf, "90%");
	assert_int_equal(ev(f, NULL, "10 / 10 * 100%"), 0);
	assert_string_equal(f->out.buf, "100%");
	assert_int_equal(ev(f, NULL, "45% / 15%"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "5m / 1m"), 0);
	assert_string_equal(f->out.buf, "5");
	assert_int_equal(ev(f, NULL, "30s <= 5m"), 0);
	assert_string_equal(f->out.buf, "true");
}

/* A literal evaluated from the AST (kdx_eval_ast's shortcut) is the value lowering and
 * evaluating it gives, a fresh one each time, and leaves the memo's scratch alone; a
 * literal inside a larger expression goes the long way. */
static void test_literal_shortcut(void **state)
{
	fixture *f = *state;
	static const char *const lits[] = { "42", "2.5", "90s", "1h30m", "70%", "true", "false",
					    "null", "0s" };
	kdx_expr_memo memo;
	kdx_expr_memo_init(&memo);
	f->ev.memo = &memo;
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		strbuf text = STRBUF_INIT;
		strbuf_addf(&text, "output v = %s\n", lits[i]);
		kdx_ast_file *file;
		assert_int_equal(kdx_parse_string(&f->arena, &f->intern, &f->src, "t.kdx", text.buf,
						  text.len, &f->diags, &file), 0);
		strbuf_release(&text);
		const kdx_ast_expr *e = file->decls[0]->value;
		kdx_value *a = NULL, *b = NULL, *c = NULL;
		assert_int_equal(kdx_eval_expr(&f->ev, NULL, kdx_expr_lower(&f->arena, &f->mod, e),
					       &a), 0);
		assert_int_equal(kdx_eval_ast(&f->ev, NULL, e, &b), 0);
		assert_int_equal(kdx_eval_ast(&f->ev, NULL, e, &c), 0);
		assert_int_equal(a->kind, b->kind);
		assert_true(kdx_value_equal(a, b));
		assert_memory_equal(a, b, sizeof(*a));
		assert_ptr_not_equal(b, c); /* callers own what they get */
		assert_int_equal(memo.scratch.total, 0);
		assert_int_equal(memo.tmp.n, 0);
	}
	assert_int_equal(ev(f, NULL, "-5m"), 0); /* not a literal: lowered in the scratch */
	assert_string_equal(f->out.buf, "-5m");
	assert_true(memo.tmp.n > 0);
	f->ev.memo = NULL;
	kdx_expr_memo_release(&memo);
}

static void test_unit_errors(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "5m + 10%"), -1);
	assert_string_equal(f->out.buf, "cannot apply '+' to a duration and a percent");
	assert_int_equal(ev(f, NULL, "5m < 50%"), -1);
	assert_string_equal(f->out.buf, "cannot apply '<' to a duration and a percent");
	assert_int_equal(ev(f, NULL, "5m * 2m"), -1);
	assert_int_equal(ev(f, NULL, "1 / 0"), -1);
	assert_string_equal(f->out.buf, "division by zero");
	assert_int_equal(ev(f, NULL, "\"a\" + 1"), -1);
	assert_int_equal(ev(f, NULL, "true ? 1 : 2"), 0);
	assert_int_equal(ev(f, NULL, "1 ? 1 : 2"), -1);
	assert_string_equal(f->out.buf, "expected a bool, got a number");
}

static void test_collections(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "[for x in [1, 2, 3] : x * 2 if x != 2]"), 0);
	assert_string_equal(f->out.buf, "[2, 6]");
	assert_int_equal(ev(f, NULL, "{ for k, v in { a = 1, b = 2 } : \"${k}x\" => v }"), 0);
	assert_string_equal(f->out.buf, "{ \"ax\" = 1, \"bx\" = 2 }");
	assert_int_equal(ev(f, NULL, "[{ a = 1, b = 2 }][0][\"b\"]"), 0);
	assert_string_equal(f->out.buf, "2");
	assert_int_equal(ev(f, NULL, "{ a = 1, bb = 2 }.bc"), -1);
	assert_string_equal(f->out.buf, "attribute 'bc' not found");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'bb'?");
	assert_int_equal(ev(f, NULL, "[1, 2][2]"), -1);
	assert_string_equal(f->out.buf, "index 2 out of range (the list has 2 elements)");
	assert_int_equal(ev(f, NULL, "{ a = 1, a = 2 }"), -1);
	assert_string_equal(f->out.buf, "duplicate key 'a' in map");
}

static void test_names_and_unknowns(void **state)
{
	fixture *f = *state;
	kdx_value *env_v = kdx_value_string(&f->arena, "staging");
	kdx_env e1 = { NULL, kdx_intern_n(&f->intern, "environment", 11), env_v };
	kdx_env e2 = { &e1, kdx_intern_n(&f->intern, "snap", 4), NULL };
	assert_int_equal(ev(f, &e2, "\"${environment}.kaldrix.io\""), 0);
	assert_string_equal(f->out.buf, "\"staging.kaldrix.io\"");
	assert_int_equal(ev(f, &e2, "environment == \"production\""), 0);
	assert_string_equal(f->out.buf, "false");
	/* a value known only at run time makes the whole expression unknown, not an error */
	assert_int_equal(ev(f, &e2, "snap + 1"), 1);
	assert_int_equal(ev(f, &e2, "false && snap"), 0);
	assert_int_equal(ev(f, &e2, "enviroment"), -1);
	assert_string_equal(f->out.buf, "unknown name 'enviroment'");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'environment'?");
}

/* The index over a scope (kdx_env_index) finds what the walk finds: the innermost binding,
 * names compared by text (a binding's name need not be interned), bindings above the
 * indexed root first, and unknown names stay errors with their suggestion. */
/* The resource index answers what the scan answers: the first instance with that value
 * (a value shared by two instances keeps the first), NULL for any other value, and the
 * scan again once res grows past what was indexed. */
static void test_res_index(void **state)
{
	fixture *f = *state;
	enum { N = 500 };
	kdx_value *vals[N];
	kdx_res_ref *res = test_calloc(N + 1, sizeof(*res));
	for (int i = 0; i < N; i++) {
		vals[i] = kdx_value_number(&f->arena, i);
		res[i] = (kdx_res_ref){ .value = i % 50 == 49 ? vals[i - 1] : vals[i], .index = i };
	}
	kdx_res_index ix;
	kdx_res_index_build(&ix, &f->arena, res, N);
	f->ev.res = res;
	f->ev.nres = N;
	for (int i = 0; i < N; i++) {
		f->ev.res_index = NULL;
		const kdx_res_ref *want = kdx_eval_resource(&f->ev, vals[i]);
		f->ev.res_index = &ix;
		assert_ptr_equal(kdx_eval_resource(&f->ev, vals[i]), want);
		assert_true(i % 50 == 49 ? want == NULL : want == &res[i]);
	}
	kdx_value *other = kdx_value_number(&f->arena, -1);
	assert_null(kdx_eval_resource(&f->ev, other));
	res[N] = (kdx_res_ref){ .value = other, .index = N }; /* grown: the index no longer covers it */
	f->ev.nres = N + 1;
	assert_ptr_equal(kdx_eval_resource(&f->ev, other), &res[N]);
	f->ev.res = NULL;
	f->ev.nres = 0;
	f->ev.res_index = NULL;
	test_free(res);
}

static void test_env_index(void **state)
{
	fixture *f = *state;
	enum { N = 300 };
	kdx_env *chain = test_calloc(N + 2, sizeof(*chain));
	char name[32];
	const kdx_env *parent = NULL;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "res_%d", i % 200); /* 100 names bound twice */
		chain[i] = (kdx_env){ parent, kdx_arena_strdup(&f->arena, name),
				      kdx_value_number(&f->arena, i) };
		parent = &chain[i];
	}
	kdx_env_index ix;
	kdx_env_index_build(&ix, &f->arena, parent);
	f->ev.index = &ix;
	assert_int_equal(ev(f, parent, "res_7"), 0);
	assert_string_equal(f->out.buf, "207"); /* the later (inner) binding */
	assert_int_equal(ev(f, parent, "res_150 + res_199"), 0);
	assert_string_equal(f->out.buf, "349");
	/* a binding above the root shadows the index */
	chain[N] = (kdx_env){ parent, kdx_intern_n(&f->intern, "res_7", 5), kdx_value_number(&f->arena, -1) };
	assert_int_equal(ev(f, &chain[N], "res_7"), 0);
	assert_string_equal(f->out.buf, "-1");
	assert_int_equal(ev(f, parent, "res_200"), -1);
	assert_string_equal(f->out.buf, "unknown name 'res_200'");
	assert_int_equal(ev(f, &chain[N], "res_19x"), -1);
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'res_19'?");
	assert_null(kdx_env_index_find(&ix, "nope"));
	assert_ptr_equal(kdx_env_index_find(&ix, "res_0"), &chain[200]);
	f->ev.index = NULL;
	test_free(chain);
}

static void test_builtins(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "length([1, 2, 3])"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "lookup({ a = 1 }, \"b\", 7)"), 0);
	assert_string_equal(f->out.buf, "7");
	assert_int_equal(ev(f, NULL, "max([1s, 3s, 2s])"), 0);
	assert_string_equal(f->out.buf, "3s");
	assert_int_equal(ev(f, NULL, "ceil(2.1)"), 0);
	assert_string_equal(f->out.buf, "3");
	assert_int_equal(ev(f, NULL, "contains([\"a\"], \"a\")"), 0);
	assert_string_equal(f->out.buf, "true");
	assert_int_equal(ev(f, NULL, "startswith(\"Success: ok\", \"Success\")"), 0);
	assert_string_equal(f->out.buf, "true");
	/* the clock is known only at run time */
	assert_int_equal(ev(f, NULL, "now(-5m)"), 1);
	assert_int_equal(ev(f, NULL, "lenght([1])"), -1);
	assert_string_equal(f->out.buf, "unknown function 'lenght'");
	assert_string_equal(f->diags.items[f->diags.n - 1].hint, "did you mean 'length'?");
}

/* fail/assert carry the stdlib's "no such resource" messages; merge is how a
 * read-modify-write keeps every field it does not change; join and distinct list what exists */
static void test_fail_and_rmw_builtins(void **state)
{
	fixture *f = *state;
	assert_int_equal(ev(f, NULL, "fail(\"no zone 'x.'\")"), -1);
	assert_string_equal(f->out.buf, "no zone 'x.'");
	assert_int_equal(ev(f, NULL, "assert(1 > 2, \"not bigger\")"), -1);
	assert_string_equal(f->out.buf, "not bigger");
	assert_int_equal(ev(f, NULL, "assert(2 > 1, \"not bigger\")"), 0);
	assert_string_equal(f->out.buf, "true");
	/* `? :` evaluates only the branch it takes */
	assert_int_equal(ev(f, NULL, "length([1]) > 0 ? 7 : fail(\"empty\")"), 0);
	assert_string_equal(f->out.buf, "7");
	assert_int_equal(ev(f, NULL, "fail(3)"), -1);
	assert_string_equal(f->out.buf, "'fail' takes one string (the message)");
	assert_int_equal(ev(f, NULL, "merge({ a = 1, b = 2, c = 3 }, { b = 9, d = 4 })"), 0);
	assert_string_equal(f->out.buf, "{ \"a\" = 1, \"b\" = 9, \"c\" = 3, \"d\" = 4 }");
	assert_int_equal(ev(f, NULL, "join(distinct([\"a\", \"b\", \"a\"]), \", \")"), 0);
	assert_string_equal(f->out.buf, "\"a, b\"");
	assert_int_equal(ev(f, NULL, "join([], \", \")"), 0);
	assert_string_equal(f->out.buf, "\"\"");
	assert_int_equal(ev(f, NULL, "join([1], \", \")"), -1);
}

/* The evaluator reads plan data: an expression lowered, written as JSON, read back into
 * another arena (no AST behind it), evaluated; the watched comparison leaves both sides. */
static void test_plan_data(void **state)
{
	fixture *f = *state;
	kdx_value *lag = kdx_value_duration(&f->arena, 90000);
	kdx_env env = { NULL, kdx_intern_str(&f->intern, "lag"), lag };
	const char *src = "output v = lag <= 2m && \"${lag}\" != \"\" ? length([1, 2, 3]) * 10% : 0%\n";
	kdx_ast_file *file;
	assert_int_equal(kdx_parse_string(&f->arena, &f->intern, &f->src, "t.kdx", src,
					  strlen(src), &f->diags, &file), 0);
	strbuf doc = STRBUF_INIT, err = STRBUF_INIT;
	kdx_expr_write(&doc, kdx_expr_lower(&f->arena, &f->mod, file->decls[0]->value));
	kdx_arena a;
	kdx_arena_init(&a);
	kdx_expr *x;
	if (kdx_expr_read(doc.buf, doc.len, &a, &x, &err))
		fail_msg("%s", err.buf);
	kdx_value *v;
	assert_int_equal(kdx_eval_expr(&f->ev, &env, x, &v), 0);
	strbuf_reset(&f->out);
	kdx_value_format(&f->out, v);
	assert_string_equal(f->out.buf, "30%");
	/* the comparison inside the condition, watched: its two sides as evaluated */
	const kdx_expr *cmp = x->u.cond.cond->u.binary.lhs;
	assert_int_equal(cmp->kind, KDX_E_BINARY);
	assert_int_equal(cmp->u.binary.op, KDX_XOP_LE);
	f->ev.watch = cmp;
	assert_int_equal(kdx_eval_expr(&f->ev, &env, x, &v), 0);
	assert_non_null(f->ev.seen[0]);
	assert_non_null(f->ev.seen[1]);
	assert_int_equal(f->ev.seen[0]->u.ms, 90000);
	assert_int_equal(f->ev.seen[1]->u.ms, 120000);
	f->ev.watch = NULL;
	kdx_arena_release(&a);
	strbuf_release(&doc);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_unknowns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_literal_shortcut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_res_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_and_rmw_builtins, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
