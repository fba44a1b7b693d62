/* interp_host: the host functions kdx serves to runbooks at run time. http_get(url,
 * time_limit) does one GET with aws_transport_get (libcurl), TLS verification on, and answers
 * { status, body } -- status 0 when the URL cannot be reached (not an error: a health check
 * that cannot connect is a failed check). run_command(argv, time_limit, env) is the body of
 * core.exec: a local command started without a shell, gated twice. */
#include "interp_int.h"
#include "../common/interrupt.h"
#include "../common/monotime.h"
#include "aws/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BODY_LIMIT (1 << 20)

int kdx_interp_http_get(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out)
{
	const char *url = nargs > 0 ? kdx_value_text(args[0]) : NULL;
	if (!url) {
		strbuf_addstr(&in->err, "http_get() needs a URL string");
		return -1;
	}
	long limit = 10000;
	if (nargs > 1 && args[1]->kind == KDX_V_DURATION && args[1]->u.ms > 0)
		limit = (long)args[1]->u.ms;
	strbuf body = STRBUF_INIT, why = STRBUF_INIT;
	int status = 0;
	/* A URL that cannot be reached is status 0 (a failed check), not an error. */
	aws_transport_get(url, limit, &status, &body, BODY_LIMIT, &why);
	strbuf_reset(&in->observed);
	if (status)
		strbuf_addf(&in->observed, "GET %s answered %d", url, status);
	else
		strbuf_addf(&in->observed, "GET %s: %s", url, why.len ? why.buf : "no answer");
	strbuf_release(&why);
	kdx_value *m = kdx_value_map(&in->arena, 2);
	m->u.map.keys[0] = "status";
	m->u.map.vals[0] = kdx_value_number(&in->arena, (double)status);
	m->u.map.keys[1] = "body";
	m->u.map.vals[1] = kdx_value_stringn(&in->arena, body.buf ? body.buf : "", body.len);
	strbuf_release(&body);
	*out = m;
	return 0;
}

void kdx_interp_step_scope(const kdx_interp *in, const kdx_step *st, const kdx_env **env)
{
	const kdx_runtime *rt = in->rt;
	*env = st && st->scope >= 0 && (size_t)st->scope < rt->nscopes && rt->scopes[st->scope]
		       ? rt->scopes[st->scope] : rt->genv;
}

int kdx_interp_eval_step(kdx_interp *in, const kdx_step *st, const kdx_expr *e, kdx_value **out)
{
	const kdx_env *env;
	kdx_interp_step_scope(in, st, &env);
	kdx_eval ev;
	kdx_interp_evaluator(in, &ev);
	int r = kdx_eval_expr(&ev, env, e, out);
	if (r > 0) {
		strbuf_reset(&in->err);
		strbuf_addstr(&in->err, "a value is not known at run time: ");
		kdx_interp_expr_text(in, e, &in->err);
		return -1;
	}
	if (r < 0 && !in->err.len)
		strbuf_addstr(&in->err, "evaluation failed");
	return r;
}

/* ---- run_command: core.exec ---- */

#define OUT_LIMIT (1 << 20)
#define ERR_LIMIT 2048
#define KILL_GRACE_MS 2000

typedef struct command {
	char **argv;        /* NULL-terminated, owned by the interp's arena */
	size_t argc;
	char **envp;        /* PATH, LANG and the env map; never kdx's own environment */
	int64_t limit_ms;
} command;

/* Secrets never appear in what kdx prints: the loaded AWS secret key and session token
 * are masked wherever they occur in an argument. */
static void add_redacted(const kdx_interp *in, strbuf *sb, const char *arg)
{
	const char *sec[2] = { NULL, NULL };
	if (in->rt->creds) {
		sec[0] = in->rt->creds->secret_access_key;
		sec[1] = in->rt->creds->session_token;
	}
	while (*arg) {
		size_t skip = 0;
		for (int k = 0; k < 2 && !skip; k++)
			if (sec[k] && *sec[k] && !strncmp(arg, sec[k], strlen(sec[k])))
				skip = strlen(sec[k]);
		if (skip) {
			strbuf_addstr(sb, "[redacted]");
			arg += skip;
		} else {
			strbuf_addch(sb, *arg++);
		}
	}
}

static void add_argv(const kdx_interp *in, strbuf *sb, const command *c)
{
	for (size_t i = 0; i < c->argc; i++) {
		strbuf_addstr(sb, i ? " '" : "'");
		add_redacted(in, sb, c->argv[i]);
		strbuf_addch(sb, '\'');
	}
}

