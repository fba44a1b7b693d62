/* plan: the checked, concrete form of a runbook -- the contract between the front end
 * (which lowers the AST into it), the safety analyses, kdx plan, the executor and the
 * simulator. Everything here is allocated in the arena of the compilation that built it
 * and lives as long as that arena. Regions and resources are referred to by index. */
#ifndef KDX_PLAN_H
#define KDX_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/value.h"
#include "../common/source.h"

/* ---- expressions: what the evaluator (compiler/eval) reads, as plain data ----
 *
 * The expression IR: the AST's expressions (grammar/ast.h) with their spans, lowered by
 * compiler/lower_expr.c, so that a plan read back from JSON (compiler/plan_io.h) carries
 * them without the parse tree. Literals are kdx_values; a call carries what its callee
 * resolved to where it is written (an action's qualified name, or a built-in function's
 * name), with the callee itself kept for messages. Kinds and operators follow the AST's
 * one for one (issue #13 item 3: the evaluator switches to this form next, then step
 * bodies become statements over it; docs/architecture.md, 3.). */
typedef enum kdx_expr_kind {
	KDX_E_STRING,     /* u.str: literal text and interpolations */
	KDX_E_NUMBER,     /* u.lit: a number value */
	KDX_E_DURATION,   /* u.lit: a duration value */
	KDX_E_PERCENT,    /* u.lit: a percent value */
	KDX_E_BOOL,       /* u.lit: a bool value */
	KDX_E_NULL,       /* u.lit: null */
	KDX_E_NAME,       /* u.name */
	KDX_E_GETATTR,    /* u.get: obj.attr */
	KDX_E_INDEX,      /* u.index: obj[index] */
	KDX_E_CALL,       /* u.call */
	KDX_E_LIST,       /* u.list */
	KDX_E_MAP,        /* u.map */
	KDX_E_FOR_LIST,   /* u.comp: [for k, v in coll : value if cond] */
	KDX_E_FOR_MAP,    /* u.comp: {for k, v in coll : key => value if cond} */
	KDX_E_COND,       /* u.cond: c ? a : b */
	KDX_E_UNARY,      /* u.unary */
	KDX_E_BINARY,     /* u.binary */
} kdx_expr_kind;

typedef enum kdx_expr_op {
	KDX_XOP_NOT, KDX_XOP_NEG,                  /* unary: ! - */
	KDX_XOP_MUL, KDX_XOP_DIV, KDX_XOP_MOD,      /* * / % */
	KDX_XOP_ADD, KDX_XOP_SUB,                  /* + - */
	KDX_XOP_LT, KDX_XOP_LE, KDX_XOP_GT, KDX_XOP_GE,
	KDX_XOP_EQ, KDX_XOP_NE,
	KDX_XOP_AND, KDX_XOP_OR,
} kdx_expr_op;

typedef struct kdx_expr kdx_expr;

/* A piece of a string: literal text (any byte but NUL, len of them) or an interpolation. */
typedef struct kdx_expr_strpart {
	kdx_expr *expr;            /* NULL for literal text */
	const char *text;          /* literal: NUL-terminated */
	size_t len;
	kdx_span span;
} kdx_expr_strpart;

/* A call argument; name NULL for a positional one. */
typedef struct kdx_expr_arg {
	const char *name;
	kdx_span name_span;
	kdx_expr *value;
	kdx_span span;
} kdx_expr_arg;

/* A map entry: { name = v } (name set, key NULL) or { "k" = v } / { (expr) = v } (key). */
typedef struct kdx_expr_entry {
	const char *name;
	kdx_expr *key;
	kdx_expr *value;
	kdx_span span;
} kdx_expr_entry;

typedef struct kdx_expr_comp {
	const char *var1;          /* the only variable, or the key/index one */
	const char *var2;          /* the value variable, or NULL */
	kdx_expr *coll;
	kdx_expr *key;             /* FOR_MAP only */
	kdx_expr *value;
	kdx_expr *cond;            /* NULL without `if` */
} kdx_expr_comp;

