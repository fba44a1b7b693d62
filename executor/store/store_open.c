/* store_open: choose the implementation behind the store seam from a URL. */
#include "store_open.h"
#include "../../common/store_url.h"
#include "store_dynamodb.h"
#include "store_lease.h"
#include "store_s3.h"

#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kdx_store_open_url(const char *url, kdx_store **out, strbuf *err)
{
	kdx_store_url u;
	if (kdx_store_url_parse(&u, url, err) < 0)
		return -1;
	int rc = 0;
	switch (u.kind) {
	case KDX_STORE_FILE:
		*out = kdx_store_open_file(u.path);
		break;
	case KDX_STORE_S3:
		rc = kdx_store_open_s3(&u, out, err);
		break;
	case KDX_STORE_DYNAMODB:
		rc = kdx_store_open_dynamodb(&u, out, err);
		break;
	}
	kdx_store_url_release(&u);
	return rc;
}

int kdx_store_probe(kdx_store *s, strbuf *err)
{
	if (!strcmp(s->ops->scheme, "s3"))
		return kdx_store_s3_probe(s, err);
	if (!strcmp(s->ops->scheme, "dynamodb"))
		return kdx_store_dynamodb_probe(s, err);
	return 0;
}

int kdx_store_regions(kdx_store *s, kdx_names *out, strbuf *err)
{
	if (!strcmp(s->ops->scheme, "dynamodb"))
		return kdx_store_dynamodb_regions(s, out, err);
	return 1;
}

int kdx_store_check_owner(kdx_store *s, strbuf *err)
{
	const char *dir = kdx_store_file_dir(s);
	struct stat st;
	if (!dir || stat(dir, &st) < 0)
		return 0; /* not a file store, or not made yet: it is created 0700 */
	/* another local user who can write the journal could forge it and have kdx rollback
	 * set their chosen values with the operator's credentials */
	if (st.st_uid != geteuid()) {
		struct passwd *pw = getpwuid(st.st_uid);
		strbuf_addf(err, "state directory '%s' belongs to %s (uid %ld), not to you: another "
			    "user could forge its journals; use a directory of your own (-state-dir DIR) "
			    "or have its owner run kdx", dir, pw ? pw->pw_name : "another user",
			    (long)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		strbuf_addf(err, "state directory '%s' is writable by %s (mode %04o): anyone there "
			    "could forge its journals; run 'chmod go-w %s' (kdx makes it 0700)", dir,
			    st.st_mode & S_IWOTH ? "everyone" : "its group",
			    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

/* The S3 and DynamoDB stores begin with a kdx_remote_store. */
static kdx_remote_store *remote(kdx_store *s)
{
	return !strcmp(s->ops->scheme, "s3") || !strcmp(s->ops->scheme, "dynamodb")
		? (kdx_remote_store *)s : NULL;
}

void kdx_store_set_lease(kdx_store *s, int64_t ms)
{
	if (remote(s))
		remote(s)->lease_ms = ms;
}

void kdx_store_set_lock_timeout(kdx_store *s, int64_t ms)
{
	if (remote(s))
		remote(s)->lock_timeout_ms = ms;
	else
		kdx_store_file_set_lock_timeout(s, ms);
}

int kdx_store_prepare(kdx_store *s, strbuf *out, strbuf *err)
{
	if (!strcmp(s->ops->scheme, "s3"))
		return kdx_store_s3_init(s, out, err);
	if (!strcmp(s->ops->scheme, "dynamodb"))
		return kdx_store_dynamodb_init(s, out, err);
	strbuf_addf(err, "a %s store is not prepared with 'kdx state init'", s->ops->scheme);
	return -1;
}

int kdx_store_delete_run(kdx_store *s, const char *run_id, strbuf *err)
{
	if (!strcmp(s->ops->scheme, "s3"))
		return kdx_store_s3_delete_run(s, run_id, err);
	if (!strcmp(s->ops->scheme, "dynamodb"))
		return kdx_store_dynamodb_delete_run(s, run_id, err);
	strbuf_addf(err, "runs cannot be removed from a %s store", s->ops->scheme);
	return -1;
}
