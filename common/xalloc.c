/* xalloc: the one place where allocation failure is handled. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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

/* A big block asks for transparent huge pages on the 2 MiB-aligned part of it before it is
 * touched (the kernel honours the hint under THP's "madvise" mode, this machine's and a
 * common default). A 100,000-step `kdx check` holds tens of MiB in a few arrays (the
 * steps, the intern table, the graph's), and faulting them in 4 KiB at a time was about
 * two thirds of its page faults, each a trip through the kernel (issue #19,
 * docs/benchmarks.md). common/arena.c maps its big blocks the same way. Only a hint:
 * failure costs faults, nothing else. */
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void huge_hint(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	if (n < 2 * HUGE_PAGE)
		return;
	uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#endif
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		kdx_alloc_failed(n);
	huge_hint(p, n);
	return p;
}

void *xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		kdx_alloc_failed(count * n);
	huge_hint(p, count * n);
	return p;
}

/* A big block that grows is moved by hand, so that the new one is hinted before the copy
 * touches it (realloc copies first). */
void *xrealloc(void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	if (n >= 2 * HUGE_PAGE && n > old) {
		void *q = xmalloc(n);
		if (old)
			memcpy(q, p, old);
		free(p);
		return q;
	}
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
