/* Unit tests for executor/fielddiff (kdx plan's field-level diff): exact JSON for a Route 53
 * read-modify-write (two record sets, one Weight each, every other field counted), an Auto
 * Scaling update (null members are not sent), an ECS service named under another key, a
 * later change of the same object taking its before from the prediction, and a request
 * that restates nothing it read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/fielddiff.h"

static kdx_arena arena;

static const kdx_value *val(const char *json)
{
	strbuf err = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(&arena, json, strlen(json), &err);
	assert_non_null(v);
	strbuf_release(&err);
	return v;
}

/* the diff of the captured writes against the reads, as JSON text */
static char *diff(kdx_capture *c, kdx_json *pred, size_t *changed)
{
	kdx_json *out = kdx_json_array();
	*changed = kdx_fdiff(c, pred, out);
	strbuf sb = STRBUF_INIT;
	kdx_json_write(&sb, out);
	kdx_json_free(out);
	return strbuf_detach(&sb, NULL);
}

static const char *RRSETS =
	"{\"ResourceRecordSets\":["
	"{\"Name\":\"api.example.test.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-east-1\",\"Weight\":60,\"TTL\":42,"
	"\"ResourceRecords\":[{\"Value\":\"lb-e.example.net\"}],\"HealthCheckId\":\"hc-e\"},"
	"{\"Name\":\"api.example.test.\",\"Type\":\"CNAME\",\"SetIdentifier\":\"us-west-2\",\"Weight\":40,\"TTL\":42,"
	"\"ResourceRecords\":[{\"Value\":\"lb-w.example.net\"}],\"HealthCheckId\":\"hc-w\"}]}";

static const char *change(int east, int west)
{
	static char buf[1024];
	snprintf(buf, sizeof(buf),
		 "{\"HostedZoneId\":\"/hostedzone/Z1\",\"ChangeBatch\":{\"Comment\":\"kdx\",\"Changes\":["
		 "{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"api.example.test.\",\"Type\":\"CNAME\","
		 "\"SetIdentifier\":\"us-east-1\",\"Weight\":%d,\"TTL\":42,\"ResourceRecords\":[{\"Value\":\"lb-e.example.net\"}],"
		 "\"HealthCheckId\":\"hc-e\"}},"
		 "{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"api.example.test.\",\"Type\":\"CNAME\","
		 "\"SetIdentifier\":\"us-west-2\",\"Weight\":%d,\"TTL\":42,\"ResourceRecords\":[{\"Value\":\"lb-w.example.net\"}],"
		 "\"HealthCheckId\":\"hc-w\"}}]}}",
		 east, west);
	return buf;
}

static void test_route53_weights_then_predicted(void **state)
{
	(void)state;
	kdx_arena_init(&arena);
	kdx_capture c;
	kdx_capture_init(&c);
	kdx_json *pred = kdx_json_object();
	/* the zone read by name: its Id is the request's HostedZoneId under another key, but
	 * the request's top level restates no field of it -- not a diff */
	kdx_capture_add(&c, false, "route53", "ListHostedZonesByName", NULL,
			val("{\"HostedZones\":[{\"Id\":\"/hostedzone/Z1\",\"Name\":\"example.test.\"}]}"));
	kdx_capture_add(&c, false, "route53", "ListResourceRecordSets", NULL, val(RRSETS));
	kdx_capture_add(&c, true, "route53", "ChangeResourceRecordSets", NULL, val(change(0, 100)));
	size_t n;
	char *got = diff(&c, pred, &n);
	assert_int_equal(n, 2);
	assert_string_equal(got,
		"[{\"request\":\"route53 ChangeResourceRecordSets\",\"region\":null,"
		"\"object\":\"Name=api.example.test. Type=CNAME SetIdentifier=us-east-1\","
		"\"fields\":[{\"field\":\"Weight\",\"before\":60,\"after\":0,\"predicted\":false}],"
		"\"unchanged\":6,\"predicted\":false},"
		"{\"request\":\"route53 ChangeResourceRecordSets\",\"region\":null,"
		"\"object\":\"Name=api.example.test. Type=CNAME SetIdentifier=us-west-2\","
		"\"fields\":[{\"field\":\"Weight\",\"before\":40,\"after\":100,\"predicted\":false}],"
		"\"unchanged\":6,\"predicted\":false}]");
	free(got);
	/* a later step reads the live 60/40 again (a plan changes nothing) and sets 30/70:
	 * its befores are what the first step leaves, marked predicted */
	kdx_capture_reset(&c);
	kdx_capture_add(&c, false, "route53", "ListResourceRecordSets", NULL, val(RRSETS));
	kdx_capture_add(&c, true, "route53", "ChangeResourceRecordSets", NULL, val(change(30, 70)));
	got = diff(&c, pred, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(got, "{\"field\":\"Weight\",\"before\":0,\"after\":30,\"predicted\":true}"));
	assert_non_null(strstr(got, "{\"field\":\"Weight\",\"before\":100,\"after\":70,\"predicted\":true}"));
	free(got);
	/* setting what the prediction already holds changes nothing */
	kdx_capture_reset(&c);
	kdx_capture_add(&c, false, "route53", "ListResourceRecordSets", NULL, val(RRSETS));
	kdx_capture_add(&c, true, "route53", "ChangeResourceRecordSets", NULL, val(change(30, 70)));
	got = diff(&c, pred, &n);
	assert_int_equal(n, 0);
	assert_non_null(strstr(got, "\"fields\":[],\"unchanged\":7"));
	free(got);
	kdx_json_free(pred);
	kdx_capture_release(&c);
	kdx_arena_release(&arena);
}

