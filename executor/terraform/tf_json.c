/* tf_json: Terraform's -json UI messages, show -json and output -json, read with json-c. */
#include "tf_json.h"
#include "../../common/json.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* json-c's objects are not const here: what tf_json reads it hands on as json_object *. */
static json_object *jget(json_object *o, const char *key)
{
	return (json_object *)kdx_json_get(o, key);
}

/* A string member copied into the arena; NULL when absent or not a string. */
static const char *str_dup(kdx_arena *a, json_object *o, const char *key)
{
	const char *s = kdx_json_str(o, key);
	return s ? kdx_arena_strdup(a, s) : NULL;
}

static int jint(json_object *o, const char *key, int dflt)
{
	json_object *v = jget(o, key);
	if (!v || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return dflt;
	return json_object_get_int(v);
}

static json_object *parse_json(const char *text, size_t len, strbuf *err)
{
	strbuf why = STRBUF_INIT;
	json_object *o = kdx_json_parse(text, len, &why);
	if (!o && err)
		strbuf_addf(err, "invalid JSON from terraform: %s", why.buf);
	strbuf_release(&why);
	return o;
}

static const struct {
	const char *type;
	tf_event_kind kind;
} event_types[] = {
	{ "version", TF_EV_VERSION },
	{ "log", TF_EV_LOG },
	{ "diagnostic", TF_EV_DIAGNOSTIC },
	{ "planned_change", TF_EV_PLANNED_CHANGE },
	{ "resource_drift", TF_EV_RESOURCE_DRIFT },
	{ "change_summary", TF_EV_CHANGE_SUMMARY },
	{ "outputs", TF_EV_OUTPUTS },
	{ "apply_start", TF_EV_APPLY_START },
	{ "apply_progress", TF_EV_APPLY_PROGRESS },
	{ "apply_complete", TF_EV_APPLY_COMPLETE },
	{ "apply_errored", TF_EV_APPLY_ERRORED },
	{ "provision_start", TF_EV_PROVISION_START },
	{ "provision_progress", TF_EV_PROVISION_PROGRESS },
	{ "provision_complete", TF_EV_PROVISION_COMPLETE },
	{ "provision_errored", TF_EV_PROVISION_ERRORED },
	{ "refresh_start", TF_EV_REFRESH_START },
	{ "refresh_complete", TF_EV_REFRESH_COMPLETE },
	{ "init_output", TF_EV_INIT_OUTPUT },
};

const char *tf_event_kind_name(tf_event_kind k)
{
	if (k == TF_EV_TEXT)
		return "text";
	for (size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
		if (event_types[i].kind == k)
			return event_types[i].type;
	return "other";
}

static tf_diag *parse_diag(kdx_arena *a, json_object *d)
{
	tf_diag *g = KDX_NEW(a, tf_diag);
	g->severity = str_dup(a, d, "severity");
	g->summary = str_dup(a, d, "summary");
	g->detail = str_dup(a, d, "detail");
	g->address = str_dup(a, d, "address");
	if (!g->severity)
		g->severity = "error";
	if (!g->summary)
		g->summary = "";
	if (!g->detail)
		g->detail = "";
	json_object *range = jget(d, "range");
	if (range) {
		g->filename = str_dup(a, range, "filename");
		g->line = jint(jget(range, "start"), "line", 0);
		g->col = jint(jget(range, "start"), "column", 0);
		g->end_line = jint(jget(range, "end"), "line", 0);
		g->end_col = jint(jget(range, "end"), "column", 0);
	}
	json_object *snip = jget(d, "snippet");
	if (snip) {
		g->snippet_context = str_dup(a, snip, "context");
		g->snippet_code = str_dup(a, snip, "code");
		g->snippet_start_line = jint(snip, "start_line", 0);
		g->highlight_start = jint(snip, "highlight_start_offset", 0);
		g->highlight_end = jint(snip, "highlight_end_offset", 0);
	}
	return g;
}

/* planned_change and resource_drift carry "change", hooks carry "hook": both have a
 * "resource" with its "addr", and most an "action". */
static void parse_resource_part(kdx_arena *a, json_object *part, tf_event *ev)
{
	if (!part)
		return;
	ev->address = str_dup(a, jget(part, "resource"), "addr");
	ev->action = str_dup(a, part, "action");
	ev->id_value = str_dup(a, part, "id_value");
	ev->provisioner = str_dup(a, part, "provisioner");
	ev->output = str_dup(a, part, "output");
	json_object *el = jget(part, "elapsed_seconds");
	if (el)
		ev->elapsed_seconds = json_object_get_double(el);
}

void tf_json_parse_event(kdx_arena *a, const char *line, size_t len, tf_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->elapsed_seconds = -1;
	json_object *o = (len && line[0] == '{') ? parse_json(line, len, NULL) : NULL;
	const char *type = o ? str_dup(a, o, "type") : NULL;
	if (!type) {
		ev->kind = TF_EV_TEXT;
		ev->type = "text";
		ev->level = "text";
		ev->message = kdx_arena_strndup(a, line, len);
		json_object_put(o);
		return;
	}
	ev->type = type;
	ev->kind = TF_EV_OTHER;
	for (size_t i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
		if (!strcmp(event_types[i].type, type))
			ev->kind = event_types[i].kind;
	ev->level = str_dup(a, o, "@level");
	ev->message = str_dup(a, o, "@message");
	ev->timestamp = str_dup(a, o, "@timestamp");
	if (!ev->level)
		ev->level = "info";
	if (!ev->message)
		ev->message = "";
	switch (ev->kind) {
	case TF_EV_VERSION:
		ev->terraform_version = str_dup(a, o, "terraform");
		if (!ev->terraform_version)
			ev->terraform_version = str_dup(a, o, "tofu");
		ev->ui_version = str_dup(a, o, "ui");
		break;
	case TF_EV_DIAGNOSTIC:
		ev->diag = parse_diag(a, jget(o, "diagnostic"));
		break;
	case TF_EV_PLANNED_CHANGE:
	case TF_EV_RESOURCE_DRIFT:
		parse_resource_part(a, jget(o, "change"), ev);
		break;
	case TF_EV_CHANGE_SUMMARY: {
		json_object *c = jget(o, "changes");
		ev->changes.add = jint(c, "add", 0);
		ev->changes.change = jint(c, "change", 0);
		ev->changes.remove = jint(c, "remove", 0);
		ev->changes.import = jint(c, "import", 0);
		ev->changes.operation = str_dup(a, c, "operation");
		break;
	}
	default:
		parse_resource_part(a, jget(o, "hook"), ev);
		break;
	}
	json_object_put(o);
}

static int ndigits(int n)
{
	int w = 1;
	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

void tf_diag_format(strbuf *sb, const tf_diag *d, const char *dir)
{
	if (d->filename) {
		/* "<value for var.x>" names a command-line value, not a file under dir */
		if (dir && *dir && strcmp(dir, ".") && d->filename[0] != '/' &&
		    d->filename[0] != '<')
			strbuf_addf(sb, "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
		strbuf_addf(sb, "%s:%d:%d: ", d->filename, d->line, d->col);
	}
	strbuf_addf(sb, "%s: %s", d->severity, d->summary);
	if (d->address)
		strbuf_addf(sb, " (%s)", d->address);
	strbuf_addch(sb, '\n');
	if (d->snippet_code && d->snippet_start_line > 0) {
		const char *code = d->snippet_code;
		const char *nl = strchr(code, '\n');
		int first_len = nl ? (int)(nl - code) : (int)strlen(code);
		int w = ndigits(d->snippet_start_line);
		strbuf_addf(sb, "  %d | %.*s\n", d->snippet_start_line, first_len, code);
		int hs = d->highlight_start, he = d->highlight_end;
		if (he > first_len)
			he = first_len;
		if (hs >= 0 && hs < he) {
			strbuf_addf(sb, "  %*s | ", w, "");
			for (int i = 0; i < hs; i++)
				strbuf_addch(sb, code[i] == '\t' ? '\t' : ' ');
			for (int i = hs; i < he; i++)
				strbuf_addch(sb, '^');
			strbuf_addch(sb, '\n');
		}
	}
	if (*d->detail) {
		strbuf_addstr(sb, d->detail);
		if (d->detail[strlen(d->detail) - 1] != '\n')
			strbuf_addch(sb, '\n');
	}
}

/* Lock Info lines in the detail look like "  Who:       root@host". */
static const char *lock_field(kdx_arena *a, const char *detail, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *l = detail; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *p = l;
		while (*p == ' ')
			p++;
		if (strncmp(p, name, nlen) || p[nlen] != ':')
			continue;
		p += nlen + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, "\n");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\r'))
			len--;
		return len ? kdx_arena_strndup(a, p, len) : NULL;
	}
	return NULL;
}

bool tf_lock_parse(kdx_arena *a, const tf_diag *d, tf_lock_info *li)
{
	memset(li, 0, sizeof(*li));
	if (!d || !d->summary || !strstr(d->summary, "Error acquiring the state lock"))
		return false;
	li->id = lock_field(a, d->detail, "ID");
	li->path = lock_field(a, d->detail, "Path");
	li->operation = lock_field(a, d->detail, "Operation");
	li->who = lock_field(a, d->detail, "Who");
	li->version = lock_field(a, d->detail, "Version");
	li->created = lock_field(a, d->detail, "Created");
	return true;
}

const char *tf_action_name(tf_action act)
{
	static const char *const names[] = {
		[TF_ACT_NOOP] = "no-op",     [TF_ACT_CREATE] = "create", [TF_ACT_READ] = "read",
		[TF_ACT_UPDATE] = "update", [TF_ACT_DELETE] = "delete", [TF_ACT_REPLACE] = "replace",
	};
	return (unsigned)act < sizeof(names) / sizeof(names[0]) ? names[act] : "?";
}

/* Terraform's "actions" list: ["create"], ["delete","create"] (a replace), ... */
static tf_action actions_of(json_object *list)
{
	size_t n = list && json_object_is_type(list, json_type_array) ?
			   json_object_array_length(list) : 0;
	bool create = false, del = false;
	tf_action act = TF_ACT_NOOP;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(list, i));
		if (!s)
			continue;
		if (!strcmp(s, "create"))
			create = true;
		else if (!strcmp(s, "delete"))
			del = true;
		else if (!strcmp(s, "update"))
			act = TF_ACT_UPDATE;
		else if (!strcmp(s, "read"))
			act = TF_ACT_READ;
	}
	if (create && del)
		return TF_ACT_REPLACE;
	if (create)
		return TF_ACT_CREATE;
	if (del)
		return TF_ACT_DELETE;
	return act;
}

int tf_plan_summary_parse(kdx_arena *a, const char *json, size_t len, tf_plan_summary *s,
			  strbuf *err)
{
	memset(s, 0, sizeof(*s));
	json_object *o = parse_json(json, len, err);
	if (!o)
		return -1;
	if (!json_object_is_type(o, json_type_object) || !jget(o, "format_version")) {
		strbuf_addstr(err, "terraform show -json did not print a plan (no 'format_version')");
		json_object_put(o);
		return -1;
	}
	s->terraform_version = str_dup(a, o, "terraform_version");
	json_object *rc = jget(o, "resource_changes");
	size_t n = rc && json_object_is_type(rc, json_type_array) ? json_object_array_length(rc) : 0;
	s->changes = KDX_NEWN(a, tf_resource_change, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(rc, i);
		tf_action act = actions_of(jget(jget(c, "change"), "actions"));
		switch (act) {
		case TF_ACT_NOOP: continue;
		case TF_ACT_CREATE: s->add++; break;
		case TF_ACT_UPDATE: s->change++; break;
		case TF_ACT_DELETE: s->destroy++; break;
		case TF_ACT_READ: s->read++; break;
		case TF_ACT_REPLACE:
			s->replace++;
			s->add++;
			s->destroy++;
			break;
		}
		const char *addr = str_dup(a, c, "address");
		s->changes[s->n].address = addr ? addr : "?";
		s->changes[s->n].action = act;
		s->n++;
	}
	json_object *oc = jget(o, "output_changes");
	if (oc && json_object_is_type(oc, json_type_object)) {
		json_object_object_foreach(oc, name, val) {
			(void)name;
			if (actions_of(jget(val, "actions")) != TF_ACT_NOOP)
				s->outputs_changed++;
		}
	}
	json_object_put(o);
	return 0;
}

static char action_symbol(tf_action act)
{
	switch (act) {
	case TF_ACT_CREATE: return '+';
	case TF_ACT_UPDATE: return '~';
	case TF_ACT_DELETE: return '-';
	case TF_ACT_REPLACE: return '!';
	case TF_ACT_READ: return '<';
	case TF_ACT_NOOP: break;
	}
	return ' ';
}

void tf_plan_summary_format(strbuf *sb, const tf_plan_summary *s)
{
	for (size_t i = 0; i < s->n; i++)
		strbuf_addf(sb, "  %c %s (%s)\n", action_symbol(s->changes[i].action),
			    s->changes[i].address, tf_action_name(s->changes[i].action));
	if (!s->n && !s->outputs_changed) {
		strbuf_addstr(sb, "No changes.\n");
		return;
	}
	strbuf_addf(sb, "Plan: %d to add, %d to change, %d to destroy", s->add, s->change,
		    s->destroy);
	if (s->replace)
		strbuf_addf(sb, " (%d replaced)", s->replace);
	strbuf_addstr(sb, ".\n");
	if (s->outputs_changed)
		strbuf_addf(sb, "Outputs: %d to change.\n", s->outputs_changed);
}

kdx_json *tf_plan_summary_json(const tf_plan_summary *s)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_int(o, "add", s->add);
	kdx_json_set_int(o, "change", s->change);
	kdx_json_set_int(o, "destroy", s->destroy);
	kdx_json_set_int(o, "replace", s->replace);
	kdx_json_set_int(o, "read", s->read);
	kdx_json_set_int(o, "outputs_changed", s->outputs_changed);
	kdx_json *rc = kdx_json_set_array(o, "resource_changes");
	for (size_t i = 0; i < s->n; i++) {
		kdx_json *c = kdx_json_object();
		kdx_json_set_str_or_null(c, "address", s->changes[i].address);
		kdx_json_set_str(c, "action", tf_action_name(s->changes[i].action));
		kdx_json_push(rc, c);
	}
	return o;
}

