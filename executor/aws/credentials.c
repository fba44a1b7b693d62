/* credentials: the standard chain -- environment, shared credentials file, config file,
 * credential_process -- and the default region, as the AWS SDKs and CLI find them. */
#include "credentials.h"
#include "../../common/json.h"
#include "../../common/monotime.h"
#include "../../common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void aws_credentials_init(aws_credentials *c)
{
	memset(c, 0, sizeof(*c));
}

static void free_secret(char *s)
{
	if (s) {
		kdx_wipe(s, strlen(s));
		free(s);
	}
}

void aws_credentials_release(aws_credentials *c)
{
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c->source);
	aws_credentials_init(c);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void aws_credentials_copy(aws_credentials *dst, const aws_credentials *src)
{
	aws_credentials_init(dst);
	dst->access_key_id = dup_or_null(src->access_key_id);
	dst->secret_access_key = dup_or_null(src->secret_access_key);
	dst->session_token = dup_or_null(src->session_token);
	dst->expiration = src->expiration;
	dst->source = dup_or_null(src->source);
	if (dst->secret_access_key)
		aws_process_protect();
}

char *aws_credentials_mask(const char *s)
{
	strbuf sb = STRBUF_INIT;
	size_t n = s ? strlen(s) : 0;
	strbuf_add(&sb, s ? s : "", n < 4 ? 0 : 4);
	strbuf_addstr(&sb, "****");
	return strbuf_detach(&sb, NULL);
}

/* ---- INI files: [section] / key = value, '#' and ';' comments ---- */

typedef struct ini_entry {
	char *section, *key, *value;
} ini_entry;

typedef struct ini {
	ini_entry *e;
	size_t n, alloc;
	bool loaded;
} ini;

static void ini_free(ini *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->e[i].section);
		free(f->e[i].key);
		free_secret(f->e[i].value);
	}
	free(f->e);
	memset(f, 0, sizeof(*f));
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Returns false when the file cannot be read (missing is the common case). */
static bool ini_load(ini *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	FILE *fp = path ? fopen(path, "r") : NULL;
	if (!fp)
		return false;
	f->loaded = true;
	char *line = NULL, *section = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, fp) > 0) {
		/* Indented lines belong to a nested block (e.g. "s3 =\n  max_concurrent..."). */
		bool nested = line[0] == ' ' || line[0] == '\t';
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			free(section);
			section = close ? xstrndup(s + 1, (size_t)(close - s - 1)) : NULL;
			if (section) {
				char *t = trim(section);
				memmove(section, t, strlen(t) + 1);
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!section || !eq || nested)
			continue;
		*eq = '\0';
		XGROW(f->e, f->n + 1, f->alloc);
		f->e[f->n].section = xstrdup(section);
		f->e[f->n].key = xstrdup(trim(s));
		f->e[f->n].value = xstrdup(trim(eq + 1));
		f->n++;
	}
	free(section);
	if (line)
		kdx_wipe(line, cap);
	free(line);
	fclose(fp);
	return true;
}

static const char *ini_get(const ini *f, const char *section, const char *key)
{
	for (size_t i = f->n; i > 0; i--)
		if (!strcmp(f->e[i - 1].section, section) && !strcmp(f->e[i - 1].key, key))
			return f->e[i - 1].value;
	return NULL;
}

static bool ini_has_section(const ini *f, const char *section)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->e[i].section, section))
			return true;
	return false;
}

/* ---- paths and profile ---- */

static char *expand_home(const char *p)
{
	const char *home = getenv("HOME");
	if (p[0] == '~' && (p[1] == '/' || !p[1]) && home) {
		strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%s%s", home, p + 1);
		return strbuf_detach(&sb, NULL);
	}
	return xstrdup(p);
}

static char *file_path(const char *env, const char *dflt)
{
	const char *v = getenv(env);
	if (v && *v)
		return expand_home(v);
	return expand_home(dflt);
}