static int build_command(kdx_interp *in, kdx_value **args, size_t nargs, command *c)
{
	const kdx_value *av = nargs > 0 ? args[0] : NULL;
	if (!av || av->kind != KDX_V_LIST || !av->u.list.n) {
		strbuf_addstr(&in->err, "core.exec needs argv, a non-empty list of strings");
		return -1;
	}
	c->argc = av->u.list.n;
	c->argv = KDX_NEWN(&in->arena, char *, c->argc + 1);
	for (size_t i = 0; i < c->argc; i++) {
		const char *t = kdx_value_text(av->u.list.items[i]);
		if (!t) {
			strbuf_addf(&in->err, "core.exec: argv[%zu] is not a string", i);
			return -1;
		}
		c->argv[i] = kdx_arena_strdup(&in->arena, t);
	}
	c->limit_ms = nargs > 1 && args[1]->kind == KDX_V_DURATION && args[1]->u.ms > 0
		? args[1]->u.ms : 60000;
	const kdx_value *env = nargs > 2 && args[2]->kind == KDX_V_MAP ? args[2] : NULL;
	size_t n = env ? env->u.map.n : 0;
	c->envp = KDX_NEWN(&in->arena, char *, n + 3);
	const char *path = getenv("PATH");
	size_t k = 0;
	/* PATH and LANG unless env sets them itself */
	if (!env || !kdx_value_get(env, "PATH"))
		c->envp[k++] = kdx_arena_printf(&in->arena, "PATH=%s",
						path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!env || !kdx_value_get(env, "LANG"))
		c->envp[k++] = kdx_arena_strdup(&in->arena, "LANG=C.UTF-8");
	for (size_t i = 0; i < n; i++) {
		const char *v = kdx_value_text(env->u.map.vals[i]);
		if (!v || strchr(env->u.map.keys[i], '=')) {
			strbuf_addf(&in->err, "core.exec: env '%s' must be a string variable",
				    env->u.map.keys[i]);
			return -1;
		}
		c->envp[k++] = kdx_arena_printf(&in->arena, "%s=%s", env->u.map.keys[i], v);
	}
	return 0;
}

int kdx_interp_exec_gate(kdx_interp *in, const char *cmd)
{
	const kdx_plan *p = kdx_runtime_plan(in->rt);
	bool listed = false;
	for (size_t i = 0; p && i < p->nallow_exec && !listed; i++)
		listed = !strcmp(p->allow_exec[i], cmd);
	if (!listed) {
		strbuf_addstr(&in->err, "command ");
		add_argv(in, &in->err, &(command){ .argv = (char **)&cmd, .argc = 1 });
		strbuf_addstr(&in->err, " is not in the runbook's allow_exec");
		return -1;
	}
	if (!in->rt->allow_exec && !in->rt->dry_run) {
		strbuf_addstr(&in->err, "running local commands is off: pass -allow-exec");
		return -1;
	}
	return 0;
}

static void drain(int fd, strbuf *sb, size_t limit, bool *open)
{
	char buf[4096];
	ssize_t r = read(fd, buf, sizeof(buf));
	if (r > 0) {
		size_t room = sb->len < limit ? limit - sb->len : 0;
		strbuf_add(sb, buf, (size_t)r < room ? (size_t)r : room);
	} else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
		*open = false;
	}
}

/* Wait for the child, reading its stdout and stderr, until it exits, the time limit
 * passes (SIGTERM to its process group, then SIGKILL after a grace period) or the run is
 * cancelled. Returns the wait status; *timed_out says whether we stopped it. */
static int supervise(kdx_interp *in, pid_t pid, int out_fd, int err_fd, int64_t limit_ms,
		     strbuf *out, strbuf *errs, bool *timed_out)
{
	int64_t deadline = kdx_mono_ms() + limit_ms, kill_at = 0;
	bool out_open = true, err_open = true;
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			kdx_interrupt_reaped(pid);
		if (w == pid && !out_open && !err_open)
			break;
		int64_t now = kdx_mono_ms();
		if (!kill_at && (now >= deadline || kdx_interp_cancelled(in))) {
			*timed_out = now >= deadline;
			kill(-pid, SIGTERM);
			kill_at = now + KILL_GRACE_MS;
		} else if (kill_at && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = INT64_MAX;
		}
		struct pollfd fds[2] = { { out_open ? out_fd : -1, POLLIN, 0 },
					 { err_open ? err_fd : -1, POLLIN, 0 } };
		if (w == pid) {
			/* exited: read what is already in the pipes, without waiting for a
			 * background child of the command that may hold them open */
			while (poll(fds, 2, 0) > 0 && (fds[0].revents || fds[1].revents)) {
				if (fds[0].revents)
					drain(out_fd, out, OUT_LIMIT, &out_open);
				if (fds[1].revents)
					drain(err_fd, errs, ERR_LIMIT, &err_open);
				fds[0].fd = out_open ? out_fd : -1;
				fds[1].fd = err_open ? err_fd : -1;
			}
			break;
		}
		if (poll(fds, 2, 50) > 0) {
			if (fds[0].revents)
				drain(out_fd, out, OUT_LIMIT, &out_open);
			if (fds[1].revents)
				drain(err_fd, errs, ERR_LIMIT, &err_open);
		}
	}
	return status;
}

