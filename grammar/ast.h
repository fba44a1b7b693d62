/* ast: the syntax tree of a .kdx file, as the parser builds it (grammar/parse.h).
 * Every node lives in the kdx_arena passed to the parser and carries a kdx_span; every
 * identifier (and every plain label) is interned in the kdx_intern passed to the parser,
 * so two names are equal exactly when their pointers are. Nothing here is freed one by one.
 *
 * Shape: a file is a list of declarations (kdx_ast_decl). Declarations with a body keep
 * its contents in source order as kdx_ast_item (attributes and clauses alike), so the
 * formatter can reproduce the order and the resolver can walk clauses in one loop. */
#ifndef KDX_AST_H
#define KDX_AST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../common/arena.h"
#include "../common/source.h"

typedef struct kdx_ast_expr kdx_ast_expr;
typedef struct kdx_ast_type kdx_ast_type;
typedef struct kdx_ast_item kdx_ast_item;
typedef struct kdx_ast_decl kdx_ast_decl;

/* A name as written: interned text and where it is. name == NULL means "absent". */
typedef struct kdx_ast_ident {
	const char *name;
	kdx_span span;
} kdx_ast_ident;

/* ---- types: string, list(T), map(T), mod.type ---- */

typedef enum kdx_ast_type_kind {
	KDX_AST_T_NAME,      /* name: string, number, bool, duration, percent, region, any, object,
				or a type of the same module */
	KDX_AST_T_QUALIFIED, /* module.name, e.g. route53.weighted_record */
	KDX_AST_T_LIST,      /* list(elem) */
	KDX_AST_T_MAP,       /* map(elem) */
} kdx_ast_type_kind;

struct kdx_ast_type {
	kdx_ast_type_kind kind;
	kdx_span span;
	const char *module; /* T_QUALIFIED */
	const char *name;   /* T_NAME, T_QUALIFIED; "list"/"map" for the others */
	kdx_ast_type *elem; /* T_LIST, T_MAP */
};

/* ---- expressions ---- */

typedef enum kdx_ast_expr_kind {
	KDX_AST_E_STRING,   /* "text ${expr} text": u.str.parts */
	KDX_AST_E_NUMBER,   /* u.num.value */
	KDX_AST_E_DURATION, /* u.dur.ms */
	KDX_AST_E_PERCENT,  /* u.num.value: 70% is 70.0 */
	KDX_AST_E_BOOL,     /* u.b */
	KDX_AST_E_NULL,
	KDX_AST_E_NAME,     /* u.name: a plain name (interned) */
	KDX_AST_E_GETATTR,  /* u.get: obj.attr */
	KDX_AST_E_INDEX,    /* u.index: obj[index] */
	KDX_AST_E_CALL,     /* u.call: callee(args); callee is usually a NAME or a GETATTR chain
			       (rds.promote), but any postfix expression parses */
	KDX_AST_E_LIST,     /* u.list: [a, b] */
	KDX_AST_E_MAP,      /* u.map: { k = v, "k" = v, (expr) = v } */
	KDX_AST_E_FOR_LIST, /* u.comp: [for k, v in coll : value if cond] */
	KDX_AST_E_FOR_MAP,  /* u.comp: {for k, v in coll : key => value if cond} */
	KDX_AST_E_COND,     /* u.cond: c ? a : b */
	KDX_AST_E_UNARY,    /* u.unary */
	KDX_AST_E_BINARY,   /* u.binary */
} kdx_ast_expr_kind;

typedef enum kdx_ast_op {
	KDX_AST_OP_NOT, KDX_AST_OP_NEG,                  /* unary: ! - */
	KDX_AST_OP_MUL, KDX_AST_OP_DIV, KDX_AST_OP_MOD,  /* * / % */
	KDX_AST_OP_ADD, KDX_AST_OP_SUB,                  /* + - */
	KDX_AST_OP_LT, KDX_AST_OP_LE, KDX_AST_OP_GT, KDX_AST_OP_GE,
	KDX_AST_OP_EQ, KDX_AST_OP_NE,
	KDX_AST_OP_AND, KDX_AST_OP_OR,
} kdx_ast_op;

