/* reslock: one lock per resource a run writes, named after the resource's identity. */
#include "reslock.h"
#include "../common/digest.h"
#include "../common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The attributes that name a resource in AWS (the others -- ttl, weights, sizes -- describe
 * it): two runbooks that declare the same record with different extras still collide. */
static const char *const naming[] = {
	"zone", "name", "id", "arn", "identifier", "cluster", "service", "group", "table",
	"topic", "alarm", "record", "function", "accelerator", "listener", "endpoint_group",
};

static bool is_naming(const char *k)
{
	for (size_t i = 0; i < sizeof(naming) / sizeof(naming[0]); i++)
		if (!strcmp(k, naming[i]))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kdx_reslock_identity(strbuf *sb, const kdx_plan *plan, const kdx_plan_resource *r)
{
	const char *dot = strchr(r->type, '.');
	strbuf_add(sb, r->type, dot ? (size_t)(dot - r->type) : strlen(r->type));
	strbuf_addf(sb, " %s", r->region >= 0 && (size_t)r->region < plan->nregions
				       ? plan->regions[r->region].name : "global");
	const kdx_value *a = r->attrs;
	kdx_names kv = { 0 };
	for (int pass = 0; pass < 2 && !kv.n; pass++) /* no naming attribute: every string */
		for (size_t i = 0; a && a->kind == KDX_V_MAP && i < a->u.map.n; i++) {
			const kdx_value *v = a->u.map.vals[i];
			if ((v->kind != KDX_V_STRING && v->kind != KDX_V_REGION) ||
			    (!pass && !is_naming(a->u.map.keys[i])))
				continue;
			strbuf p = STRBUF_INIT;
			strbuf_addf(&p, "%s=%s", a->u.map.keys[i], v->u.str.ptr);
			kdx_names_add(&kv, p.buf);
			strbuf_release(&p);
		}
	if (!kv.n) /* nothing names it: its name in the runbook is all there is */
		kdx_names_add(&kv, r->name);
	qsort(kv.v, kv.n, sizeof(*kv.v), cmp_str);
	for (size_t i = 0; i < kv.n; i++)
		strbuf_addf(sb, " %s", kv.v[i]);
	kdx_names_release(&kv);
}

char *kdx_reslock_name(const char *identity)
{
	char hex[2 * KDX_SHA256_LEN + 1];
	kdx_sha256_hex(identity, strlen(identity), hex);
	strbuf n = STRBUF_INIT;
	strbuf_addf(&n, "res-%.16s", hex);
	return strbuf_detach(&n, NULL);
}

static bool writes(const kdx_effect *e)
{
	return e->kind != KDX_EFF_LAG_GATE && e->kind != KDX_EFF_HEALTH_GATE &&
	       e->kind != KDX_EFF_READ;
}

void kdx_reslocks_init(kdx_reslocks *rl)
{
	memset(rl, 0, sizeof(*rl));
}

/* "name\tidentity" of every resource plan writes, sorted by name, without repeats. */
static void written(const kdx_plan *plan, kdx_names *out)
{
	bool *w = xcalloc(plan->nresources + 1, sizeof(*w));
	for (size_t s = 0; s < plan->nsteps; s++) {
		const kdx_step *st = &plan->steps[s];
		const kdx_effect *lists[2] = { st->effects, st->undo_effects };
		size_t lens[2] = { st->neffects, st->nundo_effects };
		for (size_t l = 0; l < 2; l++)
			for (size_t k = 0; k < lens[l]; k++)
				if (writes(&lists[l][k]) && lists[l][k].resource >= 0 &&
				    (size_t)lists[l][k].resource < plan->nresources)
					w[lists[l][k].resource] = true;
	}
	kdx_names all = { 0 };
	for (size_t r = 0; r < plan->nresources; r++) {
		if (!w[r])
			continue;
		strbuf id = STRBUF_INIT, item = STRBUF_INIT;
		kdx_reslock_identity(&id, plan, &plan->resources[r]);
		char *name = kdx_reslock_name(id.buf);
		strbuf_addf(&item, "%s\t%s", name, id.buf);
		kdx_names_add(&all, item.buf);
		free(name);
		strbuf_release(&id);
		strbuf_release(&item);
	}
	if (all.n) /* a plan that writes nothing has no list to sort (qsort of NULL is UB) */
		qsort(all.v, all.n, sizeof(*all.v), cmp_str);
	for (size_t i = 0; i < all.n; i++)
		if (!i || strcmp(all.v[i], all.v[i - 1]))
			kdx_names_add(out, all.v[i]);
	kdx_names_release(&all);
	free(w);
}

int kdx_reslocks_take(kdx_reslocks *rl, kdx_store *s, const kdx_plan *plan, const char *command,
		      strbuf *err)
{
	kdx_names want = { 0 };
	written(plan, &want);
	rl->leases = xcalloc(want.n + 1, sizeof(*rl->leases));
	rl->what = xcalloc(want.n + 1, sizeof(*rl->what));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < want.n; i++) {
		char *tab = strchr(want.v[i], '\t');
		*tab = '\0';
		kdx_lease_init(&rl->leases[rl->n]);
		strbuf why = STRBUF_INIT;
		rc = kdx_store_lock_take(s, want.v[i], command, 0, &rl->leases[rl->n], &why);
		if (rc < 0) {
			kdx_lease_release(&rl->leases[rl->n]);
			strbuf_addf(err, "resource '%s' is being changed by another run: %s", tab + 1,
				    why.buf);
		} else {
			rl->what[rl->n++] = xstrdup(tab + 1);
		}
		strbuf_release(&why);
	}
	kdx_names_release(&want);
	if (rc < 0)
		kdx_reslocks_release(rl, s);
	return rc;
}

void kdx_reslocks_release(kdx_reslocks *rl, kdx_store *s)
{
	for (size_t i = rl->n; i-- > 0;) {
		kdx_store_lock_release(s, &rl->leases[i]);
		kdx_lease_release(&rl->leases[i]);
		free(rl->what[i]);
	}
	free(rl->leases);
	free(rl->what);
	kdx_reslocks_init(rl);
}