void tf_plan_summary_to_json(strbuf *sb, const tf_plan_summary *s)
{
	kdx_json *o = tf_plan_summary_json(s);
	kdx_json_write(sb, o);
	kdx_json_free(o);
}

int tf_outputs_parse(kdx_arena *a, const char *json, size_t len, tf_outputs *out, strbuf *err)
{
	memset(out, 0, sizeof(*out));
	json_object *o = parse_json(json, len, err);
	if (!o)
		return -1;
	if (!json_object_is_type(o, json_type_object)) {
		strbuf_addstr(err, "terraform output -json did not print an object");
		json_object_put(o);
		return -1;
	}
	size_t n = (size_t)json_object_object_length(o);
	out->items = KDX_NEWN(a, tf_output, n ? n : 1);
	int ret = 0;
	json_object_object_foreach(o, name, val) {
		tf_output *t = &out->items[out->n++];
		t->name = kdx_arena_strdup(a, name);
		json_object *sens = jget(val, "sensitive");
		t->sensitive = sens && json_object_get_boolean(sens);
		json_object *v = jget(val, "value");
		/* Wrapped in a list: json-c cannot tell where a bare top-level number ends. */
		strbuf vtext = STRBUF_INIT, verr = STRBUF_INIT;
		strbuf_addch(&vtext, '[');
		strbuf_addstr(&vtext, v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
					: "null");
		strbuf_addch(&vtext, ']');
		kdx_value *wrapped = kdx_value_from_json(a, vtext.buf, vtext.len, &verr);
		t->value = wrapped && wrapped->kind == KDX_V_LIST && wrapped->u.list.n == 1 ?
				   wrapped->u.list.items[0] : NULL;
		/* never echo the text of a value in an error: it may be a secret */
		strbuf_release(&vtext);
		strbuf_release(&verr);
		if (!t->value) {
			strbuf_addf(err, "cannot read the value of output '%s'", name);
			ret = -1;
			break;
		}
	}
	json_object_put(o);
	return ret;
}

