/* journal_view: what `kdx show JOURNAL` prints -- a run's story from its journal, for people
 * (what happened to each step and what to do next) or as one JSON object. Writes to out;
 * allocates nothing the caller must free. */
#ifndef KDX_JOURNAL_VIEW_H
#define KDX_JOURNAL_VIEW_H
#include <stdbool.h>
#include <stdio.h>

#include "../executor/journal.h"

void kdx_journal_view_text(FILE *out, const char *path, const kdx_journal_state *st);
void kdx_journal_view_json(FILE *out, const char *path, const kdx_journal_state *st);

#endif
