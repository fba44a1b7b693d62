/* runbook: compile + check + credentials + backend, shared by the run commands. */
#include "runbook.h"
#include "arc_live.h"
#include "state.h"
#include "../executor/store/store_open.h"

#include "../common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kdx_rb_error(const char *msg)
{
	const char *p = msg;
	do {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(stderr, "kdx: error: %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
}

static const kdx_flag rb_flags[] = {
	KDX_FLAG(kdx_rb_opts, state_url, "state", KDX_FLAG_STRING, "URL",
		 "the run store: file://DIR, s3://BUCKET/PREFIX?region=R,\n"
		 "dynamodb://TABLE?region=R (default: $KDX_STATE, then the\n"
		 "runbook's state block, then .kdx)"),
	KDX_FLAG(kdx_rb_opts, lease, "lease", KDX_FLAG_STRING, "D",
		 "a shared store's lock lease (default 30s), renewed by a heartbeat"),
	KDX_FLAG(kdx_rb_opts, lock_timeout, "lock-timeout", KDX_FLAG_STRING, "D",
		 "wait up to D for a lock another run holds (the runbook's or\n"
		 "a resource's; any store) instead of failing at once"),
	KDX_FLAG(kdx_rb_opts, endpoint_url, "endpoint-url", KDX_FLAG_STRING, "URL",
		 "send every AWS request to URL (an emulator)"),
	KDX_FLAG_INCLUDE(kdx_rb_opts, src, kdx_fe_flag_group),
	{ 0 },
};

const kdx_flag_group kdx_rb_flag_group = { .flags = rb_flags };

/* The command-line side of the gate on core.exec and Terraform: a plan that starts local
 * commands runs only with -allow-exec (the runbook side, allow_exec, was checked by the
 * compiler). */
static int exec_gate(const kdx_plan *p, const char *path, const kdx_rb_opts *o)
{
	if (o->allow_exec)
		return 0;
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		bool run = s->action && !strcmp(s->action, "core.exec");
		bool undo = s->undo_action && !strcmp(s->undo_action, "core.exec");
		if (!run && !undo && !s->runs_terraform)
			continue;
		fprintf(stderr, "kdx: error: '%s' runs local commands (step '%s'%s: %s), "
			"which is off by default; nothing was run\n", path, s->name,
			run || s->runs_terraform ? "" : ", its undo",
			run || undo ? "core.exec" : "Terraform");
		fprintf(stderr, "kdx: error: review the commands (kdx plan -allow-exec shows them), "
			"then pass -allow-exec\n");
		return -1;
	}
	return 0;
}

void kdx_rb_opts_release(kdx_rb_opts *o)
{
	kdx_fe_opts_release(&o->src);
}

int kdx_rb_load(kdx_rb *r, const char *path, const kdx_rb_opts *o, unsigned needs)
{
	memset(r, 0, sizeof(*r));
	aws_credentials_init(&r->creds);
	kdx_fe_opts src = o->src;
	src.state_url = o->state_url;
	src.state_dir = o->state_dir;
	int rc = kdx_fe_load(&r->fe, path, &src, needs);
	if (r->fe.comp.diags.n) {
		strbuf out = STRBUF_INIT;
		kdx_fe_render(&r->fe, o->json, &out);
		fputs(out.buf ? out.buf : "", stderr);
		strbuf_release(&out);
	}
	if (rc < 0) {
		/* a plan after -1: the run store or the analyses refused it (frontend.h) */
		fprintf(stderr, "kdx: error: '%s' %s; nothing was run\n", path,
			r->fe.comp.plan ? "is not safe to run (see above)"
					: "does not compile (see above)");
		return -1;
	}
	if (exec_gate(r->fe.comp.plan, path, o) < 0)
		return -1;
	strbuf err = STRBUF_INIT;
	aws_cred_opts cred = { 0 };
	/* A runbook whose modules never call AWS (sleeps, http checks, exec, terraform) runs
	 * without AWS credentials; if there are some, they are still loaded so that their
	 * secrets are masked wherever the run prints or journals. */
	int crc = aws_credentials_load(&r->creds, &cred, &err);
	if (crc < 0 && r->fe.naws > 0 && (needs & KDX_NEED_CREDS)) {
		kdx_rb_error(err.buf);
		strbuf_release(&err);
		return -1;
	}
	if (crc == 0) {
		r->have_creds = true;
		if (r->creds.secret_access_key)
			r->secrets[r->nsecrets++] = r->creds.secret_access_key;
		if (r->creds.session_token)
			r->secrets[r->nsecrets++] = r->creds.session_token;
	}
	strbuf_reset(&err);
	r->rt = (kdx_runtime){ .sources = &r->fe.comp.sources, .endpoint_url = o->endpoint_url,
			       .creds = r->have_creds ? &r->creds : NULL,
			       .dry_run = o->dry_run, .no_waits = o->no_waits,
			       .allow_exec = o->allow_exec };
	kdx_runtime_use_plan(&r->rt, r->fe.comp.plan, &r->fe.comp.arena);
	if (kdx_real_backend_init(&r->be, &r->rt, &err) < 0) {
		kdx_rb_error(err.buf);
		strbuf_release(&err);
		return -1;
	}
	r->have_be = true;
	/* the proofs of the routing-control steps hold only for the rules they were made with */
	if (o->arc_live && r->have_creds) {
		strbuf warn = STRBUF_INIT;
		int lrc = kdx_arc_live_verify(r->fe.comp.plan, &r->creds, o->endpoint_url, &warn,
					      &err);
		for (const char *p = warn.len ? warn.buf : NULL; p && *p;) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);
			fprintf(stderr, "kdx: warning: %.*s\n", len, p);
			p = nl ? nl + 1 : NULL;
		}
		strbuf_release(&warn);
		if (lrc < 0) {
			kdx_rb_error(err.buf);
			fprintf(stderr, "kdx: error: '%s': nothing was run\n", path);
			strbuf_release(&err);
			return -1;
		}
	}
	strbuf_release(&err);
	return 0;
}

