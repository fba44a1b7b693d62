/* A Bison parser, made by GNU Bison 3.8.2.  */

/* Bison implementation for Yacc-like parsers in C

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

/* C LALR(1) parser skeleton written by Richard Stallman, by
   simplifying the original so-called "semantic" parser.  */

/* DO NOT RELY ON FEATURES THAT ARE NOT DOCUMENTED in the manual,
   especially those whose name start with YY_ or yy_.  They are
   private implementation details that can be changed or removed.  */

/* All symbols defined below should begin with yy or YY, to avoid
   infringing on user name space.  This should be done even for local
   variables, as they might otherwise be expanded by user macros.
   There are some unavoidable exceptions within include files to
   define necessary library symbols; they are noted "INFRINGES ON
   USER NAME SPACE" below.  */

/* Identify Bison output, and Bison version.  */
#define YYBISON 30802

/* Bison version string.  */
#define YYBISON_VERSION "3.8.2"

/* Skeleton name.  */
#define YYSKELETON_NAME "yacc.c"

/* Pure parsers.  */
#define YYPURE 2

/* Push parsers.  */
#define YYPUSH 0

/* Pull parsers.  */
#define YYPULL 1

/* Substitute the type names.  */
#define YYSTYPE         KDX_YYSTYPE
#define YYLTYPE         KDX_YYLTYPE
/* Substitute the variable and function names.  */
#define yyparse         kdx_yyparse
#define yylex           kdx_yylex
#define yyerror         kdx_yyerror
#define yydebug         kdx_yydebug
#define yynerrs         kdx_yynerrs


# ifndef YY_CAST
#  ifdef __cplusplus
#   define YY_CAST(Type, Val) static_cast<Type> (Val)
#   define YY_REINTERPRET_CAST(Type, Val) reinterpret_cast<Type> (Val)
#  else
#   define YY_CAST(Type, Val) ((Type) (Val))
#   define YY_REINTERPRET_CAST(Type, Val) ((Type) (Val))
#  endif
# endif
# ifndef YY_NULLPTR
#  if defined __cplusplus
#   if 201103L <= __cplusplus
#    define YY_NULLPTR nullptr
#   else
#    define YY_NULLPTR 0
#   endif
#  else
#   define YY_NULLPTR ((void*)0)
#  endif
# endif

#include "parser.h"
/* Symbol kind.  */
enum yysymbol_kind_t
{
  YYSYMBOL_YYEMPTY = -2,
  YYSYMBOL_YYEOF = 0,                      /* "end of file"  */
  YYSYMBOL_YYerror = 1,                    /* error  */
  YYSYMBOL_YYUNDEF = 2,                    /* "invalid token"  */
  YYSYMBOL_IDENT = 3,                      /* "name"  */
  YYSYMBOL_NUMBER = 4,                     /* "number"  */
  YYSYMBOL_PERCENT = 5,                    /* "percent"  */
  YYSYMBOL_DURATION = 6,                   /* "duration"  */
  YYSYMBOL_STR_TEXT = 7,                   /* "string text"  */
  YYSYMBOL_STR_BEGIN = 8,                  /* "string"  */
  YYSYMBOL_STR_END = 9,                    /* "end of string"  */
  YYSYMBOL_INTERP_BEGIN = 10,              /* "'${'"  */
  YYSYMBOL_INTERP_END = 11,                /* "'}' closing '${'"  */
  YYSYMBOL_EQ = 12,                        /* "'=='"  */
  YYSYMBOL_NE = 13,                        /* "'!='"  */
  YYSYMBOL_LE = 14,                        /* "'<='"  */
  YYSYMBOL_GE = 15,                        /* "'>='"  */
  YYSYMBOL_ANDAND = 16,                    /* "'&&'"  */
  YYSYMBOL_OROR = 17,                      /* "'||'"  */
  YYSYMBOL_ARROW = 18,                     /* "'=>'"  */
  YYSYMBOL_DOTDOT = 19,                    /* "'..'"  */
  YYSYMBOL_CALL_LPAREN = 20,               /* "'(' of a call"  */
  YYSYMBOL_INDEX_LBRACKET = 21,            /* "'[' of an index"  */
  YYSYMBOL_KW_ACTION = 22,                 /* "'action'"  */
  YYSYMBOL_KW_AFTER = 23,                  /* "'after'"  */
  YYSYMBOL_KW_ALARM = 24,                  /* "'alarm'"  */
  YYSYMBOL_KW_APPROVAL = 25,               /* "'approval'"  */
  YYSYMBOL_KW_AS = 26,                     /* "'as'"  */
  YYSYMBOL_KW_AT = 27,                     /* "'at'"  */
  YYSYMBOL_KW_BACKOFF = 28,                /* "'backoff'"  */
  YYSYMBOL_KW_CALL = 29,                   /* "'call'"  */
  YYSYMBOL_KW_DENY = 30,                   /* "'deny'"  */
  YYSYMBOL_KW_DO = 31,                     /* "'do'"  */
  YYSYMBOL_KW_DURATION = 32,               /* "'duration'"  */
  YYSYMBOL_KW_EFFECT = 33,                 /* "'effect'"  */
  YYSYMBOL_KW_EVERY = 34,                  /* "'every'"  */
  YYSYMBOL_KW_EXPECT = 35,                 /* "'expect'"  */
  YYSYMBOL_KW_FAIL = 36,                   /* "'fail'"  */
  YYSYMBOL_KW_FALSE = 37,                  /* "'false'"  */
  YYSYMBOL_KW_FIELD = 38,                  /* "'field'"  */
  YYSYMBOL_KW_FOR = 39,                    /* "'for'"  */
  YYSYMBOL_KW_IF = 40,                     /* "'if'"  */
  YYSYMBOL_KW_IMPORT = 41,                 /* "'import'"  */
  YYSYMBOL_KW_IN = 42,                     /* "'in'"  */
  YYSYMBOL_KW_IRREVERSIBLE = 43,           /* "'irreversible'"  */
  YYSYMBOL_KW_LAG = 44,                    /* "'lag'"  */
  YYSYMBOL_KW_LET = 45,                    /* "'let'"  */
  YYSYMBOL_KW_NONE = 46,                   /* "'none'"  */
  YYSYMBOL_KW_NULL = 47,                   /* "'null'"  */
  YYSYMBOL_KW_OBJECTIVES = 48,             /* "'objectives'"  */
  YYSYMBOL_KW_ON_FAILURE = 49,             /* "'on_failure'"  */
  YYSYMBOL_KW_OUTPUT = 50,                 /* "'output'"  */
  YYSYMBOL_KW_PARALLEL = 51,               /* "'parallel'"  */
  YYSYMBOL_KW_PARAM = 52,                  /* "'param'"  */
  YYSYMBOL_KW_READS = 53,                  /* "'reads'"  */
  YYSYMBOL_KW_REGION = 54,                 /* "'region'"  */
  YYSYMBOL_KW_REQUIRE = 55,                /* "'require'"  */
  YYSYMBOL_KW_RESOURCE = 56,               /* "'resource'"  */
  YYSYMBOL_KW_RETRY = 57,                  /* "'retry'"  */
  YYSYMBOL_KW_RETURN = 58,                 /* "'return'"  */
  YYSYMBOL_KW_RUNBOOK = 59,                /* "'runbook'"  */
  YYSYMBOL_KW_SCENARIO = 60,               /* "'scenario'"  */
  YYSYMBOL_KW_SNAPSHOT = 61,               /* "'snapshot'"  */
  YYSYMBOL_KW_STATE = 62,                  /* "'state'"  */
  YYSYMBOL_KW_STEP = 63,                   /* "'step'"  */
  YYSYMBOL_KW_THROTTLE = 64,               /* "'throttle'"  */
  YYSYMBOL_KW_TIMEOUT = 65,                /* "'timeout'"  */
  YYSYMBOL_KW_TRUE = 66,                   /* "'true'"  */
  YYSYMBOL_KW_TYPE = 67,                   /* "'type'"  */
  YYSYMBOL_KW_UNDO = 68,                   /* "'undo'"  */
  YYSYMBOL_KW_UNTIL = 69,                  /* "'until'"  */
  YYSYMBOL_KW_USE = 70,                    /* "'use'"  */
  YYSYMBOL_KW_WAIT = 71,                   /* "'wait'"  */
  YYSYMBOL_KW_WHEN = 72,                   /* "'when'"  */
  YYSYMBOL_KW_WITHIN = 73,                 /* "'within'"  */
  YYSYMBOL_KW_WRITES = 74,                 /* "'writes'"  */
  YYSYMBOL_APPROVAL_WHEN = 75,             /* "'when' of 'approval'"  */
  YYSYMBOL_EMPTY_OPT = 76,                 /* EMPTY_OPT  */
  YYSYMBOL_77_ = 77,                       /* '?'  */
  YYSYMBOL_78_ = 78,                       /* ':'  */
  YYSYMBOL_79_ = 79,                       /* '<'  */
  YYSYMBOL_80_ = 80,                       /* '>'  */
  YYSYMBOL_81_ = 81,                       /* '+'  */
  YYSYMBOL_82_ = 82,                       /* '-'  */
  YYSYMBOL_83_ = 83,                       /* '*'  */
  YYSYMBOL_84_ = 84,                       /* '/'  */
  YYSYMBOL_85_ = 85,                       /* '%'  */
  YYSYMBOL_UNARY = 86,                     /* UNARY  */
  YYSYMBOL_87_ = 87,                       /* '='  */
  YYSYMBOL_88_ = 88,                       /* ')'  */
  YYSYMBOL_89_ = 89,                       /* '{'  */
  YYSYMBOL_90_ = 90,                       /* '}'  */
  YYSYMBOL_91_ = 91,                       /* '('  */
  YYSYMBOL_92_ = 92,                       /* ','  */
  YYSYMBOL_93_ = 93,                       /* '.'  */
  YYSYMBOL_94_ = 94,                       /* ';'  */
  YYSYMBOL_95_ = 95,                       /* '!'  */
  YYSYMBOL_96_ = 96,                       /* ']'  */
  YYSYMBOL_97_ = 97,                       /* '['  */
  YYSYMBOL_YYACCEPT = 98,                  /* $accept  */
  YYSYMBOL_file = 99,                      /* file  */
  YYSYMBOL_decls = 100,                    /* decls  */
  YYSYMBOL_decl = 101,                     /* decl  */
  YYSYMBOL_group_decls = 102,              /* group_decls  */
  YYSYMBOL_lparen = 103,                   /* lparen  */
  YYSYMBOL_opt_as = 104,                   /* opt_as  */
  YYSYMBOL_opt_default = 105,              /* opt_default  */
  YYSYMBOL_opt_after = 106,                /* opt_after  */
  YYSYMBOL_ident_list = 107,               /* ident_list  */
  YYSYMBOL_dotted = 108,                   /* dotted  */
  YYSYMBOL_params = 109,                   /* params  */
  YYSYMBOL_plist = 110,                    /* plist  */
  YYSYMBOL_opt_ret = 111,                  /* opt_ret  */
  YYSYMBOL_type = 112,                     /* type  */
  YYSYMBOL_body = 113,                     /* body  */
  YYSYMBOL_items = 114,                    /* items  */
  YYSYMBOL_item = 115,                     /* item  */
  YYSYMBOL_opt_every = 116,                /* opt_every  */
  YYSYMBOL_opt_backoff = 117,              /* opt_backoff  */
  YYSYMBOL_opt_at = 118,                   /* opt_at  */
  YYSYMBOL_opt_for = 119,                  /* opt_for  */
  YYSYMBOL_strings = 120,                  /* strings  */
  YYSYMBOL_effect_calls = 121,             /* effect_calls  */
  YYSYMBOL_effect_call = 122,              /* effect_call  */
  YYSYMBOL_expr_list1 = 123,               /* expr_list1  */
  YYSYMBOL_expr = 124,                     /* expr  */
  YYSYMBOL_postfix = 125,                  /* postfix  */
  YYSYMBOL_primary = 126,                  /* primary  */
  YYSYMBOL_opt_if = 127,                   /* opt_if  */
  YYSYMBOL_map_block = 128,                /* map_block  */
  YYSYMBOL_list_items = 129,               /* list_items  */
  YYSYMBOL_list1 = 130,                    /* list1  */
  YYSYMBOL_entries = 131,                  /* entries  */
  YYSYMBOL_opt_comma = 132,                /* opt_comma  */
  YYSYMBOL_args = 133,                     /* args  */
  YYSYMBOL_arglist = 134,                  /* arglist  */
  YYSYMBOL_string = 135,                   /* string  */
  YYSYMBOL_parts = 136,                    /* parts  */
  YYSYMBOL_name = 137,                     /* name  */
  YYSYMBOL_key = 138                       /* key  */
};
typedef enum yysymbol_kind_t yysymbol_kind_t;



/* Unqualified %code blocks.  */
#line 22 "grammar/parser.y"

#define YYMAXDEPTH 2000
#define L(x) kdx_pspan(ctx, x)

#line 254 "build-clang/grammar/parser.c"

#ifdef short
# undef short
#endif

/* On compilers that do not define __PTRDIFF_MAX__ etc., make sure
   <limits.h> and (if available) <stdint.h> are included
   so that the code can choose integer types of a good width.  */

#ifndef __PTRDIFF_MAX__
# include <limits.h> /* INFRINGES ON USER NAME SPACE */
# if defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stdint.h> /* INFRINGES ON USER NAME SPACE */
#  define YY_STDINT_H
# endif
#endif

/* Narrow types that promote to a signed type and that can represent a
   signed or unsigned integer of at least N bits.  In tables they can
   save space and decrease cache pressure.  Promoting to a signed type
   helps avoid bugs in integer arithmetic.  */

#ifdef __INT_LEAST8_MAX__
typedef __INT_LEAST8_TYPE__ yytype_int8;
#elif defined YY_STDINT_H
typedef int_least8_t yytype_int8;
#else
typedef signed char yytype_int8;
#endif

#ifdef __INT_LEAST16_MAX__
typedef __INT_LEAST16_TYPE__ yytype_int16;
#elif defined YY_STDINT_H
typedef int_least16_t yytype_int16;
#else
typedef short yytype_int16;
#endif

/* Work around bug in HP-UX 11.23, which defines these macros
   incorrectly for preprocessor constants.  This workaround can likely
   be removed in 2023, as HPE has promised support for HP-UX 11.23
   (aka HP-UX 11i v2) only through the end of 2022; see Table 2 of
   <https://h20195.www2.hpe.com/V2/getpdf.aspx/4AA4-7673ENW.pdf>.  */
#ifdef __hpux
# undef UINT_LEAST8_MAX
# undef UINT_LEAST16_MAX
# define UINT_LEAST8_MAX 255
# define UINT_LEAST16_MAX 65535
#endif

#if defined __UINT_LEAST8_MAX__ && __UINT_LEAST8_MAX__ <= __INT_MAX__
typedef __UINT_LEAST8_TYPE__ yytype_uint8;
#elif (!defined __UINT_LEAST8_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST8_MAX <= INT_MAX)
typedef uint_least8_t yytype_uint8;
#elif !defined __UINT_LEAST8_MAX__ && UCHAR_MAX <= INT_MAX
typedef unsigned char yytype_uint8;
#else
typedef short yytype_uint8;
#endif

#if defined __UINT_LEAST16_MAX__ && __UINT_LEAST16_MAX__ <= __INT_MAX__
typedef __UINT_LEAST16_TYPE__ yytype_uint16;
#elif (!defined __UINT_LEAST16_MAX__ && defined YY_STDINT_H \
       && UINT_LEAST16_MAX <= INT_MAX)
typedef uint_least16_t yytype_uint16;
#elif !defined __UINT_LEAST16_MAX__ && USHRT_MAX <= INT_MAX
typedef unsigned short yytype_uint16;
#else
typedef int yytype_uint16;
#endif

#ifndef YYPTRDIFF_T
# if defined __PTRDIFF_TYPE__ && defined __PTRDIFF_MAX__
#  define YYPTRDIFF_T __PTRDIFF_TYPE__
#  define YYPTRDIFF_MAXIMUM __PTRDIFF_MAX__
# elif defined PTRDIFF_MAX
#  ifndef ptrdiff_t
#   include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  endif
#  define YYPTRDIFF_T ptrdiff_t
#  define YYPTRDIFF_MAXIMUM PTRDIFF_MAX
# else
#  define YYPTRDIFF_T long
#  define YYPTRDIFF_MAXIMUM LONG_MAX
# endif
#endif

#ifndef YYSIZE_T
# ifdef __SIZE_TYPE__
#  define YYSIZE_T __SIZE_TYPE__
# elif defined size_t
#  define YYSIZE_T size_t
# elif defined __STDC_VERSION__ && 199901 <= __STDC_VERSION__
#  include <stddef.h> /* INFRINGES ON USER NAME SPACE */
#  define YYSIZE_T size_t
# else
#  define YYSIZE_T unsigned
# endif
#endif

#define YYSIZE_MAXIMUM                                  \
  YY_CAST (YYPTRDIFF_T,                                 \
           (YYPTRDIFF_MAXIMUM < YY_CAST (YYSIZE_T, -1)  \
            ? YYPTRDIFF_MAXIMUM                         \
            : YY_CAST (YYSIZE_T, -1)))

#define YYSIZEOF(X) YY_CAST (YYPTRDIFF_T, sizeof (X))


/* Stored state numbers (used for stacks). */
typedef yytype_int16 yy_state_t;

/* State numbers in computations.  */
typedef int yy_state_fast_t;

#ifndef YY_
# if defined YYENABLE_NLS && YYENABLE_NLS
#  if ENABLE_NLS
#   include <libintl.h> /* INFRINGES ON USER NAME SPACE */
#   define YY_(Msgid) dgettext ("bison-runtime", Msgid)
#  endif
# endif
# ifndef YY_
#  define YY_(Msgid) Msgid
# endif
#endif


#ifndef YY_ATTRIBUTE_PURE
# if defined __GNUC__ && 2 < __GNUC__ + (96 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_PURE __attribute__ ((__pure__))
# else
#  define YY_ATTRIBUTE_PURE
# endif
#endif

#ifndef YY_ATTRIBUTE_UNUSED
# if defined __GNUC__ && 2 < __GNUC__ + (7 <= __GNUC_MINOR__)
#  define YY_ATTRIBUTE_UNUSED __attribute__ ((__unused__))
# else
#  define YY_ATTRIBUTE_UNUSED
# endif
#endif

/* Suppress unused-variable warnings by "using" E.  */
#if ! defined lint || defined __GNUC__
# define YY_USE(E) ((void) (E))
#else
# define YY_USE(E) /* empty */
#endif

