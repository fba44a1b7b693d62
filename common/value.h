/* value: the runtime and compile-time values of kdx (and of AWS responses and Terraform outputs).
 * Values are immutable once built and are allocated in the arena the caller passes;
 * they live as long as that arena. */
#ifndef KDX_VALUE_H
#define KDX_VALUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"
#include "strbuf.h"

typedef enum kdx_vkind {
	KDX_V_NULL,
	KDX_V_BOOL,
	KDX_V_NUMBER,   /* double */
	KDX_V_STRING,
	KDX_V_DURATION, /* milliseconds */
	KDX_V_PERCENT,  /* 0..100 as a double: 70% is 70.0 */
	KDX_V_REGION,   /* a region name, e.g. "us-east-1" */
	KDX_V_LIST,
	KDX_V_MAP,      /* ordered: keys keep insertion order */
} kdx_vkind;

typedef struct kdx_value kdx_value;

struct kdx_value {
	kdx_vkind kind;
	union {
		bool b;
		double num;       /* NUMBER, PERCENT */
		int64_t ms;       /* DURATION */
		struct {
			const char *ptr; /* STRING, REGION: NUL-terminated */
			size_t len;
		} str;
		struct {
			kdx_value **items;
			size_t n;
		} list;
		struct {
			const char **keys;
			kdx_value **vals;
			size_t n;
		} map;
	} u;
};

kdx_value *kdx_value_null(kdx_arena *a);
kdx_value *kdx_value_bool(kdx_arena *a, bool b);
kdx_value *kdx_value_number(kdx_arena *a, double n);
kdx_value *kdx_value_string(kdx_arena *a, const char *s);
kdx_value *kdx_value_stringn(kdx_arena *a, const char *s, size_t n);
kdx_value *kdx_value_duration(kdx_arena *a, int64_t ms);
kdx_value *kdx_value_percent(kdx_arena *a, double pct);
kdx_value *kdx_value_region(kdx_arena *a, const char *name);
/* Lists and maps are built with a known size, then filled in place. */
kdx_value *kdx_value_list(kdx_arena *a, size_t n);
kdx_value *kdx_value_map(kdx_arena *a, size_t n);

/* Map lookup by key; NULL when absent or v is not a map. */
kdx_value *kdx_value_get(const kdx_value *v, const char *key);
/* The string of v when it is a string, else NULL (v may be NULL). */
const char *kdx_value_str(const kdx_value *v);
bool kdx_value_equal(const kdx_value *x, const kdx_value *y);
const char *kdx_vkind_name(kdx_vkind k);

/* The shortest text that reads back as the same double ("0.1", "1e+300"); NaN, Infinity
 * and -Infinity as those words. */
void kdx_number_shortest(strbuf *sb, double n);
/* Canonical kdx source text for a value (durations as 5m, percents as 70%). */
void kdx_value_format(strbuf *sb, const kdx_value *v);
/* JSON: durations are written as strings ("5m"), percents as numbers, regions as
 * strings, NaN and infinities as the strings "NaN", "Infinity", "-Infinity" (as the AWS
 * protocols write them). Plain JSON data (null, bool, number, string, list, map)
 * round-trips. */
void kdx_value_to_json(strbuf *sb, const kdx_value *v);
/* The same as a document (common/json), the caller's to free; NULL is JSON null (json-c's
 * null), so add it with kdx_json_push_or_null / kdx_json_set_or_null. */
kdx_json *kdx_value_json(const kdx_value *v);
/* A number as kdx writes it in JSON: integers below 1e15 as integers, others in the
 * shortest text that reads back the same; NaN and infinities as the strings above. */
kdx_json *kdx_value_json_number(double n);
/* Parse JSON text (json-c) into a value; returns NULL and fills err on bad input. */
kdx_value *kdx_value_from_json(kdx_arena *a, const char *text, size_t len, strbuf *err);

/* Durations in source form: "90s" -> 90000, "1h30m"; returns -1 if malformed. */
int64_t kdx_duration_parse(const char *s);
void kdx_duration_format(strbuf *sb, int64_t ms);

#endif
