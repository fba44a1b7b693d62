/* Unit tests for executor/aws/credentials: the chain over real temporary files and a real
 * credential_process script; errors name every source and never a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "executor/aws/credentials.h"

static char dir[256];
static char cred_file[300], cfg_file[300];

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kdx-cred-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cred_file, sizeof(cred_file), "%s/credentials", dir);
	snprintf(cfg_file, sizeof(cfg_file), "%s/config", dir);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_PROFILE");
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	setenv("AWS_SHARED_CREDENTIALS_FILE", cred_file, 1);
	setenv("AWS_CONFIG_FILE", cfg_file, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_environment(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	aws_credentials c;
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_credentials_load(&c, NULL, &err), 0);
	assert_string_equal(c.access_key_id, "AKIAENV");
	assert_string_equal(c.secret_access_key, "envsecret");
	assert_string_equal(c.session_token, "envtoken");
	assert_string_equal(c.source, "environment");
	aws_credentials_release(&c);
	assert_null(c.secret_access_key);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	strbuf_release(&err);
}

/* Holding credentials makes the process non-dumpable with no core file (issue #16): no
 * core dump or same-user debugger shows the secret. Runs in a child so the test process
 * itself stays as it was. */
static void test_protected_while_holding(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit big = { RLIM_INFINITY, RLIM_INFINITY };
		setrlimit(RLIMIT_CORE, &big); /* may fail unprivileged: then the soft limit */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
		setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
		aws_credentials c;
		strbuf err = STRBUF_INIT;
		int ok = aws_credentials_load(&c, NULL, &err) == 0;
		struct rlimit now;
		getrlimit(RLIMIT_CORE, &now);
		ok = ok && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 && now.rlim_cur == 0 &&
		     now.rlim_max == 0;
		aws_credentials_release(&c);
		strbuf_release(&err);
		_exit(ok ? 0 : 1);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_shared_file_profiles(void **state)
{
	(void)state;
	write_file(cred_file,
		   "# comment\n[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = defsecret\n"
		   "\n[dev]\naws_access_key_id=AKIADEV\naws_secret_access_key  =  devsecret  \n"
		   "aws_session_token = devtoken\n",
		   0600);
	write_file(cfg_file, "", 0600);
	aws_credentials c;
	strbuf err = STRBUF_INIT;
	/* A lone AWS_ACCESS_KEY_ID is not enough; the chain moves on. */
	setenv("AWS_ACCESS_KEY_ID", "AKIAHALF", 1);
	assert_int_equal(aws_credentials_load(&c, NULL, &err), 0);
	assert_string_equal(c.access_key_id, "AKIADEF");
	assert_null(c.session_token);
	aws_credentials_release(&c);
	unsetenv("AWS_ACCESS_KEY_ID");

	setenv("AWS_PROFILE", "dev", 1);
	assert_int_equal(aws_credentials_load(&c, NULL, &err), 0);
	assert_string_equal(c.access_key_id, "AKIADEV");
	assert_string_equal(c.secret_access_key, "devsecret");
	assert_string_equal(c.session_token, "devtoken");
	assert_non_null(strstr(c.source, "profile 'dev'"));
	aws_credentials_release(&c);
	unsetenv("AWS_PROFILE");

	/* An explicit profile wins over the environment, as in the SDKs. */
	setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	aws_cred_opts o = { .profile = "dev" };
	assert_int_equal(aws_credentials_load(&c, &o, &err), 0);
	assert_string_equal(c.access_key_id, "AKIADEV");
	aws_credentials_release(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	strbuf_release(&err);
}

static void test_config_file(void **state)
{
	(void)state;
	write_file(cred_file, "[other]\naws_access_key_id=X\n", 0600);
	write_file(cfg_file,
		   "[default]\nregion = eu-west-1\n[profile ops]\nregion = us-west-2\n"
		   "aws_access_key_id = AKIAOPS\naws_secret_access_key = opssecret\n"
		   "s3 =\n  max_concurrent_requests = 20\n",
		   0600);
	aws_credentials c;
	strbuf err = STRBUF_INIT;
	aws_cred_opts o = { .profile = "ops" };
	assert_int_equal(aws_credentials_load(&c, &o, &err), 0);
	assert_string_equal(c.access_key_id, "AKIAOPS");
	assert_non_null(strstr(c.source, cfg_file));
	aws_credentials_release(&c);

	char *r = aws_region_load("ops");
	assert_string_equal(r, "us-west-2");
	free(r);
	r = aws_region_load(NULL);
	assert_string_equal(r, "eu-west-1");
	free(r);
	setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
	r = aws_region_load("ops");
	assert_string_equal(r, "ap-south-1");
	free(r);
	setenv("AWS_REGION", "ca-central-1", 1);
	r = aws_region_load("ops");
	assert_string_equal(r, "ca-central-1");
	free(r);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	strbuf_release(&err);
}

static void test_credential_process(void **state)
{
	(void)state;
	char script[300], cfg[2400];
	snprintf(script, sizeof(script), "%s/creds.sh", dir);
	/* Prints what its arguments ask for, so one script covers every case. */
	write_file(script,
		   "#!/bin/sh\n"
		   "case \"$1\" in\n"
		   "ok) echo '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"procsecret\","
		   " \"SessionToken\": \"proctoken\", \"Expiration\": \"2999-01-01T00:00:00Z\"}'"
		   "; [ \"$2\" = 'two words' ] || exit 3 ;;\n"
		   "bad) echo 'SecretAccessKey=leakme not json' ;;\n"
		   "old) echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
		   " \"Expiration\": \"2001-01-01T00:00:00Z\"}' ;;\n"
		   "slow) sleep 5 ;;\n"
		   "fail) exit 4 ;;\n"
		   "esac\n",
		   0700);
	snprintf(cfg, sizeof(cfg),
		 "[profile ok]\ncredential_process = %s ok \"two words\"\n"
		 "[profile bad]\ncredential_process = %s bad\n"
		 "[profile old]\ncredential_process = %s old\n"
		 "[profile slow]\ncredential_process = %s slow\n"
		 "[profile fail]\ncredential_process = %s fail\n"
		 "[profile missing]\ncredential_process = %s/no-such-program\n",
		 script, script, script, script, script, dir);
	write_file(cfg_file, cfg, 0600);
	write_file(cred_file, "", 0600);

	aws_credentials c;
	strbuf err = STRBUF_INIT;
	aws_cred_opts o = { .profile = "ok", .process_timeout_ms = 300 };
	assert_int_equal(aws_credentials_load(&c, &o, &err), 0);
	assert_string_equal(c.access_key_id, "AKIAPROC");
	assert_string_equal(c.secret_access_key, "procsecret");
	assert_string_equal(c.session_token, "proctoken");
	assert_true(c.expiration > time(NULL));
	aws_credentials_release(&c);

	static const char *const bad[][2] = {
		{ "bad", "its output is not a JSON object" },
		{ "old", "expired at 2001-01-01T00:00:00Z" },
		{ "slow", "did not finish within 300 ms" },
		{ "fail", "failed (exit status 4)" },
		{ "missing", "no-such-program" }, /* ENOENT, or exit 127 under valgrind */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		o.profile = bad[i][0];
		time_t t0 = time(NULL);
		assert_int_equal(aws_credentials_load(&c, &o, &err), -1);
		assert_true(time(NULL) - t0 < 3);
		if (!strstr(err.buf, bad[i][1]))
			fail_msg("profile %s: '%s' not in '%s'", bad[i][0], bad[i][1], err.buf);
		assert_non_null(strstr(err.buf, "credential_process of profile"));
		assert_null(strstr(err.buf, "leakme"));
		assert_null(c.access_key_id);
	}
	strbuf_release(&err);
}

static void test_nothing_found(void **state)
{
	(void)state;
	write_file(cred_file, "[default]\naws_secret_access_key = onlysecret\n", 0600);
	unlink(cfg_file);
	setenv("AWS_SECRET_ACCESS_KEY", "envonlysecret", 1);
	aws_credentials c;
	strbuf err = STRBUF_INIT;
	assert_int_equal(aws_credentials_load(&c, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "no AWS credentials found for profile 'default'; tried:"));
	assert_non_null(strstr(err.buf, "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"));
	assert_non_null(strstr(err.buf, "profile has no aws_access_key_id/aws_secret_access_key"));
	assert_non_null(strstr(err.buf, "config file"));
	assert_non_null(strstr(err.buf, "not found"));
	assert_null(strstr(err.buf, "onlysecret"));
	assert_null(strstr(err.buf, "envonlysecret"));
	unsetenv("AWS_SECRET_ACCESS_KEY");

	write_file(cfg_file, "[profile sso]\nsso_session = corp\n", 0600);
	setenv("AWS_PROFILE", "sso", 1);
	strbuf_reset(&err);
	assert_int_equal(aws_credentials_load(&c, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "no such profile"));
	assert_non_null(strstr(err.buf, "uses AWS SSO, which kdx does not support"));
	unsetenv("AWS_PROFILE");
	strbuf_release(&err);
}

static void test_mask(void **state)
{
	(void)state;
	char *m = aws_credentials_mask("AKIAIOSFODNN7EXAMPLE");
	assert_string_equal(m, "AKIA****");
	free(m);
	m = aws_credentials_mask("ab");
	assert_string_equal(m, "****");
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protected_while_holding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_file_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credential_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_found, setup, teardown),
		cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
