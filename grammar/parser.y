/* parser: the kdx grammar. Pure (no globals), with byte-span locations, custom syntax
 * error messages (see report_syntax_error) and recovery at declaration and clause level.
 * Every construct is built by a small helper in build.c; the rules stay declarative. */
%code requires {
#include "grammar/internal.h"
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                    \
	do {                                                           \
		if (N) {                                               \
			(Cur).start = YYRHSLOC(Rhs, 1).start;          \
			(Cur).end = YYRHSLOC(Rhs, N).end;              \
		} else {                                               \
			(Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; \
		}                                                      \
	} while (0)
}

%code provides {
int kdx_yylex(KDX_YYSTYPE *lval, KDX_YYLTYPE *lloc, kdx_pctx *ctx);
void kdx_yyerror(KDX_YYLTYPE *lloc, kdx_pctx *ctx, const char *msg);
}

%code {
#define YYMAXDEPTH 2000
#define L(x) kdx_pspan(ctx, x)
/* The Makefile builds this grammar twice: as kdx_yyparse with LAC (parse.lac full), whose
 * exact expected-token sets the syntax error messages are made of, and with
 * KDX_PARSE_FAST as kdx_yyparse_fast without LAC, which kdx_parse_file tries first: LAC
 * costs ~10 % of the parse on every token, and only a file with an error needs it. */
#ifdef KDX_PARSE_FAST
#undef yyparse
#define yyparse kdx_yyparse_fast
#undef yyerror
#define yyerror kdx_yyerror_fast
static void kdx_yyerror_fast(KDX_YYLTYPE *lloc, kdx_pctx *ctx, const char *msg);
#endif
}

%define api.pure full
%define api.prefix {kdx_yy}
%define api.location.type {kdx_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {kdx_pctx *ctx}

%union {
	const char *id;
	struct { const char *text; size_t len; } s;
	struct { double value; const char *text; } num;
	struct { int64_t ms; const char *text; } dur;
	kdx_ast_expr *expr;
	kdx_ast_type *type;
	kdx_ast_item *item;
	kdx_ast_decl *decl;
	kdx_pvec vec;
	kdx_ast_ident ident;
}

%token <id> IDENT "name"
%token <num> NUMBER "number" PERCENT "percent"
%token <dur> DURATION "duration"
%token <s> STR_TEXT "string text"
%token STR_BEGIN "string" STR_END "end of string"
%token INTERP_BEGIN "'${'" INTERP_END "'}' closing '${'"
%token EQ "'=='" NE "'!='" LE "'<='" GE "'>='" ANDAND "'&&'" OROR "'||'" ARROW "'=>'"
%token DOTDOT "'..'" CALL_LPAREN "'(' of a call" INDEX_LBRACKET "'[' of an index"
%token <id> KW_ACTION "'action'" KW_AFTER "'after'" KW_ALARM "'alarm'"
%token <id> KW_APPROVAL "'approval'" KW_AS "'as'" KW_AT "'at'" KW_BACKOFF "'backoff'"
%token <id> KW_CALL "'call'" KW_DENY "'deny'" KW_DO "'do'" KW_DURATION "'duration'"
%token <id> KW_EFFECT "'effect'" KW_EVERY "'every'" KW_EXPECT "'expect'" KW_FAIL "'fail'"
%token <id> KW_FALSE "'false'" KW_FIELD "'field'" KW_FOR "'for'" KW_IF "'if'"
%token <id> KW_IMPORT "'import'" KW_IN "'in'" KW_IRREVERSIBLE "'irreversible'" KW_LAG "'lag'"
%token <id> KW_LET "'let'" KW_NONE "'none'" KW_NULL "'null'" KW_OBJECTIVES "'objectives'"
%token <id> KW_ON_FAILURE "'on_failure'" KW_OUTPUT "'output'" KW_PARALLEL "'parallel'" KW_PARAM "'param'"
%token <id> KW_READS "'reads'" KW_REGION "'region'" KW_REQUIRE "'require'"
%token <id> KW_RESOURCE "'resource'" KW_RETRY "'retry'" KW_RETURN "'return'"
%token <id> KW_RUNBOOK "'runbook'" KW_SCENARIO "'scenario'" KW_SNAPSHOT "'snapshot'"
%token <id> KW_STATE "'state'" KW_STEP "'step'" KW_THROTTLE "'throttle'" KW_TIMEOUT "'timeout'" KW_TRUE "'true'"
%token <id> KW_TYPE "'type'" KW_UNDO "'undo'" KW_UNTIL "'until'" KW_USE "'use'" KW_WAIT "'wait'"
%token <id> KW_WHEN "'when'" KW_WITHIN "'within'" KW_WRITES "'writes'"
%token APPROVAL_WHEN "'when' of 'approval'"

%type <expr> expr string map_block effect_call
%type <type> type
%type <item> item
%type <decl> decl
%type <vec> items body parts list_items list1 entries args arglist ident_list expr_list1
%type <vec> strings effect_calls params plist opt_after group_decls
%type <ident> name kwname key opt_as dotted
%type <expr> opt_default opt_every opt_backoff opt_at opt_for opt_if
%type <type> opt_ret

/* Optional trailing parts (`retry 3 backoff 2s`, `wait until ... every 5s`, `as x`) bind
 * to the clause they follow, not to the start of the next attribute of the same name.
 * (`approval when` is told apart by the lexer: see APPROVAL_WHEN.) */
%precedence EMPTY_OPT
%precedence KW_BACKOFF KW_EVERY KW_AT KW_AS
%right '?' ':'
%left OROR
%left ANDAND
%nonassoc EQ NE
%nonassoc '<' LE '>' GE
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY
/* The character tokens in the order the grammar below first uses them, declared before
 * '.' takes its precedence: a symbol's number is its first appearance, and the "expected
 * ..." lists of syntax errors are in symbol order, so '.' must keep its place after '{'. */
%token '=' ')' '{' '}' '(' ',' '.' ';' '!' ']' '['
%precedence '.' INDEX_LBRACKET CALL_LPAREN

%%

file:
	  decls
	;

decls:
	  %empty
	| decls decl            { kdx_pvec_push(ctx->arena, &ctx->decls, $2); }
	| decls error
	;

decl:
	  KW_RUNBOOK string body
		{ $$ = kdx_b_decl(ctx, KDX_AST_RUNBOOK, @$, @1);
		  kdx_b_label(ctx, $$, $2); kdx_b_body(ctx, $$, $3, @3); }
	| KW_IMPORT string opt_as
		{ $$ = kdx_b_decl(ctx, KDX_AST_IMPORT, @$, @1);
		  kdx_b_label(ctx, $$, $2); $$->name = $3; }
	| KW_PARAM name ':' type opt_default
		{ $$ = kdx_b_decl(ctx, KDX_AST_PARAM, @$, @1);
		  $$->name = $2; $$->type = $4; $$->value = $5; }
	| KW_PARAM name ':' type opt_default body
		{ $$ = kdx_b_decl(ctx, KDX_AST_PARAM, @$, @1);
		  $$->name = $2; $$->type = $4; $$->value = $5; kdx_b_body(ctx, $$, $6, @6); }
	| KW_OBJECTIVES body
		{ $$ = kdx_b_decl(ctx, KDX_AST_OBJECTIVES, @$, @1); kdx_b_body(ctx, $$, $2, @2); }
	| KW_STATE body
		{ $$ = kdx_b_decl(ctx, KDX_AST_STATE, @$, @1); kdx_b_body(ctx, $$, $2, @2); }
	| KW_REGION string body
		{ $$ = kdx_b_decl(ctx, KDX_AST_REGION, @$, @1);
		  kdx_b_label(ctx, $$, $2); kdx_b_body(ctx, $$, $3, @3); }
	| KW_RESOURCE name ':' type body
		{ $$ = kdx_b_decl(ctx, KDX_AST_RESOURCE, @$, @1);
		  $$->name = $2; $$->type = $4; kdx_b_body(ctx, $$, $5, @5); }
	| KW_STEP IDENT opt_after body
		{ $$ = kdx_b_decl(ctx, KDX_AST_STEP, @$, @1);
		  $$->name = kdx_b_ident(ctx, $2, @2);
		  $$->after = kdx_b_idents(ctx, $3, &$$->nafter); kdx_b_body(ctx, $$, $4, @4); }
	| KW_SCENARIO string body
		{ $$ = kdx_b_decl(ctx, KDX_AST_SCENARIO, @$, @1);
		  kdx_b_label(ctx, $$, $2); kdx_b_body(ctx, $$, $3, @3); }
	| KW_OUTPUT name '=' expr
		{ $$ = kdx_b_decl(ctx, KDX_AST_OUTPUT, @$, @1); $$->name = $2; $$->value = $4; }
	| KW_TYPE name body
		{ $$ = kdx_b_decl(ctx, KDX_AST_TYPE, @$, @1); $$->name = $2;
		  kdx_b_body(ctx, $$, $3, @3); }
	| KW_ACTION name lparen params ')' opt_ret body
		{ $$ = kdx_b_decl(ctx, KDX_AST_ACTION, @$, @1); $$->name = $2;
		  kdx_b_params(ctx, $$, $4); $$->type = $6; kdx_b_body(ctx, $$, $7, @7); }
	| KW_PARALLEL IDENT opt_after '{' group_decls '}'
		{ $$ = kdx_b_decl(ctx, KDX_AST_GROUP, @$, @1);
		  $$->name = kdx_b_ident(ctx, $2, @2);
		  $$->after = kdx_b_idents(ctx, $3, &$$->nafter);
		  kdx_b_group(ctx, $$, $5, kdx_b_loc(@4, @6)); }
	| KW_USE string KW_AS IDENT opt_after body
		{ $$ = kdx_b_decl(ctx, KDX_AST_USE, @$, @1);
		  kdx_b_label(ctx, $$, $2); $$->name = kdx_b_ident(ctx, $4, @4);
		  $$->after = kdx_b_idents(ctx, $5, &$$->nafter); kdx_b_body(ctx, $$, $6, @6); }
	;

/* The members of a `parallel` block: declarations, of which build.c accepts only steps. */
group_decls:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| group_decls decl        { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $2); }
	| group_decls error       { $$ = $1; $$.bad = true; }
	;

lparen: '(' | CALL_LPAREN ;

opt_as:
	  %empty %prec EMPTY_OPT  { $$ = (kdx_ast_ident){ 0 }; }
	| KW_AS name              { $$ = $2; }
	;

opt_default:
	  %empty                  { $$ = NULL; }
	| '=' expr                { $$ = $2; }
	;

opt_after:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| KW_AFTER ident_list     { $$ = $2; }
	;

/* `after a, b.c`: the names pushed as they come, a '.' joining the next part to the last
 * one -- the language of `dotted (',' dotted)*`, with a reduction a name instead of two
 * (most runbooks' steps have an `after` list; issue #19). */
ident_list:
	  IDENT                   { $$ = (kdx_pvec){ 0 }; kdx_b_push_dotted(ctx, &$$, kdx_b_ident(ctx, $1, @1)); }
	| ident_list ',' IDENT    { $$ = $1; kdx_b_push_dotted(ctx, &$$, kdx_b_ident(ctx, $3, @3)); }
	| ident_list '.' IDENT
		{ $$ = $1; kdx_ast_ident *last = &((kdx_ast_ident *)$$.v)[$$.n - 1];
		  *last = kdx_b_dotted(ctx, *last, $3, (kdx_loc){ last->span.start, @3.end }); }
	;

/* A step name; a nested runbook's steps are NAME.STEP (`after db.promote`). */
dotted:
	  IDENT                   { $$ = kdx_b_ident(ctx, $1, @1); }
	| dotted '.' IDENT        { $$ = kdx_b_dotted(ctx, $1, $3, @$); }
	;

params:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| plist
	| plist ','
	;

plist:
	  name ':' type opt_default
		{ $$ = (kdx_pvec){ 0 }; kdx_b_push_param(ctx, &$$, $1, $3, $4, @$); }
	| plist ',' name ':' type opt_default
		{ $$ = $1; kdx_b_push_param(ctx, &$$, $3, $5, $6, kdx_b_loc(@3, @$)); }
	;

opt_ret:
	  %empty                  { $$ = NULL; }
	| ':' type                { $$ = $2; }
	;

type:
	  IDENT                   { $$ = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, $1, NULL, @$); }
	| KW_REGION               { $$ = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, $1, NULL, @$); }
	| KW_DURATION             { $$ = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, $1, NULL, @$); }
	| IDENT '.' key           { $$ = kdx_b_type(ctx, KDX_AST_T_QUALIFIED, $1, $3.name, NULL, @$); }
	| IDENT lparen type ')'   { $$ = kdx_b_type_ctor(ctx, $1, @1, $3, @$); }
	;

