/* Unit tests for cli/runbook's meta (the plan file header and journal run_start): the
 * sources' hashes describe the text that was compiled, so a file edited after it was read
 * makes the plan stale even when the edit lands before the plan is written. And
 * kdx_rb_release_compilation (kdx apply PLANFILE): the compilation goes, the source texts
 * stay where the run reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/runbook.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_meta_hashes_the_compiled_text(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-meta-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/rb.kdx", dir);
	write_file(path, "runbook \"a\" {}\n");
	kdx_rb r;
	memset(&r, 0, sizeof(r));
	kdx_sources_init(&r.fe.comp.sources);
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_sources_load(&r.fe.comp.sources, path, &err), 0);
	assert_true(r.fe.comp.sources.files[0].from_file);
	/* a source that is not a file (parsed from a string) is not hashed */
	kdx_sources_add(&r.fe.comp.sources, "<-var>", "x = 1", 5);
	assert_false(r.fe.comp.sources.files[1].from_file);
	kdx_rb_opts o;
	memset(&o, 0, sizeof(o));
	strbuf meta = STRBUF_INIT, why = STRBUF_INIT;

	kdx_rb_meta(&r, path, &o, &meta);
	assert_null(strstr(meta.buf, "<-var>"));
	assert_int_equal(kdx_rb_sources_changed(meta.buf, &why), 0);

	/* the file changes after it was compiled but before the meta is written */
	write_file(path, "runbook \"b\" {}\n");
	strbuf_reset(&meta);
	kdx_rb_meta(&r, path, &o, &meta);
	assert_int_equal(kdx_rb_sources_changed(meta.buf, &why), 1);
	assert_non_null(strstr(why.buf, "changed since the plan was made"));

	strbuf_release(&meta);
	strbuf_release(&why);
	strbuf_release(&err);
	kdx_sources_release(&r.fe.comp.sources);
	unlink(path);
	rmdir(dir);
}

/* What kdx apply PLANFILE releases before the run and what it keeps (issue #13). */
static void test_release_compilation(void **state)
{
	(void)state;
	kdx_rb r;
	memset(&r, 0, sizeof(r));
	kdx_compile_opts o = { .path = "examples/weighted-shift.kdx" };
	assert_int_equal(kdx_compile(&o, &r.fe.comp), 0);
	r.fe.compiled = true;
	r.fe.naws = 3;
	r.rt.sources = &r.fe.comp.sources;
	size_t n = r.fe.comp.sources.n;
	const char *text = r.fe.comp.sources.files[0].text;
	assert_true(n > 0);
	kdx_rb_release_compilation(&r);
	assert_false(r.fe.compiled);
	assert_null(r.fe.comp.plan);
	assert_null(r.fe.comp.ast);
	assert_int_equal(r.fe.naws, 3); /* the store's identity asks whether it calls AWS */
	assert_ptr_equal(r.rt.sources, &r.sources);
	assert_int_equal(r.sources.n, n);
	assert_ptr_equal(r.sources.files[0].text, text); /* moved, not copied */
	assert_non_null(strstr(text, "runbook"));
	kdx_rb_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_hashes_the_compiled_text),
		cmocka_unit_test(test_release_compilation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