struct kdx_expr {
	kdx_expr_kind kind;
	kdx_span span;
	union {
		kdx_value *lit;
		struct { kdx_expr_strpart *parts; size_t n; } str;
		const char *name;
		struct { kdx_expr *obj; const char *attr; kdx_span attr_span; } get;
		struct { kdx_expr *obj, *index; } index;
		struct {
			kdx_expr *callee;      /* as written: a NAME or a GETATTR chain */
			const char *action;    /* the action it calls, qualified ("route53.set_weights",
						  a main-file action unqualified), or NULL */
			const char *builtin;   /* else the built-in function ("length"), or NULL;
						  both NULL: it names nothing (the evaluator says so) */
			kdx_expr_arg *args;
			size_t nargs;
		} call;
		struct { kdx_expr **items; size_t n; } list;
		struct { kdx_expr_entry *entries; size_t n; } map;
		kdx_expr_comp *comp;
		struct { kdx_expr *cond, *then, *otherwise; } cond;
		struct { kdx_expr_op op; kdx_expr *operand; } unary;
		struct { kdx_expr_op op; kdx_expr *lhs, *rhs; } binary;
	} u;
};

/* ---- actions: what the interpreter runs, as plain data ----
 *
 * The statement IR (issue #13 item 3, step 3; docs/architecture.md, 3.): every action the
 * plan can run, lowered by compiler/lower_action.c into kdx_plan.actions -- its parameters with their defaults, the statements of its body in order, and the
 * clauses around it (verify, snapshots, its own undo, the duration model). Expressions are
 * kdx_exprs resolved in the action's module. executor/interp.c runs these (step 4), not
 * the AST. */
typedef enum kdx_stmt_kind {
	KDX_S_CALL_AWS,        /* call aws "SERVICE" "OP" { input } [as name] */
	KDX_S_CALL_TERRAFORM,  /* call terraform "COMMAND" { input } [as name] */
	KDX_S_LET,             /* let name = expr */
	KDX_S_DO,              /* do expr (an action call whose result is dropped) */
	KDX_S_WAIT,            /* wait expr (a duration) */
	KDX_S_WAIT_UNTIL,      /* wait until expr within within [every every] */
	KDX_S_RETURN,          /* return expr */
} kdx_stmt_kind;

typedef struct kdx_stmt {
	kdx_stmt_kind kind;
	kdx_span span;
	const char *name;      /* LET: the name bound; CALL_*: the `as` name, or NULL */
	const char *service;   /* CALL_AWS: the service; CALL_TERRAFORM: the command */
	const char *op;        /* CALL_AWS: the operation; else NULL */
	kdx_expr *expr;        /* CALL_*: the input map (NULL: none); LET, RETURN: the value;
				  DO: the call; WAIT: the duration; WAIT_UNTIL: the condition */
	kdx_expr *within;      /* WAIT_UNTIL */
	kdx_expr *every;       /* WAIT_UNTIL; NULL: the poll schedule's default */
} kdx_stmt;

/* A declared type as a run checks it: a plan action parameter's type (kdx_action_param.rtype),
 * made from its text once, when the plan is lowered or read back (kdx_type_make), never
 * per call or per poll (issue #13). A name that is no built-in is a resource type (res:
 * qualified as kdx_plan_resource.type) or, res NULL, one only the compile-time check knows
 * (not checked at run time). */
typedef enum kdx_type_kind {
	KDX_TYPE_OTHER,            /* a named type that is no built-in: res, or nothing known */
	KDX_TYPE_ANY, KDX_TYPE_STRING, KDX_TYPE_NUMBER, KDX_TYPE_BOOL, KDX_TYPE_DURATION,
	KDX_TYPE_PERCENT, KDX_TYPE_REGION, KDX_TYPE_OBJECT,
	KDX_TYPE_LIST, KDX_TYPE_MAP, /* elem */
} kdx_type_kind;

