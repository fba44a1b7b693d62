/* intern: one canonical copy of each distinct string, so names compare by pointer.
 * The strings live in the arena given to kdx_intern_init and last as long as it;
 * the table itself (hash slots) is owned by the kdx_intern and freed by kdx_intern_release. */
#ifndef KDX_INTERN_H
#define KDX_INTERN_H
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* One slot: a probe reads one 16-byte entry, and a hit costs one memcmp (no strlen). */
typedef struct kdx_intern_slot {
	const char *s;      /* NULL: empty */
	uint32_t hash;
	uint32_t len;
} kdx_intern_slot;

typedef struct kdx_intern {
	kdx_arena *arena;
	kdx_intern_slot *slots; /* open addressing, linear probing, power-of-two size */
	uint8_t *tags;          /* a byte attached to a string, 0 = none (kdx_intern_set_tag) */
	size_t n, cap;
} kdx_intern;

void kdx_intern_init(kdx_intern *in, kdx_arena *arena);
void kdx_intern_release(kdx_intern *in);
/* The canonical NUL-terminated copy of s[0..len); equal strings give the same pointer. */
const char *kdx_intern_n(kdx_intern *in, const char *s, size_t len);
const char *kdx_intern_str(kdx_intern *in, const char *s);
/* kdx_intern_n that also gives the string's tag (0 when none was set). */
const char *kdx_intern_tag_n(kdx_intern *in, const char *s, size_t len, unsigned *tag);
/* Intern s and attach tag (1..255) to it, replacing an earlier one. The lexer tags its
 * keywords so that telling a keyword from a name costs nothing beyond the interning every
 * name gets anyway; it is the only user of tags. */
const char *kdx_intern_set_tag(kdx_intern *in, const char *s, unsigned tag);

#endif
