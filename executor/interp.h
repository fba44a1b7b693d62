/* interp: THE interpreter of action bodies at run time -- binds the run-time arguments, then
 * runs the action's body in order: `call aws`, `call terraform`, `let`, `do`, `wait D`,
 * `wait until C within W [every E]` (E defaults to 1s), `return`; and a step's own clauses
 * (kdx_interp_run_step). It reads plan data (compiler/plan.h: kdx_plan.actions' statements,
 * a step's kdx_plan_calls, whens, requires and run), never a step's AST; expressions go to
 * the one evaluator (compiler/eval_expr.h, over kdx_expr: the evaluator's run-time half,
 * which includes no AST, module or compilation header), which binds their calls against the
 * plan's actions and reads a step's expressions in the plan's runbook scopes. A run needs the
 * plan and the source texts (for an expression quoted in a message), never the compilation:
 * no module, declaration or AST is read at run time (docs/architecture.md, 3.). Every
 * outside effect goes
 * through a kdx_interp_hooks table. One kdx_interp runs one call chain on one thread; it
 * owns its arena (values it returns live until the next kdx_interp_reset or
 * kdx_interp_release), its AWS client and its loaded models. The kdx_runtime it points to
 * is shared and read-only while interpreters run. */
#ifndef KDX_INTERP_H
#define KDX_INTERP_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../common/value.h"
#include "../common/source.h"
#include "../compiler/eval_expr.h"
#include "../compiler/plan.h"
#include "aws/credentials.h"
#include "aws/model.h"
#include "scheduler.h"

#include <pthread.h>

struct aws_client;
struct aws_model;
struct kdx_capture;
struct kdx_readcache;

/* Models shared by the interpreters of one run (each worker thread has its own kdx_interp):
 * loaded once under the lock, read-only afterwards. Owned by whoever created it. */
typedef struct kdx_shared_models {
	pthread_mutex_t mu;
	aws_model_cache cache;
} kdx_shared_models;
void kdx_shared_models_init(kdx_shared_models *sm);
void kdx_shared_models_release(kdx_shared_models *sm);

/* What every interpreter of one run shares (read-only once the run starts). Everything a
 * run reads of the runbook is here: the plan and what kdx_runtime_use_plan derives from it,
 * and the source texts; the compilation may be released once these are set (the sources
 * moved out of it first, kdx_sources_take). */
typedef struct kdx_runtime {
	/* Set by kdx_runtime_use_plan: the plan that runs (its steps, calls and actions) --
	 * the compilation's, or `kdx apply PLANFILE`'s plan read from the file (plan_io) --,
	 * the resource instances the evaluator recognises by their value (compiler/eval_expr.h's
	 * kdx_eval_resource, by the plan's qualified type names), its runbook scopes
	 * (kdx_plan.global, scopes) as the evaluator's, and its region names. */
	const kdx_plan *plan;
	const kdx_res_ref *res;
	size_t nres;
	const kdx_env *genv;
	const kdx_env *const *scopes;    /* per kdx_step.scope, nscopes of them */
	size_t nscopes;
	const char *const *regions;      /* kdx_plan.regions' names, nregions of them */
	size_t nregions;
	/* The texts of the runbook's files (kdx_expr spans point there), for an expression
	 * quoted in a message ("would wait until ..."); NULL: "(expression)". */
	const kdx_sources *sources;
	const char *endpoint_url;        /* -endpoint-url, or NULL */
	const char *profile;             /* NULL: the chain's default */
	const aws_credentials *creds;    /* loaded once; NULL: each client loads the chain */
	bool dry_run;                    /* mutating requests are printed, not sent */
	bool no_waits;                   /* kdx plan: report waits, never sleep or poll */
	bool allow_exec;                 /* -allow-exec: core.exec may start local commands */
	struct kdx_reqlog *requests;     /* every AWS call is logged here (reqlog.h); NULL: not */
	/* set (kdx plan, a dry run): reads are answered from and kept in it (readcache.h) */
	struct kdx_readcache *reads;
	int64_t now_s;                   /* set (kdx plan): now() is this instant (kdx_eval) */
} kdx_runtime;

