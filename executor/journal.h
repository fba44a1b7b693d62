/* journal: the crash-safe, append-only record of one run (apply, then maybe resume or
 * rollback), one JSON object per line with a CRC32C, fsync'd on every append. Reading a
 * journal rebuilds what the run changed so another process (or machine) can resume or undo it.
 * The caller owns kdx_journal and kdx_journal_state; *_release() frees what they hold. */
#ifndef KDX_JOURNAL_H
#define KDX_JOURNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"
#include "store.h"

/* Record kinds (the "kind" field). A record names its step in "step" where it has one. */
#define KDX_J_RUN_START      "run_start"      /* command, runbook, env, sources, vars, steps */
#define KDX_J_RESUME         "resume"         /* a later process took the run over */
#define KDX_J_FORCE          "force"          /* reason: resumed although the program changed */
#define KDX_J_STEP_START     "step_start"     /* attempt */
#define KDX_J_STEP_SKIPPED   "step_skipped"   /* `when` false: counts as done for ordering */
#define KDX_J_APPROVAL       "approval"       /* approved, by */
#define KDX_J_INTENT         "intent"         /* phase, attempt, token: before a mutating request */
#define KDX_J_RESULT         "result"         /* phase, attempt, ok, error/output */
#define KDX_J_RECONCILE      "reconcile"      /* phase, happened: an in-doubt intent was resolved */
#define KDX_J_STEP_DONE      "step_done"      /* snapshot: what the undo needs */
#define KDX_J_STEP_FAILED    "step_failed"    /* error, policy */
#define KDX_J_ROLLBACK_START "rollback_start" /* reason */
#define KDX_J_UNDO_START     "undo_start"
#define KDX_J_UNDO_DONE      "undo_done"
#define KDX_J_UNDO_FAILED    "undo_failed"
#define KDX_J_UNDO_SKIPPED   "undo_skipped"   /* reason: irreversible / no undo */
#define KDX_J_DEADLINE       "deadline"       /* the RTO budget ran out */
#define KDX_J_STOP           "stop"           /* a stop condition fired */
#define KDX_J_PAUSED         "paused"
#define KDX_J_RUN_END        "run_end"        /* status, elapsed_ms */

typedef struct kdx_journal {
	kdx_store_run *run;  /* NULL when closed (or discarding) */
	const kdx_lease *lease; /* the writer's lease, carried by every append; NULL: unfenced */
	kdx_store *own_store;/* the file store kdx_journal_create/reopen opened, or NULL */
	char *path;          /* where the run is, for messages (kdx_store_describe) */
	uint64_t seq;        /* sequence number of the last record written */
	char **secrets;      /* registered secret strings (copies), never written */
	size_t nsecrets, asecrets;
	long crash_at;       /* test hook KDX_CRASH_AT: SIGKILL after this many records; 0 = off */
	long records;        /* records written by this process */
	long fsyncs;         /* fsyncs done (for benchmarks) */
	bool dirty;          /* records written since the last fsync */
	uint64_t off;        /* bytes of records: where the next record goes */
	bool discard;        /* kdx_journal_open_discard: count records, check secrets */
	/* the run's AWS requests (reqlog.h), taken into each record's "requests"; NULL: none
	 * (not owned) */
	struct kdx_reqlog *requests;
} kdx_journal;

void kdx_journal_init(kdx_journal *j);
/* Create a new run in store s with identity id (id->run_id is filled in when NULL), to be
 * written as the holder of lease (kept by the caller while the journal lives). */
int kdx_journal_create_in(kdx_journal *j, kdx_store *s, kdx_run_ident *id,
			  const kdx_lease *lease, strbuf *err);
/* Open run_id in store s to append after tail (the reader's verdict: kdx_journal_read_run). */
int kdx_journal_open_in(kdx_journal *j, kdx_store *s, const char *run_id,
			const kdx_store_tail *tail, const kdx_lease *lease, strbuf *err);
/* Create a new journal file in dir (created 0700 if missing) named
 * "<name>-<YYYYmmddTHHMMSSZ>-<pid>.jsonl", 0600, O_EXCL, and fsync the directory.
 * j->path holds the path afterwards. Reads KDX_CRASH_AT from the environment. */
int kdx_journal_create(kdx_journal *j, const char *dir, const char *name, strbuf *err);
/* A journal that checks every record (secrets, JSON) and keeps none: for kdx simulate and
 * dry runs, where nothing outside kdx changes and nothing may be written. */
void kdx_journal_open_discard(kdx_journal *j);
/* Reopen an existing journal to append to it (resume, rollback). A torn last record is cut
 * off first (state->valid_bytes from kdx_journal_read); the sequence continues. */
int kdx_journal_reopen(kdx_journal *j, const char *path, uint64_t last_seq,
		       uint64_t valid_bytes, strbuf *err);
/* Never let s reach the file: any record containing it (raw or JSON-escaped) is refused.
 * Strings shorter than KDX_JOURNAL_SECRET_MIN are not watched (they match by chance). */
