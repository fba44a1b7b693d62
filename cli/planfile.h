/* planfile: what `kdx plan` shows and saves, and what `kdx apply PLANFILE` checks -- every
 * step in execution order with the world state before and after it (compiler/model.h,
 * with the live state read where the step's snapshot reads it), the requests it would send
 * (from the dry-run recorder, credentials redacted), its undo, its worst case and the RTO
 * budget. The plan file is JSON (format_version 1): the meta (runbook, vars, sources'
 * SHA-256), the observed state per step, the steps, the compiled program (plan IR), the source
 * texts, and last a digest over everything before it (docs/cli.md, "Plan files"). The caller
 * owns every struct here. */
#ifndef KDX_PLANFILE_H
#define KDX_PLANFILE_H
#include <stdbool.h>
#include <stdio.h>

#include "runbook.h"
#include "../common/json.h"

#define KDX_PLANFILE_FORMAT 1

typedef struct kdx_planfile {
	char *path;
	char *runbook;       /* the runbook it was made from */
	char *environment;   /* the environment it was made for, or NULL */
	char *meta;          /* JSON: runbook, vars, var_files, includes, sources */
	char *observed;      /* JSON: step -> snapshot read when the plan was made */
	char *program;       /* JSON: the compiled plan IR (compiler/plan_io.h) it was made from */
	void *holder;        /* json-c objects the option lists point into */
	kdx_arena arena;     /* plan's */
	kdx_plan *plan;      /* program as read (kdx_planfile_plan), or NULL */
} kdx_planfile;

void kdx_planfile_init(kdx_planfile *pf);
void kdx_planfile_release(kdx_planfile *pf);
/* Does path look like a plan file (a JSON object) rather than a runbook? */
bool kdx_planfile_is(const char *path);
/* Bind a plan document to what was reviewed (the file `kdx plan -out` writes): add the
 * sources it was made from (the compiled texts, the var files' contents) and end it with a
 * digest over every byte before it. */
int kdx_planfile_seal(const char *doc, const kdx_rb *r, const kdx_rb_opts *o, strbuf *out,
		      strbuf *err);
/* Read a plan file: its digest must match (an edited plan is refused), the sources it carries
 * must be the ones its meta names; fills o's -var/-var-file/-I lists from it (the caller
 * refuses those flags with a plan file). Prints errors. */
int kdx_planfile_read(kdx_planfile *pf, const char *path, kdx_rb_opts *o);
/* Refuse a stale or edited plan: a source changed, the program it carries is not what the
 * sources compile to now, the environment differs, or the live state differs
 * from what was observed -- every observation, both ways: a step that reads live state now
 * without an observation in the file is a refusal. Prints "plan is stale: ...". */
int kdx_planfile_check(const kdx_planfile *pf, kdx_rb *r);

/* The program the plan file carries, read back (compiler/plan_io.h) into pf->plan, and
 * made what r runs: r's runtime and real backend run pf->plan from now on, not the
 * recompiled r->fe.comp.plan -- what `kdx plan` showed is what apply sends. Call it after
 * kdx_planfile_check (which proved the program is what the sources compile to); the run
 * store comes from r's plan (the command line and the state analysis chose it, it is not
 * part of the program). pf must outlive r's run. Prints errors. */
int kdx_planfile_plan(kdx_planfile *pf, kdx_rb *r);

typedef struct kdx_planview {
	strbuf human;        /* the text kdx plan prints */
	strbuf json;         /* the plan document (-json / -out) */
	strbuf observed;     /* JSON object: step -> snapshot */
	bool changes;        /* some step changes something */
	/* the steps whose reads go out at once (-parallelism; kdx_planview_init: 10); 1: one
	 * step's reads after the other's */
	int parallelism;
} kdx_planview;

void kdx_planview_init(kdx_planview *v);
void kdx_planview_release(kdx_planview *v);
/* Read the live state (reads only) and describe every step. meta: kdx_rb_meta's JSON.
 * Returns 0, or -1 with err (a read failed). */
int kdx_planview_build(kdx_planview *v, kdx_rb *r, const char *meta, bool color, strbuf *err);
/* The field-level diff of one step of a plan document (its "diff" and "undo_check"), as
 * kdx plan prints it, each line starting with pad: kdx plan, kdx show and -format md say
 * the same. */
void kdx_plan_diff_text(strbuf *h, const kdx_json *step, const char *pad);
/* Print the human plan of r (for apply's confirmation). */
void kdx_planfile_print(kdx_rb *r, FILE *out, bool color);

#endif
