/* strbuf: a growable, always NUL-terminated byte string (git's strbuf).
 * The caller owns the struct; strbuf_release() frees the bytes. */
#ifndef KDX_STRBUF_H
#define KDX_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
	size_t len, alloc;
	char *buf; /* never NULL after strbuf_init */
} strbuf;

#define STRBUF_INIT { 0, 0, strbuf_empty }
extern char strbuf_empty[];

void strbuf_init(strbuf *sb);
void strbuf_release(strbuf *sb);
void strbuf_reset(strbuf *sb);
/* Hand the bytes to the caller (free() them); sb is re-initialised. */
char *strbuf_detach(strbuf *sb, size_t *len);
void strbuf_grow(strbuf *sb, size_t extra);
void strbuf_add(strbuf *sb, const void *data, size_t n);
void strbuf_addstr(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, int c);
void strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* Append the whole file at path; -1 (errno set) if it cannot be opened or read. */
int strbuf_read_file(strbuf *sb, const char *path);
/* Append s as a JSON string literal, quotes included. */
void strbuf_add_json_str(strbuf *sb, const char *s);
void strbuf_add_json_strn(strbuf *sb, const char *s, size_t n);

#endif
