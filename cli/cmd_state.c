/* kdx state: the run store itself -- init, list, show RUN, unlock NAME, rm RUN,
 * migrate FROM TO -- for any store behind the seam (file://, s3://, dynamodb://). */
#include "cli.h"
#include "journal_view.h"
#include "../common/store_url.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "../executor/journal.h"
#include "../executor/store.h"
#include "../executor/store/store_lease.h"
#include "../executor/approval_rec.h"
#include "../executor/store/store_open.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cmd_state(const kdx_command *cmd, void *opts, kdx_strlist *pos);

static int die_err(const char *what, const strbuf *err)
{
	fprintf(stderr, "kdx: error: %s%s%s\n", what ? what : "", what ? ": " : "", err->buf);
	return KDX_EXIT_ERROR;
}

/* -state URL, else $KDX_STATE, else .kdx (the runbook's block needs the runbook: state
 * commands take the URL). */
static const char *store_url(const char *flag)
{
	const char *env = getenv("KDX_STATE");
	return flag ? flag : env && *env ? env : "file://.kdx";
}

static int open_store(const char *url, kdx_store **s)
{
	strbuf err = STRBUF_INIT;
	int rc = kdx_store_open_url(url, s, &err);
	if (rc < 0)
		die_err(NULL, &err);
	strbuf_release(&err);
	return rc;
}

/* Every run id in the store (all keys). */
static int all_runs(kdx_store *s, kdx_names *ids, strbuf *err)
{
	const char *dir = kdx_store_file_dir(s);
	if (!dir)
		return s->ops->list(s, "", ids, err);
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : (strbuf_addf(err, "cannot list '%s': %s", dir,
							  strerror(errno)), -1);
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 6 && !strcmp(e->d_name + n - 6, ".jsonl")) {
			e->d_name[n - 6] = '\0';
			kdx_names_add(ids, e->d_name);
		}
	}
	closedir(d);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *run_status(const kdx_journal_state *st)
{
	if (st->ended)
		return st->end_status ? st->end_status : "ended";
	if (st->paused)
		return "paused";
	return st->rollback ? "rolling back (interrupted?)" : "running or interrupted";
}

static int state_list(kdx_store *s, bool json)
{
	kdx_names ids = { 0 };
	strbuf err = STRBUF_INIT;
	if (all_runs(s, &ids, &err) < 0) {
		kdx_names_release(&ids);
		int rc = die_err("cannot list runs", &err);
		strbuf_release(&err);
		return rc;
	}
	if (ids.n) /* an empty store: ids.v is NULL, which qsort may not take */
		qsort(ids.v, ids.n, sizeof(*ids.v), cmp_str);
	json_object *arr = json ? json_object_new_array() : NULL;
	for (size_t i = 0; i < ids.n; i++) {
		kdx_journal_state st;
		kdx_journal_state_init(&st);
		strbuf warn = STRBUF_INIT, rerr = STRBUF_INIT;
		int ok = kdx_journal_read_run(s, ids.v[i], &st, &warn, &rerr);
		kdx_run_ident id;
		kdx_run_ident_init(&id);
		kdx_store_run_ident(s, ids.v[i], &id, &rerr);
		char *lname = kdx_store_lock_name(id.key ? id.key : "?", id.env);
		kdx_lease l;
		kdx_lease_init(&l);
		bool held = kdx_store_lock_read(s, lname, &l, &rerr) == 0;
		strbuf holder = STRBUF_INIT;
		if (held)
			kdx_lease_describe(&holder, &l);
		const char *status = ok == 0 || st.nrecords ? run_status(&st) : "damaged";
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "run", json_object_new_string(ids.v[i]));
			json_object_object_add(o, "runbook", id.key ? json_object_new_string(id.key) : NULL);
			json_object_object_add(o, "env", json_object_new_string(id.env ? id.env : "default"));
			json_object_object_add(o, "status", json_object_new_string(status));
			json_object_object_add(o, "records", json_object_new_int64((int64_t)st.nrecords));
			json_object_object_add(o, "created_by", id.created_by ? json_object_new_string(id.created_by) : NULL);
			json_object_object_add(o, "created_on", id.created_on ? json_object_new_string(id.created_on) : NULL);
			json_object_object_add(o, "lease_holder", held ? json_object_new_string(holder.buf) : NULL);
			if (held)
				json_object_object_add(o, "lease_alive", json_object_new_boolean(
					kdx_store_lock_check(s, lname, &l) == KDX_LEASE_ALIVE));
			json_object_array_add(arr, o);
		} else {
			printf("%-48s %-24s %s\n", ids.v[i], status, held ? holder.buf : "-");
		}
		strbuf_release(&holder);
		kdx_lease_release(&l);
		free(lname);
		kdx_run_ident_release(&id);
		kdx_journal_state_release(&st);
		strbuf_release(&warn);
		strbuf_release(&rerr);
	}
	if (json) {
		puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	}
	kdx_names_release(&ids);
	strbuf_release(&err);
	return KDX_EXIT_OK;
}