body:
	  '{' items '}'           { $$ = $2; }
	;

items:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| items item              { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $2); }
	| items ';'               { $$ = $1; }
	| items error             { $$ = $1; $$.bad = true; }
	;

item:
	  key '=' expr            { $$ = kdx_b_item(ctx, KDX_AST_ATTR, @$); $$->name = $1; $$->expr = $3; }
	| KW_AFTER ident_list     { $$ = kdx_b_item(ctx, KDX_AST_AFTER, @$);
				    $$->names = kdx_b_idents(ctx, $2, &$$->nnames); }
	| KW_DO expr              { $$ = kdx_b_item(ctx, KDX_AST_DO, @$); $$->expr = $2; }
	| KW_UNDO expr            { $$ = kdx_b_item(ctx, KDX_AST_UNDO, @$); $$->expr = $2; }
	| KW_UNDO KW_NONE         { $$ = kdx_b_item(ctx, KDX_AST_UNDO, @$); $$->none = true; }
	| KW_REQUIRE expr         { $$ = kdx_b_item(ctx, KDX_AST_REQUIRE, @$); $$->expr = $2; }
	| KW_WAIT expr            { $$ = kdx_b_item(ctx, KDX_AST_WAIT, @$); $$->expr = $2; }
	| KW_WAIT KW_UNTIL expr KW_WITHIN expr opt_every
		{ $$ = kdx_b_item(ctx, KDX_AST_WAIT_UNTIL, @$);
		  $$->expr = $3; $$->within = $5; $$->every = $6; }
	| KW_TIMEOUT expr         { $$ = kdx_b_item(ctx, KDX_AST_TIMEOUT, @$); $$->expr = $2; }
	| KW_RETRY expr opt_backoff
		{ $$ = kdx_b_item(ctx, KDX_AST_RETRY, @$); $$->expr = $2; $$->backoff = $3; }
	| KW_APPROVAL             { $$ = kdx_b_item(ctx, KDX_AST_APPROVAL, @$); }
	| KW_APPROVAL APPROVAL_WHEN expr
		{ $$ = kdx_b_item(ctx, KDX_AST_APPROVAL, @$); $$->expr = $3; }
	/* approval { min = N }: N distinct approvers (docs/language.md) */
	| KW_APPROVAL '{' key '=' expr '}'
		{ $$ = kdx_b_item(ctx, KDX_AST_APPROVAL, @$); $$->word = $3; $$->value = $5; }
	| KW_IRREVERSIBLE         { $$ = kdx_b_item(ctx, KDX_AST_IRREVERSIBLE, @$); }
	| KW_WHEN expr            { $$ = kdx_b_item(ctx, KDX_AST_WHEN, @$); $$->expr = $2; }
	| KW_ON_FAILURE key       { $$ = kdx_b_item(ctx, KDX_AST_ON_FAILURE, @$); $$->name = $2; }
	| KW_FIELD name ':' type opt_default
		{ $$ = kdx_b_item(ctx, KDX_AST_FIELD, @$);
		  $$->name = $2; $$->type = $4; $$->expr = $5; }
	| KW_DURATION expr DOTDOT expr
		{ $$ = kdx_b_item(ctx, KDX_AST_DURATION, @$); $$->expr = $2; $$->max = $4; }
	| KW_EFFECT '{' effect_calls '}'
		{ $$ = kdx_b_item(ctx, KDX_AST_EFFECT, @$);
		  $$->list = kdx_b_exprs($3, &$$->nlist); }
	| KW_READS expr_list1     { $$ = kdx_b_item(ctx, KDX_AST_READS, @$);
				    $$->list = kdx_b_exprs($2, &$$->nlist); }
	| KW_WRITES expr_list1    { $$ = kdx_b_item(ctx, KDX_AST_WRITES, @$);
				    $$->list = kdx_b_exprs($2, &$$->nlist); }
	| KW_SNAPSHOT name '=' expr
		{ $$ = kdx_b_item(ctx, KDX_AST_SNAPSHOT, @$); $$->name = $2; $$->expr = $4; }
	| KW_CALL IDENT strings map_block opt_as
		{ $$ = kdx_b_item(ctx, KDX_AST_CALL, @$); $$->word = kdx_b_ident(ctx, $2, @2);
		  $$->list = kdx_b_exprs($3, &$$->nlist); $$->input = $4; $$->name = $5; }
	| KW_LET name '=' expr    { $$ = kdx_b_item(ctx, KDX_AST_LET, @$); $$->name = $2; $$->expr = $4; }
	| KW_RETURN expr          { $$ = kdx_b_item(ctx, KDX_AST_RETURN, @$); $$->expr = $2; }
	| KW_FAIL KW_REGION expr opt_at
		{ $$ = kdx_b_item(ctx, KDX_AST_FAIL_REGION, @$); $$->expr = $3; $$->at = $4; }
	| KW_FAIL KW_STEP dotted  { $$ = kdx_b_item(ctx, KDX_AST_FAIL_STEP, @$); $$->name = $3; }
	| KW_TIMEOUT KW_STEP dotted
		{ $$ = kdx_b_item(ctx, KDX_AST_TIMEOUT_STEP, @$); $$->name = $3; }
	| KW_THROTTLE expr opt_at opt_for
		{ $$ = kdx_b_item(ctx, KDX_AST_THROTTLE, @$); $$->expr = $2; $$->at = $3; $$->for_ = $4; }
	| KW_LAG IDENT expr '=' expr
		{ $$ = kdx_b_item(ctx, KDX_AST_LAG, @$); $$->name = kdx_b_ident(ctx, $2, @2);
		  $$->expr = $3; $$->value = $5; }
	| KW_ALARM IDENT opt_at   { $$ = kdx_b_item(ctx, KDX_AST_ALARM, @$);
				    $$->name = kdx_b_ident(ctx, $2, @2); $$->at = $3; }
	| KW_DENY KW_APPROVAL dotted
		{ $$ = kdx_b_item(ctx, KDX_AST_DENY_APPROVAL, @$); $$->name = $3; }
	| KW_EXPECT expr          { $$ = kdx_b_item(ctx, KDX_AST_EXPECT, @$); $$->expr = $2; }
	| KW_EXPECT KW_STEP dotted key
		{ $$ = kdx_b_item(ctx, KDX_AST_EXPECT_STEP, @$); $$->name = $3; $$->word = $4; }
	;

