/* svg: kdx simulate -timeline FILE.svg -- a Gantt chart of one simulated run: a row per step,
 * a bar per attempt on the virtual clock (undo bars hatched, failures red, timeouts dark
 * red), the achieved RTO and the objective as vertical lines. Writes the file directly. */
#ifndef KDX_SVG_H
#define KDX_SVG_H
#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "sim.h"

/* Render into out (the whole document). */
void kdx_svg_render(strbuf *out, const kdx_plan *p, const kdx_sim_result *r, const char *title);
/* Render and write to path. Returns 0, or -1 with err filled. */
int kdx_svg_write(const char *path, const kdx_plan *p, const kdx_sim_result *r,
		  const char *title, strbuf *err);

#endif
