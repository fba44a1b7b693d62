/* store: where runs live -- the seam between the scheduler and durable storage, in the
 * spirit of Redis's rio and git's ref_storage_be. A store holds runs (an identity and an
 * append-only sequence of journal records), lease locks, and approval records. The journal
 * (journal.h) formats and verifies records; a store only keeps their bytes, in order, and
 * never lets two writers both write record N.
 *
 * Implementations: file (a directory: today's durability), discard (simulate, dry runs:
 * nothing is kept). S3 and DynamoDB plug in behind the same table (docs/executor.md, "Store
 * seam"): nothing above this header knows which one it talks to.
 *
 * Ownership: the kdx_store_open functions returns a store the caller frees with kdx_store_free();
 * a kdx_store_run is closed with kdx_store_run_close(); kdx_run_ident, kdx_lease and
 * kdx_run_list are caller-owned structs with init and release functions. All functions return 0 on
 * success and -1 (err says what, where, and what to do) on failure; append also returns
 * KDX_STORE_CONFLICT. */
#ifndef KDX_STORE_H
#define KDX_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/strbuf.h"

/* append: record N already exists (another writer got there first), or the lease's fencing
 * token is no longer the lock's current one. The caller must stop writing: it is no longer
 * the run's writer. */
#define KDX_STORE_CONFLICT (-2)

/* A run's identity, fixed when the run is created and checked whenever it is opened
 * (kdx_run_ident_check): resume/rollback/show of runbook X never touch a run of runbook Y.
 * Every field is an owned string or NULL. */
typedef struct kdx_run_ident {
	char *run_id;         /* unique in the store: "<key>-<YYYYmmddTHHMMSSZ>-<pid>[-n]" */
	char *key;            /* runbook key (file name without ".kdx"): runs and locks are
				 listed per key and environment */
	char *runbook;        /* the runbook's declared name */
	char *path;           /* the main source as it was given */
	char *env;            /* environment ("default" when the runbook has none) */
	char *program_digest; /* sha256 over the compiled sources (kdx_rb_meta) */
	char *vars_digest;    /* sha256 over -var values and var-file contents */
	char *created_by;     /* user */
	char *created_on;     /* host */
	char *created_at;     /* UTC, ISO 8601 */
} kdx_run_ident;

void kdx_run_ident_init(kdx_run_ident *id);
void kdx_run_ident_release(kdx_run_ident *id);
/* Fill created_by/on/at from this process (user, host, now). */
void kdx_run_ident_stamp(kdx_run_ident *id);
/* The run a caller wants (want: key, env; NULL fields are not compared) against the run it
 * found (got). 0 when they match; else -1 with err naming both runs and what differs. */
int kdx_run_ident_check(const kdx_run_ident *want, const kdx_run_ident *got, strbuf *err);

/* A lease lock: one writer per runbook key and environment at a time. A lease has a holder,
 * an expiry (0: until released -- a local flock dies with its process) and a fencing token
 * that strictly increases each time the lock changes hands; every append carries the
 * writer's lease so a store can refuse a writer whose lease was taken over. */
typedef struct kdx_lease {
	char *name;           /* "<key>-<env>" */
	char *command;        /* "kdx apply", ... */
	char *host, *user;
	char *identity;       /* shared stores: the holder's AWS caller identity (ARN) */
	long pid;
	char *since;          /* UTC, ISO 8601 */
	int64_t expires_ms;   /* Unix ms; 0 = held until released */
	uint64_t token;       /* fencing token */
	long stale_pid;       /* take: a dead holder on this host was taken over; else 0 */
	int fd;               /* file store: the flock'd descriptor; -1 otherwise */
	void *impl;           /* other stores' handle */
} kdx_lease;

void kdx_lease_init(kdx_lease *l);
void kdx_lease_release(kdx_lease *l);

typedef enum kdx_lease_liveness {
	KDX_LEASE_ALIVE = 0, /* held (flock held, or not expired) */
	KDX_LEASE_STALE,     /* its holder is dead or its lease expired */
	KDX_LEASE_UNKNOWN,   /* another host holds it and we cannot tell */
} kdx_lease_liveness;

/* The runs of one key in a store, newest first. */
typedef struct kdx_run_list {
	kdx_run_ident *v;
	size_t n, alloc;
} kdx_run_list;

void kdx_run_list_init(kdx_run_list *l);
void kdx_run_list_release(kdx_run_list *l);

/* Where appending resumes in an existing run: the reader's verdict (journal.h). */
typedef struct kdx_store_tail {
	uint64_t last_seq;    /* the last good record */
	uint64_t valid_bytes; /* bytes up to it, in the store's read() stream */
} kdx_store_tail;

