/* tf_value: kdx values written for Terraform's -var, and Terraform results as kdx values. */
#include "tf_value.h"

#include <math.h>
#include <string.h>

static void hcl_string(strbuf *sb, const char *s, size_t len)
{
	strbuf_addch(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': strbuf_addstr(sb, "\\\""); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case '$':
		case '%':
			/* "${" and "%{" start templates in HCL; doubling the sigil makes it literal */
			if (i + 1 < len && s[i + 1] == '{')
				strbuf_addch(sb, (char)c);
			strbuf_addch(sb, (char)c);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(sb, "\\u%04x", c);
			else
				strbuf_addch(sb, (char)c);
		}
	}
	strbuf_addch(sb, '"');
}

static void hcl_number(strbuf *sb, double n)
{
	if (n == floor(n) && fabs(n) < 1e15)
		strbuf_addf(sb, "%lld", (long long)n);
	else
		strbuf_addf(sb, "%.17g", n);
}

void tf_hcl_literal(strbuf *sb, const kdx_value *v)
{
	switch (v->kind) {
	case KDX_V_NULL: strbuf_addstr(sb, "null"); break;
	case KDX_V_BOOL: strbuf_addstr(sb, v->u.b ? "true" : "false"); break;
	case KDX_V_NUMBER:
	case KDX_V_PERCENT: hcl_number(sb, v->u.num); break;
	case KDX_V_DURATION: {
		strbuf d = STRBUF_INIT;
		kdx_duration_format(&d, v->u.ms);
		hcl_string(sb, d.buf, d.len);
		strbuf_release(&d);
		break;
	}
	case KDX_V_STRING:
	case KDX_V_REGION: hcl_string(sb, v->u.str.ptr, v->u.str.len); break;
	case KDX_V_LIST:
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			tf_hcl_literal(sb, v->u.list.items[i]);
		}
		strbuf_addch(sb, ']');
		break;
	case KDX_V_MAP:
		strbuf_addch(sb, '{');
		for (size_t i = 0; i < v->u.map.n; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			hcl_string(sb, v->u.map.keys[i], strlen(v->u.map.keys[i]));
			strbuf_addstr(sb, " = ");
			tf_hcl_literal(sb, v->u.map.vals[i]);
		}
		strbuf_addch(sb, '}');
		break;
	}
}

void tf_var_arg(strbuf *sb, const char *name, const kdx_value *v)
{
	strbuf_addf(sb, "%s=", name);
	if (v->kind == KDX_V_STRING || v->kind == KDX_V_REGION)
		strbuf_add(sb, v->u.str.ptr, v->u.str.len);
	else
		tf_hcl_literal(sb, v);
}

static void put(kdx_value *m, size_t *i, const char *key, kdx_value *v)
{
	m->u.map.keys[*i] = key;
	m->u.map.vals[(*i)++] = v;
}

kdx_value *tf_plan_summary_value(kdx_arena *a, const tf_plan_summary *s)
{
	kdx_value *changes = kdx_value_list(a, s->n);
	for (size_t i = 0; i < s->n; i++) {
		kdx_value *c = kdx_value_map(a, 2);
		size_t k = 0;
		put(c, &k, "address", kdx_value_string(a, s->changes[i].address));
		put(c, &k, "action", kdx_value_string(a, tf_action_name(s->changes[i].action)));
		changes->u.list.items[i] = c;
	}
	kdx_value *m = kdx_value_map(a, 7);
	size_t k = 0;
	put(m, &k, "add", kdx_value_number(a, s->add));
	put(m, &k, "change", kdx_value_number(a, s->change));
	put(m, &k, "destroy", kdx_value_number(a, s->destroy));
	put(m, &k, "replace", kdx_value_number(a, s->replace));
	put(m, &k, "read", kdx_value_number(a, s->read));
	put(m, &k, "outputs_changed", kdx_value_number(a, s->outputs_changed));
	put(m, &k, "changes", changes);
	return m;
}
