/* json: kdx's JSON writer and reader over json-c (usage in json.h). */
#include "json.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

kdx_json *kdx_json_object(void)
{
	return json_object_new_object();
}

kdx_json *kdx_json_array(void)
{
	return json_object_new_array();
}

kdx_json *kdx_json_string(const char *s)
{
	return json_object_new_string(s ? s : "");
}

kdx_json *kdx_json_stringn(const char *s, size_t n)
{
	return json_object_new_string_len(s ? s : "", s ? (int)n : 0);
}

kdx_json *kdx_json_boolean(bool v)
{
	return json_object_new_boolean(v);
}

kdx_json *kdx_json_int64(int64_t v)
{
	return json_object_new_int64(v);
}

kdx_json *kdx_json_number_text(double v, const char *text)
{
	/* json-c writes a double made with its text as that text, verbatim */
	return json_object_new_double_s(v, text);
}

void kdx_json_free(kdx_json *j)
{
	json_object_put(j);
}

void kdx_json_set(kdx_json *o, const char *key, kdx_json *v)
{
	if (o && v)
		json_object_object_add(o, key, v);
	else
		json_object_put(v);
}

void kdx_json_set_str(kdx_json *o, const char *key, const char *v)
{
	if (o && v)
		kdx_json_set(o, key, json_object_new_string(v));
}

void kdx_json_set_int(kdx_json *o, const char *key, int64_t v)
{
	if (o)
		kdx_json_set(o, key, json_object_new_int64(v));
}

void kdx_json_set_uint(kdx_json *o, const char *key, uint64_t v)
{
	if (o)
		kdx_json_set(o, key, json_object_new_uint64(v));
}

void kdx_json_set_double(kdx_json *o, const char *key, double v)
{
	if (o)
		kdx_json_set(o, key, json_object_new_double(v));
}

void kdx_json_set_bool(kdx_json *o, const char *key, bool v)
{
	if (o)
		kdx_json_set(o, key, json_object_new_boolean(v));
}

void kdx_json_set_str_or_null(kdx_json *o, const char *key, const char *v)
{
	if (v)
		kdx_json_set_str(o, key, v);
	else
		kdx_json_set_null(o, key);
}

void kdx_json_set_null(kdx_json *o, const char *key)
{
	if (o)
		json_object_object_add(o, key, NULL);
}

kdx_json *kdx_json_set_object(kdx_json *o, const char *key)
{
	if (!o)
		return NULL;
	kdx_json *v = json_object_new_object();
	kdx_json_set(o, key, v);
	return v;
}

kdx_json *kdx_json_set_array(kdx_json *o, const char *key)
{
	if (!o)
		return NULL;
	kdx_json *v = json_object_new_array();
	kdx_json_set(o, key, v);
	return v;
}

void kdx_json_push_str(kdx_json *a, const char *v)
{
	if (a)
		json_object_array_add(a, json_object_new_string(v ? v : ""));
}

void kdx_json_push(kdx_json *a, kdx_json *v)
{
	if (a && v)
		json_object_array_add(a, v);
	else
		json_object_put(v);
}

void kdx_json_push_null(kdx_json *a)
{
	if (a)
		json_object_array_add(a, NULL);
}

void kdx_json_push_or_null(kdx_json *a, kdx_json *v)
{
	if (v)
		kdx_json_push(a, v);
	else
		kdx_json_push_null(a);
}

void kdx_json_set_or_null(kdx_json *o, const char *key, kdx_json *v)
{
	if (v)
		kdx_json_set(o, key, v);
	else
		kdx_json_set_null(o, key);
}

static void write_flags(strbuf *sb, const kdx_json *j, int flags)
{
	size_t n;
	const char *s = json_object_to_json_string_length((kdx_json *)j,
							  flags | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	strbuf_add(sb, s, n);
}

void kdx_json_write(strbuf *sb, const kdx_json *j)
{
	write_flags(sb, j, JSON_C_TO_STRING_PLAIN);
}

void kdx_json_emit(strbuf *sb, kdx_json *j)
{
	kdx_json_write(sb, j);
	strbuf_addch(sb, '\n');
	kdx_json_free(j);
}

void kdx_json_write_pretty(strbuf *sb, const kdx_json *j)
{
	write_flags(sb, j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
}

kdx_json *kdx_json_parse(const char *text, size_t len, strbuf *err)
{
	json_tokener *tok = json_tokener_new_ex(KDX_JSON_MAX_DEPTH);
	kdx_json *j = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	if (!j || e != json_tokener_success) {
		if (err)
			strbuf_addf(err, "not JSON at byte %zu: %s", used,
				    json_tokener_error_desc(e == json_tokener_success
								    ? json_tokener_continue
								    : e));
		json_object_put(j);
		j = NULL;
	} else {
		for (; used < len; used++) {
			if (!strchr(" \t\r\n", text[used])) {
				if (err)
					strbuf_addf(err,
						    "not JSON: unexpected bytes after the value at byte %zu",
						    used);
				json_object_put(j);
				j = NULL;
				break;
			}
		}
	}
	json_tokener_free(tok);
	return j;
}

kdx_json *kdx_json_parse_str(const char *text, strbuf *err)
{
	return kdx_json_parse(text, strlen(text), err);
}

const kdx_json *kdx_json_get(const kdx_json *o, const char *key)
{
	kdx_json *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *kdx_json_as_str(const kdx_json *j)
{
	return j && json_object_is_type(j, json_type_string) ? json_object_get_string((kdx_json *)j)
							      : NULL;
}

const char *kdx_json_str(const kdx_json *o, const char *key)
{
	return kdx_json_as_str(kdx_json_get(o, key));
}

bool kdx_json_int(const kdx_json *o, const char *key, int64_t *out)
{
	const kdx_json *v = kdx_json_get(o, key);
	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

bool kdx_json_bool(const kdx_json *o, const char *key)
{
	const kdx_json *v = kdx_json_get(o, key);
	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

bool kdx_json_is_object(const kdx_json *j)
{
	return j && json_object_is_type(j, json_type_object);
}

bool kdx_json_is_array(const kdx_json *j)
{
	return j && json_object_is_type(j, json_type_array);
}

size_t kdx_json_len(const kdx_json *a)
{
	return kdx_json_is_array(a) ? json_object_array_length(a) : 0;
}

const kdx_json *kdx_json_at(const kdx_json *a, size_t i)
{
	return i < kdx_json_len(a) ? json_object_array_get_idx(a, i) : NULL;
}

kdx_json *kdx_json_copy(const kdx_json *j)
{
	kdx_json *out = NULL;
	if (j && json_object_deep_copy((kdx_json *)j, &out, NULL) < 0)
		return NULL;
	return out;
}