/* One piece of a string: literal text (escapes already decoded; may contain any byte
 * except NUL) or an interpolated expression. Adjacent literal pieces are merged. */
typedef struct kdx_ast_strpart {
	kdx_ast_expr *expr; /* NULL for literal text */
	const char *text;   /* literal: arena copy, NUL-terminated */
	size_t len;
	kdx_span span;
} kdx_ast_strpart;

/* A call argument; name is NULL for a positional one. A named one's span starts with its
 * name, a single token (kdx_ast_arg_name_span): 32 bytes, not 48 with an identifier of its
 * own (issue #19: 224,000 arguments at 100,000 steps). */
typedef struct kdx_ast_arg {
	const char *name;
	kdx_ast_expr *value;
	kdx_span span;
} kdx_ast_arg;

/* Where a named argument's name is written (zero for a positional one). */
static inline kdx_span kdx_ast_arg_name_span(const kdx_ast_arg *a)
{
	if (!a->name)
		return (kdx_span){ 0, 0, 0 };
	return (kdx_span){ a->span.file, a->span.start, a->span.start + (uint32_t)strlen(a->name) };
}

typedef enum kdx_ast_key_kind {
	KDX_AST_KEY_IDENT,  /* { name = v }: ident */
	KDX_AST_KEY_STRING, /* { "name" = v }: key is an E_STRING */
	KDX_AST_KEY_EXPR,   /* { (expr) = v }: key */
} kdx_ast_key_kind;

typedef struct kdx_ast_entry {
	/* In an order without padding: 56 bytes, not 64 (issue #19). */
	kdx_ast_ident ident;
	kdx_ast_expr *key;
	kdx_ast_expr *value;
	kdx_span span;
	kdx_ast_key_kind key_kind;
} kdx_ast_entry;

/* A comprehension's parts (E_FOR_LIST, E_FOR_MAP). Kept out of kdx_ast_expr so that every
 * other expression -- a million of them in a 100,000-step runbook -- is 40 bytes, not 96. */
typedef struct kdx_ast_comp {
	kdx_ast_ident var1;  /* the only variable, or the key/index one */
	kdx_ast_ident var2;  /* the value variable; name NULL with one variable */
	kdx_ast_expr *coll;
	kdx_ast_expr *key;   /* FOR_MAP only */
	kdx_ast_expr *value;
	kdx_ast_expr *cond;  /* NULL without `if` */
} kdx_ast_comp;

struct kdx_ast_expr {
	kdx_ast_expr_kind kind;
	kdx_span span;
	union {
		struct { kdx_ast_strpart *parts; size_t n; } str;
		struct { double value; const char *text; } num; /* text: as written */
		struct { int64_t ms; const char *text; } dur;
		bool b;
		const char *name;
		/* attr's span is attr_start..attr_end of the expression's file (a kdx_ast_ident
		 * here made every expression 48 bytes, not 40: issue #19); kdx_ast_attr_span */
		struct { kdx_ast_expr *obj; const char *attr; uint32_t attr_start, attr_end; } get;
		struct { kdx_ast_expr *obj, *index; } index;
		struct { kdx_ast_expr *callee; kdx_ast_arg *args; size_t nargs; } call;
		struct { kdx_ast_expr **items; size_t n; } list;
		struct { kdx_ast_entry *entries; size_t n; } map;
		kdx_ast_comp *comp; /* out of line: the largest member, and rare */
		struct { kdx_ast_expr *cond, *then, *otherwise; } cond;
		struct { kdx_ast_op op; kdx_ast_expr *operand; } unary;
		struct { kdx_ast_op op; kdx_ast_expr *lhs, *rhs; } binary;
	} u;
};

/* Where a GETATTR's attribute name is written. */
static inline kdx_span kdx_ast_attr_span(const kdx_ast_expr *e)
{
	return (kdx_span){ e->span.file, e->u.get.attr_start, e->u.get.attr_end };
}

/* ---- block contents: attributes and clauses ---- */

