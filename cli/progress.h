/* progress: the two renderers of executor events -- human lines (colour on a terminal unless
 * NO_COLOR) and -json (one object per line, for CI). The caller owns kdx_progress and the
 * FILE it writes to; nothing is allocated. */
#ifndef KDX_PROGRESS_H
#define KDX_PROGRESS_H
#include <stdbool.h>
#include <stdio.h>

#include "../compiler/plan.h"
#include "../executor/events.h"

typedef struct kdx_progress {
	FILE *out;
	bool json;
	bool color;
} kdx_progress;

void kdx_progress_init(kdx_progress *p, FILE *out, bool json, bool color);
kdx_event_sink kdx_progress_sink(kdx_progress *p);
/* The sink's emit function: render one event and flush. */
void kdx_progress_emit(void *ctx, const kdx_event *ev);
/* "4.2s" under a minute, else "3m07s", "1h02m". */
void kdx_progress_time(strbuf *sb, int64_t ms);

/* Interactive approval on a terminal: the scheduler's kdx_approve_fn (via
 * kdx_approvals.ask) with a kdx_prompt as ctx. Only "yes" approves. */
typedef struct kdx_prompt {
	FILE *in, *out;
	const char *who;     /* recorded in the journal as the approver, e.g. the user name */
} kdx_prompt;
int kdx_prompt_approval(void *ctx, const kdx_step *st, strbuf *by);

#endif
