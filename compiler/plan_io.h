/* plan_io: the plan IR (compiler/plan.h) as a JSON document, writer and reader side by
 * side, so that what one process compiled another can read back exactly: regions,
 * resources with their evaluated attributes, steps with every scalar, edges and effects,
 * the allow_exec list. Values keep their kind (a duration stays a duration, a map its key
 * order); spans are [file, start, end] indexes into the compilation's sources.
 *
 * what the plan runs: each step's bound calls (by index into the actions), conditions and
 * own clauses, and the actions (kdx_plan.actions: parameters, body statements, verify,
 * snapshots, undo and duration model, their expressions as kdx_expr). Version 3 added
 * those; version 4 the runbook scopes as values (kdx_plan.global, scopes), each step's
 * scope (kdx_step.scope: -1 the global one, else an index into scopes; refused when it is
 * neither), its approval gate's condition (approval_when), and a value that is a resource
 * instance -- a call's argument, a scope's binding -- as {"resource": INDEX}, read back as
 * that resource's value: so that `kdx apply PLANFILE` can run the plan it reads. Not in the
 * document: kdx_step.body (the lowerer's working form, compile.h; NULL in a plan read
 * back) and kdx_plan.store (the run store the command line and the state analysis chose,
 * not part of the program). Expressions (kdx_expr) have their own
 * writer and reader below too (docs/architecture.md, 3.). kdx_plan_read() allocates everything in
 * the arena it is given; the plan lives as long as that arena. Nothing here prints. */
#ifndef KDX_PLAN_IO_H
#define KDX_PLAN_IO_H
#include "../common/arena.h"
#include "../common/strbuf.h"
#include "plan.h"

#define KDX_PLAN_IR_VERSION 4

/* Append p as one JSON object ({"kdx_plan_ir": VERSION, ...}) to out. */
void kdx_plan_write(strbuf *out, const kdx_plan *p);
/* Read a document kdx_plan_write() wrote. Returns 0 with *out allocated in a, or -1 with
 * err saying what is wrong where ("steps[3].effects[0]: kind 'teleport' is unknown"). */
int kdx_plan_read(const char *text, size_t len, kdx_arena *a, kdx_plan **out, strbuf *err);

/* One expression (plan.h's kdx_expr) as a JSON object, and back: kinds, operators, spans,
 * literal values with their kinds, string parts byte for byte, calls with what they
 * resolved to. The statement IR will embed these in the plan document (issue #13 item 3).
 * kdx_expr_read() allocates in a; -1 with err saying what is wrong ("a 'binary'
 * expression has no 'rhs'"). */
void kdx_expr_write(strbuf *out, const kdx_expr *e);
int kdx_expr_read(const char *text, size_t len, kdx_arena *a, kdx_expr **out, strbuf *err);

#endif