/* Suppress an incorrect diagnostic about yylval being uninitialized.  */
#if defined __GNUC__ && ! defined __ICC && 406 <= __GNUC__ * 100 + __GNUC_MINOR__
# if __GNUC__ * 100 + __GNUC_MINOR__ < 407
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")
# else
#  define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN                           \
    _Pragma ("GCC diagnostic push")                                     \
    _Pragma ("GCC diagnostic ignored \"-Wuninitialized\"")              \
    _Pragma ("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
# endif
# define YY_IGNORE_MAYBE_UNINITIALIZED_END      \
    _Pragma ("GCC diagnostic pop")
#else
# define YY_INITIAL_VALUE(Value) Value
#endif
#ifndef YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
# define YY_IGNORE_MAYBE_UNINITIALIZED_END
#endif
#ifndef YY_INITIAL_VALUE
# define YY_INITIAL_VALUE(Value) /* Nothing. */
#endif

#if defined __cplusplus && defined __GNUC__ && ! defined __ICC && 6 <= __GNUC__
# define YY_IGNORE_USELESS_CAST_BEGIN                          \
    _Pragma ("GCC diagnostic push")                            \
    _Pragma ("GCC diagnostic ignored \"-Wuseless-cast\"")
# define YY_IGNORE_USELESS_CAST_END            \
    _Pragma ("GCC diagnostic pop")
#endif
#ifndef YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_BEGIN
# define YY_IGNORE_USELESS_CAST_END
#endif


#define YY_ASSERT(E) ((void) (0 && (E)))

#if 1

/* The parser invokes alloca or malloc; define the necessary symbols.  */

# ifdef YYSTACK_ALLOC
   /* Pacify GCC's 'empty if-body' warning.  */
#  define YYSTACK_FREE(Ptr) do { /* empty */; } while (0)
#  ifndef YYSTACK_ALLOC_MAXIMUM
    /* The OS might guarantee only one guard page at the bottom of the stack,
       and a page size can be as small as 4096 bytes.  So we cannot safely
       invoke alloca (N) if N exceeds 4096.  Use a slightly smaller number
       to allow for a few compiler-allocated temporary stack slots.  */
#   define YYSTACK_ALLOC_MAXIMUM 4032 /* reasonable circa 2006 */
#  endif
# else
#  define YYSTACK_ALLOC YYMALLOC
#  define YYSTACK_FREE YYFREE
#  ifndef YYSTACK_ALLOC_MAXIMUM
#   define YYSTACK_ALLOC_MAXIMUM YYSIZE_MAXIMUM
#  endif
#  if (defined __cplusplus && ! defined EXIT_SUCCESS \
       && ! ((defined YYMALLOC || defined malloc) \
             && (defined YYFREE || defined free)))
#   include <stdlib.h> /* INFRINGES ON USER NAME SPACE */
#   ifndef EXIT_SUCCESS
#    define EXIT_SUCCESS 0
#   endif
#  endif
#  ifndef YYMALLOC
#   define YYMALLOC malloc
#   if ! defined malloc && ! defined EXIT_SUCCESS
void *malloc (YYSIZE_T); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
#  ifndef YYFREE
#   define YYFREE free
#   if ! defined free && ! defined EXIT_SUCCESS
void free (void *); /* INFRINGES ON USER NAME SPACE */
#   endif
#  endif
# endif
# define YYCOPY_NEEDED 1
#endif /* 1 */

#if (! defined yyoverflow \
     && (! defined __cplusplus \
         || (defined KDX_YYLTYPE_IS_TRIVIAL && KDX_YYLTYPE_IS_TRIVIAL \
             && defined KDX_YYSTYPE_IS_TRIVIAL && KDX_YYSTYPE_IS_TRIVIAL)))

/* A type that is properly aligned for any stack member.  */
union yyalloc
{
  yy_state_t yyss_alloc;
  YYSTYPE yyvs_alloc;
  YYLTYPE yyls_alloc;
};

/* The size of the maximum gap between one aligned stack and the next.  */
# define YYSTACK_GAP_MAXIMUM (YYSIZEOF (union yyalloc) - 1)

/* The size of an array large to enough to hold all stacks, each with
   N elements.  */
# define YYSTACK_BYTES(N) \
     ((N) * (YYSIZEOF (yy_state_t) + YYSIZEOF (YYSTYPE) \
             + YYSIZEOF (YYLTYPE)) \
      + 2 * YYSTACK_GAP_MAXIMUM)

# define YYCOPY_NEEDED 1

/* Relocate STACK from its old location to the new one.  The
   local variables YYSIZE and YYSTACKSIZE give the old and new number of
   elements in the stack, and YYPTR gives the new location of the
   stack.  Advance YYPTR to a properly aligned location for the next
   stack.  */
# define YYSTACK_RELOCATE(Stack_alloc, Stack)                           \
    do                                                                  \
      {                                                                 \
        YYPTRDIFF_T yynewbytes;                                         \
        YYCOPY (&yyptr->Stack_alloc, Stack, yysize);                    \
        Stack = &yyptr->Stack_alloc;                                    \
        yynewbytes = yystacksize * YYSIZEOF (*Stack) + YYSTACK_GAP_MAXIMUM; \
        yyptr += yynewbytes / YYSIZEOF (*yyptr);                        \
      }                                                                 \
    while (0)

#endif

#if defined YYCOPY_NEEDED && YYCOPY_NEEDED
/* Copy COUNT objects from SRC to DST.  The source and destination do
   not overlap.  */
# ifndef YYCOPY
#  if defined __GNUC__ && 1 < __GNUC__
#   define YYCOPY(Dst, Src, Count) \
      __builtin_memcpy (Dst, Src, YY_CAST (YYSIZE_T, (Count)) * sizeof (*(Src)))
#  else
#   define YYCOPY(Dst, Src, Count)              \
      do                                        \
        {                                       \
          YYPTRDIFF_T yyi;                      \
          for (yyi = 0; yyi < (Count); yyi++)   \
            (Dst)[yyi] = (Src)[yyi];            \
        }                                       \
      while (0)
#  endif
# endif
#endif /* !YYCOPY_NEEDED */

/* YYFINAL -- State number of the termination state.  */
#define YYFINAL  3
/* YYLAST -- Last index in YYTABLE.  */
#define YYLAST   1854

/* YYNTOKENS -- Number of terminals.  */
#define YYNTOKENS  98
/* YYNNTS -- Number of nonterminals.  */
#define YYNNTS  41
/* YYNRULES -- Number of rules.  */
#define YYNRULES  214
/* YYNSTATES -- Number of states.  */
#define YYNSTATES  409

/* YYMAXUTOK -- Last valid token kind.  */
#define YYMAXUTOK   332


/* YYTRANSLATE(TOKEN-NUM) -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex, with out-of-bounds checking.  */
#define YYTRANSLATE(YYX)                                \
  (0 <= (YYX) && (YYX) <= YYMAXUTOK                     \
   ? YY_CAST (yysymbol_kind_t, yytranslate[YYX])        \
   : YYSYMBOL_YYUNDEF)

/* YYTRANSLATE[TOKEN-NUM] -- Symbol number corresponding to TOKEN-NUM
   as returned by yylex.  */
static const yytype_int8 yytranslate[] =
{
       0,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    95,     2,     2,     2,    85,     2,     2,
      91,    88,    83,    81,    92,    82,    93,    84,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,    78,    94,
      79,    87,    80,    77,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,    97,     2,    96,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,    89,     2,    90,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     2,     2,     2,     2,
       2,     2,     2,     2,     2,     2,     1,     2,     3,     4,
       5,     6,     7,     8,     9,    10,    11,    12,    13,    14,
      15,    16,    17,    18,    19,    20,    21,    22,    23,    24,
      25,    26,    27,    28,    29,    30,    31,    32,    33,    34,
      35,    36,    37,    38,    39,    40,    41,    42,    43,    44,
      45,    46,    47,    48,    49,    50,    51,    52,    53,    54,
      55,    56,    57,    58,    59,    60,    61,    62,    63,    64,
      65,    66,    67,    68,    69,    70,    71,    72,    73,    74,
      75,    76,    86
};

#if KDX_YYDEBUG
/* YYRLINE[YYN] -- Source line where rule number YYN was defined.  */
static const yytype_int16 yyrline[] =
{
       0,   100,   100,   104,   105,   106,   110,   113,   116,   119,
     122,   124,   126,   129,   132,   136,   139,   141,   144,   147,
     152,   160,   161,   162,   165,   165,   168,   169,   173,   174,
     178,   179,   183,   184,   189,   190,   194,   195,   196,   200,
     202,   207,   208,   212,   213,   214,   215,   216,   220,   224,
     225,   226,   227,   231,   232,   234,   235,   236,   237,   238,
     239,   242,   243,   245,   246,   248,   249,   250,   251,   254,
     256,   259,   261,   263,   265,   268,   269,   270,   272,   273,
     275,   277,   280,   282,   284,   285,   290,   291,   295,   296,
     300,   301,   305,   306,   310,   311,   315,   316,   317,   318,
     323,   328,   329,   335,   336,   337,   338,   339,   340,   341,
     342,   343,   344,   345,   346,   347,   348,   349,   350,   351,
     355,   356,   357,   358,   362,   363,   364,   365,   366,   367,
     368,   369,   370,   371,   372,   373,   374,   376,   378,   379,
     381,   386,   387,   391,   395,   396,   397,   401,   402,   407,
     408,   410,   413,   418,   418,   421,   422,   423,   427,   428,
     429,   430,   434,   438,   439,   440,   442,   448,   449,   450,
     451,   452,   453,   454,   455,   456,   457,   458,   459,   460,
     461,   462,   463,   464,   465,   466,   467,   468,   474,   475,
     476,   477,   478,   479,   480,   481,   482,   483,   484,   485,
     486,   487,   488,   489,   490,   491,   492,   493,   494,   495,
     496,   497,   498,   499,   500
};
#endif

/** Accessing symbol of state STATE.  */
#define YY_ACCESSING_SYMBOL(State) YY_CAST (yysymbol_kind_t, yystos[State])

#if 1
/* The user-facing name of the symbol whose (internal) number is
   YYSYMBOL.  No bounds checking.  */
static const char *yysymbol_name (yysymbol_kind_t yysymbol) YY_ATTRIBUTE_UNUSED;

static const char *
yysymbol_name (yysymbol_kind_t yysymbol)
{
  static const char *const yy_sname[] =
  {
  "end of file", "error", "invalid token", "name", "number", "percent",
  "duration", "string text", "string", "end of string", "'${'",
  "'}' closing '${'", "'=='", "'!='", "'<='", "'>='", "'&&'", "'||'",
  "'=>'", "'..'", "'(' of a call", "'[' of an index", "'action'",
  "'after'", "'alarm'", "'approval'", "'as'", "'at'", "'backoff'",
  "'call'", "'deny'", "'do'", "'duration'", "'effect'", "'every'",
  "'expect'", "'fail'", "'false'", "'field'", "'for'", "'if'", "'import'",
  "'in'", "'irreversible'", "'lag'", "'let'", "'none'", "'null'",
  "'objectives'", "'on_failure'", "'output'", "'parallel'", "'param'",
  "'reads'", "'region'", "'require'", "'resource'", "'retry'", "'return'",
  "'runbook'", "'scenario'", "'snapshot'", "'state'", "'step'",
  "'throttle'", "'timeout'", "'true'", "'type'", "'undo'", "'until'",
  "'use'", "'wait'", "'when'", "'within'", "'writes'",
  "'when' of 'approval'", "EMPTY_OPT", "'?'", "':'", "'<'", "'>'", "'+'",
  "'-'", "'*'", "'/'", "'%'", "UNARY", "'='", "')'", "'{'", "'}'", "'('",
  "','", "'.'", "';'", "'!'", "']'", "'['", "$accept", "file", "decls",
  "decl", "group_decls", "lparen", "opt_as", "opt_default", "opt_after",
  "ident_list", "dotted", "params", "plist", "opt_ret", "type", "body",
  "items", "item", "opt_every", "opt_backoff", "opt_at", "opt_for",
  "strings", "effect_calls", "effect_call", "expr_list1", "expr",
  "postfix", "primary", "opt_if", "map_block", "list_items", "list1",
  "entries", "opt_comma", "args", "arglist", "string", "parts", "name",
  "key", YY_NULLPTR
  };
  return yy_sname[yysymbol];
}
#endif

#define YYPACT_NINF (-362)

#define yypact_value_is_default(Yyn) \
  ((Yyn) == YYPACT_NINF)

#define YYTABLE_NINF (-199)

#define yytable_value_is_error(Yyn) \
  ((Yyn) == YYTABLE_NINF)

/* YYPACT[STATE-NUM] -- Index in YYTABLE of the portion describing
   STATE-NUM.  */
static const yytype_int16 yypact[] =
{
    -362,    21,  1625,  -362,  -362,  1780,    16,   -64,  1780,    34,
    1780,    16,  1780,    16,    16,   -64,    44,  1780,    16,  -362,
    -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,
    -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,
    -362,    -9,  -362,    22,  -362,  -362,   -34,    36,   -21,   -64,
     -14,   -64,   -64,  -362,    36,   -64,    47,  -362,  -362,  1780,
      33,  1780,  -362,  1024,   948,    77,    10,     1,  -362,     1,
    -362,  -362,   -64,  -362,    81,    13,    11,    15,  -362,  -362,
     436,  -362,  -362,    77,   101,   -59,  -362,   102,    83,   948,
     948,    20,  -362,   660,   -22,  1780,  -362,    24,   107,  1780,
    -362,  1721,  -362,   948,   948,   948,   948,  1780,  -362,   948,
     732,   804,  -362,  -362,   876,   948,  -362,   948,  -362,  -362,
    -362,  -362,    25,  -362,  -362,  -362,  -362,  -362,  -362,   948,
      74,   508,   948,   356,  1550,    -7,  -362,  -362,  -362,  -362,
    -362,    26,    27,  -362,   -12,  -362,  -362,    29,   -64,  -362,
      36,    41,  1780,     1,   110,  1284,    26,    96,   948,    16,
      77,  1550,  1293,  -362,    77,  1550,   948,    77,    51,   948,
      46,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,
    -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,  -362,    39,
    1550,  1550,  1367,  1550,    50,  1376,    77,  1550,  -362,  1550,
     948,  1550,  1550,    39,   948,  -362,  1780,  1169,    52,  1255,
    -362,    38,  1780,  1550,    45,    53,   948,   948,   948,   948,
     948,   948,   948,   948,   948,   948,   948,   948,   948,   948,
     588,   948,  1721,    77,   139,    76,  1721,     1,   948,   -64,
    -362,   -64,     1,   -64,    66,    29,  -362,  -362,   948,  -362,
    1550,    -6,  -362,    27,   948,   221,  1097,  1376,    27,     1,
    1275,   948,   948,   948,  -362,   948,   109,    27,  1392,  1550,
     -23,  -362,   948,    62,    63,  -362,  -362,  -362,   -16,  -362,
     948,  1631,  1631,   291,   291,  1638,  1624,  1401,   291,   291,
     -33,   -33,  -362,  -362,  -362,  1550,    64,    59,    67,    68,
    1167,  -362,    27,  -362,  -362,  -362,  -362,  -362,    65,  1550,
    -362,  -362,  -362,  -362,     1,  -362,  1550,  -362,    22,  -362,
    1550,  -362,  -362,  -362,  -362,   137,  -362,  -362,    29,   948,
    1550,  1550,  1550,  1550,   948,  -362,   948,   948,  1780,  1265,
     948,   948,   948,  1780,  1550,   948,  -362,   588,   948,  -362,
    -362,    29,  -362,   588,  -362,  1550,  1550,  1411,  1420,   116,
      72,  1241,  1241,  1494,   119,  1550,  1550,    75,  1550,  -362,
      79,   948,  -362,   948,   948,   948,  -362,  -362,  -362,   948,
     948,   948,  -362,  1550,  1503,  1512,  1241,  1521,  1530,  1550,
     948,   948,  -362,   948,    69,   948,  1521,  1539,  1550,  -362,
    1521,    78,   948,    73,  -362,  1521,  -362,    80,  -362
};

/* YYDEFACT[STATE-NUM] -- Default reduction number in state STATE-NUM.
   Performed when YYTABLE does not specify something else to do.  Zero
   means the default is an error.  */
static const yytype_uint8 yydefact[] =
{
       3,     0,     0,     1,     5,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     4,
     167,   185,   174,   172,   180,   169,   176,   187,   175,   173,
     171,   181,   183,   177,   168,   182,   186,   184,   179,   170,
     178,     0,   163,    26,    49,    10,     0,    30,     0,     0,
       0,     0,     0,    11,    30,     0,     0,    25,    24,    36,
       0,     0,     7,     0,     0,     0,     0,     0,    12,     0,
       6,    15,     0,    17,     0,     0,    37,     0,   164,   162,
       0,    27,    52,   189,   174,    63,   191,   192,   193,   194,
     169,   176,   195,   196,   187,   175,   197,    65,   173,   199,
     200,   201,   202,   177,   203,   204,   205,   179,   206,   207,
     208,   209,   210,   211,   212,   213,   214,   178,    48,    51,
      50,   188,     0,   124,   125,   126,   128,   129,   127,     0,
     149,     0,     0,     0,    16,   103,   120,   138,   130,   131,
      34,    31,    32,    21,    43,    45,    44,    28,     0,    14,
      30,    41,    38,     0,     0,     0,    54,    90,     0,     0,
       0,    55,     0,    96,     0,    84,     0,     0,     0,     0,
       0,   189,   190,   192,   193,   194,   196,   198,   199,   201,
     203,   204,   205,   207,   208,   209,   212,   213,    67,    71,
     101,    58,    88,    76,     0,    90,     0,    61,    57,    56,
       0,    59,    66,    72,     0,   119,     0,     0,     0,     0,
     118,     0,     0,   147,     0,   145,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
     155,     0,     0,     0,     0,     0,     0,     0,     0,     8,
      13,     0,     0,     0,     0,    28,   166,   165,     0,    82,
      64,     0,    94,    83,     0,     0,     0,    90,    78,     0,
       0,     0,     0,     0,    62,     0,    92,    79,     0,    53,
       0,   143,     0,     0,     0,   133,   132,   135,     0,   134,
     146,   107,   108,   110,   112,   106,   105,     0,   109,   111,
     113,   114,   115,   116,   117,   158,     0,   156,   131,     0,
       0,   121,    33,    35,    23,    19,    22,    46,     0,    29,
       9,    20,    42,    18,     0,    39,    91,   149,    26,    95,
      69,    99,    70,    98,    97,     0,    85,    77,    28,     0,
      75,   102,    89,    73,     0,    80,     0,     0,     0,     0,
       0,     0,     0,     0,   148,     0,   123,   157,     0,   122,
      47,    28,    74,   155,    68,    81,    93,    86,     0,     0,
       0,   153,   153,     0,     0,   104,   160,     0,   159,    40,
       0,     0,    60,     0,     0,     0,   154,   151,   150,     0,
       0,     0,   100,    87,     0,     0,   153,   141,     0,   161,
       0,     0,   152,     0,     0,     0,   141,     0,   142,   136,
     141,     0,     0,     0,   139,   141,   137,     0,   140
};

/* YYPGOTO[NTERM-NUM].  */
static const yytype_int16 yypgoto[] =
{
    -362,  -362,  -362,   -71,  -362,    48,  -130,  -236,   -53,   106,
    -133,  -362,  -362,  -362,   -46,    23,  -362,  -362,  -362,  -362,
    -166,  -362,  -362,  -362,  -362,    82,   -44,  -362,  -362,  -361,
     -61,  -362,  -362,  -362,  -356,  -160,  -362,     4,  -362,    -5,
       5
};

