/* journal: append-only JSON-lines run record with a CRC32C per record, and the reader that
 * rebuilds a run's state from it (torn tail tolerated, middle not).
 *
 *
 * The bytes live in a store (store.h): a directory today, S3 or DynamoDB tomorrow. The
 * journal owns the format (sequence numbers, CRCs, the secret guard) and the rules of what
 * a reader may trust; the store only keeps records in order. */
#include "journal.h"
#include "reqlog.h"

#include "../common/arena.h"
#include "../common/interrupt.h"
#include "../common/json.h"
#include "../common/utctime.h"
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
}

static void read_crash_hook(kdx_journal *j)
{
	const char *s = getenv("KDX_CRASH_AT");
	j->crash_at = s ? strtol(s, NULL, 10) : 0;
	j->records = j->fsyncs = 0;
	j->dirty = false;
}

static void took_run(kdx_journal *j, kdx_store_run *r, const kdx_lease *lease)
{
	j->run = r;
	j->lease = lease;
	strbuf p = STRBUF_INIT;
	kdx_store_describe(r->store, r->run_id, &p);
	free(j->path);
	j->path = strbuf_detach(&p, NULL);
	read_crash_hook(j);
}

int kdx_journal_create_in(kdx_journal *j, kdx_store *s, kdx_run_ident *id,
			  const kdx_lease *lease, strbuf *err)
{
	kdx_store_run *r;
	if (kdx_store_create(s, id, &r, err) < 0)
		return -1;
	j->seq = 0;
	j->off = 0;
	took_run(j, r, lease);
	return 0;
}

int kdx_journal_open_in(kdx_journal *j, kdx_store *s, const char *run_id,
			const kdx_store_tail *tail, const kdx_lease *lease, strbuf *err)
{
	kdx_store_run *r;
	if (kdx_store_open(s, run_id, tail, &r, err) < 0)
		return -1;
	j->seq = tail->last_seq;
	j->off = tail->valid_bytes;
	took_run(j, r, lease);
	return 0;
}

int kdx_journal_create(kdx_journal *j, const char *dir, const char *name, strbuf *err)
{
	kdx_store *s = kdx_store_open_file(dir);
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	id.key = xstrdup(name);
	int rc = kdx_journal_create_in(j, s, &id, NULL, err);
	kdx_run_ident_release(&id);
	if (rc < 0) {
		kdx_store_free(s);
		return -1;
	}
	j->own_store = s;
	return 0;
}

/* A journal's path as a file store and a run id: "<dir>/<run_id>.jsonl". */
static kdx_store *store_of_path(const char *path, char **run_id)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (slash && slash == path) {
		free(dir);
		dir = xstrdup("/");
	}
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(base);
	*run_id = xstrndup(base, n > 6 && !strcmp(base + n - 6, ".jsonl") ? n - 6 : n);
	kdx_store *s = kdx_store_open_file(dir);
	free(dir);
	return s;
}

int kdx_journal_reopen(kdx_journal *j, const char *path, uint64_t last_seq,
		       uint64_t valid_bytes, strbuf *err)
{
	char *run_id;
	kdx_store *s = store_of_path(path, &run_id);
	kdx_store_tail tail = { last_seq, valid_bytes };
	int rc = kdx_journal_open_in(j, s, run_id, &tail, NULL, err);
	free(run_id);
	if (rc < 0) {
		kdx_store_free(s);
		return -1;
	}
	j->own_store = s;
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
		/* escaped as the JSON writer escapes it, without its quotes */
		kdx_json *str = kdx_json_string(j->secrets[i]);
		kdx_json_write(&esc, str);
		kdx_json_free(str);
		esc.buf[esc.len - 1] = '\0';
		if (esc.len > 2 && strstr(rec, esc.buf + 1))
			found = true;
	}
	strbuf_release(&esc);
	return found;
}

/* One record as the journal module writes it (docs/executor.md, "Journal"): the document
 * through the JSON writer, then the checksum framing -- the CRC32C of the bytes before
 * ',"crc":' -- so a reader can check a line before it parses it. NULL with err when the
 * data is not JSON (a bad record would make the whole journal unreadable after the next). */
