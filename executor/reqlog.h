/* reqlog: every AWS request a run makes, for the evidence report (issue #18.1). The
 * interpreters (worker threads and the scheduler's own) add one entry per call as it
 * answers; the journal takes what has accumulated into the next record it writes (its
 * "requests" member), so a request is durable with the record that follows it -- the
 * attempt's result, a reconcile, a step's end, at the latest run_end.
 *
 * An entry is redacted by construction: it holds method, service, operation, region, the
 * HTTP status (0: no answer), the AWS error code, attempts and duration, and never a
 * header, a URL query, a body or a credential. */
#ifndef KDX_REQLOG_H
#define KDX_REQLOG_H
#include <pthread.h>
#include <stdint.h>

#include "../common/json.h"

typedef struct kdx_reqlog {
	pthread_mutex_t mu;
	kdx_json *pending; /* array of entries not yet journalled; NULL when empty */
	kdx_json *observed;/* array of observations (kdx_reqlog_observe) not yet journalled */
} kdx_reqlog;

/* What one call did; strings may be NULL (left out). */
typedef struct kdx_reqlog_entry {
	const char *step;      /* the step it ran for; NULL: a gate, check or stop condition */
	const char *method, *service, *operation, *region;
	long status;           /* the last answer's HTTP status; 0: none arrived */
	const char *error;     /* the AWS error code, or NULL */
	int attempts;          /* HTTP attempts (retries included) */
	int64_t ms;            /* wall time of the call, retries included */
	int mutating;          /* 1: a change (announced by an intent) */
} kdx_reqlog_entry;

void kdx_reqlog_init(kdx_reqlog *rl);
void kdx_reqlog_release(kdx_reqlog *rl);
/* Thread-safe; rl NULL is fine (nothing kept). */
void kdx_reqlog_add(kdx_reqlog *rl, const kdx_reqlog_entry *e);
/* The entries added since the last take (the caller owns the array), or NULL. */
kdx_json *kdx_reqlog_take(kdx_reqlog *rl);
/* A value a gate read from the world that the evidence needs (the replication lag at a lag
 * gate: the achieved RPO, issue #18.2), journalled as the record's "observed"; takes o. */
void kdx_reqlog_observe(kdx_reqlog *rl, kdx_json *o);
/* The observations since the last take (the caller owns the array), or NULL. */
kdx_json *kdx_reqlog_take_observed(kdx_reqlog *rl);
/* Put entries (observations) back in front (a record that could not be written). Takes a. */
void kdx_reqlog_untake(kdx_reqlog *rl, kdx_json *a);
void kdx_reqlog_untake_observed(kdx_reqlog *rl, kdx_json *a);

#endif
