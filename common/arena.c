/* arena: blocks of at least 64 KiB, chained; large requests get their own block. */
#include "arena.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
#define ARENA_ALIGN 16

struct kdx_arena_block {
	struct kdx_arena_block *next;
	size_t used, size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void kdx_arena_init(kdx_arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void kdx_arena_release(kdx_arena *a)
{
	struct kdx_arena_block *b = a->head;
	while (b) {
		struct kdx_arena_block *next = b->next;
		free(b);
		b = next;
	}
	kdx_arena_init(a);
}

void *kdx_arena_alloc(kdx_arena *a, size_t n)
{
	struct kdx_arena_block *b = a->head;
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		/* A big one-off block goes behind the current one so the
		 * current block's free tail is not wasted. */
		if (a->head && n > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
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
