/* Unit tests for executor/aws/model: loading trimmed models, protocol choice, operation
 * and shape lookup, and input validation with suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/aws/model.h"
#include "aws_fixture.h"

/* Validate JSON input; returns the error text ("" when valid); caller frees. */
static char *validate(aws_model *m, const char *op, const char *json)
{
	kdx_arena a;
	strbuf err = STRBUF_INIT;
	kdx_arena_init(&a);
	kdx_value *v = kdx_value_from_json(&a, json, strlen(json), &err);
	assert_non_null(v);
	int rc = aws_model_validate(m, op, v, &err);
	assert_int_equal(rc, err.len ? -1 : 0);
	kdx_arena_release(&a);
	return strbuf_detach(&err, NULL);
}

static void test_protocol_choice(void **state)
{
	(void)state;
	static const struct { const char *svc, *proto; } cases[] = {
		{ "route53", "rest-xml" }, { "rds", "query" }, { "ec2", "ec2" },
		{ "dynamodb", "json" }, { "eks", "rest-json" },
		/* models that list smithy-rpc-v2-cbor first: the next one kdx speaks */
		{ "cloudwatch", "json" }, { "arc-region-switch", "json" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		aws_model *m = fixture_model(cases[i].svc);
		assert_string_equal(aws_protocol_name(aws_model_protocol(m)), cases[i].proto);
		aws_model_free(m);
	}
	aws_model *m = fixture_model("monitoring"); /* the endpoint prefix is an alias */
	assert_string_equal(aws_model_service(m), "cloudwatch");
	assert_string_equal(aws_model_signing_name(m), "monitoring");
	assert_string_equal(aws_model_meta(m, "targetPrefix"), "GraniteServiceVersion20100801");
	assert_true(aws_model_meta_has(m, "awsQueryCompatible"));
	aws_model_free(m);
}

static void test_unknown_service_and_operation(void **state)
{
	(void)state;
	aws_model *m = NULL;
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_model_load("rout53", &m, &err), -1);
	assert_non_null(strstr(err.buf, "no AWS model for service 'rout53' (did you mean 'route53'?)"));
	strbuf_reset(&err);
	assert_int_equal(aws_model_load("../etc", &m, &err), -1);
	assert_non_null(strstr(err.buf, "not an AWS service name"));
	strbuf_reset(&err);
	m = fixture_model("route53");
	aws_operation op;
	assert_int_equal(aws_model_operation(m, "ChangeResourceRecordSet", &op, &err), -1);
	assert_string_equal(err.buf, "unknown operation 'ChangeResourceRecordSet' for AWS service "
				     "'route53' (did you mean 'ChangeResourceRecordSets'?)");
	strbuf_reset(&err);
	assert_int_equal(aws_model_operation(m, "FlyToTheMoon", &op, &err), -1);
	assert_null(strstr(err.buf, "did you mean"));
	assert_int_equal(aws_model_operation(m, "GetChange", &op, &err), 0);
	assert_string_equal(op.method, "GET");
	assert_string_equal(op.request_uri, "/2013-04-01/change/{Id}");
	assert_int_equal(op.input.type, AWS_T_STRUCTURE);
	aws_shape id;
	assert_true(aws_shape_member(&op.input, "Id", &id));
	assert_string_equal(aws_shape_trait(&id, "location"), "uri");
	assert_true(aws_shape_is_required(&op.input, "Id"));
	strbuf_release(&err);
	aws_model_free(m);
}

