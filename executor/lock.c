/* lock: O_EXCL lock file + flock, with the holder's details for the message a second taker sees. */
#include "lock.h"

#include "../common/arena.h"
#include "../common/json.h"
#include "../common/utctime.h"
#include "../common/value.h"
#include "../common/xalloc.h"
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void kdx_lock_init(kdx_lock *l)
{
	l->fd = -1;
	l->path = NULL;
	l->stale_pid = 0;
	l->token = 0;
	l->identity = NULL;
	l->label = NULL;
}

char *kdx_lock_path(const char *dir, const char *runbook, const char *env)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s-%s.lock", dir, runbook, env && *env ? env : "default");
	return strbuf_detach(&sb, NULL);
}

char *kdx_state_dir_for(const char *runbook_path)
{
	const char *slash = strrchr(runbook_path, '/');
	strbuf sb = STRBUF_INIT;
	if (slash)
		strbuf_add(&sb, runbook_path, (size_t)(slash - runbook_path + 1));
	strbuf_addstr(&sb, ".kdx");
	return strbuf_detach(&sb, NULL);
}

char *kdx_lock_key_for(const char *runbook_path)
{
	const char *slash = strrchr(runbook_path, '/');
	const char *base = slash ? slash + 1 : runbook_path;
	size_t n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".kdx"))
		n -= 4;
	return xstrndup(base, n);
}

static void this_host(char *buf, size_t n)
{
	if (gethostname(buf, n) < 0)
		snprintf(buf, n, "unknown");
	buf[n - 1] = '\0';
}

static void this_user(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = pw ? pw->pw_name : getenv("USER");
	snprintf(buf, n, "%s", u ? u : "unknown");
}

static void now_iso(char *buf, size_t n)
{
	kdx_utc_now(buf, n, "%Y-%m-%dT%H:%M:%SZ");
}

static void make_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
}

static void describe_holder(strbuf *err, const kdx_lock *l, const char *path)
{
	if (l->label)
		strbuf_addf(err, "%s is ", l->label);
	else
		strbuf_addf(err, "lock '%s' is ", path);
	kdx_lock_info info;
	strbuf rerr = STRBUF_INIT;
	if (kdx_lock_read(path, &info, &rerr) < 0) {
		/* the holder is between O_EXCL and writing its details */
		strbuf_addstr(err, "being taken by another kdx; try again");
		strbuf_release(&rerr);
		return;
	}
	strbuf_release(&rerr);
	strbuf_addf(err, "held by pid %ld on host %s (%s, by %s, AWS identity %s, "
		    "since %s)", info.pid, info.host, info.command, info.user,
		    *info.identity ? info.identity : "unknown", info.since);
	switch (kdx_lock_check(path, &info)) {
	case KDX_LOCK_STALE:
		strbuf_addf(err, "; that run is dead (no process holds the lock), run 'kdx unlock' "
			    "to remove '%s'", path);
		break;
	case KDX_LOCK_UNKNOWN:
		strbuf_addf(err, "; if that run is dead, run 'kdx unlock'");
		break;
	case KDX_LOCK_ALIVE:
		strbuf_addf(err, "; wait for it to finish");
		break;
	}
}

/* The fencing token: "<lock>.fence" (next to the lock, kept when the lock goes) holds the
 * last token given out; the new holder, under the flock, writes the next one. 0 if the
 * counter cannot be kept (the lock still works; a store that relies on fencing refuses). */
static uint64_t bump_fence(const char *lock_path)
{
	size_t n0 = strlen(lock_path);
	if (n0 > 5 && !strcmp(lock_path + n0 - 5, ".lock"))
		n0 -= 5;
	strbuf p = STRBUF_INIT;
	strbuf_add(&p, lock_path, n0);
	strbuf_addstr(&p, ".fence");
	uint64_t last = 0;
	FILE *fp = fopen(p.buf, "re");
	if (fp) {
		unsigned long long v;
		if (fscanf(fp, "%llu", &v) == 1)
			last = v;
		fclose(fp);
	}
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)(last + 1));
	strbuf err = STRBUF_INIT;
	uint64_t token = kdx_atomic_write(p.buf, buf, (size_t)n, 0600, &err) == 0 ? last + 1 : 0;
	strbuf_release(&err);
	strbuf_release(&p);
	return token;
}

static int write_info(int fd, const char *command, const char *identity, uint64_t token)
{
	char host[256], user[64], since[32];
	this_host(host, sizeof(host));
	this_user(user, sizeof(user));
	now_iso(since, sizeof(since));
	kdx_json *d = kdx_json_object();
	kdx_json_set_int(d, "pid", (int64_t)getpid());
	kdx_json_set_str(d, "host", host);
	kdx_json_set_str(d, "user", user);
	kdx_json_set_str(d, "command", command);
	if (identity)
		kdx_json_set_str(d, "identity", identity);
	kdx_json_set_str(d, "since", since);
	kdx_json_set_int(d, "token", (int64_t)token);
	strbuf sb = STRBUF_INIT;
	kdx_json_emit(&sb, d);
	int rc = ftruncate(fd, 0) == 0 && pwrite(fd, sb.buf, sb.len, 0) == (ssize_t)sb.len &&
			 fsync(fd) == 0 ? 0 : -1;
	strbuf_release(&sb);
	return rc;
}