opt_every:
	  %empty %prec EMPTY_OPT  { $$ = NULL; }
	| KW_EVERY expr           { $$ = $2; }
	;

opt_backoff:
	  %empty %prec EMPTY_OPT  { $$ = NULL; }
	| KW_BACKOFF expr         { $$ = $2; }
	;

opt_at:
	  %empty %prec EMPTY_OPT  { $$ = NULL; }
	| KW_AT expr              { $$ = $2; }
	;

opt_for:
	  %empty                  { $$ = NULL; }
	| KW_FOR expr             { $$ = $2; }
	;

strings:
	  string                  { $$ = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &$$, $1); }
	| strings string          { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $2); }
	;

effect_calls:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| effect_calls effect_call { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $2); }
	| effect_calls ';'        { $$ = $1; }
	| effect_calls error      { $$ = $1; }
	;

/* An effect primitive: name(args), possibly qualified. */
effect_call:
	  name CALL_LPAREN args ')'
		{ kdx_ast_expr *f = kdx_b_name(ctx, $1.name, @1); $$ = kdx_b_call(ctx, f, $3, @$); }
	;

expr_list1:
	  expr                    { $$ = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &$$, $1); }
	| expr_list1 ',' expr     { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $3); }
	;

/* ---- expressions ---- */

/* Postfix operators bind tightest (their precedence, above): they and the primaries are
 * alternatives of `expr` itself, and a name in an expression is reduced straight from IDENT
 * (keywords used as names still go through `name`). Each primary, most of them names, was
 * four reductions (IDENT, name, primary, postfix) on the way to `expr`; it is one now, and
 * a reduction is ~90 instructions of bison's tables (issue #19). The language is the same,
 * so LAC's expected sets, and the messages made of them, are too. */
