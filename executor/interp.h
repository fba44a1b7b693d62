/* interp: runs a runbook's action calls at run time -- binds the run-time arguments, then
 * interprets the action's body in order: `call aws` (model-driven request through an
 * aws_client), `let`, `do`, `wait D`, `wait until C within D every E`, `return`; host
 * functions http_get() (executor/http, TLS verified) for the evaluator. One kdx_interp runs one
 * call chain on one thread; it owns its arena (values it returns live until the next
 * kdx_interp_reset or kdx_interp_release), its AWS client and its loaded models. The
 * kdx_runtime it points to is shared and read-only while interpreters run. */
#ifndef KDX_INTERP_H
#define KDX_INTERP_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "../compiler/compile.h"
#include "../compiler/eval.h"
#include "aws/credentials.h"
#include "aws/model.h"

#include <pthread.h>

struct aws_client;
struct aws_model;
struct kdx_capture;

/* Models shared by the interpreters of one run (each worker thread has its own kdx_interp):
 * loaded once under the lock, read-only afterwards. Owned by whoever created it. */
typedef struct kdx_shared_models {
	pthread_mutex_t mu;
	aws_model_cache cache;
} kdx_shared_models;
void kdx_shared_models_init(kdx_shared_models *sm);
void kdx_shared_models_release(kdx_shared_models *sm);

/* What every interpreter of one run shares (read-only once the run starts). */
typedef struct kdx_runtime {
	const kdx_compilation *comp;     /* the compiled runbook: plan, genv, sources */
	const char *endpoint_url;        /* -endpoint-url, or NULL */
	const char *profile;             /* NULL: the chain's default */
	const aws_credentials *creds;    /* loaded once; NULL: each client loads the chain */
	bool dry_run;                    /* mutating requests are printed, not sent */
	bool no_waits;                   /* kdx plan: report waits, never sleep or poll */
	bool allow_exec;                 /* -allow-exec: core.exec may start local commands */
} kdx_runtime;

/* Step results by name (steps.NAME); NULL entries: not known. */
typedef int (*kdx_step_lookup_fn)(void *ud, const char *name, kdx_arena *a, kdx_value **out);

typedef struct kdx_interp {
	const kdx_runtime *rt;
	kdx_arena arena;
	struct aws_client *client;       /* created on first use */
	struct { const char *name; struct aws_model *m; } models[16];
	size_t nmodels;
	kdx_shared_models *shared;       /* set: models come from there (not owned), not models[] */
	strbuf err;                      /* the first error of the current call */
	strbuf log;                      /* dry-run: the requests it would send */
	strbuf observed;                 /* what a host function saw last (an http check's URL
					    and status), for a wait's "last seen" */
	const char *token;               /* idempotency token for mutating requests, or NULL */
	const char *step;                /* the step being run (run_info()), or NULL */
	atomic_int *cancel;              /* set: stop at the next wait or request */
	/* Set (to 1) before a mutating request goes out, and only then is cancel checked:
	 * whoever sets cancel and then reads this knows whether a change may have been sent. */
	atomic_int *sent;
	bool mutated;                    /* a mutation was sent (or, dry-run, skipped) */
	int requests, mutations;         /* counts, for reports and tests */
	void (*waiting)(void *ud, const char *what); /* "wait until ..." progress; may be NULL */
	/* what a wait saw at its last poll that did not meet it; may be NULL (waiting_ud) */
	void (*observe)(void *ud, const char *what);
	void *waiting_ud;
	/* set (kdx plan): every read's result and every mutating request's input are kept
	 * there for the field-level diff (executor/fielddiff.h); not owned */
	struct kdx_capture *capture;
	kdx_step_lookup_fn step_lookup;  /* NULL: steps.NAME is an error */
	void *step_ud;
} kdx_interp;

void kdx_interp_init(kdx_interp *in, const kdx_runtime *rt);
void kdx_interp_release(kdx_interp *in);
/* Forget values and errors (keeps the client and the models). */
void kdx_interp_reset(kdx_interp *in);

/* An evaluator over the runbook's global scope with the run-time hooks set. */
void kdx_interp_evaluator(kdx_interp *in, kdx_eval *ev, const kdx_module *module);

/* Evaluate e in env (NULL: the runbook's global scope). -1: in->err says why. */
int kdx_interp_eval(kdx_interp *in, const kdx_env *env, const kdx_ast_expr *e, kdx_value **out);
/* Evaluate one of a step's own expressions (`when`, `require`, `wait D`) in the step's
 * scope: a nested runbook's steps see their own runbook's params and modules
 * (interp_host.c). -1: in->err says why. */
int kdx_interp_eval_step(kdx_interp *in, const kdx_step_body *b, const kdx_ast_expr *e,
			 kdx_value **out);

/* Run a bound call. Arguments not known at compile time are evaluated from arg_exprs in
 * scope (NULL: the global scope). *out: the action's `return` value (null without one). */
int kdx_interp_call(kdx_interp *in, const kdx_bound_call *bc, const kdx_env *scope,
		    kdx_value **out);

/* The scope of an action call: its parameters bound to the call's arguments (evaluated in
 * scope as kdx_interp_call does). -1 on error. */
int kdx_interp_bind(kdx_interp *in, const kdx_bound_call *bc, const kdx_env *scope,
		    const kdx_env **out);

/* Run the action's `snapshot NAME = CALL` reads; *out is a map NAME -> value (empty when
 * the action has none). */
int kdx_interp_snapshot(kdx_interp *in, const kdx_bound_call *bc, kdx_value **out);

/* Evaluate the action's `verify` attribute with the call's arguments: 1 true, 0 false,
 * 2 the action has none, -1 error. */
int kdx_interp_verify(kdx_interp *in, const kdx_bound_call *bc, const kdx_env *scope);

/* Read-only action: every effect primitive is read or observe_*. */
bool kdx_interp_action_reads_only(const kdx_ast_decl *action);

/* The source text of an expression, for messages ("would wait until ..."). */
void kdx_interp_expr_text(const kdx_interp *in, const kdx_ast_expr *e, strbuf *out);

#endif
