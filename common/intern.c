/* intern: an open-addressing hash set of strings (FNV-1a). */
#include "intern.h"
#include "xalloc.h"

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
	free(in->hashes);
	free(in->lens);
	free(in->tags);
	kdx_arena *a = in->arena;
	kdx_intern_init(in, a);
}

static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void grow(kdx_intern *in)
{
	size_t ncap = in->cap ? in->cap * 2 : 64;
	const char **slots = xcalloc(ncap, sizeof(*slots));
	uint32_t *hashes = xcalloc(ncap, sizeof(*hashes));
	uint32_t *lens = xcalloc(ncap, sizeof(*lens));
	uint8_t *tags = xcalloc(ncap, sizeof(*tags));
	for (size_t i = 0; i < in->cap; i++) {
		if (!in->slots[i])
			continue;
		size_t j = in->hashes[i] & (ncap - 1);
		while (slots[j])
			j = (j + 1) & (ncap - 1);
		slots[j] = in->slots[i];
		hashes[j] = in->hashes[i];
		lens[j] = in->lens[i];
		tags[j] = in->tags[i];
	}
	free(in->slots);
	free(in->hashes);
	free(in->lens);
	free(in->tags);
	in->slots = slots;
	in->hashes = hashes;
	in->lens = lens;
	in->tags = tags;
	in->cap = ncap;
}

/* The slot of s[0..len), added if new. */
static size_t slot(kdx_intern *in, const char *s, size_t len)
{
	if ((in->n + 1) * 4 > in->cap * 3)
		grow(in);
	uint32_t h = hash(s, len);
	size_t j = h & (in->cap - 1);
	while (in->slots[j]) {
		if (in->hashes[j] == h && in->lens[j] == len &&
		    !memcmp(in->slots[j], s, len))
			return j;
		j = (j + 1) & (in->cap - 1);
	}
	in->slots[j] = kdx_arena_strndup(in->arena, s, len);
	in->hashes[j] = h;
	in->lens[j] = (uint32_t)len;
	in->n++;
	return j;
}

const char *kdx_intern_n(kdx_intern *in, const char *s, size_t len)
{
	size_t j = slot(in, s, len); /* first: it may grow (move) the slots */
	return in->slots[j];
}

const char *kdx_intern_tag_n(kdx_intern *in, const char *s, size_t len, unsigned *tag)
{
	size_t j = slot(in, s, len);
	*tag = in->tags[j];
	return in->slots[j];
}

const char *kdx_intern_set_tag(kdx_intern *in, const char *s, unsigned tag)
{
	size_t j = slot(in, s, strlen(s));
	in->tags[j] = (uint8_t)tag;
	return in->slots[j];
}

const char *kdx_intern_str(kdx_intern *in, const char *s)
{
	return kdx_intern_n(in, s, strlen(s));
}