static void test_validation(void **state)
{
	(void)state;
	aws_model *m = fixture_model("route53");
	char *e = validate(m, "ChangeResourceRecordSets",
			   "{\"HostedZoneId\":\"Z1\",\"ChangeBatch\":{\"Changes\":[{\"Action\":\"UPSERT\","
			   "\"ResourceRecordSet\":{\"Name\":\"a.\",\"Type\":\"A\",\"TTL\":60,"
			   "\"Weight\":70,\"SetIdentifier\":\"x\",\"ResourceRecords\":[{\"Value\":\"1.2.3.4\"}]}}]}}");
	assert_string_equal(e, "");
	free(e);
	e = validate(m, "ChangeResourceRecordSets",
		     "{\"HostedZoneID\":\"Z1\",\"ChangeBatch\":{\"Changes\":[{\"Action\":\"UPSRT\","
		     "\"ResourceRecordSet\":{\"Name\":\"a.\",\"Type\":\"A\",\"TTl\":60,"
		     "\"Weight\":\"70\"}}]}}");
	assert_string_equal(e,
		"unknown parameter 'HostedZoneID' (did you mean 'HostedZoneId'?)\n"
		"parameter 'ChangeBatch.Changes[0].Action' must be one of CREATE, DELETE, UPSERT, "
		"not 'UPSRT' (did you mean 'UPSERT'?)\n"
		"unknown parameter 'ChangeBatch.Changes[0].ResourceRecordSet.TTl' (did you mean "
		"'ChangeBatch.Changes[0].ResourceRecordSet.TTL'?)\n"
		"parameter 'ChangeBatch.Changes[0].ResourceRecordSet.Weight' must be a whole number, "
		"not string \"70\"\n"
		"missing required parameter 'HostedZoneId'");
	free(e);
	/* ranges from the model's min/max; Route 53 ids are checked without their prefix */
	e = validate(m, "ChangeResourceRecordSets",
		     "{\"HostedZoneId\":\"/hostedzone/Z0123456789012345678901234567890\",\"ChangeBatch\":"
		     "{\"Changes\":[{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"a.\","
		     "\"Type\":\"A\",\"Weight\":300,\"TTL\":-1,\"ResourceRecords\":[]}}]}}");
	assert_string_equal(e,
		"parameter 'ChangeBatch.Changes[0].ResourceRecordSet.Weight' must be at most 255, not 300\n"
		"parameter 'ChangeBatch.Changes[0].ResourceRecordSet.TTL' must be at least 0, not -1\n"
		"parameter 'ChangeBatch.Changes[0].ResourceRecordSet.ResourceRecords' must have at least 1 "
		"items, not 0");
	free(e);
	e = validate(m, "GetHostedZone", "{\"Id\":\"/hostedzone/Z01234567890123456789012345678901\"}");
	assert_string_equal(e, "parameter 'Id' must have at most 32 characters, not 33");
	free(e);
	e = validate(m, "GetChange", "{}");
	assert_string_equal(e, "missing required parameter 'Id'");
	free(e);
	e = validate(m, "GetChange", "{\"Id\":null}");
	assert_string_equal(e, "missing required parameter 'Id'");
	free(e);
	/* at compile time a null stands for a value known only at run time */
	kdx_arena a;
	strbuf err = STRBUF_INIT;
	kdx_arena_init(&a);
	const char *src = "{\"Id\":null}";
	kdx_value *v = kdx_value_from_json(&a, src, strlen(src), &err);
	assert_int_equal(aws_model_check(m, "GetChange", v, true, &err), 0);
	src = "{\"Idd\":null}";
	v = kdx_value_from_json(&a, src, strlen(src), &err);
	assert_int_equal(aws_model_check(m, "GetChange", v, true, &err), -1);
	assert_string_equal(err.buf, "unknown parameter 'Idd' (did you mean 'Id'?)\n"
				     "missing required parameter 'Id'");
	strbuf_release(&err);
	kdx_arena_release(&a);
	aws_model_free(m);

	m = fixture_model("cloudwatch");
	e = validate(m, "PutMetricData", "{\"Namespace\":\"n\",\"MetricData\":[{\"MetricName\":\"m\","
			 "\"Value\":1.5,\"Timestamp\":\"yesterday\"}],\"StrictEntityValidation\":1}");
	assert_string_equal(e,
		"parameter 'MetricData[0].Timestamp' must be a timestamp (ISO 8601 string or epoch "
		"seconds), not string \"yesterday\"\n"
		"parameter 'StrictEntityValidation' must be true or false, not number 1");
	free(e);
	aws_model_free(m);

	/* idempotency tokens are required but filled in, so not missing */
	m = fixture_model("fis");
	e = validate(m, "StartExperiment", "{\"experimentTemplateId\":\"EXT1\"}");
	assert_string_equal(e, "");
	free(e);
	aws_model_free(m);
}

static void test_models_env_override(void **state)
{
	(void)state;
	char dir[] = "/tmp/kdx-models-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/tiny.json", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"metadata\":{\"protocols\":[\"smithy-rpc-v2-cbor\"],\"protocol\":\"rest-json\","
	      "\"endpointPrefix\":\"tiny\"},\"operations\":{\"Ping\":{\"name\":\"Ping\","
	      "\"http\":{\"method\":\"GET\",\"requestUri\":\"/ping\"}}},\"shapes\":{}}", f);
	fclose(f);
	setenv("KDX_AWS_MODELS", dir, 1);
	aws_model *m = fixture_model("tiny");
	assert_int_equal(aws_model_protocol(m), AWS_PROTO_REST_JSON);
	char *e = validate(m, "Ping", "{}");
	assert_string_equal(e, "");
	free(e);
	e = validate(m, "Ping", "{\"x\":1}");
	assert_string_equal(e, "operation Ping takes no parameters, but got 'x'");
	free(e);
	aws_model_free(m);
	unsetenv("KDX_AWS_MODELS");
	unlink(path);
	rmdir(dir);
}

