/* state: choose the run store and find its regions for `kdx check` and the run commands. */
#include "state.h"
#include "../common/store_url.h"
#include "../executor/aws/credentials.h"
#include "../executor/store/store_open.h"

#include <stdlib.h>
#include <string.h>

/* A DynamoDB table's regions from DescribeTable (a global table's replicas as AWS knows
 * them, not as the URL says); the URL's stay when AWS cannot be asked, and say why. */
static void table_regions(kdx_plan_store *st, kdx_arena *a)
{
	kdx_store *s = NULL;
	kdx_names got = { 0 };
	strbuf err = STRBUF_INIT;
	int rc = kdx_store_open_url(st->url, &s, &err);
	if (rc == 0)
		rc = kdx_store_regions(s, &got, &err);
	if (rc == 0) {
		st->regions = KDX_NEWN(a, const char *, got.n + 1);
		st->nregions = 0;
		for (size_t i = 0; i < got.n; i++)
			st->regions[st->nregions++] = kdx_arena_strdup(a, got.v[i]);
		st->global = got.n > 1;
		st->regions_from = "DescribeTable";
	} else {
		strbuf why = STRBUF_INIT;
		/* the first line: the credential chain's search is long, its first line says it */
		const char *nl = strpbrk(err.buf, "\n;");
		int n = nl ? (int)(nl - err.buf) : (int)err.len;
		while (n > 0 && strchr(" :", err.buf[n - 1]))
			n--;
		strbuf_addf(&why, "DescribeTable could not be asked: %.*s", n, err.buf);
		st->regions_note = kdx_arena_strdup(a, why.buf);
		strbuf_release(&why);
	}
	kdx_names_release(&got);
	strbuf_release(&err);
	kdx_store_free(s);
}

int kdx_state_choose(kdx_plan *plan, kdx_arena *a, kdx_diags *d, const char *flag_url,
		     const char *state_dir, bool ask_aws)
{
	kdx_plan_store *st = &plan->store;
	const char *env = getenv("KDX_STATE");
	if (flag_url && state_dir) {
		kdx_diag_add_unlocated(d, KDX_ERROR, "state", "-state and -state-dir both name the "
				       "run store; give one (-state-dir DIR means -state file://DIR)");
		return -1;
	}
	if (flag_url || state_dir || (env && *env)) {
		strbuf url = STRBUF_INIT;
		if (flag_url)
			strbuf_addstr(&url, flag_url);
		else if (state_dir)
			strbuf_addf(&url, "file://%s", state_dir);
		else
			strbuf_addstr(&url, env);
		st->url = kdx_arena_strdup(a, url.buf);
		st->origin = flag_url ? "-state" : state_dir ? "-state-dir" : "KDX_STATE";
		st->located = false;
		strbuf_release(&url);
	}
	if (!st->url)
		return 0;
	kdx_store_url u;
	strbuf err = STRBUF_INIT;
	if (kdx_store_url_parse(&u, st->url, &err) < 0) {
		if (st->located)
			kdx_diag_add(d, KDX_ERROR, "state", st->span, "%s", err.buf);
		else
			kdx_diag_add_unlocated(d, KDX_ERROR, "state", "%s (from %s)", err.buf,
					       st->origin);
		strbuf_release(&err);
		return -1;
	}
	st->nregions = 0;
	st->global = u.nreplicas > 0;
	if (u.kind != KDX_STORE_FILE) {
		char *chain = u.region ? NULL : aws_region_load(NULL);
		const char *home = u.region ? u.region : chain;
		st->regions = KDX_NEWN(a, const char *, u.nreplicas + 1);
		if (home)
			st->regions[st->nregions++] = kdx_arena_strdup(a, home);
		for (size_t i = 0; home && i < u.nreplicas; i++)
			if (strcmp(u.replicas[i], home))
				st->regions[st->nregions++] = kdx_arena_strdup(a, u.replicas[i]);
		free(chain);
		st->regions_from = "the URL";
	}
	if (u.kind == KDX_STORE_DYNAMODB && ask_aws)
		table_regions(st, a);
	kdx_store_url_release(&u);
	return 0;
}