static const char *profile_name(const aws_cred_opts *o)
{
	if (o && o->profile && *o->profile)
		return o->profile;
	const char *p = getenv("AWS_PROFILE");
	if (p && *p)
		return p;
	p = getenv("AWS_DEFAULT_PROFILE");
	return p && *p ? p : "default";
}

/* The config file names sections "[profile x]", except "[default]". */
static char *config_section(const ini *cfg, const char *profile)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "profile %s", profile);
	if (!strcmp(profile, "default") && !ini_has_section(cfg, sb.buf)) {
		strbuf_release(&sb);
		return xstrdup("default");
	}
	return strbuf_detach(&sb, NULL);
}

char *aws_profile_setting(const char *profile, const char *key)
{
	aws_cred_opts o = { .profile = profile };
	char *path = file_path("AWS_CONFIG_FILE", "~/.aws/config");
	ini cfg;
	char *val = NULL;
	if (ini_load(&cfg, path)) {
		char *sec = config_section(&cfg, profile_name(&o));
		const char *r = ini_get(&cfg, sec, key);
		val = r && *r ? xstrdup(r) : NULL;
		free(sec);
		ini_free(&cfg);
	}
	free(path);
	return val;
}

char *aws_region_load(const char *profile)
{
	const char *v = getenv("AWS_REGION");
	if (v && *v)
		return xstrdup(v);
	v = getenv("AWS_DEFAULT_REGION");
	if (v && *v)
		return xstrdup(v);
	return aws_profile_setting(profile, "region");
}

/* ---- credential_process ---- */

/* Split a command line like a POSIX shell would split words (quotes, backslashes), without
 * running a shell: no expansion of any kind. */
static int split_command(const char *cmd, char ***argv_out, strbuf *err)
{
	char **argv = NULL;
	size_t n = 0, alloc = 0;
	const char *p = cmd;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		strbuf w = STRBUF_INIT;
		char quote = 0;
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (quote == '\'' && *p == '\'') {
				quote = 0;
			} else if (quote == '\'') {
				strbuf_addch(&w, *p);
			} else if (*p == '\\' && p[1] && (!quote || strchr("\"\\$`", p[1]))) {
				strbuf_addch(&w, *++p);
			} else if (*p == '"') {
				quote = quote ? 0 : '"';
			} else if (*p == '\'' && !quote) {
				quote = '\'';
			} else {
				strbuf_addch(&w, *p);
			}
		}
		if (quote) {
			strbuf_release(&w);
			strbuf_addstr(err, "credential_process has an unclosed quote");
			for (size_t i = 0; i < n; i++)
				free(argv[i]);
			free(argv);
			return -1;
		}
		XGROW(argv, n + 2, alloc);
		argv[n++] = strbuf_detach(&w, NULL);
	}
	if (!n) {
		strbuf_addstr(err, "credential_process is empty");
		return -1;
	}
	argv[n] = NULL;
	*argv_out = argv;
	return 0;
}