expr:
	  expr '.' key            { $$ = kdx_b_getattr(ctx, $1, $3, @$); }
	| expr INDEX_LBRACKET expr ']' { $$ = kdx_b_index(ctx, $1, $3, @$); }
	| expr CALL_LPAREN args ')'    { $$ = kdx_b_call(ctx, $1, $3, @$); }
	| expr '?' expr ':' expr  { $$ = kdx_b_cond(ctx, $1, $3, $5, @$); }
	| expr OROR expr          { $$ = kdx_b_binary(ctx, KDX_AST_OP_OR, $1, $3, @$); }
	| expr ANDAND expr        { $$ = kdx_b_binary(ctx, KDX_AST_OP_AND, $1, $3, @$); }
	| expr EQ expr            { $$ = kdx_b_binary(ctx, KDX_AST_OP_EQ, $1, $3, @$); }
	| expr NE expr            { $$ = kdx_b_binary(ctx, KDX_AST_OP_NE, $1, $3, @$); }
	| expr '<' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_LT, $1, $3, @$); }
	| expr LE expr            { $$ = kdx_b_binary(ctx, KDX_AST_OP_LE, $1, $3, @$); }
	| expr '>' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_GT, $1, $3, @$); }
	| expr GE expr            { $$ = kdx_b_binary(ctx, KDX_AST_OP_GE, $1, $3, @$); }
	| expr '+' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_ADD, $1, $3, @$); }
	| expr '-' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_SUB, $1, $3, @$); }
	| expr '*' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_MUL, $1, $3, @$); }
	| expr '/' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_DIV, $1, $3, @$); }
	| expr '%' expr           { $$ = kdx_b_binary(ctx, KDX_AST_OP_MOD, $1, $3, @$); }
	| '!' expr %prec UNARY    { $$ = kdx_b_unary(ctx, KDX_AST_OP_NOT, $2, @$); }
	| '-' expr %prec UNARY    { $$ = kdx_b_unary(ctx, KDX_AST_OP_NEG, $2, @$); }
	| NUMBER                  { $$ = kdx_b_number(ctx, KDX_AST_E_NUMBER, $1.value, $1.text, @$); }
	| PERCENT                 { $$ = kdx_b_number(ctx, KDX_AST_E_PERCENT, $1.value, $1.text, @$); }
	| DURATION                { $$ = kdx_b_duration(ctx, $1.ms, $1.text, @$); }
	| KW_TRUE                 { $$ = kdx_b_bool(ctx, true, @$); }
	| KW_FALSE                { $$ = kdx_b_bool(ctx, false, @$); }
	| KW_NULL                 { $$ = kdx_b_expr(ctx, KDX_AST_E_NULL, @$); }
	| string
	| IDENT                   { $$ = kdx_b_name(ctx, $1, @$); }
	| kwname                  { $$ = kdx_b_name(ctx, $1.name, @$); }
	| '(' expr ')'            { $$ = $2; $$->span = L(@$); }
	| '(' error ')'           { $$ = kdx_b_expr(ctx, KDX_AST_E_NULL, @$); }
	| '[' list_items ']'      { $$ = kdx_b_list(ctx, $2, @$); }
	| '[' error ']'           { $$ = kdx_b_list(ctx, (kdx_pvec){ 0 }, @$); }
	| '[' KW_FOR name KW_IN expr ':' expr opt_if ']'
		{ $$ = kdx_b_comp(ctx, KDX_AST_E_FOR_LIST, $3, (kdx_ast_ident){ 0 }, $5, NULL, $7, $8, @$); }
	| '[' KW_FOR name ',' name KW_IN expr ':' expr opt_if ']'
		{ $$ = kdx_b_comp(ctx, KDX_AST_E_FOR_LIST, $3, $5, $7, NULL, $9, $10, @$); }
	| map_block
	| '{' KW_FOR name KW_IN expr ':' expr ARROW expr opt_if '}'
		{ $$ = kdx_b_comp(ctx, KDX_AST_E_FOR_MAP, $3, (kdx_ast_ident){ 0 }, $5, $7, $9, $10, @$); }
	| '{' KW_FOR name ',' name KW_IN expr ':' expr ARROW expr opt_if '}'
		{ $$ = kdx_b_comp(ctx, KDX_AST_E_FOR_MAP, $3, $5, $7, $9, $11, $12, @$); }
	;

