/* fuzz_journal: libFuzzer target for the journal reader and kdx show. Any bytes must read as
 * a journal or fail with a message, never crash. The input is tried twice: as it is (the
 * checksums, torn-tail and corruption paths) and with a valid checksum appended to every line
 * (so the JSON folding behind the checksums is reached too). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/journal_view.h"
#include "common/strbuf.h"
#include "executor/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_read(const char *bytes, size_t n)
{
	int fd = memfd_create("journal", 0);
	if (fd < 0)
		return;
	if (write(fd, bytes, n) != (ssize_t)n) {
		close(fd);
		return;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	if (kdx_journal_read(path, &st, &warn, &err) == 0) {
		FILE *null = fopen("/dev/null", "w");
		if (null) {
			kdx_journal_view_text(null, path, &st);
			kdx_journal_view_json(null, path, &st);
			fclose(null);
		}
	}
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
	close(fd);
}

/* every line "X" becomes "X,"crc":"…"}" with X's checksum (X should lack its closing brace) */
static void with_checksums(const char *bytes, size_t n, strbuf *out)
{
	size_t pos = 0;
	while (pos < n) {
		const char *nl = memchr(bytes + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (bytes + pos)) : n - pos;
		if (len && bytes[pos + len - 1] == '}')
			len--;
		size_t start = out->len;
		strbuf_add(out, bytes + pos, len);
		strbuf_addf(out, ",\"crc\":\"%08x\"}\n", kdx_crc32c(out->buf + start, out->len - start));
		pos += (nl ? (size_t)(nl - (bytes + pos)) + 1 : n - pos);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_read((const char *)data, size);
	strbuf fixed = STRBUF_INIT;
	with_checksums((const char *)data, size, &fixed);
	try_read(fixed.buf, fixed.len);
	strbuf_release(&fixed);
	return 0;
}