/* Run argv without a shell; collect stdout until EOF or the timeout. */
static int run_process(char **argv, long timeout_ms, strbuf *out, strbuf *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc) {
		close(fds[0]);
		strbuf_addf(err, "cannot run '%s': %s", argv[0], strerror(rc));
		return -1;
	}
	long deadline = (long)kdx_mono_ms() + timeout_ms;
	bool timed_out = false;
	for (;;) {
		long left = deadline - (long)kdx_mono_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		int pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			timed_out = pr == 0;
			break;
		}
		char buf[4096];
		ssize_t k = read(fds[0], buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		strbuf_add(out, buf, (size_t)k);
		kdx_wipe(buf, sizeof(buf));
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		strbuf_addf(err, "'%s' did not finish within %ld ms", argv[0], timeout_ms);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		strbuf_addf(err, "'%s' failed (%s %d)", argv[0],
			    WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

static int parse_iso8601(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	if (*end == '.')
		while (*++end >= '0' && *end <= '9')
			;
	if (*end && strcmp(end, "Z") && strcmp(end, "+00:00"))
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* Parse the process's JSON output (Version 1). Messages never quote the output. */
static int parse_process_output(aws_credentials *c, const strbuf *out, strbuf *err)
{
	json_object *o = kdx_json_parse_str(out->buf, NULL);
	int rc = -1;
	if (!o || !json_object_is_type(o, json_type_object)) {
		strbuf_addstr(err, "its output is not a JSON object");
		goto out;
	}
	json_object *ver;
	if (!json_object_object_get_ex(o, "Version", &ver) || json_object_get_int(ver) != 1) {
		strbuf_addstr(err, "its output lacks \"Version\": 1");
		goto out;
	}
	const char *ak = kdx_json_str(o, "AccessKeyId"), *sk = kdx_json_str(o, "SecretAccessKey");
	const char *tok = kdx_json_str(o, "SessionToken"), *exp = kdx_json_str(o, "Expiration");
	if (!ak || !*ak || !sk || !*sk) {
		strbuf_addstr(err, "its output lacks AccessKeyId or SecretAccessKey");
		goto out;
	}
	time_t when = 0;
	if (exp && parse_iso8601(exp, &when) < 0) {
		strbuf_addf(err, "its Expiration '%s' is not an ISO 8601 UTC time", exp);
		goto out;
	}
	if (exp && when <= time(NULL)) {
		strbuf_addf(err, "the credentials it returned expired at %s", exp);
		goto out;
	}
	c->access_key_id = xstrdup(ak);
	c->secret_access_key = xstrdup(sk);
	c->session_token = tok && *tok ? xstrdup(tok) : NULL;
	c->expiration = when;
	rc = 0;
out:
	if (o)
		json_object_put(o);
	return rc;
}

static int from_process(aws_credentials *c, const char *cmd, long timeout_ms, strbuf *err)
{
	char **argv;
	if (split_command(cmd, &argv, err) < 0)
		return -1;
	strbuf out = STRBUF_INIT;
	int rc = run_process(argv, timeout_ms, &out, err);
	if (rc == 0)
		rc = parse_process_output(c, &out, err);
	kdx_wipe(out.buf, out.len);
	strbuf_release(&out);
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
	return rc;
}

/* ---- the chain ---- */

static bool from_keys(aws_credentials *c, const char *ak, const char *sk, const char *tok)
{
	if (!ak || !*ak || !sk || !*sk)
		return false;
	c->access_key_id = xstrdup(ak);
	c->secret_access_key = xstrdup(sk);
	c->session_token = tok && *tok ? xstrdup(tok) : NULL;
	return true;
}

static void set_source(aws_credentials *c, const char *fmt, const char *a, const char *b)
{
	strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, fmt, a, b);
	c->source = strbuf_detach(&sb, NULL);
}

/* Profile lookups in both files; tried collects one line per source for the error. */
static int from_profile(aws_credentials *c, const char *profile, const aws_cred_opts *o,
			const char *cred_path, const char *cfg_path, strbuf *tried, strbuf *err)
{
	ini cred, cfg;
	int rc = 1; /* 1: not found here */
	bool have_cred = ini_load(&cred, cred_path), have_cfg = ini_load(&cfg, cfg_path);
	char *sec = config_section(&cfg, profile);
	if (from_keys(c, ini_get(&cred, profile, "aws_access_key_id"),
		      ini_get(&cred, profile, "aws_secret_access_key"),
		      ini_get(&cred, profile, "aws_session_token"))) {
		set_source(c, "profile '%s' in %s", profile, cred_path);
		rc = 0;
		goto out;
	}
	strbuf_addf(tried, "\n  - shared credentials file %s: %s", cred_path,
		    !have_cred ? "not found" :
		    ini_has_section(&cred, profile) ? "profile has no aws_access_key_id/aws_secret_access_key" :
		    "no such profile");
	if (from_keys(c, ini_get(&cfg, sec, "aws_access_key_id"),
		      ini_get(&cfg, sec, "aws_secret_access_key"),
		      ini_get(&cfg, sec, "aws_session_token"))) {
		set_source(c, "profile '%s' in %s", profile, cfg_path);
		rc = 0;
		goto out;
	}
	const char *proc = ini_get(&cfg, sec, "credential_process"), *proc_path = cfg_path;
	if (!proc) {
		proc = ini_get(&cred, profile, "credential_process");
		proc_path = cred_path;
	}
	strbuf_addf(tried, "\n  - config file %s: %s", cfg_path,
		    !have_cfg ? "not found" :
		    !ini_has_section(&cfg, sec) ? "no such profile" :
		    proc ? "credential_process (below)" : "profile has no keys and no credential_process");
	if (proc) {
		strbuf perr = STRBUF_INIT;
		long t = o && o->process_timeout_ms > 0 ? o->process_timeout_ms : 30000;
		if (from_process(c, proc, t, &perr) == 0) {
			set_source(c, "credential_process of profile '%s' in %s", profile, proc_path);
			rc = 0;
		} else {
			aws_credentials_release(c);
			strbuf_addf(err, "credential_process of profile '%s' failed: %s", profile, perr.buf);
			rc = -1;
		}
		strbuf_release(&perr);
		goto out;
	}
	const char *role = ini_get(&cfg, sec, "role_arn");
	const char *sso = ini_get(&cfg, sec, "sso_start_url");
	if (!sso)
		sso = ini_get(&cfg, sec, "sso_session");
	if (role || sso)
		strbuf_addf(tried, "\n  - profile '%s' uses %s, which kdx does not support; use "
			    "credential_process (e.g. 'aws configure export-credentials --format process')",
			    profile, role ? "role_arn" : "AWS SSO");
out:
	free(sec);
	ini_free(&cred);
	ini_free(&cfg);
	return rc;
}

void aws_process_protect(void)
{
	/* no core file and no ptrace/proc access by other processes of the same user: a core
	 * or a debugger would show the secret key and token in memory. Children (Terraform)
	 * become dumpable again at execve, as the kernel does for every program. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
}

static int load_chain(aws_credentials *out, const aws_cred_opts *o, strbuf *err);

int aws_credentials_load(aws_credentials *out, const aws_cred_opts *o, strbuf *err)
{
	int rc = load_chain(out, o, err);
	if (rc == 0)
		aws_process_protect();
	return rc;
}

static int load_chain(aws_credentials *out, const aws_cred_opts *o, strbuf *err)
{
	aws_credentials_init(out);
	strbuf tried = STRBUF_INIT;
	bool explicit_profile = o && o->profile && *o->profile;
	/* As in the SDKs, naming a profile explicitly skips the environment. */
	if (!explicit_profile) {
		const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
		if (from_keys(out, ak, sk, getenv("AWS_SESSION_TOKEN"))) {
			out->source = xstrdup("environment");
			strbuf_release(&tried);
			return 0;
		}
		strbuf_addf(&tried, "\n  - environment: %s",
			    (ak && *ak) ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" :
			    (sk && *sk) ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not" :
			    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
	}
	const char *profile = profile_name(o);
	char *cred_path = file_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
	char *cfg_path = file_path("AWS_CONFIG_FILE", "~/.aws/config");
	int rc = from_profile(out, profile, o, cred_path, cfg_path, &tried, err);
	if (rc > 0) {
		strbuf_addf(err, "no AWS credentials found for profile '%s'; tried:%s\n"
			    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure the profile "
			    "(aws configure --profile %s)", profile, tried.buf, profile);
		rc = -1;
	}
	free(cred_path);
	free(cfg_path);
	strbuf_release(&tried);
	return rc;
}