/* YYDEFGOTO[NTERM-NUM].  */
static const yytype_int16 yydefgoto[] =
{
       0,     1,     2,    19,   235,    59,    62,   239,    66,   141,
     142,    75,    76,   243,   147,    45,    63,   120,   372,   264,
     249,   335,   251,   255,   324,   189,   190,   135,   136,   394,
     137,   214,   215,   207,   377,   296,   297,   138,    60,   139,
     299
};

/* YYTABLE[YYPACT[STATE-NUM]] -- What to do in state STATE-NUM.  If
   positive, shift that token.  If negative, reduce the rule whose
   number is the opposite.  If YYTABLE_NINF, syntax error.  */
static const yytype_int16 yytable[] =
{
      41,    72,    42,    46,   144,    48,   378,    50,    57,   315,
      43,    57,    55,   230,   231,    49,   158,    51,    52,   337,
     134,     3,    56,   148,    42,    44,   342,   253,  -190,   266,
     392,   256,   166,   145,   258,   401,   155,    47,    53,   403,
      78,   167,    79,    80,   407,   161,   162,    54,    61,   165,
     227,   228,   229,    64,    77,   146,    81,    67,   121,    65,
     191,   192,   193,   267,    69,   195,   197,   199,   122,   338,
     201,   202,    68,    74,    70,    71,   343,   304,    73,    58,
     140,   236,    58,   317,   150,   205,   232,   209,   210,   213,
     168,   327,   354,   153,   170,   149,   121,   241,     5,   143,
     302,   151,   194,   152,   157,   159,   188,   245,   160,   163,
     169,  -198,   204,   206,   250,   369,   238,     6,   233,   242,
     234,   246,   257,   248,     7,   260,     8,     9,    10,   259,
      11,   262,    12,   261,   277,    13,    14,   265,    15,    16,
     275,   279,   303,    17,   314,   280,    18,   244,   334,   340,
     341,   347,   346,   350,  -188,   348,   268,   353,   374,   375,
     269,   380,   381,   252,   306,   399,   305,   382,   404,   406,
     408,   240,   281,   282,   283,   284,   285,   286,   287,   288,
     289,   290,   291,   292,   293,   294,   295,   300,   352,   156,
     318,   308,   237,   370,   309,     0,   312,     0,     0,   203,
       0,   270,   121,     0,   316,     0,     0,   278,     0,     0,
     320,   273,   274,   328,     0,     0,     0,   330,   331,   332,
       0,   333,   321,     0,    20,   298,     0,   121,   339,     0,
       0,   121,     0,     0,     0,     0,   344,   301,     0,     0,
       0,   307,     0,    21,     0,    22,     0,     0,    23,    24,
     325,   121,     0,    25,    26,   319,     0,    27,     0,    28,
       0,   326,   310,     0,   311,    29,   313,     0,   351,    30,
       0,    31,     0,    32,    33,    34,     0,    35,     0,     0,
      36,    37,    38,     0,     0,   355,     0,     0,    39,     0,
     356,     0,   357,   358,     0,    40,   361,   362,   363,     0,
       0,   365,     0,   366,   368,  -199,  -199,     0,     0,   295,
       0,   322,     0,     0,     0,   323,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,   383,     0,   384,
     385,   386,     0,   359,     0,   387,   388,   389,   364,     0,
       0,     0,   298,     0,     0,     0,   396,   397,   298,   398,
       0,   400,   367,     0,     0,     0,     0,   211,   405,    20,
     123,   124,   125,     0,    42,     0,     0,     0,     0,     0,
    -199,  -199,   225,   226,   227,   228,   229,     0,    21,     0,
      22,     0,     0,    23,    24,     0,     0,     0,    25,    26,
       0,     0,    27,   126,    28,   212,     0,     0,     0,     0,
      29,     0,     0,   127,    30,     0,    31,     0,    32,    33,
      34,     0,    35,     0,     0,    36,    37,    38,     0,     0,
       0,     0,   128,    39,     0,     0,     0,     0,     0,     0,
      40,     0,     0,     0,     0,     0,     0,   154,   129,    20,
     123,   124,   125,     0,    42,   130,     0,   131,     0,     0,
       0,   132,  -144,   133,     0,     0,     0,     0,    21,     0,
      22,     0,     0,    23,    24,     0,     0,     0,    25,    26,
       0,     0,    27,   126,    28,     0,     0,     0,     0,     0,
      29,     0,     0,   127,    30,     0,    31,     0,    32,    33,
      34,     0,    35,     0,     0,    36,    37,    38,     0,     0,
       0,     0,   128,    39,     0,     0,     0,     0,     0,   208,
      40,    20,   123,   124,   125,     0,    42,     0,   129,     0,
       0,     0,     0,     0,     0,   130,     0,   131,     0,     0,
      21,   132,    22,   133,     0,    23,    24,     0,     0,     0,
      25,    26,     0,     0,    27,   126,    28,     0,     0,     0,
       0,     0,    29,     0,     0,   127,    30,     0,    31,     0,
      32,    33,    34,     0,    35,     0,     0,    36,    37,    38,
       0,     0,     0,     0,   128,    39,     0,     0,     0,     0,
       0,     0,    40,     0,     0,     0,     0,     0,     0,     0,
     129,    20,   123,   124,   125,     0,    42,   130,     0,   131,
       0,     0,     0,   132,     0,   133,     0,     0,     0,     0,
      21,   171,    22,   172,    86,    23,    24,   173,   174,   175,
      25,    26,    92,   176,    27,   126,    28,     0,     0,    96,
       0,   177,    29,   178,   100,   127,    30,   179,    31,   102,
      32,    33,    34,   180,    35,   181,   182,    36,    37,    38,
       0,   108,   183,   184,   128,    39,   185,   112,   113,   186,
     187,   116,    40,    20,   123,   124,   125,     0,    42,     0,
     129,     0,     0,     0,     0,     0,     0,   130,     0,   131,
       0,     0,    21,   132,    22,   133,     0,    23,    24,     0,
       0,     0,    25,    26,     0,     0,    27,   126,    28,     0,
       0,     0,     0,     0,    29,     0,     0,   127,    30,     0,
      31,     0,    32,    33,    34,     0,    35,     0,     0,    36,
      37,    38,     0,   164,     0,     0,   128,    39,     0,     0,
       0,     0,     0,     0,    40,    20,   123,   124,   125,     0,
      42,     0,   129,     0,     0,     0,     0,     0,     0,   130,
       0,   131,     0,     0,    21,   132,    22,   133,     0,    23,
      24,     0,     0,     0,    25,    26,     0,     0,    27,   126,
      28,     0,     0,     0,     0,     0,    29,     0,     0,   127,
      30,     0,    31,     0,    32,    33,    34,     0,    35,     0,
       0,    36,    37,    38,     0,   196,     0,     0,   128,    39,
       0,     0,     0,     0,     0,     0,    40,    20,   123,   124,
     125,     0,    42,     0,   129,     0,     0,     0,     0,     0,
       0,   130,     0,   131,     0,     0,    21,   132,    22,   133,
       0,    23,    24,     0,     0,     0,    25,    26,     0,     0,
      27,   126,    28,     0,     0,     0,     0,     0,    29,     0,
     198,   127,    30,     0,    31,     0,    32,    33,    34,     0,
      35,     0,     0,    36,    37,    38,     0,     0,     0,     0,
     128,    39,     0,     0,     0,     0,     0,     0,    40,    20,
     123,   124,   125,     0,    42,     0,   129,     0,     0,     0,
       0,     0,     0,   130,     0,   131,     0,     0,    21,   132,
      22,   133,     0,    23,    24,     0,     0,     0,    25,    26,
       0,     0,    27,   126,    28,     0,     0,     0,     0,     0,
      29,     0,     0,   127,    30,     0,    31,     0,    32,    33,
      34,     0,    35,     0,     0,    36,    37,    38,     0,     0,
       0,     0,   128,    39,     0,   200,     0,     0,     0,     0,
      40,    20,   123,   124,   125,     0,    42,     0,   129,     0,
       0,     0,     0,     0,     0,   130,     0,   131,     0,     0,
      21,   132,    22,   133,     0,    23,    24,     0,     0,     0,
      25,    26,     0,     0,    27,   126,    28,     0,     0,     0,
       0,     0,    29,     0,     0,   127,    30,     0,    31,     0,
      32,    33,    34,     0,    35,     0,     0,    36,    37,    38,
       0,     0,     0,     0,   128,    39,     0,     0,     0,     0,
       0,     0,    40,     0,     0,    82,     0,    20,     0,     0,
     129,     0,     0,     0,     0,     0,     0,   130,     0,   131,
       0,     0,     0,   132,     0,   133,    21,    83,    84,    85,
      86,    23,    24,    87,    88,    89,    90,    91,    92,    93,
      94,     0,    95,     0,     0,    96,     0,    97,    98,    99,
     100,     0,    30,   101,    31,   102,    32,   103,    34,   104,
      35,   105,   106,    36,    37,   107,     0,   108,   109,   110,
       0,    39,   111,   112,   113,   114,   115,   116,   117,     0,
      20,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,   118,     0,     0,     0,   119,    21,
     171,    22,   172,    86,    23,    24,   173,   174,   175,    25,
      26,    92,   176,    27,     0,    28,     0,     0,    96,     0,
     177,    29,   178,   100,     0,    30,   179,    31,   102,    32,
      33,    34,   180,    35,   181,   182,    36,    37,    38,     0,
     108,   183,   184,     0,    39,   185,   112,   113,   186,   187,
     116,    40,    20,     0,     0,     0,     0,    42,     0,   216,
     217,   218,   219,   220,   221,     0,     0,     0,     0,     0,
     234,    21,   171,    22,   172,    86,    23,    24,   173,   174,
     175,    25,    26,    92,   176,    27,     0,    28,     0,     0,
      96,     0,   177,    29,   178,   100,     0,    30,   179,    31,
     102,    32,    33,    34,   180,    35,   181,   182,    36,    37,
      38,     0,   108,   183,   184,     0,    39,   185,   112,   113,
     186,   187,   116,    40,   222,     0,   223,   224,   225,   226,
     227,   228,   229,   216,   217,   218,   219,   220,   221,   271,
     272,     0,     0,   349,     0,     0,     0,   216,   217,   218,
     219,   220,   221,     0,     0,     0,     0,   216,   217,   218,
     219,   220,   221,     0,     0,     0,     0,   216,   217,   218,
     219,   220,   221,     0,     0,   247,   216,   217,   218,   219,
     220,   221,     0,     0,     0,   216,   217,   218,   219,   220,
     221,     0,   254,     0,     0,     0,     0,     0,   222,     0,
     223,   224,   225,   226,   227,   228,   229,     0,     0,     0,
       0,     0,   222,   376,   223,   224,   225,   226,   227,   228,
     229,     0,   222,   276,   223,   224,   225,   226,   227,   228,
     229,     0,   222,   360,   223,   224,   225,   226,   227,   228,
     229,   222,   329,   223,   224,   225,   226,   227,   228,   229,
     222,     0,   223,   224,   225,   226,   227,   228,   229,   216,
     217,   218,   219,   220,   221,     0,     0,     0,   216,   217,
     218,   219,   220,   221,     0,   263,     0,     0,     0,     0,
       0,     0,     0,   248,   216,   217,   218,   219,   220,   221,
       0,     0,     0,   216,   217,   218,   219,   220,   221,     0,
       0,     0,     0,   216,   217,   218,   219,   220,   221,     0,
       0,     0,   216,   217,   218,   219,   220,   221,     0,     0,
       0,     0,     0,     0,   222,   371,   223,   224,   225,   226,
     227,   228,   229,   222,     0,   223,   224,   225,   226,   227,
     228,   229,     0,     0,     0,   336,     0,     0,     0,   222,
       0,   223,   224,   225,   226,   227,   228,   229,   222,   345,
     223,   224,   225,   226,   227,   228,   229,     0,   222,     0,
     223,   224,   225,   226,   227,   228,   229,   222,   373,   223,
     224,   225,   226,   227,   228,   229,   216,   217,   218,   219,
     220,   221,     0,     0,     0,   216,   217,   218,   219,   220,
     221,   390,     0,     0,   216,   217,   218,   219,   220,   221,
       0,     0,     0,   216,   217,   218,   219,   220,   221,     0,
       0,     0,   216,   217,   218,   219,   220,   221,     0,     0,
       0,   216,   217,   218,   219,   220,   221,   402,     0,     0,
       0,   393,   216,   217,   218,   219,   220,   221,     0,     0,
       0,   222,   379,   223,   224,   225,   226,   227,   228,   229,
     222,     0,   223,   224,   225,   226,   227,   228,   229,   222,
     391,   223,   224,   225,   226,   227,   228,   229,   222,     0,
     223,   224,   225,   226,   227,   228,   229,   222,   395,   223,
     224,   225,   226,   227,   228,   229,   222,     0,   223,   224,
     225,   226,   227,   228,   229,    -2,     4,   222,     0,   223,
     224,   225,   226,   227,   228,   229,   216,   217,   218,   219,
     220,     0,     0,  -199,  -199,   218,   219,     5,     0,     0,
     216,   217,   218,   219,     0,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     6,     0,     0,     0,
       0,     0,     0,     7,     0,     8,     9,    10,     0,    11,
       0,    12,     0,     0,    13,    14,     0,    15,    16,     0,
       0,     0,    17,     0,     0,    18,     0,     0,     0,     0,
       0,     0,     0,   223,   224,   225,   226,   227,   228,   229,
     223,   224,   225,   226,   227,   228,   229,   223,   224,   225,
     226,   227,   228,   229,    20,     0,     0,     0,     0,     0,
       0,     0,     0,     0,     0,     0,     0,     0,     0,     0,
       0,     0,     0,    21,   171,    22,   172,    86,    23,    24,
     173,   174,   175,    25,    26,    92,   176,    27,     0,    28,
       0,     0,    96,     0,   177,    29,   178,   100,     0,    30,
     179,    31,   102,    32,    33,    34,   180,    35,   181,   182,
      36,    37,    38,    20,   108,   183,   184,     0,    39,   185,
     112,   113,   186,   187,   116,    40,     0,     0,     0,     0,
       0,     0,    21,     0,    22,     0,     0,    23,    24,     0,
       0,     0,    25,    26,     0,     0,    27,     0,    28,     0,
       0,     0,     0,     0,    29,     0,     0,     0,    30,     0,
      31,     0,    32,    33,    34,     0,    35,     0,     0,    36,
      37,    38,     0,     0,     0,     0,     0,    39,     0,     0,
       0,     0,     0,     0,    40
};

