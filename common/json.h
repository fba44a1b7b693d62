/* json: the one JSON writer and reader of kdx's documents (journal records, plan files,
 * progress events, show output), over json-c. Nothing in kdx assembles JSON with printf.
 *
 * Writing a document:
 *
 *	kdx_json *o = kdx_json_object();
 *	kdx_json_set_str(o, "kind", "intent");       // a NULL value leaves the key out
 *	kdx_json_set_int(o, "attempt", 2);
 *	kdx_json *steps = kdx_json_set_array(o, "steps");   // owned by o
 *	kdx_json_push_str(steps, "shift");
 *	kdx_json_set(o, "snapshot", kdx_json_parse_str(text, &err));  // o takes it
 *	kdx_json_write(&sb, o);                       // compact, appended to a strbuf
 *	kdx_json_free(o);                             // frees everything it holds
 *
 * Reading one:
 *
 *	kdx_json *d = kdx_json_parse(buf, len, &err);          // NULL + err on bad input
 *	const char *kind = kdx_json_str(d, "kind");            // NULL when absent or not a string
 *	int64_t n; if (kdx_json_int(d, "seq", &n)) ...         // false when absent or not integral
 *	const kdx_json *data = kdx_json_get(d, "data");        // borrowed from d
 *	kdx_json_free(d);
 *
 * Keys keep their insertion order. Strings are UTF-8 as given; '/' is not escaped.
 *
 * Numbers whose text matters (a wire protocol's or a value's own formatting: "1", "0.1",
 * "1e+20", never json-c's "%.17g") are written with kdx_json_number_text; a value that must be
 * JSON null inside a container is set or pushed with kdx_json_set_null / kdx_json_push_null
 * (kdx_json_set and kdx_json_push leave a NULL out). */
#ifndef KDX_JSON_H
#define KDX_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef struct json_object kdx_json;

kdx_json *kdx_json_object(void);
kdx_json *kdx_json_array(void);
kdx_json *kdx_json_string(const char *s);
/* n bytes of s (a NUL inside is written as \u0000) */
kdx_json *kdx_json_stringn(const char *s, size_t n);
kdx_json *kdx_json_boolean(bool v);
kdx_json *kdx_json_int64(int64_t v);
/* The number v, written exactly as text (which must be a JSON number: the caller's
 * formatting of v); read back, it is the double v. */
kdx_json *kdx_json_number_text(double v, const char *text);
/* Release a document (NULL is fine). */
void kdx_json_free(kdx_json *j);

/* Setters on an object: an existing key is replaced; a NULL string skips the key. A NULL
 * object is fine: nothing is set (a caller that keeps no data need not test first). */
void kdx_json_set_str(kdx_json *o, const char *key, const char *v);
void kdx_json_set_int(kdx_json *o, const char *key, int64_t v);
/* a full 64-bit unsigned number (a seed), never written as a negative int64 */
void kdx_json_set_uint(kdx_json *o, const char *key, uint64_t v);
void kdx_json_set_double(kdx_json *o, const char *key, double v);
void kdx_json_set_bool(kdx_json *o, const char *key, bool v);
/* v, or JSON null when v is NULL (documents whose readers expect every key). */
void kdx_json_set_str_or_null(kdx_json *o, const char *key, const char *v);
/* key: null */
void kdx_json_set_null(kdx_json *o, const char *key);
/* o takes v (NULL: the key is left out). */
void kdx_json_set(kdx_json *o, const char *key, kdx_json *v);
/* A new object or array under key, owned by o; returned to be filled. */
kdx_json *kdx_json_set_object(kdx_json *o, const char *key);
kdx_json *kdx_json_set_array(kdx_json *o, const char *key);
/* Appenders on an array. */
void kdx_json_push_str(kdx_json *a, const char *v);
void kdx_json_push(kdx_json *a, kdx_json *v);
void kdx_json_push_null(kdx_json *a);
/* v, or JSON null when v is NULL (json-c's null), where a null must stay in the document. */
void kdx_json_push_or_null(kdx_json *a, kdx_json *v);
void kdx_json_set_or_null(kdx_json *o, const char *key, kdx_json *v);

/* Append the compact text of j (no newline). */
void kdx_json_write(strbuf *sb, const kdx_json *j);
/* One JSON-lines record: the compact text of j and a newline, appended; then j is freed
 * (the usual end of an event or a -json line). */
void kdx_json_emit(strbuf *sb, kdx_json *j);
/* The same, pretty-printed with two-space indentation. */
void kdx_json_write_pretty(strbuf *sb, const kdx_json *j);

/* How deeply a document parsed here may nest: json-c's default of 32 levels is too few for
 * a plan IR (compiler/plan_io.h), whose expressions nest (a saved plan carries it one level
 * down); the evaluator gives up at 200 levels of expression, each of which takes at most 4
 * levels of JSON. */
#define KDX_JSON_MAX_DEPTH 1024

/* Parse exactly one JSON value (trailing bytes other than white space are an error), at most
 * KDX_JSON_MAX_DEPTH levels deep. err may be NULL when the caller says what was wrong itself. */
kdx_json *kdx_json_parse(const char *text, size_t len, strbuf *err);
kdx_json *kdx_json_parse_str(const char *text, strbuf *err);

/* Readers (NULL j is fine: nothing is found). Results are borrowed from j. */
const kdx_json *kdx_json_get(const kdx_json *o, const char *key);
const char *kdx_json_str(const kdx_json *o, const char *key);
bool kdx_json_int(const kdx_json *o, const char *key, int64_t *out);
bool kdx_json_bool(const kdx_json *o, const char *key);
bool kdx_json_is_object(const kdx_json *j);
bool kdx_json_is_array(const kdx_json *j);
size_t kdx_json_len(const kdx_json *a);
const kdx_json *kdx_json_at(const kdx_json *a, size_t i);
/* The string value of j itself, or NULL. */
const char *kdx_json_as_str(const kdx_json *j);
/* A deep copy (for moving a borrowed value into another document). */
kdx_json *kdx_json_copy(const kdx_json *j);

#endif
