/* arena: chained blocks that grow with the arena; large requests get their own block.
 *
 * Why blocks grow: the compiler's arena holds hundreds of megabytes for a runbook of
 * 100,000 steps. With fixed 64 KiB blocks every 4 KiB page was faulted in one by one and
 * zeroed twice (by the kernel, then by memset), which cost more CPU than the parser
 * (docs/benchmarks.md, issue #19). Blocks now double up to ARENA_BIG_MAX; from
 * ARENA_BIG on they are mapped directly, 2 MiB aligned and marked for transparent huge
 * pages, so one fault maps 2 MiB, and the kernel has zeroed them already. Small arenas
 * (the executor's per-request ones) still start with one 64 KiB malloc'd block. */
#include "arena.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_BIG (2 * 1024 * 1024)      /* from here on: mmap, huge pages */
#define ARENA_BIG_MAX (32 * 1024 * 1024) /* growth stops here */
/* 8, not alignof(max_align_t) = 16: kdx stores no long double or 128-bit integer, and the
 * compiler makes six million small allocations for a 100,000-step runbook, where 16-byte
 * alignment wasted 25 MB (issue #19). */
#define ARENA_ALIGN KDX_ARENA_ALIGN
_Static_assert(_Alignof(double) <= ARENA_ALIGN && _Alignof(void *) <= ARENA_ALIGN &&
		       _Alignof(int64_t) <= ARENA_ALIGN,
	       "arena alignment too small for kdx's types");

struct kdx_arena_block {
	struct kdx_arena_block *next;
	size_t used, size;
	size_t mapped; /* bytes of the mapping when mmap'd, 0 when malloc'd */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void kdx_arena_init(kdx_arena *a)
{
	a->head = NULL;
	a->total = 0;
	a->cur = a->end = NULL;
	a->zero = false;
}

/* Brings head's `used` up to date with cur (the inline path moves only cur). */
static void sync_used(kdx_arena *a)
{
	if (a->head)
		a->head->used = (size_t)(a->cur - a->head->data);
}

/* Makes b the block the inline path allocates from. */
static void set_head(kdx_arena *a, struct kdx_arena_block *b)
{
	a->head = b;
	a->cur = b->data + b->used;
	a->end = b->data + b->size;
	a->zero = !b->mapped;
}

static void block_free(struct kdx_arena_block *b)
{
	if (b->mapped)
		munmap(b, b->mapped);
	else
		free(b);
}

void kdx_arena_release(kdx_arena *a)
{
	struct kdx_arena_block *b = a->head;
	while (b) {
		struct kdx_arena_block *next = b->next;
		block_free(b);
		b = next;
	}
	kdx_arena_init(a);
}

/* A zeroed block of at least `size` bytes of data. Big blocks are mapped with 2 MiB
 * alignment (THP needs aligned 2 MiB ranges); if mmap fails, malloc still may not. */
static struct kdx_arena_block *block_new(size_t size)
{
	struct kdx_arena_block *b;
	size_t want = sizeof(*b) + size;
	if (want >= ARENA_BIG) {
		size_t len = (want + ARENA_BIG - 1) & ~(size_t)(ARENA_BIG - 1);
		unsigned char *m = mmap(NULL, len + ARENA_BIG, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			uintptr_t p = ((uintptr_t)m + ARENA_BIG - 1) & ~(uintptr_t)(ARENA_BIG - 1);
			unsigned char *al = (unsigned char *)p;
			/* Give back the unaligned head and the tail beyond len. */
			if (al > m)
				munmap(m, (size_t)(al - m));
			if (al + len < m + len + ARENA_BIG)
				munmap(al + len, (size_t)(m + len + ARENA_BIG - (al + len)));
#ifdef MADV_HUGEPAGE
			madvise(al, len, MADV_HUGEPAGE); /* a hint: failure only costs faults */
#endif
			b = (struct kdx_arena_block *)al;
			b->mapped = len;
			b->size = len - sizeof(*b);
			b->used = 0;
			return b;
		}
	}
	b = xmalloc(want);
	b->mapped = 0;
	b->size = size;
	b->used = 0;
	return b;
}

/* n bytes (aligned) from block b, which has room for them and is not head (head's free
 * tail is cur..end). */
static void *bump(kdx_arena *a, struct kdx_arena_block *b, size_t n)
{
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	/* Mapped blocks come zeroed from the kernel; malloc'd ones are zeroed piece by piece
	 * as they are handed out (memory is never handed out twice), not whole when made:
	 * a per-request arena uses a few hundred bytes of its 64 KiB first block, and
	 * zeroing all of it was a quarter of the AWS fuzz targets' time (docs/testing.md). */
	if (!b->mapped)
		memset(p, 0, n);
	return p;
}

/* Reached when head's free tail is not strictly larger than n: an empty arena, an exact
 * fit (served from head as before, so the layout is the same as with one path), or a
 * new block. */
void *kdx_arena_alloc_slow(kdx_arena *a, size_t n)
{
	struct kdx_arena_block *b = a->head;
	if (b && n <= (size_t)(a->end - a->cur))
		return kdx_arena_take_(a, n);
	sync_used(a);
	/* The next block is as big as the current one's double, so an arena of N bytes has
	 * O(log N) blocks until ARENA_BIG_MAX. */
	size_t grow = b ? b->size * 2 : ARENA_BLOCK;
	if (grow > ARENA_BIG_MAX)
		grow = ARENA_BIG_MAX;
	if (grow < ARENA_BLOCK)
		grow = ARENA_BLOCK;
	bool own = n > grow / 4; /* a large request: its own block */
	b = block_new(own ? n : grow);
	/* An own block goes behind the current one so the current block's free tail is not
	 * wasted (and growth goes on from it). */
	if (a->head && own) {
		b->next = a->head->next;
		a->head->next = b;
		return bump(a, b, n);
	}
	b->next = a->head;
	set_head(a, b);
	return kdx_arena_take_(a, n);
}

void kdx_arena_absorb(kdx_arena *a, kdx_arena *from)
{
	struct kdx_arena_block *first = from->head;
	if (!first)
		return;
	sync_used(from);
	struct kdx_arena_block *last = first;
	while (last->next)
		last = last->next;
	if (a->head) {
		last->next = a->head->next;
		a->head->next = first;
	} else {
		set_head(a, first);
	}
	a->total += from->total;
	kdx_arena_init(from);
}

bool kdx_arena_extend(kdx_arena *a, void *p, size_t n, size_t more)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	more = (more + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!a->head || (unsigned char *)p + n != a->cur || (size_t)(a->end - a->cur) < more)
		return false;
	kdx_arena_take_(a, more);
	return true;
}

void kdx_arena_poison(kdx_arena *a, int byte)
{
	sync_used(a);
	for (struct kdx_arena_block *b = a->head; b; b = b->next)
		memset(b->data, byte, b->used);
}

char *kdx_arena_strndup(kdx_arena *a, const char *s, size_t n)
{
	char *p = kdx_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kdx_arena_strdup(kdx_arena *a, const char *s)
{
	return kdx_arena_strndup(a, s, strlen(s));
}

char *kdx_arena_printf(kdx_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = kdx_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