static const yytype_int16 yycheck[] =
{
       5,    54,     8,     8,     3,    10,   362,    12,    20,   245,
       6,    20,    17,    20,    21,    11,    75,    13,    14,    42,
      64,     0,    18,    69,     8,    89,    42,   160,    87,   195,
     386,   164,    54,    32,   167,   396,    80,     3,    15,   400,
       7,    63,     9,    10,   405,    89,    90,     3,    26,    93,
      83,    84,    85,    87,    59,    54,    61,    78,    63,    23,
     104,   105,   106,   196,    78,   109,   110,   111,    63,    92,
     114,   115,    49,    26,    51,    52,    92,     1,    55,    91,
       3,    93,    91,    89,     3,   129,    93,   131,   132,   133,
      95,   257,   328,    78,    99,    72,   101,   150,    22,    89,
     233,    88,   107,    92,     3,     3,   101,   153,    25,    89,
       3,    87,    87,    39,   158,   351,    87,    41,    92,    78,
      93,    11,   166,    27,    48,   169,    50,    51,    52,    78,
      54,    92,    56,    87,    96,    59,    60,    87,    62,    63,
      88,    96,     3,    67,    78,    92,    70,   152,    39,    87,
      87,    92,    88,    88,    87,    87,   200,    20,    42,    87,
     204,    42,    87,   159,   235,    96,    90,    88,    90,    96,
      90,   148,   216,   217,   218,   219,   220,   221,   222,   223,
     224,   225,   226,   227,   228,   229,   230,   231,   318,    83,
     251,   237,   144,   353,   238,    -1,   242,    -1,    -1,   117,
      -1,   206,   207,    -1,   248,    -1,    -1,   212,    -1,    -1,
     254,   207,   207,   259,    -1,    -1,    -1,   261,   262,   263,
      -1,   265,     1,    -1,     3,   230,    -1,   232,   272,    -1,
      -1,   236,    -1,    -1,    -1,    -1,   280,   232,    -1,    -1,
      -1,   236,    -1,    22,    -1,    24,    -1,    -1,    27,    28,
     255,   256,    -1,    32,    33,   251,    -1,    36,    -1,    38,
      -1,   256,   239,    -1,   241,    44,   243,    -1,   314,    48,
      -1,    50,    -1,    52,    53,    54,    -1,    56,    -1,    -1,
      59,    60,    61,    -1,    -1,   329,    -1,    -1,    67,    -1,
     334,    -1,   336,   337,    -1,    74,   340,   341,   342,    -1,
      -1,   345,    -1,   347,   348,    14,    15,    -1,    -1,   353,
      -1,    90,    -1,    -1,    -1,    94,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    -1,    -1,    -1,   371,    -1,   373,
     374,   375,    -1,   338,    -1,   379,   380,   381,   343,    -1,
      -1,    -1,   347,    -1,    -1,    -1,   390,   391,   353,   393,
      -1,   395,   347,    -1,    -1,    -1,    -1,     1,   402,     3,
       4,     5,     6,    -1,     8,    -1,    -1,    -1,    -1,    -1,
      79,    80,    81,    82,    83,    84,    85,    -1,    22,    -1,
      24,    -1,    -1,    27,    28,    -1,    -1,    -1,    32,    33,
      -1,    -1,    36,    37,    38,    39,    -1,    -1,    -1,    -1,
      44,    -1,    -1,    47,    48,    -1,    50,    -1,    52,    53,
      54,    -1,    56,    -1,    -1,    59,    60,    61,    -1,    -1,
      -1,    -1,    66,    67,    -1,    -1,    -1,    -1,    -1,    -1,
      74,    -1,    -1,    -1,    -1,    -1,    -1,     1,    82,     3,
       4,     5,     6,    -1,     8,    89,    -1,    91,    -1,    -1,
      -1,    95,    96,    97,    -1,    -1,    -1,    -1,    22,    -1,
      24,    -1,    -1,    27,    28,    -1,    -1,    -1,    32,    33,
      -1,    -1,    36,    37,    38,    -1,    -1,    -1,    -1,    -1,
      44,    -1,    -1,    47,    48,    -1,    50,    -1,    52,    53,
      54,    -1,    56,    -1,    -1,    59,    60,    61,    -1,    -1,
      -1,    -1,    66,    67,    -1,    -1,    -1,    -1,    -1,     1,
      74,     3,     4,     5,     6,    -1,     8,    -1,    82,    -1,
      -1,    -1,    -1,    -1,    -1,    89,    -1,    91,    -1,    -1,
      22,    95,    24,    97,    -1,    27,    28,    -1,    -1,    -1,
      32,    33,    -1,    -1,    36,    37,    38,    -1,    -1,    -1,
      -1,    -1,    44,    -1,    -1,    47,    48,    -1,    50,    -1,
      52,    53,    54,    -1,    56,    -1,    -1,    59,    60,    61,
      -1,    -1,    -1,    -1,    66,    67,    -1,    -1,    -1,    -1,
      -1,    -1,    74,    -1,    -1,    -1,    -1,    -1,    -1,    -1,
      82,     3,     4,     5,     6,    -1,     8,    89,    -1,    91,
      -1,    -1,    -1,    95,    -1,    97,    -1,    -1,    -1,    -1,
      22,    23,    24,    25,    26,    27,    28,    29,    30,    31,
      32,    33,    34,    35,    36,    37,    38,    -1,    -1,    41,
      -1,    43,    44,    45,    46,    47,    48,    49,    50,    51,
      52,    53,    54,    55,    56,    57,    58,    59,    60,    61,
      -1,    63,    64,    65,    66,    67,    68,    69,    70,    71,
      72,    73,    74,     3,     4,     5,     6,    -1,     8,    -1,
      82,    -1,    -1,    -1,    -1,    -1,    -1,    89,    -1,    91,
      -1,    -1,    22,    95,    24,    97,    -1,    27,    28,    -1,
      -1,    -1,    32,    33,    -1,    -1,    36,    37,    38,    -1,
      -1,    -1,    -1,    -1,    44,    -1,    -1,    47,    48,    -1,
      50,    -1,    52,    53,    54,    -1,    56,    -1,    -1,    59,
      60,    61,    -1,    63,    -1,    -1,    66,    67,    -1,    -1,
      -1,    -1,    -1,    -1,    74,     3,     4,     5,     6,    -1,
       8,    -1,    82,    -1,    -1,    -1,    -1,    -1,    -1,    89,
      -1,    91,    -1,    -1,    22,    95,    24,    97,    -1,    27,
      28,    -1,    -1,    -1,    32,    33,    -1,    -1,    36,    37,
      38,    -1,    -1,    -1,    -1,    -1,    44,    -1,    -1,    47,
      48,    -1,    50,    -1,    52,    53,    54,    -1,    56,    -1,
      -1,    59,    60,    61,    -1,    63,    -1,    -1,    66,    67,
      -1,    -1,    -1,    -1,    -1,    -1,    74,     3,     4,     5,
       6,    -1,     8,    -1,    82,    -1,    -1,    -1,    -1,    -1,
      -1,    89,    -1,    91,    -1,    -1,    22,    95,    24,    97,
      -1,    27,    28,    -1,    -1,    -1,    32,    33,    -1,    -1,
      36,    37,    38,    -1,    -1,    -1,    -1,    -1,    44,    -1,
      46,    47,    48,    -1,    50,    -1,    52,    53,    54,    -1,
      56,    -1,    -1,    59,    60,    61,    -1,    -1,    -1,    -1,
      66,    67,    -1,    -1,    -1,    -1,    -1,    -1,    74,     3,
       4,     5,     6,    -1,     8,    -1,    82,    -1,    -1,    -1,
      -1,    -1,    -1,    89,    -1,    91,    -1,    -1,    22,    95,
      24,    97,    -1,    27,    28,    -1,    -1,    -1,    32,    33,
      -1,    -1,    36,    37,    38,    -1,    -1,    -1,    -1,    -1,
      44,    -1,    -1,    47,    48,    -1,    50,    -1,    52,    53,
      54,    -1,    56,    -1,    -1,    59,    60,    61,    -1,    -1,
      -1,    -1,    66,    67,    -1,    69,    -1,    -1,    -1,    -1,
      74,     3,     4,     5,     6,    -1,     8,    -1,    82,    -1,
      -1,    -1,    -1,    -1,    -1,    89,    -1,    91,    -1,    -1,
      22,    95,    24,    97,    -1,    27,    28,    -1,    -1,    -1,
      32,    33,    -1,    -1,    36,    37,    38,    -1,    -1,    -1,
      -1,    -1,    44,    -1,    -1,    47,    48,    -1,    50,    -1,
      52,    53,    54,    -1,    56,    -1,    -1,    59,    60,    61,
      -1,    -1,    -1,    -1,    66,    67,    -1,    -1,    -1,    -1,
      -1,    -1,    74,    -1,    -1,     1,    -1,     3,    -1,    -1,
      82,    -1,    -1,    -1,    -1,    -1,    -1,    89,    -1,    91,
      -1,    -1,    -1,    95,    -1,    97,    22,    23,    24,    25,
      26,    27,    28,    29,    30,    31,    32,    33,    34,    35,
      36,    -1,    38,    -1,    -1,    41,    -1,    43,    44,    45,
      46,    -1,    48,    49,    50,    51,    52,    53,    54,    55,
      56,    57,    58,    59,    60,    61,    -1,    63,    64,    65,
      -1,    67,    68,    69,    70,    71,    72,    73,    74,    -1,
       3,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    90,    -1,    -1,    -1,    94,    22,
      23,    24,    25,    26,    27,    28,    29,    30,    31,    32,
      33,    34,    35,    36,    -1,    38,    -1,    -1,    41,    -1,
      43,    44,    45,    46,    -1,    48,    49,    50,    51,    52,
      53,    54,    55,    56,    57,    58,    59,    60,    61,    -1,
      63,    64,    65,    -1,    67,    68,    69,    70,    71,    72,
      73,    74,     3,    -1,    -1,    -1,    -1,     8,    -1,    12,
      13,    14,    15,    16,    17,    -1,    -1,    -1,    -1,    -1,
      93,    22,    23,    24,    25,    26,    27,    28,    29,    30,
      31,    32,    33,    34,    35,    36,    -1,    38,    -1,    -1,
      41,    -1,    43,    44,    45,    46,    -1,    48,    49,    50,
      51,    52,    53,    54,    55,    56,    57,    58,    59,    60,
      61,    -1,    63,    64,    65,    -1,    67,    68,    69,    70,
      71,    72,    73,    74,    77,    -1,    79,    80,    81,    82,
      83,    84,    85,    12,    13,    14,    15,    16,    17,    90,
      91,    -1,    -1,    96,    -1,    -1,    -1,    12,    13,    14,
      15,    16,    17,    -1,    -1,    -1,    -1,    12,    13,    14,
      15,    16,    17,    -1,    -1,    -1,    -1,    12,    13,    14,
      15,    16,    17,    -1,    -1,    11,    12,    13,    14,    15,
      16,    17,    -1,    -1,    -1,    12,    13,    14,    15,    16,
      17,    -1,    19,    -1,    -1,    -1,    -1,    -1,    77,    -1,
      79,    80,    81,    82,    83,    84,    85,    -1,    -1,    -1,
      -1,    -1,    77,    92,    79,    80,    81,    82,    83,    84,
      85,    -1,    77,    88,    79,    80,    81,    82,    83,    84,
      85,    -1,    77,    88,    79,    80,    81,    82,    83,    84,
      85,    77,    87,    79,    80,    81,    82,    83,    84,    85,
      77,    -1,    79,    80,    81,    82,    83,    84,    85,    12,
      13,    14,    15,    16,    17,    -1,    -1,    -1,    12,    13,
      14,    15,    16,    17,    -1,    28,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    27,    12,    13,    14,    15,    16,    17,
      -1,    -1,    -1,    12,    13,    14,    15,    16,    17,    -1,
      -1,    -1,    -1,    12,    13,    14,    15,    16,    17,    -1,
      -1,    -1,    12,    13,    14,    15,    16,    17,    -1,    -1,
      -1,    -1,    -1,    -1,    77,    34,    79,    80,    81,    82,
      83,    84,    85,    77,    -1,    79,    80,    81,    82,    83,
      84,    85,    -1,    -1,    -1,    73,    -1,    -1,    -1,    77,
      -1,    79,    80,    81,    82,    83,    84,    85,    77,    78,
      79,    80,    81,    82,    83,    84,    85,    -1,    77,    -1,
      79,    80,    81,    82,    83,    84,    85,    77,    78,    79,
      80,    81,    82,    83,    84,    85,    12,    13,    14,    15,
      16,    17,    -1,    -1,    -1,    12,    13,    14,    15,    16,
      17,    18,    -1,    -1,    12,    13,    14,    15,    16,    17,
      -1,    -1,    -1,    12,    13,    14,    15,    16,    17,    -1,
      -1,    -1,    12,    13,    14,    15,    16,    17,    -1,    -1,
      -1,    12,    13,    14,    15,    16,    17,    18,    -1,    -1,
      -1,    40,    12,    13,    14,    15,    16,    17,    -1,    -1,
      -1,    77,    78,    79,    80,    81,    82,    83,    84,    85,
      77,    -1,    79,    80,    81,    82,    83,    84,    85,    77,
      78,    79,    80,    81,    82,    83,    84,    85,    77,    -1,
      79,    80,    81,    82,    83,    84,    85,    77,    78,    79,
      80,    81,    82,    83,    84,    85,    77,    -1,    79,    80,
      81,    82,    83,    84,    85,     0,     1,    77,    -1,    79,
      80,    81,    82,    83,    84,    85,    12,    13,    14,    15,
      16,    -1,    -1,    12,    13,    14,    15,    22,    -1,    -1,
      12,    13,    14,    15,    -1,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    -1,    -1,    41,    -1,    -1,    -1,
      -1,    -1,    -1,    48,    -1,    50,    51,    52,    -1,    54,
      -1,    56,    -1,    -1,    59,    60,    -1,    62,    63,    -1,
      -1,    -1,    67,    -1,    -1,    70,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    79,    80,    81,    82,    83,    84,    85,
      79,    80,    81,    82,    83,    84,    85,    79,    80,    81,
      82,    83,    84,    85,     3,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,    -1,
      -1,    -1,    -1,    22,    23,    24,    25,    26,    27,    28,
      29,    30,    31,    32,    33,    34,    35,    36,    -1,    38,
      -1,    -1,    41,    -1,    43,    44,    45,    46,    -1,    48,
      49,    50,    51,    52,    53,    54,    55,    56,    57,    58,
      59,    60,    61,     3,    63,    64,    65,    -1,    67,    68,
      69,    70,    71,    72,    73,    74,    -1,    -1,    -1,    -1,
      -1,    -1,    22,    -1,    24,    -1,    -1,    27,    28,    -1,
      -1,    -1,    32,    33,    -1,    -1,    36,    -1,    38,    -1,
      -1,    -1,    -1,    -1,    44,    -1,    -1,    -1,    48,    -1,
      50,    -1,    52,    53,    54,    -1,    56,    -1,    -1,    59,
      60,    61,    -1,    -1,    -1,    -1,    -1,    67,    -1,    -1,
      -1,    -1,    -1,    -1,    74
};

/* YYSTOS[STATE-NUM] -- The symbol kind of the accessing symbol of
   state STATE-NUM.  */
static const yytype_uint8 yystos[] =
{
       0,    99,   100,     0,     1,    22,    41,    48,    50,    51,
      52,    54,    56,    59,    60,    62,    63,    67,    70,   101,
       3,    22,    24,    27,    28,    32,    33,    36,    38,    44,
      48,    50,    52,    53,    54,    56,    59,    60,    61,    67,
      74,   137,     8,   135,    89,   113,   137,     3,   137,   135,
     137,   135,   135,   113,     3,   137,   135,    20,    91,   103,
     136,    26,   104,   114,    87,    23,   106,    78,   113,    78,
     113,   113,   106,   113,    26,   109,   110,   137,     7,     9,
      10,   137,     1,    23,    24,    25,    26,    29,    30,    31,
      32,    33,    34,    35,    36,    38,    41,    43,    44,    45,
      46,    49,    51,    53,    55,    57,    58,    61,    63,    64,
      65,    68,    69,    70,    71,    72,    73,    74,    90,    94,
     115,   137,   138,     4,     5,     6,    37,    47,    66,    82,
      89,    91,    95,    97,   124,   125,   126,   128,   135,   137,
       3,   107,   108,    89,     3,    32,    54,   112,   112,   113,
       3,    88,    92,    78,     1,   124,   107,     3,    75,     3,
      25,   124,   124,    89,    63,   124,    54,    63,   137,     3,
     137,    23,    25,    29,    30,    31,    35,    43,    45,    49,
      55,    57,    58,    64,    65,    68,    71,    72,   138,   123,
     124,   124,   124,   124,   137,   124,    63,   124,    46,   124,
      69,   124,   124,   123,    87,   124,    39,   131,     1,   124,
     124,     1,    39,   124,   129,   130,    12,    13,    14,    15,
      16,    17,    77,    79,    80,    81,    82,    83,    84,    85,
      20,    21,    93,    92,    93,   102,    93,   103,    87,   105,
     113,   106,    78,   111,   137,   112,    11,    11,    27,   118,
     124,   120,   135,   108,    19,   121,   108,   124,   108,    78,
     124,    87,    92,    28,   117,    87,   118,   108,   124,   124,
     137,    90,    91,   135,   138,    88,    88,    96,   137,    96,
      92,   124,   124,   124,   124,   124,   124,   124,   124,   124,
     124,   124,   124,   124,   124,   124,   133,   134,   137,   138,
     124,   138,   108,     3,     1,    90,   101,   138,   112,   124,
     113,   113,   112,   113,    78,   105,   124,    89,   128,   135,
     124,     1,    90,    94,   122,   137,   138,   118,   112,    87,
     124,   124,   124,   124,    39,   119,    73,    42,    92,   124,
      87,    87,    42,    92,   124,    78,    88,    92,    87,    96,
      88,   112,   104,    20,   105,   124,   124,   124,   124,   137,
      88,   124,   124,   124,   137,   124,   124,   138,   124,   105,
     133,    34,   116,    78,    42,    87,    92,   132,   132,    78,
      42,    87,    88,   124,   124,   124,   124,   124,   124,   124,
      18,    78,   132,    40,   127,    78,   124,   124,   124,    96,
     124,   127,    18,   127,    90,   124,    96,   127,    90
};

/* YYR1[RULE-NUM] -- Symbol kind of the left-hand side of rule RULE-NUM.  */
static const yytype_uint8 yyr1[] =
{
       0,    98,    99,   100,   100,   100,   101,   101,   101,   101,
     101,   101,   101,   101,   101,   101,   101,   101,   101,   101,
     101,   102,   102,   102,   103,   103,   104,   104,   105,   105,
     106,   106,   107,   107,   108,   108,   109,   109,   109,   110,
     110,   111,   111,   112,   112,   112,   112,   112,   113,   114,
     114,   114,   114,   115,   115,   115,   115,   115,   115,   115,
     115,   115,   115,   115,   115,   115,   115,   115,   115,   115,
     115,   115,   115,   115,   115,   115,   115,   115,   115,   115,
     115,   115,   115,   115,   115,   115,   116,   116,   117,   117,
     118,   118,   119,   119,   120,   120,   121,   121,   121,   121,
     122,   123,   123,   124,   124,   124,   124,   124,   124,   124,
     124,   124,   124,   124,   124,   124,   124,   124,   124,   124,
     125,   125,   125,   125,   126,   126,   126,   126,   126,   126,
     126,   126,   126,   126,   126,   126,   126,   126,   126,   126,
     126,   127,   127,   128,   129,   129,   129,   130,   130,   131,
     131,   131,   131,   132,   132,   133,   133,   133,   134,   134,
     134,   134,   135,   136,   136,   136,   136,   137,   137,   137,
     137,   137,   137,   137,   137,   137,   137,   137,   137,   137,
     137,   137,   137,   137,   137,   137,   137,   137,   138,   138,
     138,   138,   138,   138,   138,   138,   138,   138,   138,   138,
     138,   138,   138,   138,   138,   138,   138,   138,   138,   138,
     138,   138,   138,   138,   138
};

/* YYR2[RULE-NUM] -- Number of symbols on the right-hand side of rule RULE-NUM.  */
static const yytype_int8 yyr2[] =
{
       0,     2,     1,     0,     2,     2,     3,     3,     5,     6,
       2,     2,     3,     5,     4,     3,     4,     3,     7,     6,
       6,     0,     2,     2,     1,     1,     0,     2,     0,     2,
       0,     2,     1,     3,     1,     3,     0,     1,     2,     4,
       6,     0,     2,     1,     1,     1,     3,     4,     3,     0,
       2,     2,     2,     3,     2,     2,     2,     2,     2,     2,
       6,     2,     3,     1,     3,     1,     2,     2,     5,     4,
       4,     2,     2,     4,     5,     4,     2,     4,     3,     3,
       4,     5,     3,     3,     2,     4,     0,     2,     0,     2,
       0,     2,     0,     2,     1,     2,     0,     2,     2,     2,
       4,     1,     3,     1,     5,     3,     3,     3,     3,     3,
       3,     3,     3,     3,     3,     3,     3,     3,     2,     2,
       1,     3,     4,     4,     1,     1,     1,     1,     1,     1,
       1,     1,     3,     3,     3,     3,     9,    11,     1,    11,
      13,     0,     2,     3,     0,     1,     2,     1,     3,     0,
       5,     5,     7,     0,     1,     0,     1,     2,     1,     3,
       3,     5,     3,     0,     2,     4,     4,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       1,     1,     1,     1,     1,     1,     1,     1,     1,     1,
       1,     1,     1,     1,     1
};


enum { YYENOMEM = -2 };

#define yyerrok         (yyerrstatus = 0)
#define yyclearin       (yychar = KDX_YYEMPTY)

#define YYACCEPT        goto yyacceptlab
#define YYABORT         goto yyabortlab
#define YYERROR         goto yyerrorlab
#define YYNOMEM         goto yyexhaustedlab


#define YYRECOVERING()  (!!yyerrstatus)

#define YYBACKUP(Token, Value)                                    \
  do                                                              \
    if (yychar == KDX_YYEMPTY)                                        \
      {                                                           \
        yychar = (Token);                                         \
        yylval = (Value);                                         \
        YYPOPSTACK (yylen);                                       \
        yystate = *yyssp;                                         \
        YY_LAC_DISCARD ("YYBACKUP");                              \
        goto yybackup;                                            \
      }                                                           \
    else                                                          \
      {                                                           \
        yyerror (&yylloc, ctx, YY_("syntax error: cannot back up")); \
        YYERROR;                                                  \
      }                                                           \
  while (0)

/* Backward compatibility with an undocumented macro.
   Use KDX_YYerror or KDX_YYUNDEF. */
#define YYERRCODE KDX_YYUNDEF

/* YYLLOC_DEFAULT -- Set CURRENT to span from RHS[1] to RHS[N].
   If N is 0, then set CURRENT to the empty location which ends
   the previous symbol: RHS[0] (always defined).  */

#ifndef YYLLOC_DEFAULT
# define YYLLOC_DEFAULT(Current, Rhs, N)                                \
    do                                                                  \
      if (N)                                                            \
        {                                                               \
          (Current).first_line   = YYRHSLOC (Rhs, 1).first_line;        \
          (Current).first_column = YYRHSLOC (Rhs, 1).first_column;      \
          (Current).last_line    = YYRHSLOC (Rhs, N).last_line;         \
          (Current).last_column  = YYRHSLOC (Rhs, N).last_column;       \
        }                                                               \
      else                                                              \
        {                                                               \
          (Current).first_line   = (Current).last_line   =              \
            YYRHSLOC (Rhs, 0).last_line;                                \
          (Current).first_column = (Current).last_column =              \
            YYRHSLOC (Rhs, 0).last_column;                              \
        }                                                               \
    while (0)
#endif

#define YYRHSLOC(Rhs, K) ((Rhs)[K])


/* Enable debugging if requested.  */
#if KDX_YYDEBUG

