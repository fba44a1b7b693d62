/* rules: the endpoint rule sets the AWS SDKs resolve endpoints with (Smithy's rules
 * engine: parameters, conditions, endpoint/error/tree rules, the standard functions and the
 * aws.* ones), evaluated over the rule sets built into kdx (stdlib/aws/endpoints/, packed
 * at build time like the models: model_pack.h) and botocore's partitions.json.
 * Values are kdx_values in the caller's arena; nothing here reads the environment (the
 * parameters are endpoints.c's job). */
#ifndef AWS_RULES_H
#define AWS_RULES_H
#include <stdbool.h>

#include "model_pack.h"
#include "../../common/arena.h"
#include "../../common/strbuf.h"
#include "../../common/value.h"

/* The built-in rule set of a service, by the model's service name ("cloudwatch") or its
 * endpointPrefix ("monitoring"). False when kdx has none. */
bool aws_rules_find(const char *service_or_prefix, aws_mpack *out);

typedef struct aws_rules_endpoint {
	const char *url;
	const kdx_value *properties; /* map (authSchemes...), or NULL */
	const kdx_value *headers;    /* map of lists of strings, or NULL */
} aws_rules_endpoint;

/* Evaluate RULES with PARAMS (a map, or NULL; parameters it lacks take the rule set's
 * default; values of another type than declared are refused). Returns 0 with *out, or -1
 * with err: the rule set's own error ("Invalid Configuration: FIPS and custom endpoint are
 * not supported"), a missing required parameter, or a rule set kdx cannot read. */
int aws_rules_eval(const aws_mpack *rules, const kdx_value *params, kdx_arena *a,
		   aws_rules_endpoint *out, strbuf *err);

/* A host name label (the rules' isValidHostLabel): 1-63 letters, digits or '-', not
 * first or last. */
bool aws_host_label(const char *s, size_t n);

/* aws.partition(region): {name, dnsSuffix, dualStackDnsSuffix, supportsFIPS,
 * supportsDualStack, implicitGlobalRegion}, from the partition that lists the region, else
 * whose regionRegex matches it, else "aws". */
kdx_value *aws_rules_partition(kdx_arena *a, const char *region);

#endif
