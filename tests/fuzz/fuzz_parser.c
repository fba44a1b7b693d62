/* fuzz_parser: libFuzzer target for the front end. Any input must parse or fail with
 * diagnostics, never crash; what parses must format, the formatted text must parse again,
 * and formatting it again must change nothing (fmt is idempotent). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/intern.h"
#include "common/strbuf.h"
#include "../../common/diag.h"
#include "compiler/fmt.h"
#include "../../common/source.h"
#include "grammar/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render_all(const kdx_diags *d, const kdx_sources *src)
{
	strbuf out = STRBUF_INIT;
	kdx_diags_render(&out, d, src, false);
	kdx_diags_render_json(&out, d, src);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kdx_sources src;
	kdx_diags diags;
	kdx_sources_init(&src);
	kdx_diags_init(&diags);
	uint32_t file = kdx_sources_add(&src, "fuzz.kdx", (const char *)data, size);
	strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	int rc = kdx_fmt_source(&once, &src, file, &diags);
	render_all(&diags, &src);
	if (rc == 0) {
		uint32_t again = kdx_sources_add(&src, "fmt.kdx", once.buf, once.len);
		kdx_diags d2;
		kdx_diags_init(&d2);
		if (kdx_fmt_source(&twice, &src, again, &d2) != 0) {
			strbuf out = STRBUF_INIT;
			kdx_diags_render(&out, &d2, &src, false);
			fprintf(stderr, "formatted text does not parse:\n%s\n---\n%s", once.buf, out.buf);
			abort();
		}
		if (once.len != twice.len || memcmp(once.buf, twice.buf, once.len)) {
			fprintf(stderr, "fmt is not idempotent:\n--- once\n%s--- twice\n%s", once.buf,
				twice.buf);
			abort();
		}
		kdx_diags_release(&d2);
	}
	strbuf_release(&once);
	strbuf_release(&twice);
	kdx_diags_release(&diags);
	kdx_sources_release(&src);
	return 0;
}