static int spawn(kdx_interp *in, const command *c, pid_t *pid, int *out_fd, int *err_fd)
{
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		goto fail;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawnattr_init(&at);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0); /* its own group: a timeout stops its children too */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	kdx_interrupt_spawn_begin(); /* registered before a signal can look for it */
	int rc = posix_spawnp(pid, c->argv[0], &fa, &at, c->argv, c->envp);
	kdx_interrupt_spawn_end(rc ? 0 : *pid);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(po[1]);
	close(pe[1]);
	if (rc != 0) {
		close(po[0]);
		close(pe[0]);
		strbuf_addstr(&in->err, "cannot start ");
		add_argv(in, &in->err, &(command){ .argv = c->argv, .argc = 1 });
		strbuf_addf(&in->err, ": %s", strerror(rc));
		return -1;
	}
	*out_fd = po[0];
	*err_fd = pe[0];
	return 0;
fail:
	strbuf_addf(&in->err, "core.exec: cannot create a pipe: %s", strerror(errno));
	return -1;
}

static kdx_value *result(kdx_interp *in, const command *c, int status, const strbuf *out)
{
	kdx_value *argv = kdx_value_list(&in->arena, c->argc);
	for (size_t i = 0; i < c->argc; i++) {
		strbuf a = STRBUF_INIT;
		add_redacted(in, &a, c->argv[i]);
		argv->u.list.items[i] = kdx_value_string(&in->arena, a.buf ? a.buf : "");
		strbuf_release(&a);
	}
	kdx_value *m = kdx_value_map(&in->arena, 3);
	m->u.map.keys[0] = "argv";
	m->u.map.vals[0] = argv;
	m->u.map.keys[1] = "status";
	m->u.map.vals[1] = kdx_value_number(&in->arena, status);
	m->u.map.keys[2] = "stdout";
	m->u.map.vals[2] = kdx_value_stringn(&in->arena, out->buf ? out->buf : "", out->len);
	return m;
}

int kdx_interp_run_command(kdx_interp *in, kdx_value **args, size_t nargs, kdx_value **out)
{
	command c = { 0 };
	if (build_command(in, args, nargs, &c) < 0 || kdx_interp_exec_gate(in, c.argv[0]) < 0)
		return -1;
	strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	if (in->rt->dry_run || in->rt->no_waits) {
		strbuf_addstr(&in->log, "# would run: ");
		add_argv(in, &in->log, &c);
		strbuf_addf(&in->log, " (no shell, time limit %lldms)\n", (long long)c.limit_ms);
		*out = result(in, &c, 0, &so);
		return 0;
	}
	pid_t pid;
	int ofd, efd;
	if (spawn(in, &c, &pid, &ofd, &efd) < 0)
		return -1;
	in->mutated = true;
	bool timed_out = false;
	int st = supervise(in, pid, ofd, efd, c.limit_ms, &so, &se, &timed_out);
	close(ofd);
	close(efd);
	int rc = 0;
	if (timed_out || kdx_interp_cancelled(in) || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		strbuf_addstr(&in->err, "command ");
		add_argv(in, &in->err, &c);
		if (timed_out)
			strbuf_addf(&in->err, " timed out after %lldms and was stopped",
				    (long long)c.limit_ms);
		else if (WIFSIGNALED(st))
			strbuf_addf(&in->err, " was killed by signal %d", WTERMSIG(st));
		else if (WIFEXITED(st))
			strbuf_addf(&in->err, " exited with status %d", WEXITSTATUS(st));
		else
			strbuf_addstr(&in->err, " was stopped");
		while (se.len && (se.buf[se.len - 1] == '\n' || se.buf[se.len - 1] == '\r'))
			se.buf[--se.len] = '\0';
		if (se.len) {
			strbuf_addstr(&in->err, ": ");
			add_redacted(in, &in->err, se.buf);
		}
		rc = -1;
	} else {
		*out = result(in, &c, WEXITSTATUS(st), &so);
	}
	strbuf_release(&so);
	strbuf_release(&se);
	return rc;
}
