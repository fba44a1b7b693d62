/* arena: bump allocator for everything the compiler builds (AST, values, plan).
 * Memory handed out lives until kdx_arena_release(); nothing is freed one by one. */
#ifndef KDX_ARENA_H
#define KDX_ARENA_H
#include <stdbool.h>
#include <stddef.h>

struct kdx_arena_block;

typedef struct kdx_arena {
	struct kdx_arena_block *head;
	size_t total; /* bytes handed out, for benchmarks */
} kdx_arena;

void kdx_arena_init(kdx_arena *a);
void kdx_arena_release(kdx_arena *a);
/* Zeroed, aligned to 8 bytes: enough for every type except long double and 128-bit
 * integers, which kdx does not use (arena.c says why). Never returns NULL. */
void *kdx_arena_alloc(kdx_arena *a, size_t n);
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

#define KDX_NEW(a, T) ((T *)kdx_arena_alloc((a), sizeof(T)))
#define KDX_NEWN(a, T, n) ((T *)kdx_arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
