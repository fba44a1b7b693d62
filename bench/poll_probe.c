/* bench/poll_probe: the first N polls of a wait's schedule (compiler/poll.h), in ms, for
 * bench/poll_bound.py.   build/bench/poll_probe TYPICAL_MS EVERY_MS HORIZON_MS SEED N */
#include "compiler/poll.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: poll_probe TYPICAL_MS EVERY_MS HORIZON_MS SEED N\n");
		return 2;
	}
	kdx_poll p = { .typical_ms = atoll(argv[1]), .every_ms = atoll(argv[2]),
		       .last_ms = atoll(argv[3]), .seed = strtoull(argv[4], NULL, 10) };
	unsigned n = (unsigned)atoi(argv[5]);
	for (unsigned k = 0; k < n; k++)
		printf("%lld%c", (long long)kdx_poll_at(&p, k), k + 1 < n ? ' ' : '\n');
	return 0;
}
