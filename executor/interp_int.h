/* interp_int: what the interpreter's files share (internal to executor/interp*.c). */
#ifndef KDX_INTERP_INT_H
#define KDX_INTERP_INT_H
#include "interp.h"

bool kdx_interp_cancelled(const kdx_interp *in);
/* A mutating request is about to go out: say so (in->sent), then check for a cancel (-1,
 * nothing sent). In this order a cancelled attempt is never taken for one that sent
 * nothing when it did. */
int kdx_interp_mark_sent(kdx_interp *in);
/* Sleep ms through in->hooks (the real one in slices, watching in->cancel); -1 when
 * cancelled. */
int kdx_interp_sleep(kdx_interp *in, int64_t ms);
/* The step's scope (interp_host.c): where its own expressions are evaluated -- the
 * runbook's bindings (a nested runbook's own), from the plan's scopes. */
void kdx_interp_step_scope(const kdx_interp *in, const kdx_step *st, const kdx_env **env);
/* The real hooks (kdx_interp_real_hooks, interp_real.c), one file per kind of effect. */
/* interp_aws.c: one `call aws "svc" "Op" { input }` through the model and the AWS client
 * (dry run and a mutating call: the request printed, not sent). */
int kdx_interp_aws_call(kdx_interp *in, const char *service, const char *op, const char *region,
			kdx_value *input, bool mutating, kdx_value **out);
/* interp_aws.c: create in->client on first use (-1 with in->err). */
int kdx_interp_client(kdx_interp *in);
/* interp_kube.c: kube_request(endpoint, ca_data, cluster, region, method, path, body) -> the
 * Kubernetes API's JSON answer, over TLS checked against the cluster's own CA, with an EKS
 * token; a method other than GET is a mutation (dry run: logged, not sent). */
int kdx_interp_kube_request(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out);
/* interp_tf.c: one `call terraform "COMMAND" { input }` through executor/terraform (dry run
 * and kdx plan: logged, not run). */
int kdx_interp_tf_call(kdx_interp *in, const char *cmd, kdx_value *input, bool mutating,
		       kdx_value **out);
/* interp_host.c: http_get(url, time_limit) -> { status, body }. */
int kdx_interp_http_get(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out);
/* interp_host.c: run_command(argv, time_limit, env) -> { argv, status, stdout }, the body of
 * core.exec: gated by the runbook's allow_exec and the runtime's allow_exec (-allow-exec);
 * dry run: logged, not run; a status other than 0 is an error. */
int kdx_interp_run_command(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out);
/* interp_host.c: both gates on a local command, at the moment of running: the runbook lists
 * cmd (argv[0], or "terraform") in allow_exec -- the compiler checked the calls it could
 * see; this also covers calls from actions -- and the command line passed -allow-exec
 * (not needed in a dry run). -1 with in->err. */
int kdx_interp_exec_gate(kdx_interp *in, const char *cmd);

#endif
