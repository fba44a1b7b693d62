/* xalloc: the one place where allocation failure is handled. */
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xalloc_fail_fn fail_hook;

void xalloc_set_fail_hook(xalloc_fail_fn fn)
{
	fail_hook = fn;
}

void kdx_alloc_failed(size_t n)
{
	if (fail_hook)
		fail_hook(n);
	fprintf(stderr, "kdx: fatal: out of memory (wanted %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		kdx_alloc_failed(n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		kdx_alloc_failed(count * n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		kdx_alloc_failed(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void kdx_wipe(void *p, size_t n)
{
	/* A volatile function pointer: the compiler cannot prove the stores dead. */
	static void *(*const volatile set)(void *, int, size_t) = memset;
	set(p, 0, n);
}
