/* reqlog: the run's AWS requests between journal records (reqlog.h). */
#include "reqlog.h"

void kdx_reqlog_init(kdx_reqlog *rl)
{
	pthread_mutex_init(&rl->mu, NULL);
	rl->pending = rl->observed = NULL;
}

void kdx_reqlog_release(kdx_reqlog *rl)
{
	kdx_json_free(rl->pending);
	kdx_json_free(rl->observed);
	rl->pending = rl->observed = NULL;
	pthread_mutex_destroy(&rl->mu);
}

void kdx_reqlog_add(kdx_reqlog *rl, const kdx_reqlog_entry *e)
{
	if (!rl)
		return;
	/* built outside the lock: workers only contend for the push */
	kdx_json *o = kdx_json_object();
	kdx_json_set_str(o, "step", e->step);
	kdx_json_set_str(o, "method", e->method);
	kdx_json_set_str(o, "service", e->service);
	kdx_json_set_str(o, "operation", e->operation);
	kdx_json_set_str(o, "region", e->region);
	kdx_json_set_int(o, "status", e->status);
	kdx_json_set_str(o, "error", e->error);
	kdx_json_set_int(o, "attempts", e->attempts);
	kdx_json_set_int(o, "ms", e->ms);
	if (e->mutating)
		kdx_json_set_bool(o, "mutating", true);
	pthread_mutex_lock(&rl->mu);
	if (!rl->pending)
		rl->pending = kdx_json_array();
	kdx_json_push(rl->pending, o);
	pthread_mutex_unlock(&rl->mu);
}

void kdx_reqlog_observe(kdx_reqlog *rl, kdx_json *o)
{
	if (!rl) {
		kdx_json_free(o);
		return;
	}
	pthread_mutex_lock(&rl->mu);
	if (!rl->observed)
		rl->observed = kdx_json_array();
	kdx_json_push(rl->observed, o);
	pthread_mutex_unlock(&rl->mu);
}

static kdx_json *take(kdx_reqlog *rl, kdx_json **slot)
{
	if (!rl)
		return NULL;
	pthread_mutex_lock(&rl->mu);
	kdx_json *a = *slot;
	*slot = NULL;
	pthread_mutex_unlock(&rl->mu);
	return a;
}

static void untake(kdx_reqlog *rl, kdx_json **slot, kdx_json *a)
{
	if (!rl || !a) {
		kdx_json_free(a);
		return;
	}
	pthread_mutex_lock(&rl->mu);
	if (*slot)
		for (size_t i = 0; i < kdx_json_len(*slot); i++)
			kdx_json_push(a, kdx_json_copy(kdx_json_at(*slot, i)));
	kdx_json_free(*slot);
	*slot = a;
	pthread_mutex_unlock(&rl->mu);
}

kdx_json *kdx_reqlog_take(kdx_reqlog *rl)
{
	return take(rl, rl ? &rl->pending : NULL);
}

kdx_json *kdx_reqlog_take_observed(kdx_reqlog *rl)
{
	return take(rl, rl ? &rl->observed : NULL);
}

void kdx_reqlog_untake(kdx_reqlog *rl, kdx_json *a)
{
	untake(rl, rl ? &rl->pending : NULL, a);
}

void kdx_reqlog_untake_observed(kdx_reqlog *rl, kdx_json *a)
{
	untake(rl, rl ? &rl->observed : NULL, a);
}
