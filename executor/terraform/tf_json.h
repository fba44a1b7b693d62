/* tf_json: Terraform's machine-readable output read into C structures: the `-json` UI stream
 * (one message per line: progress events and diagnostics), the state-lock holder named in a
 * lock diagnostic, `terraform show -json PLANFILE` summarised, and `terraform output -json`.
 * Everything returned is allocated in the arena the caller passes and lives as long as it.
 * Nothing here runs Terraform; see tf.h for that. */
#ifndef TF_JSON_H
#define TF_JSON_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/arena.h"
#include "../../common/strbuf.h"
#include "../../common/json.h"
#include "../../common/value.h"

typedef enum tf_event_kind {
	TF_EV_TEXT, /* not a Terraform JSON message: stderr text, or a command without -json */
	TF_EV_VERSION,
	TF_EV_LOG,
	TF_EV_DIAGNOSTIC,
	TF_EV_PLANNED_CHANGE,
	TF_EV_RESOURCE_DRIFT,
	TF_EV_CHANGE_SUMMARY,
	TF_EV_OUTPUTS,
	TF_EV_APPLY_START,
	TF_EV_APPLY_PROGRESS,
	TF_EV_APPLY_COMPLETE,
	TF_EV_APPLY_ERRORED,
	TF_EV_PROVISION_START,
	TF_EV_PROVISION_PROGRESS,
	TF_EV_PROVISION_COMPLETE,
	TF_EV_PROVISION_ERRORED,
	TF_EV_REFRESH_START,
	TF_EV_REFRESH_COMPLETE,
	TF_EV_INIT_OUTPUT,
	TF_EV_OTHER, /* a type this version of kdx does not know: kept, never an error */
} tf_event_kind;

/* A Terraform diagnostic. filename is NULL when Terraform gave no source range. */
typedef struct tf_diag {
	const char *severity;  /* "error" or "warning" */
	const char *summary;
	const char *detail;    /* may be "" */
	const char *address;   /* resource address, or NULL */
	const char *filename;  /* relative to Terraform's working directory */
	int line, col, end_line, end_col;
	const char *snippet_context; /* e.g. resource "terraform_data" "w"; may be NULL */
	const char *snippet_code;    /* the source line(s) */
	int snippet_start_line, highlight_start, highlight_end; /* byte offsets into code */
} tf_diag;

typedef struct tf_change_counts {
	int add, change, remove, import;
	const char *operation; /* "plan", "apply", "destroy" */
} tf_change_counts;

typedef struct tf_event {
	tf_event_kind kind;
	const char *type;      /* Terraform's own "type", or "text" */
	const char *level;     /* "@level": "info", "warn", "error"; "text" for TF_EV_TEXT */
	const char *message;   /* "@message", or the text line */
	const char *timestamp; /* "@timestamp" or NULL */
	const char *address;   /* resource address of change and hook messages, or NULL */
	const char *action;    /* "create", "update", "delete", "replace", "read", ... or NULL */
	const char *id_value;  /* apply_complete, refresh_*: the resource id, or NULL */
	const char *provisioner, *output; /* provision_* messages */
	double elapsed_seconds; /* apply_progress/complete/errored; -1 when absent */
	tf_change_counts changes; /* change_summary */
	tf_diag *diag;          /* diagnostic */
	const char *terraform_version, *ui_version; /* version */
} tf_event;

/* Read one line of `-json` output. Never fails: a line that is not a Terraform JSON message
 * becomes TF_EV_TEXT, so every line reaches the caller. */
void tf_json_parse_event(kdx_arena *a, const char *line, size_t len, tf_event *ev);
const char *tf_event_kind_name(tf_event_kind k);

/* file:line:col: severity: summary, then the source line with carets, then the detail.
 * dir (may be NULL or ".") is prefixed to the file name so the location works from the
 * caller's directory. */
void tf_diag_format(strbuf *sb, const tf_diag *d, const char *dir);

/* Who holds the state lock, from the "Error acquiring the state lock" diagnostic. */
typedef struct tf_lock_info {
	const char *id, *path, *operation, *who, *version, *created;
} tf_lock_info;
/* True (and *li filled, fields NULL when absent) when d is a state-lock diagnostic. */
bool tf_lock_parse(kdx_arena *a, const tf_diag *d, tf_lock_info *li);

/* `terraform show -json PLANFILE`, summarised to what kdx plan shows. */
typedef enum tf_action {
	TF_ACT_NOOP, TF_ACT_CREATE, TF_ACT_READ, TF_ACT_UPDATE, TF_ACT_DELETE, TF_ACT_REPLACE,
} tf_action;
const char *tf_action_name(tf_action a);

typedef struct tf_resource_change {
	const char *address;
	tf_action action;
} tf_resource_change;

typedef struct tf_plan_summary {
	tf_resource_change *changes; /* every change but no-ops, in Terraform's order */
	size_t n;
	int add, change, destroy, replace, read; /* add and destroy include replaces */
	int outputs_changed;
	const char *terraform_version;
} tf_plan_summary;

int tf_plan_summary_parse(kdx_arena *a, const char *json, size_t len, tf_plan_summary *s,
			  strbuf *err);
/* "  + terraform_data.a (create)" lines, then "Plan: 2 to add, 0 to change, 0 to destroy." */
void tf_plan_summary_format(strbuf *sb, const tf_plan_summary *s);
/* {"add","change","destroy","replace","read","outputs_changed","resource_changes":
 * [{"address","action"}]}: a new document (the caller frees it), or its text appended. */
kdx_json *tf_plan_summary_json(const tf_plan_summary *s);
void tf_plan_summary_to_json(strbuf *sb, const tf_plan_summary *s);

/* `terraform output -json`. Sensitive values are kept (a runbook may need them) but marked;
 * the printing functions below never write them. */
typedef struct tf_output {
	const char *name;
	kdx_value *value;
	bool sensitive;
} tf_output;

typedef struct tf_outputs {
	tf_output *items;
	size_t n;
} tf_outputs;

int tf_outputs_parse(kdx_arena *a, const char *json, size_t len, tf_outputs *o, strbuf *err);
/* A map of name → value; sensitive outputs are left out unless with_sensitive. */
kdx_value *tf_outputs_value(kdx_arena *a, const tf_outputs *o, bool with_sensitive);
/* {"name":{"sensitive":false,"value":...},"secret":{"sensitive":true}}: no sensitive value. */
kdx_json *tf_outputs_json(const tf_outputs *o);
void tf_outputs_to_json(strbuf *sb, const tf_outputs *o);
/* What kdx terraform -json prints for one event: {"type", "stream" (text lines) or "level",
 * "message", "address", "action", "elapsed_seconds", "changes", the diagnostic's
 * "severity", "summary", "detail", "filename", "line", "column"}; the caller frees it. */
kdx_json *tf_event_json(const tf_event *ev, int stream);

#endif
