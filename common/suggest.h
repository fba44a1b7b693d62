/* suggest: "did you mean ...?" -- pick the candidate closest to a misspelt name by
 * edit distance (Damerau-Levenshtein, optimal string alignment, case-insensitive).
 * Returns pointers into the caller's candidates; nothing is allocated that outlives a call. */
#ifndef KDX_SUGGEST_H
#define KDX_SUGGEST_H
#include <stddef.h>

/* Edit distance between a and b (insert, delete, substitute, swap of neighbours). */
size_t kdx_suggest_distance(const char *a, const char *b);

/* Collects candidates one by one, keeps the best; cheap enough to feed every name in scope. */
typedef struct kdx_suggest {
	const char *word;   /* the misspelt name */
	const char *best;   /* best candidate so far, or NULL */
	size_t best_dist;
} kdx_suggest;

void kdx_suggest_init(kdx_suggest *s, const char *word);
void kdx_suggest_add(kdx_suggest *s, const char *candidate);
/* The best candidate if it is close enough to be a plausible typo (distance at most
 * max(1, len/3), and not the word itself), else NULL. */
const char *kdx_suggest_result(const kdx_suggest *s);

/* One call over an array of names. */
const char *kdx_suggest_best(const char *word, const char *const *cands, size_t n);

#endif