# ifndef YYFPRINTF
#  include <stdio.h> /* INFRINGES ON USER NAME SPACE */
#  define YYFPRINTF fprintf
# endif

# define YYDPRINTF(Args)                        \
do {                                            \
  if (yydebug)                                  \
    YYFPRINTF Args;                             \
} while (0)


/* YYLOCATION_PRINT -- Print the location on the stream.
   This macro was not mandated originally: define only if we know
   we won't break user code: when these are the locations we know.  */

# ifndef YYLOCATION_PRINT

#  if defined YY_LOCATION_PRINT

   /* Temporary convenience wrapper in case some people defined the
      undocumented and private YY_LOCATION_PRINT macros.  */
#   define YYLOCATION_PRINT(File, Loc)  YY_LOCATION_PRINT(File, *(Loc))

#  elif defined KDX_YYLTYPE_IS_TRIVIAL && KDX_YYLTYPE_IS_TRIVIAL

/* Print *YYLOCP on YYO.  Private, do not rely on its existence. */

YY_ATTRIBUTE_UNUSED
static int
yy_location_print_ (FILE *yyo, YYLTYPE const * const yylocp)
{
  int res = 0;
  int end_col = 0 != yylocp->last_column ? yylocp->last_column - 1 : 0;
  if (0 <= yylocp->first_line)
    {
      res += YYFPRINTF (yyo, "%d", yylocp->first_line);
      if (0 <= yylocp->first_column)
        res += YYFPRINTF (yyo, ".%d", yylocp->first_column);
    }
  if (0 <= yylocp->last_line)
    {
      if (yylocp->first_line < yylocp->last_line)
        {
          res += YYFPRINTF (yyo, "-%d", yylocp->last_line);
          if (0 <= end_col)
            res += YYFPRINTF (yyo, ".%d", end_col);
        }
      else if (0 <= end_col && yylocp->first_column < end_col)
        res += YYFPRINTF (yyo, "-%d", end_col);
    }
  return res;
}

#   define YYLOCATION_PRINT  yy_location_print_

    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT(File, Loc)  YYLOCATION_PRINT(File, &(Loc))

#  else

#   define YYLOCATION_PRINT(File, Loc) ((void) 0)
    /* Temporary convenience wrapper in case some people defined the
       undocumented and private YY_LOCATION_PRINT macros.  */
#   define YY_LOCATION_PRINT  YYLOCATION_PRINT

#  endif
# endif /* !defined YYLOCATION_PRINT */


# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)                    \
do {                                                                      \
  if (yydebug)                                                            \
    {                                                                     \
      YYFPRINTF (stderr, "%s ", Title);                                   \
      yy_symbol_print (stderr,                                            \
                  Kind, Value, Location, ctx); \
      YYFPRINTF (stderr, "\n");                                           \
    }                                                                     \
} while (0)


/*-----------------------------------.
| Print this symbol's value on YYO.  |
`-----------------------------------*/

static void
yy_symbol_value_print (FILE *yyo,
                       yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, kdx_pctx *ctx)
{
  FILE *yyoutput = yyo;
  YY_USE (yyoutput);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yyvaluep)
    return;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}


/*---------------------------.
| Print this symbol on YYO.  |
`---------------------------*/

static void
yy_symbol_print (FILE *yyo,
                 yysymbol_kind_t yykind, YYSTYPE const * const yyvaluep, YYLTYPE const * const yylocationp, kdx_pctx *ctx)
{
  YYFPRINTF (yyo, "%s %s (",
             yykind < YYNTOKENS ? "token" : "nterm", yysymbol_name (yykind));

  YYLOCATION_PRINT (yyo, yylocationp);
  YYFPRINTF (yyo, ": ");
  yy_symbol_value_print (yyo, yykind, yyvaluep, yylocationp, ctx);
  YYFPRINTF (yyo, ")");
}

/*------------------------------------------------------------------.
| yy_stack_print -- Print the state stack from its BOTTOM up to its |
| TOP (included).                                                   |
`------------------------------------------------------------------*/

static void
yy_stack_print (yy_state_t *yybottom, yy_state_t *yytop)
{
  YYFPRINTF (stderr, "Stack now");
  for (; yybottom <= yytop; yybottom++)
    {
      int yybot = *yybottom;
      YYFPRINTF (stderr, " %d", yybot);
    }
  YYFPRINTF (stderr, "\n");
}

# define YY_STACK_PRINT(Bottom, Top)                            \
do {                                                            \
  if (yydebug)                                                  \
    yy_stack_print ((Bottom), (Top));                           \
} while (0)


/*------------------------------------------------.
| Report that the YYRULE is going to be reduced.  |
`------------------------------------------------*/

static void
yy_reduce_print (yy_state_t *yyssp, YYSTYPE *yyvsp, YYLTYPE *yylsp,
                 int yyrule, kdx_pctx *ctx)
{
  int yylno = yyrline[yyrule];
  int yynrhs = yyr2[yyrule];
  int yyi;
  YYFPRINTF (stderr, "Reducing stack by rule %d (line %d):\n",
             yyrule - 1, yylno);
  /* The symbols being reduced.  */
  for (yyi = 0; yyi < yynrhs; yyi++)
    {
      YYFPRINTF (stderr, "   $%d = ", yyi + 1);
      yy_symbol_print (stderr,
                       YY_ACCESSING_SYMBOL (+yyssp[yyi + 1 - yynrhs]),
                       &yyvsp[(yyi + 1) - (yynrhs)],
                       &(yylsp[(yyi + 1) - (yynrhs)]), ctx);
      YYFPRINTF (stderr, "\n");
    }
}

# define YY_REDUCE_PRINT(Rule)          \
do {                                    \
  if (yydebug)                          \
    yy_reduce_print (yyssp, yyvsp, yylsp, Rule, ctx); \
} while (0)

/* Nonzero means print parse trace.  It is left uninitialized so that
   multiple parsers can coexist.  */
int yydebug;
#else /* !KDX_YYDEBUG */
# define YYDPRINTF(Args) ((void) 0)
# define YY_SYMBOL_PRINT(Title, Kind, Value, Location)
# define YY_STACK_PRINT(Bottom, Top)
# define YY_REDUCE_PRINT(Rule)
#endif /* !KDX_YYDEBUG */


/* YYINITDEPTH -- initial size of the parser's stacks.  */
#ifndef YYINITDEPTH
# define YYINITDEPTH 200
#endif

/* YYMAXDEPTH -- maximum size the stacks can grow to (effective only
   if the built-in stack extension method is used).

   Do not make this value too large; the results are undefined if
   YYSTACK_ALLOC_MAXIMUM < YYSTACK_BYTES (YYMAXDEPTH)
   evaluated with infinite-precision integer arithmetic.  */

#ifndef YYMAXDEPTH
# define YYMAXDEPTH 10000
#endif


/* Given a state stack such that *YYBOTTOM is its bottom, such that
   *YYTOP is either its top or is YYTOP_EMPTY to indicate an empty
   stack, and such that *YYCAPACITY is the maximum number of elements it
   can hold without a reallocation, make sure there is enough room to
   store YYADD more elements.  If not, allocate a new stack using
   YYSTACK_ALLOC, copy the existing elements, and adjust *YYBOTTOM,
   *YYTOP, and *YYCAPACITY to reflect the new capacity and memory
   location.  If *YYBOTTOM != YYBOTTOM_NO_FREE, then free the old stack
   using YYSTACK_FREE.  Return 0 if successful or if no reallocation is
   required.  Return YYENOMEM if memory is exhausted.  */
