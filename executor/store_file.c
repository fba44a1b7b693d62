/* store_file: the store in a local directory -- runs as JSON-lines files, locks as O_EXCL +
 * flock files with a fencing counter, approvals as one small file per step.
 *
 * Speed: an fsync that grows a file must also commit its new size (a file system journal
 * commit): about 5.5 ms per record on this project's VM disk, against about 2 ms for an
 * fdatasync that only overwrites blocks the file already has. So a run's file is written
 * ahead with zeros in chunks (one fsync per chunk), records overwrite the zeros, and a sync
 * is an fdatasync. Closing cuts the zeros off; a crash leaves them, and the journal reader
 * accepts zeros only as the file's tail (journal.c). */
#include "store.h"

#include "../common/digest.h"
#include "../common/monotime.h"
#include "../common/utctime.h"
#include "../common/xalloc.h"
#include "atomicfile.h"
#include "lock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct file_store {
	kdx_store base;
	char *dir;
	int64_t lock_timeout_ms; /* -lock-timeout: how long a busy lock is waited for */
} file_store;

typedef struct file_run {
	kdx_store_run base;
	int fd;
	char *path;
	uint64_t seq;   /* last record written */
	uint64_t off;   /* where the next record goes */
	uint64_t size;  /* file size: records, then zeros written ahead */
	bool dirty;     /* written since the last sync */
} file_run;

static char *run_path(const file_store *fs, const char *run_id)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s.jsonl", fs->dir, run_id);
	return strbuf_detach(&sb, NULL);
}

