/* Unit tests for the lexer (grammar/lexer.l), through kdx_lex_dump's token stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/intern.h"
#include "common/strbuf.h"
#include "../../common/diag.h"
#include "grammar/parse.h"

typedef struct lexed {
	strbuf toks;
	kdx_diags diags;
	int rc;
} lexed;

static void lex(lexed *l, const char *text, size_t len)
{
	kdx_arena arena;
	kdx_intern intern;
	kdx_sources src;
	kdx_arena_init(&arena);
	kdx_intern_init(&intern, &arena);
	kdx_sources_init(&src);
	strbuf_init(&l->toks);
	kdx_diags_init(&l->diags);
	uint32_t f = kdx_sources_add(&src, "t.kdx", text, len);
	l->rc = kdx_lex_dump(&l->toks, &src, f, &arena, &intern, &l->diags);
	kdx_sources_release(&src);
	kdx_intern_release(&intern);
	kdx_arena_release(&arena);
}

static void done(lexed *l)
{
	strbuf_release(&l->toks);
	kdx_diags_release(&l->diags);
}

#define LEX_OK(text, want)                                  \
	do {                                                \
		lexed l_;                                   \
		lex(&l_, text, strlen(text));               \
		assert_int_equal(l_.rc, 0);                 \
		assert_string_equal(l_.toks.buf, want);     \
		done(&l_);                                  \
	} while (0)

/* The lexer must fail with exactly one error whose message contains `msg`. */
#define LEX_ERR(text, len, want)                                            \
	do {                                                               \
		lexed l_;                                                  \
		lex(&l_, text, len);                                       \
		assert_int_equal(l_.rc, -1);                               \
		assert_int_equal(l_.diags.nerrors, 1);                     \
		assert_non_null(strstr(l_.diags.items[0].msg, want));       \
		done(&l_);                                                 \
	} while (0)

static void test_units(void **state)
{
	(void)state;
	LEX_OK("106751991167d", "duration(9223372036828800000ms)");
	LEX_OK("5m 1h30m 250ms 2d 30s", "duration(300000ms) duration(5400000ms) duration(250ms) "
					"duration(172800000ms) duration(30000ms)");
	LEX_OK("70% 99.99% 0%", "percent(70) percent(99.99) percent(0)");
	LEX_OK("3 2.5 1e3", "number(3) number(2.5) number(1000)");
	/* whole numbers are read without strtod up to 15 digits, with it beyond */
	LEX_OK("007 999999999999999 1234567890123456789 0.5%",
	       "number(7) number(1e+15) number(1.23457e+18) percent(0.5)");
	LEX_OK("2s..60s", "duration(2000ms) .. duration(60000ms)");
}

static void test_keywords_and_names(void **state)
{
	(void)state;
	LEX_OK("step stepper on_failure region regions", "step name(stepper) on_failure region name(regions)");
	/* `state` is a block keyword only at the top level before '{'; a name elsewhere */
	LEX_OK("state {\n}", "state { }");
	LEX_OK("state(a) x.state { state }", "name(state) call( name(a) ) name(x) . name(state) { name(state) }");
	LEX_OK("a == b != c <= d >= e && f || !g => h", "name(a) == name(b) != name(c) <= name(d) >= "
		"name(e) && name(f) || ! name(g) => name(h)");
}

static void test_call_and_index_adjacency(void **state)
{
	(void)state;
	/* only a '(' or '[' right after a name, ')' , ']' or string is a call or an index */
	LEX_OK("f(x) f (x)", "name(f) call( name(x) ) name(f) ( name(x) )");
	LEX_OK("a[0][1] a [0]", "name(a) index[ number(0) ] index[ number(1) ] name(a) [ number(0) ]");
	LEX_OK("x = [1]", "name(x) = [ number(1) ]");
	/* after a keyword only when it is an attribute name */
	LEX_OK("x.do(1) require(a)", "name(x) . do call( number(1) ) require ( name(a) )");
}

static void test_strings(void **state)
{
	(void)state;
	LEX_OK("\"plain\"", "str< text(\"plain\") >str");
	LEX_OK("\"\"", "str< >str");
	LEX_OK("\"a\\n\\t\\\"\\\\\\$b\"", "str< text(\"a\") text(\"\\n\") text(\"\\t\") text(\"\\\"\") "
					  "text(\"\\\\\") text(\"$\") text(\"b\") >str");
	LEX_OK("\"\\u00e9\"", "str< text(\"\xc3\xa9\") >str");
	LEX_OK("\"$${x} $x\"", "str< text(\"${\") text(\"x} \") text(\"$\") text(\"x\") >str");
}

