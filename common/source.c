/* source: loaded files and their line tables. */
#include "source.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void kdx_sources_init(kdx_sources *s)
{
	s->files = NULL;
	s->n = s->alloc = 0;
}

void kdx_sources_release(kdx_sources *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->files[i].path);
		free(s->files[i].text);
		free(s->files[i].lines);
	}
	free(s->files);
	kdx_sources_init(s);
}

void kdx_sources_take(kdx_sources *to, kdx_sources *from)
{
	kdx_sources_release(to);
	*to = *from;
	kdx_sources_init(from);
}

/* Adds a file whose text (NUL-terminated, malloc'd) the table now owns. */
static uint32_t sources_take(kdx_sources *s, const char *path, char *text, size_t len)
{
	XGROW(s->files, s->n + 1, s->alloc);
	kdx_source *f = &s->files[s->n];
	f->path = xstrdup(path);
	f->text = text;
	f->len = len;
	f->from_file = false;
	size_t alloc = 0;
	f->lines = NULL;
	f->nlines = 0;
	XGROW(f->lines, 1, alloc);
	f->lines[f->nlines++] = 0;
	for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p)));) {
		p++;
		XGROW(f->lines, f->nlines + 1, alloc);
		f->lines[f->nlines++] = (uint32_t)(p - text);
	}
	return (uint32_t)s->n++;
}

uint32_t kdx_sources_add(kdx_sources *s, const char *path, const char *text, size_t len)
{
	return sources_take(s, path, xstrndup(text, len), len);
}

/* The file is read straight into the buffer the table keeps: a 12 MB runbook was copied
 * three times on its way in (strbuf growth, then a copy), which showed in `kdx check`'s
 * page faults (issue #19). The size from fstat is a hint; pipes and growing files work. */
int kdx_sources_load(kdx_sources *s, const char *path, strbuf *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	size_t cap = 65536, len = 0, n;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < UINT32_MAX)
		cap = (size_t)st.st_size + 1; /* +1: the read that sees EOF */
	char *buf = xmalloc(cap + 1);
	while ((n = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	int bad = ferror(fp);
	int saved = errno;
	fclose(fp);
	if (bad) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(saved));
		free(buf);
		return -1;
	}
	if (len > UINT32_MAX - 1) {
		strbuf_addf(err, "'%s' is too large (over 4 GiB)", path);
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	uint32_t idx = sources_take(s, path, buf, len);
	s->files[idx].from_file = true;
	return (int)idx;
}

void kdx_source_position(const kdx_source *src, uint32_t off, unsigned *line, unsigned *col)
{
	size_t lo = 0, hi = src->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (src->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)lo + 1;
	*col = off - src->lines[lo] + 1;
}