static int fsync_dir(const char *dir, strbuf *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		strbuf_addf(err, "cannot sync directory '%s': %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int make_dir(const file_store *fs, strbuf *err)
{
	if (mkdir(fs->dir, 0700) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create state directory '%s': %s; pass -state-dir to use "
			    "another one", fs->dir, strerror(errno));
		return -1;
	}
	return 0;
}

#define CHUNK (256 * 1024)

static int pwrite_all(int fd, const char *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static void stopped_here(strbuf *err, const char *what, const char *path)
{
	strbuf_addf(err, "cannot %s journal '%s': %s; the run stops here, run 'kdx resume' once "
		    "the disk is fixed", what, path, strerror(errno));
}

/* Make room for at least need more bytes: zeros to the next chunk, size committed by fsync. */
static int write_ahead(file_run *r, size_t need, strbuf *err)
{
	static const char zeros[8192];
	uint64_t grow = need > CHUNK ? need : CHUNK;
	for (uint64_t done = 0; done < grow;) {
		size_t n = grow - done < sizeof(zeros) ? (size_t)(grow - done) : sizeof(zeros);
		if (pwrite_all(r->fd, zeros, n, r->size + done) < 0)
			goto fail;
		done += n;
	}
	if (fsync(r->fd) < 0)
		goto fail;
	r->size += grow;
	r->dirty = false;
	return 0;
fail:
	stopped_here(err, "write", r->path);
	return -1;
}

static file_run *new_run(kdx_store *s, const char *run_id, char *path, int fd)
{
	file_run *r = xcalloc(1, sizeof(*r));
	r->base.store = s;
	r->base.run_id = xstrdup(run_id);
	r->fd = fd;
	r->path = path;
	return r;
}

static int f_create(kdx_store *s, kdx_run_ident *id, kdx_store_run **out, strbuf *err)
{
	file_store *fs = (file_store *)s;
	if (make_dir(fs, err) < 0)
		return -1;
	char stamp[32];
	kdx_utc_now(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ");
	strbuf rid = STRBUF_INIT;
	char *path = NULL;
	int fd = -1;
	/* O_EXCL: never append to another run's journal; a second run in the same second
	 * by the same process gets a suffix */
	for (int n = 1; fd < 0 && n < 100; n++) {
		strbuf_reset(&rid);
		if (id->run_id) {
			strbuf_addstr(&rid, id->run_id);
			n = 100; /* a given id is tried once */
		} else {
			strbuf_addf(&rid, "%s-%s-%ld", id->key ? id->key : "run", stamp,
				    (long)getpid());
			if (n > 1)
				strbuf_addf(&rid, "-%d", n);
		}
		free(path);
		path = run_path(fs, rid.buf);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		strbuf_addf(err, "cannot create journal '%s': %s", path, strerror(errno));
		free(path);
		strbuf_release(&rid);
		return -1;
	}
	file_run *r = new_run(s, rid.buf, path, fd);
	if (!id->run_id)
		id->run_id = xstrdup(rid.buf);
	strbuf_release(&rid);
	if (write_ahead(r, 0, err) < 0 || fsync_dir(fs->dir, err) < 0) {
		s->ops->close(&r->base);
		return -1;
	}
	*out = &r->base;
	return 0;
}

static int f_open(kdx_store *s, const char *run_id, const kdx_store_tail *tail,
		  kdx_store_run **out, strbuf *err)
{
	char *path = run_path((file_store *)s, run_id);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open journal '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < tail->valid_bytes) {
		strbuf_addf(err, "journal '%s' changed while it was being read; run again", path);
		goto fail;
	}
	/* Cut a torn tail (and zeros written ahead) so the next record starts on a line of
	 * its own. */
	if ((uint64_t)sb.st_size > tail->valid_bytes &&
	    (ftruncate(fd, (off_t)tail->valid_bytes) < 0 || fsync(fd) < 0)) {
		strbuf_addf(err, "cannot cut the torn last record of journal '%s': %s", path,
			    strerror(errno));
		goto fail;
	}
	file_run *r = new_run(s, run_id, path, fd);
	r->off = r->size = tail->valid_bytes;
	r->seq = tail->last_seq;
	*out = &r->base;
	return 0;
fail:
	close(fd);
	free(path);
	return -1;
}

static int f_sync(kdx_store_run *base, strbuf *err)
{
	file_run *r = (file_run *)base;
	if (!r->dirty)
		return 0;
	if (fdatasync(r->fd) < 0) {
		stopped_here(err, "sync", r->path);
		return -1;
	}
	r->dirty = false;
	return 0;
}

static int f_append(kdx_store_run *base, const kdx_lease *lease, uint64_t seq, const char *rec,
		    size_t len, bool sync, strbuf *err)
{
	file_run *r = (file_run *)base;
	/* The flock is this store's fence: a lease is valid while its descriptor is open. A
	 * NULL lease is a run nobody else can reach (unit tests, benchmarks). */
	if (seq != r->seq + 1 || (lease && lease->fd < 0)) {
		strbuf_addf(err, "journal '%s': record %llu cannot be written (%s); another kdx "
			    "may be writing this run, stop and run 'kdx show' on it", r->path,
			    (unsigned long long)seq,
			    seq != r->seq + 1 ? "out of sequence" : "the lock is not held");
		return KDX_STORE_CONFLICT;
	}
	if (r->fd < 0) {
		strbuf_addf(err, "journal '%s' is not open (internal error)", r->path);
		return -1;
	}
	if (r->off + len > r->size && write_ahead(r, len, err) < 0)
		return -1;
	if (pwrite_all(r->fd, rec, len, r->off) < 0) {
		stopped_here(err, "write", r->path);
		return -1;
	}
	r->off += len;
	r->seq = seq;
	r->dirty = true;
	return sync ? f_sync(base, err) : 0;
}

static void f_close(kdx_store_run *base)
{
	file_run *r = (file_run *)base;
	if (r->fd >= 0 && !base->abandon) {
		/* cut the zeros written ahead; best effort: the run already reported its end */
		if (r->size > r->off && ftruncate(r->fd, (off_t)r->off) == 0)
			r->dirty = true;
		if (r->dirty)
			fsync(r->fd);
	}
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r->base.run_id);
	free(r);
}

static int f_read(kdx_store *s, const char *run_id, size_t max, strbuf *out, strbuf *err)
{
	char *path = run_path((file_store *)s, run_id);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open journal '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	char buf[65536];
	size_t lines = 0;
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot read journal '%s': %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		strbuf_add(out, buf, (size_t)n);
		if (max) {
			for (ssize_t i = 0; i < n; i++)
				lines += buf[i] == '\n';
			if (lines >= max)
				break;
		}
	}
	close(fd);
	free(path);
	return rc;
}

static int f_list(kdx_store *s, const char *key, kdx_names *ids, strbuf *err)
{
	file_store *fs = (file_store *)s;
	DIR *d = opendir(fs->dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		strbuf_addf(err, "cannot list state directory '%s': %s", fs->dir, strerror(errno));
		return -1;
	}
	size_t kl = strlen(key);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > kl + 7 && !strncmp(e->d_name, key, kl) && e->d_name[kl] == '-' &&
		    !strcmp(e->d_name + n - 6, ".jsonl")) {
			char *id = xstrndup(e->d_name, n - 6);
			kdx_names_add(ids, id);
			free(id);
		}
	}
	closedir(d);
	return 0;
}

static void f_describe(kdx_store *s, const char *run_id, strbuf *out)
{
	char *p = run_path((file_store *)s, run_id);
	strbuf_addstr(out, p);
	free(p);
}

/* ---- locks ---- */

static char *lock_path(const file_store *fs, const char *name)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s.lock", fs->dir, name);
	return strbuf_detach(&sb, NULL);
}

static void fill_lease(kdx_lease *l, const kdx_lock_info *info)
{
	free(l->host);
	free(l->user);
	free(l->since);
	l->host = xstrdup(info->host);
	l->user = xstrdup(info->user);
	l->since = xstrdup(info->since);
	if (*info->identity) {
		free(l->identity);
		l->identity = xstrdup(info->identity);
	}
	l->pid = info->pid;
	l->token = info->token;
	l->expires_ms = 0;
}