void kdx_rb_release(kdx_rb *r)
{
	if (r->have_be)
		kdx_real_backend_release(&r->be);
	kdx_fe_release(&r->fe);
	kdx_sources_release(&r->sources);
	aws_credentials_release(&r->creds);
}

void kdx_rb_release_compilation(kdx_rb *r)
{
	size_t naws = r->fe.naws; /* kdx_rb_store_identify: does the runbook call AWS? */
	kdx_sources_take(&r->sources, &r->fe.comp.sources);
	kdx_fe_release(&r->fe);
	r->fe.naws = naws;
	r->rt.sources = &r->sources;
	if (r->have_be)
		kdx_real_backend_use_plan(&r->be, &r->rt);
}

/* ---- meta: how to rebuild the same plan ---- */

#include <json-c/json.h>
#include "../common/json.h"
#include "../common/digest.h"
#include "../common/xalloc.h"
#include "../executor/lock.h"

static int sha256_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	kdx_sha256_ctx *c = kdx_sha256_new();
	unsigned char buf[65536], md[KDX_SHA256_LEN];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		kdx_sha256_update(c, buf, n);
	int bad = ferror(f);
	fclose(f);
	kdx_sha256_final(c, md);
	kdx_hex(md, sizeof(md), hex);
	return bad ? -1 : 0;
}

static kdx_json *str_list(const kdx_strlist *l)
{
	kdx_json *a = kdx_json_array();
	for (size_t i = 0; i < l->n; i++)
		kdx_json_push_str(a, l->items[i]);
	return a;
}

/* The sha256 of the compiled text of source i (not the file read again: a file edited in
 * between must make the plan stale, not be recorded as what the plan was made from);
 * false for sources that are not files (the embedded stdlib). */
static bool source_hash(const kdx_rb *r, size_t i, char hex[65])
{
	const kdx_source *f = &r->fe.comp.sources.files[i];
	if (!f->path || !f->from_file)
		return false;
	kdx_sha256_hex(f->text, f->len, hex);
	return true;
}

