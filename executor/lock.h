/* lock: the file store's lock primitive (store_file.c; everything else takes locks through
 * the store seam, store.h): a file <state-dir>/<runbook>-<env>.lock made with O_EXCL, held
 * with flock(2) while the run lives, holding JSON {pid, host, user, identity, command, since,
 * token}
 * so a second taker can say who holds it. The fencing token comes from "<name>.fence",
 * bumped by each new holder.
 * The caller owns kdx_lock; kdx_lock_release() removes the file and frees what it holds. */
#ifndef KDX_LOCK_H
#define KDX_LOCK_H
#include <stdbool.h>
#include <stdint.h>

#include "../common/strbuf.h"

typedef struct kdx_lock {
	int fd;         /* -1 when not held */
	char *path;
	long stale_pid; /* acquire took over the lock a dead run on this host left; else 0 */
	uint64_t token; /* fencing token of this holding; 0 if the counter could not be kept */
	const char *identity; /* set before acquire: the holder's AWS identity, written into
				 the lock for a second taker's message; NULL: not known */
	const char *label;    /* set before acquire: how a second taker's message names the
				 lock ("lock 'x' in file://.kdx"); NULL: "lock '<path>'" */
} kdx_lock;

typedef struct kdx_lock_info {
	long pid;
	char host[256];
	char user[64];
	char command[256];  /* "kdx apply of KEY (env E), run RUN" */
	char identity[256]; /* the holder's AWS identity; "" when it was not known */
	char since[32];   /* UTC, ISO 8601 */
	uint64_t token;   /* 0 in locks older than fencing */
} kdx_lock_info;

typedef enum kdx_lock_liveness {
	KDX_LOCK_ALIVE = 0,  /* the holder runs (or the flock is held) */
	KDX_LOCK_STALE,      /* nobody holds the flock, or the pid is gone on this host */
	KDX_LOCK_UNKNOWN,    /* another host holds it and we cannot tell */
} kdx_lock_liveness;

void kdx_lock_init(kdx_lock *l);
/* "<dir>/<runbook>-<env>.lock" (env "default" when NULL); the caller frees it. */
char *kdx_lock_path(const char *dir, const char *runbook, const char *env);
/* The state directory of a runbook: ".kdx" next to the file. The caller frees it. */
char *kdx_state_dir_for(const char *runbook_path);
/* The lock key of a runbook: its file name without directory and ".kdx". Caller frees. */
char *kdx_lock_key_for(const char *runbook_path);
/* Take the lock at path (its directory is created 0700 if missing) for command ("kdx apply").
 * Fails at once, never waits: err names the holder and says what to do. A lock left by a dead
 * run on this host (no process holds its flock) is taken over; l->stale_pid says whose. */
int kdx_lock_acquire(kdx_lock *l, const char *path, const char *command, strbuf *err);
/* Remove the lock file and drop the flock; safe on a lock that is not held. */
void kdx_lock_release(kdx_lock *l);

/* Read the holder's details; -1 with err if there is no lock or it cannot be read. */
int kdx_lock_read(const char *path, kdx_lock_info *info, strbuf *err);
kdx_lock_liveness kdx_lock_check(const char *path, const kdx_lock_info *info);
/* Remove somebody else's lock file (kdx unlock); the caller has asked for confirmation. */
int kdx_lock_break(const char *path, strbuf *err);

#endif