static int
yy_lac_stack_realloc (YYPTRDIFF_T *yycapacity, YYPTRDIFF_T yyadd,
#if KDX_YYDEBUG
                      char const *yydebug_prefix,
                      char const *yydebug_suffix,
#endif
                      yy_state_t **yybottom,
                      yy_state_t *yybottom_no_free,
                      yy_state_t **yytop, yy_state_t *yytop_empty)
{
  YYPTRDIFF_T yysize_old =
    *yytop == yytop_empty ? 0 : *yytop - *yybottom + 1;
  YYPTRDIFF_T yysize_new = yysize_old + yyadd;
  if (*yycapacity < yysize_new)
    {
      YYPTRDIFF_T yyalloc = 2 * yysize_new;
      yy_state_t *yybottom_new;
      /* Use YYMAXDEPTH for maximum stack size given that the stack
         should never need to grow larger than the main state stack
         needs to grow without LAC.  */
      if (YYMAXDEPTH < yysize_new)
        {
          YYDPRINTF ((stderr, "%smax size exceeded%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (YYMAXDEPTH < yyalloc)
        yyalloc = YYMAXDEPTH;
      yybottom_new =
        YY_CAST (yy_state_t *,
                 YYSTACK_ALLOC (YY_CAST (YYSIZE_T,
                                         yyalloc * YYSIZEOF (*yybottom_new))));
      if (!yybottom_new)
        {
          YYDPRINTF ((stderr, "%srealloc failed%s", yydebug_prefix,
                      yydebug_suffix));
          return YYENOMEM;
        }
      if (*yytop != yytop_empty)
        {
          YYCOPY (yybottom_new, *yybottom, yysize_old);
          *yytop = yybottom_new + (yysize_old - 1);
        }
      if (*yybottom != yybottom_no_free)
        YYSTACK_FREE (*yybottom);
      *yybottom = yybottom_new;
      *yycapacity = yyalloc;
    }
  return 0;
}

/* Establish the initial context for the current lookahead if no initial
   context is currently established.

   We define a context as a snapshot of the parser stacks.  We define
   the initial context for a lookahead as the context in which the
   parser initially examines that lookahead in order to select a
   syntactic action.  Thus, if the lookahead eventually proves
   syntactically unacceptable (possibly in a later context reached via a
   series of reductions), the initial context can be used to determine
   the exact set of tokens that would be syntactically acceptable in the
   lookahead's place.  Moreover, it is the context after which any
   further semantic actions would be erroneous because they would be
   determined by a syntactically unacceptable token.

   YY_LAC_ESTABLISH should be invoked when a reduction is about to be
   performed in an inconsistent state (which, for the purposes of LAC,
   includes consistent states that don't know they're consistent because
   their default reductions have been disabled).  Iff there is a
   lookahead token, it should also be invoked before reporting a syntax
   error.  This latter case is for the sake of the debugging output.

   For parse.lac=full, the implementation of YY_LAC_ESTABLISH is as
   follows.  If no initial context is currently established for the
   current lookahead, then check if that lookahead can eventually be
   shifted if syntactic actions continue from the current context.
   Report a syntax error if it cannot.  */
#define YY_LAC_ESTABLISH                                                \
do {                                                                    \
  if (!yy_lac_established)                                              \
    {                                                                   \
      YYDPRINTF ((stderr,                                               \
                  "LAC: initial context established for %s\n",          \
                  yysymbol_name (yytoken)));                            \
      yy_lac_established = 1;                                           \
      switch (yy_lac (yyesa, &yyes, &yyes_capacity, yyssp, yytoken))    \
        {                                                               \
        case YYENOMEM:                                                  \
          YYNOMEM;                                                      \
        case 1:                                                         \
          goto yyerrlab;                                                \
        }                                                               \
    }                                                                   \
} while (0)

/* Discard any previous initial lookahead context because of Event,
   which may be a lookahead change or an invalidation of the currently
   established initial context for the current lookahead.

   The most common example of a lookahead change is a shift.  An example
   of both cases is syntax error recovery.  That is, a syntax error
   occurs when the lookahead is syntactically erroneous for the
   currently established initial context, so error recovery manipulates
   the parser stacks to try to find a new initial context in which the
   current lookahead is syntactically acceptable.  If it fails to find
   such a context, it discards the lookahead.  */
#if KDX_YYDEBUG
# define YY_LAC_DISCARD(Event)                                           \
do {                                                                     \
  if (yy_lac_established)                                                \
    {                                                                    \
      YYDPRINTF ((stderr, "LAC: initial context discarded due to "       \
                  Event "\n"));                                          \
      yy_lac_established = 0;                                            \
    }                                                                    \
} while (0)
#else
# define YY_LAC_DISCARD(Event) yy_lac_established = 0
#endif

/* Given the stack whose top is *YYSSP, return 0 iff YYTOKEN can
   eventually (after perhaps some reductions) be shifted, return 1 if
   not, or return YYENOMEM if memory is exhausted.  As preconditions and
   postconditions: *YYES_CAPACITY is the allocated size of the array to
   which *YYES points, and either *YYES = YYESA or *YYES points to an
   array allocated with YYSTACK_ALLOC.  yy_lac may overwrite the
   contents of either array, alter *YYES and *YYES_CAPACITY, and free
   any old *YYES other than YYESA.  */
static int
yy_lac (yy_state_t *yyesa, yy_state_t **yyes,
        YYPTRDIFF_T *yyes_capacity, yy_state_t *yyssp, yysymbol_kind_t yytoken)
{
  yy_state_t *yyes_prev = yyssp;
  yy_state_t *yyesp = yyes_prev;
  /* Reduce until we encounter a shift and thereby accept the token.  */
  YYDPRINTF ((stderr, "LAC: checking lookahead %s:", yysymbol_name (yytoken)));
  if (yytoken == YYSYMBOL_YYUNDEF)
    {
      YYDPRINTF ((stderr, " Always Err\n"));
      return 1;
    }
  while (1)
    {
      int yyrule = yypact[+*yyesp];
      if (yypact_value_is_default (yyrule)
          || (yyrule += yytoken) < 0 || YYLAST < yyrule
          || yycheck[yyrule] != yytoken)
        {
          /* Use the default action.  */
          yyrule = yydefact[+*yyesp];
          if (yyrule == 0)
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
        }
      else
        {
          /* Use the action from yytable.  */
          yyrule = yytable[yyrule];
          if (yytable_value_is_error (yyrule))
            {
              YYDPRINTF ((stderr, " Err\n"));
              return 1;
            }
          if (0 < yyrule)
            {
              YYDPRINTF ((stderr, " S%d\n", yyrule));
              return 0;
            }
          yyrule = -yyrule;
        }
      /* By now we know we have to simulate a reduce.  */
      YYDPRINTF ((stderr, " R%d", yyrule - 1));
      {
        /* Pop the corresponding number of values from the stack.  */
        YYPTRDIFF_T yylen = yyr2[yyrule];
        /* First pop from the LAC stack as many tokens as possible.  */
        if (yyesp != yyes_prev)
          {
            YYPTRDIFF_T yysize = yyesp - *yyes + 1;
            if (yylen < yysize)
              {
                yyesp -= yylen;
                yylen = 0;
              }
            else
              {
                yyesp = yyes_prev;
                yylen -= yysize;
              }
          }
        /* Only afterwards look at the main stack.  */
        if (yylen)
          yyesp = yyes_prev -= yylen;
      }
      /* Push the resulting state of the reduction.  */
      {
        yy_state_fast_t yystate;
        {
          const int yylhs = yyr1[yyrule] - YYNTOKENS;
          const int yyi = yypgoto[yylhs] + *yyesp;
          yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyesp
                     ? yytable[yyi]
                     : yydefgoto[yylhs]);
        }
        if (yyesp == yyes_prev)
          {
            yyesp = *yyes;
            YY_IGNORE_USELESS_CAST_BEGIN
            *yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        else
          {
            if (yy_lac_stack_realloc (yyes_capacity, 1,
#if KDX_YYDEBUG
                                      " (", ")",
#endif
                                      yyes, yyesa, &yyesp, yyes_prev))
              {
                YYDPRINTF ((stderr, "\n"));
                return YYENOMEM;
              }
            YY_IGNORE_USELESS_CAST_BEGIN
            *++yyesp = YY_CAST (yy_state_t, yystate);
            YY_IGNORE_USELESS_CAST_END
          }
        YYDPRINTF ((stderr, " G%d", yystate));
      }
    }
}

/* Context of a parse error.  */
typedef struct
{
  yy_state_t *yyssp;
  yy_state_t *yyesa;
  yy_state_t **yyes;
  YYPTRDIFF_T *yyes_capacity;
  yysymbol_kind_t yytoken;
  YYLTYPE *yylloc;
} yypcontext_t;

/* Put in YYARG at most YYARGN of the expected tokens given the
   current YYCTX, and return the number of tokens stored in YYARG.  If
   YYARG is null, return the number of expected tokens (guaranteed to
   be less than YYNTOKENS).  Return YYENOMEM on memory exhaustion.
   Return 0 if there are more than YYARGN expected tokens, yet fill
   YYARG up to YYARGN. */
static int
yypcontext_expected_tokens (const yypcontext_t *yyctx,
                            yysymbol_kind_t yyarg[], int yyargn)
{
  /* Actual size of YYARG. */
  int yycount = 0;

  int yyx;
  for (yyx = 0; yyx < YYNTOKENS; ++yyx)
    {
      yysymbol_kind_t yysym = YY_CAST (yysymbol_kind_t, yyx);
      if (yysym != YYSYMBOL_YYerror && yysym != YYSYMBOL_YYUNDEF)
        switch (yy_lac (yyctx->yyesa, yyctx->yyes, yyctx->yyes_capacity, yyctx->yyssp, yysym))
          {
          case YYENOMEM:
            return YYENOMEM;
          case 1:
            continue;
          default:
            if (!yyarg)
              ++yycount;
            else if (yycount == yyargn)
              return 0;
            else
              yyarg[yycount++] = yysym;
          }
    }
  if (yyarg && yycount == 0 && 0 < yyargn)
    yyarg[0] = YYSYMBOL_YYEMPTY;
  return yycount;
}




/* The kind of the lookahead of this context.  */
static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static yysymbol_kind_t
yypcontext_token (const yypcontext_t *yyctx)
{
  return yyctx->yytoken;
}

/* The location of the lookahead of this context.  */
static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx) YY_ATTRIBUTE_UNUSED;

static YYLTYPE *
yypcontext_location (const yypcontext_t *yyctx)
{
  return yyctx->yylloc;
}

/* User defined function to report a syntax error.  */
static int
yyreport_syntax_error (const yypcontext_t *yyctx, kdx_pctx *ctx);

/*-----------------------------------------------.
| Release the memory associated to this symbol.  |
`-----------------------------------------------*/

static void
yydestruct (const char *yymsg,
            yysymbol_kind_t yykind, YYSTYPE *yyvaluep, YYLTYPE *yylocationp, kdx_pctx *ctx)
{
  YY_USE (yyvaluep);
  YY_USE (yylocationp);
  YY_USE (ctx);
  if (!yymsg)
    yymsg = "Deleting";
  YY_SYMBOL_PRINT (yymsg, yykind, yyvaluep, yylocationp);

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  YY_USE (yykind);
  YY_IGNORE_MAYBE_UNINITIALIZED_END
}






/*----------.
| yyparse.  |
`----------*/

int
yyparse (kdx_pctx *ctx)
{
/* Lookahead token kind.  */
int yychar;


/* The semantic value of the lookahead symbol.  */
/* Default value used for initialization, for pacifying older GCCs
   or non-GCC compilers.  */
YY_INITIAL_VALUE (static YYSTYPE yyval_default;)
YYSTYPE yylval YY_INITIAL_VALUE (= yyval_default);

/* Location data for the lookahead symbol.  */
static YYLTYPE yyloc_default
# if defined KDX_YYLTYPE_IS_TRIVIAL && KDX_YYLTYPE_IS_TRIVIAL
  = { 1, 1, 1, 1 }
# endif
;
YYLTYPE yylloc = yyloc_default;

    /* Number of syntax errors so far.  */
    int yynerrs = 0;

    yy_state_fast_t yystate = 0;
    /* Number of tokens to shift before error messages enabled.  */
    int yyerrstatus = 0;

    /* Refer to the stacks through separate pointers, to allow yyoverflow
       to reallocate them elsewhere.  */

    /* Their size.  */
    YYPTRDIFF_T yystacksize = YYINITDEPTH;

    /* The state stack: array, bottom, top.  */
    yy_state_t yyssa[YYINITDEPTH];
    yy_state_t *yyss = yyssa;
    yy_state_t *yyssp = yyss;

    /* The semantic value stack: array, bottom, top.  */
    YYSTYPE yyvsa[YYINITDEPTH];
    YYSTYPE *yyvs = yyvsa;
    YYSTYPE *yyvsp = yyvs;

    /* The location stack: array, bottom, top.  */
    YYLTYPE yylsa[YYINITDEPTH];
    YYLTYPE *yyls = yylsa;
    YYLTYPE *yylsp = yyls;

    yy_state_t yyesa[20];
    yy_state_t *yyes = yyesa;
    YYPTRDIFF_T yyes_capacity = 20 < YYMAXDEPTH ? 20 : YYMAXDEPTH;

  /* Whether LAC context is established.  A Boolean.  */
  int yy_lac_established = 0;
  int yyn;
  /* The return value of yyparse.  */
  int yyresult;
  /* Lookahead symbol kind.  */
  yysymbol_kind_t yytoken = YYSYMBOL_YYEMPTY;
  /* The variables used to return semantic value and location from the
     action routines.  */
  YYSTYPE yyval;
  YYLTYPE yyloc;

  /* The locations where the error started and ended.  */
  YYLTYPE yyerror_range[3];



#define YYPOPSTACK(N)   (yyvsp -= (N), yyssp -= (N), yylsp -= (N))

  /* The number of symbols on the RHS of the reduced rule.
     Keep to zero when no symbol should be popped.  */
  int yylen = 0;

  YYDPRINTF ((stderr, "Starting parse\n"));

  yychar = KDX_YYEMPTY; /* Cause a token to be read.  */

  yylsp[0] = yylloc;
  goto yysetstate;


/*------------------------------------------------------------.
| yynewstate -- push a new state, which is found in yystate.  |
`------------------------------------------------------------*/
yynewstate:
  /* In all cases, when you get here, the value and location stacks
     have just been pushed.  So pushing a state here evens the stacks.  */
  yyssp++;


/*--------------------------------------------------------------------.
| yysetstate -- set current state (the top of the stack) to yystate.  |
`--------------------------------------------------------------------*/
yysetstate:
  YYDPRINTF ((stderr, "Entering state %d\n", yystate));
  YY_ASSERT (0 <= yystate && yystate < YYNSTATES);
  YY_IGNORE_USELESS_CAST_BEGIN
  *yyssp = YY_CAST (yy_state_t, yystate);
  YY_IGNORE_USELESS_CAST_END
  YY_STACK_PRINT (yyss, yyssp);

  if (yyss + yystacksize - 1 <= yyssp)
#if !defined yyoverflow && !defined YYSTACK_RELOCATE
    YYNOMEM;
#else
    {
      /* Get the current used size of the three stacks, in elements.  */
      YYPTRDIFF_T yysize = yyssp - yyss + 1;

# if defined yyoverflow
      {
        /* Give user a chance to reallocate the stack.  Use copies of
           these so that the &'s don't force the real ones into
           memory.  */
        yy_state_t *yyss1 = yyss;
        YYSTYPE *yyvs1 = yyvs;
        YYLTYPE *yyls1 = yyls;

        /* Each stack pointer address is followed by the size of the
           data in use in that stack, in bytes.  This used to be a
           conditional around just the two extra args, but that might
           be undefined if yyoverflow is a macro.  */
        yyoverflow (YY_("memory exhausted"),
                    &yyss1, yysize * YYSIZEOF (*yyssp),
                    &yyvs1, yysize * YYSIZEOF (*yyvsp),
                    &yyls1, yysize * YYSIZEOF (*yylsp),
                    &yystacksize);
        yyss = yyss1;
        yyvs = yyvs1;
        yyls = yyls1;
      }
# else /* defined YYSTACK_RELOCATE */
      /* Extend the stack our own way.  */
      if (YYMAXDEPTH <= yystacksize)
        YYNOMEM;
      yystacksize *= 2;
      if (YYMAXDEPTH < yystacksize)
        yystacksize = YYMAXDEPTH;

      {
        yy_state_t *yyss1 = yyss;
        union yyalloc *yyptr =
          YY_CAST (union yyalloc *,
                   YYSTACK_ALLOC (YY_CAST (YYSIZE_T, YYSTACK_BYTES (yystacksize))));
        if (! yyptr)
          YYNOMEM;
        YYSTACK_RELOCATE (yyss_alloc, yyss);
        YYSTACK_RELOCATE (yyvs_alloc, yyvs);
        YYSTACK_RELOCATE (yyls_alloc, yyls);
#  undef YYSTACK_RELOCATE
        if (yyss1 != yyssa)
          YYSTACK_FREE (yyss1);
      }
# endif

      yyssp = yyss + yysize - 1;
      yyvsp = yyvs + yysize - 1;
      yylsp = yyls + yysize - 1;

      YY_IGNORE_USELESS_CAST_BEGIN
      YYDPRINTF ((stderr, "Stack size increased to %ld\n",
                  YY_CAST (long, yystacksize)));
      YY_IGNORE_USELESS_CAST_END

      if (yyss + yystacksize - 1 <= yyssp)
        YYABORT;
    }
#endif /* !defined yyoverflow && !defined YYSTACK_RELOCATE */


  if (yystate == YYFINAL)
    YYACCEPT;

  goto yybackup;


/*-----------.
| yybackup.  |
`-----------*/
yybackup:
  /* Do appropriate processing given the current state.  Read a
     lookahead token if we need one and don't already have one.  */

  /* First try to decide what to do without reference to lookahead token.  */
  yyn = yypact[yystate];
  if (yypact_value_is_default (yyn))
    goto yydefault;

  /* Not known => get a lookahead token if don't already have one.  */

  /* YYCHAR is either empty, or end-of-input, or a valid lookahead.  */
  if (yychar == KDX_YYEMPTY)
    {
      YYDPRINTF ((stderr, "Reading a token\n"));
      yychar = yylex (&yylval, &yylloc, ctx);
    }

  if (yychar <= KDX_YYEOF)
    {
      yychar = KDX_YYEOF;
      yytoken = YYSYMBOL_YYEOF;
      YYDPRINTF ((stderr, "Now at end of input.\n"));
    }
  else if (yychar == KDX_YYerror)
    {
      /* The scanner already issued an error message, process directly
         to error recovery.  But do not keep the error token as
         lookahead, it is too special and may lead us to an endless
         loop in error recovery. */
      yychar = KDX_YYUNDEF;
      yytoken = YYSYMBOL_YYerror;
      yyerror_range[1] = yylloc;
      goto yyerrlab1;
    }
  else
    {
      yytoken = YYTRANSLATE (yychar);
      YY_SYMBOL_PRINT ("Next token is", yytoken, &yylval, &yylloc);
    }

  /* If the proper action on seeing token YYTOKEN is to reduce or to
     detect an error, take that action.  */
  yyn += yytoken;
  if (yyn < 0 || YYLAST < yyn || yycheck[yyn] != yytoken)
    {
      YY_LAC_ESTABLISH;
      goto yydefault;
    }
  yyn = yytable[yyn];
  if (yyn <= 0)
    {
      if (yytable_value_is_error (yyn))
        goto yyerrlab;
      yyn = -yyn;
      YY_LAC_ESTABLISH;
      goto yyreduce;
    }

  /* Count tokens shifted since error; after three, turn off error
     status.  */
  if (yyerrstatus)
    yyerrstatus--;

  /* Shift the lookahead token.  */
  YY_SYMBOL_PRINT ("Shifting", yytoken, &yylval, &yylloc);
  yystate = yyn;
  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END
  *++yylsp = yylloc;

  /* Discard the shifted token.  */
  yychar = KDX_YYEMPTY;
  YY_LAC_DISCARD ("shift");
  goto yynewstate;


/*-----------------------------------------------------------.
| yydefault -- do the default action for the current state.  |
`-----------------------------------------------------------*/
yydefault:
  yyn = yydefact[yystate];
  if (yyn == 0)
    goto yyerrlab;
  goto yyreduce;


/*-----------------------------.
| yyreduce -- do a reduction.  |
`-----------------------------*/
yyreduce:
  /* yyn is the number of a rule to reduce with.  */
  yylen = yyr2[yyn];

  /* If YYLEN is nonzero, implement the default value of the action:
     '$$ = $1'.

     Otherwise, the following line sets YYVAL to garbage.
     This behavior is undocumented and Bison
     users should not rely upon it.  Assigning to YYVAL
     unconditionally makes the parser a bit smaller, and it avoids a
     GCC warning that YYVAL may be used uninitialized.  */
  yyval = yyvsp[1-yylen];

  /* Default location. */
  YYLLOC_DEFAULT (yyloc, (yylsp - yylen), yylen);
  yyerror_range[1] = yyloc;
  YY_REDUCE_PRINT (yyn);
  {
    int yychar_backup = yychar;
    switch (yyn)
      {
  case 4: /* decls: decls decl  */
#line 105 "grammar/parser.y"
                                { kdx_pvec_push(ctx->arena, &ctx->decls, (yyvsp[0].decl)); }
#line 2213 "build-clang/grammar/parser.c"
    break;

  case 6: /* decl: "'runbook'" string body  */
#line 111 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_RUNBOOK, (yyloc), (yylsp[-2]));
		  kdx_b_label(ctx, (yyval.decl), (yyvsp[-1].expr)); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2220 "build-clang/grammar/parser.c"
    break;

  case 7: /* decl: "'import'" string opt_as  */
#line 114 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_IMPORT, (yyloc), (yylsp[-2]));
		  kdx_b_label(ctx, (yyval.decl), (yyvsp[-1].expr)); (yyval.decl)->name = (yyvsp[0].ident); }
#line 2227 "build-clang/grammar/parser.c"
    break;

  case 8: /* decl: "'param'" name ':' type opt_default  */
#line 117 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_PARAM, (yyloc), (yylsp[-4]));
		  (yyval.decl)->name = (yyvsp[-3].ident); (yyval.decl)->type = (yyvsp[-1].type); (yyval.decl)->value = (yyvsp[0].expr); }
#line 2234 "build-clang/grammar/parser.c"
    break;

  case 9: /* decl: "'param'" name ':' type opt_default body  */
#line 120 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_PARAM, (yyloc), (yylsp[-5]));
		  (yyval.decl)->name = (yyvsp[-4].ident); (yyval.decl)->type = (yyvsp[-2].type); (yyval.decl)->value = (yyvsp[-1].expr); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2241 "build-clang/grammar/parser.c"
    break;

  case 10: /* decl: "'objectives'" body  */
#line 123 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_OBJECTIVES, (yyloc), (yylsp[-1])); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2247 "build-clang/grammar/parser.c"
    break;

  case 11: /* decl: "'state'" body  */
#line 125 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_STATE, (yyloc), (yylsp[-1])); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2253 "build-clang/grammar/parser.c"
    break;

  case 12: /* decl: "'region'" string body  */
#line 127 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_REGION, (yyloc), (yylsp[-2]));
		  kdx_b_label(ctx, (yyval.decl), (yyvsp[-1].expr)); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2260 "build-clang/grammar/parser.c"
    break;

  case 13: /* decl: "'resource'" name ':' type body  */
#line 130 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_RESOURCE, (yyloc), (yylsp[-4]));
		  (yyval.decl)->name = (yyvsp[-3].ident); (yyval.decl)->type = (yyvsp[-1].type); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2267 "build-clang/grammar/parser.c"
    break;

  case 14: /* decl: "'step'" "name" opt_after body  */
#line 133 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_STEP, (yyloc), (yylsp[-3]));
		  (yyval.decl)->name = kdx_b_ident(ctx, (yyvsp[-2].id), (yylsp[-2]));
		  (yyval.decl)->after = kdx_b_idents(ctx, (yyvsp[-1].vec), &(yyval.decl)->nafter); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2275 "build-clang/grammar/parser.c"
    break;

  case 15: /* decl: "'scenario'" string body  */
#line 137 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_SCENARIO, (yyloc), (yylsp[-2]));
		  kdx_b_label(ctx, (yyval.decl), (yyvsp[-1].expr)); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2282 "build-clang/grammar/parser.c"
    break;

  case 16: /* decl: "'output'" name '=' expr  */
#line 140 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_OUTPUT, (yyloc), (yylsp[-3])); (yyval.decl)->name = (yyvsp[-2].ident); (yyval.decl)->value = (yyvsp[0].expr); }
#line 2288 "build-clang/grammar/parser.c"
    break;

  case 17: /* decl: "'type'" name body  */
#line 142 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_TYPE, (yyloc), (yylsp[-2])); (yyval.decl)->name = (yyvsp[-1].ident);
		  kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2295 "build-clang/grammar/parser.c"
    break;

  case 18: /* decl: "'action'" name lparen params ')' opt_ret body  */
#line 145 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_ACTION, (yyloc), (yylsp[-6])); (yyval.decl)->name = (yyvsp[-5].ident);
		  kdx_b_params(ctx, (yyval.decl), (yyvsp[-3].vec)); (yyval.decl)->type = (yyvsp[-1].type); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2302 "build-clang/grammar/parser.c"
    break;

  case 19: /* decl: "'parallel'" "name" opt_after '{' group_decls '}'  */
#line 148 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_GROUP, (yyloc), (yylsp[-5]));
		  (yyval.decl)->name = kdx_b_ident(ctx, (yyvsp[-4].id), (yylsp[-4]));
		  (yyval.decl)->after = kdx_b_idents(ctx, (yyvsp[-3].vec), &(yyval.decl)->nafter);
		  kdx_b_group(ctx, (yyval.decl), (yyvsp[-1].vec), kdx_b_loc((yylsp[-2]), (yylsp[0]))); }
#line 2311 "build-clang/grammar/parser.c"
    break;

  case 20: /* decl: "'use'" string "'as'" "name" opt_after body  */
#line 153 "grammar/parser.y"
                { (yyval.decl) = kdx_b_decl(ctx, KDX_AST_USE, (yyloc), (yylsp[-5]));
		  kdx_b_label(ctx, (yyval.decl), (yyvsp[-4].expr)); (yyval.decl)->name = kdx_b_ident(ctx, (yyvsp[-2].id), (yylsp[-2]));
		  (yyval.decl)->after = kdx_b_idents(ctx, (yyvsp[-1].vec), &(yyval.decl)->nafter); kdx_b_body(ctx, (yyval.decl), (yyvsp[0].vec), (yylsp[0])); }
#line 2319 "build-clang/grammar/parser.c"
    break;

  case 21: /* group_decls: %empty  */
#line 160 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 2325 "build-clang/grammar/parser.c"
    break;

  case 22: /* group_decls: group_decls decl  */
#line 161 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].decl)); }
#line 2331 "build-clang/grammar/parser.c"
    break;

  case 23: /* group_decls: group_decls error  */
#line 162 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); (yyval.vec).bad = true; }
#line 2337 "build-clang/grammar/parser.c"
    break;

  case 26: /* opt_as: %empty  */
#line 168 "grammar/parser.y"
                                  { (yyval.ident) = (kdx_ast_ident){ 0 }; }
#line 2343 "build-clang/grammar/parser.c"
    break;

  case 27: /* opt_as: "'as'" name  */
#line 169 "grammar/parser.y"
                                  { (yyval.ident) = (yyvsp[0].ident); }
#line 2349 "build-clang/grammar/parser.c"
    break;

  case 28: /* opt_default: %empty  */
#line 173 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 2355 "build-clang/grammar/parser.c"
    break;

  case 29: /* opt_default: '=' expr  */
#line 174 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 2361 "build-clang/grammar/parser.c"
    break;

  case 30: /* opt_after: %empty  */
#line 178 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 2367 "build-clang/grammar/parser.c"
    break;

  case 31: /* opt_after: "'after'" ident_list  */
#line 179 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[0].vec); }
#line 2373 "build-clang/grammar/parser.c"
    break;

  case 32: /* ident_list: dotted  */
#line 183 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_b_push_dotted(ctx, &(yyval.vec), (yyvsp[0].ident)); }
#line 2379 "build-clang/grammar/parser.c"
    break;

  case 33: /* ident_list: ident_list ',' dotted  */
#line 184 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-2].vec); kdx_b_push_dotted(ctx, &(yyval.vec), (yyvsp[0].ident)); }
#line 2385 "build-clang/grammar/parser.c"
    break;

  case 34: /* dotted: "name"  */
#line 189 "grammar/parser.y"
                                  { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 2391 "build-clang/grammar/parser.c"
    break;

  case 35: /* dotted: dotted '.' "name"  */
#line 190 "grammar/parser.y"
                                  { (yyval.ident) = kdx_b_dotted(ctx, (yyvsp[-2].ident), (yyvsp[0].id), (yyloc)); }
#line 2397 "build-clang/grammar/parser.c"
    break;

  case 36: /* params: %empty  */
#line 194 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 2403 "build-clang/grammar/parser.c"
    break;

  case 39: /* plist: name ':' type opt_default  */
#line 201 "grammar/parser.y"
                { (yyval.vec) = (kdx_pvec){ 0 }; kdx_b_push_param(ctx, &(yyval.vec), (yyvsp[-3].ident), (yyvsp[-1].type), (yyvsp[0].expr), (yyloc)); }
#line 2409 "build-clang/grammar/parser.c"
    break;

  case 40: /* plist: plist ',' name ':' type opt_default  */
#line 203 "grammar/parser.y"
                { (yyval.vec) = (yyvsp[-5].vec); kdx_b_push_param(ctx, &(yyval.vec), (yyvsp[-3].ident), (yyvsp[-1].type), (yyvsp[0].expr), kdx_b_loc((yylsp[-3]), (yyloc))); }
#line 2415 "build-clang/grammar/parser.c"
    break;

  case 41: /* opt_ret: %empty  */
#line 207 "grammar/parser.y"
                                  { (yyval.type) = NULL; }
#line 2421 "build-clang/grammar/parser.c"
    break;

  case 42: /* opt_ret: ':' type  */
#line 208 "grammar/parser.y"
                                  { (yyval.type) = (yyvsp[0].type); }
#line 2427 "build-clang/grammar/parser.c"
    break;

  case 43: /* type: "name"  */
#line 212 "grammar/parser.y"
                                  { (yyval.type) = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, (yyvsp[0].id), NULL, (yyloc)); }
#line 2433 "build-clang/grammar/parser.c"
    break;

  case 44: /* type: "'region'"  */
#line 213 "grammar/parser.y"
                                  { (yyval.type) = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, (yyvsp[0].id), NULL, (yyloc)); }
#line 2439 "build-clang/grammar/parser.c"
    break;

  case 45: /* type: "'duration'"  */
#line 214 "grammar/parser.y"
                                  { (yyval.type) = kdx_b_type(ctx, KDX_AST_T_NAME, NULL, (yyvsp[0].id), NULL, (yyloc)); }
#line 2445 "build-clang/grammar/parser.c"
    break;

  case 46: /* type: "name" '.' key  */
#line 215 "grammar/parser.y"
                                  { (yyval.type) = kdx_b_type(ctx, KDX_AST_T_QUALIFIED, (yyvsp[-2].id), (yyvsp[0].ident).name, NULL, (yyloc)); }
#line 2451 "build-clang/grammar/parser.c"
    break;

  case 47: /* type: "name" lparen type ')'  */
#line 216 "grammar/parser.y"
                                  { (yyval.type) = kdx_b_type_ctor(ctx, (yyvsp[-3].id), (yylsp[-3]), (yyvsp[-1].type), (yyloc)); }
#line 2457 "build-clang/grammar/parser.c"
    break;

  case 48: /* body: '{' items '}'  */
#line 220 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); }
#line 2463 "build-clang/grammar/parser.c"
    break;

  case 49: /* items: %empty  */
#line 224 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 2469 "build-clang/grammar/parser.c"
    break;

  case 50: /* items: items item  */
#line 225 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].item)); }
#line 2475 "build-clang/grammar/parser.c"
    break;

  case 51: /* items: items ';'  */
#line 226 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); }
#line 2481 "build-clang/grammar/parser.c"
    break;

  case 52: /* items: items error  */
#line 227 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); (yyval.vec).bad = true; }
#line 2487 "build-clang/grammar/parser.c"
    break;

  case 53: /* item: key '=' expr  */
#line 231 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_ATTR, (yyloc)); (yyval.item)->name = (yyvsp[-2].ident); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2493 "build-clang/grammar/parser.c"
    break;

  case 54: /* item: "'after'" ident_list  */
#line 232 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_AFTER, (yyloc));
				    (yyval.item)->names = kdx_b_idents(ctx, (yyvsp[0].vec), &(yyval.item)->nnames); }
