/* ast: small queries over the syntax tree, and names of its kinds for messages. */
#include "ast.h"

#include <string.h>

const kdx_ast_item *kdx_ast_find_item(const kdx_ast_decl *d, kdx_ast_item_kind kind)
{
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i]->kind == kind)
			return d->items[i];
	return NULL;
}

const kdx_ast_item *kdx_ast_find_attr(const kdx_ast_decl *d, const char *name)
{
	/* the first letter before the strcmp: lowering asks every action for attributes most
	 * of them lack (116,000 times at 20,000 steps) */
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i]->kind == KDX_AST_ATTR && d->items[i]->name.name[0] == name[0] &&
		    !strcmp(d->items[i]->name.name, name))
			return d->items[i];
	return NULL;
}

const char *kdx_ast_string_literal(const kdx_ast_expr *e)
{
	if (!e || e->kind != KDX_AST_E_STRING)
		return NULL;
	if (e->u.str.n == 0)
		return "";
	if (e->u.str.n == 1 && !e->u.str.parts[0].expr)
		return e->u.str.parts[0].text;
	return NULL;
}

const char *kdx_ast_decl_kind_name(kdx_ast_decl_kind k)
{
	static const char *const names[] = {
		[KDX_AST_RUNBOOK] = "runbook",   [KDX_AST_IMPORT] = "import",
		[KDX_AST_PARAM] = "param",       [KDX_AST_OBJECTIVES] = "objectives",
		[KDX_AST_REGION] = "region",     [KDX_AST_RESOURCE] = "resource",
		[KDX_AST_STEP] = "step",         [KDX_AST_SCENARIO] = "scenario",
		[KDX_AST_OUTPUT] = "output",     [KDX_AST_TYPE] = "type",
		[KDX_AST_ACTION] = "action",     [KDX_AST_GROUP] = "parallel",
		[KDX_AST_USE] = "use",         [KDX_AST_STATE] = "state",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *kdx_ast_item_kind_name(kdx_ast_item_kind k)
{
	static const char *const names[] = {
		[KDX_AST_ATTR] = "attribute",          [KDX_AST_AFTER] = "after",
		[KDX_AST_DO] = "do",                   [KDX_AST_UNDO] = "undo",
		[KDX_AST_REQUIRE] = "require",         [KDX_AST_WAIT] = "wait",
		[KDX_AST_WAIT_UNTIL] = "wait until",   [KDX_AST_TIMEOUT] = "timeout",
		[KDX_AST_RETRY] = "retry",             [KDX_AST_APPROVAL] = "approval",
		[KDX_AST_IRREVERSIBLE] = "irreversible", [KDX_AST_WHEN] = "when",
		[KDX_AST_ON_FAILURE] = "on_failure",   [KDX_AST_FIELD] = "field",
		[KDX_AST_DURATION] = "duration",       [KDX_AST_EFFECT] = "effect",
		[KDX_AST_READS] = "reads",             [KDX_AST_WRITES] = "writes",
		[KDX_AST_SNAPSHOT] = "snapshot",       [KDX_AST_CALL] = "call",
		[KDX_AST_LET] = "let",                 [KDX_AST_RETURN] = "return",
		[KDX_AST_FAIL_REGION] = "fail region", [KDX_AST_FAIL_STEP] = "fail step",
		[KDX_AST_TIMEOUT_STEP] = "timeout step", [KDX_AST_THROTTLE] = "throttle",
		[KDX_AST_LAG] = "lag",                 [KDX_AST_ALARM] = "alarm",
		[KDX_AST_DENY_APPROVAL] = "deny approval", [KDX_AST_EXPECT] = "expect",
		[KDX_AST_EXPECT_STEP] = "expect step",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *kdx_ast_op_name(kdx_ast_op op)
{
	static const char *const names[] = {
		[KDX_AST_OP_NOT] = "!", [KDX_AST_OP_NEG] = "-",  [KDX_AST_OP_MUL] = "*",
		[KDX_AST_OP_DIV] = "/", [KDX_AST_OP_MOD] = "%",  [KDX_AST_OP_ADD] = "+",
		[KDX_AST_OP_SUB] = "-", [KDX_AST_OP_LT] = "<",   [KDX_AST_OP_LE] = "<=",
		[KDX_AST_OP_GT] = ">",  [KDX_AST_OP_GE] = ">=",  [KDX_AST_OP_EQ] = "==",
		[KDX_AST_OP_NE] = "!=", [KDX_AST_OP_AND] = "&&", [KDX_AST_OP_OR] = "||",
	};
	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}