typedef struct kdx_type {
	kdx_type_kind kind;
	const char *text;          /* as written, for messages: "map(string)" */
	const struct kdx_type *elem;
	const char *res;           /* OTHER: the resource type ("route53.weighted_record"), or NULL */
} kdx_type;

/* The type text says (kdx_action_param.type, as kdx_type_format wrote it), in a; res the
 * resource type its leaf names (kdx_action_param.res_type). NULL text: NULL (untyped).
 * compiler/types.c. */
const kdx_type *kdx_type_make(kdx_arena *a, const char *text, const char *res);

typedef struct kdx_action_param {
	const char *name;
	const char *type;      /* as written, formatted: "percent", "map(string)",
				  "route53.weighted_record"; NULL: untyped */
	/* The resource type the type names (its one leaf, e.g. in "list(weighted_record)"),
	 * qualified as kdx_plan_resource.type ("route53.weighted_record"); NULL: a built-in
	 * type. What the run-time type check compares a resource argument's type with, so
	 * it reads no module (kdx_type_check_plan). */
	const char *res_type;
	kdx_expr *def;         /* the default, or NULL when the argument is required */
	kdx_span span;
	/* type and res_type as the run-time check reads them (kdx_type_check_plan), made
	 * once with the plan; NULL: untyped. Not in the plan document: read back from type
	 * and res_type. */
	const kdx_type *rtype;
} kdx_action_param;

/* `snapshot NAME = CALL`: read before `do`, bound for the action's own undo. */
typedef struct kdx_snapshot {
	const char *name;
	kdx_expr *expr;
	kdx_span span;
} kdx_snapshot;

typedef struct kdx_action {
	const char *name;          /* qualified, as kdx_expr calls name it: "route53.set_weights",
				      a main-file action unqualified */
	const char *module;        /* the module that declares it ("aws/route53") */
	kdx_span span;             /* its name */
	kdx_action_param *params;
	size_t nparams;
	kdx_stmt *body;            /* the statements, in order */
	size_t nbody;
	kdx_expr *verify;          /* `verify = COND`, or NULL */
	kdx_snapshot *snapshots;
	size_t nsnapshots;
	kdx_expr *undo;            /* its own `undo CALL` (scope: params and snapshots), or NULL */
	bool undo_none;            /* `undo none` */
	kdx_expr *duration_min;    /* `duration MIN..MAX`, or both NULL */
	kdx_expr *duration_max;
	bool reads_only;           /* declares only read effects: its `call aws` are not mutations */
	bool unverifiable;         /* `unverifiable = "why"` */
	const char *unverifiable_why;
	bool repeatable;           /* `repeatable = true` */
} kdx_action;

/* A step's call of an action, bound to its arguments: its `do`, or its undo. */
typedef struct kdx_plan_call {
	int32_t action;            /* index into kdx_plan.actions */
	kdx_value **args;          /* per parameter of the action, in order, defaults filled;
				      NULL entry: known only at run time */
	const kdx_expr **arg_exprs;/* per parameter the expression a NULL entry of args is
				      evaluated from at run time (in the runbook's scope; NULL: a
				      default, in the action's); the run reads no other entry.
				      When every argument is known, all NULL: one array shared by
				      such calls (lower_action.c, plan_call) */
	size_t nargs;
	kdx_span span;
} kdx_plan_call;

/* The primitive effects the world model (compiler/model) understands. Stdlib actions
 * declare their effect in .kdx in terms of these; no action needs C code of its own. */
