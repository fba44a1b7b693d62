/* Unit tests for executor/aws/model_pack: the packed form of AWS models -- lookups as json-c
 * answers them, and the models built into kdx equal to packing stdlib/aws/models/ now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "executor/aws/model.h"
#include "executor/aws/model_pack.h"

static void test_lookups(void **state)
{
	(void)state;
	strbuf keys = STRBUF_INIT;
	strbuf_addstr(&keys, "{\"s\":\"x\",\"t\":true,\"f\":false,\"n\":null,\"i\":-3,\"d\":2.5,"
			     "\"a\":[1,\"two\",{\"k\":\"v\"}],\"o\":{\"shapes\":1}");
	for (int i = 0; i < 300; i++) /* many keys: binary search over the sorted index */
		strbuf_addf(&keys, ",\"k%03d\":%d", (i * 7) % 300, i);
	strbuf_addstr(&keys, ",\"shapes\":{\"S\":{\"type\":\"structure\"},\"D\":{\"type\":\"structure\","
			     "\"document\":true},\"L\":{\"type\":\"long\"},\"Q\":{\"type\":\"weird\"}}}");
	json_object *j = json_tokener_parse(keys.buf);
	assert_non_null(j);
	uint32_t *w;
	char *s;
	size_t nw, ns;
	aws_mpack_build(j, &w, &nw, &s, &ns);
	json_object_put(j);
	aws_mpack p = { w, s };
	const aws_mnode *r = aws_mpack_root(&p);
	assert_int_equal(aws_mnode_kind(r), AWS_MN_OBJECT);
	assert_string_equal(aws_mnode_str(&p, aws_mnode_get(&p, r, "s")), "x");
	assert_true(aws_mnode_bool(&p, aws_mnode_get(&p, r, "t")));
	assert_false(aws_mnode_bool(&p, aws_mnode_get(&p, r, "f")));
	assert_int_equal(aws_mnode_kind(aws_mnode_get(&p, r, "n")), AWS_MN_NULL);
	assert_non_null(aws_mnode_get(&p, r, "n")); /* present, null */
	assert_null(aws_mnode_get(&p, r, "absent"));
	assert_null(aws_mnode_str(&p, aws_mnode_get(&p, r, "i")));
	assert_true(aws_mnode_num(&p, aws_mnode_get(&p, r, "i")) == -3);
	assert_true(aws_mnode_num(&p, aws_mnode_get(&p, r, "d")) == 2.5);
	const aws_mnode *a = aws_mnode_get(&p, r, "a");
	assert_int_equal(aws_mnode_len(&p, a), 3);
	assert_string_equal(aws_mnode_str(&p, aws_mnode_at(&p, a, 1)), "two");
	assert_string_equal(aws_mnode_str(&p, aws_mnode_get(&p, aws_mnode_at(&p, a, 2), "k")), "v");
	assert_null(aws_mnode_get(&p, a, "k")); /* not an object */
	for (int i = 0; i < 300; i++) {
		char k[8];
		snprintf(k, sizeof(k), "k%03d", (i * 7) % 300);
		assert_true(aws_mnode_num(&p, aws_mnode_get(&p, r, k)) == i);
	}
	/* model order is kept: the 9th member is the first k... one written */
	const aws_mnode *v;
	assert_string_equal(aws_mnode_member(&p, r, 8, &v), "k000");
	/* each shape definition carries its type + 1; an object elsewhere does not */
	const aws_mnode *sh = aws_mnode_get(&p, r, "shapes");
	assert_int_equal(aws_mnode_aux(aws_mnode_get(&p, sh, "S")), AWS_T_STRUCTURE + 1);
	assert_int_equal(aws_mnode_aux(aws_mnode_get(&p, sh, "D")), AWS_T_DOCUMENT + 1);
	assert_int_equal(aws_mnode_aux(aws_mnode_get(&p, sh, "L")), AWS_T_LONG + 1);
	assert_int_equal(aws_mnode_aux(aws_mnode_get(&p, sh, "Q")), AWS_T_NONE + 1);
	assert_int_equal(aws_mnode_aux(aws_mnode_get(&p, r, "o")), 0);
	free(w);
	free(s);
	strbuf_release(&keys);
}

/* The built-in models are the JSON files packed: same words, same strings, same services. */
static void test_builtins_match_sources(void **state)
{
	(void)state;
	assert_true(aws_mpack_nbuiltins >= 20);
	for (size_t i = 0; i < aws_mpack_nbuiltins; i++) {
		const aws_mpack_builtin *b = &aws_mpack_builtins[i];
		if (i)
			assert_true(strcmp(aws_mpack_builtins[i - 1].service, b->service) < 0);
		char path[256];
		snprintf(path, sizeof(path), "stdlib/aws/models/%s.json", b->service);
		json_object *j = json_object_from_file(path);
		assert_non_null(j);
		uint32_t *w;
		char *s;
		size_t nw, ns;
		aws_mpack_build(j, &w, &nw, &s, &ns);
		json_object_put(j);
		assert_memory_equal(w, b->words, nw * sizeof(uint32_t));
		assert_memory_equal(s, b->strs, ns);
		free(w);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_builtins_match_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
