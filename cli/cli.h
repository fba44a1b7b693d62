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
};

typedef struct kdx_command {
	const char *name;
	const char *summary;     /* one line for `kdx help` */
	const char *usage;       /* full help text for `kdx help NAME` and `kdx NAME -h` */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	unsigned needs;          /* enum kdx_need bits */
	bool hidden;
} kdx_command;

extern const kdx_command kdx_commands[];
const kdx_command *kdx_command_find(const char *name);

/* Flags are Terraform-style: -name, -name=value or -name value; "--name" is accepted too. */
typedef enum kdx_flag_kind {
	KDX_FLAG_BOOL,   /* bool *dest */
	KDX_FLAG_STRING, /* const char **dest (points into argv) */
	KDX_FLAG_INT,    /* long *dest */
	KDX_FLAG_MULTI,  /* kdx_strlist *dest: repeatable */
} kdx_flag_kind;

typedef struct kdx_strlist {
	const char **items;
	size_t n, alloc;
} kdx_strlist;

void kdx_strlist_push(kdx_strlist *l, const char *s);
void kdx_strlist_release(kdx_strlist *l);

typedef struct kdx_flag {
	const char *name;        /* without dashes */
	kdx_flag_kind kind;
	void *dest;
} kdx_flag;

/* Parse flags from argv[1..]; positional arguments are collected in *pos (flags and
 * positionals may be mixed; "--" ends flags). On error prints a short usage error and
 * returns -1. Returns 1 when -h/-help was given (usage already printed), else 0. */
int kdx_parse_flags(const kdx_command *cmd, int argc, char **argv, const kdx_flag *flags,
		    kdx_strlist *pos);

/* The command's help: its usage text, then the flags its needs bring (-var, -var-file and
 * -I for every command that compiles), written once here rather than in each usage. */
void kdx_command_usage(const kdx_command *cmd, FILE *fp);

/* kdx_parse_flags for a handler: true when the command must stop here (usage error, or
 * -h printed), with *exit_code the status to return; false (and *exit_code OK) to go on. */
bool kdx_parse_args(const kdx_command *cmd, int argc, char **argv, const kdx_flag *flags,
		    kdx_strlist *pos, int *exit_code);

/* Print "kdx: error: ..." and the command's usage line to stderr; returns KDX_EXIT_ERROR. */
int kdx_usage_error(const kdx_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* True when colour may be used on this stream (a TTY and NO_COLOR unset). */
bool kdx_use_color(int fd);

#endif
