/* intern: an open-addressing hash set of strings. */
#include "intern.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void kdx_intern_init(kdx_intern *in, kdx_arena *arena)
{
	memset(in, 0, sizeof(*in));
	in->arena = arena;
}

void kdx_intern_release(kdx_intern *in)
{
	free(in->slots);
	free(in->tags);
	kdx_arena *a = in->arena;
	kdx_intern_init(in, a);
}

/* A multiply-xorshift over 8 bytes at a time; the last 1-7 bytes are read as overlapping
 * words (4-7 bytes: the first four and the last four; 1-3: first, middle and last), so a
 * name costs two or three multiplications, not a multiplication per byte as FNV-1a did.
 * Strings of one length map to distinct words, and the length is mixed in. */
static uint32_t hash(const char *s, size_t len)
{
	const uint64_t k = 0x9E3779B97F4A7C15u;
	uint64_t h = (uint64_t)len * k, w;
	for (; len > 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (len >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (len) {
		const unsigned char *u = (const unsigned char *)s;
		w = (uint64_t)u[0] << 16 | (uint64_t)u[len / 2] << 8 | u[len - 1];
	} else {
		w = 0;
	}
	h = (h ^ w) * k;
	return (uint32_t)(h ^ h >> 32);
}

/* The first w and the last w bytes of a and b (w <= n, w <= 8) are equal. */
static inline bool same_ends(const char *a, const char *b, size_t n, size_t w)
{
	uint64_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
	memcpy(&a0, a, w);
	memcpy(&b0, b, w);
	memcpy(&a1, a + n - w, w);
	memcpy(&b1, b + n - w, w);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* memcmp(a, b, n) == 0 for a name: most are under 16 bytes, where two overlapping loads
 * of each side beat a call (never reading outside [0, n)). */
static bool same(const char *a, const char *b, size_t n)
{
	if (n > 16)
		return !memcmp(a, b, n);
	if (n >= 8)
		return same_ends(a, b, n, 8);
	if (n >= 4)
		return same_ends(a, b, n, 4);
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void grow(kdx_intern *in)
{
	size_t ncap = in->cap ? in->cap * 2 : 64;
	kdx_intern_slot *slots = xcalloc(ncap, sizeof(*slots));
	uint8_t *tags = xcalloc(ncap, sizeof(*tags));
	for (size_t i = 0; i < in->cap; i++) {
		if (!in->slots[i].s)
			continue;
		size_t j = in->slots[i].hash & (ncap - 1);
		while (slots[j].s)
			j = (j + 1) & (ncap - 1);
		slots[j] = in->slots[i];
		tags[j] = in->tags[i];
	}
	free(in->slots);
	free(in->tags);
	in->slots = slots;
	in->tags = tags;
	in->cap = ncap;
}

/* The slot of s[0..len), added if new. */
static size_t slot(kdx_intern *in, const char *s, size_t len)
{
	if ((in->n + 1) * 4 > in->cap * 3)
		grow(in);
	uint32_t h = hash(s, len);
	size_t mask = in->cap - 1, j = h & mask;
	for (kdx_intern_slot *e = &in->slots[j]; e->s; e = &in->slots[j = (j + 1) & mask])
		if (e->hash == h && e->len == len && same(e->s, s, len))
			return j;
	in->slots[j] = (kdx_intern_slot){ kdx_arena_strndup(in->arena, s, len), h, (uint32_t)len };
	in->n++;
	return j;
}

const char *kdx_intern_n(kdx_intern *in, const char *s, size_t len)
{
	size_t j = slot(in, s, len); /* first: it may grow (move) the slots */
	return in->slots[j].s;
}

const char *kdx_intern_tag_n(kdx_intern *in, const char *s, size_t len, unsigned *tag)
{
	size_t j = slot(in, s, len);
	*tag = in->tags[j];
	return in->slots[j].s;
}

const char *kdx_intern_set_tag(kdx_intern *in, const char *s, unsigned tag)
{
	size_t j = slot(in, s, strlen(s));
	in->tags[j] = (uint8_t)tag;
	return in->slots[j].s;
}

const char *kdx_intern_str(kdx_intern *in, const char *s)
{
	return kdx_intern_n(in, s, strlen(s));
}
