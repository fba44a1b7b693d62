/* bench_proto: what the AWS model and protocol layer costs per call: loading each model,
 * validating + serialising a request, parsing a response. Built and run by bench.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "common/value.h"
#include "executor/aws/client.h"
#include "executor/aws/model.h"
#include "executor/aws/proto.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, strbuf *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err->buf);
	exit(1);
}

static void bench_load(const char *svc)
{
	strbuf err = STRBUF_INIT;
	int n = 20;
	double t0 = now();
	for (int i = 0; i < n; i++) {
		aws_model *m;
		if (aws_model_load(svc, &m, &err) < 0)
			die(svc, &err);
		aws_model_free(m);
	}
	printf("load %-34s %8.2f ms\n", svc, (now() - t0) * 1e3 / n);
	strbuf_release(&err);
}

static void bench_serialize(const char *svc, const char *op, const char *json)
{
	strbuf err = STRBUF_INIT;
	aws_model *m;
	kdx_arena a;
	kdx_arena_init(&a);
	if (aws_model_load(svc, &m, &err) < 0)
		die(svc, &err);
	kdx_value *v = kdx_value_from_json(&a, json, strlen(json), &err);
	int n = 20000;
	double t0 = now();
	for (int i = 0; i < n; i++) {
		aws_request r;
		aws_request_init(&r);
		if (aws_proto_serialize(m, op, v, "us-east-1", &r, &err) < 0)
			die(op, &err);
		aws_request_release(&r);
	}
	printf("serialize %-12s %-26s %8.2f us\n", svc, op, (now() - t0) * 1e6 / n);
	aws_model_free(m);
	kdx_arena_release(&a);
	strbuf_release(&err);
}

static void bench_parse(const char *svc, const char *op, const char *fixture)
{
	strbuf err = STRBUF_INIT, body = STRBUF_INIT;
	aws_model *m;
	aws_response r;
	char path[256], buf[8192];
	size_t got;
	snprintf(path, sizeof(path), "tests/aws/fixtures/%s.http", fixture);
	FILE *f = fopen(path, "rb");
	if (!f || aws_model_load(svc, &m, &err) < 0)
		die(path, &err);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&body, buf, got);
	fclose(f);
	aws_response_init(&r);
	r.status = 200;
	const char *b = strstr(body.buf, "\n\n") + 2;
	strbuf_add(&r.body, b, body.len - (size_t)(b - body.buf));
	int n = 20000;
	double t0 = now();
	for (int i = 0; i < n; i++) {
		kdx_arena a;
		kdx_value *v;
		kdx_arena_init(&a);
		if (aws_proto_parse(m, op, &r, &a, &v, &err) < 0)
			die(op, &err);
		kdx_arena_release(&a);
	}
	printf("parse %-16s %-26s %8.2f us (%zu bytes)\n", svc, op, (now() - t0) * 1e6 / n,
	       r.body.len);
	aws_response_release(&r);
	aws_model_free(m);
	strbuf_release(&body);
	strbuf_release(&err);
}

int main(void)
{
	const char *svcs[] = { "route53", "rds", "s3", "ssm", "dynamodb", "cloudwatch", "ec2", "sts" };
	for (size_t i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		bench_load(svcs[i]);
	bench_serialize("route53", "ChangeResourceRecordSets",
		"{\"HostedZoneId\":\"/hostedzone/Z1\",\"ChangeBatch\":{\"Changes\":[{\"Action\":\"UPSERT\","
		"\"ResourceRecordSet\":{\"Name\":\"api.example.com.\",\"Type\":\"A\",\"SetIdentifier\":\"a\","
		"\"Weight\":70,\"TTL\":60,\"ResourceRecords\":[{\"Value\":\"10.0.0.1\"}]}}]}}");
	bench_serialize("rds", "DescribeDBClusters",
		"{\"Filters\":[{\"Name\":\"engine\",\"Values\":[\"aurora-mysql\",\"aurora-postgresql\"]}]}");
	bench_serialize("dynamodb", "PutItem",
		"{\"TableName\":\"t\",\"Item\":{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1\"}}}");
	bench_serialize("eks", "DescribeCluster", "{\"name\":\"prod\"}");
	bench_parse("route53", "ListResourceRecordSets", "restxml-route53-list-rrsets");
	bench_parse("rds", "DescribeDBClusters", "query-rds-describe-db-clusters");
	bench_parse("cloudwatch", "DescribeAlarms", "json-cloudwatch-describe-alarms");
	bench_parse("eks", "DescribeCluster", "restjson-eks-describe-cluster");
	return 0;
}