#line 2500 "build-clang/grammar/parser.c"
    break;

  case 55: /* item: "'do'" expr  */
#line 234 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_DO, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2506 "build-clang/grammar/parser.c"
    break;

  case 56: /* item: "'undo'" expr  */
#line 235 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_UNDO, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2512 "build-clang/grammar/parser.c"
    break;

  case 57: /* item: "'undo'" "'none'"  */
#line 236 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_UNDO, (yyloc)); (yyval.item)->none = true; }
#line 2518 "build-clang/grammar/parser.c"
    break;

  case 58: /* item: "'require'" expr  */
#line 237 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_REQUIRE, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2524 "build-clang/grammar/parser.c"
    break;

  case 59: /* item: "'wait'" expr  */
#line 238 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_WAIT, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2530 "build-clang/grammar/parser.c"
    break;

  case 60: /* item: "'wait'" "'until'" expr "'within'" expr opt_every  */
#line 240 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_WAIT_UNTIL, (yyloc));
		  (yyval.item)->expr = (yyvsp[-3].expr); (yyval.item)->within = (yyvsp[-1].expr); (yyval.item)->every = (yyvsp[0].expr); }
#line 2537 "build-clang/grammar/parser.c"
    break;

  case 61: /* item: "'timeout'" expr  */
#line 242 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_TIMEOUT, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2543 "build-clang/grammar/parser.c"
    break;

  case 62: /* item: "'retry'" expr opt_backoff  */
#line 244 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_RETRY, (yyloc)); (yyval.item)->expr = (yyvsp[-1].expr); (yyval.item)->backoff = (yyvsp[0].expr); }
#line 2549 "build-clang/grammar/parser.c"
    break;

  case 63: /* item: "'approval'"  */
#line 245 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_APPROVAL, (yyloc)); }
#line 2555 "build-clang/grammar/parser.c"
    break;

  case 64: /* item: "'approval'" "'when' of 'approval'" expr  */
#line 247 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_APPROVAL, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2561 "build-clang/grammar/parser.c"
    break;

  case 65: /* item: "'irreversible'"  */
#line 248 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_IRREVERSIBLE, (yyloc)); }
#line 2567 "build-clang/grammar/parser.c"
    break;

  case 66: /* item: "'when'" expr  */
#line 249 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_WHEN, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2573 "build-clang/grammar/parser.c"
    break;

  case 67: /* item: "'on_failure'" key  */
#line 250 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_ON_FAILURE, (yyloc)); (yyval.item)->name = (yyvsp[0].ident); }
#line 2579 "build-clang/grammar/parser.c"
    break;

  case 68: /* item: "'field'" name ':' type opt_default  */
#line 252 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_FIELD, (yyloc));
		  (yyval.item)->name = (yyvsp[-3].ident); (yyval.item)->type = (yyvsp[-1].type); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2586 "build-clang/grammar/parser.c"
    break;

  case 69: /* item: "'duration'" expr "'..'" expr  */
#line 255 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_DURATION, (yyloc)); (yyval.item)->expr = (yyvsp[-2].expr); (yyval.item)->max = (yyvsp[0].expr); }
#line 2592 "build-clang/grammar/parser.c"
    break;

  case 70: /* item: "'effect'" '{' effect_calls '}'  */
#line 257 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_EFFECT, (yyloc));
		  (yyval.item)->list = kdx_b_exprs((yyvsp[-1].vec), &(yyval.item)->nlist); }
#line 2599 "build-clang/grammar/parser.c"
    break;

  case 71: /* item: "'reads'" expr_list1  */
#line 259 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_READS, (yyloc));
				    (yyval.item)->list = kdx_b_exprs((yyvsp[0].vec), &(yyval.item)->nlist); }
#line 2606 "build-clang/grammar/parser.c"
    break;

  case 72: /* item: "'writes'" expr_list1  */
#line 261 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_WRITES, (yyloc));
				    (yyval.item)->list = kdx_b_exprs((yyvsp[0].vec), &(yyval.item)->nlist); }
#line 2613 "build-clang/grammar/parser.c"
    break;

  case 73: /* item: "'snapshot'" name '=' expr  */
#line 264 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_SNAPSHOT, (yyloc)); (yyval.item)->name = (yyvsp[-2].ident); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2619 "build-clang/grammar/parser.c"
    break;

  case 74: /* item: "'call'" "name" strings map_block opt_as  */
#line 266 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_CALL, (yyloc)); (yyval.item)->word = kdx_b_ident(ctx, (yyvsp[-3].id), (yylsp[-3]));
		  (yyval.item)->list = kdx_b_exprs((yyvsp[-2].vec), &(yyval.item)->nlist); (yyval.item)->input = (yyvsp[-1].expr); (yyval.item)->name = (yyvsp[0].ident); }
#line 2626 "build-clang/grammar/parser.c"
    break;

  case 75: /* item: "'let'" name '=' expr  */
#line 268 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_LET, (yyloc)); (yyval.item)->name = (yyvsp[-2].ident); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2632 "build-clang/grammar/parser.c"
    break;

  case 76: /* item: "'return'" expr  */
#line 269 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_RETURN, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2638 "build-clang/grammar/parser.c"
    break;

  case 77: /* item: "'fail'" "'region'" expr opt_at  */
#line 271 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_FAIL_REGION, (yyloc)); (yyval.item)->expr = (yyvsp[-1].expr); (yyval.item)->at = (yyvsp[0].expr); }
#line 2644 "build-clang/grammar/parser.c"
    break;

  case 78: /* item: "'fail'" "'step'" dotted  */
#line 272 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_FAIL_STEP, (yyloc)); (yyval.item)->name = (yyvsp[0].ident); }
#line 2650 "build-clang/grammar/parser.c"
    break;

  case 79: /* item: "'timeout'" "'step'" dotted  */
#line 274 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_TIMEOUT_STEP, (yyloc)); (yyval.item)->name = (yyvsp[0].ident); }
#line 2656 "build-clang/grammar/parser.c"
    break;

  case 80: /* item: "'throttle'" expr opt_at opt_for  */
#line 276 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_THROTTLE, (yyloc)); (yyval.item)->expr = (yyvsp[-2].expr); (yyval.item)->at = (yyvsp[-1].expr); (yyval.item)->for_ = (yyvsp[0].expr); }
#line 2662 "build-clang/grammar/parser.c"
    break;

  case 81: /* item: "'lag'" "name" expr '=' expr  */
#line 278 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_LAG, (yyloc)); (yyval.item)->name = kdx_b_ident(ctx, (yyvsp[-3].id), (yylsp[-3]));
		  (yyval.item)->expr = (yyvsp[-2].expr); (yyval.item)->value = (yyvsp[0].expr); }
#line 2669 "build-clang/grammar/parser.c"
    break;

  case 82: /* item: "'alarm'" "name" opt_at  */
#line 280 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_ALARM, (yyloc));
				    (yyval.item)->name = kdx_b_ident(ctx, (yyvsp[-1].id), (yylsp[-1])); (yyval.item)->at = (yyvsp[0].expr); }
#line 2676 "build-clang/grammar/parser.c"
    break;

  case 83: /* item: "'deny'" "'approval'" dotted  */
#line 283 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_DENY_APPROVAL, (yyloc)); (yyval.item)->name = (yyvsp[0].ident); }
#line 2682 "build-clang/grammar/parser.c"
    break;

  case 84: /* item: "'expect'" expr  */
#line 284 "grammar/parser.y"
                                  { (yyval.item) = kdx_b_item(ctx, KDX_AST_EXPECT, (yyloc)); (yyval.item)->expr = (yyvsp[0].expr); }
#line 2688 "build-clang/grammar/parser.c"
    break;

  case 85: /* item: "'expect'" "'step'" dotted key  */
#line 286 "grammar/parser.y"
                { (yyval.item) = kdx_b_item(ctx, KDX_AST_EXPECT_STEP, (yyloc)); (yyval.item)->name = (yyvsp[-1].ident); (yyval.item)->word = (yyvsp[0].ident); }
#line 2694 "build-clang/grammar/parser.c"
    break;

  case 86: /* opt_every: %empty  */
#line 290 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 2700 "build-clang/grammar/parser.c"
    break;

  case 87: /* opt_every: "'every'" expr  */
#line 291 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 2706 "build-clang/grammar/parser.c"
    break;

  case 88: /* opt_backoff: %empty  */
#line 295 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 2712 "build-clang/grammar/parser.c"
    break;

  case 89: /* opt_backoff: "'backoff'" expr  */
#line 296 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 2718 "build-clang/grammar/parser.c"
    break;

  case 90: /* opt_at: %empty  */
#line 300 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 2724 "build-clang/grammar/parser.c"
    break;

  case 91: /* opt_at: "'at'" expr  */
#line 301 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 2730 "build-clang/grammar/parser.c"
    break;

  case 92: /* opt_for: %empty  */
#line 305 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 2736 "build-clang/grammar/parser.c"
    break;

  case 93: /* opt_for: "'for'" expr  */
#line 306 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 2742 "build-clang/grammar/parser.c"
    break;

  case 94: /* strings: string  */
#line 310 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 2748 "build-clang/grammar/parser.c"
    break;

  case 95: /* strings: strings string  */
#line 311 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 2754 "build-clang/grammar/parser.c"
    break;

  case 96: /* effect_calls: %empty  */
#line 315 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 2760 "build-clang/grammar/parser.c"
    break;

  case 97: /* effect_calls: effect_calls effect_call  */