static int state_show(kdx_store *s, const char *run, bool json)
{
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT, where = STRBUF_INIT;
	int rc = kdx_journal_read_run(s, run, &st, &warn, &err);
	if (warn.len)
		fprintf(stderr, "kdx: warning: %s\n", warn.buf);
	kdx_store_describe(s, run, &where);
	if (rc < 0 && !st.nrecords) {
		rc = die_err(NULL, &err);
	} else {
		if (json)
			kdx_journal_view_json(stdout, where.buf, &st);
		else
			kdx_journal_view_text(stdout, where.buf, &st);
		kdx_names ap = { 0 };
		strbuf aerr = STRBUF_INIT;
		if (!json && kdx_store_approval_list(s, run, &ap, &aerr) == 0)
			for (size_t i = 0; i < ap.n; i++) {
				kdx_approval_rec r;
				kdx_approval_rec_init(&r);
				strbuf d = STRBUF_INIT;
				if (kdx_approval_rec_decode(ap.v[i], &r) == 0) {
					kdx_approval_rec_describe(&d, &r);
					printf("%s: %s by %s\n", r.deny ? "denial" : "approval", r.step,
					       d.buf);
				}
				strbuf_release(&d);
				kdx_approval_rec_release(&r);
			}
		kdx_names_release(&ap);
		strbuf_release(&aerr);
		rc = rc < 0 ? die_err(NULL, &err) : KDX_EXIT_OK;
	}
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	strbuf_release(&where);
	return rc;
}

static int state_unlock(kdx_store *s, const char *name)
{
	kdx_lease l;
	kdx_lease_init(&l);
	strbuf err = STRBUF_INIT, who = STRBUF_INIT;
	int rc = KDX_EXIT_OK;
	if (kdx_store_lock_read(s, name, &l, &err) < 0) {
		rc = die_err(NULL, &err);
		goto out;
	}
	kdx_lease_describe(&who, &l);
	if (kdx_store_lock_break(s, name, &err) < 0) {
		rc = die_err(NULL, &err);
		goto out;
	}
	printf("unlocked '%s': it was held by %s; that runner can no longer write its run (its "
	       "lease is void: its next write is refused), and any runner may now take the lock\n", name, who.buf);
out:
	kdx_lease_release(&l);
	strbuf_release(&err);
	strbuf_release(&who);
	return rc;
}

static int state_rm(kdx_store *s, const char *run)
{
	strbuf err = STRBUF_INIT;
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT;
	int rc = KDX_EXIT_OK;
	kdx_journal_read_run(s, run, &st, &warn, &err);
	if (!st.nrecords && err.len) {
		rc = die_err(NULL, &err);
		goto out;
	}
	if (!st.ended) {
		fprintf(stderr, "kdx: error: run '%s' has not ended (%s): resume or roll it back "
				"first; nothing was removed\n", run, run_status(&st));
		rc = KDX_EXIT_ERROR;
		goto out;
	}
	strbuf_reset(&err);
	const char *dir = kdx_store_file_dir(s);
	if (dir) {
		strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s/%s.jsonl", dir, run);
		if (unlink(p.buf) < 0)
			strbuf_addf(&err, "cannot remove '%s': %s", p.buf, strerror(errno));
		strbuf_release(&p);
	} else {
		kdx_store_delete_run(s, run, &err);
	}
	if (err.len)
		rc = die_err(NULL, &err);
	else
		printf("removed run '%s'\n", run);
out:
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	return rc;
}

