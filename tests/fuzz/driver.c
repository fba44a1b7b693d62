/* driver: runs a fuzz target without libFuzzer, for the smoke run inside `make test`
 * (t0943) and for replaying a crash input under gdb or valgrind. Each file named on the
 * command line is fed to LLVMFuzzerTestOneInput as it is, then -m N times mutated by a
 * seeded generator (byte flips, random bytes, truncations, a copied run, an inserted
 * byte): deterministic for a given -s SEED, so a failure replays. It is no substitute for
 * libFuzzer's coverage guidance (`make fuzz`); it keeps the targets built and their seeds
 * clean on every test run. Usage: driver [-m N] [-s SEED] FILE... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	/* xorshift64: enough to spread mutations, and reproducible */
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void mutate(uint8_t *b, size_t *n, size_t cap)
{
	size_t len = *n;
	switch (next() % 5) {
	case 0:
		if (len)
			b[next() % len] ^= (uint8_t)(1u << (next() % 8));
		break;
	case 1:
		if (len)
			b[next() % len] = (uint8_t)next();
		break;
	case 2:
		*n = len ? next() % len : 0;
		break;
	case 3:
		if (len > 2) {
			size_t from = next() % len, to = next() % len, k = 1 + next() % 16;
			if (from + k > len)
				k = len - from;
			if (to + k > len)
				k = len - to;
			memmove(b + to, b + from, k);
		}
		break;
	default:
		if (len < cap) {
			size_t at = len ? next() % (len + 1) : 0;
			memmove(b + at + 1, b + at, len - at);
			b[at] = (uint8_t)next();
			*n = len + 1;
		}
		break;
	}
}

int main(int argc, char **argv)
{
	long rounds = 0;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-m"))
			rounds = strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "-s"))
			rng ^= (uint64_t)strtoull(argv[i + 1], NULL, 10) * 0x9E3779B97F4A7C15ull;
		else
			break;
	}
	long execs = 0;
	for (; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			fprintf(stderr, "driver: cannot open '%s'\n", argv[i]);
			return 2;
		}
		size_t cap = 1 << 16;
		uint8_t *orig = malloc(cap), *b = malloc(cap + 1);
		size_t n = fread(orig, 1, cap, f);
		fclose(f);
		LLVMFuzzerTestOneInput(orig, n);
		execs++;
		for (long r = 0; r < rounds; r++) {
			size_t m = n;
			memcpy(b, orig, n);
			for (uint64_t k = 1 + next() % 4; k; k--)
				mutate(b, &m, cap);
			LLVMFuzzerTestOneInput(b, m);
			execs++;
		}
		free(orig);
		free(b);
	}
	printf("%ld executions\n", execs);
	return 0;
}
