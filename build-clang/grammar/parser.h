/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison interface for Yacc-like parsers in C

   Copyright (C) 1984, 1989-1990, 2000-2015, 2018-2021 Free Software Foundation,
   Inc.

   This program is free software: you can redistribute it and/or modify
   it under the terms of the GNU General Public License as published by
   the Free Software Foundation, either version 3 of the License, or
   (at your option) any later version.

   This program is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
   GNU General Public License for more details.

   You should have received a copy of the GNU General Public License
   along with this program.  If not, see <https://www.gnu.org/licenses/>.  */

/* As a special exception, you may create a larger work that contains
   part or all of the Bison parser skeleton and distribute that work
   under terms of your choice, so long as that work isn't itself a
   parser generator using the skeleton or a modified version thereof
   as a parser skeleton.  Alternatively, if you modify or redistribute
   the parser skeleton itself, you may (at your option) remove this
   special exception, which will cause the skeleton and the resulting
   Bison output files to be licensed under the GNU General Public
   License without this special exception.

   This special exception was added by the Free Software Foundation in
   version 2.2 of Bison.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

#ifndef YY_KDX_YY_BUILD_CLANG_GRAMMAR_PARSER_H_INCLUDED
# define YY_KDX_YY_BUILD_CLANG_GRAMMAR_PARSER_H_INCLUDED
/* Debug traces.  */
#ifndef KDX_YYDEBUG
# if defined YYDEBUG
#if YYDEBUG
#   define KDX_YYDEBUG 1
#  else
#   define KDX_YYDEBUG 0
#  endif
# else /* ! defined YYDEBUG */
#  define KDX_YYDEBUG 0
# endif /* ! defined YYDEBUG */
#endif  /* ! defined KDX_YYDEBUG */
#if KDX_YYDEBUG
extern int kdx_yydebug;
#endif
/* "%code requires" blocks.  */
#line 4 "grammar/parser.y"

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

#line 70 "build-clang/grammar/parser.h"