static void test_autoscaling_null_not_sent(void **state)
{
	(void)state;
	kdx_arena_init(&arena);
	kdx_capture c;
	kdx_capture_init(&c);
	kdx_capture_add(&c, false, "autoscaling", "DescribeAutoScalingGroups", "us-west-2",
			val("{\"AutoScalingGroups\":[{\"AutoScalingGroupName\":\"other\",\"MinSize\":1,\"MaxSize\":3,\"DesiredCapacity\":1},"
			    "{\"AutoScalingGroupName\":\"web\",\"MinSize\":1,\"MaxSize\":10,\"DesiredCapacity\":2,"
			    "\"HealthCheckGracePeriod\":77,\"Tags\":[{\"Key\":\"team\",\"Value\":\"edge\"}]}]}"));
	kdx_capture_add(&c, true, "autoscaling", "UpdateAutoScalingGroup", "us-west-2",
			val("{\"AutoScalingGroupName\":\"web\",\"MinSize\":null,\"MaxSize\":12,\"DesiredCapacity\":12}"));
	size_t n;
	char *got = diff(&c, NULL, &n);
	assert_int_equal(n, 2);
	assert_string_equal(got,
		"[{\"request\":\"autoscaling UpdateAutoScalingGroup\",\"region\":\"us-west-2\","
		"\"object\":\"AutoScalingGroupName=web\",\"fields\":["
		"{\"field\":\"MaxSize\",\"before\":10,\"after\":12,\"predicted\":false},"
		"{\"field\":\"DesiredCapacity\",\"before\":2,\"after\":12,\"predicted\":false}],"
		"\"unchanged\":4,\"predicted\":false}]");
	free(got);
	kdx_capture_release(&c);
	kdx_arena_release(&arena);
}

static void test_ecs_other_key_and_nested(void **state)
{
	(void)state;
	kdx_arena_init(&arena);
	kdx_capture c;
	kdx_capture_init(&c);
	kdx_capture_add(&c, false, "ecs", "DescribeServices", NULL,
			val("{\"services\":[{\"serviceName\":\"api\",\"serviceArn\":\"arn:aws:ecs:us-east-1:1:service/c/api\","
			    "\"desiredCount\":2,\"deploymentConfiguration\":{\"maximumPercent\":200,\"minimumHealthyPercent\":100}}]}"));
	/* the request names the service by `service`, the describe by serviceName; the
	 * numbers come as text from a query-style caller and still equal */
	kdx_capture_add(&c, true, "ecs", "UpdateService", NULL,
			val("{\"cluster\":\"c\",\"service\":\"api\",\"desiredCount\":4,"
			    "\"deploymentConfiguration\":{\"maximumPercent\":\"200\",\"minimumHealthyPercent\":50}}"));
	size_t n;
	char *got = diff(&c, NULL, &n);
	assert_int_equal(n, 2);
	assert_string_equal(got,
		"[{\"request\":\"ecs UpdateService\",\"region\":null,\"object\":\"serviceName=api\","
		"\"fields\":[{\"field\":\"desiredCount\",\"before\":2,\"after\":4,\"predicted\":false},"
		"{\"field\":\"deploymentConfiguration.minimumHealthyPercent\",\"before\":100,\"after\":50,\"predicted\":false}],"
		"\"unchanged\":3,\"predicted\":false}]");
	free(got);
	kdx_capture_release(&c);
	kdx_arena_release(&arena);
}