opt_if:
	  %empty                  { $$ = NULL; }
	| KW_IF expr              { $$ = $2; }
	;

map_block:
	  '{' entries '}'         { $$ = kdx_b_map(ctx, $2, @$); }
	;

list_items:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| list1
	| list1 ','
	;

list1:
	  expr                    { $$ = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &$$, $1); }
	| list1 ',' expr          { $$ = $1; kdx_pvec_push(ctx->arena, &$$, $3); }
	;

/* Entries are separated by commas, newlines or nothing: { a = 1, b = 2 } and { a = 1 b = 2 }. */
entries:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| entries key '=' expr opt_comma
		{ $$ = $1; kdx_b_push_entry(ctx, &$$, KDX_AST_KEY_IDENT, $2, NULL, $4, kdx_b_loc(@2, @4)); }
	| entries string '=' expr opt_comma
		{ $$ = $1; kdx_b_push_entry(ctx, &$$, KDX_AST_KEY_STRING, (kdx_ast_ident){ 0 }, $2, $4,
					    kdx_b_loc(@2, @4)); }
	| entries '(' expr ')' '=' expr opt_comma
		{ $$ = $1; kdx_b_push_entry(ctx, &$$, KDX_AST_KEY_EXPR, (kdx_ast_ident){ 0 }, $3, $6,
					    kdx_b_loc(@2, @6)); }
	;

