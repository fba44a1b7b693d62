/* interp_real: the real effects behind the interpreter (kdx_interp_real_hooks): AWS
 * through the models and the client (interp_aws.c), Terraform (interp_tf.c), http_get
 * and local commands (interp_host.c), and the monotonic clock. */
#include "interp_int.h"
#include "../common/monotime.h"

#include <time.h>

/* In slices, so a cancelled attempt stops soon. */
static int real_sleep(kdx_interp *in, int64_t ms)
{
	while (ms > 0) {
		if (kdx_interp_cancelled(in)) {
			strbuf_addstr(&in->err, "cancelled");
			return -1;
		}
		int64_t s = ms < 50 ? ms : 50;
		struct timespec ts = { s / 1000, (long)(s % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= s;
	}
	return 0;
}

static int64_t real_now(kdx_interp *in)
{
	(void)in;
	return kdx_mono_ms();
}

/* A person is asked at the step (`approval`), where the run can wait for them, never from
 * inside an action body on a worker thread. */
static int real_ask_approval(kdx_interp *in, const char *message, bool *yes)
{
	(void)message;
	*yes = false;
	strbuf_addstr(&in->err, "ask_approval() cannot prompt from inside an action; "
		      "put `approval` on the step instead");
	return -1;
}

const kdx_interp_hooks kdx_interp_real_hooks = {
	.aws_call = kdx_interp_aws_call,
	.tf_call = kdx_interp_tf_call,
	.http_get = kdx_interp_http_get,
	.run_command = kdx_interp_run_command,
	.kube_request = kdx_interp_kube_request,
	.ask_approval = real_ask_approval,
	.sleep = real_sleep,
	.now_ms = real_now,
};
