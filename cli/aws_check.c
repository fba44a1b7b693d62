/* aws_check: `call aws` in modules checked against the vendored AWS API models. */
#include "aws_check.h"
#include "../common/suggest.h"
#include "../common/xalloc.h"
#include "../executor/aws/model.h"

#include <stdlib.h>
#include <string.h>

static struct aws_model *model(kdx_aws_checker *c, const char *service, strbuf *msg)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->services[i], service)) {
			if (!c->models[i])
				strbuf_addf(msg, "no AWS model for service '%s'", service);
			return c->models[i];
		}
	XGROW(c->services, c->n + 1, c->alloc);
	c->models = xrealloc(c->models, c->alloc * sizeof(*c->models));
	c->services[c->n] = xstrdup(service);
	c->models[c->n] = NULL;
	strbuf err = STRBUF_INIT;
	if (aws_model_load(service, &c->models[c->n], &err)) {
		c->models[c->n] = NULL;
		strbuf_addstr(msg, err.buf);
	}
	strbuf_release(&err);
	return c->models[c->n++];
}

int kdx_aws_check_call(void *ctx, const char *service, const char *op, const char *const *keys,
		       size_t nkeys, long *bad, strbuf *msg, strbuf *hint)
{
	kdx_aws_checker *c = ctx;
	*bad = -1;
	struct aws_model *m = model(c, service, msg);
	if (!m) {
		*bad = -2;
		return -1;
	}
	aws_operation o;
	if (aws_model_operation(m, op, &o, msg))
		return -1;
	size_t nm = o.input.type == AWS_T_STRUCTURE ? aws_shape_nmembers(&o.input) : 0;
	const char **members = xcalloc(nm + 1, sizeof(*members));
	aws_shape sh;
	for (size_t i = 0; i < nm; i++)
		members[i] = aws_shape_member_at(&o.input, i, &sh);
	int rc = 0;
	for (size_t k = 0; k < nkeys && !rc; k++) {
		if (nm && aws_shape_member(&o.input, keys[k], &sh))
			continue;
		strbuf_addf(msg, "%s %s has no input member '%s'", service, op, keys[k]);
		const char *best = kdx_suggest_best(keys[k], members, nm);
		if (best)
			strbuf_addf(hint, "did you mean '%s'?", best);
		*bad = (long)k;
		rc = -1;
	}
	for (size_t i = 0; i < nm && !rc; i++) {
		if (!aws_shape_is_required(&o.input, members[i]))
			continue;
		/* kdx fills an empty idempotency token itself, as executor/aws/model_check.c knows */
		if (aws_shape_member(&o.input, members[i], &sh) &&
		    aws_shape_flag(&sh, "idempotencyToken"))
			continue;
		size_t k;
		for (k = 0; k < nkeys && strcmp(keys[k], members[i]); k++)
			;
		if (k == nkeys) {
			strbuf_addf(msg, "%s %s needs input member '%s'", service, op, members[i]);
			rc = -1;
		}
	}
	free(members);
	return rc;
}

void kdx_aws_checker_release(kdx_aws_checker *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->services[i]);
		if (c->models[i])
			aws_model_free(c->models[i]);
	}
	free(c->services);
	free(c->models);
	memset(c, 0, sizeof(*c));
}
