/* suggest: edit distance for "did you mean" hints. */
#include "suggest.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Optimal string alignment over three rolling rows; names are short, so this is cheap. */
size_t kdx_suggest_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *prev2 = xcalloc(m + 1, sizeof(size_t));
	size_t *prev = xcalloc(m + 1, sizeof(size_t));
	size_t *cur = xcalloc(m + 1, sizeof(size_t));
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		int ca = tolower((unsigned char)a[i - 1]);
		for (size_t j = 1; j <= m; j++) {
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca == cb ? 0 : 1;
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	size_t d = prev[m];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

void kdx_suggest_init(kdx_suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_dist = (size_t)-1;
}

void kdx_suggest_add(kdx_suggest *s, const char *candidate)
{
	if (!candidate || !s->word || !strcmp(candidate, s->word))
		return;
	size_t d = kdx_suggest_distance(s->word, candidate);
	if (d < s->best_dist) {
		s->best = candidate;
		s->best_dist = d;
	}
}

const char *kdx_suggest_result(const kdx_suggest *s)
{
	if (!s->best)
		return NULL;
	size_t len = strlen(s->word);
	size_t limit = len / 3;
	if (limit < 1)
		limit = 1;
	/* a case-only difference is always worth suggesting */
	if (s->best_dist == 0 || s->best_dist <= limit)
		return s->best;
	return NULL;
}

const char *kdx_suggest_best(const char *word, const char *const *cands, size_t n)
{
	kdx_suggest s;
	kdx_suggest_init(&s, word);
	for (size_t i = 0; i < n; i++)
		kdx_suggest_add(&s, cands[i]);
	return kdx_suggest_result(&s);
}
