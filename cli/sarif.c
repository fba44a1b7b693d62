/* sarif: kdx diagnostics as a SARIF 2.1.0 log (see sarif.h). The rule table gives each
 * diagnostic code a description a code-scanning view can show next to the result. */
#include "sarif.h"
#include "version.h"
#include "../common/xalloc.h"
#include "../compiler/safety.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct kdx_sarif {
	json_object *log, *rules, *results;
	const char *command;
};

/* Codes that are not safety analyses (those describe themselves: kdx_safety_explain). */
static const struct { const char *code, *text; } rule_text[] = {
	{ "syntax", "The file does not parse as kdx." },
	{ "resolve", "A name (step, resource, param, region, action) is not declared or is ambiguous." },
	{ "import", "An imported module cannot be found or does not compile." },
	{ "type", "A value has the wrong type or unit." },
	{ "var", "A -var or var-file value is malformed or names no param." },
	{ "param", "A param's value is not allowed or does not validate." },
	{ "name", "A name is declared twice." },
	{ "step", "A step clause is malformed (timeout, retry, approval, undo...)." },
	{ "exec", "A core.exec step runs a command the runbook does not allow." },
	{ "aws", "A call aws names an operation or parameter the AWS model does not have." },
	{ "io", "A file cannot be read." },
	{ "check", "The file cannot be checked (e.g. a module, not a runbook)." },
};

static const char *describe(const char *code, strbuf *tmp)
{
	for (size_t i = 0; i < sizeof(rule_text) / sizeof(rule_text[0]); i++)
		if (!strcmp(rule_text[i].code, code))
			return rule_text[i].text;
	const char *ex = kdx_safety_explain(code);
	if (ex) { /* its first line says what the analysis proves */
		const char *nl = strchr(ex, '\n');
		strbuf_add(tmp, ex, nl ? (size_t)(nl - ex) : strlen(ex));
		return tmp->buf;
	}
	strbuf_addf(tmp, "kdx diagnostic '%s'.", code);
	return tmp->buf;
}

static json_object *text_obj(const char *text)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "text", json_object_new_string(text));
	return o;
}

