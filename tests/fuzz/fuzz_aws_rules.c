/* fuzz_aws_rules: libFuzzer target for the endpoint rules engine (rules.c). Byte 0 picks a
 * built-in rule set and the boolean parameters (FIPS, dual-stack, global endpoint, path
 * style); the rest, split at NUL bytes, gives Region, Endpoint, Bucket and Key. With byte 0
 * = 0xff the rest is instead a rule set of its own (JSON, packed as the build packs them)
 * evaluated with Region "us-east-1": a malformed rule set must be refused, never crash or
 * recurse without bound. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "executor/aws/rules.h"
#include "common/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sets[] = { "s3", "sts", "route53", "iam", "dynamodb", "ecr",
				    "arc-region-switch", "rds" };

static void eval(const aws_mpack *rs, const char *const *strs, uint8_t flags)
{
	kdx_arena a;
	kdx_arena_init(&a);
	static const char *const keys[] = { "Region", "Endpoint", "Bucket", "Key", "UseFIPS",
					    "UseDualStack", "UseGlobalEndpoint", "ForcePathStyle" };
	kdx_value *m = kdx_value_map(&a, 8);
	for (size_t i = 0; i < 8; i++) {
		m->u.map.keys[i] = keys[i];
		m->u.map.vals[i] = i < 4 ? (strs[i] ? kdx_value_string(&a, strs[i]) : kdx_value_null(&a))
					 : kdx_value_bool(&a, flags & (1u << (i - 4)));
	}
	aws_rules_endpoint ep;
	strbuf err = STRBUF_INIT;
	if (aws_rules_eval(rs, m, &a, &ep, &err) == 0 && !ep.url)
		abort();
	strbuf_release(&err);
	kdx_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 0xff) {
		char *text = xstrndup((const char *)data + 1, size - 1);
		json_tokener *tok = json_tokener_new_ex(64);
		json_object *root = json_tokener_parse_ex(tok, text, (int)strlen(text));
		json_tokener_free(tok);
		free(text);
		if (!root)
			return 0;
		uint32_t *w;
		char *s;
		size_t nw, ns;
		aws_mpack_build(root, &w, &nw, &s, &ns);
		json_object_put(root);
		aws_mpack rs = { w, s };
		const char *strs[4] = { "us-east-1", NULL, NULL, NULL };
		eval(&rs, strs, 0);
		free(w);
		free(s);
		return 0;
	}
	aws_mpack rs;
	if (!aws_rules_find(sets[data[0] % 8], &rs))
		abort();
	const char *strs[4] = { NULL, NULL, NULL, NULL };
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	char *pieces[4] = { NULL, NULL, NULL, NULL };
	for (int i = 0; i < 4 && p < end; i++) {
		size_t len = strnlen(p, (size_t)(end - p));
		pieces[i] = xstrndup(p, len);
		strs[i] = pieces[i];
		p += len + 1;
	}
	eval(&rs, strs, (uint8_t)(data[0] >> 3));
	for (int i = 0; i < 4; i++)
		free(pieces[i]);
	return 0;
}