static int f_lock_take(kdx_store *s, const char *name, int64_t ttl_ms, kdx_lease *l,
		       strbuf *err)
{
	file_store *fs = (file_store *)s;
	char *p = lock_path(fs, name);
	kdx_lock lk;
	kdx_lock_init(&lk);
	lk.identity = l->identity;
	/* worded as the S3 and DynamoDB stores word it: which lock, where, then the holder */
	strbuf label = STRBUF_INIT;
	strbuf_addf(&label, "lock '%s' in file://%s", name, fs->dir);
	lk.label = label.buf;
	const char *cmd = l->command ? l->command : "kdx";
	int64_t deadline = kdx_mono_ms() + fs->lock_timeout_ms;
	strbuf why = STRBUF_INIT;
	int rc;
	/* A lock whose file is still there is held by a live run (a dead run's is taken over
	 * by kdx_lock_acquire): look again every second until the deadline. */
	while ((rc = kdx_lock_acquire(&lk, p, cmd, &why)) < 0 && access(p, F_OK) == 0 &&
	       kdx_mono_ms() + 1000 <= deadline) {
		strbuf_reset(&why);
		sleep(1);
	}
	if (rc < 0)
		strbuf_addstr(err, why.buf);
	strbuf_release(&why);
	if (rc == 0) {
		kdx_lock_info info;
		strbuf rerr = STRBUF_INIT;
		if (kdx_lock_read(p, &info, &rerr) == 0)
			fill_lease(l, &info);
		strbuf_release(&rerr);
		free(l->name);
		l->name = xstrdup(name);
		l->fd = lk.fd;
		l->token = lk.token;
		l->stale_pid = lk.stale_pid;
		lk.fd = -1; /* the lease owns the descriptor now */
	}
	kdx_lock_release(&lk);
	strbuf_release(&label);
	free(p);
	return rc;
}

static int f_lock_renew(kdx_store *s, kdx_lease *l, int64_t ttl_ms, strbuf *err)
{
	/* a flock does not expire: held while the descriptor is open */
	if (l->fd < 0) {
		strbuf_addf(err, "lock '%s' is not held", l->name ? l->name : "?");
		return KDX_STORE_CONFLICT;
	}
	return 0;
}

static void f_lock_release(kdx_store *s, kdx_lease *l)
{
	if (l->fd >= 0 && l->name) {
		kdx_lock lk;
		kdx_lock_init(&lk);
		lk.fd = l->fd;
		lk.path = lock_path((file_store *)s, l->name);
		kdx_lock_release(&lk); /* unlinks while holding the flock, then closes */
		l->fd = -1;
	}
}

static int f_lock_read(kdx_store *s, const char *name, kdx_lease *l, strbuf *err)
{
	char *p = lock_path((file_store *)s, name);
	kdx_lock_info info;
	int rc = kdx_lock_read(p, &info, err);
	if (rc == 0) {
		fill_lease(l, &info);
		free(l->command);
		l->command = xstrdup(info.command);
		free(l->name);
		l->name = xstrdup(name);
	}
	free(p);
	return rc;
}

static kdx_lease_liveness f_lock_check(kdx_store *s, const char *name, const kdx_lease *l)
{
	char *p = lock_path((file_store *)s, name);
	kdx_lock_info info;
	memset(&info, 0, sizeof(info));
	if (l) {
		info.pid = l->pid;
		snprintf(info.host, sizeof(info.host), "%s", l->host ? l->host : "");
	}
	kdx_lock_liveness v = kdx_lock_check(p, l ? &info : NULL);
	free(p);
	return v == KDX_LOCK_ALIVE ? KDX_LEASE_ALIVE
	       : v == KDX_LOCK_STALE ? KDX_LEASE_STALE
				     : KDX_LEASE_UNKNOWN;
}

static int f_lock_break(kdx_store *s, const char *name, strbuf *err)
{
	char *p = lock_path((file_store *)s, name);
	int rc = kdx_lock_break(p, err);
	free(p);
	return rc;
}

/* ---- approvals ---- */

static char *approvals_dir(const file_store *fs, const char *run_id)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s.approvals", fs->dir, run_id);
	return strbuf_detach(&sb, NULL);
}

/* ---- documents: "<dir>/<run_id>.<name>" ---- */

static char *doc_path(const file_store *fs, const char *run_id, const char *name)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s.%s", fs->dir, run_id, name);
	return strbuf_detach(&sb, NULL);
}