void kdx_rb_meta(const kdx_rb *r, const char *path, const kdx_rb_opts *o, strbuf *out)
{
	kdx_json *m = kdx_json_object();
	kdx_json_set_str(m, "runbook", path);
	kdx_json_set(m, "vars", str_list(&o->src.vars));
	kdx_json_set(m, "var_files", str_list(&o->src.var_files));
	kdx_json_set(m, "includes", str_list(&o->src.incs));
	kdx_json *src = kdx_json_set_object(m, "sources");
	char hex[65];
	for (size_t i = 0; i < r->fe.comp.sources.n; i++)
		if (source_hash(r, i, hex))
			kdx_json_set_str(src, r->fe.comp.sources.files[i].path, hex);
	for (size_t i = 0; i < o->src.var_files.n; i++)
		if (sha256_file(o->src.var_files.items[i], hex) == 0)
			kdx_json_set_str(src, o->src.var_files.items[i], hex);
	/* the gates a person can open from elsewhere (kdx approve checks RUN STEP by them) */
	const kdx_plan *plan = r->fe.comp.plan;
	kdx_json *gates = kdx_json_set_object(m, "approval_gates");
	for (size_t i = 0; plan && i < plan->nsteps; i++)
		if (plan->steps[i].approval)
			kdx_json_set_int(gates, plan->steps[i].name,
					 plan->steps[i].approval_min > 1 ? plan->steps[i].approval_min : 1);
	kdx_json_write(out, m);
	kdx_json_free(m);
}

static void digest_part(kdx_sha256_ctx *c, const char *s)
{
	kdx_sha256_update(c, s, strlen(s) + 1); /* with its NUL: "ab","c" != "a","bc" */
}

/* Finishes (and frees) c. */
static char *digest_end(kdx_sha256_ctx *c)
{
	unsigned char md[KDX_SHA256_LEN];
	char hex[65];
	kdx_sha256_final(c, md);
	kdx_hex(md, sizeof(md), hex);
	return xstrdup(hex);
}

kdx_store *kdx_rb_store(const char *url, const char *runbook_path, const kdx_rb_opts *o)
{
	int64_t lease = o && o->lease ? kdx_duration_parse(o->lease) : 0;
	int64_t wait = o && o->lock_timeout ? kdx_duration_parse(o->lock_timeout) : 0;
	if (lease < 0 || (o && o->lease && lease < 1000) || wait < 0) {
		fprintf(stderr, "kdx: error: -lease takes a duration of at least 1s (e.g. 30s), "
				"-lock-timeout a duration (e.g. 5m)\n");
		return NULL;
	}
	strbuf err = STRBUF_INIT, u = STRBUF_INIT;
	if (url) {
		strbuf_addstr(&u, url);
	} else {
		char *dir = kdx_state_dir_for(runbook_path);
		strbuf_addf(&u, "file://%s", dir);
		free(dir);
	}
	kdx_store *s = NULL;
	if (kdx_store_open_url(u.buf, &s, &err) < 0 || kdx_store_check_owner(s, &err) < 0) {
		kdx_rb_error(err.buf);
		kdx_store_free(s);
		s = NULL;
	} else {
		kdx_store_set_lease(s, lease);
		kdx_store_set_lock_timeout(s, wait);
	}
	strbuf_release(&err);
	strbuf_release(&u);
	return s;
}

void kdx_rb_store_identify(const kdx_rb *r, kdx_store *s)
{
	/* the shared stores ask STS themselves when they take a lock; a file store's lock
	 * names the AWS identity only when told. A runbook that calls no AWS API (Terraform or
	 * local commands only) never reaches STS for it, nor one run without credentials:
	 * their locks say "unknown". */
	if (!kdx_store_file_dir(s))
		return;
	if (!r->have_creds || r->fe.naws == 0) {
		kdx_store_set_identity(s, "unknown");
		return;
	}
	strbuf arn = STRBUF_INIT, err = STRBUF_INIT;
	kdx_store_set_identity(s, kdx_store_caller_arn(NULL, &arn, &err) == 0 ? arn.buf : "unknown");
	strbuf_release(&arn);
	strbuf_release(&err);
}

int kdx_rb_store_probe(const kdx_rb *r, kdx_store *s)
{
	strbuf err = STRBUF_INIT;
	kdx_rb_store_identify(r, s);
	int rc = kdx_store_probe(s, &err);
	if (rc < 0)
		kdx_rb_error(err.buf);
	strbuf_release(&err);
	return rc;
}