opt_comma: %empty | ',' ;

args:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| arglist
	| arglist ','
	;

arglist:
	  expr                    { $$ = (kdx_pvec){ 0 }; kdx_b_push_arg(ctx, &$$, (kdx_ast_ident){ 0 }, $1, @1); }
	| key '=' expr            { $$ = (kdx_pvec){ 0 }; kdx_b_push_arg(ctx, &$$, $1, $3, @$); }
	| arglist ',' expr        { $$ = $1; kdx_b_push_arg(ctx, &$$, (kdx_ast_ident){ 0 }, $3, @3); }
	| arglist ',' key '=' expr { $$ = $1; kdx_b_push_arg(ctx, &$$, $3, $5, kdx_b_loc(@3, @5)); }
	;

string:
	  STR_BEGIN parts STR_END { $$ = kdx_b_string(ctx, $2, @$); }
	;

parts:
	  %empty                  { $$ = (kdx_pvec){ 0 }; }
	| parts STR_TEXT          { $$ = $1; kdx_b_push_text(ctx, &$$, $2.text, $2.len, @2); }
	| parts INTERP_BEGIN expr INTERP_END
		{ $$ = $1; kdx_b_push_interp(ctx, &$$, $3, kdx_b_loc(@2, @4)); }
	| parts INTERP_BEGIN error INTERP_END { $$ = $1; }
	;