static void test_restates_nothing(void **state)
{
	(void)state;
	kdx_arena_init(&arena);
	kdx_capture c;
	kdx_capture_init(&c);
	kdx_capture_add(&c, false, "cloudwatch", "DescribeAlarms", NULL,
			val("{\"MetricAlarms\":[{\"AlarmName\":\"cpu\",\"ActionsEnabled\":true}]}"));
	kdx_capture_add(&c, true, "cloudwatch", "DisableAlarmActions", NULL,
			val("{\"AlarmNames\":[\"cpu\"]}"));
	size_t n;
	char *got = diff(&c, NULL, &n);
	assert_int_equal(n, 0);
	assert_string_equal(got, "[{\"request\":\"cloudwatch DisableAlarmActions\",\"region\":null,"
				 "\"object\":null,\"fields\":[],\"unchanged\":0,\"predicted\":false}]");
	free(got);
	kdx_capture_release(&c);
	kdx_arena_release(&arena);
}

/* Fields compare as their JSON texts do (every kind, nested lists and maps, a number sent
 * as text, a duration sent as its text): the same answers the text compare gave before it
 * was done member by member. */
static void test_equal_as_json_text(void **state)
{
	(void)state;
	kdx_arena_init(&arena);
	kdx_capture c;
	kdx_capture_init(&c);
	kdx_capture_add(&c, false, "svc", "DescribeThings", NULL,
			val("{\"Things\":[{\"ThingName\":\"a\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],"
			    "\"Cfg\":{\"x\":1,\"y\":[1,2],\"z\":{\"deep\":\"d\"}},\"Count\":3,\"On\":true,"
			    "\"Ratio\":0.5,\"Wait\":\"5m\",\"Keys\":[\"p\",\"q\"],\"Pairs\":{\"a\":1,\"b\":2}}]}"));
	kdx_value *w = (kdx_value *)val("{\"ThingName\":\"a\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}],"
					"\"Cfg\":{\"x\":1,\"y\":[1,2,3],\"z\":{\"deep\":\"e\"}},\"Count\":\"3\","
					"\"On\":false,\"Ratio\":50,\"Wait\":0,\"Keys\":[\"q\",\"p\"],"
					"\"Pairs\":{\"b\":2,\"a\":1}}");
	/* Ratio as 50 %: a percent is written as its number, 50, not 0.5 */
	for (size_t i = 0; i < w->u.map.n; i++) {
		if (!strcmp(w->u.map.keys[i], "Ratio"))
			w->u.map.vals[i] = kdx_value_percent(&arena, 50);
		if (!strcmp(w->u.map.keys[i], "Wait")) /* a duration is written as "5m" */
			w->u.map.vals[i] = kdx_value_duration(&arena, 5 * 60 * 1000);
	}
	kdx_capture_add(&c, true, "svc", "UpdateThing", NULL, w);
	size_t n;
	char *got = diff(&c, NULL, &n);
	assert_string_equal(got,
		"[{\"request\":\"svc UpdateThing\",\"region\":null,\"object\":\"ThingName=a\","
		"\"fields\":[{\"field\":\"Cfg.y\",\"before\":[1,2],\"after\":[1,2,3],\"predicted\":false},"
		"{\"field\":\"Cfg.z.deep\",\"before\":\"d\",\"after\":\"e\",\"predicted\":false},"
		"{\"field\":\"On\",\"before\":true,\"after\":false,\"predicted\":false},"
		"{\"field\":\"Ratio\",\"before\":0.5,\"after\":50,\"predicted\":false},"
		"{\"field\":\"Keys\",\"before\":[\"p\",\"q\"],\"after\":[\"q\",\"p\"],\"predicted\":false}],"
		"\"unchanged\":7,\"predicted\":false}]");
	/* unchanged: ThingName, Tags (a list of maps, whole), Cfg.x, Count ("3" is 3), Wait
	 * ("5m" is 5m), and Pairs.a and .b (a map by path, in any order) */
	assert_int_equal(n, 5);
	free(got);
	kdx_capture_release(&c);
	kdx_arena_release(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route53_weights_then_predicted),
		cmocka_unit_test(test_autoscaling_null_not_sent),
		cmocka_unit_test(test_ecs_other_key_and_nested),
		cmocka_unit_test(test_restates_nothing),
		cmocka_unit_test(test_equal_as_json_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
