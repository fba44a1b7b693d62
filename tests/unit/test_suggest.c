/* Unit tests for common/suggest: edit distance and "did you mean" picks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../common/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(kdx_suggest_distance("", ""), 0);
	assert_int_equal(kdx_suggest_distance("abc", ""), 3);
	assert_int_equal(kdx_suggest_distance("", "abc"), 3);
	assert_int_equal(kdx_suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(kdx_suggest_distance("us-west-2", "us-west-1"), 1);
	/* a swap of neighbours counts once */
	assert_int_equal(kdx_suggest_distance("sacle", "scale"), 1);
	assert_int_equal(kdx_suggest_distance("Route53", "route53"), 0);
	assert_int_equal(kdx_suggest_distance("set_weight", "set_weights"), 1);
}

static void test_best(void **state)
{
	(void)state;
	const char *regions[] = { "us-east-1", "us-west-2", "eu-west-1" };
	assert_string_equal(kdx_suggest_best("us-wset-2", regions, 3), "us-west-2");
	assert_string_equal(kdx_suggest_best("eu-west-2", regions, 3), "eu-west-1");
	/* too far from everything: no suggestion */
	assert_null(kdx_suggest_best("ap-south-1", regions, 3));
	/* the word itself is never suggested */
	assert_null(kdx_suggest_best("us-east-1", regions, 1));
	assert_null(kdx_suggest_best("x", NULL, 0));
}

static void test_short_words(void **state)
{
	(void)state;
	const char *names[] = { "db", "api", "ops" };
	assert_string_equal(kdx_suggest_best("dv", names, 3), "db");
	assert_null(kdx_suggest_best("zz", names, 3));
	const char *steps[] = { "announce", "scale_target", "shift_traffic" };
	assert_string_equal(kdx_suggest_best("scale_targte", steps, 3), "scale_target");
	assert_string_equal(kdx_suggest_best("shift_trafic", steps, 3), "shift_traffic");
}

static void test_incremental_keeps_first_of_ties(void **state)
{
	(void)state;
	kdx_suggest s;
	kdx_suggest_init(&s, "ab");
	kdx_suggest_add(&s, "ac");
	kdx_suggest_add(&s, "ad");
	assert_string_equal(kdx_suggest_result(&s), "ac");
}

/* The AWS client's suggestions (operation, member, enum and service names) come from this
 * engine too: the model's names, case-insensitive. */
static void test_aws_names(void **state)
{
	(void)state;
	const char *c[] = { "DescribeDBClusters", "DescribeDBInstances", "FailoverGlobalCluster" };
	assert_string_equal(kdx_suggest_best("describedbclusters", c, 3), "DescribeDBClusters");
	assert_string_equal(kdx_suggest_best("DescribeDBCluster", c, 3), "DescribeDBClusters");
	assert_string_equal(kdx_suggest_best("FailoverGlobalClustr", c, 3), "FailoverGlobalCluster");
	assert_null(kdx_suggest_best("Promote", c, 3));
	assert_null(kdx_suggest_best("x", c, 0));
	const char *sns[] = { "Publish", "PublishBatch", "Subscribe" };
	assert_string_equal(kdx_suggest_best("Publsh", sns, 3), "Publish");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_best),
		cmocka_unit_test(test_short_words),
		cmocka_unit_test(test_incremental_keeps_first_of_ties),
		cmocka_unit_test(test_aws_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
