/* monotime: milliseconds on the monotonic clock, for deadlines and elapsed times (never
 * for timestamps that leave the process). One definition instead of one per module. */
#ifndef KDX_MONOTIME_H
#define KDX_MONOTIME_H
#include <stdint.h>
#include <time.h>

static inline int64_t kdx_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