/* Token kinds.  */
#ifndef KDX_YYTOKENTYPE
# define KDX_YYTOKENTYPE
  enum kdx_yytokentype
  {
    KDX_YYEMPTY = -2,
    KDX_YYEOF = 0,                 /* "end of file"  */
    KDX_YYerror = 256,             /* error  */
    KDX_YYUNDEF = 257,             /* "invalid token"  */
    IDENT = 258,                   /* "name"  */
    NUMBER = 259,                  /* "number"  */
    PERCENT = 260,                 /* "percent"  */
    DURATION = 261,                /* "duration"  */
    STR_TEXT = 262,                /* "string text"  */
    STR_BEGIN = 263,               /* "string"  */
    STR_END = 264,                 /* "end of string"  */
    INTERP_BEGIN = 265,            /* "'${'"  */
    INTERP_END = 266,              /* "'}' closing '${'"  */
    EQ = 267,                      /* "'=='"  */
    NE = 268,                      /* "'!='"  */
    LE = 269,                      /* "'<='"  */
    GE = 270,                      /* "'>='"  */
    ANDAND = 271,                  /* "'&&'"  */
    OROR = 272,                    /* "'||'"  */
    ARROW = 273,                   /* "'=>'"  */
    DOTDOT = 274,                  /* "'..'"  */
    CALL_LPAREN = 275,             /* "'(' of a call"  */
    INDEX_LBRACKET = 276,          /* "'[' of an index"  */
    KW_ACTION = 277,               /* "'action'"  */
    KW_AFTER = 278,                /* "'after'"  */
    KW_ALARM = 279,                /* "'alarm'"  */
    KW_APPROVAL = 280,             /* "'approval'"  */
    KW_AS = 281,                   /* "'as'"  */
    KW_AT = 282,                   /* "'at'"  */
    KW_BACKOFF = 283,              /* "'backoff'"  */
    KW_CALL = 284,                 /* "'call'"  */
    KW_DENY = 285,                 /* "'deny'"  */
    KW_DO = 286,                   /* "'do'"  */
    KW_DURATION = 287,             /* "'duration'"  */
    KW_EFFECT = 288,               /* "'effect'"  */
    KW_EVERY = 289,                /* "'every'"  */
    KW_EXPECT = 290,               /* "'expect'"  */
    KW_FAIL = 291,                 /* "'fail'"  */
    KW_FALSE = 292,                /* "'false'"  */
    KW_FIELD = 293,                /* "'field'"  */
    KW_FOR = 294,                  /* "'for'"  */
    KW_IF = 295,                   /* "'if'"  */
    KW_IMPORT = 296,               /* "'import'"  */
    KW_IN = 297,                   /* "'in'"  */
    KW_IRREVERSIBLE = 298,         /* "'irreversible'"  */
    KW_LAG = 299,                  /* "'lag'"  */
    KW_LET = 300,                  /* "'let'"  */
    KW_NONE = 301,                 /* "'none'"  */
    KW_NULL = 302,                 /* "'null'"  */
    KW_OBJECTIVES = 303,           /* "'objectives'"  */
    KW_ON_FAILURE = 304,           /* "'on_failure'"  */
    KW_OUTPUT = 305,               /* "'output'"  */
    KW_PARALLEL = 306,             /* "'parallel'"  */
    KW_PARAM = 307,                /* "'param'"  */
    KW_READS = 308,                /* "'reads'"  */
    KW_REGION = 309,               /* "'region'"  */
    KW_REQUIRE = 310,              /* "'require'"  */
    KW_RESOURCE = 311,             /* "'resource'"  */
    KW_RETRY = 312,                /* "'retry'"  */
    KW_RETURN = 313,               /* "'return'"  */
    KW_RUNBOOK = 314,              /* "'runbook'"  */
    KW_SCENARIO = 315,             /* "'scenario'"  */
    KW_SNAPSHOT = 316,             /* "'snapshot'"  */
    KW_STATE = 317,                /* "'state'"  */
    KW_STEP = 318,                 /* "'step'"  */
    KW_THROTTLE = 319,             /* "'throttle'"  */
    KW_TIMEOUT = 320,              /* "'timeout'"  */
    KW_TRUE = 321,                 /* "'true'"  */
    KW_TYPE = 322,                 /* "'type'"  */
    KW_UNDO = 323,                 /* "'undo'"  */
    KW_UNTIL = 324,                /* "'until'"  */
    KW_USE = 325,                  /* "'use'"  */
    KW_WAIT = 326,                 /* "'wait'"  */
    KW_WHEN = 327,                 /* "'when'"  */
    KW_WITHIN = 328,               /* "'within'"  */
    KW_WRITES = 329,               /* "'writes'"  */
    APPROVAL_WHEN = 330,           /* "'when' of 'approval'"  */
    EMPTY_OPT = 331,               /* EMPTY_OPT  */
    UNARY = 332                    /* UNARY  */
  };
  typedef enum kdx_yytokentype kdx_yytoken_kind_t;
#endif

/* Value type.  */
#if ! defined KDX_YYSTYPE && ! defined KDX_YYSTYPE_IS_DECLARED
union KDX_YYSTYPE
{
#line 36 "grammar/parser.y"

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

#line 177 "build-clang/grammar/parser.h"

};
typedef union KDX_YYSTYPE KDX_YYSTYPE;
# define KDX_YYSTYPE_IS_TRIVIAL 1
# define KDX_YYSTYPE_IS_DECLARED 1
#endif

/* Location type.  */
typedef kdx_loc KDX_YYLTYPE;




int kdx_yyparse (kdx_pctx *ctx);

/* "%code provides" blocks.  */
#line 17 "grammar/parser.y"

int kdx_yylex(KDX_YYSTYPE *lval, KDX_YYLTYPE *lloc, kdx_pctx *ctx);
void kdx_yyerror(KDX_YYLTYPE *lloc, kdx_pctx *ctx, const char *msg);

#line 199 "build-clang/grammar/parser.h"

#endif /* !YY_KDX_YY_BUILD_CLANG_GRAMMAR_PARSER_H_INCLUDED  */