typedef enum kdx_effect_kind {
	KDX_EFF_SET_WEIGHTS,   /* resource (traffic class): weights[] for every region */
	KDX_EFF_SET_CAPACITY,  /* region: capacity := pct (of the full load) */
	KDX_EFF_PROMOTE,       /* resource (database/cache): writer := region; graceful? */
	KDX_EFF_FENCE,         /* resource (database): writes in region stopped */
	KDX_EFF_UNFENCE,       /* resource (database): writes in region allowed again */
	KDX_EFF_LAG_GATE,      /* precondition: lag(resource, region) <= ms */
	KDX_EFF_HEALTH_GATE,   /* precondition: region is healthy */
	KDX_EFF_SET_HEALTH,    /* region health := flag */
	KDX_EFF_SET_ALARM,     /* resource (alarm): in ALARM := flag */
	KDX_EFF_WRITE,         /* opaque change to resource */
	KDX_EFF_READ,          /* read of resource; never a change */
} kdx_effect_kind;

typedef struct kdx_effect {
	kdx_effect_kind kind;
	int32_t resource;  /* index into kdx_plan.resources, or -1 */
	int32_t region;    /* index into kdx_plan.regions, or -1 */
	double pct;        /* SET_CAPACITY */
	double *weights;   /* SET_WEIGHTS: nregions entries, in kdx_plan.regions order */
	int64_t ms;        /* LAG_GATE bound */
	bool graceful;     /* PROMOTE: a switchover that loses no data */
	bool flag;         /* SET_HEALTH, SET_ALARM */
	kdx_span span;     /* the clause or call it came from */
} kdx_effect;

typedef enum kdx_on_failure {
	KDX_ON_FAILURE_ROLLBACK = 0, /* the default */
	KDX_ON_FAILURE_CONTINUE,
	KDX_ON_FAILURE_PAUSE,
} kdx_on_failure;

typedef enum kdx_edge_kind {
	KDX_EDGE_AFTER,     /* written as `after` */
	KDX_EDGE_DATA,      /* the step reads a value another step produces */
} kdx_edge_kind;

typedef struct kdx_edge {
	uint32_t from;      /* step index that must finish first */
	kdx_edge_kind kind;
	kdx_span span;      /* where the dependency is written */
} kdx_edge;