const char *kdx_rb_state_url(const kdx_rb_opts *o, strbuf *buf)
{
	const char *env = getenv("KDX_STATE");
	if (o->state_url)
		return o->state_url;
	if (o->state_dir) {
		strbuf_addf(buf, "file://%s", o->state_dir);
		return buf->buf;
	}
	return env && *env ? env : NULL;
}

void kdx_rb_ident(const kdx_rb *r, const char *path, const kdx_rb_opts *o, kdx_run_ident *id)
{
	const kdx_plan *p = r->fe.comp.plan;
	id->key = kdx_lock_key_for(path);
	id->runbook = xstrdup(p && p->name ? p->name : id->key);
	id->path = xstrdup(path);
	id->env = xstrdup(p && p->environment ? p->environment : "default");
	kdx_sha256_ctx *c = kdx_sha256_new();
	char hex[65];
	for (size_t i = 0; i < r->fe.comp.sources.n; i++) {
		if (!source_hash(r, i, hex))
			continue;
		digest_part(c, r->fe.comp.sources.files[i].path);
		digest_part(c, hex);
	}
	id->program_digest = digest_end(c);
	c = kdx_sha256_new();
	for (size_t i = 0; i < o->src.vars.n; i++) {
		digest_part(c, "var");
		digest_part(c, o->src.vars.items[i]);
	}
	for (size_t i = 0; i < o->src.var_files.n; i++) {
		digest_part(c, "var-file");
		digest_part(c, o->src.var_files.items[i]);
		digest_part(c, sha256_file(o->src.var_files.items[i], hex) == 0 ? hex : "unreadable");
	}
	id->vars_digest = digest_end(c);
	kdx_run_ident_stamp(id);
}

static void load_list(json_object *m, const char *key, kdx_strlist *l)
{
	json_object *a;
	if (!json_object_object_get_ex(m, key, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++)
		kdx_strlist_push(l, json_object_get_string(json_object_array_get_idx(a, i)));
}

int kdx_rb_meta_load(const char *meta, kdx_rb_opts *o, const char **path, void **holder)
{
	json_object *m = meta ? kdx_json_parse_str(meta, NULL) : NULL;
	*holder = m;
	if (!m || !json_object_is_type(m, json_type_object))
		return -1;
	json_object *p;
	if (path && json_object_object_get_ex(m, "runbook", &p))
		*path = json_object_get_string(p);
	load_list(m, "vars", &o->src.vars);
	load_list(m, "var_files", &o->src.var_files);
	load_list(m, "includes", &o->src.incs);
	return 0;
}

void kdx_rb_meta_free(void *holder)
{
	json_object_put(holder);
}

int kdx_rb_sources_changed(const char *meta, strbuf *why)
{
	json_object *m = meta ? kdx_json_parse_str(meta, NULL) : NULL, *s;
	int changed = 0;
	if (!m || !json_object_object_get_ex(m, "sources", &s)) {
		strbuf_addstr(why, "the plan records no sources");
		json_object_put(m);
		return 1;
	}
	json_object_object_foreach(s, file, want)
	{
		char hex[65];
		if (changed)
			break;
		if (sha256_file(file, hex) < 0) {
			strbuf_addf(why, "'%s' cannot be read any more", file);
			changed = 1;
		} else if (strcmp(hex, json_object_get_string(want))) {
			strbuf_addf(why, "'%s' changed since the plan was made", file);
			changed = 1;
		}
	}
	json_object_put(m);
	return changed;
}

int kdx_exit_for_run(const kdx_run_result *res, bool rollback)
{
	if (res->status == KDX_RUN_OK || (rollback && res->status == KDX_RUN_ROLLED_BACK))
		return KDX_EXIT_OK;
	if (res->status == KDX_RUN_ROLLBACK_INCOMPLETE ||
	    (res->status == KDX_RUN_DEGRADED && res->in_place))
		return KDX_EXIT_INCOMPLETE;
	return KDX_EXIT_ERROR;
}
