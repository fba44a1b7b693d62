/* proc: spawn a child without a shell, read its output line by line with poll(), cancel it
 * on timeout with SIGINT → SIGTERM → SIGKILL, and leave nothing of it running. */
#include "proc.h"
#include "../../common/interrupt.h"
#include "../../common/monotime.h"
#include "../../common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_GRACE_MS 10000
#define TICK_MS 50         /* how often to look at the cancel flag (and exit, without pidfd) */
#define DRAIN_MS 1000      /* how long to read pipes still open after the child is gone */

void tf_proc_init(struct tf_proc *p)
{
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->part[0]);
	strbuf_init(&p->part[1]);
	p->fd[0] = p->fd[1] = -1;
	p->pidfd = -1;
	p->pid = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void tf_proc_release(struct tf_proc *p)
{
	for (size_t i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	for (size_t i = 0; i < p->nenv; i++)
		free(p->env[i]);
	free(p->env);
	free(p->dir);
	strbuf_release(&p->part[0]);
	strbuf_release(&p->part[1]);
	close_fd(&p->fd[0]);
	close_fd(&p->fd[1]);
	close_fd(&p->pidfd);
	tf_proc_init(p);
}

void tf_proc_arg(struct tf_proc *p, const char *arg)
{
	XGROW(p->argv, p->argc + 2, p->argv_alloc);
	p->argv[p->argc++] = xstrdup(arg);
	p->argv[p->argc] = NULL;
}

void tf_proc_argf(struct tf_proc *p, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	XGROW(p->argv, p->argc + 2, p->argv_alloc);
	p->argv[p->argc++] = strbuf_detach(&sb, NULL);
	p->argv[p->argc] = NULL;
}

static ssize_t env_find(const struct tf_proc *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->nenv; i++)
		if (!strncmp(p->env[i], name, len) && p->env[i][len] == '=')
			return (ssize_t)i;
	return -1;
}

void tf_proc_putenv(struct tf_proc *p, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t len = eq ? (size_t)(eq - kv) : strlen(kv);
	if (!eq || !len)
		return; /* not NAME=value: nothing a child could use */
	ssize_t i = env_find(p, kv, len);
	if (i >= 0) {
		free(p->env[i]);
		p->env[i] = xstrdup(kv);
		return;
	}
	XGROW(p->env, p->nenv + 2, p->env_alloc);
	p->env[p->nenv++] = xstrdup(kv);
	p->env[p->nenv] = NULL;
}

void tf_proc_setenv(struct tf_proc *p, const char *name, const char *value)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s=%s", name, value);
	tf_proc_putenv(p, sb.buf);
	strbuf_release(&sb);
}

void tf_proc_passenv(struct tf_proc *p, const char *name)
{
	const char *v = getenv(name);
	if (v)
		tf_proc_setenv(p, name, v);
}

const char *tf_proc_getenv(const struct tf_proc *p, const char *name)
{
	ssize_t i = env_find(p, name, strlen(name));
	return i >= 0 ? p->env[i] + strlen(name) + 1 : NULL;
}

void tf_proc_env_minimal(struct tf_proc *p)
{
	tf_proc_passenv(p, "PATH");
	tf_proc_passenv(p, "HOME");
	tf_proc_passenv(p, "TMPDIR");
	tf_proc_setenv(p, "TF_IN_AUTOMATION", "1");
	tf_proc_setenv(p, "TF_INPUT", "0");
	tf_proc_setenv(p, "CHECKPOINT_DISABLE", "1");
}

/* Find the program as execvp would (in the parent's PATH), so that "not found" is an error
 * of ours with a clear message rather than a child exiting 127. Returns a malloc'd path. */
static char *resolve_program(const char *name, strbuf *err)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) == 0)
			return xstrdup(name);
		strbuf_addf(err, "cannot run '%s': %s", name, strerror(errno));
		return NULL;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	strbuf cand = STRBUF_INIT;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		strbuf_reset(&cand);
		if (len)
			strbuf_add(&cand, path, len);
		else
			strbuf_addch(&cand, '.');
		strbuf_addf(&cand, "/%s", name);
		struct stat st;
		if (stat(cand.buf, &st) == 0 && S_ISREG(st.st_mode) && access(cand.buf, X_OK) == 0)
			return strbuf_detach(&cand, NULL);
		path += len + (colon ? 1 : 0);
	}
	strbuf_release(&cand);
	strbuf_addf(err, "cannot run '%s': not found in PATH", name);
	return NULL;
}

