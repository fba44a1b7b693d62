/* svg: the Gantt chart of a simulated run. Coordinates are integers so the same run gives
 * the same bytes. */
#include "svg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define LEFT 200
#define WIDTH 900
#define ROW 22
#define TOP 50

static void esc(strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

static int64_t x_of(int64_t t, int64_t span)
{
	return LEFT + t * WIDTH / span;
}

static void axis(strbuf *o, int64_t span, int64_t bottom)
{
	static const int64_t steps[] = { 1000, 5000, 10000, 30000, 60000, 120000, 300000, 600000,
					 900000, 1800000, 3600000, 7200000 };
	int64_t tick = steps[0];
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && span / steps[i] > 10; i++)
		tick = i + 1 < sizeof(steps) / sizeof(steps[0]) ? steps[i + 1] : steps[i];
	for (int64_t t = 0; t <= span; t += tick) {
		int64_t x = x_of(t, span);
		strbuf_addf(o, "<line x1=\"%" PRId64 "\" y1=\"%d\" x2=\"%" PRId64 "\" y2=\"%" PRId64
			       "\" stroke=\"#ddd\"/>\n", x, TOP - 5, x, bottom);
		strbuf_addf(o, "<text x=\"%" PRId64 "\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">",
			    x, TOP - 10);
		if (t >= 60000)
			strbuf_addf(o, "%" PRId64 "m%02" PRId64 "s", t / 60000, t / 1000 % 60);
		else
			strbuf_addf(o, "%" PRId64 "s", t / 1000);
		strbuf_addstr(o, "</text>\n");
	}
}

static void vline(strbuf *o, int64_t t, int64_t span, int64_t bottom, const char *color,
		  const char *label)
{
	int64_t x = x_of(t, span);
	strbuf_addf(o, "<line x1=\"%" PRId64 "\" y1=\"%d\" x2=\"%" PRId64 "\" y2=\"%" PRId64
		       "\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6,3\"/>\n",
		    x, TOP - 5, x, bottom, color);
	strbuf_addf(o, "<text x=\"%" PRId64 "\" y=\"%" PRId64 "\" font-size=\"11\" fill=\"%s\">",
		    x + 3, bottom + 14, color);
	esc(o, label);
	strbuf_addstr(o, "</text>\n");
}

void kdx_svg_render(strbuf *o, const kdx_plan *p, const kdx_sim_result *r, const char *title)
{
	int64_t span = r->end_ms > 0 ? r->end_ms : 1000;
	if (p->has_rto && p->rto_ms > span && p->rto_ms < 4 * span)
		span = p->rto_ms;
	span += span / 20 + 1;
	int64_t bottom = TOP + (int64_t)p->nsteps * ROW;
	strbuf_addf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%" PRId64
		       "\" font-family=\"sans-serif\">\n",
		    LEFT + WIDTH + 40, bottom + 40);
	strbuf_addstr(o, "<defs><pattern id=\"undo\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
			 "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f0c36d\"/>"
			 "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#8a6d1f\" stroke-width=\"2\"/>"
			 "</pattern></defs>\n");
	strbuf_addstr(o, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">");
	esc(o, p->name ? p->name : "runbook");
	strbuf_addstr(o, ": ");
	esc(o, title);
	strbuf_addf(o, " (%s)</text>\n", kdx_run_status_name(r->run.status));
	axis(o, span, bottom);
	for (size_t i = 0; i < p->nsteps; i++) {
		int64_t y = TOP + (int64_t)i * ROW;
		strbuf_addf(o, "<text x=\"%d\" y=\"%" PRId64 "\" font-size=\"12\" text-anchor=\"end\">",
			    LEFT - 8, y + 15);
		esc(o, p->steps[i].name);
		strbuf_addstr(o, "</text>\n");
	}
	for (size_t k = 0; k < r->nbars; k++) {
		const kdx_sim_bar *b = &r->bars[k];
		int64_t y = TOP + (int64_t)b->step * ROW + 3;
		int64_t x0 = x_of(b->start_ms, span), x1 = x_of(b->end_ms, span);
		const char *fill = b->phase == KDX_PHASE_UNDO ? "url(#undo)"
				   : b->end == KDX_BAR_OK   ? "#4a90d9"
				   : b->end == KDX_BAR_FAILED ? "#d0021b"
							      : "#7f0000";
		strbuf_addf(o, "<rect x=\"%" PRId64 "\" y=\"%" PRId64 "\" width=\"%" PRId64
			       "\" height=\"%d\" fill=\"%s\" stroke=\"%s\"><title>",
			    x0, y, x1 - x0 > 2 ? x1 - x0 : 2, ROW - 6, fill,
			    b->end == KDX_BAR_OK ? "#333" : "#d0021b");
		esc(o, p->steps[b->step].name);
		strbuf_addf(o, " %s attempt %d: %" PRId64 "ms .. %" PRId64 "ms%s</title></rect>\n",
			    b->phase == KDX_PHASE_UNDO ? "undo" : "do", b->attempt, b->start_ms,
			    b->end_ms,
			    b->end == KDX_BAR_FAILED ? " failed" : b->end == KDX_BAR_TIMED_OUT ? " timed out" : "");
	}
	if (p->has_rto)
		vline(o, p->rto_ms, span, bottom, "#999", "objective RTO");
	if (r->recovered)
		vline(o, r->rto_ms, span, bottom, "#2e7d32", "achieved RTO");
	strbuf_addstr(o, "</svg>\n");
}

int kdx_svg_write(const char *path, const kdx_plan *p, const kdx_sim_result *r,
		  const char *title, strbuf *err)
{
	strbuf o = STRBUF_INIT;
	kdx_svg_render(&o, p, r, title);
	FILE *f = fopen(path, "w");
	int rc = 0;
	if (!f || fwrite(o.buf, 1, o.len, f) != o.len) {
		strbuf_addf(err, "cannot write the timeline '%s': %s", path, strerror(errno));
		rc = -1;
	}
	if (f && fclose(f) != 0 && rc == 0) {
		strbuf_addf(err, "cannot write the timeline '%s': %s", path, strerror(errno));
		rc = -1;
	}
	strbuf_release(&o);
	return rc;
}
