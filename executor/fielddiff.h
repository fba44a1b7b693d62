/* fielddiff: the field-level diff `kdx plan` shows for each step (issue #14) -- which fields
 * of which AWS object the step's requests change, before -> after. Read-modify-write
 * actions read the complete state of what they write and send it back with only their own
 * fields changed, so the diff needs no per-action code: every read response and every
 * mutating request of a dry run are captured (kdx_interp.capture), each map in a request is
 * aligned with the read object it restates (same identity: a name, id or ARN), and the
 * fields whose value the request changes are the diff; every other field of the object is
 * counted as unchanged. Values captured live in the interpreter's arena: diff them before
 * kdx_interp_reset. The caller owns the capture and every kdx_json here. */
#ifndef KDX_FIELDDIFF_H
#define KDX_FIELDDIFF_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/json.h"
#include "../common/value.h"

typedef struct kdx_capture_item {
	const char *service, *op, *region; /* region: NULL for the client's default */
	const kdx_value *v;                /* a read's result, or a request's input */
} kdx_capture_item;

typedef struct kdx_capture {
	kdx_capture_item *reads, *writes;
	size_t nreads, nwrites, areads, awrites;
} kdx_capture;

void kdx_capture_init(kdx_capture *c);
void kdx_capture_release(kdx_capture *c);
/* Forget what was captured (the values belong to the interpreter's arena). */
void kdx_capture_reset(kdx_capture *c);
void kdx_capture_add(kdx_capture *c, bool write, const char *service, const char *op,
		     const char *region, const kdx_value *v);

/* Diff the captured writes against the captured reads; push one entry per object a request
 * restates onto out (a JSON array):
 *   { "request": "autoscaling UpdateAutoScalingGroup", "region": "us-west-2" | null,
 *     "object": "AutoScalingGroupName=web",
 *     "fields": [ { "field": "MinSize", "before": 2, "after": 4, "predicted": false } ],
 *     "unchanged": 17, "predicted": false }
 * and one with "object": null and no fields for a request that restates no object it read.
 * predicted (a JSON object, may be NULL): the world as earlier steps of the plan leave it,
 * "region object" -> { field -> JSON text of its value }. A field an earlier step changes
 * takes its before from there (marked predicted); this diff's afters are recorded there.
 * With predicted NULL the befores are what was read: for an undo, the fields where what it
 * would put back is not what is live now. Returns how many fields change. */
size_t kdx_fdiff(const kdx_capture *c, kdx_json *predicted, kdx_json *out);

#endif