#line 316 "grammar/parser.y"
                                   { (yyval.vec) = (yyvsp[-1].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 2766 "build-clang/grammar/parser.c"
    break;

  case 98: /* effect_calls: effect_calls ';'  */
#line 317 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); }
#line 2772 "build-clang/grammar/parser.c"
    break;

  case 99: /* effect_calls: effect_calls error  */
#line 318 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); }
#line 2778 "build-clang/grammar/parser.c"
    break;

  case 100: /* effect_call: name "'(' of a call" args ')'  */
#line 324 "grammar/parser.y"
                { kdx_ast_expr *f = kdx_b_name(ctx, (yyvsp[-3].ident).name, (yylsp[-3])); (yyval.expr) = kdx_b_call(ctx, f, (yyvsp[-1].vec), (yyloc)); }
#line 2784 "build-clang/grammar/parser.c"
    break;

  case 101: /* expr_list1: expr  */
#line 328 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 2790 "build-clang/grammar/parser.c"
    break;

  case 102: /* expr_list1: expr_list1 ',' expr  */
#line 329 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-2].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 2796 "build-clang/grammar/parser.c"
    break;

  case 104: /* expr: expr '?' expr ':' expr  */
#line 336 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_cond(ctx, (yyvsp[-4].expr), (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2802 "build-clang/grammar/parser.c"
    break;

  case 105: /* expr: expr "'||'" expr  */
#line 337 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_OR, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2808 "build-clang/grammar/parser.c"
    break;

  case 106: /* expr: expr "'&&'" expr  */
#line 338 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_AND, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2814 "build-clang/grammar/parser.c"
    break;

  case 107: /* expr: expr "'=='" expr  */
#line 339 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_EQ, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2820 "build-clang/grammar/parser.c"
    break;

  case 108: /* expr: expr "'!='" expr  */
#line 340 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_NE, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2826 "build-clang/grammar/parser.c"
    break;

  case 109: /* expr: expr '<' expr  */
#line 341 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_LT, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2832 "build-clang/grammar/parser.c"
    break;

  case 110: /* expr: expr "'<='" expr  */
#line 342 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_LE, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2838 "build-clang/grammar/parser.c"
    break;

  case 111: /* expr: expr '>' expr  */
#line 343 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_GT, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2844 "build-clang/grammar/parser.c"
    break;

  case 112: /* expr: expr "'>='" expr  */
#line 344 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_GE, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2850 "build-clang/grammar/parser.c"
    break;

  case 113: /* expr: expr '+' expr  */
#line 345 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_ADD, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2856 "build-clang/grammar/parser.c"
    break;

  case 114: /* expr: expr '-' expr  */
#line 346 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_SUB, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2862 "build-clang/grammar/parser.c"
    break;

  case 115: /* expr: expr '*' expr  */
#line 347 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_MUL, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2868 "build-clang/grammar/parser.c"
    break;

  case 116: /* expr: expr '/' expr  */
#line 348 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_DIV, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2874 "build-clang/grammar/parser.c"
    break;

  case 117: /* expr: expr '%' expr  */
#line 349 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_binary(ctx, KDX_AST_OP_MOD, (yyvsp[-2].expr), (yyvsp[0].expr), (yyloc)); }
#line 2880 "build-clang/grammar/parser.c"
    break;

  case 118: /* expr: '!' expr  */
#line 350 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_unary(ctx, KDX_AST_OP_NOT, (yyvsp[0].expr), (yyloc)); }
#line 2886 "build-clang/grammar/parser.c"
    break;

  case 119: /* expr: '-' expr  */
#line 351 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_unary(ctx, KDX_AST_OP_NEG, (yyvsp[0].expr), (yyloc)); }
#line 2892 "build-clang/grammar/parser.c"
    break;

  case 121: /* postfix: postfix '.' key  */
#line 356 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_getattr(ctx, (yyvsp[-2].expr), (yyvsp[0].ident), (yyloc)); }
#line 2898 "build-clang/grammar/parser.c"
    break;

  case 122: /* postfix: postfix "'[' of an index" expr ']'  */
#line 357 "grammar/parser.y"
                                          { (yyval.expr) = kdx_b_index(ctx, (yyvsp[-3].expr), (yyvsp[-1].expr), (yyloc)); }
#line 2904 "build-clang/grammar/parser.c"
    break;

  case 123: /* postfix: postfix "'(' of a call" args ')'  */
#line 358 "grammar/parser.y"
                                          { (yyval.expr) = kdx_b_call(ctx, (yyvsp[-3].expr), (yyvsp[-1].vec), (yyloc)); }
#line 2910 "build-clang/grammar/parser.c"
    break;

  case 124: /* primary: "number"  */
#line 362 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_number(ctx, KDX_AST_E_NUMBER, (yyvsp[0].num).value, (yyvsp[0].num).text, (yyloc)); }
#line 2916 "build-clang/grammar/parser.c"
    break;

  case 125: /* primary: "percent"  */
#line 363 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_number(ctx, KDX_AST_E_PERCENT, (yyvsp[0].num).value, (yyvsp[0].num).text, (yyloc)); }
#line 2922 "build-clang/grammar/parser.c"
    break;

  case 126: /* primary: "duration"  */
#line 364 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_duration(ctx, (yyvsp[0].dur).ms, (yyvsp[0].dur).text, (yyloc)); }
#line 2928 "build-clang/grammar/parser.c"
    break;

  case 127: /* primary: "'true'"  */
#line 365 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_bool(ctx, true, (yyloc)); }
#line 2934 "build-clang/grammar/parser.c"
    break;

  case 128: /* primary: "'false'"  */
#line 366 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_bool(ctx, false, (yyloc)); }
#line 2940 "build-clang/grammar/parser.c"
    break;

  case 129: /* primary: "'null'"  */
#line 367 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_expr(ctx, KDX_AST_E_NULL, (yyloc)); }
#line 2946 "build-clang/grammar/parser.c"
    break;

  case 131: /* primary: name  */
#line 369 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_name(ctx, (yyvsp[0].ident).name, (yyloc)); }
#line 2952 "build-clang/grammar/parser.c"
    break;

  case 132: /* primary: '(' expr ')'  */
#line 370 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[-1].expr); (yyval.expr)->span = L((yyloc)); }
#line 2958 "build-clang/grammar/parser.c"
    break;

  case 133: /* primary: '(' error ')'  */
#line 371 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_expr(ctx, KDX_AST_E_NULL, (yyloc)); }
#line 2964 "build-clang/grammar/parser.c"
    break;

  case 134: /* primary: '[' list_items ']'  */
#line 372 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_list(ctx, (yyvsp[-1].vec), (yyloc)); }
#line 2970 "build-clang/grammar/parser.c"
    break;

  case 135: /* primary: '[' error ']'  */
#line 373 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_list(ctx, (kdx_pvec){ 0 }, (yyloc)); }
#line 2976 "build-clang/grammar/parser.c"
    break;

  case 136: /* primary: '[' "'for'" name "'in'" expr ':' expr opt_if ']'  */
#line 375 "grammar/parser.y"
                { (yyval.expr) = kdx_b_comp(ctx, KDX_AST_E_FOR_LIST, (yyvsp[-6].ident), (kdx_ast_ident){ 0 }, (yyvsp[-4].expr), NULL, (yyvsp[-2].expr), (yyvsp[-1].expr), (yyloc)); }
#line 2982 "build-clang/grammar/parser.c"
    break;

  case 137: /* primary: '[' "'for'" name ',' name "'in'" expr ':' expr opt_if ']'  */
#line 377 "grammar/parser.y"
                { (yyval.expr) = kdx_b_comp(ctx, KDX_AST_E_FOR_LIST, (yyvsp[-8].ident), (yyvsp[-6].ident), (yyvsp[-4].expr), NULL, (yyvsp[-2].expr), (yyvsp[-1].expr), (yyloc)); }
#line 2988 "build-clang/grammar/parser.c"
    break;

  case 139: /* primary: '{' "'for'" name "'in'" expr ':' expr "'=>'" expr opt_if '}'  */
#line 380 "grammar/parser.y"
                { (yyval.expr) = kdx_b_comp(ctx, KDX_AST_E_FOR_MAP, (yyvsp[-8].ident), (kdx_ast_ident){ 0 }, (yyvsp[-6].expr), (yyvsp[-4].expr), (yyvsp[-2].expr), (yyvsp[-1].expr), (yyloc)); }
#line 2994 "build-clang/grammar/parser.c"
    break;

  case 140: /* primary: '{' "'for'" name ',' name "'in'" expr ':' expr "'=>'" expr opt_if '}'  */
#line 382 "grammar/parser.y"
                { (yyval.expr) = kdx_b_comp(ctx, KDX_AST_E_FOR_MAP, (yyvsp[-10].ident), (yyvsp[-8].ident), (yyvsp[-6].expr), (yyvsp[-4].expr), (yyvsp[-2].expr), (yyvsp[-1].expr), (yyloc)); }
#line 3000 "build-clang/grammar/parser.c"
    break;

  case 141: /* opt_if: %empty  */
#line 386 "grammar/parser.y"
                                  { (yyval.expr) = NULL; }
#line 3006 "build-clang/grammar/parser.c"
    break;

  case 142: /* opt_if: "'if'" expr  */
#line 387 "grammar/parser.y"
                                  { (yyval.expr) = (yyvsp[0].expr); }
#line 3012 "build-clang/grammar/parser.c"
    break;

  case 143: /* map_block: '{' entries '}'  */
#line 391 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_map(ctx, (yyvsp[-1].vec), (yyloc)); }
#line 3018 "build-clang/grammar/parser.c"
    break;

  case 144: /* list_items: %empty  */
#line 395 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 3024 "build-clang/grammar/parser.c"
    break;

  case 147: /* list1: expr  */
#line 401 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 3030 "build-clang/grammar/parser.c"
    break;

  case 148: /* list1: list1 ',' expr  */
#line 402 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-2].vec); kdx_pvec_push(ctx->arena, &(yyval.vec), (yyvsp[0].expr)); }
#line 3036 "build-clang/grammar/parser.c"
    break;

  case 149: /* entries: %empty  */
#line 407 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 3042 "build-clang/grammar/parser.c"
    break;

  case 150: /* entries: entries key '=' expr opt_comma  */
#line 409 "grammar/parser.y"
                { (yyval.vec) = (yyvsp[-4].vec); kdx_b_push_entry(ctx, &(yyval.vec), KDX_AST_KEY_IDENT, (yyvsp[-3].ident), NULL, (yyvsp[-1].expr), kdx_b_loc((yylsp[-3]), (yylsp[-1]))); }
#line 3048 "build-clang/grammar/parser.c"
    break;

  case 151: /* entries: entries string '=' expr opt_comma  */
#line 411 "grammar/parser.y"
                { (yyval.vec) = (yyvsp[-4].vec); kdx_b_push_entry(ctx, &(yyval.vec), KDX_AST_KEY_STRING, (kdx_ast_ident){ 0 }, (yyvsp[-3].expr), (yyvsp[-1].expr),
					    kdx_b_loc((yylsp[-3]), (yylsp[-1]))); }
#line 3055 "build-clang/grammar/parser.c"
    break;

  case 152: /* entries: entries '(' expr ')' '=' expr opt_comma  */
#line 414 "grammar/parser.y"
                { (yyval.vec) = (yyvsp[-6].vec); kdx_b_push_entry(ctx, &(yyval.vec), KDX_AST_KEY_EXPR, (kdx_ast_ident){ 0 }, (yyvsp[-4].expr), (yyvsp[-1].expr),
					    kdx_b_loc((yylsp[-5]), (yylsp[-1]))); }
#line 3062 "build-clang/grammar/parser.c"
    break;

  case 155: /* args: %empty  */
#line 421 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 3068 "build-clang/grammar/parser.c"
    break;

  case 158: /* arglist: expr  */
#line 427 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_b_push_arg(ctx, &(yyval.vec), (kdx_ast_ident){ 0 }, (yyvsp[0].expr), (yylsp[0])); }
#line 3074 "build-clang/grammar/parser.c"
    break;

  case 159: /* arglist: key '=' expr  */
#line 428 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; kdx_b_push_arg(ctx, &(yyval.vec), (yyvsp[-2].ident), (yyvsp[0].expr), (yyloc)); }
#line 3080 "build-clang/grammar/parser.c"
    break;

  case 160: /* arglist: arglist ',' expr  */
#line 429 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-2].vec); kdx_b_push_arg(ctx, &(yyval.vec), (kdx_ast_ident){ 0 }, (yyvsp[0].expr), (yylsp[0])); }
#line 3086 "build-clang/grammar/parser.c"
    break;

  case 161: /* arglist: arglist ',' key '=' expr  */
#line 430 "grammar/parser.y"
                                   { (yyval.vec) = (yyvsp[-4].vec); kdx_b_push_arg(ctx, &(yyval.vec), (yyvsp[-2].ident), (yyvsp[0].expr), kdx_b_loc((yylsp[-2]), (yylsp[0]))); }
#line 3092 "build-clang/grammar/parser.c"
    break;

  case 162: /* string: "string" parts "end of string"  */
#line 434 "grammar/parser.y"
                                  { (yyval.expr) = kdx_b_string(ctx, (yyvsp[-1].vec), (yyloc)); }
#line 3098 "build-clang/grammar/parser.c"
    break;

  case 163: /* parts: %empty  */
#line 438 "grammar/parser.y"
                                  { (yyval.vec) = (kdx_pvec){ 0 }; }
#line 3104 "build-clang/grammar/parser.c"
    break;

  case 164: /* parts: parts "string text"  */
#line 439 "grammar/parser.y"
                                  { (yyval.vec) = (yyvsp[-1].vec); kdx_b_push_text(ctx, &(yyval.vec), (yyvsp[0].s).text, (yyvsp[0].s).len, (yylsp[0])); }
#line 3110 "build-clang/grammar/parser.c"
    break;

  case 165: /* parts: parts "'${'" expr "'}' closing '${'"  */
#line 441 "grammar/parser.y"
                { (yyval.vec) = (yyvsp[-3].vec); kdx_b_push_interp(ctx, &(yyval.vec), (yyvsp[-1].expr), kdx_b_loc((yylsp[-2]), (yylsp[0]))); }
#line 3116 "build-clang/grammar/parser.c"
    break;

  case 166: /* parts: parts "'${'" error "'}' closing '${'"  */
#line 442 "grammar/parser.y"
                                              { (yyval.vec) = (yyvsp[-3].vec); }
#line 3122 "build-clang/grammar/parser.c"
    break;

  case 167: /* name: "name"  */
#line 448 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3128 "build-clang/grammar/parser.c"
    break;

  case 168: /* name: "'region'"  */
#line 449 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3134 "build-clang/grammar/parser.c"
    break;

  case 169: /* name: "'duration'"  */
#line 450 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3140 "build-clang/grammar/parser.c"
    break;

  case 170: /* name: "'type'"  */
#line 451 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3146 "build-clang/grammar/parser.c"
    break;

  case 171: /* name: "'objectives'"  */
#line 452 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3152 "build-clang/grammar/parser.c"
    break;

  case 172: /* name: "'at'"  */
#line 453 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3158 "build-clang/grammar/parser.c"
    break;

  case 173: /* name: "'lag'"  */
#line 454 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3164 "build-clang/grammar/parser.c"
    break;

  case 174: /* name: "'alarm'"  */
#line 455 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3170 "build-clang/grammar/parser.c"
    break;

  case 175: /* name: "'field'"  */
#line 456 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3176 "build-clang/grammar/parser.c"
    break;

  case 176: /* name: "'effect'"  */
#line 457 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3182 "build-clang/grammar/parser.c"
    break;

  case 177: /* name: "'reads'"  */
#line 458 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3188 "build-clang/grammar/parser.c"
    break;

  case 178: /* name: "'writes'"  */
#line 459 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3194 "build-clang/grammar/parser.c"
    break;

  case 179: /* name: "'snapshot'"  */
#line 460 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3200 "build-clang/grammar/parser.c"
    break;

  case 180: /* name: "'backoff'"  */
#line 461 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3206 "build-clang/grammar/parser.c"
    break;

  case 181: /* name: "'output'"  */
#line 462 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3212 "build-clang/grammar/parser.c"
    break;

  case 182: /* name: "'resource'"  */
#line 463 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3218 "build-clang/grammar/parser.c"
    break;

  case 183: /* name: "'param'"  */
#line 464 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3224 "build-clang/grammar/parser.c"
    break;

  case 184: /* name: "'scenario'"  */
#line 465 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3230 "build-clang/grammar/parser.c"
    break;

  case 185: /* name: "'action'"  */
#line 466 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3236 "build-clang/grammar/parser.c"
    break;

  case 186: /* name: "'runbook'"  */
#line 467 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3242 "build-clang/grammar/parser.c"
    break;

  case 187: /* name: "'fail'"  */
#line 468 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3248 "build-clang/grammar/parser.c"
    break;

  case 189: /* key: "'after'"  */
#line 475 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3254 "build-clang/grammar/parser.c"
    break;

  case 190: /* key: "'approval'"  */
#line 476 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3260 "build-clang/grammar/parser.c"
    break;

  case 191: /* key: "'as'"  */
#line 477 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3266 "build-clang/grammar/parser.c"
    break;

  case 192: /* key: "'call'"  */
#line 478 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3272 "build-clang/grammar/parser.c"
    break;

  case 193: /* key: "'deny'"  */
#line 479 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3278 "build-clang/grammar/parser.c"
    break;

  case 194: /* key: "'do'"  */
#line 480 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3284 "build-clang/grammar/parser.c"
    break;

  case 195: /* key: "'every'"  */
#line 481 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3290 "build-clang/grammar/parser.c"
    break;

  case 196: /* key: "'expect'"  */
#line 482 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3296 "build-clang/grammar/parser.c"
    break;

  case 197: /* key: "'import'"  */
#line 483 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3302 "build-clang/grammar/parser.c"
    break;

  case 198: /* key: "'irreversible'"  */
#line 484 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3308 "build-clang/grammar/parser.c"
    break;

  case 199: /* key: "'let'"  */
#line 485 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3314 "build-clang/grammar/parser.c"
    break;

  case 200: /* key: "'none'"  */
#line 486 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3320 "build-clang/grammar/parser.c"
    break;

  case 201: /* key: "'on_failure'"  */
#line 487 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3326 "build-clang/grammar/parser.c"
    break;

  case 202: /* key: "'parallel'"  */
#line 488 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3332 "build-clang/grammar/parser.c"
    break;

  case 203: /* key: "'require'"  */
#line 489 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3338 "build-clang/grammar/parser.c"
    break;

  case 204: /* key: "'retry'"  */
#line 490 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3344 "build-clang/grammar/parser.c"
    break;

  case 205: /* key: "'return'"  */
#line 491 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3350 "build-clang/grammar/parser.c"
    break;

  case 206: /* key: "'step'"  */
#line 492 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3356 "build-clang/grammar/parser.c"
    break;

  case 207: /* key: "'throttle'"  */
#line 493 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3362 "build-clang/grammar/parser.c"
    break;

  case 208: /* key: "'timeout'"  */
#line 494 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3368 "build-clang/grammar/parser.c"
    break;

  case 209: /* key: "'undo'"  */
#line 495 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3374 "build-clang/grammar/parser.c"
    break;

  case 210: /* key: "'until'"  */
#line 496 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3380 "build-clang/grammar/parser.c"
    break;

  case 211: /* key: "'use'"  */
#line 497 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3386 "build-clang/grammar/parser.c"
    break;

  case 212: /* key: "'wait'"  */
#line 498 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3392 "build-clang/grammar/parser.c"
    break;

  case 213: /* key: "'when'"  */
#line 499 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3398 "build-clang/grammar/parser.c"
    break;

  case 214: /* key: "'within'"  */
#line 500 "grammar/parser.y"
                           { (yyval.ident) = kdx_b_ident(ctx, (yyvsp[0].id), (yylsp[0])); }
#line 3404 "build-clang/grammar/parser.c"
    break;


#line 3408 "build-clang/grammar/parser.c"

        default: break;
      }
    if (yychar_backup != yychar)
      YY_LAC_DISCARD ("yychar change");
  }
  /* User semantic actions sometimes alter yychar, and that requires
     that yytoken be updated with the new translation.  We take the
     approach of translating immediately before every use of yytoken.
     One alternative is translating here after every semantic action,
     but that translation would be missed if the semantic action invokes
     YYABORT, YYACCEPT, or YYERROR immediately after altering yychar or
     if it invokes YYBACKUP.  In the case of YYABORT or YYACCEPT, an
     incorrect destructor might then be invoked immediately.  In the
     case of YYERROR or YYBACKUP, subsequent parser actions might lead
     to an incorrect destructor call or verbose syntax error message
     before the lookahead is translated.  */
  YY_SYMBOL_PRINT ("-> $$ =", YY_CAST (yysymbol_kind_t, yyr1[yyn]), &yyval, &yyloc);

  YYPOPSTACK (yylen);
  yylen = 0;

  *++yyvsp = yyval;
  *++yylsp = yyloc;

  /* Now 'shift' the result of the reduction.  Determine what state
     that goes to, based on the state we popped back to and the rule
     number reduced by.  */
  {
    const int yylhs = yyr1[yyn] - YYNTOKENS;
    const int yyi = yypgoto[yylhs] + *yyssp;
    yystate = (0 <= yyi && yyi <= YYLAST && yycheck[yyi] == *yyssp
               ? yytable[yyi]
               : yydefgoto[yylhs]);
  }

  goto yynewstate;


/*--------------------------------------.
| yyerrlab -- here on detecting error.  |
`--------------------------------------*/
yyerrlab:
  /* Make sure we have latest lookahead translation.  See comments at
     user semantic actions for why this is necessary.  */
  yytoken = yychar == KDX_YYEMPTY ? YYSYMBOL_YYEMPTY : YYTRANSLATE (yychar);
  /* If not already recovering from an error, report this error.  */
  if (!yyerrstatus)
    {
      ++yynerrs;
      {
        yypcontext_t yyctx
          = {yyssp, yyesa, &yyes, &yyes_capacity, yytoken, &yylloc};
        if (yychar != KDX_YYEMPTY)
          YY_LAC_ESTABLISH;
        if (yyreport_syntax_error (&yyctx, ctx) == 2)
          YYNOMEM;
      }
    }

  yyerror_range[1] = yylloc;
  if (yyerrstatus == 3)
    {
      /* If just tried and failed to reuse lookahead token after an
         error, discard it.  */

      if (yychar <= KDX_YYEOF)
        {
          /* Return failure if at end of input.  */
          if (yychar == KDX_YYEOF)
            YYABORT;
        }
      else
        {
          yydestruct ("Error: discarding",
                      yytoken, &yylval, &yylloc, ctx);
          yychar = KDX_YYEMPTY;
        }
    }

  /* Else will try to reuse lookahead token after shifting the error
     token.  */
  goto yyerrlab1;


/*---------------------------------------------------.
| yyerrorlab -- error raised explicitly by YYERROR.  |
`---------------------------------------------------*/
yyerrorlab:
  /* Pacify compilers when the user code never invokes YYERROR and the
     label yyerrorlab therefore never appears in user code.  */
  if (0)
    YYERROR;
  ++yynerrs;

  /* Do not reclaim the symbols of the rule whose action triggered
     this YYERROR.  */
  YYPOPSTACK (yylen);
  yylen = 0;
  YY_STACK_PRINT (yyss, yyssp);
  yystate = *yyssp;
  goto yyerrlab1;


/*-------------------------------------------------------------.
| yyerrlab1 -- common code for both syntax error and YYERROR.  |
`-------------------------------------------------------------*/
yyerrlab1:
  yyerrstatus = 3;      /* Each real token shifted decrements this.  */

  /* Pop stack until we find a state that shifts the error token.  */
  for (;;)
    {
      yyn = yypact[yystate];
      if (!yypact_value_is_default (yyn))
        {
          yyn += YYSYMBOL_YYerror;
          if (0 <= yyn && yyn <= YYLAST && yycheck[yyn] == YYSYMBOL_YYerror)
            {
              yyn = yytable[yyn];
              if (0 < yyn)
                break;
            }
        }

      /* Pop the current state because it cannot handle the error token.  */
      if (yyssp == yyss)
        YYABORT;

      yyerror_range[1] = *yylsp;
      yydestruct ("Error: popping",
                  YY_ACCESSING_SYMBOL (yystate), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
      yystate = *yyssp;
      YY_STACK_PRINT (yyss, yyssp);
    }

  /* If the stack popping above didn't lose the initial context for the
     current lookahead token, the shift below will for sure.  */
  YY_LAC_DISCARD ("error recovery");

  YY_IGNORE_MAYBE_UNINITIALIZED_BEGIN
  *++yyvsp = yylval;
  YY_IGNORE_MAYBE_UNINITIALIZED_END

  yyerror_range[2] = yylloc;
  ++yylsp;
  YYLLOC_DEFAULT (*yylsp, yyerror_range, 2);

  /* Shift the error token.  */
  YY_SYMBOL_PRINT ("Shifting", YY_ACCESSING_SYMBOL (yyn), yyvsp, yylsp);

  yystate = yyn;
  goto yynewstate;


/*-------------------------------------.
| yyacceptlab -- YYACCEPT comes here.  |
`-------------------------------------*/
yyacceptlab:
  yyresult = 0;
  goto yyreturnlab;


/*-----------------------------------.
| yyabortlab -- YYABORT comes here.  |
`-----------------------------------*/
yyabortlab:
  yyresult = 1;
  goto yyreturnlab;


/*-----------------------------------------------------------.
| yyexhaustedlab -- YYNOMEM (memory exhaustion) comes here.  |
`-----------------------------------------------------------*/
yyexhaustedlab:
  yyerror (&yylloc, ctx, YY_("memory exhausted"));
  yyresult = 2;
  goto yyreturnlab;


/*----------------------------------------------------------.
| yyreturnlab -- parsing is finished, clean up and return.  |
`----------------------------------------------------------*/
yyreturnlab:
  if (yychar != KDX_YYEMPTY)
    {
      /* Make sure we have latest lookahead translation.  See comments at
         user semantic actions for why this is necessary.  */
      yytoken = YYTRANSLATE (yychar);
      yydestruct ("Cleanup: discarding lookahead",
                  yytoken, &yylval, &yylloc, ctx);
    }
  /* Do not reclaim the symbols of the rule whose action triggered
     this YYABORT or YYACCEPT.  */
  YYPOPSTACK (yylen);
  YY_STACK_PRINT (yyss, yyssp);
  while (yyssp != yyss)
    {
      yydestruct ("Cleanup: popping",
                  YY_ACCESSING_SYMBOL (+*yyssp), yyvsp, yylsp, ctx);
      YYPOPSTACK (1);
    }
#ifndef yyoverflow
  if (yyss != yyssa)
    YYSTACK_FREE (yyss);
#endif
  if (yyes != yyesa)
    YYSTACK_FREE (yyes);

  return yyresult;
}

#line 503 "grammar/parser.y"


#include <stdlib.h>
#include <string.h>
#include "grammar/syntax_error.inc"