typedef struct kdx_step {
	/* Fields in an order without padding (312 -> 280 -> 256 bytes a step; issue #19). */
	const char *name;
	kdx_span span;             /* the step's name */
	kdx_span action_span;      /* where `do`'s action is named */
	const char *action;        /* qualified action of `do`, e.g. "route53.set_weights"; NULL if none */
	const char *undo_action;   /* NULL when there is no undo */
	kdx_edge *preds;           /* direct predecessors (npreds below) */
	kdx_effect *effects;       /* gates first, then what `do` changes, in order */
	kdx_effect *undo_effects;  /* what the undo changes */
	bool mutating;             /* changes something outside kdx: journalled as an intent */
	/* The `do` action declares `unverifiable = "why"` (it has no `verify`): after a crash or
	 * a lost answer nothing can tell whether it took effect. Unless it is also repeatable,
	 * the scheduler must not send an in-doubt or failed attempt again (retry, resume)
	 * without an operator's approval; the compiler refuses `retry` on such a step without
	 * `approval`. */
	bool unverifiable;
	/* The `do` action declares `repeatable = true` (sns.publish, cloudwatch.put_metric): a
	 * second copy is harmless (it carries run_info(), receivers drop it), so an in-doubt
	 * attempt is sent again, and the step needs no undo. */
	bool repeatable;
	/* The same three for the undo's action (an explicit `undo`, or the action's own): an
	 * undo attempt left in doubt is reconciled by them (executor/backend_real.c). */
	bool undo_unverifiable;
	bool undo_repeatable;
	const char *unverifiable_why; /* the reason `do`'s action gives (`unverifiable = "why"`),
					 or NULL */
	const char *undo_unverifiable_why;
	bool runs_terraform;       /* its do or undo action runs `call terraform` (gated) */
	bool has_undo;
	bool irreversible;
	bool approval;             /* an approval gate applies (its `when` evaluated) */
	int approval_min;          /* distinct approvers the gate needs (`approval { min = N }`);
				      0 or 1: one */
	bool conditional;          /* `when` could not be decided at compile time */
	bool undo_is_actions_own;  /* undo_call is the action's own `undo`: its arguments are
				      evaluated in the do action's scope, with the snapshots */
	int attempts;              /* 1 + retries */
	int64_t timeout_ms;        /* per attempt; 0 = none (use duration_max_ms) */
	int64_t backoff_ms;        /* base backoff between attempts */
	int64_t wait_ms;           /* `wait ... within D` and plain waits, worst case */
	int64_t duration_min_ms;   /* the action's declared duration model */
	int64_t duration_max_ms;
	/* The `do` action polls (`wait until ... every E`): E, the cap of compiler/poll.h's
	 * schedule, whose first poll after the immediate one is at duration_min_ms; the
	 * simulator charges the time from a change's end to the poll that notices it.
	 * 0: the action does not poll. */
	int64_t poll_every_ms;
	/* What the step runs, as plan data (issue #13 item 3, step 3; compiler/lower_action.c):
	 * its calls bound, its conditions and its own clauses. Expressions are lowered in the
	 * step's module and read in the runbook's scope (`scope`). The interpreter runs these
	 * (issue #13 item 3, step 4). */
	kdx_plan_call *do_call;    /* NULL: the step has no `do` */
	kdx_plan_call *undo_call;  /* its `undo`, else the `do` action's own, else NULL */
	kdx_expr **whens;          /* `when` conditions (those not decided at compile time
				      matter: a false one skips the step) */
	kdx_expr **requires;       /* `require` conditions, in order */
	kdx_stmt *run;             /* its own `do`, `wait D` and `wait until`, in source order;
				      a DO has expr NULL and no span: what it runs is do_call
				      (whose span it is). Steps whose only clause is their `do`
				      share one such statement. */
	/* The runbook scope its `when`, `require` and own waits are read in: -1 the main
	 * runbook's, else a nested runbook's (`use`), an index into the compilation's scopes
	 * (compile.h). In the plan document since plan IR version 4. */
	int32_t scope;
	kdx_on_failure on_failure;
	kdx_expr *approval_when;   /* the `approval` gate's condition as written (the compiler
				      decided it: approval), or NULL; for display (in the
				      plan document since version 4) */
	const void *body;          /* compile time only: the step's declaration (grammar/ast.h's
				      kdx_ast_decl), whose clauses compiler/lower_action.c
				      walks to put what the step calls in kdx_plan.actions;
				      nothing after the front end reads it */
	/* The lengths of the arrays above, 32 bits side by side (a step is one of 100,000 in
	 * the largest runbooks; size_t counts each with its own padding cost 24 bytes a step,
	 * issue #19). */
	uint32_t npreds, neffects, nundo_effects, nwhens, nrequires, nrun;
	const char *group;         /* the `parallel` group or nested runbook (`use ... as NAME`)
				      it was declared in -- "kid", "kid.inner", "warm" -- or NULL
				      at the top level; for display only, the edges say it all */
} kdx_step;

typedef struct kdx_plan_region {
	const char *name;          /* "us-east-1" */
	const char *role;          /* "primary", "secondary", ... */
	double weight;             /* initial traffic weight, percent */
	double capacity;           /* initial capacity, percent */
	kdx_span span;
} kdx_plan_region;

typedef enum kdx_res_class {
	KDX_RES_OPAQUE = 0,
	KDX_RES_TRAFFIC,   /* weights per region: Route 53 records, accelerator dials */
	KDX_RES_DATABASE,  /* one writer region, replicas, lag */
	KDX_RES_CACHE,
	KDX_RES_FLEET,     /* capacity in one region */
	KDX_RES_ALARM,
} kdx_res_class;

typedef struct kdx_plan_resource {
	const char *name;          /* instance name: "api", "fleet[us-west-2]" */
	const char *type;          /* stdlib type: "route53.weighted_record" */
	kdx_res_class cls;
	int32_t region;            /* the region it lives in, or -1 for global */
	int32_t writer;            /* DATABASE/CACHE: initial writer region, or -1 */
	kdx_value *attrs;          /* evaluated attributes (a map) */
	kdx_span span;
} kdx_plan_resource;