kdx_sarif *kdx_sarif_new(const char *command)
{
	kdx_sarif *s = xcalloc(1, sizeof(*s));
	s->command = command;
	s->log = json_object_new_object();
	json_object_object_add(s->log, "$schema",
			       json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_object_add(s->log, "version", json_object_new_string("2.1.0"));
	json_object *run = json_object_new_object(), *tool = json_object_new_object(),
		    *driver = json_object_new_object(), *runs = json_object_new_array();
	json_object_object_add(driver, "name", json_object_new_string("kdx"));
	json_object_object_add(driver, "version", json_object_new_string(KDX_VERSION));
	json_object_object_add(driver, "semanticVersion", json_object_new_string(KDX_VERSION));
	s->rules = json_object_new_array();
	json_object_object_add(driver, "rules", s->rules);
	json_object_object_add(tool, "driver", driver);
	json_object_object_add(run, "tool", tool);
	json_object *inv = json_object_new_object(), *invs = json_object_new_array();
	strbuf cl = STRBUF_INIT;
	strbuf_addf(&cl, "kdx %s", command);
	json_object_object_add(inv, "commandLine", json_object_new_string(cl.buf));
	strbuf_release(&cl);
	json_object_object_add(inv, "executionSuccessful", json_object_new_boolean(1));
	json_object_array_add(invs, inv);
	json_object_object_add(run, "invocations", invs);
	s->results = json_object_new_array();
	json_object_object_add(run, "results", s->results);
	json_object_array_add(runs, run);
	json_object_object_add(s->log, "runs", runs);
	return s;
}

/* The index of code's rule, adding it on first use. */
static size_t rule_index(kdx_sarif *s, const char *code)
{
	size_t n = json_object_array_length(s->rules);
	for (size_t i = 0; i < n; i++) {
		json_object *id;
		json_object_object_get_ex(json_object_array_get_idx(s->rules, i), "id", &id);
		if (!strcmp(json_object_get_string(id), code))
			return i;
	}
	strbuf tmp = STRBUF_INIT, help = STRBUF_INIT;
	json_object *r = json_object_new_object();
	json_object_object_add(r, "id", json_object_new_string(code));
	json_object_object_add(r, "name", json_object_new_string(code));
	json_object_object_add(r, "shortDescription", text_obj(describe(code, &tmp)));
	const char *ex = kdx_safety_explain(code);
	if (ex) {
		json_object_object_add(r, "fullDescription", text_obj(ex));
		strbuf_addf(&help, "Run 'kdx check -explain %s'.", code);
		json_object_object_add(r, "help", text_obj(help.buf));
	}
	json_object_array_add(s->rules, r);
	strbuf_release(&tmp);
	strbuf_release(&help);
	return n;
}

/* A relative path stays relative (to the repository, %SRCROOT%); an absolute one becomes
 * a file:// URI. Bytes outside RFC 3986's unreserved set and '/' are percent-encoded. */
static json_object *artifact(const char *path)
{
	json_object *a = json_object_new_object();
	strbuf uri = STRBUF_INIT;
	if (path[0] == '/')
		strbuf_addstr(&uri, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			strbuf_addch(&uri, *p);
		else
			strbuf_addf(&uri, "%%%02X", *p);
	}
	json_object_object_add(a, "uri", json_object_new_string(uri.buf));
	if (path[0] != '/')
		json_object_object_add(a, "uriBaseId", json_object_new_string("%SRCROOT%"));
	strbuf_release(&uri);
	return a;
}

static json_object *location(const kdx_sources *src, kdx_span span, const char *msg)
{
	const kdx_source *f = &src->files[span.file];
	unsigned line, col, eline, ecol;
	kdx_source_position(f, span.start, &line, &col);
	kdx_source_position(f, span.end > span.start ? span.end : span.start, &eline, &ecol);
	json_object *loc = json_object_new_object(), *phys = json_object_new_object(),
		    *region = json_object_new_object();
	json_object_object_add(phys, "artifactLocation", artifact(f->path));
	json_object_object_add(region, "startLine", json_object_new_int((int)line));
	json_object_object_add(region, "startColumn", json_object_new_int((int)col));
	json_object_object_add(region, "endLine", json_object_new_int((int)eline));
	json_object_object_add(region, "endColumn",
			       json_object_new_int((int)(ecol > col || eline > line ? ecol : col + 1)));
	json_object_object_add(phys, "region", region);
	json_object_object_add(loc, "physicalLocation", phys);
	if (msg)
		json_object_object_add(loc, "message", text_obj(msg));
	return loc;
}

void kdx_sarif_add(kdx_sarif *s, const kdx_diags *d, const kdx_sources *src)
{
	static const char *const level[] = { [KDX_ERROR] = "error", [KDX_WARNING] = "warning",
					     [KDX_NOTE] = "note" };
	for (size_t i = 0; i < d->n; i++) {
		const kdx_diag *g = &d->items[i];
		const char *code = g->code ? g->code : "kdx";
		json_object *r = json_object_new_object();
		json_object_object_add(r, "ruleId", json_object_new_string(code));
		json_object_object_add(r, "ruleIndex", json_object_new_int((int)rule_index(s, code)));
		json_object_object_add(r, "level", json_object_new_string(level[g->sev]));
		strbuf msg = STRBUF_INIT;
		strbuf_addstr(&msg, g->msg);
		if (g->hint)
			strbuf_addf(&msg, "\nhint: %s", g->hint);
		json_object_object_add(r, "message", text_obj(msg.buf));
		strbuf_release(&msg);
		if (g->located && g->span.file < src->n) {
			json_object *locs = json_object_new_array();
			json_object_array_add(locs, location(src, g->span, NULL));
			json_object_object_add(r, "locations", locs);
		}
		json_object *rel = NULL;
		for (size_t j = 0; j < g->nnotes; j++) {
			const kdx_note *n = &g->notes[j];
			if (!n->located || n->span.file >= src->n)
				continue;
			if (!rel)
				rel = json_object_new_array();
			json_object *l = location(src, n->span, n->msg);
			json_object_object_add(l, "id", json_object_new_int((int)j));
			json_object_array_add(rel, l);
		}
		if (rel)
			json_object_object_add(r, "relatedLocations", rel);
		json_object_array_add(s->results, r);
	}
}

void kdx_sarif_finish(kdx_sarif *s, strbuf *out)
{
	strbuf_addstr(out, json_object_to_json_string_ext(
				   s->log, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
	strbuf_addch(out, '\n');
	json_object_put(s->log);
	free(s);
}