typedef struct kdx_store kdx_store;
typedef struct kdx_store_run kdx_store_run;

/* A list of owned strings (the seam's own: executor/ does not depend on cli/). */
typedef struct kdx_names {
	char **v;
	size_t n, alloc;
} kdx_names;
void kdx_names_add(kdx_names *l, const char *s);
void kdx_names_release(kdx_names *l);

typedef struct kdx_store_ops {
	const char *scheme; /* "file", "discard", "s3", "dynamodb" */

	/* Create a new, empty run. id->run_id is assigned when NULL (the store makes it
	 * unique); a run with that id must not exist yet (exclusive create). */
	int (*create)(kdx_store *s, kdx_run_ident *id, kdx_store_run **out, strbuf *err);
	/* Open an existing run to append after tail (a torn last record past
	 * tail->valid_bytes is cut first, by a store that can have one). */
	int (*open)(kdx_store *s, const char *run_id, const kdx_store_tail *tail,
		    kdx_store_run **out, strbuf *err);
	/* Append record seq (one line, '\n'-terminated, len bytes) as the holder of lease.
	 * seq must be the last appended + 1. Conditional: KDX_STORE_CONFLICT if record seq
	 * exists or the lease was taken over -- never two records N. With sync false the
	 * record survives a crash of kdx but may be lost to a power cut until sync(). */
	int (*append)(kdx_store_run *r, const kdx_lease *lease, uint64_t seq, const char *rec,
		      size_t len, bool sync, strbuf *err);
	/* Make every appended record durable. */
	int (*sync)(kdx_store_run *r, strbuf *err);
	/* Close (the run stays in the store). */
	void (*close)(kdx_store_run *r);
	/* The run's records as one stream of lines in sequence order, at most max records
	 * (0: all). A gap or damage is left for the journal reader to find. */
	int (*read)(kdx_store *s, const char *run_id, size_t max, strbuf *out, strbuf *err);
	/* The ids of every run whose id starts with "<key>-" (the caller checks identities;
	 * keys may share prefixes: "fo" and "fo-eu"). */
	int (*list)(kdx_store *s, const char *key, kdx_names *ids, strbuf *err);
	/* Where a human can look at the run ("'.kdx/fo-….jsonl'", "s3://b/runs/ID/"). */
	void (*describe)(kdx_store *s, const char *run_id, strbuf *out);

	/* Take lock name for l->command (filled in by the caller); never waits: if it is held,
	 * err names the holder and what to do. A dead holder on this host (or an expired
	 * lease) is taken over and l->stale_pid says whose. ttl_ms 0: until released. */
	int (*lock_take)(kdx_store *s, const char *name, int64_t ttl_ms, kdx_lease *l,
			 strbuf *err);
	/* Extend an expiring lease; KDX_STORE_CONFLICT if it was taken over meanwhile. */
	int (*lock_renew)(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err);
	/* Give the lock up (only if l still holds it); safe on a lease that is not held. */
	void (*lock_release)(kdx_store *s, kdx_lease *l);
	/* Read the holder of lock name into l (not taking it); -1 when there is none. */
	int (*lock_read)(kdx_store *s, const char *name, kdx_lease *l, strbuf *err);
	kdx_lease_liveness (*lock_check)(kdx_store *s, const char *name, const kdx_lease *l);
	/* Remove somebody else's lock (kdx unlock, after confirmation). */
	int (*lock_break)(kdx_store *s, const char *name, strbuf *err);

	/* An approval of step in run_id by whom, kept outside the journal so another person
	 * (another machine) can approve a waiting run; put is idempotent. */
	int (*approval_put)(kdx_store *s, const char *run_id, const char *step, const char *by,
			    strbuf *err);
	/* The steps approved for run_id, and by whom ("step\tby" per item). */
	int (*approval_list)(kdx_store *s, const char *run_id, kdx_names *out, strbuf *err);

	/* A document of a run kept beside its records under a plain name: its evidence report
	 * ("report.md", "report.json"), written at the end of every apply, resume and rollback
	 * so that kdx report finds it from any machine. put replaces; get returns 1 when there
	 * is none. NULL in a store that keeps none (discard). */
	int (*doc_put)(kdx_store *s, const char *run_id, const char *name, const char *body,
		       size_t len, strbuf *err);
	int (*doc_get)(kdx_store *s, const char *run_id, const char *name, strbuf *out,
		       strbuf *err);

	void (*free)(kdx_store *s);
} kdx_store_ops;