typedef enum kdx_ast_item_kind {
	KDX_AST_ATTR,          /* name = expr                       (any block) */
	/* step clauses (do/undo/wait/wait until are also action body statements) */
	KDX_AST_AFTER,         /* after a, b                        names */
	KDX_AST_DO,            /* do CALL                           expr */
	KDX_AST_UNDO,          /* undo CALL | undo none             expr, or none = true */
	KDX_AST_REQUIRE,       /* require COND                      expr */
	KDX_AST_WAIT,          /* wait DURATION                     expr */
	KDX_AST_WAIT_UNTIL,    /* wait until COND within D [every D]  expr, within, every */
	KDX_AST_TIMEOUT,       /* timeout D                         expr */
	KDX_AST_RETRY,         /* retry N [backoff D]               expr, backoff */
	KDX_AST_APPROVAL,      /* approval [when COND]              expr (NULL: always) */
	KDX_AST_IRREVERSIBLE,  /* irreversible */
	KDX_AST_WHEN,          /* when COND                         expr */
	KDX_AST_ON_FAILURE,    /* on_failure rollback|continue|pause  name */
	/* type declarations */
	KDX_AST_FIELD,         /* field NAME : TYPE [= DEFAULT]     name, type, expr */
	/* action declarations */
	KDX_AST_DURATION,      /* duration MIN..MAX                 expr (min), max */
	KDX_AST_EFFECT,        /* effect { prim(args) ... }         list (E_CALLs) */
	KDX_AST_READS,         /* reads e, ...                      list */
	KDX_AST_WRITES,        /* writes e, ...                     list */
	KDX_AST_SNAPSHOT,      /* snapshot NAME = CALL              name, expr */
	KDX_AST_CALL,          /* call PROVIDER "a" "b" { INPUT } [as NAME]
				  word (aws|terraform), list (E_STRINGs), input (E_MAP), name */
	KDX_AST_LET,           /* let NAME = EXPR                   name, expr */
	KDX_AST_RETURN,        /* return EXPR                       expr */
	/* scenario statements */
	KDX_AST_FAIL_REGION,   /* fail region EXPR [at D]           expr, at */
	KDX_AST_FAIL_STEP,     /* fail step NAME                    name */
	KDX_AST_TIMEOUT_STEP,  /* timeout step NAME                 name */
	KDX_AST_THROTTLE,      /* throttle EXPR [at D] [for D]      expr, at, for_ */
	KDX_AST_LAG,           /* lag NAME EXPR = D                 name, expr (region), value */
	KDX_AST_ALARM,         /* alarm NAME [at D]                 name, at */
	KDX_AST_DENY_APPROVAL, /* deny approval NAME                name */
	KDX_AST_EXPECT,        /* expect COND                       expr */
	KDX_AST_EXPECT_STEP,   /* expect step NAME STATE            name, word (done|failed|...) */
} kdx_ast_item_kind;

/* One attribute or clause. Which fields a kind uses is listed next to it above;
 * the others are NULL / empty. span covers the whole item. */
struct kdx_ast_item {
	kdx_ast_item_kind kind;
	kdx_span span;
	kdx_ast_ident name;
	kdx_ast_ident word;
	kdx_ast_expr *expr;
	/* Each kind uses at most one of these, so they share two words (read one only for
	 * its kind; `none` and `type` too, which were a word each on every item): a
	 * 100,000-step runbook has a quarter of a million items. */
	union {
		struct { kdx_ast_expr *within, *every; }; /* WAIT_UNTIL */
		kdx_ast_expr *backoff;                    /* RETRY */
		kdx_ast_expr *max;                        /* DURATION */
		struct { kdx_ast_expr *at, *for_; };      /* FAIL_REGION, THROTTLE, ALARM */
		kdx_ast_expr *value;                      /* LAG */
		kdx_ast_expr *input;                      /* CALL */
		kdx_ast_type *type;                       /* FIELD */
		bool none;                                /* UNDO none */
	};
	kdx_ast_ident *names;         /* AFTER */
	size_t nnames;
	kdx_ast_expr **list;          /* EFFECT, READS, WRITES, CALL */
	size_t nlist;
};

/* ---- declarations ---- */

