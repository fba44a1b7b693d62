/* cli: the subcommand table, exit codes and the flag parser shared by every command.
 * Only cli/ prints to the terminal or chooses an exit code. */
#ifndef KDX_CLI_H
#define KDX_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes follow Terraform's (documented in `kdx help exit-codes`). */
enum kdx_exit {
	KDX_EXIT_OK = 0,
	KDX_EXIT_ERROR = 1,      /* any error, including an unsafe runbook or bad usage */
	KDX_EXIT_CHANGES = 2,    /* plan -detailed-exitcode: changes are pending */
	KDX_EXIT_FMT_DIFF = 3,   /* fmt -check: a file is not formatted */
	/* apply/resume/rollback: changes stay in place, or in doubt, that the run did not
	 * verify undone (rollback_incomplete); the output names each and what finishes it */
	KDX_EXIT_INCOMPLETE = 4,
};

/* What a command needs before its handler runs, as git's command table says RUN_SETUP.
 * The front end (cli/frontend.h) reads the compile levels from here, cli/runbook.c the
 * run-time needs, so a handler cannot ask for less than its entry says. */
enum kdx_need {
	KDX_NEED_PARSE = 1 << 0,   /* the file is parsed (fmt): syntax errors only */
	KDX_NEED_COMPILE = 1 << 1, /* parsed, resolved, typed, `call aws` checked, lowered */
	KDX_NEED_RUNBOOK = 1 << 2, /* a module (types and actions only) is an error */
	KDX_NEED_CHECK = 1 << 3,   /* the safety analyses pass */
	KDX_NEED_CREDS = 1 << 4,   /* AWS credentials are loaded (required if it calls AWS) */
	KDX_NEED_LOCK = 1 << 5,    /* the runbook's lock is taken */
	KDX_NEED_STORE = 1 << 6,   /* the run store (journals) is opened */
	KDX_NEED_SIGNALS = 1 << 7, /* SIGINT/SIGTERM stop the run as a crash would, children
				    * first (cli/interrupt.h); installed by main before .run */
	KDX_NEED_STORE_REGIONS = 1 << 8, /* the safety analysis asks AWS where the store lives
					    (DescribeTable: a global table's replicas) */
	KDX_NEED_NO_AST = 1 << 9,  /* nothing after the front end reads the parse trees: they
				      are released once the plan is lowered, before the analyses
				      (kdx_compilation_drop_ast; issue #19, the peak of kdx check) */
};

/* Flags are Terraform-style: -name, -name=value or -name value; "--name" is accepted too. */
typedef enum kdx_flag_kind {
	KDX_FLAG_BOOL,   /* bool */
	KDX_FLAG_STRING, /* const char * (points into argv) */
	KDX_FLAG_INT,    /* long */
	KDX_FLAG_MULTI,  /* kdx_strlist: repeatable */
	KDX_FLAG_GROUP,  /* not a flag: the shared group .group, its options at .off */
} kdx_flag_kind;

typedef struct kdx_strlist {
	const char **items;
	size_t n, alloc;
} kdx_strlist;

void kdx_strlist_push(kdx_strlist *l, const char *s);
void kdx_strlist_release(kdx_strlist *l);

struct kdx_flag_group;

/* One flag, declared once: the parser stores its value at .off in the command's options
 * struct (kdx_options), and `kdx help`, the man page and the shell completions print .arg and
 * .help, so what is parsed and what is documented cannot drift. A table is an array ended
 * by { 0 }, usually written with KDX_FLAG / KDX_FLAG_INCLUDE. */
typedef struct kdx_flag {
	const char *name;        /* without dashes */
	kdx_flag_kind kind;
	size_t off;              /* offsetof(the options struct, its field) */
	const char *arg;         /* the value's placeholder in help ("FILE"); NULL: a switch */
	const char *help;        /* its help; each '\n' starts a continuation line */
	const struct kdx_flag_group *group; /* KDX_FLAG_GROUP only */
} kdx_flag;

/* Flags several commands take (-var/-var-file/-I, a run's store, ...), declared once where
 * their options struct is and included by offset. A group with a title is printed as its
 * own section after the command's flags, aligned at its own column; one without is printed
 * among the command's flags, at the command's column. */
