/* runbook: compile + check + credentials + backend, shared by the run commands. */
#include "runbook.h"

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

void kdx_rb_flags(kdx_flag *f, size_t *i, kdx_rb_opts *o)
{
	kdx_fe_flags(f, i, &o->src);
	f[(*i)++] = (kdx_flag){ "endpoint-url", KDX_FLAG_STRING, &o->endpoint_url };
	f[(*i)++] = (kdx_flag){ "allow-exec", KDX_FLAG_BOOL, &o->allow_exec };
}

/* The command-line side of the gate on core.exec: a plan that starts local commands runs
 * only with -allow-exec (the runbook side, allow_exec, was checked by the compiler). */
static int exec_gate(const kdx_plan *p, const char *path, const kdx_rb_opts *o)
{
	if (o->allow_exec)
		return 0;
	for (size_t i = 0; i < p->nsteps; i++) {
		const kdx_step *s = &p->steps[i];
		bool run = s->action && !strcmp(s->action, "core.exec");
		bool undo = s->undo_action && !strcmp(s->undo_action, "core.exec");
		if (!run && !undo)
			continue;
		fprintf(stderr, "kdx: error: '%s' runs local commands (step '%s'%s: core.exec), "
			"which is off by default; nothing was run\n", path, s->name,
			run ? "" : ", its undo");
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
	int rc = kdx_fe_load(&r->fe, path, &o->src, needs);
	if (r->fe.comp.diags.n) {
		strbuf out = STRBUF_INIT;
		kdx_fe_render(&r->fe, o->json, &out);
		fputs(out.buf ? out.buf : "", stderr);
		strbuf_release(&out);
	}
	if (rc < 0) {
		if (r->fe.comp.plan)
			fprintf(stderr, "kdx: error: '%s' %s; nothing was run\n", path,
				r->fe.checked ? "is not safe to run (see above)"
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
	r->rt = (kdx_runtime){ .comp = &r->fe.comp, .endpoint_url = o->endpoint_url,
			       .creds = r->have_creds ? &r->creds : NULL,
			       .dry_run = o->dry_run, .no_waits = o->no_waits,
			       .allow_exec = o->allow_exec };
	if (kdx_real_backend_init(&r->be, &r->rt, &err) < 0) {
		kdx_rb_error(err.buf);
		strbuf_release(&err);
		return -1;
	}
	r->have_be = true;
	strbuf_release(&err);
	return 0;
}

void kdx_rb_release(kdx_rb *r)
{
	if (r->have_be)
		kdx_real_backend_release(&r->be);
	kdx_fe_release(&r->fe);
	aws_credentials_release(&r->creds);
}

/* ---- meta: how to rebuild the same plan ---- */

#include <json-c/json.h>
#include "../common/sha256.h"

static int sha256_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	kdx_sha256_ctx c;
	kdx_sha256_init(&c);
	unsigned char buf[65536], md[KDX_SHA256_LEN];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		kdx_sha256_update(&c, buf, n);
	int bad = ferror(f);
	fclose(f);
	kdx_sha256_final(&c, md);
	kdx_hex(md, sizeof(md), hex);
	return bad ? -1 : 0;
}

static void str_list(strbuf *out, const char *key, const kdx_strlist *l)
{
	strbuf_addf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add_json_str(out, l->items[i]);
	}
	strbuf_addch(out, ']');
}

void kdx_rb_meta(const kdx_rb *r, const char *path, const kdx_rb_opts *o, strbuf *out)
{
	strbuf_addstr(out, "{\"runbook\":");
	strbuf_add_json_str(out, path);
	str_list(out, "vars", &o->src.vars);
	str_list(out, "var_files", &o->src.var_files);
	str_list(out, "includes", &o->src.incs);
	strbuf_addstr(out, ",\"sources\":{");
	size_t k = 0;
	for (size_t i = 0; i < r->fe.comp.sources.n; i++) {
		/* the text that was compiled, not the file read again: a file edited in between
		 * must make the plan stale, not be recorded as what the plan was made from */
		const kdx_source *f = &r->fe.comp.sources.files[i];
		char hex[65];
		if (!f->path || !f->from_file)
			continue;
		unsigned char md[KDX_SHA256_LEN];
		kdx_sha256(f->text, f->len, md);
		kdx_hex(md, sizeof(md), hex);
		const char *p = f->path;
		strbuf_addf(out, "%s", k++ ? "," : "");
		strbuf_add_json_str(out, p);
		strbuf_addf(out, ":\"%s\"", hex);
	}
	for (size_t i = 0; i < o->src.var_files.n; i++) {
		char hex[65];
		if (sha256_file(o->src.var_files.items[i], hex) < 0)
			continue;
		strbuf_addf(out, "%s", k++ ? "," : "");
		strbuf_add_json_str(out, o->src.var_files.items[i]);
		strbuf_addf(out, ":\"%s\"", hex);
	}
	strbuf_addstr(out, "}}");
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
	json_object *m = meta ? json_tokener_parse(meta) : NULL;
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
	json_object *m = meta ? json_tokener_parse(meta) : NULL, *s;
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