struct kdx_interp;

/* The plan the interpreters of rt run (rt->plan). */
const kdx_plan *kdx_runtime_plan(const kdx_runtime *rt);
/* Make p -- the compilation's plan, or the program read back from its document (plan_io),
 * e.g. a saved plan's -- what rt runs: rt->plan, its resources as rt->res, its runbook
 * scopes as rt->genv and rt->scopes, its region names as rt->regions, allocated in a
 * (which must outlive the run; p too). Nothing of the compilation is kept. */
void kdx_runtime_use_plan(kdx_runtime *rt, const kdx_plan *p, kdx_arena *a);

/* Every outside effect an action body can have, as a table: the interpreter (interp.c)
 * is pure -- it evaluates, binds, sequences and polls -- and reaches the world only
 * through these. kdx_interp_real_hooks (interp_real.c) sends to AWS (or prints in a dry
 * run), runs Terraform and local commands, fetches URLs and sleeps on the monotonic
 * clock; a test or another backend plugs in its own (a recorder, a virtual clock).
 * Each returns 0, or -1 with in->err filled. */
typedef struct kdx_interp_hooks {
	/* `call aws "SERVICE" "Op" { INPUT }`: input evaluated, its reserved `region` key split
	 * off into region (NULL: the default). mutating: the calling action changes the world. */
	int (*aws_call)(struct kdx_interp *in, const char *service, const char *op,
			const char *region, kdx_value *input, bool mutating, kdx_value **out);
	/* `call terraform "COMMAND" { INPUT }` */
	int (*tf_call)(struct kdx_interp *in, const char *command, kdx_value *input,
		       bool mutating, kdx_value **out);
	/* host functions: http_get(url, time_limit), run_command(argv, time_limit, env) */
	int (*http_get)(struct kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out);
	int (*run_command)(struct kdx_interp *in, kdx_value **args, size_t nargs,
			   kdx_value **out);
	/* kube_request(endpoint, ca_data, cluster, region, method, path[, body]): an EKS
	 * cluster's Kubernetes API (interp_kube.c); NULL: not available */
	int (*kube_request)(struct kdx_interp *in, kdx_value **args, size_t nargs,
			    kdx_value **out);
	/* ask_approval(message): a yes or no from a person */
	int (*ask_approval)(struct kdx_interp *in, const char *message, bool *yes);
	/* the clock of waits and polls: sleep (-1 when the attempt was cancelled) and now */
	int (*sleep)(struct kdx_interp *in, int64_t ms);
	int64_t (*now_ms)(struct kdx_interp *in);
} kdx_interp_hooks;

extern const kdx_interp_hooks kdx_interp_real_hooks;

/* Step results by name (steps.NAME); NULL entries: not known. */
typedef int (*kdx_step_lookup_fn)(void *ud, const char *name, kdx_arena *a, kdx_value **out);

typedef struct kdx_interp {
	const kdx_runtime *rt;
	const kdx_interp_hooks *hooks;   /* kdx_interp_real_hooks unless replaced after init */
	void *hooks_ctx;                 /* for hooks other than the real ones */
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
	/* set while one poll of a `wait until` reads: its reads are answered once (before
	 * rt->reads; readcache.h); not owned */
	struct kdx_readcache *poll_reads;
	kdx_step_lookup_fn step_lookup;  /* NULL: steps.NAME is an error */
	void *step_ud;
} kdx_interp;

void kdx_interp_init(kdx_interp *in, const kdx_runtime *rt);
void kdx_interp_release(kdx_interp *in);
/* Forget values and errors (keeps the client and the models). */
void kdx_interp_reset(kdx_interp *in);

/* An evaluator over the runbook's global scope with the run-time hooks set (no module:
 * calls are bound against the plan's actions). */
void kdx_interp_evaluator(kdx_interp *in, kdx_eval *ev);

/* Evaluate e (plan data) in env (NULL: the runbook's global scope). -1: in->err says why. */
int kdx_interp_eval(kdx_interp *in, const kdx_env *env, const kdx_expr *e, kdx_value **out);
/* Evaluate one of a step's own expressions (kdx_step.whens, requires, run) in the step's
 * scope: a nested runbook's steps see their own runbook's params and modules
 * (interp_host.c). -1: in->err says why. */