#define KDX_JOURNAL_SECRET_MIN 8
void kdx_journal_add_secret(kdx_journal *j, const char *s);
/* Append one record: {"seq":N,"ts":"...","kind":KIND[,"step":STEP][,"data":DATA],"crc":"…"}.
 * data_json is a JSON value or NULL. kdx_journal_append() writes and fsyncs before returning;
 * kdx_journal_write() with sync false only writes: the record is safe from a crash of kdx
 * (it is in the page cache) and becomes durable against power loss with the next fsync --
 * which must come before anything the record announces is done (see kdx_journal_sync). */
int kdx_journal_append(kdx_journal *j, const char *kind, const char *step,
		       const char *data_json, strbuf *err);
int kdx_journal_write(kdx_journal *j, const char *kind, const char *step,
		      const char *data_json, bool sync, strbuf *err);
/* fsync records written without sync, if any; a no-op otherwise. */
int kdx_journal_sync(kdx_journal *j, strbuf *err);
/* Close and free; the file stays. */
void kdx_journal_release(kdx_journal *j);
/* Free without finishing the run (the copy of a journal a forked parent holds while the
 * child writes it). */
void kdx_journal_forget(kdx_journal *j);

/* CRC32C (Castagnoli) of n bytes, as the records carry it. */
uint32_t kdx_crc32c(const void *data, size_t n);

/* ---- reading ---- */

typedef enum kdx_jstep_state {
	KDX_JS_PENDING = 0, /* never started, or started without any change */
	KDX_JS_STARTED,     /* step_start seen, no intent: nothing was sent */
	KDX_JS_IN_DOUBT,    /* an intent without a result: reconcile against live state */
	KDX_JS_DONE,
	KDX_JS_FAILED,
	KDX_JS_SKIPPED,
} kdx_jstep_state;

typedef enum kdx_jundo_state {
	KDX_JU_NONE = 0,
	KDX_JU_STARTED,     /* undo_start without intent */
	KDX_JU_IN_DOUBT,    /* undo intent without result */
	KDX_JU_DONE,
	KDX_JU_FAILED,
	KDX_JU_SKIPPED,     /* irreversible or without undo: reported */
} kdx_jundo_state;

typedef struct kdx_jstep {
	char *name;
	kdx_jstep_state state;
	kdx_jundo_state undo;
	int attempts;        /* step_start records seen */
	bool approved;       /* an approval was journalled: not asked again on resume */
	char *approval_by;   /* whom the last approval record names (approvers, "; "-separated) */
	char *token;         /* idempotency token of the open (or last) intent */
	char *snapshot;      /* JSON from the intent or step_done, for the undo; or NULL */
	char *error;         /* last step_failed / undo_failed error */
} kdx_jstep;

typedef struct kdx_journal_state {
	char *command;       /* from run_start: "apply", ... */
	char *started_at;    /* run_start's ts (UTC): a resume counts its RTO from here */
	char *runbook;       /* path of the main source */
	char *name;          /* runbook name */
	char *env;
	char *run_id;
	char *meta;          /* JSON the caller stored in run_start (sources' hashes, vars) */
	kdx_jstep *steps;    /* in first-seen order */
	size_t nsteps, asteps;
	uint64_t last_seq;
	uint64_t nrecords;
	uint64_t valid_bytes; /* length of the file up to the last good record */
	bool torn_tail;      /* the last record was torn and is ignored */
	bool damaged;        /* the reader stopped at damage (the records before it are here) */
	bool rollback;       /* a rollback was started */
	bool rollback_due;   /* the run decided to roll back (failure, stop, deadline) */
	bool paused;
	bool ended;          /* run_end seen (a later resume/rollback clears it) */
	char *end_status;
} kdx_journal_state;

void kdx_journal_state_init(kdx_journal_state *st);
void kdx_journal_state_release(kdx_journal_state *st);
/* Read and verify a journal (name is for messages). Journals cannot lie: only a torn tail
 * -- the start of the next record, then nothing but zeros -- is ignored, with a warning in
 * warn (st->torn_tail) that the caller shows before anything acts. Anything else (a CRC
 * failure, a NUL byte or garbage before the end, a gap or repeat in sequence numbers) is
 * damage: -1, err says where and how to inspect it, st->damaged is set and st holds the
 * records before the damage (for kdx show). */
int kdx_journal_parse(const char *name, const char *buf, size_t n, kdx_journal_state *st,
		      strbuf *warn, strbuf *err);
/* kdx_journal_parse over a run in a store, or over a file. */
int kdx_journal_read_run(kdx_store *s, const char *run_id, kdx_journal_state *st,
			 strbuf *warn, strbuf *err);
int kdx_journal_read(const char *path, kdx_journal_state *st, strbuf *warn, strbuf *err);
kdx_jstep *kdx_journal_state_step(const kdx_journal_state *st, const char *name);
const char *kdx_jstep_state_name(kdx_jstep_state s);

#endif
