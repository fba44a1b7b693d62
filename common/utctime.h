/* utctime: the wall clock in UTC, formatted, for timestamps that leave the process (journal
 * records, run ids, lock holders). One definition instead of one per module. */
#ifndef KDX_UTCTIME_H
#define KDX_UTCTIME_H
#include <stddef.h>
#include <time.h>

/* Now, formatted with strftime's fmt into buf; returns the milliseconds of the second. */
static inline int kdx_utc_now(char *buf, size_t n, const char *fmt)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, n, fmt, &tm);
	return (int)(ts.tv_nsec / 1000000);
}

#endif