int kdx_interp_eval_step(kdx_interp *in, const kdx_step *st, const kdx_expr *e,
			 kdx_value **out);

/* Run one attempt of a step: the `do` and the step's own `wait D` / `wait until` in source
 * order (kdx_step.run; KDX_PHASE_DO; *ret is what the do returned), or its undo with the
 * journalled snapshot, a JSON object, (KDX_PHASE_UNDO; *ret NULL). This and the functions
 * below are the one definition of what a step and an action do at run time: apply,
 * dry-run, plan and resume/rollback all come here, with different hooks. They read only
 * the plan (kdx_step, kdx_plan_call, kdx_plan.actions) -- never a step's AST. */
int kdx_interp_run_step(kdx_interp *in, const kdx_step *st, kdx_phase phase,
			const char *snapshot, kdx_value **ret);

/* A step's `when` and `require` (kdx_step.whens, requires), evaluated now: skip it, fail it
 * (why says which clause), or go on. */
kdx_precheck kdx_interp_precheck(kdx_interp *in, const kdx_step *st, strbuf *why);

/* The scope of a step's undo: for the action's own undo, the do's parameters and the
 * snapshot's names (snapshot: the journalled JSON object); else NULL (the global scope). */
int kdx_interp_undo_scope(kdx_interp *in, const kdx_step *st, const char *snapshot,
			  const kdx_env **out);

/* The action of a plan call (kdx_plan.actions[c->action]). */
const kdx_action *kdx_interp_action(const kdx_interp *in, const kdx_plan_call *c);

/* Run a step's bound call. Arguments not known at compile time are evaluated from
 * arg_exprs in scope (NULL: the global scope). *out: the action's `return` value (null
 * without one). */
int kdx_interp_call(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope,
		    kdx_value **out);

/* Call the plan's action `qualified` ("cloudwatch.alarm_state", kdx_plan_action) with
 * nargs argument values, as kdx_interp_call does. 1: the plan has no such action (of that
 * many parameters); -1: in->err says why. */
int kdx_interp_call_named(kdx_interp *in, const char *qualified, kdx_value **args, size_t nargs,
			  kdx_value **out);

/* The scope of a call: the action's parameters bound to the call's arguments (evaluated in
 * scope as kdx_interp_call does). -1 on error. */
int kdx_interp_bind(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope,
		    const kdx_env **out);

/* Run the action's snapshots (kdx_action.snapshots); *out is a map NAME -> value (empty
 * when the action has none). */
int kdx_interp_snapshot(kdx_interp *in, const kdx_plan_call *c, kdx_value **out);

/* Evaluate the action's `verify` (kdx_action.verify) with the call's arguments: 1 true,
 * 0 false, 2 the action has none, -1 error. */
int kdx_interp_verify(kdx_interp *in, const kdx_plan_call *c, const kdx_env *scope);

/* The snapshot a step's undo needs, read before its do: the do action's `snapshot` reads
 * when the undo is the action's own (a map NAME -> value), else *out NULL. -1 on error. */
int kdx_interp_step_snapshot(kdx_interp *in, const kdx_step *st, kdx_value **out);

/* Did the step's do (or its undo, given the journalled snapshot) take effect? Read back
 * through the action's `verify`, with the attempt's idempotency token as run_info().token:
 * 1 yes, 0 no, 2 the action has no `verify`, 3 the step has no action for that phase,
 * -2 the undo's scope cannot be built (in->err: a missing snapshot), -1 in->err says why. */
int kdx_interp_step_verify(kdx_interp *in, const kdx_step *st, kdx_phase phase,
			   const char *snapshot, const char *token);

/* The source text of a span, of an expression, for messages ("would wait until ...");
 * "(expression)" when it is not in the sources. */
void kdx_interp_span_text(const kdx_interp *in, kdx_span sp, strbuf *out);
void kdx_interp_expr_text(const kdx_interp *in, const kdx_expr *e, strbuf *out);

#endif
