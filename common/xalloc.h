/* xalloc: allocation wrappers that never return NULL.
 * On exhaustion they call the failure hook (tests may replace it) and abort. */
#ifndef KDX_XALLOC_H
#define KDX_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Called instead of abort() when an allocation fails; for tests only. */
typedef void (*xalloc_fail_fn)(size_t wanted);
void xalloc_set_fail_hook(xalloc_fail_fn fn);
/* What the wrappers do on exhaustion (the hook, then abort); also for a library that cannot
 * allocate (libcrypto, libcurl) where kdx cannot go on without it. Never returns normally. */
_Noreturn void kdx_alloc_failed(size_t wanted);

/* Grow an array (p, nr, alloc) so that it can hold at least n elements. */
#define XGROW(p, n, alloc)                                                   \
	do {                                                                 \
		if ((size_t)(n) > (size_t)(alloc)) {                         \
			size_t kdx_grow_ = (alloc) ? (size_t)(alloc) * 2 : 8;  \
			if (kdx_grow_ < (size_t)(n))                         \
				kdx_grow_ = (size_t)(n);                     \
			(p) = xrealloc((p), kdx_grow_ * sizeof(*(p)));       \
			(alloc) = kdx_grow_;                                 \
		}                                                            \
	} while (0)

/* Zero memory in a way the compiler may not drop: for keys and secrets before free(). */
void kdx_wipe(void *p, size_t n);

#endif