/* A region a scenario loses (`fail region R`): the run store must survive it too.
 * kdx_plan_index_losses() builds them from the scenarios. */
typedef struct kdx_plan_loss {
	int32_t region;            /* index into kdx_plan.regions */
	const char *scenario;
	kdx_span span;             /* the `fail region` statement */
} kdx_plan_loss;

/* ---- scenarios (`scenario` blocks): what `kdx simulate` injects and checks ---- */

typedef enum kdx_fault_kind {
	KDX_FAULT_FAIL_REGION,   /* region down from at_ms: health false, its weight serves nobody */
	KDX_FAULT_FAIL_STEP,     /* every attempt of step's `do` fails */
	KDX_FAULT_TIMEOUT_STEP,  /* step's `do` never completes: the scheduler's timeout ends it */
	KDX_FAULT_THROTTLE,      /* attempts of actions of service in [at, at+for) are throttled */
	KDX_FAULT_LAG,           /* replication lag of resource in region, from the start */
	KDX_FAULT_ALARM,         /* alarm resource goes to ALARM at at_ms: a stop condition */
	KDX_FAULT_DENY_APPROVAL, /* the approval of step is denied */
} kdx_fault_kind;

typedef struct kdx_fault {
	kdx_fault_kind kind;
	kdx_span span;           /* the statement */
	int32_t region;          /* FAIL_REGION, LAG: index into plan->regions */
	int32_t step;            /* FAIL_STEP, TIMEOUT_STEP, DENY_APPROVAL: into plan->steps */
	int32_t resource;        /* LAG, ALARM: into plan->resources */
	const char *service;     /* THROTTLE: the action's module, e.g. "route53" */
	int64_t at_ms;           /* FAIL_REGION, THROTTLE, ALARM */
	int64_t for_ms;          /* THROTTLE; KDX_TIME_NEVER-like INT64_MAX when open-ended */
	int64_t lag_ms;          /* LAG */
} kdx_fault;

typedef enum kdx_expect_kind { KDX_EXPECT_RTO, KDX_EXPECT_RPO, KDX_EXPECT_STEP } kdx_expect_kind;

/* What a step ended as, for `expect step S STATE` and the reports. */
typedef enum kdx_sim_state {
	KDX_SS_PENDING = 0,      /* never started */
	KDX_SS_DONE,
	KDX_SS_FAILED,
	KDX_SS_SKIPPED,
	KDX_SS_ROLLED_BACK,      /* done, then undone */
	KDX_SS_NOT_UNDONE,       /* done, and the rollback could not or would not undo it */
} kdx_sim_state;

typedef struct kdx_expect {
	kdx_expect_kind kind;
	bool strict;             /* `<` rather than `<=` */
	int64_t bound_ms;        /* RTO, RPO */
	int32_t step;            /* STEP */
	kdx_sim_state state;     /* STEP */
	const char *text;        /* as written, for reports: "rto <= 15m" */
	kdx_span span;
} kdx_expect;

typedef struct kdx_scenario {
	const char *name;
	/* Non-NULL: the scenario names a step this environment leaves out (its `when` is
	 * false, e.g. promote_db with db_failover = "detach"), so it cannot run here; why, for
	 * the message. Not a compile error: every command compiles the scenarios, and the
	 * runbook is valid in that environment. Its step faults and expectations are dropped. */
	const char *inapplicable;
	kdx_fault *faults;
	size_t nfaults;
	kdx_expect *expects;
	size_t nexpects;
} kdx_scenario;

/* Where runs are kept (docs/executor.md, Stores): the `state { url = ... }` block, or what
 * the command line chose instead (-state, KDX_STATE); the CLI fills `regions` from the URL
 * (or the AWS region chain) before the safety analyses run. */