static void test_cache(void **state)
{
	(void)state;
	aws_model_cache c;
	strbuf err = STRBUF_INIT;
	aws_model_cache_init(&c);
	const aws_model *a = aws_model_cache_get(&c, "cloudwatch", &err);
	assert_non_null(a);
	assert_ptr_equal(aws_model_cache_get(&c, "cloudwatch", &err), a);
	assert_ptr_equal(aws_model_cache_get(&c, "monitoring", &err), a);
	assert_non_null(aws_model_cache_get(&c, "sts", &err));
	assert_int_equal(c.n, 2);
	assert_null(aws_model_cache_get(&c, "nosuchservice", &err));
	assert_non_null(strstr(err.buf, "no AWS model for service 'nosuchservice'"));
	aws_model_cache_release(&c);
	strbuf_release(&err);
}

/* aws_model_memo: one value per (shape definition, make), made once however many threads
 * ask at once, the same pointer after, freed with the model (ASan/valgrind). */
static atomic_int made_a, made_b;

static void *make_a(const aws_shape *s)
{
	atomic_fetch_add(&made_a, 1);
	char *v = malloc(64);
	snprintf(v, 64, "a:%s", s->name);
	return v;
}

static void *make_b(const aws_shape *s)
{
	atomic_fetch_add(&made_b, 1);
	char *v = malloc(64);
	snprintf(v, 64, "b:%s", s->name);
	return v;
}

typedef struct memo_job {
	const aws_model *m;
	aws_shape shapes[3];
	void *got[3][2];
} memo_job;

static void *memo_worker(void *arg)
{
	memo_job *j = arg;
	for (int round = 0; round < 200; round++)
		for (size_t i = 0; i < 3; i++) {
			j->got[i][0] = aws_model_memo(j->m, &j->shapes[i], make_a);
			j->got[i][1] = aws_model_memo(j->m, &j->shapes[i], make_b);
		}
	return NULL;
}

static void test_memo(void **state)
{
	(void)state;
	aws_model *m = fixture_model("route53");
	const char *names[3] = { "ResourceRecordSet", "ChangeBatch", "HostedZone" };
	memo_job jobs[4];
	pthread_t t[4];
	atomic_store(&made_a, 0);
	atomic_store(&made_b, 0);
	for (size_t k = 0; k < 4; k++) {
		jobs[k].m = m;
		for (size_t i = 0; i < 3; i++) {
			jobs[k].shapes[i] = aws_model_shape(m, names[i]);
			assert_int_equal(jobs[k].shapes[i].type, AWS_T_STRUCTURE);
		}
		assert_int_equal(pthread_create(&t[k], NULL, memo_worker, &jobs[k]), 0);
	}
	for (size_t k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	assert_int_equal(atomic_load(&made_a), 3);
	assert_int_equal(atomic_load(&made_b), 3);
	for (size_t i = 0; i < 3; i++) {
		char want[64];
		snprintf(want, sizeof(want), "a:%s", names[i]);
		assert_string_equal(jobs[0].got[i][0], want);
		assert_ptr_not_equal(jobs[0].got[i][0], jobs[0].got[i][1]);
		for (size_t k = 1; k < 4; k++) {
			assert_ptr_equal(jobs[k].got[i][0], jobs[0].got[i][0]);
			assert_ptr_equal(jobs[k].got[i][1], jobs[0].got[i][1]);
		}
	}
	/* a reference to the shape (a member's) gets the definition's value */
	aws_shape member;
	assert_true(aws_shape_member(&jobs[0].shapes[0], "AliasTarget", &member));
	aws_shape alias = aws_model_shape(m, "AliasTarget");
	assert_ptr_equal(aws_model_memo(m, &member, make_a), aws_model_memo(m, &alias, make_a));
	assert_int_equal(atomic_load(&made_a), 4);
	/* many shapes (every operation's input and output, and their members): the table
	 * grows past its first 64 slots and keeps every value */
	void *first = aws_model_memo(m, &jobs[0].shapes[0], make_a);
	static const char *const ops[] = { "ChangeResourceRecordSets", "ListResourceRecordSets",
					   "GetHealthCheck", "CreateHealthCheck", "GetHostedZone",
					   "ListHostedZones", "GetChange", "UpdateHealthCheck" };
	for (size_t o = 0; o < sizeof(ops) / sizeof(*ops); o++) {
		aws_operation op;
		strbuf err = STRBUF_INIT;
		assert_int_equal(aws_model_operation(m, ops[o], &op, &err), 0);
		strbuf_release(&err);
		const aws_shape *io[2] = { &op.input, &op.output };
		for (size_t k = 0; k < 2; k++) {
			aws_member_iter it = aws_shape_members(io[k]);
			const char *name;
			aws_model_memo(m, io[k], make_b);
			while (aws_member_next(&it, &name, &member))
				aws_model_memo(m, &member, make_b);
		}
	}
	assert_true(atomic_load(&made_b) > 40);
	assert_ptr_equal(aws_model_memo(m, &jobs[0].shapes[0], make_a), first);
	assert_int_equal(atomic_load(&made_a), 4);
	aws_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol_choice),
		cmocka_unit_test(test_unknown_service_and_operation),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_models_env_override),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