static int f_doc_put(kdx_store *s, const char *run_id, const char *name, const char *body,
		     size_t len, strbuf *err)
{
	file_store *fs = (file_store *)s;
	if (make_dir(fs, err) < 0)
		return -1;
	char *p = doc_path(fs, run_id, name);
	int rc = kdx_atomic_write(p, body, len, 0600, err);
	free(p);
	return rc;
}

static int f_doc_get(kdx_store *s, const char *run_id, const char *name, strbuf *out,
		     strbuf *err)
{
	char *p = doc_path((file_store *)s, run_id, name);
	int rc = 0;
	if (strbuf_read_file(out, p) < 0) {
		rc = errno == ENOENT ? 1 : -1;
		if (rc < 0)
			strbuf_addf(err, "cannot read '%s': %s", p, strerror(errno));
	}
	free(p);
	return rc;
}

static int f_approval_put(kdx_store *s, const char *run_id, const char *step, const char *by,
			  strbuf *err)
{
	file_store *fs = (file_store *)s;
	if (!kdx_store_plain_name(step) || !kdx_store_plain_name(run_id)) {
		strbuf_addf(err, "cannot record an approval of step '%s': not a step name", step);
		return -1;
	}
	if (make_dir(fs, err) < 0)
		return -1;
	char *dir = approvals_dir(fs, run_id);
	int rc = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(errno));
	} else {
		/* one file per record ("<step>.<hash of it>"), as S3 and DynamoDB keep them:
		 * several people approve the same step; the same record is the same file */
		unsigned char d[KDX_SHA256_LEN];
		char hex[2 * KDX_SHA256_LEN + 1];
		kdx_sha256(by, strlen(by), d);
		kdx_hex(d, sizeof(d), hex);
		strbuf p = STRBUF_INIT, body = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s.%.16s", dir, step, hex);
		strbuf_addf(&body, "%s\n", by);
		rc = kdx_atomic_write(p.buf, body.buf, body.len, 0600, err);
		strbuf_release(&p);
		strbuf_release(&body);
	}
	free(dir);
	return rc;
}

/* "<step>.<16 hex>" names one record of step; a plain "<step>" is an older record. */
static size_t record_step_len(const char *name)
{
	size_t n = strlen(name);
	if (n < 18 || name[n - 17] != '.')
		return n;
	for (size_t i = n - 16; i < n; i++)
		if (!strchr("0123456789abcdef", name[i]))
			return n;
	return n - 17;
}

static int f_approval_list(kdx_store *s, const char *run_id, kdx_names *out, strbuf *err)
{
	char *dir = approvals_dir((file_store *)s, run_id);
	DIR *d = opendir(dir);
	int rc = 0;
	if (!d) {
		if (errno != ENOENT) {
			strbuf_addf(err, "cannot read approvals '%s': %s", dir, strerror(errno));
			rc = -1;
		}
		free(dir);
		return rc;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		strbuf p = STRBUF_INIT, item = STRBUF_INIT, by = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s", dir, e->d_name);
		if (strbuf_read_file(&by, p.buf) < 0)
			strbuf_reset(&by);
		size_t n = strcspn(by.buf, "\n");
		strbuf_add(&item, e->d_name, record_step_len(e->d_name));
		strbuf_addch(&item, '\t');
		strbuf_add(&item, by.buf, n);
		kdx_names_add(out, item.buf);
		strbuf_release(&p);
		strbuf_release(&item);
		strbuf_release(&by);
	}
	closedir(d);
	free(dir);
	return rc;
}

static void f_free(kdx_store *s)
{
	file_store *fs = (file_store *)s;
	free(fs->dir);
	free(fs);
}

static const kdx_store_ops file_ops = {
	.scheme = "file",
	.create = f_create,
	.open = f_open,
	.append = f_append,
	.sync = f_sync,
	.close = f_close,
	.read = f_read,
	.list = f_list,
	.describe = f_describe,
	.lock_take = f_lock_take,
	.lock_renew = f_lock_renew,
	.lock_release = f_lock_release,
	.lock_read = f_lock_read,
	.lock_check = f_lock_check,
	.lock_break = f_lock_break,
	.approval_put = f_approval_put,
	.approval_list = f_approval_list,
	.doc_put = f_doc_put,
	.doc_get = f_doc_get,
	.free = f_free,
};

kdx_store *kdx_store_open_file(const char *dir)
{
	file_store *fs = xcalloc(1, sizeof(*fs));
	fs->base.ops = &file_ops;
	fs->dir = xstrdup(dir);
	return &fs->base;
}

void kdx_store_file_set_lock_timeout(kdx_store *s, int64_t ms)
{
	if (s && s->ops == &file_ops)
		((file_store *)s)->lock_timeout_ms = ms > 0 ? ms : 0;
}

const char *kdx_store_file_dir(const kdx_store *s)
{
	return s && s->ops == &file_ops ? ((const file_store *)s)->dir : NULL;
}
