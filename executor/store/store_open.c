/* store_open: choose the implementation behind the store seam from a URL. */
#include "store_open.h"
#include "../../common/store_url.h"
#include "store_s3.h"

#include <string.h>

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
		strbuf_addf(err, "state URL '%s': the DynamoDB store is not available in this build; "
			    "use s3://BUCKET/PREFIX or file://DIR", url);
		rc = -1;
		break;
	}
	kdx_store_url_release(&u);
	return rc;
}

int kdx_store_probe(kdx_store *s, strbuf *err)
{
	if (!strcmp(s->ops->scheme, "s3"))
		return kdx_store_s3_probe(s, err);
	return 0;
}