typedef struct kdx_plan_store {
	const char *url;           /* NULL: the local default (.kdx next to the runbook) */
	const char *origin;        /* "state block", "-state", "KDX_STATE", "-state-dir" */
	bool located;              /* span is the block's url (not the command line) */
	kdx_span span;
	const char **regions;      /* the bucket's or table's region, then a global table's
				      other replicas; none for a local store */
	size_t nregions;
	bool global;               /* a global table: it survives while most replicas do */
	const char *regions_from;  /* where the regions come from, for messages: "DescribeTable"
				      or "the URL" (NULL: a local store) */
	const char *regions_note;  /* why the URL's were used (DescribeTable not asked or
				      failed), or NULL */
} kdx_plan_store;

/* A runbook scope as values (plan IR version 4): the bindings a step's own expressions --
 * `when`, `require`, its own waits, its calls' run-time arguments -- are read in, innermost
 * first as the evaluator looks them up (a name bound twice: the first one counts). value
 * NULL: bound, known only at run time. A resource's binding is its value in
 * kdx_plan.resources (the same value, so the evaluator knows it for a resource). */
typedef struct kdx_plan_binding {
	const char *name;
	kdx_value *value;
} kdx_plan_binding;

typedef struct kdx_plan_scope {
	kdx_plan_binding *bindings;
	size_t n;
} kdx_plan_scope;

typedef struct kdx_plan {
	const char *name;          /* the runbook's name */
	const char *path;          /* main source file */
	const char *environment;   /* value of param environment, or NULL */
	const char *mode;          /* value of param mode (graceful, ungraceful), or NULL */
	bool has_rto, has_rpo;
	int64_t rto_ms, rpo_ms;
	kdx_span rto_span, rpo_span;
	kdx_plan_region *regions;
	size_t nregions;
	kdx_plan_resource *resources;
	size_t nresources;
	kdx_step *steps;           /* in source order; not necessarily topological */
	size_t nsteps;
	bool has_allow_exec;       /* the runbook block has allow_exec: core.exec may run */
	const char **allow_exec;   /* its commands (argv[0] as written), nallow_exec of them */
	size_t nallow_exec;
	kdx_plan_store store;
	kdx_scenario *scenarios;   /* the main file's, in source order */
	size_t nscenarios;
	kdx_plan_loss *losses;     /* every `fail region` of every scenario (an index of
				      scenarios' faults for the state analysis) */
	size_t nlosses;
	int32_t *stop_on;          /* the runbook's `stop_on = [alarm, ...]`: alarm resources
				      (indices into resources), read before each step starts */
	size_t nstop_on;
	kdx_action *actions;       /* every action the plan can run: the steps' `do` and undo
				      actions, what their clauses and run-time arguments call,
				      KDX_STOP_ON_ACTION with stop_on, and everything those call;
				      in the order they were found */
	size_t nactions;
	/* The runbook scopes as values (compiler/compile.c fills them once lowered): the main
	 * runbook's global scope (compile.h's genv), and per kdx_step.scope index the scope of
	 * the runbook a step was declared in (compile.h's scopes). */
	kdx_plan_scope global;
	kdx_plan_scope *scopes;
	size_t nscopes;
} kdx_plan;

/* compiler/lower_scenario.c: fill p->losses from the FAIL_REGION
 * faults of p->scenarios (after lowering, and after reading a plan back). */
void kdx_plan_index_losses(kdx_plan *p, kdx_arena *a);

/* What the scheduler calls, for each stop_on alarm, before each step starts. */
#define KDX_STOP_ON_ACTION "cloudwatch.alarm_state"

/* The index in p->actions of the action of this qualified name, or -1. */
int32_t kdx_plan_action(const kdx_plan *p, const char *name);
/* The value c binds to the action's parameter `param`, or NULL (no such parameter, or
 * known only at run time). */
const kdx_value *kdx_plan_call_arg(const kdx_plan *p, const kdx_plan_call *c, const char *param);

#endif