typedef enum kdx_ast_decl_kind {
	KDX_AST_RUNBOOK,    /* runbook "label" { items } */
	KDX_AST_IMPORT,     /* import "label" [as name] */
	KDX_AST_PARAM,      /* param name : type [= value] [{ items }] */
	KDX_AST_OBJECTIVES, /* objectives { items } */
	KDX_AST_REGION,     /* region "label" { items } */
	KDX_AST_RESOURCE,   /* resource name : type { items }  (for_each is an ATTR, also in for_each) */
	KDX_AST_STEP,       /* step name [after a, b] { items }  (header names in `after`) */
	KDX_AST_SCENARIO,   /* scenario "label" { items } */
	KDX_AST_OUTPUT,     /* output name = value */
	KDX_AST_TYPE,       /* type name { items: ATTR (class = ...), FIELD } */
	KDX_AST_ACTION,     /* action name(params) [: type] { items } */
	KDX_AST_GROUP,      /* parallel name [after a, b] { step ... }  (members in decls) */
	KDX_AST_USE,        /* use "path.kdx" as name [after a, b] { param = value ... } */
	KDX_AST_STATE,      /* state { url = "s3://..." }: where runs are kept */
} kdx_ast_decl_kind;

/* An action parameter: name : type [= default]. */
typedef struct kdx_ast_param {
	kdx_ast_ident name;
	kdx_ast_type *type;
	kdx_ast_expr *def;  /* NULL when required */
	kdx_span span;
} kdx_ast_param;

struct kdx_ast_decl {
	kdx_ast_decl_kind kind;
	kdx_span span;          /* the whole declaration */
	kdx_span kw_span;       /* its keyword */
	kdx_ast_ident name;     /* PARAM RESOURCE STEP OUTPUT TYPE ACTION; IMPORT: the `as` name */
	kdx_ast_ident label;    /* RUNBOOK IMPORT REGION SCENARIO: the string's text, interned */
	kdx_ast_type *type;     /* PARAM, RESOURCE; ACTION: return type (NULL if none) */
	kdx_ast_expr *value;    /* PARAM default (may be NULL), OUTPUT value */
	kdx_ast_ident *after;   /* STEP: names in the header's `after` */
	size_t nafter;
	kdx_ast_item **items;   /* body, in source order */
	size_t nitems;
	bool has_body;          /* PARAM: a { } block was written */
	kdx_span body_span;     /* from '{' to '}' when there is a body */
	/* One kind each, so they share two words (read one only for its kind): 184 -> 160
	 * bytes a declaration, 100,000 of them in a 100,000-step runbook. */
	union {
		struct {
			kdx_ast_param *params; /* ACTION */
			size_t nparams;
		};
		struct {
			kdx_ast_decl **decls;  /* GROUP: the member steps, in source order */
			size_t ndecls;
		};
		kdx_ast_expr *for_each;        /* RESOURCE: the for_each attribute's value, or NULL */
	};
};

/* A comment as written, kept so the formatter can put it back. */
typedef struct kdx_ast_comment {
	kdx_span span;          /* the whole comment, markers included */
	bool block;             /* slash-star comment (may span lines) */
} kdx_ast_comment;

typedef struct kdx_ast_file {
	uint32_t file;          /* index in kdx_sources */
	kdx_ast_decl **decls;
	size_t ndecls;
	kdx_ast_comment *comments; /* in source order */
	size_t ncomments;
} kdx_ast_file;

/* The first item of a kind in a body, or NULL. */
const kdx_ast_item *kdx_ast_find_item(const kdx_ast_decl *d, kdx_ast_item_kind kind);
/* The attribute `name` (interned or not: compared by content) in a body, or NULL. */
const kdx_ast_item *kdx_ast_find_attr(const kdx_ast_decl *d, const char *name);
/* The literal text of a string with no interpolation, or NULL. */
const char *kdx_ast_string_literal(const kdx_ast_expr *e);

/* Names for messages: "step", "wait until", "==", ... */
const char *kdx_ast_decl_kind_name(kdx_ast_decl_kind k);
const char *kdx_ast_item_kind_name(kdx_ast_item_kind k);
const char *kdx_ast_op_name(kdx_ast_op op);

#endif
