/* hash: the one hash of an address, for kdx's open-addressing tables keyed by pointer
 * (interned names, declarations, resource values, AST nodes, AWS shape definitions).
 * Masked by the caller: (kdx_hash_ptr(p) & (capacity - 1)). */
#ifndef KDX_HASH_H
#define KDX_HASH_H
#include <stddef.h>
#include <stdint.h>

/* The high bits folded down first (allocations differ there and in the middle, rarely in
 * the low three), then one multiplication by 2^64 / phi; the bits above the seventh of the
 * product carry both. */
static inline size_t kdx_hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 17;
	x *= 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 7);
}

#endif
