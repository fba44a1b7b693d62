/* source: loaded files and their line tables. */
#include "source.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

uint32_t kdx_sources_add(kdx_sources *s, const char *path, const char *text, size_t len)
{
	XGROW(s->files, s->n + 1, s->alloc);
	kdx_source *f = &s->files[s->n];
	f->path = xstrdup(path);
	f->text = xstrndup(text, len);
	f->len = len;
	f->from_file = false;
	size_t alloc = 0;
	f->lines = NULL;
	f->nlines = 0;
	XGROW(f->lines, 1, alloc);
	f->lines[f->nlines++] = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			XGROW(f->lines, f->nlines + 1, alloc);
			f->lines[f->nlines++] = (uint32_t)(i + 1);
		}
	}
	return (uint32_t)s->n++;
}

int kdx_sources_load(kdx_sources *s, const char *path, strbuf *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	int bad = ferror(fp);
	int saved = errno;
	fclose(fp);
	if (bad) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(saved));
		strbuf_release(&sb);
		return -1;
	}
	if (sb.len > UINT32_MAX - 1) {
		strbuf_addf(err, "'%s' is too large (over 4 GiB)", path);
		strbuf_release(&sb);
		return -1;
	}
	uint32_t idx = kdx_sources_add(s, path, sb.buf, sb.len);
	s->files[idx].from_file = true;
	strbuf_release(&sb);
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
