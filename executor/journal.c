/* journal: append-only JSON-lines run record with a CRC32C per record, and the reader that
 * rebuilds a run's state from it (torn tail tolerated, middle not).
 *
 * Speed: an fsync that grows a file must also commit its new size (a file system journal
 * commit): about 5.5 ms per record on this project's VM disk, against about 2 ms for an
 * fdatasync that only overwrites blocks the file already has. So the file is written ahead
 * with zeros in chunks (one fsync per chunk), records overwrite the zeros, and a sync is an
 * fdatasync. The reader stops at the first NUL byte; closing cuts the zeros off. */
#include "journal.h"

#include "../common/arena.h"
#include "../common/value.h"
#include "../common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- CRC32C, table driven (reflected polynomial 0x82F63B78) ---- */

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = 1;
}

uint32_t kdx_crc32c(const void *data, size_t n)
{
	if (!crc_ready)
		crc_init();
	const unsigned char *p = data;
	uint32_t c = 0xFFFFFFFFu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

/* ---- writing ---- */

void kdx_journal_init(kdx_journal *j)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}

static void read_crash_hook(kdx_journal *j)
{
	const char *s = getenv("KDX_CRASH_AT");
	j->crash_at = s ? strtol(s, NULL, 10) : 0;
	j->records = j->fsyncs = 0;
	j->dirty = false;
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

/* Make room for at least need more bytes: zeros to the next chunk, size committed by fsync. */
static int write_ahead(kdx_journal *j, size_t need, strbuf *err)
{
	static const char zeros[8192];
	uint64_t grow = need > CHUNK ? need : CHUNK;
	for (uint64_t done = 0; done < grow;) {
		size_t n = grow - done < sizeof(zeros) ? (size_t)(grow - done) : sizeof(zeros);
		if (pwrite_all(j->fd, zeros, n, j->size + done) < 0)
			goto fail;
		done += n;
	}
	if (fsync(j->fd) < 0)
		goto fail;
	j->size += grow;
	j->fsyncs++;
	j->dirty = false;
	return 0;
fail:
	strbuf_addf(err, "cannot write journal '%s': %s; the run stops here, run 'kdx resume' "
		    "once the disk is fixed", j->path, strerror(errno));
	return -1;
}

int kdx_journal_create(kdx_journal *j, const char *dir, const char *name, strbuf *err)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create state directory '%s': %s; pass -state-dir to use "
			    "another one", dir, strerror(errno));
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	strbuf path = STRBUF_INIT;
	int fd = -1;
	/* O_EXCL: never append to another run's journal; a second run in the same second
	 * by the same process gets a suffix */
	for (int n = 1; fd < 0 && n < 100; n++) {
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s-%s-%ld", dir, name, stamp, (long)getpid());
		if (n > 1)
			strbuf_addf(&path, "-%d", n);
		strbuf_addstr(&path, ".jsonl");
		fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		strbuf_addf(err, "cannot create journal '%s': %s", path.buf, strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	j->fd = fd;
	free(j->path);
	j->path = strbuf_detach(&path, NULL);
	j->seq = 0;
	j->off = j->size = 0;
	read_crash_hook(j);
	if (write_ahead(j, 0, err) < 0 || fsync_dir(dir, err) < 0) {
		close(fd);
		j->fd = -1;
		return -1;
	}
	return 0;
}

int kdx_journal_reopen(kdx_journal *j, const char *path, uint64_t last_seq,
		       uint64_t valid_bytes, strbuf *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open journal '%s': %s", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0 || (uint64_t)sb.st_size < valid_bytes) {
		strbuf_addf(err, "journal '%s' changed while it was being read; run again", path);
		close(fd);
		return -1;
	}
	/* Cut a torn tail so the next record starts on a line of its own. */
	if ((uint64_t)sb.st_size > valid_bytes &&
	    (ftruncate(fd, (off_t)valid_bytes) < 0 || fsync(fd) < 0)) {
		strbuf_addf(err, "cannot cut the torn last record of journal '%s': %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	j->fd = fd;
	j->off = j->size = valid_bytes;
	free(j->path);
	j->path = xstrdup(path);
	j->seq = last_seq;
	read_crash_hook(j);
	return 0;
}

void kdx_journal_add_secret(kdx_journal *j, const char *s)
{
	/* A string this short (a placeholder like "x" in a test profile) occurs by chance in
	 * ordinary records: watching for it would refuse every run, and it protects nothing.
	 * Real secret keys are 40 characters, session tokens hundreds. */
	if (!s || strlen(s) < KDX_JOURNAL_SECRET_MIN)
		return;
	XGROW(j->secrets, j->nsecrets + 1, j->asecrets);
	j->secrets[j->nsecrets++] = xstrdup(s);
}

static bool has_secret(const kdx_journal *j, const char *rec)
{
	strbuf esc = STRBUF_INIT;
	bool found = false;
	for (size_t i = 0; i < j->nsecrets && !found; i++) {
		if (strstr(rec, j->secrets[i])) {
			found = true;
			break;
		}
		strbuf_reset(&esc);
		strbuf_add_json_str(&esc, j->secrets[i]);
		/* the escaped form without its quotes */
		esc.buf[esc.len - 1] = '\0';
		if (esc.len > 2 && strstr(rec, esc.buf + 1))
			found = true;
	}
	strbuf_release(&esc);
	return found;
}

static void add_timestamp(strbuf *sb)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addf(sb, "\"%s.%03ldZ\"", buf, ts.tv_nsec / 1000000);
}

static bool valid_json(const char *text)
{
	kdx_arena a;
	kdx_arena_init(&a);
	strbuf perr = STRBUF_INIT;
	bool ok = kdx_value_from_json(&a, text, strlen(text), &perr) != NULL;
	strbuf_release(&perr);
	kdx_arena_release(&a);
	return ok;
}

void kdx_journal_open_discard(kdx_journal *j)
{
	kdx_journal_init(j);
	j->discard = true;
	j->path = xstrdup("(no journal)");
}

int kdx_journal_sync(kdx_journal *j, strbuf *err)
{
	if (!j->dirty || j->discard)
		return 0;
	if (fdatasync(j->fd) < 0) {
		strbuf_addf(err, "cannot sync journal '%s': %s; the run stops here, run "
			    "'kdx resume' once the disk is fixed", j->path, strerror(errno));
		return -1;
	}
	j->dirty = false;
	j->fsyncs++;
	return 0;
}

int kdx_journal_append(kdx_journal *j, const char *kind, const char *step,
		       const char *data_json, strbuf *err)
{
	return kdx_journal_write(j, kind, step, data_json, true, err);
}

int kdx_journal_write(kdx_journal *j, const char *kind, const char *step,
		      const char *data_json, bool sync, strbuf *err)
{
	if (j->discard) {
		/* nothing is kept: no formatting and no JSON check, only the secret canary */
		if (j->nsecrets && ((data_json && has_secret(j, data_json)) ||
				    (step && has_secret(j, step)))) {
			strbuf_addf(err, "refusing to write a secret into journal '%s' (record '%s'); "
				    "this is a bug in kdx, please report it", j->path, kind);
			return -1;
		}
		j->seq++;
		j->records++;
		return 0;
	}
	if (j->fd < 0) {
		strbuf_addf(err, "journal is not open (internal error)");
		return -1;
	}
	if (data_json && !valid_json(data_json)) {
		/* a bad record would make the whole journal unreadable after the next one */
		strbuf_addf(err, "refusing to write record '%s' to journal '%s': its data is not "
			    "valid JSON; this is a bug in kdx, please report it", kind, j->path);
		return -1;
	}
	strbuf rec = STRBUF_INIT;
	strbuf_addf(&rec, "{\"seq\":%llu,\"ts\":", (unsigned long long)(j->seq + 1));
	add_timestamp(&rec);
	strbuf_addstr(&rec, ",\"kind\":");
	strbuf_add_json_str(&rec, kind);
	if (step) {
		strbuf_addstr(&rec, ",\"step\":");
		strbuf_add_json_str(&rec, step);
	}
	if (data_json) {
		strbuf_addstr(&rec, ",\"data\":");
		strbuf_addstr(&rec, data_json);
	}
	if (has_secret(j, rec.buf)) {
		strbuf_addf(err, "refusing to write a secret into journal '%s' (record '%s'%s%s%s); "
			    "this is a bug in kdx, please report it", j->path, kind,
			    step ? " of step '" : "", step ? step : "", step ? "'" : "");
		strbuf_release(&rec);
		return -1;
	}
	uint32_t crc = kdx_crc32c(rec.buf, rec.len);
	strbuf_addf(&rec, ",\"crc\":\"%08x\"}\n", crc);
	int rc = 0;
	if (j->off + rec.len > j->size && write_ahead(j, rec.len, err) < 0) {
		rc = -1;
	} else if (pwrite_all(j->fd, rec.buf, rec.len, j->off) < 0) {
		strbuf_addf(err, "cannot write journal '%s': %s; the run stops here, run "
			    "'kdx resume' once the disk is fixed", j->path, strerror(errno));
		rc = -1;
	} else {
		j->off += rec.len;
		j->seq++;
		j->records++;
		j->dirty = true;
		if (sync)
			rc = kdx_journal_sync(j, err);
		if (rc == 0 && j->crash_at > 0 && j->records == j->crash_at)
			raise(SIGKILL);
	}
	strbuf_release(&rec);
	return rc;
}

void kdx_journal_release(kdx_journal *j)
{
	if (j->fd >= 0) {
		/* cut the zeros written ahead; best effort: the run already reported its end */
		if (j->size > j->off && ftruncate(j->fd, (off_t)j->off) == 0)
			j->dirty = true;
		if (j->dirty)
			fsync(j->fd);
		close(j->fd);
	}
	for (size_t i = 0; i < j->nsecrets; i++) {
		/* wipe before freeing: secrets should not linger in freed memory */
		kdx_wipe(j->secrets[i], strlen(j->secrets[i]));
		free(j->secrets[i]);
	}
	free(j->secrets);
	free(j->path);
	kdx_journal_init(j);
}

/* ---- reading ---- */

void kdx_journal_state_init(kdx_journal_state *st)
{
	memset(st, 0, sizeof(*st));
}

void kdx_journal_state_release(kdx_journal_state *st)
{
	for (size_t i = 0; i < st->nsteps; i++) {
		free(st->steps[i].name);
		free(st->steps[i].token);
		free(st->steps[i].snapshot);
		free(st->steps[i].error);
	}
	free(st->steps);
	free(st->command);
	free(st->started_at);
	free(st->runbook);
	free(st->name);
	free(st->env);
	free(st->run_id);
	free(st->meta);
	free(st->end_status);
	kdx_journal_state_init(st);
}

kdx_jstep *kdx_journal_state_step(const kdx_journal_state *st, const char *name)
{
	for (size_t i = 0; i < st->nsteps; i++)
		if (!strcmp(st->steps[i].name, name))
			return &st->steps[i];
	return NULL;
}

const char *kdx_jstep_state_name(kdx_jstep_state s)
{
	static const char *const names[] = { "pending", "started", "in doubt", "done", "failed",
					      "skipped" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static kdx_jstep *step_get(kdx_journal_state *st, const char *name)
{
	kdx_jstep *s = kdx_journal_state_step(st, name);
	if (s)
		return s;
	XGROW(st->steps, st->nsteps + 1, st->asteps);
	s = &st->steps[st->nsteps++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	return s;
}

static void set_str(char **dst, const kdx_value *v)
{
	if (!v || (v->kind != KDX_V_STRING))
		return;
	free(*dst);
	*dst = xstrdup(v->u.str.ptr);
}

static void set_json(char **dst, const kdx_value *v)
{
	free(*dst);
	*dst = NULL;
	if (!v || v->kind == KDX_V_NULL)
		return;
	strbuf sb = STRBUF_INIT;
	kdx_value_to_json(&sb, v);
	*dst = strbuf_detach(&sb, NULL);
}

static bool vbool(const kdx_value *v, const char *key)
{
	const kdx_value *b = kdx_value_get(v, key);
	return b && b->kind == KDX_V_BOOL && b->u.b;
}

static bool is_undo(const kdx_value *data)
{
	const kdx_value *ph = kdx_value_get(data, "phase");
	return ph && ph->kind == KDX_V_STRING && !strcmp(ph->u.str.ptr, "undo");
}

static void apply_run_record(kdx_journal_state *st, const char *kind, const kdx_value *data,
			     const kdx_value *ts)
{
	if (!strcmp(kind, KDX_J_RUN_START)) {
		set_str(&st->started_at, ts);
		set_str(&st->command, kdx_value_get(data, "command"));
		set_str(&st->runbook, kdx_value_get(data, "runbook"));
		set_str(&st->name, kdx_value_get(data, "name"));
		set_str(&st->env, kdx_value_get(data, "env"));
		set_str(&st->run_id, kdx_value_get(data, "run_id"));
		set_json(&st->meta, kdx_value_get(data, "meta"));
	} else if (!strcmp(kind, KDX_J_ROLLBACK_START)) {
		st->rollback = true;
		st->paused = false;
		st->ended = false;
	} else if (!strcmp(kind, KDX_J_STOP)) {
		st->rollback_due = true;
	} else if (!strcmp(kind, KDX_J_DEADLINE)) {
		const kdx_value *p = kdx_value_get(data, "policy");
		if (p && p->kind == KDX_V_STRING && !strcmp(p->u.str.ptr, "rollback"))
			st->rollback_due = true;
	} else if (!strcmp(kind, KDX_J_PAUSED)) {
		st->paused = true;
	} else if (!strcmp(kind, KDX_J_RESUME)) {
		st->ended = false;
		st->paused = false;
	} else if (!strcmp(kind, KDX_J_RUN_END)) {
		st->ended = true;
		set_str(&st->end_status, kdx_value_get(data, "status"));
	}
}

/* Fold one verified record into the state. Unknown kinds are kept for forward compatibility. */
static void apply_record(kdx_journal_state *st, const char *kind, const char *name,
			 const kdx_value *data, const kdx_value *ts)
{
	if (!name) {
		apply_run_record(st, kind, data, ts);
		return;
	}
	kdx_jstep *s = step_get(st, name);
	bool undo = is_undo(data);
	if (!strcmp(kind, KDX_J_STEP_START)) {
		s->attempts++;
		if (s->state != KDX_JS_DONE)
			s->state = KDX_JS_STARTED;
	} else if (!strcmp(kind, KDX_J_INTENT)) {
		set_str(&s->token, kdx_value_get(data, "token"));
		if (!undo && kdx_value_get(data, "snapshot"))
			set_json(&s->snapshot, kdx_value_get(data, "snapshot"));
		if (undo)
			s->undo = KDX_JU_IN_DOUBT;
		else
			s->state = KDX_JS_IN_DOUBT;
	} else if (!strcmp(kind, KDX_J_RESULT) || !strcmp(kind, KDX_J_RECONCILE)) {
		/* a failed attempt that may have sent its change stays in doubt */
		bool ok = vbool(data, "ok") || vbool(data, "happened");
		bool doubt = !ok && vbool(data, "in_doubt");
		if (undo)
			s->undo = ok ? KDX_JU_DONE : doubt ? KDX_JU_IN_DOUBT : KDX_JU_STARTED;
		else
			s->state = ok ? KDX_JS_DONE : doubt ? KDX_JS_IN_DOUBT : KDX_JS_STARTED;
	} else if (!strcmp(kind, KDX_J_STEP_DONE)) {
		s->state = KDX_JS_DONE;
		if (kdx_value_get(data, "snapshot"))
			set_json(&s->snapshot, kdx_value_get(data, "snapshot"));
	} else if (!strcmp(kind, KDX_J_STEP_FAILED)) {
		const kdx_value *p = kdx_value_get(data, "on_failure");
		s->state = vbool(data, "in_doubt") ? KDX_JS_IN_DOUBT : KDX_JS_FAILED;
		set_str(&s->error, kdx_value_get(data, "error"));
		if (p && p->kind == KDX_V_STRING && !strcmp(p->u.str.ptr, "rollback"))
			st->rollback_due = true;
	} else if (!strcmp(kind, KDX_J_APPROVAL)) {
		s->approved = vbool(data, "approved");
	} else if (!strcmp(kind, KDX_J_STEP_SKIPPED)) {
		s->state = KDX_JS_SKIPPED;
	} else if (!strcmp(kind, KDX_J_UNDO_START)) {
		if (s->undo != KDX_JU_DONE)
			s->undo = KDX_JU_STARTED;
	} else if (!strcmp(kind, KDX_J_UNDO_DONE)) {
		s->undo = KDX_JU_DONE;
	} else if (!strcmp(kind, KDX_J_UNDO_FAILED)) {
		s->undo = KDX_JU_FAILED;
		set_str(&s->error, kdx_value_get(data, "error"));
	} else if (!strcmp(kind, KDX_J_UNDO_SKIPPED)) {
		s->undo = KDX_JU_SKIPPED;
	}
}

/* Check one line (without its '\n'): returns 0 and the parsed record, or -1 with why. */
static kdx_value *verify_line(kdx_arena *a, const char *line, size_t len, const char **why)
{
	static const char tag[] = ",\"crc\":\"";
	size_t tail = sizeof(tag) - 1 + 8 + 2; /* tag, 8 hex digits, "} */
	if (len < tail + 2 || memcmp(line + len - tail, tag, sizeof(tag) - 1) ||
	    memcmp(line + len - 2, "\"}", 2)) {
		*why = "no checksum";
		return NULL;
	}
	char hex[9];
	memcpy(hex, line + len - 10, 8);
	hex[8] = '\0';
	char *end;
	unsigned long want = strtoul(hex, &end, 16);
	if (*end || kdx_crc32c(line, len - tail) != (uint32_t)want) {
		*why = "checksum mismatch";
		return NULL;
	}
	strbuf perr = STRBUF_INIT;
	kdx_value *v = kdx_value_from_json(a, line, len, &perr);
	strbuf_release(&perr);
	if (!v || v->kind != KDX_V_MAP) {
		*why = "not a JSON object";
		return NULL;
	}
	return v;
}

static int slurp(const char *path, strbuf *out, strbuf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open journal '%s': %s", path, strerror(errno));
		return -1;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot read journal '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		strbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

int kdx_journal_read(const char *path, kdx_journal_state *st, strbuf *warn, strbuf *err)
{
	strbuf text = STRBUF_INIT;
	if (slurp(path, &text, err) < 0)
		return -1;
	/* zeros written ahead (or left by a crash) end the records */
	const char *nul = memchr(text.buf, '\0', text.len);
	if (nul)
		text.len = (size_t)(nul - text.buf);
	kdx_arena a;
	kdx_arena_init(&a);
	int rc = 0;
	size_t pos = 0, lineno = 0;
	while (pos < text.len) {
		const char *line = text.buf + pos;
		const char *nl = memchr(line, '\n', text.len - pos);
		size_t len = nl ? (size_t)(nl - line) : text.len - pos;
		bool last = !nl || pos + len + 1 >= text.len;
		const char *why = "torn (no end of line)";
		kdx_value *v = nl ? verify_line(&a, line, len, &why) : NULL;
		const kdx_value *seq = v ? kdx_value_get(v, "seq") : NULL;
		const kdx_value *kind = v ? kdx_value_get(v, "kind") : NULL;
		lineno++;
		/* compared as doubles: a converted huge or odd number would be undefined */
		if (v && (!seq || seq->kind != KDX_V_NUMBER ||
			  seq->u.num != (double)(st->last_seq + 1) || !kind ||
			  kind->kind != KDX_V_STRING)) {
			why = "out of sequence";
			v = NULL;
		}
		if (!v) {
			if (last) {
				st->torn_tail = true;
				strbuf_addf(warn, "journal '%s': the last record (line %zu) is %s and "
					    "was ignored; it was being written when the run stopped",
					    path, lineno, why);
				break;
			}
			strbuf_addf(err, "journal '%s' is corrupt at line %zu (%s) with records after "
				    "it; nothing was changed. Keep a copy, then cut the file before "
				    "line %zu (head -n %zu) to trust the first %zu records and run "
				    "'kdx resume' or 'kdx rollback', or check the live state by hand",
				    path, lineno, why, lineno, lineno - 1, lineno - 1);
			rc = -1;
			break;
		}
		const kdx_value *step = kdx_value_get(v, "step");
		apply_record(st, kind->u.str.ptr,
			     step && step->kind == KDX_V_STRING ? step->u.str.ptr : NULL,
			     kdx_value_get(v, "data"), kdx_value_get(v, "ts"));
		st->last_seq++;
		st->nrecords++;
		pos += len + 1;
		st->valid_bytes = pos;
	}
	if (rc == 0 && st->nrecords == 0 && !st->torn_tail) {
		strbuf_addf(err, "journal '%s' is empty", path);
		rc = -1;
	}
	kdx_arena_release(&a);
	strbuf_release(&text);
	return rc;
}
