/* credentials: the standard AWS credential chain (environment, shared credentials and
 * config files with profiles, credential_process) and the default region.
 * aws_credentials owns its strings; aws_credentials_release() zeroes the secret
 * material before freeing it. No function here ever puts a secret in a message. */
#ifndef AWS_CREDENTIALS_H
#define AWS_CREDENTIALS_H
#include <stdbool.h>
#include <time.h>

#include "../../common/strbuf.h"

typedef struct aws_credentials {
	char *access_key_id;
	char *secret_access_key; /* secret: never print, log or journal */
	char *session_token;     /* secret; NULL when there is none */
	time_t expiration;       /* 0: does not expire */
	char *source;            /* where they came from, e.g. "environment", "profile 'dev' in /root/.aws/credentials" */
} aws_credentials;

typedef struct aws_cred_opts {
	const char *profile;     /* NULL: AWS_PROFILE, then "default" */
	long process_timeout_ms; /* credential_process timeout; 0: 30 s */
} aws_cred_opts;

void aws_credentials_init(aws_credentials *c);
/* Zero the secrets, free everything, re-initialise. */
void aws_credentials_release(aws_credentials *c);
/* Copies (and, when there is a secret, protects the process as below). */
void aws_credentials_copy(aws_credentials *dst, const aws_credentials *src);
/* Make the process non-dumpable (PR_SET_DUMPABLE 0) with a core size limit of 0, for as
 * long as it lives: done whenever credentials are loaded or copied, since a core file or a
 * debugger attached by another process of the user would show them. Idempotent. */
void aws_process_protect(void);

/* Walk the chain: environment, then the profile's static keys in the shared credentials
 * file and the config file, then the profile's credential_process. On failure fills err
 * with one message that names every source tried and returns -1. On success the process
 * is protected (aws_process_protect). */
int aws_credentials_load(aws_credentials *out, const aws_cred_opts *o, strbuf *err);

/* The region: AWS_REGION, AWS_DEFAULT_REGION, then `region` in the profile's config
 * section. Returns a malloc'd string (caller frees) or NULL when none is set. */
char *aws_region_load(const char *profile);
/* A setting KEY of PROFILE's config section (AWS_CONFIG_FILE, default ~/.aws/config), e.g.
 * "use_fips_endpoint": malloc'd (caller frees), or NULL when it is not set. */
char *aws_profile_setting(const char *profile, const char *key);

/* Mask a value for display: "AKID****" style, first 4 characters kept (caller frees). */
char *aws_credentials_mask(const char *s);

#endif