static int format_record(strbuf *rec, uint64_t seq, const char *kind, const char *step,
			 const char *data_json, const kdx_json *requests, const kdx_json *observed,
			 strbuf *err)
{
	kdx_json *data = NULL;
	if (data_json) {
		strbuf perr = STRBUF_INIT;
		data = kdx_json_parse_str(data_json, &perr);
		strbuf_release(&perr);
		if (!data)
			return -1;
	}
	char ts[32], when[40];
	int ms = kdx_utc_now(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S");
	snprintf(when, sizeof(when), "%s.%03dZ", ts, ms);
	kdx_json *r = kdx_json_object();
	kdx_json_set_int(r, "seq", (int64_t)seq);
	kdx_json_set_str(r, "ts", when);
	kdx_json_set_str(r, "kind", kind);
	kdx_json_set_str(r, "step", step);
	kdx_json_set(r, "data", data);
	/* the AWS requests answered since the previous record (reqlog.h) */
	if (requests)
		kdx_json_set(r, "requests", kdx_json_copy(requests));
	if (observed)
		kdx_json_set(r, "observed", kdx_json_copy(observed));
	kdx_json_write(rec, r);
	kdx_json_free(r);
	rec->buf[--rec->len] = '\0'; /* the closing '}': the CRC framing closes it */
	return 0;
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
	if (kdx_store_sync(j->run, err) < 0)
		return -1;
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
	kdx_interrupt_gate_record(); /* after SIGINT/SIGTERM the journal stays as the signal found it */
	kdx_json *reqs = kdx_reqlog_take(j->requests);
	kdx_json *obs = kdx_reqlog_take_observed(j->requests);
	if (j->discard) {
		kdx_json_free(reqs);
		kdx_json_free(obs);
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
	if (!j->run) {
		kdx_reqlog_untake(j->requests, reqs);
		kdx_reqlog_untake_observed(j->requests, obs);
		strbuf_addf(err, "journal is not open (internal error)");
		return -1;
	}
	strbuf rec = STRBUF_INIT;
	if (format_record(&rec, j->seq + 1, kind, step, data_json, reqs, obs, err) < 0) {
		strbuf_addf(err, "refusing to write record '%s' to journal '%s': its data is not "
			    "valid JSON; this is a bug in kdx, please report it", kind, j->path);
		strbuf_release(&rec);
		kdx_reqlog_untake(j->requests, reqs);
		kdx_reqlog_untake_observed(j->requests, obs);
		return -1;
	}
	if (has_secret(j, rec.buf)) {
		strbuf_addf(err, "refusing to write a secret into journal '%s' (record '%s'%s%s%s); "
			    "this is a bug in kdx, please report it", j->path, kind,
			    step ? " of step '" : "", step ? step : "", step ? "'" : "");
		strbuf_release(&rec);
		kdx_json_free(reqs);
		kdx_json_free(obs);
		return -1;
	}
	uint32_t crc = kdx_crc32c(rec.buf, rec.len);
	strbuf_addf(&rec, ",\"crc\":\"%08x\"}\n", crc);
	int rc = kdx_store_append(j->run, j->lease, j->seq + 1, rec.buf, rec.len, sync, err);
	if (rc == 0) {
		j->off += rec.len;
		j->seq++;
		j->records++;
		j->dirty = !sync;
		if (sync)
			j->fsyncs++;
		kdx_json_free(reqs);
		kdx_json_free(obs);
		reqs = obs = NULL;
		if (j->crash_at > 0 && j->records == j->crash_at)
			raise(SIGKILL);
	}
	/* not written: they go with the next record */
	kdx_reqlog_untake(j->requests, reqs);
	kdx_reqlog_untake_observed(j->requests, obs);
	strbuf_release(&rec);
	return rc;
}

void kdx_journal_release(kdx_journal *j)
{
	kdx_store_run_close(j->run);
	kdx_store_free(j->own_store);
	for (size_t i = 0; i < j->nsecrets; i++) {
		/* wipe before freeing: secrets should not linger in freed memory */
		kdx_wipe(j->secrets[i], strlen(j->secrets[i]));
		free(j->secrets[i]);
	}
	free(j->secrets);
	free(j->path);
	kdx_journal_init(j);
}

void kdx_journal_forget(kdx_journal *j)
{
	if (j->run)
		j->run->abandon = true;
	kdx_journal_release(j);
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
		free(st->steps[i].approval_by);
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
		set_str(&s->approval_by, kdx_value_get(data, "by"));
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

/* Is text (n bytes, no NUL, no newline) the start of record seq as the writer writes it? A
 * torn record is a prefix of '{"seq":N,'; anything else after the last record is damage. */
static bool torn_record(const char *text, size_t n, uint64_t seq)
{
	char head[48];
	int hl = snprintf(head, sizeof(head), "{\"seq\":%llu,", (unsigned long long)seq);
	if (n <= (size_t)hl)
		return n > 0 && !memcmp(text, head, n);
	return !memcmp(text, head, (size_t)hl);
}

static void damaged(strbuf *err, const char *name, size_t lineno, size_t off, const char *why)
{
	strbuf_addf(err, "journal '%s' is damaged at line %zu (byte %zu: %s), before its last "
		    "record; nothing was changed. Only a record torn at the very end may be cut. "
		    "Inspect it with 'kdx show -journal %s' (it shows the %zu records before the "
		    "damage), keep a copy, and check the live state by hand",
		    name, lineno, off, why, name, lineno ? lineno - 1 : 0);
}

int kdx_journal_parse(const char *name, const char *buf, size_t n, kdx_journal_state *st,
		      strbuf *warn, strbuf *err)
{
	kdx_arena a;
	kdx_arena_init(&a);
	int rc = 0;
	size_t pos = 0, lineno = 0;
	/* zeros written ahead (or left by a crash) may end the file, nothing else */
	size_t end = n;
	while (end > 0 && buf[end - 1] == '\0')
		end--;
	while (pos < end) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', end - pos);
		size_t len = nl ? (size_t)(nl - line) : end - pos;
		const char *nul = memchr(line, '\0', len);
		lineno++;
		if (!nl) {
			/* the last bytes: a record being written when the run stopped, if they
			 * are the start of the next record and nothing but zeros follows */
			if (!nul && torn_record(line, len, st->last_seq + 1)) {
				st->torn_tail = true;
				strbuf_addf(warn, "journal '%s': the last record (line %zu, %zu bytes) "
					    "is torn -- it was being written when the run stopped -- "
					    "and is ignored; it is cut off before anything is appended",
					    name, lineno, len);
				break;
			}
			damaged(err, name, lineno, pos, nul ? "a NUL byte" : "garbage after the last record");
			rc = -1;
			break;
		}
		const char *why = nul ? "a NUL byte" : NULL;
		kdx_value *v = why ? NULL : verify_line(&a, line, len, &why);
		const kdx_value *seq = v ? kdx_value_get(v, "seq") : NULL;
		const kdx_value *kind = v ? kdx_value_get(v, "kind") : NULL;
		/* compared as doubles: a converted huge or odd number would be undefined */
		if (v && (!seq || seq->kind != KDX_V_NUMBER ||
			  seq->u.num != (double)(st->last_seq + 1) || !kind ||
			  kind->kind != KDX_V_STRING)) {
			why = "out of sequence: a record is missing or repeated";
			v = NULL;
		}
		if (!v) {
			damaged(err, name, lineno, pos, why);
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
	if (rc < 0) {
		st->damaged = true;
	} else if (st->nrecords == 0 && !st->torn_tail) {
		strbuf_addf(err, "journal '%s' is empty", name);
		rc = -1;
	}
	kdx_arena_release(&a);
	return rc;
}

int kdx_journal_read_run(kdx_store *s, const char *run_id, kdx_journal_state *st,
			 strbuf *warn, strbuf *err)
{
	strbuf text = STRBUF_INIT, name = STRBUF_INIT;
	int rc = kdx_store_read(s, run_id, 0, &text, err);
	if (rc == 0) {
		kdx_store_describe(s, run_id, &name);
		rc = kdx_journal_parse(name.buf, text.buf, text.len, st, warn, err);
	}
	strbuf_release(&text);
	strbuf_release(&name);
	return rc;
}

int kdx_journal_read(const char *path, kdx_journal_state *st, strbuf *warn, strbuf *err)
{
	strbuf text = STRBUF_INIT;
	int rc = strbuf_read_file(&text, path);
	if (rc < 0)
		strbuf_addf(err, "cannot read journal '%s': %s", path, strerror(errno));
	else
		rc = kdx_journal_parse(path, text.buf, text.len, st, warn, err);
	strbuf_release(&text);
	return rc;
}
