/* kdx show: human and -json views of a saved run. Journals (.jsonl) for now; plan files
 * join here when `kdx plan -out` writes them. */
#include "cli.h"
#include "journal_view.h"

#include "../common/strbuf.h"

#include <stdio.h>
#include <string.h>

static const kdx_command *self(void)
{
	return kdx_command_find("show");
}

int cmd_show(int argc, char **argv)
{
	bool json = false;
	kdx_flag flags[] = { { "json", KDX_FLAG_BOOL, &json }, { 0 } };
	kdx_strlist pos = { 0 };
	int r = kdx_parse_flags(self(), argc, argv, flags, &pos);
	if (r) {
		kdx_strlist_release(&pos);
		return r < 0 ? KDX_EXIT_ERROR : KDX_EXIT_OK;
	}
	if (pos.n != 1) {
		kdx_strlist_release(&pos);
		return kdx_usage_error(self(), "'show' wants one journal file");
	}
	const char *path = pos.items[0];
	size_t n = strlen(path);
	int ret = KDX_EXIT_ERROR;
	if (n < 6 || strcmp(path + n - 6, ".jsonl")) {
		fprintf(stderr, "kdx: error: cannot show '%s': kdx show reads run journals "
				"(.kdx/*.jsonl); plan files are not supported yet\n", path);
		goto out;
	}
	kdx_journal_state st;
	kdx_journal_state_init(&st);
	strbuf warn = STRBUF_INIT, err = STRBUF_INIT;
	if (kdx_journal_read(path, &st, &warn, &err) < 0) {
		fprintf(stderr, "kdx: error: %s\n", err.buf);
	} else {
		if (warn.len)
			fprintf(stderr, "kdx: warning: %s\n", warn.buf);
		if (json)
			kdx_journal_view_json(stdout, path, &st);
		else
			kdx_journal_view_text(stdout, path, &st);
		ret = KDX_EXIT_OK;
	}
	kdx_journal_state_release(&st);
	strbuf_release(&warn);
	strbuf_release(&err);
out:
	kdx_strlist_release(&pos);
	return ret;
}