/* Copy one run record by record, then read both back and compare every byte. */
static int migrate_run(kdx_store *from, kdx_store *to, const char *run, strbuf *err)
{
	strbuf text = STRBUF_INIT, back = STRBUF_INIT;
	kdx_store_run *r = NULL;
	int rc = kdx_store_read(from, run, 0, &text, err);
	if (rc < 0)
		goto out;
	kdx_run_ident id;
	kdx_run_ident_init(&id);
	id.run_id = strdup(run);
	rc = kdx_store_create(to, &id, &r, err);
	kdx_run_ident_release(&id);
	if (rc < 0)
		goto out;
	uint64_t seq = 0;
	for (const char *p = text.buf; rc == 0 && p < text.buf + text.len;) {
		const char *nl = memchr(p, '\n', (size_t)(text.buf + text.len - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(text.buf + text.len - p);
		if (!nl || n == 1 || *p == '\0') /* a torn tail or written-ahead zeros: not a record */
			break;
		rc = kdx_store_append(r, NULL, ++seq, p, n, false, err);
		p += n;
	}
	if (rc == 0)
		rc = kdx_store_sync(r, err);
	kdx_store_run_close(r);
	r = NULL;
	if (rc == 0)
		rc = kdx_store_read(to, run, 0, &back, err);
	size_t good = 0;
	for (size_t i = 0; i < text.len && text.buf[i]; i++)
		if (text.buf[i] == '\n')
			good = i + 1;
	if (rc == 0 && (back.len != good || memcmp(back.buf, text.buf, good))) {
		strbuf_addf(err, "run '%s': the copy differs from the original after %zu bytes; "
			    "the original is untouched", run, back.len < good ? back.len : good);
		rc = -1;
	}
	if (rc == 0)
		printf("migrated run '%s': %" PRIu64 " records, verified\n", run, seq);
out:
	strbuf_release(&text);
	strbuf_release(&back);
	return rc;
}

static int state_migrate(const char *from_url, const char *to_url, const kdx_strlist *runs)
{
	kdx_store *from = NULL, *to = NULL;
	if (open_store(from_url, &from) < 0 || open_store(to_url, &to) < 0) {
		kdx_store_free(from);
		return KDX_EXIT_ERROR;
	}
	kdx_names ids = { 0 };
	strbuf err = STRBUF_INIT;
	int rc = KDX_EXIT_OK;
	if (runs->n) {
		for (size_t i = 0; i < runs->n; i++)
			kdx_names_add(&ids, runs->items[i]);
	} else if (all_runs(from, &ids, &err) < 0) {
		rc = die_err("cannot list runs", &err);
	}
	if (rc == KDX_EXIT_OK && kdx_store_probe(to, &err) < 0)
		rc = die_err(NULL, &err);
	for (size_t i = 0; rc == KDX_EXIT_OK && i < ids.n; i++) {
		strbuf_reset(&err);
		if (migrate_run(from, to, ids.v[i], &err) < 0)
			rc = die_err("migrate", &err);
	}
	kdx_names_release(&ids);
	strbuf_release(&err);
	kdx_store_free(from);
	kdx_store_free(to);
	return rc;
}

static int state_init(kdx_store *s, const char *url)
{
	strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int rc = KDX_EXIT_OK;
	const char *dir = kdx_store_file_dir(s);
	if (dir) {
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			strbuf_addf(&err, "cannot create '%s': %s", dir, strerror(errno));
		else
			strbuf_addf(&out, "directory '%s' ready (0700)", dir);
	} else {
		kdx_store_prepare(s, &out, &err);
	}
	if (err.len)
		rc = die_err(NULL, &err);
	else
		printf("%s: %s\n", url, out.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

/* kdx state lock NAME [-lease D] [-hold D] [-write RUN]: take a lock by hand (maintenance),
 * hold it, and optionally append a record to RUN every 200 ms as its holder -- what the
 * tests use to show that a runner whose lease was taken over cannot write again. */
static int state_lock(kdx_store *s, const char *name, const char *lease, const char *hold,
		      const char *write_run)
{
	int64_t ttl = lease ? kdx_duration_parse(lease) : 0;
	int64_t hold_ms = hold ? kdx_duration_parse(hold) : 0;
	if (ttl < 0 || hold_ms < 0) {
		fprintf(stderr, "kdx: error: -lease and -hold take a duration such as 30s\n");
		return KDX_EXIT_ERROR;
	}
	kdx_lease l;
	kdx_lease_init(&l);
	strbuf err = STRBUF_INIT;
	int rc = KDX_EXIT_OK;
	if (kdx_store_lock_take(s, name, "kdx state lock", ttl, &l, &err) < 0) {
		rc = die_err(NULL, &err);
		goto out;
	}
	printf("took lock '%s' (fencing token %" PRIu64 ")\n", name, l.token);
	fflush(stdout);
	kdx_journal j;
	kdx_journal_init(&j);
	bool writing = false;
	if (write_run) {
		kdx_run_ident id;
		kdx_run_ident_init(&id);
		id.run_id = strdup(write_run);
		id.key = strdup(name);
		kdx_json *start = kdx_json_object();
		kdx_json_set_str(start, "command", "state lock");
		strbuf data = STRBUF_INIT;
		kdx_json_write(&data, start);
		kdx_json_free(start);
		writing = kdx_journal_create_in(&j, s, &id, &l, &err) == 0 &&
			  kdx_journal_append(&j, KDX_J_RUN_START, NULL, data.buf, &err) == 0;
		strbuf_release(&data);
		if (!writing)
			rc = die_err(NULL, &err);
		kdx_run_ident_release(&id);
	}
	struct timespec tick = { 0, 200 * 1000000L };
	for (int64_t t = 0; rc == KDX_EXIT_OK && t < hold_ms; t += 200) {
		if (writing && kdx_journal_append(&j, KDX_J_STEP_START, "tick", NULL, &err) < 0) {
			rc = die_err("write refused", &err);
			break;
		}
		nanosleep(&tick, NULL);
	}
	kdx_journal_release(&j);
	kdx_store_lock_release(s, &l);
out:
	kdx_lease_release(&l);
	strbuf_release(&err);
	return rc;
}

typedef struct state_args {
	const char *state, *lease, *hold, *write_run;
	bool json;
} state_args;

#define F(field, name, kind, arg, help) KDX_FLAG(state_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(state, "state", KDX_FLAG_STRING, "URL", "the store (default: $KDX_STATE, else file://.kdx)"),
	F(json, "json", KDX_FLAG_BOOL, NULL, "list: an array; show: the run's state as JSON"),
	F(lease, "lease", KDX_FLAG_STRING, "D", "lock: the lease to take"),
	F(hold, "hold", KDX_FLAG_STRING, "D", "lock: how long to hold it"),
	F(write_run, "write", KDX_FLAG_STRING, "RUN", "lock: append to RUN as the lock's holder"),
	{ 0 },
};
#undef F
const kdx_options cmd_state_opts = { flags, sizeof(state_args), NULL };

int cmd_state(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	state_args *a = opts;
	int rc;
	const char *sub = pos->n ? pos->items[0] : NULL;
	static const struct { const char *name; size_t args; } subs[] = {
		{ "init", 0 }, { "list", 0 }, { "show", 1 }, { "unlock", 1 }, { "rm", 1 },
		{ "migrate", 2 }, { "lock", 1 },
	};
	size_t k;
	for (k = 0; sub && k < sizeof(subs) / sizeof(subs[0]) && strcmp(sub, subs[k].name); k++)
		;
	if (!sub || k == sizeof(subs) / sizeof(subs[0])) {
		rc = kdx_usage_error(cmd, "%s%s%s", sub ? "unknown subcommand '" : "a subcommand is needed",
				     sub ? sub : "", sub ? "'" : "");
		goto done;
	}
	if (!strcmp(sub, "migrate") ? pos->n < 3 : pos->n != subs[k].args + 1) {
		rc = kdx_usage_error(cmd, "'kdx state %s' takes %zu argument%s", sub, subs[k].args,
				     subs[k].args == 1 ? "" : "s");
		goto done;
	}
	/* the flags some subcommands take (their help says "list: ...", "lock: ...") */
	const kdx_sub_flag only[] = {
		{ "-json", "list show", a->json },
		{ "-lease", "lock", a->lease != NULL },
		{ "-hold", "lock", a->hold != NULL },
		{ "-write", "lock", a->write_run != NULL },
	};
	if (kdx_sub_flags_check(cmd, sub, only, sizeof(only) / sizeof(only[0]))) {
		rc = KDX_EXIT_ERROR;
		goto done;
	}
	if (!strcmp(sub, "migrate")) {
		kdx_strlist runs = { 0 };
		for (size_t i = 3; i < pos->n; i++)
			kdx_strlist_push(&runs, pos->items[i]);
		rc = state_migrate(pos->items[1], pos->items[2], &runs);
		kdx_strlist_release(&runs);
		goto done;
	}
	const char *url = store_url(a->state);
	kdx_store *s = NULL;
	if (open_store(url, &s) < 0) {
		rc = KDX_EXIT_ERROR;
		goto done;
	}
	if (!strcmp(sub, "init"))
		rc = state_init(s, url);
	else if (!strcmp(sub, "list"))
		rc = state_list(s, a->json);
	else if (!strcmp(sub, "show"))
		rc = state_show(s, pos->items[1], a->json);
	else if (!strcmp(sub, "unlock"))
		rc = state_unlock(s, pos->items[1]);
	else if (!strcmp(sub, "rm"))
		rc = state_rm(s, pos->items[1]);
	else
		rc = state_lock(s, pos->items[1], a->lease, a->hold, a->write_run);
	kdx_store_free(s);
done:
	return rc;
}
