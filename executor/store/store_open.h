/* store_open: a run store from its URL (common/store_url.h): file://DIR, s3://BUCKET/PREFIX,
 * dynamodb://TABLE -- the one place that knows every kind. The caller frees the store with
 * kdx_store_free(). */
#ifndef KDX_STORE_OPEN_H
#define KDX_STORE_OPEN_H
#include "../../common/strbuf.h"
#include "../store.h"

int kdx_store_open_url(const char *url, kdx_store **out, strbuf *err);
/* Before a run changes anything: can the store be read and written? (The file store
 * checks the directory's owner and mode; S3 and DynamoDB send a probe.) */
int kdx_store_probe(kdx_store *s, strbuf *err);

#endif