/* Each implementation embeds these as its first member. */
struct kdx_store {
	const kdx_store_ops *ops;
	char *identity; /* kdx_store_set_identity: the runner's AWS identity for lock holders */
};
struct kdx_store_run {
	kdx_store *store;
	char *run_id;
	bool abandon; /* close without finishing (a forked parent's copy): touch nothing */
};

/* The operations, through the table (what the scheduler, the journal and cli/ call). */
int kdx_store_create(kdx_store *s, kdx_run_ident *id, kdx_store_run **out, strbuf *err);
int kdx_store_open(kdx_store *s, const char *run_id, const kdx_store_tail *tail,
		   kdx_store_run **out, strbuf *err);
int kdx_store_append(kdx_store_run *r, const kdx_lease *lease, uint64_t seq, const char *rec,
		     size_t len, bool sync, strbuf *err);
int kdx_store_sync(kdx_store_run *r, strbuf *err);
void kdx_store_run_close(kdx_store_run *r);
int kdx_store_read(kdx_store *s, const char *run_id, size_t max, strbuf *out, strbuf *err);
void kdx_store_describe(kdx_store *s, const char *run_id, strbuf *out);
int kdx_store_lock_take(kdx_store *s, const char *name, const char *command, int64_t ttl_ms,
			kdx_lease *l, strbuf *err);
int kdx_store_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err);
void kdx_store_lock_release(kdx_store *s, kdx_lease *l);
int kdx_store_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err);
kdx_lease_liveness kdx_store_lock_check(kdx_store *s, const char *name, const kdx_lease *l);
int kdx_store_lock_break(kdx_store *s, const char *name, strbuf *err);
int kdx_store_approval_put(kdx_store *s, const char *run_id, const char *step, const char *by,
			   strbuf *err);
int kdx_store_approval_list(kdx_store *s, const char *run_id, kdx_names *out, strbuf *err);
/* Step names, run ids and document names that may become part of a key or a file name:
 * not empty, no '/', '\\', tab or newline, no leading '.'. */
bool kdx_store_plain_name(const char *s);
/* put: 0 also in a store that keeps no documents; get: 1 when there is none. */
int kdx_store_doc_put(kdx_store *s, const char *run_id, const char *name, const char *body,
		      size_t len, strbuf *err);
int kdx_store_doc_get(kdx_store *s, const char *run_id, const char *name, strbuf *out,
		      strbuf *err);


/* A directory (created 0700 when first written): runs are "<dir>/<run_id>.jsonl", locks
 * "<dir>/<name>.lock" (O_EXCL + flock), fencing counters "<dir>/<name>.fence", approvals
 * "<dir>/<run_id>.approvals/<step>", documents "<dir>/<run_id>.<name>". */
kdx_store *kdx_store_open_file(const char *dir);
/* Keeps nothing: create/open/append succeed, read finds nothing, locks are always free. */
kdx_store *kdx_store_open_discard(void);
void kdx_store_free(kdx_store *s);
/* The runner's AWS identity (an ARN, or "unknown"), written into every lock this store
 * takes so that a second run names it as the holder's. The S3 and DynamoDB stores ask STS
 * themselves; the file store knows only what it is told here. */
void kdx_store_set_identity(kdx_store *s, const char *arn);
/* The file store's directory, or NULL for another store. */
const char *kdx_store_file_dir(const kdx_store *s);
/* -lock-timeout for a file store: a lock a live run holds is looked at again every second
 * for up to ms before lock_take fails naming the holder. 0 (the default): fail at once. */
void kdx_store_file_set_lock_timeout(kdx_store *s, int64_t ms);

/* Read the identity of a run from its first record (run_start); -1 when the run has none
 * (empty, or damaged at its start). */
int kdx_store_run_ident(kdx_store *s, const char *run_id, kdx_run_ident *id, strbuf *err);
/* The runs of want->key (and want->env when set) whose identity matches, newest first:
 * runs of other runbooks that share the prefix ("fo" and "fo-eu") are never listed. */
int kdx_store_list_runs(kdx_store *s, const kdx_run_ident *want, kdx_run_list *out,
			strbuf *err);
/* A new run id for key: "<key>-<YYYYmmddTHHMMSSZ>-<pid>", with "-n" for the n-th this
 * process made in the same second -- made before the run is created so that the locks a
 * run takes name it (a store still refuses an id that exists). The caller frees it. */
char *kdx_run_id_new(const char *key);
/* The lock name of a key and environment: "<key>-<env>" (env "default" when NULL). */
char *kdx_store_lock_name(const char *key, const char *env);

#endif