static void test_interpolation_nests(void **state)
{
	(void)state;
	LEX_OK("\"a-${env}-b\"", "str< text(\"a-\") ${ name(env) }$ text(\"-b\") >str");
	/* braces and strings inside an interpolation do not end it */
	LEX_OK("\"${ {k = \"}\"}[\"k\"] }!\"",
	       "str< ${ { name(k) = str< text(\"}\") >str } index[ str< text(\"k\") >str ] }$ "
	       "text(\"!\") >str");
	LEX_OK("\"${ \"in ${x}\" }\"", "str< ${ str< text(\"in \") ${ name(x) }$ >str }$ >str");
}

static void test_comments_skipped(void **state)
{
	(void)state;
	LEX_OK("a # one\nb // two\nc /* three\n */ d", "name(a) name(b) name(c) name(d)");
	LEX_OK("a /* ** / * */ b", "name(a) name(b)");
}

static void test_errors(void **state)
{
	(void)state;
	LEX_ERR("5x", 2, "invalid duration '5x'");
	LEX_ERR("1.5s", 4, "invalid duration '1.5s'");
	LEX_ERR("99.%", 4, "invalid percent");
	LEX_ERR("1.", 2, "invalid number");
	LEX_ERR("\"abc", 4, "unterminated string");
	LEX_ERR("\"abc\nx", 6, "unterminated string");
	LEX_ERR("/* abc", 6, "unterminated comment");
	LEX_ERR("\"a ${x\"", 7, "unterminated interpolation");
	LEX_ERR("\"a ${x\ny", 8, "unterminated interpolation");
	LEX_ERR("\"\\q\"", 4, "invalid escape");
	LEX_ERR("@", 1, "unexpected character '@'");
	LEX_ERR("a \0 b", 5, "NUL byte");
	LEX_ERR("\xff", 1, "invalid UTF-8 byte 0xFF");
	LEX_ERR("\"\xc3\"", 3, "invalid UTF-8 byte 0xC3 in string");
	LEX_ERR("99999999999999999999999999999999999999999h", 42, "too large");
	/* found by the fuzzer: short enough, but 144444444444d overflows int64 milliseconds */
	LEX_ERR("144444444444d", 13, "too large");
	LEX_ERR("1e999", 5, "number '1e999' is too large");
	LEX_ERR("106751991168d", 13, "too large");
}

static void test_huge_percent(void **state)
{
	(void)state;
	char buf[420];
	memset(buf, '9', 400);
	buf[400] = '%';
	LEX_ERR(buf, 401, "percent '99999999999999999999...' is too large");
}

static void test_nesting_cap(void **state)
{
	(void)state;
	char buf[KDX_PARSE_MAX_NESTING + 10];
	memset(buf, '(', sizeof(buf));
	lexed l;
	lex(&l, buf, sizeof(buf));
	assert_int_equal(l.rc, -1);
	assert_non_null(strstr(l.diags.items[0].msg, "nesting is too deep"));
	done(&l);
}

/* The token stream of text and then each diagnostic as [start-end message]. */
static char *lex_render(const char *text)
{
	lexed l;
	lex(&l, text, strlen(text));
	for (size_t i = 0; i < l.diags.n; i++)
		strbuf_addf(&l.toks, " [%u-%u %s]", l.diags.items[i].span.start,
			    l.diags.items[i].span.end, l.diags.items[i].msg);
	char *out = strbuf_detach(&l.toks, NULL);
	kdx_diags_release(&l.diags);
	return out;
}

#define LEX_RENDER(text, want)                        \
	do {                                          \
		char *got_ = lex_render(text);        \
		assert_string_equal(got_, want);      \
		free(got_);                           \
	} while (0)

/* flex -b reports no backing-up states: where a longer match could fail after some bytes
 * (the prefix of a UTF-8 sequence, "$$" not followed by '{', "1e+" without digits, "1..."
 * and "\u" with fewer than four hex digits) a rule takes the prefix and gives back what
 * the shorter match would not have taken, so the scanner keeps no "last accepting state"
 * for every byte it reads. The tokens and messages are those the scanner had when it
 * backed up. */
