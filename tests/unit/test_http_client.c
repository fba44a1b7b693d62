/* Unit tests for executor/http's client and pool against a real loopback server (a thread
 * here, one more thread per connection): many transfers in flight on one client, the pool's
 * cap per key, reuse across clients, a per-transfer timeout, a refused connection, and
 * kdx_http_shutdown() emptying the pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "executor/http/http_client.h"
#include "executor/http/http_pool.h"

typedef struct server {
	int lfd, port;
	int delay_ms;      /* before each answer */
	int accepted;
	pthread_mutex_t mu;
	pthread_t th;
} server;

typedef struct conn_arg {
	server *s;
	int fd;
} conn_arg;

static void *serve_conn(void *ud)
{
	conn_arg *a = ud;
	char buf[4096];
	size_t have = 0;
	for (;;) {
		ssize_t n = recv(a->fd, buf + have, sizeof(buf) - have - 1, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		char *end;
		while ((end = strstr(buf, "\r\n\r\n"))) {
			if (a->s->delay_ms)
				usleep((useconds_t)a->s->delay_ms * 1000);
			const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
			if (send(a->fd, r, strlen(r), MSG_NOSIGNAL) < 0)
				goto out;
			size_t used = (size_t)(end + 4 - buf);
			memmove(buf, buf + used, have - used);
			have -= used;
			buf[have] = '\0';
		}
	}
out:
	close(a->fd);
	free(a);
	return NULL;
}

static void *serve(void *ud)
{
	server *s = ud;
	for (;;) {
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		pthread_mutex_lock(&s->mu);
		s->accepted++;
		pthread_mutex_unlock(&s->mu);
		conn_arg *a = malloc(sizeof(*a));
		a->s = s;
		a->fd = fd;
		pthread_t t;
		pthread_create(&t, NULL, serve_conn, a);
		pthread_detach(t);
	}
}

static void server_start(server *s, int delay_ms)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->delay_ms = delay_ms;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 64), 0);
	socklen_t len = sizeof(sa);
	getsockname(s->lfd, (struct sockaddr *)&sa, &len);
	s->port = ntohs(sa.sin_port);
	pthread_create(&s->th, NULL, serve, s);
}

static void server_stop(server *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	close(s->lfd);
	pthread_join(s->th, NULL);
}

static int accepted(server *s)
{
	pthread_mutex_lock(&s->mu);
	int n = s->accepted;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* A server answering after delay_ms, and the URL of path on it. */
static void serve_at(server *s, int delay_ms, const char *path, char url[64])
{
	server_start(s, delay_ms);
	snprintf(url, 64, "http://127.0.0.1:%d%s", s->port, path);
}

typedef struct result {
	int done, ok;
	kdx_http_fail kind;
	char msg[256];
} result;

static void on_done(void *ud, kdx_http_fail kind, const char *errmsg, kdx_http_parser *resp)
{
	result *r = ud;
	r->done++;
	r->kind = kind;
	if (!kind && resp->status == 200 && resp->body.len == 2)
		r->ok++;
	if (errmsg)
		snprintf(r->msg, sizeof(r->msg), "%s", errmsg);
}

static void run_all(kdx_http_client *c)
{
	for (int i = 0; i < 2000 && kdx_http_client_run(c, 50) > 0; i++)
		;
	assert_int_equal(kdx_http_client_inflight(c), 0);
}

static void start(kdx_http_client *c, const char *url, long timeout_ms, result *r)
{
	kdx_http_request req = { .method = "GET", .url = url, .timeout_ms = timeout_ms };
	kdx_http_fail kind;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_http_client_start(c, &req, on_done, r, &kind, &err), 0);
	strbuf_release(&err);
}

static void test_many_in_flight_and_pool_cap(void **state)
{
	(void)state;
	unsetenv("http_proxy");
	server s;
	char url[64];
	serve_at(&s, 20, "/x", url);
	kdx_http_client *c = kdx_http_client_new();
	result r = { 0 };
	for (int i = 0; i < 12; i++)
		start(c, url, 5000, &r);
	run_all(c);
	assert_int_equal(r.done, 12);
	assert_int_equal(r.ok, 12);
	assert_int_equal(accepted(&s), 12); /* all at once: twelve connections */
	assert_int_equal(kdx_http_pool_idle(), KDX_HTTP_POOL_PER_KEY); /* the cap */
	/* a second client, one after another: the pooled connections serve it */
	kdx_http_client *c2 = kdx_http_client_new();
	result r2 = { 0 };
	for (int i = 0; i < 5; i++) {
		start(c2, url, 5000, &r2);
		run_all(c2);
	}
	assert_int_equal(r2.ok, 5);
	assert_int_equal(accepted(&s), 12);
	kdx_http_client_free(c2);
	kdx_http_client_free(c);
	kdx_http_shutdown();
	assert_int_equal(kdx_http_pool_idle(), 0);
	server_stop(&s);
}

static void test_timeout_and_refused(void **state)
{
	(void)state;
	server s;
	char url[64];
	serve_at(&s, 400, "/slow", url);
	kdx_http_client *c = kdx_http_client_new();
	result r = { 0 };
	start(c, url, 100, &r);
	run_all(c);
	assert_int_equal(r.done, 1);
	assert_int_equal(r.kind, KDX_HTTP_ETIMEOUT);
	assert_non_null(strstr(r.msg, "timed out after 100 ms waiting for 127.0.0.1:"));
	server_stop(&s);
	/* the port is closed now: refused */
	result r2 = { 0 };
	start(c, url, 1000, &r2);
	run_all(c);
	assert_int_equal(r2.kind, KDX_HTTP_ECONN);
	assert_non_null(strstr(r2.msg, "connection refused"));
	/* freeing a client with transfers in flight calls no callback */
	result r3 = { 0 };
	start(c, "http://127.0.0.1:9/", 1000, &r3);
	kdx_http_client_free(c);
	assert_int_equal(r3.done, 0);
	/* a bad URL does not start */
	kdx_http_client *c3 = kdx_http_client_new();
	kdx_http_request req = { .method = "GET", .url = "gopher://x/" };
	kdx_http_fail kind;
	strbuf err = STRBUF_INIT;
	assert_int_equal(kdx_http_client_start(c3, &req, on_done, &r3, &kind, &err), -1);
	assert_int_equal(kind, KDX_HTTP_EFATAL);
	strbuf_release(&err);
	kdx_http_client_free(c3);
	kdx_http_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_in_flight_and_pool_cap),
		cmocka_unit_test(test_timeout_and_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