/* A name that may be referred to in an expression: identifiers, and the keywords that
 * are also natural names (`objectives.rpo`, a parameter called `region`). */
name:
	  IDENT            { $$ = kdx_b_ident(ctx, $1, @1); }
	| kwname
	;

kwname:
	  KW_REGION        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_DURATION      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_TYPE          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_OBJECTIVES    { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_AT            { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_LAG           { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_ALARM         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_FIELD         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_EFFECT        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_READS         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_WRITES        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_SNAPSHOT      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_BACKOFF       { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_OUTPUT        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_RESOURCE      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_PARAM         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_SCENARIO      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_ACTION        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_RUNBOOK       { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_FAIL          { $$ = kdx_b_ident(ctx, $1, @1); } /* the builtin fail("...") */
	;

/* An attribute, map key, argument name or `.attr`: any word but the literals and the
 * comprehension keywords. */
key:
	  IDENT            { $$ = kdx_b_ident(ctx, $1, @1); }
	| kwname
	| KW_AFTER         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_APPROVAL      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_AS            { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_CALL          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_DENY          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_DO            { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_EVERY         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_EXPECT        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_IMPORT        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_IRREVERSIBLE  { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_LET           { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_NONE          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_ON_FAILURE    { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_PARALLEL      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_REQUIRE       { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_RETRY         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_RETURN        { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_STEP          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_THROTTLE      { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_TIMEOUT       { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_UNDO          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_UNTIL         { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_USE           { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_WAIT          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_WHEN          { $$ = kdx_b_ident(ctx, $1, @1); }
	| KW_WITHIN        { $$ = kdx_b_ident(ctx, $1, @1); }
	;

%%

#include <stdlib.h>
#include <string.h>
#ifdef KDX_PARSE_FAST
/* The first try reports nothing: it only says that the file needs the second, with LAC,
 * which reports every error (parse.c). The lexer returns end of file from here on, so
 * the recovery that follows ends at once. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, kdx_pctx *ctx)
{
	(void)yyctx;
	ctx->nsyntax++;
	ctx->aborted = true;
	return 0;
}

static void kdx_yyerror_fast(KDX_YYLTYPE *lloc, kdx_pctx *ctx, const char *msg)
{
	(void)lloc;
	(void)msg;
	ctx->nsyntax++;
	ctx->aborted = true;
}
#else
#include "grammar/syntax_error.inc"
#endif
