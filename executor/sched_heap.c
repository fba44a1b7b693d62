/* sched_heap: the scheduler's binary min-heap of (key, step index) -- the ready steps in
 * index order, attempts by deadline, retries by time -- so that no event costs a scan of
 * every step. Ties on the key are broken by the index, which keeps the order deterministic. */
#include "sched_int.h"

#include "../common/xalloc.h"

#include <stdlib.h>

static bool less(const kdx_sheap_ent *a, const kdx_sheap_ent *b)
{
	return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

void kdx_sheap_push(kdx_sheap *h, int64_t key, size_t idx, uint32_t gen)
{
	XGROW(h->e, h->n + 1, h->a);
	size_t k = h->n++;
	kdx_sheap_ent x = { key, idx, gen };
	while (k > 0) {
		size_t up = (k - 1) / 2;
		if (!less(&x, &h->e[up]))
			break;
		h->e[k] = h->e[up];
		k = up;
	}
	h->e[k] = x;
}

kdx_sheap_ent kdx_sheap_pop(kdx_sheap *h)
{
	kdx_sheap_ent top = h->e[0];
	kdx_sheap_ent x = h->e[--h->n];
	size_t k = 0;
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && less(&h->e[c + 1], &h->e[c]))
			c++;
		if (!less(&h->e[c], &x))
			break;
		h->e[k] = h->e[c];
		k = c;
	}
	if (h->n)
		h->e[k] = x;
	return top;
}

void kdx_sheap_release(kdx_sheap *h)
{
	free(h->e);
	h->e = NULL;
	h->n = h->a = 0;
}
