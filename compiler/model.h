/* model: THE abstract world model (DESIGN.md section 2) and the interpreter of the primitive
 * effects of plan.h. One model serves the safety analyses, the simulator and `kdx plan`.
 * No clock and no I/O here. A kdx_model owns its arrays (kdx_model_release frees them);
 * it keeps a pointer to the plan it was made from, for names and sizes only. */
#ifndef KDX_MODEL_H
#define KDX_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "plan.h"

typedef struct kdx_model {
	const kdx_plan *plan;
	size_t nregions, nresources;
	/* per region */
	double *capacity;      /* percent of the full load the region can serve */
	bool *healthy;
	/* per traffic resource x region (row-major: [res * nregions + region]); rows of other
	 * classes stay 0 */
	double *weights;
	/* per database/cache resource */
	int32_t *writer;       /* region index, or -1 */
	bool *fenced;          /* [res * nregions + region]: writes stopped there */
	int64_t *lag_ms;       /* [res * nregions + region]: replication lag now (the simulator sets it) */
	/* per alarm resource */
	bool *alarm;
} kdx_model;

/* The state before any step: region capacity from the plan, everything healthy, each
 * traffic resource's weights from the regions' declared weights (or its "weights" map
 * attribute when it has one), writers from resource.writer, nothing fenced, no lag. */
void kdx_model_init_from_plan(kdx_model *m, const kdx_plan *p);
void kdx_model_release(kdx_model *m);
/* dst is initialised here (release it); src is unchanged. */
void kdx_model_copy(kdx_model *dst, const kdx_model *src);
bool kdx_model_equal(const kdx_model *a, const kdx_model *b);
/* A hash of the state consistent with kdx_model_equal (FNV-1a over the fields). */
uint64_t kdx_model_hash(const kdx_model *m);

/* Apply one effect. Returns 0 when the effect is valid in the current state; otherwise -1
 * with a one-line description of the violation in *why (appended), e.g. weights that do
 * not sum to 100 %, weight above a region's capacity, a promotion while the old writer
 * still takes writes, a gate that would not pass. The effect is applied either way (a
 * failed gate changes nothing), so a caller can keep going and collect more.
 * An undo that restores a snapshot (SET_WEIGHTS with weights NULL, SET_CAPACITY with
 * pct < 0) changes nothing here: the caller fills in the value it saw. */
int kdx_model_apply(kdx_model *m, const kdx_effect *e, strbuf *why);
/* Apply each effect in order; the first violation is described. Returns 0 or -1. */
int kdx_model_apply_all(kdx_model *m, const kdx_effect *e, size_t n, strbuf *why);

/* One line of what changed between two states of the same plan, parts joined by "; ":
 * "api weights 70/20/10 -> 0/90/10; us-west-2 capacity 60% -> 100%; db writer us-east-1 ->
 * us-west-2". Empty when nothing changed. */
void kdx_model_render_diff(strbuf *out, const kdx_model *before, const kdx_model *after);
/* The whole state on one line, e.g. "api 70/20/10; capacity 100/60/40; db writer us-east-1". */
void kdx_model_render(strbuf *out, const kdx_model *m);

/* Percent arithmetic tolerance: weights that sum to 100 +- this are fine. */
#define KDX_PCT_EPS 1e-6

#endif
