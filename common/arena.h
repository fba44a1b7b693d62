/* arena: bump allocator for everything the compiler builds (AST, values, plan).
 * Memory handed out lives until kdx_arena_release(); nothing is freed one by one. */
#ifndef KDX_ARENA_H
#define KDX_ARENA_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct kdx_arena_block;

/* cur..end is the free tail of head, kept here (head's `used` is brought up to date only
 * where another function needs it) so that the common allocation is a few inline
 * instructions (issue #19: ~1.4 million calls for a 20,000-step runbook). zero: head's
 * block is malloc'd, so what it hands out must be zeroed; mapped blocks come zeroed. */
typedef struct kdx_arena {
	struct kdx_arena_block *head;
	size_t total; /* bytes handed out, for benchmarks */
	unsigned char *cur, *end;
	bool zero;
} kdx_arena;

void kdx_arena_init(kdx_arena *a);
void kdx_arena_release(kdx_arena *a);
/* Zeroed, aligned to 8 bytes: enough for every type except long double and 128-bit
 * integers, which kdx does not use (arena.c says why). Never returns NULL. */
static inline void *kdx_arena_alloc(kdx_arena *a, size_t n);
/* Move every block of `from` into a, behind a's current block (a goes on allocating where
 * it was); from is left empty, and what was allocated in it lives as long as a. For work
 * that may be thrown away: build it in an arena of its own, then keep it or release it. */
void kdx_arena_absorb(kdx_arena *a, kdx_arena *from);
/* Grows the arena's latest allocation p, of n bytes, by `more` bytes in place (zeroed)
 * when nothing was allocated after it and its block has room; false (and nothing done)
 * otherwise. For lists that grow while nothing else is allocated, such as a step's
 * `after` names, whose growth would otherwise leave the old array behind as waste. */
bool kdx_arena_extend(kdx_arena *a, void *p, size_t n, size_t more);
/* For tests: overwrite every byte handed out so far with `byte`, so that whatever still
 * points into the arena reads garbage, not the old contents, before it is released. */
void kdx_arena_poison(kdx_arena *a, int byte);
char *kdx_arena_strndup(kdx_arena *a, const char *s, size_t n);
char *kdx_arena_strdup(kdx_arena *a, const char *s);
char *kdx_arena_printf(kdx_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define KDX_ARENA_ALIGN 8 /* arena.c says why 8 */

/* The rest of kdx_arena_alloc, out of line: a new block, or an empty arena. */
void *kdx_arena_alloc_slow(kdx_arena *a, size_t n);

/* n (aligned) bytes from head's free tail, which has room for them. Internal to the arena. */
static inline void *kdx_arena_take_(kdx_arena *a, size_t n)
{
	void *p = a->cur;
	a->cur += n;
	a->total += n;
	if (a->zero)
		memset(p, 0, n);
	return p;
}

static inline void *kdx_arena_alloc(kdx_arena *a, size_t n)
{
	n = (n + KDX_ARENA_ALIGN - 1) & ~(size_t)(KDX_ARENA_ALIGN - 1);
	/* Strictly less: an empty arena (cur = end = NULL) and a request of 0 bytes on it take
	 * the slow path, which returns a pointer into a block as before. */
	if (__builtin_expect(n >= (size_t)(a->end - a->cur), 0))
		return kdx_arena_alloc_slow(a, n);
	return kdx_arena_take_(a, n);
}

#define KDX_NEW(a, T) ((T *)kdx_arena_alloc((a), sizeof(T)))
#define KDX_NEWN(a, T, n) ((T *)kdx_arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