typedef struct kdx_flag_group {
	const char *title;
	int col;
	const kdx_flag *flags;
} kdx_flag_group;

/* A command's options: the flag table, and the struct it fills -- allocated, set to init
 * and parsed into by kdx_command_run before the handler runs. */
typedef struct kdx_options {
	const kdx_flag *flags;   /* ended by { 0 } */
	size_t size;             /* sizeof the options struct */
	const void *init;        /* its defaults (NULL: all zero) */
} kdx_options;

#define KDX_FLAG(T, field, name, kind, arg, help) \
	{ (name), (kind), offsetof(T, field), (arg), (help), NULL }
#define KDX_FLAG_INCLUDE(T, field, grp) \
	{ NULL, KDX_FLAG_GROUP, offsetof(T, field), NULL, NULL, &(grp) }

typedef struct kdx_command {
	const char *name;
	const char *summary;     /* one line for `kdx help` */
	/* `kdx help NAME` and `kdx NAME -h` print .usage (synopsis and prose), then the flags
	 * of .opts, each aligned at .flag_col, then .notes, then the titled groups */
	const char *usage;
	const kdx_options *opts; /* what the command parses (NULL: no flags) */
	int flag_col;            /* the column flag help starts at (0: 20) */
	const char *notes;       /* prose after the flags, or NULL */
	/* called by kdx_command_run with the parsed options and the positional arguments
	 * (the lists in either are released after it returns) */
	int (*run)(const struct kdx_command *cmd, void *opts, kdx_strlist *pos);
	unsigned needs;          /* enum kdx_need bits */
	bool no_args;            /* flags only: an argument is a usage error */
	bool no_flags;           /* words only, passed on as they are, '-' or not (__complete) */
	bool stop_at_arg;        /* a dispatcher: flags after the first argument are the
				  * subcommand's (parsing stops there, the rest go to pos) */
	bool hidden;
} kdx_command;

extern const kdx_command kdx_commands[];
/* Run cmd on argv (argv[0] is its name): parse its flags into a fresh options struct (a
 * usage error or -h ends here), call .run, release what the flags collected. Returns the
 * exit code. */
int kdx_command_run(const kdx_command *cmd, int argc, char **argv);
const kdx_command *kdx_command_find(const char *name);

/* Parse flags from argv[1..] into opts, by cmd->opts; positional arguments are collected
 * in *pos (flags and positionals may be mixed; "--" ends flags). On error prints a short
 * usage error and returns -1. Returns 1 when -h/-help was given (usage already printed),
 * else 0. */
int kdx_parse_flags(const kdx_command *cmd, int argc, char **argv, void *opts, kdx_strlist *pos);

/* The command's help: .usage, the flags, .notes, the titled groups (see kdx_command). */
void kdx_command_usage(const kdx_command *cmd, FILE *fp);

/* Call fn for every flag cmd parses, in help order (titled groups last), with the column
 * its help is aligned at; stops early and returns fn's value when it is not 0. */
int kdx_command_each_flag(const kdx_command *cmd,
			  int (*fn)(void *ctx, const kdx_flag *f, const char *section, int col),
			  void *ctx);
/* The flag named name that cmd parses (in any group), or NULL. */
const kdx_flag *kdx_command_flag(const kdx_command *cmd, const char *name);

/* A flag only some subcommands of a dispatcher take (kdx terraform, kdx state): given says
 * whether it was set, subs lists the subcommands that take it ("list show"). */
typedef struct kdx_sub_flag {
	const char *flag, *subs;
	bool given;
} kdx_sub_flag;
/* A usage error (KDX_EXIT_ERROR) when a flag of other subcommands was given to sub, which
 * would ignore it without a word; else 0. */
int kdx_sub_flags_check(const kdx_command *cmd, const char *sub, const kdx_sub_flag *f, size_t n);

/* Print "kdx: error: ..." and the command's usage line to stderr; returns KDX_EXIT_ERROR. */
int kdx_usage_error(const kdx_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* True when colour may be used on this stream (a TTY and NO_COLOR unset). */
bool kdx_use_color(int fd);

#endif