static int setup_spawn(struct tf_proc *p, posix_spawn_file_actions_t *fa,
		       posix_spawnattr_t *attr, int out[2], int err[2])
{
	sigset_t all, none;
	int rc = 0;
	sigfillset(&all);
	sigemptyset(&none);
	rc |= posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	rc |= posix_spawn_file_actions_adddup2(fa, out[1], 1);
	rc |= posix_spawn_file_actions_adddup2(fa, err[1], 2);
	if (p->dir)
		rc |= posix_spawn_file_actions_addchdir_np(fa, p->dir);
	/* Its own process group, so that cancelling reaches Terraform's plugins and
	 * provisioners as a terminal's Ctrl-C would, and nothing is left behind; default
	 * dispositions and an empty mask, whatever the parent ignores or blocks. */
	rc |= posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
						     POSIX_SPAWN_SETSIGMASK);
	rc |= posix_spawnattr_setpgroup(attr, 0);
	rc |= posix_spawnattr_setsigdefault(attr, &all);
	rc |= posix_spawnattr_setsigmask(attr, &none);
	return rc ? -1 : 0;
}

int tf_proc_start(struct tf_proc *p, strbuf *err)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int ret = -1;

	if (!p->argc) {
		strbuf_addstr(err, "no program given to run");
		return -1;
	}
	if (p->dir) {
		struct stat st;
		errno = 0;
		if (stat(p->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			strbuf_addf(err, "cannot use '%s' as working directory: %s", p->dir,
				    errno ? strerror(errno) : "not a directory");
			return -1;
		}
	}
	char *prog = resolve_program(p->argv[0], err);
	if (!prog)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		strbuf_addf(err, "cannot create pipes for '%s': %s", p->argv[0], strerror(errno));
		goto out_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if (setup_spawn(p, &fa, &attr, out, errp) < 0) {
		strbuf_addf(err, "cannot prepare to run '%s'", p->argv[0]);
		goto out;
	}
	/* prog is already a path (so posix_spawnp searches nothing). glibc's posix_spawn
	 * blocks every signal while it clones, so no handler of ours runs in the child
	 * before exec. */
	char *empty_env[] = { NULL };
	pid_t pid;
	kdx_interrupt_spawn_begin(); /* registered before a signal can look for it */
	int rc = posix_spawnp(&pid, prog, &fa, &attr, p->argv, p->env ? p->env : empty_env);
	kdx_interrupt_spawn_end(rc ? 0 : pid);
	if (rc) {
		strbuf_addf(err, "cannot run '%s': %s", p->argv[0], strerror(rc));
		goto out;
	}
	p->pid = pid;
	p->start_ms = kdx_mono_ms();
	/* Readable when the child exits, so poll() wakes at once; without it (old kernels)
	 * the exit is looked for every TICK_MS. */
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	p->fd[0] = out[0];
	p->fd[1] = errp[0];
	out[0] = errp[0] = -1;
	fcntl(p->fd[0], F_SETFL, fcntl(p->fd[0], F_GETFL) | O_NONBLOCK);
	fcntl(p->fd[1], F_SETFL, fcntl(p->fd[1], F_GETFL) | O_NONBLOCK);
	ret = 0;
out:
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
out_pipes:
	free(prog);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	return ret;
}

/* Deliver every complete line in part[i]; at EOF also the unterminated rest. */
static void emit_lines(struct tf_proc *p, int i, bool eof)
{
	strbuf *sb = &p->part[i];
	size_t start = 0;
	char *nl;
	while ((nl = memchr(sb->buf + start, '\n', sb->len - start))) {
		size_t len = (size_t)(nl - (sb->buf + start));
		*nl = '\0';
		if (p->on_line)
			p->on_line(p->ctx, i + 1, sb->buf + start, len);
		start += len + 1;
	}
	if (eof && start < sb->len) {
		if (p->on_line)
			p->on_line(p->ctx, i + 1, sb->buf + start, sb->len - start);
		start = sb->len;
	}
	if (start) {
		memmove(sb->buf, sb->buf + start, sb->len - start);
		sb->len -= start;
		sb->buf[sb->len] = '\0';
	}
}

/* Read what is available on pipe i; closes it at EOF. */
static void read_pipe(struct tf_proc *p, int i)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(p->fd[i], buf, sizeof(buf));
		if (n > 0) {
			strbuf_add(&p->part[i], buf, (size_t)n);
			emit_lines(p, i, false);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		emit_lines(p, i, true); /* EOF or a read error: the stream is over */
		close_fd(&p->fd[i]);
		return;
	}
}

/* Send the next signal of the escalation to the child's process group. */
static void escalate(struct tf_proc *p, long long now)
{
	long grace = p->grace_ms > 0 ? p->grace_ms : DEFAULT_GRACE_MS;
	int sig = 0;
	if (!(p->signals_sent & TF_PROC_SENT_INT)) {
		sig = SIGINT;
		p->signals_sent |= TF_PROC_SENT_INT;
	} else if (now < p->next_signal_ms) {
		return;
	} else if (!(p->signals_sent & TF_PROC_SENT_TERM)) {
		sig = SIGTERM;
		p->signals_sent |= TF_PROC_SENT_TERM;
	} else if (!(p->signals_sent & TF_PROC_SENT_KILL)) {
		sig = SIGKILL;
		p->signals_sent |= TF_PROC_SENT_KILL;
	} else {
		return;
	}
	kill(-p->pid, sig);
	p->next_signal_ms = now + grace;
}

/* If the child has exited: kill what it left in its group (its pid cannot be reused while
 * it is an unreaped zombie, so the group is still its own), then reap it. */
