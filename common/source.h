/* source: the text of every file the compiler read, with a line table, so that a
 * byte span turns into file:line:col. A kdx_sources owns its files' text. */
#ifndef KDX_SOURCE_H
#define KDX_SOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* A byte range [start, end) in file `file` (an index into kdx_sources). */
typedef struct kdx_span {
	uint32_t file;
	uint32_t start, end;
} kdx_span;

typedef struct kdx_source {
	char *path;     /* as the user named it; used in messages */
	char *text;     /* NUL-terminated; may contain NULs before len */
	size_t len;
	uint32_t *lines; /* byte offset where each line starts */
	size_t nlines;
	bool from_file;  /* read by kdx_sources_load: text is exactly the file's bytes */
} kdx_source;

typedef struct kdx_sources {
	kdx_source *files;
	size_t n, alloc;
} kdx_sources;

void kdx_sources_init(kdx_sources *s);
void kdx_sources_release(kdx_sources *s);
/* Move from's files to to (released before) and leave from empty: a run keeps the texts its
 * messages quote while the compilation that read them is released. */
void kdx_sources_take(kdx_sources *to, kdx_sources *from);
/* Add text (copied); returns the file index. */
uint32_t kdx_sources_add(kdx_sources *s, const char *path, const char *text, size_t len);
/* Read a file; returns the index, or -1 with a message in err. */
int kdx_sources_load(kdx_sources *s, const char *path, strbuf *err);
/* 1-based line and column (column counts bytes) of a byte offset. */
void kdx_source_position(const kdx_source *src, uint32_t off, unsigned *line, unsigned *col);

#endif
