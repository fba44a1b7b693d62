/* Unit tests for executor/readcache: a dry run's reads answered once (issue #19.2) -- the
 * key tells requests apart by every part that reaches the service, only 2xx answers are
 * kept, a claimed read makes the others wait for its answer, and a dropped claim passes
 * to a waiting thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "executor/readcache.h"

static void request(aws_request *r, const char *path, const char *target, const char *body)
{
	aws_request_init(r);
	r->method = xstrdup("POST");
	r->scheme = xstrdup("https");
	r->host = xstrdup("monitoring.us-east-1.amazonaws.com");
	r->path = xstrdup(path);
	if (target)
		aws_request_set_header(r, "X-Amz-Target", target);
	strbuf_addstr(&r->body, body);
}

static void answer(aws_response *a, long status, const char *body)
{
	aws_response_init(a);
	a->status = status;
	strbuf_addstr(&a->body, body);
}

static void test_keys(void **state)
{
	(void)state;
	aws_request a, b, c, d;
	request(&a, "/", "X.DescribeAlarms", "{}");
	request(&b, "/", "X.DescribeAlarms", "{}");
	request(&c, "/", "X.GetMetricStatistics", "{}"); /* JSON protocol: the op is a header */
	request(&d, "/", "X.DescribeAlarms", "{\"a\":1}");
	char *ka = kdx_readcache_key(&a), *kb = kdx_readcache_key(&b);
	char *kc = kdx_readcache_key(&c), *kd = kdx_readcache_key(&d);
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc);
	assert_string_not_equal(ka, kd);
	free(ka), free(kb), free(kc), free(kd);
	aws_request_release(&a), aws_request_release(&b);
	aws_request_release(&c), aws_request_release(&d);
}

static void test_claim_put(void **state)
{
	(void)state;
	kdx_readcache *c = kdx_readcache_new();
	aws_response out, ok, err;
	aws_response_init(&out);
	answer(&ok, 200, "<ok/>");
	answer(&err, 400, "<Throttling/>");
	assert_false(kdx_readcache_claim(c, "k", &out)); /* first: the caller sends it */
	kdx_readcache_put(c, "k", &ok);
	assert_true(kdx_readcache_claim(c, "k", &out));  /* then answered from the cache */
	assert_int_equal(out.status, 200);
	assert_string_equal(out.body.buf, "<ok/>");
	assert_int_equal(kdx_readcache_hits(c), 1);
	/* an error is not kept: the next one sends it again */
	assert_false(kdx_readcache_claim(c, "e", &out));
	kdx_readcache_put(c, "e", &err);
	assert_false(kdx_readcache_claim(c, "e", &out));
	kdx_readcache_put(c, "e", NULL); /* no answer at all: dropped too */
	assert_false(kdx_readcache_claim(c, "e", &out));
	kdx_readcache_put(c, "e", &ok);
	aws_response_release(&out), aws_response_release(&ok), aws_response_release(&err);
	kdx_readcache_free(c);
}

typedef struct waiter {
	kdx_readcache *c;
	bool hit;
	long status;
} waiter;

static void *wait_for(void *arg)
{
	waiter *w = arg;
	aws_response out;
	aws_response_init(&out);
	w->hit = kdx_readcache_claim(w->c, "k", &out);
	w->status = out.status;
	if (!w->hit) /* the claim passed to this thread: answer it */
		kdx_readcache_put(w->c, "k", NULL);
	aws_response_release(&out);
	return NULL;
}

/* A second thread asking for a claimed read gets the first one's answer, not a claim. */
static void test_waits_for_claim(void **state)
{
	(void)state;
	kdx_readcache *c = kdx_readcache_new();
	aws_response out, ok;
	aws_response_init(&out);
	answer(&ok, 200, "x");
	assert_false(kdx_readcache_claim(c, "k", &out));
	waiter w = { .c = c };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_for, &w), 0);
	usleep(50 * 1000); /* the waiter is (most likely) blocked in claim by now; either way
			      it must get the answer, never a claim of its own */
	kdx_readcache_put(c, "k", &ok);
	pthread_join(t, NULL);
	assert_true(w.hit);
	assert_int_equal(w.status, 200);
	aws_response_release(&out), aws_response_release(&ok);
	kdx_readcache_free(c);
}

/* A dropped claim (the read failed) passes to the thread that waited: it sends it itself. */
static void test_dropped_claim_passes(void **state)
{
	(void)state;
	kdx_readcache *c = kdx_readcache_new();
	aws_response out;
	aws_response_init(&out);
	assert_false(kdx_readcache_claim(c, "k", &out));
	waiter w = { .c = c };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_for, &w), 0);
	usleep(50 * 1000);
	kdx_readcache_put(c, "k", NULL);
	pthread_join(t, NULL);
	assert_false(w.hit);
	aws_response_release(&out);
	kdx_readcache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_claim_put),
		cmocka_unit_test(test_waits_for_claim),
		cmocka_unit_test(test_dropped_claim_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