static int check_exit(struct tf_proc *p, strbuf *err)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
		if (errno == EINTR)
			return 0;
		strbuf_addf(err, "cannot wait for '%s': %s", p->argv[0], strerror(errno));
		return -1;
	}
	if (si.si_pid != p->pid)
		return 0;
	kill(-p->pid, SIGKILL);
	close_fd(&p->pidfd);
	int status;
	while (waitpid(p->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			strbuf_addf(err, "cannot reap '%s': %s", p->argv[0], strerror(errno));
			return -1;
		}
	}
	kdx_interrupt_reaped(p->pid);
	if (WIFEXITED(status)) {
		p->exited = true;
		p->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		p->term_signal = WTERMSIG(status);
	}
	return 1;
}

/* How long poll() may sleep: until output, the child's exit (its pidfd), the next timeout
 * or escalation step, or a tick to look at the exit (without a pidfd) and the cancel flag. */
static int poll_timeout(const struct tf_proc *p, long long now, bool running,
			long long drain_until)
{
	if (!running)
		return drain_until > now ? (int)(drain_until - now) : 0;
	long long t = (p->pidfd < 0 || p->cancel) ? TICK_MS : -1;
	long long due = -1;
	if (p->timeout_ms > 0 && !p->signals_sent)
		due = p->start_ms + p->timeout_ms;
	else if (p->signals_sent && !(p->signals_sent & TF_PROC_SENT_KILL))
		due = p->next_signal_ms;
	if (due >= 0) {
		long long left = due > now ? due - now : 0;
		if (t < 0 || left < t)
			t = left;
	}
	return (int)t;
}

int tf_proc_finish(struct tf_proc *p, strbuf *err)
{
	bool running = p->pid > 0;
	long long drain_until = 0;
	while (running || p->fd[0] >= 0 || p->fd[1] >= 0) {
		long long now = kdx_mono_ms();
		if (running) {
			if (p->timeout_ms > 0 && now >= p->start_ms + p->timeout_ms && !p->cancelled)
				p->timed_out = true;
			if (p->cancel && *p->cancel && !p->timed_out)
				p->cancelled = true;
			if (p->timed_out || p->cancelled)
				escalate(p, now);
			int r = check_exit(p, err);
			if (r < 0)
				return -1;
			if (r > 0) {
				running = false;
				drain_until = now + DRAIN_MS;
				continue; /* the pipes may already be closed too */
			}
		} else if (now >= drain_until) {
			/* Something outside the group still holds a pipe; stop listening. */
			emit_lines(p, 0, true);
			emit_lines(p, 1, true);
			close_fd(&p->fd[0]);
			close_fd(&p->fd[1]);
			break;
		}
		struct pollfd pfd[3];
		nfds_t n = 0;
		int which[3];
		if (running && p->pidfd >= 0) {
			pfd[n].fd = p->pidfd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			which[n++] = -1;
		}
		for (int i = 0; i < 2; i++) {
			if (p->fd[i] >= 0) {
				pfd[n].fd = p->fd[i];
				pfd[n].events = POLLIN;
				pfd[n].revents = 0;
				which[n++] = i;
			}
		}
		int pr = poll(pfd, n, poll_timeout(p, now, running, drain_until));
		if (pr < 0 && errno != EINTR) {
			strbuf_addf(err, "cannot read output of '%s': %s", p->argv[0],
				    strerror(errno));
			return -1;
		}
		for (nfds_t k = 0; pr > 0 && k < n; k++)
			if (pfd[k].revents && which[k] >= 0)
				read_pipe(p, which[k]);
	}
	p->elapsed_ms = (long)(kdx_mono_ms() - p->start_ms);
	return 0;
}

int tf_proc_run(struct tf_proc *p, strbuf *err)
{
	if (tf_proc_start(p, err) < 0)
		return -1;
	return tf_proc_finish(p, err);
}

void tf_proc_describe(const struct tf_proc *p, strbuf *sb)
{
	if (p->exited)
		strbuf_addf(sb, "exit status %d", p->exit_code);
	else if (p->term_signal)
		strbuf_addf(sb, "killed by SIG%s", sigabbrev_np(p->term_signal) ?
			    sigabbrev_np(p->term_signal) : "?");
	else
		strbuf_addstr(sb, "not run");
	if (p->timed_out)
		strbuf_addf(sb, " after a timeout of %ldms", p->timeout_ms);
	else if (p->cancelled)
		strbuf_addstr(sb, " after it was cancelled");
	if (p->signals_sent) {
		strbuf_addstr(sb, " (sent");
		if (p->signals_sent & TF_PROC_SENT_INT)
			strbuf_addstr(sb, " SIGINT");
		if (p->signals_sent & TF_PROC_SENT_TERM)
			strbuf_addstr(sb, ", SIGTERM");
		if (p->signals_sent & TF_PROC_SENT_KILL)
			strbuf_addstr(sb, ", SIGKILL");
		strbuf_addch(sb, ')');
	}
}