static void test_no_backing_up(void **state)
{
	(void)state;
	LEX_RENDER("\xe2\x82 + 1",
		   "+ number(1) [0-1 invalid UTF-8 byte 0xE2] [1-2 invalid UTF-8 byte 0x82]");
	LEX_RENDER("\xf0\x9f\x98 \xf0\x9f x \xe2\x82\xac",
		   "name(x) [0-1 invalid UTF-8 byte 0xF0] [1-2 invalid UTF-8 byte 0x9F] "
		   "[2-3 invalid UTF-8 byte 0x98] "
		   "[4-5 invalid UTF-8 byte 0xF0] [5-6 invalid UTF-8 byte 0x9F] "
		   "[9-12 unexpected character '\xe2\x82\xac']");
	LEX_RENDER("\"\xe2\x82 \xf0\x9f\x98\"",
		   "str< text(\"\xe2\x82 \xf0\x9f\x98\") >str "
		   "[1-2 invalid UTF-8 byte 0xE2 in string]");
	LEX_RENDER("\"a$$b $$ $${x} $$$x $$\"",
		   "str< text(\"a\") text(\"$\") text(\"$\") text(\"b \") text(\"$\") text(\"$\") text(\" \") "
		   "text(\"${\") text(\"x} \") text(\"$\") text(\"$\") text(\"$\") text(\"x \") text(\"$\") "
		   "text(\"$\") >str");
	LEX_RENDER("1e+x 1.5e- 1E-3 1e+",
		   "duration(0ms) + name(x) duration(0ms) - number(0.001) duration(0ms) + "
		   "[0-2 invalid duration '1e'] [5-9 invalid duration '1.5e'] [16-18 invalid duration '1e']");
	LEX_RENDER("1... 2....% 1..3 1.5...4 7....",
		   "number(1) .. . percent(0) number(1) .. number(3) number(1.5) .. . number(4) "
		   "number(7) .. .. "
		   "[5-11 invalid percent '2....%']");
	LEX_RENDER("\"\\u12 \\u123x \\u1 \\u00e9 \\u\"",
		   "str< text(\"\") text(\"12 \") text(\"\") text(\"123x \") text(\"\") text(\"1 \") "
		   "text(\"\xc3\xa9\") text(\" \") text(\"\") >str [1-3 invalid escape '\\u' in string] "
		   "[6-8 invalid escape '\\u' in string] [13-15 invalid escape '\\u' in string] "
		   "[24-26 invalid escape '\\u' in string]");
}

/* Spaces after a token are skipped where the next scan starts, not matched: offsets after
 * them stay exact, a string keeps its own spaces, and so does the text after '${...}'. */
static void test_spaces_skipped_at_scan_start(void **state)
{
	(void)state;
	LEX_RENDER("a   \"b  c\"   @", "name(a) str< text(\"b  c\") >str [13-14 unexpected character '@']");
	LEX_RENDER("\"${ x }  y\" \t @",
		   "str< ${ name(x) }$ text(\"  y\") >str [14-15 unexpected character '@']");
	LEX_RENDER("x  \n   @", "name(x) [7-8 unexpected character '@']");
}

/* Flex reads the source through YY_INPUT in pieces of its 16 KiB buffer, and keywords are
 * told from names by a tag in the intern table: tokens across piece boundaries, a string
 * longer than the buffer, keywords after the table has grown many times, and an error's
 * offset after all of it. */
static void test_large_input(void **state)
{
	(void)state;
	strbuf src = STRBUF_INIT, want = STRBUF_INIT;
	strbuf_addstr(&src, "step ");
	strbuf_addstr(&want, "step");
	for (int i = 0; i < 20000; i++) { /* ~130 KB of distinct names */
		strbuf_addf(&src, "n%d ", i);
		strbuf_addf(&want, " name(n%d)", i);
	}
	strbuf_addstr(&src, "within region steps \"");
	strbuf_addstr(&want, " within region name(steps) str< text(\"");
	for (int i = 0; i < 40000; i++) {
		strbuf_addch(&src, (char)('a' + i % 26));
		strbuf_addch(&want, (char)('a' + i % 26));
	}
	strbuf_addstr(&src, "\" undo");
	strbuf_addstr(&want, "\") >str undo");
	LEX_OK(src.buf, want.buf);
	uint32_t end = (uint32_t)src.len;
	strbuf_addstr(&src, " @");
	lexed l;
	lex(&l, src.buf, src.len);
	assert_int_equal(l.diags.nerrors, 1);
	assert_non_null(strstr(l.diags.items[0].msg, "unexpected character '@'"));
	assert_int_equal(l.diags.items[0].span.start, end + 1);
	done(&l);
	strbuf_release(&src);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_keywords_and_names),
		cmocka_unit_test(test_call_and_index_adjacency),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_interpolation_nests),
		cmocka_unit_test(test_comments_skipped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_huge_percent),
		cmocka_unit_test(test_nesting_cap),
		cmocka_unit_test(test_no_backing_up),
		cmocka_unit_test(test_large_input),
		cmocka_unit_test(test_spaces_skipped_at_scan_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
