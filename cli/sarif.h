/* sarif: diagnostics as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange
 * Format), the input of GitHub code scanning and other reviewers' tools. One rule per
 * diagnostic code (a safety analysis, "syntax", "type", ...), one result per diagnostic
 * with its location; notes become related locations. Written with json-c. */
#ifndef KDX_SARIF_H
#define KDX_SARIF_H
#include "../common/strbuf.h"
#include "../compiler/compile.h"

typedef struct kdx_sarif kdx_sarif;

/* A log of one run of `kdx NAME` (validate or check). Owned by the caller. */
kdx_sarif *kdx_sarif_new(const char *command);
/* Add every diagnostic of d; the paths and positions come from src. */
void kdx_sarif_add(kdx_sarif *s, const kdx_diags *d, const kdx_sources *src);
/* The whole log, pretty-printed, ending in a newline; frees s. */
void kdx_sarif_finish(kdx_sarif *s, strbuf *out);

#endif
