/* kdx unlock: remove the lock a dead run left behind, after showing its holder and asking. */
#include "cli.h"

#include "../common/strbuf.h"
#include "../common/xalloc.h"
#include "../executor/lock.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Without -env: the one lock of this runbook in the state directory, if there is just one. */
static char *find_lock(const char *dir, const char *key, const char *env)
{
	if (env)
		return kdx_lock_path(dir, key, env);
	strbuf pat = STRBUF_INIT;
	strbuf_addf(&pat, "%s/%s-*.lock", dir, key);
	glob_t g;
	char *path = NULL;
	int rc = glob(pat.buf, 0, NULL, &g);
	if (rc == 0 && g.gl_pathc == 1) {
		path = xstrdup(g.gl_pathv[0]);
	} else if (rc == 0) {
		fprintf(stderr, "kdx: error: runbook '%s' has %zu locks in '%s'; say which with "
				"-env NAME\n", key, (size_t)g.gl_pathc, dir);
		for (size_t i = 0; i < g.gl_pathc; i++)
			fprintf(stderr, "  %s\n", g.gl_pathv[i]);
	} else {
		fprintf(stderr, "kdx: error: no lock for runbook '%s' in '%s'; nothing to unlock\n",
			key, dir);
	}
	if (rc == 0)
		globfree(&g);
	strbuf_release(&pat);
	return path;
}

static bool confirmed(void)
{
	fputs("Only 'yes' will be accepted to remove the lock.\n  Enter a value: ", stdout);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return !strcmp(line, "yes");
}

static int unlock_path(const char *path, bool force)
{
	kdx_lock_info info;
	strbuf err = STRBUF_INIT;
	int ret = KDX_EXIT_ERROR;
	if (access(path, F_OK) != 0) {
		fprintf(stderr, "kdx: error: no lock at '%s'; nothing to unlock\n", path);
		goto out;
	}
	bool known = kdx_lock_read(path, &info, &err) == 0;
	kdx_lock_liveness live = kdx_lock_check(path, known ? &info : NULL);
	if (known)
		printf("Lock '%s' is held by pid %ld on host %s (%s, by %s, since %s).\n", path,
		       info.pid, info.host, info.command, info.user, info.since);
	else
		printf("Lock '%s' has no readable holder details.\n", path);
	if (live == KDX_LOCK_ALIVE && !force) {
		fprintf(stderr, "kdx: error: the run holding '%s' is still alive; let it finish or "
				"stop it first (or pass -force if you are sure)\n", path);
		goto out;
	}
	if (live == KDX_LOCK_STALE)
		puts("That run is dead: no process holds the lock.");
	else if (live == KDX_LOCK_UNKNOWN)
		puts("It was taken on another host; kdx cannot tell whether that run is alive.");
	if (!force) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "kdx: error: refusing to remove '%s' without confirmation: "
					"not a terminal; pass -force to remove it\n", path);
			goto out;
		}
		if (!confirmed()) {
			fprintf(stderr, "kdx: error: unlock cancelled; the lock stays\n");
			goto out;
		}
	}
	strbuf_reset(&err);
	if (kdx_lock_break(path, &err) < 0) {
		fprintf(stderr, "kdx: error: %s\n", err.buf);
		goto out;
	}
	printf("Lock removed. Run 'kdx resume' to continue the interrupted run, or 'kdx rollback' "
	       "to undo it.\n");
	ret = KDX_EXIT_OK;
out:
	strbuf_release(&err);
	return ret;
}

typedef struct unlock_args {
	bool force;
	const char *env, *state_dir;
} unlock_args;

#define F(field, name, kind, arg, help) KDX_FLAG(unlock_args, field, name, kind, arg, help)
static const kdx_flag flags[] = {
	F(env, "env", KDX_FLAG_STRING, "NAME", "the environment of the locked run (needed if it has several)"),
	F(state_dir, "state-dir", KDX_FLAG_STRING, "DIR", "where the lock lives (default: .kdx next to the runbook)"),
	F(force, "force", KDX_FLAG_BOOL, NULL, "do not ask, and remove even a lock whose holder looks alive"),
	{ 0 },
};
#undef F
const kdx_options cmd_unlock_opts = { flags, sizeof(unlock_args), NULL };

int cmd_unlock(const kdx_command *cmd, void *opts, kdx_strlist *pos)
{
	unlock_args *a = opts;
	if (pos->n != 1)
		return kdx_usage_error(cmd, "'unlock' wants one runbook file or lock file");
	const char *arg = pos->items[0];
	size_t n = strlen(arg);
	int ret = KDX_EXIT_ERROR;
	if (n > 5 && !strcmp(arg + n - 5, ".lock")) {
		ret = unlock_path(arg, a->force);
	} else {
		char *dir = a->state_dir ? xstrdup(a->state_dir) : kdx_state_dir_for(arg);
		char *key = kdx_lock_key_for(arg);
		char *path = find_lock(dir, key, a->env);
		if (path)
			ret = unlock_path(path, a->force);
		free(path);
		free(key);
		free(dir);
	}
	return ret;
}
