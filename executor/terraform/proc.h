/* proc: one child process (Terraform, or any program) run without a shell, with a controlled
 * environment, its output read line by line as it arrives, and a timeout that cancels it the
 * way Terraform expects (SIGINT, then SIGTERM, then SIGKILL).
 * The caller owns the struct; tf_proc_release() frees everything it holds (argv, env, buffers).
 * Nothing here prints or exits; errors go to the strbuf the caller passes. */
#ifndef TF_PROC_H
#define TF_PROC_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../common/strbuf.h"

enum tf_proc_stream { TF_PROC_STDOUT = 1, TF_PROC_STDERR = 2 };

/* Called once per complete line (without its '\n'; a last line without one is delivered at
 * EOF). The line is NUL-terminated and valid only during the call. */
typedef void (*tf_proc_line_fn)(void *ctx, enum tf_proc_stream stream, const char *line,
				size_t len);

/* Bits of tf_proc.signals_sent, in the order the escalation sends them. */
enum { TF_PROC_SENT_INT = 1, TF_PROC_SENT_TERM = 2, TF_PROC_SENT_KILL = 4 };

struct tf_proc {
	/* What to run (set with the functions below; all owned by the struct). */
	char **argv;           /* argv[0] is looked up in the parent's PATH, as execvp does */
	size_t argc, argv_alloc;
	char **env;            /* "NAME=value"; the child gets exactly these */
	size_t nenv, env_alloc;
	char *dir;             /* working directory of the child; NULL: the parent's */

	/* Behaviour (plain fields, set before tf_proc_start). */
	long timeout_ms;       /* 0: none. At the deadline SIGINT goes to the child's group */
	long grace_ms;         /* between SIGINT and SIGTERM, and SIGTERM and SIGKILL */
	tf_proc_line_fn on_line;
	void *ctx;
	/* When non-NULL and it becomes non-zero (e.g. from the caller's SIGINT handler), the
	 * child is cancelled exactly as on timeout. */
	volatile sig_atomic_t *cancel;

	/* Results (valid after tf_proc_finish). */
	pid_t pid;             /* also the child's process group */
	bool exited;           /* exit_code is valid */
	int exit_code;
	int term_signal;       /* the signal that ended it, 0 if it exited */
	bool timed_out;
	bool cancelled;
	int signals_sent;      /* TF_PROC_SENT_* */
	long elapsed_ms;

	/* Private: partial lines and the pipes. */
	strbuf part[2];
	int fd[2];
	int pidfd;
	long long start_ms, next_signal_ms;
};

void tf_proc_init(struct tf_proc *p);
void tf_proc_release(struct tf_proc *p);

void tf_proc_arg(struct tf_proc *p, const char *arg);
void tf_proc_argf(struct tf_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The minimal environment: PATH, HOME and TMPDIR copied from the parent when set, then
 * TF_IN_AUTOMATION=1, TF_INPUT=0, CHECKPOINT_DISABLE=1. Nothing else is inherited. */
void tf_proc_env_minimal(struct tf_proc *p);
/* Set (or replace) one variable; "NAME=value" form via tf_proc_putenv. */
void tf_proc_setenv(struct tf_proc *p, const char *name, const char *value);
void tf_proc_putenv(struct tf_proc *p, const char *name_eq_value);
/* Copy one variable from the parent's environment if it is set there. */
void tf_proc_passenv(struct tf_proc *p, const char *name);
/* The value the child will see, or NULL. */
const char *tf_proc_getenv(const struct tf_proc *p, const char *name);

/* Start the child: stdin is /dev/null, stdout and stderr are pipes, it gets its own process
 * group, default signal dispositions and an empty signal mask. -1 with err filled when it
 * cannot be started (no such program, bad directory). */
int tf_proc_start(struct tf_proc *p, strbuf *err);
/* Read output line by line until the child ends (enforcing timeout and cancel), reap it,
 * and kill what it left behind in its process group. Returns 0 whatever the exit code;
 * -1 only when waiting itself failed. */
int tf_proc_finish(struct tf_proc *p, strbuf *err);
/* start + finish. */
int tf_proc_run(struct tf_proc *p, strbuf *err);

/* "exit status 3", "killed by SIGKILL after timeout (SIGINT, SIGTERM, SIGKILL sent)". */
void tf_proc_describe(const struct tf_proc *p, strbuf *sb);

#endif