kdx_value *tf_outputs_value(kdx_arena *a, const tf_outputs *o, bool with_sensitive)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n; i++)
		n += with_sensitive || !o->items[i].sensitive;
	kdx_value *m = kdx_value_map(a, n);
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (!with_sensitive && o->items[i].sensitive)
			continue;
		m->u.map.keys[k] = o->items[i].name;
		m->u.map.vals[k++] = o->items[i].value;
	}
	return m;
}

kdx_json *tf_outputs_json(const tf_outputs *o)
{
	kdx_json *m = kdx_json_object();
	for (size_t i = 0; i < o->n; i++) {
		kdx_json *e = kdx_json_set_object(m, o->items[i].name);
		kdx_json_set_bool(e, "sensitive", o->items[i].sensitive);
		if (o->items[i].sensitive)
			continue;
		kdx_json_set_or_null(e, "value",
				     o->items[i].value ? kdx_value_json(o->items[i].value) : NULL);
	}
	return m;
}

void tf_outputs_to_json(strbuf *sb, const tf_outputs *o)
{
	kdx_json *m = tf_outputs_json(o);
	kdx_json_write(sb, m);
	kdx_json_free(m);
}

/* kdx terraform -json's line for one event, beside the reader of Terraform's own. */
kdx_json *tf_event_json(const tf_event *ev, int stream)
{
	kdx_json *o = kdx_json_object();
	kdx_json_set_str_or_null(o, "type", ev->kind == TF_EV_TEXT ? "text" : ev->type);
	if (ev->kind == TF_EV_TEXT)
		kdx_json_set_str(o, "stream", stream == 2 ? "stderr" : "stdout");
	else
		kdx_json_set_str_or_null(o, "level", ev->level);
	kdx_json_set_str_or_null(o, "message", ev->message);
	kdx_json_set_str(o, "address", ev->address);
	kdx_json_set_str(o, "action", ev->action);
	if (ev->elapsed_seconds >= 0) {
		/* as Terraform's %g-like seconds ("2.5"), not json-c's 17 digits */
		char num[32];
		snprintf(num, sizeof(num), "%g", ev->elapsed_seconds);
		kdx_json_set(o, "elapsed_seconds", json_object_new_double_s(ev->elapsed_seconds, num));
	}
	if (ev->kind == TF_EV_CHANGE_SUMMARY) {
		kdx_json *c = kdx_json_set_object(o, "changes");
		kdx_json_set_int(c, "add", ev->changes.add);
		kdx_json_set_int(c, "change", ev->changes.change);
		kdx_json_set_int(c, "remove", ev->changes.remove);
	}
	if (ev->diag) {
		const tf_diag *d = ev->diag;
		kdx_json_set_str_or_null(o, "severity", d->severity);
		kdx_json_set_str_or_null(o, "summary", d->summary);
		kdx_json_set_str_or_null(o, "detail", d->detail);
		if (d->filename) {
			kdx_json_set_str(o, "filename", d->filename);
			kdx_json_set_int(o, "line", d->line);
			kdx_json_set_int(o, "column", d->col);
		}
	}
	return o;
}