/* The lock file exists. If its holder ran on this host and nobody holds its flock any more,
 * the holder is dead (the kernel drops a flock with its last descriptor): take the lock over,
 * as Terraform's local state lock does. 1: taken; 0: not ours to take (or gone: retry). */
static int take_over(kdx_lock *l, const char *path, const char *command)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat a, b;
	kdx_lock_info info;
	strbuf rerr = STRBUF_INIT;
	char host[256];
	this_host(host, sizeof(host));
	int ok = flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		 /* still the file at path, not one its holder unlinked meanwhile */
		 fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		 a.st_ino == b.st_ino &&
		 /* details written: its creator got past flock and then died */
		 kdx_lock_read(path, &info, &rerr) == 0 && !strcmp(info.host, host);
	uint64_t token = ok ? bump_fence(path) : 0;
	ok = ok && write_info(fd, command, l->identity, token) == 0;
	strbuf_release(&rerr);
	if (!ok) {
		close(fd);
		return 0;
	}
	l->fd = fd;
	l->path = xstrdup(path);
	l->stale_pid = info.pid;
	l->token = token;
	return 1;
}

int kdx_lock_acquire(kdx_lock *l, const char *path, const char *command, strbuf *err)
{
	make_parent(path);
	for (int tries = 0; tries < 3; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			strbuf_addf(err, "cannot create lock '%s': %s", path, strerror(errno));
			return -1;
		}
		if (fd < 0) {
			if (take_over(l, path, command))
				return 0;
			if (access(path, F_OK) != 0)
				continue; /* released meanwhile: try again */
			describe_holder(err, l, path);
			return -1;
		}
		uint64_t token = 0;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0 ||
		    write_info(fd, command, l->identity, token = bump_fence(path)) < 0) {
			/* somebody took it over in the instant before our flock: it is theirs */
			strbuf_addf(err, "cannot lock '%s': %s; try again", path, strerror(errno));
			close(fd);
			return -1;
		}
		l->fd = fd;
		l->path = xstrdup(path);
		l->stale_pid = 0;
		l->token = token;
		return 0;
	}
	strbuf_addf(err, "cannot take lock '%s': it keeps changing hands; try again", path);
	return -1;
}

void kdx_lock_release(kdx_lock *l)
{
	if (l->fd >= 0) {
		/* unlink while still holding the flock so nobody sees a free but present file */
		unlink(l->path);
		close(l->fd);
	}
	free(l->path);
	kdx_lock_init(l);
}

static void copy_field(char *dst, size_t n, const kdx_value *v)
{
	snprintf(dst, n, "%s", v && v->kind == KDX_V_STRING ? v->u.str.ptr : "?");
}

int kdx_lock_read(const char *path, kdx_lock_info *info, strbuf *err)
{
	memset(info, 0, sizeof(*info));
	FILE *fp = fopen(path, "re");
	if (!fp) {
		strbuf_addf(err, "cannot read lock '%s': %s", path, strerror(errno));
		return -1;
	}
	char buf[2048];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf perr = STRBUF_INIT;
	kdx_value *v = n ? kdx_value_from_json(&a, buf, n, &perr) : NULL;
	strbuf_release(&perr);
	const kdx_value *pid = v ? kdx_value_get(v, "pid") : NULL;
	int rc = 0;
	/* range-checked before the conversion: a damaged file must not be undefined behaviour */
	if (!pid || pid->kind != KDX_V_NUMBER || !(pid->u.num >= 1 && pid->u.num <= 4194304.0)) {
		strbuf_addf(err, "lock '%s' has no holder details (empty or damaged)", path);
		rc = -1;
	} else {
		info->pid = (long)pid->u.num;
		copy_field(info->host, sizeof(info->host), kdx_value_get(v, "host"));
		copy_field(info->user, sizeof(info->user), kdx_value_get(v, "user"));
		copy_field(info->command, sizeof(info->command), kdx_value_get(v, "command"));
		copy_field(info->identity, sizeof(info->identity), kdx_value_get(v, "identity"));
		copy_field(info->since, sizeof(info->since), kdx_value_get(v, "since"));
		const kdx_value *t = kdx_value_get(v, "token");
		info->token = t && t->kind == KDX_V_NUMBER && t->u.num >= 0 && t->u.num < 9e15
				      ? (uint64_t)t->u.num
				      : 0;
	}
	kdx_arena_release(&a);
	return rc;
}

kdx_lock_liveness kdx_lock_check(const char *path, const kdx_lock_info *info)
{
	/* The flock is the truth on a local file system: a live holder keeps it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		int got = flock(fd, LOCK_EX | LOCK_NB) == 0;
		close(fd);
		if (!got)
			return KDX_LOCK_ALIVE;
	}
	/* Nobody here holds it. A holder on another host may not show through flock. */
	char host[256];
	this_host(host, sizeof(host));
	if (info && strcmp(info->host, host))
		return KDX_LOCK_UNKNOWN;
	return KDX_LOCK_STALE;
}

int kdx_lock_break(const char *path, strbuf *err)
{
	if (unlink(path) < 0) {
		strbuf_addf(err, "cannot remove lock '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
