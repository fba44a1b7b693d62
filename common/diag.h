/* diag: located diagnostics (errors, warnings, notes, hints) collected during a
 * compilation and rendered at the top, as text with carets or as JSON.
 * A kdx_diags owns its messages. */
#ifndef KDX_DIAG_H
#define KDX_DIAG_H
#include <stdbool.h>

#include "source.h"

typedef enum kdx_severity { KDX_ERROR, KDX_WARNING, KDX_NOTE } kdx_severity;

typedef struct kdx_note {
	kdx_span span; /* span.end == 0 && span.start == 0 && no file: unlocated */
	bool located;
	char *msg;
} kdx_note;

typedef struct kdx_diag {
	kdx_severity sev;
	kdx_span span;
	bool located;
	char *code;    /* short id of the check, e.g. "syntax", "traffic"; may be NULL */
	char *msg;
	char *hint;    /* may be NULL */
	kdx_note *notes;
	size_t nnotes, anotes;
} kdx_diag;

typedef struct kdx_diags {
	kdx_diag *items;
	size_t n, alloc;
	size_t nerrors, nwarnings;
} kdx_diags;

void kdx_diags_init(kdx_diags *d);
void kdx_diags_release(kdx_diags *d);

/* Add a diagnostic; the returned pointer is valid until the next add. */
kdx_diag *kdx_diag_add(kdx_diags *d, kdx_severity sev, const char *code, kdx_span span,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same, with no source location (e.g. a missing file named on the command line). */
kdx_diag *kdx_diag_add_unlocated(kdx_diags *d, kdx_severity sev, const char *code,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void kdx_diag_note(kdx_diag *g, kdx_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kdx_diag_note_unlocated(kdx_diag *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kdx_diag_hint(kdx_diag *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sort by file then position (stable), so output order does not depend on pass order. */
void kdx_diags_sort(kdx_diags *d);

/* file:line:col: error: message, the source line, carets under the span, notes, hint. */
void kdx_diags_render(strbuf *out, const kdx_diags *d, const kdx_sources *src, bool color);
/* One JSON object per diagnostic, one per line. */
void kdx_diags_render_json(strbuf *out, const kdx_diags *d, const kdx_sources *src);

#endif
