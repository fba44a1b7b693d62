/* report: the evidence of a run, for a ticket, an auditor or CI. kdx_report_collect reads
 * a journal (every record, in order) and predicts each step's time the way `kdx simulate`
 * draws it (seed 1, fault-free, from the runbook the journal names); the renderers only
 * format what was collected: Markdown, JSON (json-c), an SVG timeline of predicted and
 * actual bars, JUnit with one test case per step. What the journal does not record is
 * said to be unknown, never guessed. The caller owns the kdx_report. */
#ifndef KDX_REPORT_H
#define KDX_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "../executor/store.h"

typedef struct kdx_report_step {
	char *name;
	int64_t predicted_ms;    /* -1: no prediction (the runbook did not compile) */
	int64_t start_ms;        /* first step_start, from the run's start; -1: never started */
	int64_t actual_ms;       /* step_done's duration; -1: not done */
	int attempts;
	char *state;             /* done, failed, skipped, pending, in doubt */
	char *undo;              /* undone, undo failed, not undone (irreversible/no undo), or NULL */
	char *error;             /* the last failure, or NULL */
	char *approved_by;       /* NULL: no approval journalled */
	bool approved;
	int mutating_requests;   /* intents journalled (each announced one mutating request) */
} kdx_report_step;

/* One AWS call of the run, as the journal's "requests" keep it (executor/reqlog.h):
 * redacted by construction -- no header, query, body or credential was ever recorded. */
typedef struct kdx_report_request {
	char *at;                /* the ts of the record that carried it (answered before) */
	char *step;              /* NULL: a gate, read-back or stop condition */
	char *method, *service, *operation, *region, *error;
	long status;             /* 0: no answer */
	int attempts;
	int64_t ms;
	bool mutating;
} kdx_report_request;

typedef struct kdx_report {
	char *journal, *runbook, *name, *env, *mode, *run_id, *started_at, *commands, *status;
	int64_t rto_ms;          /* the objective; 0: none */
	int64_t elapsed_ms;      /* the first run_end's elapsed (the apply itself); -1: none */
	bool has_rpo;
	int64_t rpo_ms;
	/* The achieved RPO: the replication lag the lag gate read before the step it guards
	 * changed anything (the promotion), the worst over such gates; -1 with rpo_note saying
	 * why it was not measured. */
	int64_t rpo_achieved_ms;
	char *rpo_note;          /* how it was measured, or why not */
	kdx_report_request *requests;
	size_t nrequests;
	char *prediction_note;   /* why there is no prediction, or NULL */
	kdx_report_step *steps;
	size_t nsteps;
	char **stops;            /* stop conditions (alarms) that fired */
	size_t nstops;
	char **rollbacks;        /* rollback reasons */
	size_t nrollbacks;
} kdx_report;

/* Read the journal at path; -1 with err when it cannot be read. */
int kdx_report_collect(kdx_report *r, const char *path, strbuf *err);
/* The same over a journal's text (a run read from any store, kdx_store_read); name is for
 * messages and the report's "journal"; the runbook is looked for as recorded, then under
 * base_dir (NULL: as recorded only). */
int kdx_report_collect_text(kdx_report *r, const char *name, const char *text, size_t len,
			    const char *base_dir, strbuf *err);
void kdx_report_release(kdx_report *r);

/* Write the report of run_id into its store beside its records, as the documents
 * "report.md" and "report.json" (a file store: NAME.report.md and NAME.report.json beside
 * NAME.jsonl; S3: reports/RUN/...; DynamoDB: items "report#RUN") -- the end of every
 * apply, resume and rollback, so that kdx report finds them from any machine. -1 with err
 * on failure. */
int kdx_report_into_store(kdx_store *s, const char *run_id, strbuf *err);
/* kdx_report_into_store, with a warning on stderr when it fails: a run is not failed by
 * its report. */
void kdx_report_after_run(kdx_store *s, const char *run_id);

void kdx_report_md(strbuf *out, const kdx_report *r);
void kdx_report_json(strbuf *out, const kdx_report *r);
void kdx_report_svg(strbuf *out, const kdx_report *r);
void kdx_report_junit(strbuf *out, const kdx_report *r);

#endif
