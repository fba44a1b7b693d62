/* model: the trimmed AWS API models under stdlib/aws/models/ (one JSON file per service,
 * written by trim.py from botocore; packed into kdx at build time, see model_pack.h, or
 * read with json-c from $KDX_AWS_MODELS): metadata, operations, shapes, the
 * wire protocol kdx speaks to a service, and validation of an input kdx_value against an
 * operation before anything is sent.
 * aws_model_load() returns a model the caller frees with aws_model_free(); every string and
 * aws_shape it hands out points into the model and lives as long as it does. */
#ifndef AWS_MODEL_H
#define AWS_MODEL_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/strbuf.h"
#include "../../common/value.h"

struct aws_mnode;
typedef struct aws_model aws_model;

/* Protocols kdx implements, in no particular order (the model's order decides). */
typedef enum aws_protocol {
	AWS_PROTO_NONE,
	AWS_PROTO_QUERY,
	AWS_PROTO_EC2,
	AWS_PROTO_REST_XML,
	AWS_PROTO_JSON,
	AWS_PROTO_REST_JSON,
} aws_protocol;

typedef enum aws_stype {
	AWS_T_NONE,
	AWS_T_STRUCTURE,
	AWS_T_LIST,
	AWS_T_MAP,
	AWS_T_STRING,
	AWS_T_INTEGER,
	AWS_T_LONG,
	AWS_T_FLOAT,
	AWS_T_DOUBLE,
	AWS_T_BOOLEAN,
	AWS_T_TIMESTAMP,
	AWS_T_BLOB,
	AWS_T_DOCUMENT, /* a structure with "document": true: any JSON value */
} aws_stype;

/* A shape as one reference sees it: the shape definition with the referencing member's
 * traits (locationName, location, flattened, xmlNamespace, timestampFormat, ...) taking
 * precedence, the way botocore resolves them. type == AWS_T_NONE means "no shape". */
typedef struct aws_shape {
	const aws_model *model;
	const char *name;            /* shape name, e.g. "ChangeBatch" */
	const struct aws_mnode *def; /* the shape definition (packed, model_pack.h) */
	const struct aws_mnode *ref; /* the reference (member, list member, input...), or NULL */
	aws_stype type;
} aws_shape;

typedef struct aws_operation {
	const char *name;
	const char *method;          /* "POST" when the model says nothing */
	const char *request_uri;     /* "/" when the model says nothing */
	aws_shape input, output;     /* type AWS_T_NONE when the operation has none */
	bool checksum_required;      /* httpChecksum.requestChecksumRequired (S3 DeleteObjects...) */
	const char *checksum_member; /* input member naming the algorithm, or NULL */
	const char *host_prefix;     /* the endpoint trait's hostPrefix ("{AccountId}."), or NULL */
} aws_operation;

/* Load the model of SERVICE ("route53", "cloudwatch"; "monitoring" is an alias) from the
 * first place that has it: a directory in $KDX_AWS_MODELS (colon-separated), the models
 * built into kdx (no parsing: a few microseconds), the installed stdlib, the source tree's
 * stdlib. On failure fills err (with a suggestion for a misspelt service) and returns -1. */
int aws_model_load(const char *service, aws_model **out, strbuf *err);
int aws_model_load_file(const char *path, const char *service, aws_model **out, strbuf *err);
void aws_model_free(aws_model *m);

/* Models loaded once per run: the cache owns them; aws_model_cache_release() frees them
 * all. Not thread-safe; a model is read-only once loaded and may be used from any thread. */
typedef struct aws_model_cache {
	aws_model **models;
	size_t n, alloc;
} aws_model_cache;
void aws_model_cache_init(aws_model_cache *c);
void aws_model_cache_release(aws_model_cache *c);
/* The model of SERVICE, loaded on first use; NULL with err filled when there is none. */
const aws_model *aws_model_cache_get(aws_model_cache *c, const char *service, strbuf *err);

const char *aws_model_service(const aws_model *m);     /* the name it was loaded as */
aws_protocol aws_model_protocol(const aws_model *m);   /* first protocol kdx implements */
const char *aws_protocol_name(aws_protocol p);
/* A string from the model's metadata ("apiVersion", "targetPrefix", ...), or NULL. */
const char *aws_model_meta(const aws_model *m, const char *key);
/* True when the metadata has KEY at all (e.g. "awsQueryCompatible", an object). */
bool aws_model_meta_has(const aws_model *m, const char *key);
/* The SigV4 signing name: metadata.signingName, else endpointPrefix. */
const char *aws_model_signing_name(const aws_model *m);

/* Look up an operation; on failure fills err ("unknown operation ... did you mean") and
 * returns -1. An operation that streams events (its input or output has an eventstream
 * member) is refused too: kdx does not implement event streams. */
int aws_model_operation(const aws_model *m, const char *name, aws_operation *op, strbuf *err);
/* The error shape for an error CODE: the exception shape of that name, else the one whose
 * query error code ("error": {"code": ...}) it is; type AWS_T_NONE when there is none. */
aws_shape aws_model_error_shape(const aws_model *m, const char *code);
/* Shape by name (no reference traits); type AWS_T_NONE when absent. */
aws_shape aws_model_shape(const aws_model *m, const char *name);
/* What make(s) works out from shape s of m -- a protocol's layout of a structure, say --
 * made once per (s's definition, make) and kept with m, which frees it (free()) with itself;
 * NULL for a shape the model does not have (type AWS_T_NONE).
 * A protocol reading every answer looks its layouts up here instead of the model's traits
 * each time. make may read s's definition only (not its reference's traits): one value
 * serves every reference to it. Safe from several threads at once (kdx plan's readers
 * share the models); make runs under the model's lock and must not call this again. */
void *aws_model_memo(const aws_model *m, const aws_shape *s, void *(*make)(const aws_shape *s));

/* Shape accessors. Traits are looked up on the reference first, then the definition. */
const char *aws_shape_trait(const aws_shape *s, const char *key);  /* string trait or NULL */
bool aws_shape_flag(const aws_shape *s, const char *key);          /* boolean trait */
const char *aws_shape_xml_namespace(const aws_shape *s);           /* xmlNamespace uri or NULL */
const char *aws_shape_xml_ns_prefix(const aws_shape *s);           /* xmlNamespace prefix or NULL */
size_t aws_shape_nmembers(const aws_shape *s);
/* The i-th member of a structure, in model order; returns its name. */
const char *aws_shape_member_at(const aws_shape *s, size_t i, aws_shape *out);
/* Iterate a structure's members in model order (O(1) a step):
 *   aws_member_iter it = aws_shape_members(&s);
 *   while (aws_member_next(&it, &name, &m)) ... */
typedef struct aws_member_iter {
	const aws_model *model;
	const struct aws_mnode *obj; /* the members object */
	size_t i, n;
} aws_member_iter;
aws_member_iter aws_shape_members(const aws_shape *s);
bool aws_member_next(aws_member_iter *it, const char **name, aws_shape *out);
/* Member by name; false when the structure has no such member. */
bool aws_shape_member(const aws_shape *s, const char *name, aws_shape *out);
bool aws_shape_is_required(const aws_shape *s, const char *member);
aws_shape aws_shape_list_member(const aws_shape *s);
aws_shape aws_shape_map_key(const aws_shape *s);
aws_shape aws_shape_map_value(const aws_shape *s);
/* The name a member goes by on the wire: locationName, else the member name. */
const char *aws_shape_wire_name(const aws_shape *s, const char *member_name);
/* The definition's enum values: how many, and the i-th (i < n). */
size_t aws_shape_nenum(const aws_shape *s);
const char *aws_shape_enum_at(const aws_shape *s, size_t i);
/* A number in the definition (min, max); false when absent. */
bool aws_shape_number(const aws_shape *s, const char *key, double *out);

/* Check INPUT (a map, or NULL for none) against the operation's input shape: unknown
 * members (with "did you mean"), missing required members, value types and enum values.
 * Returns 0, or -1 with one line per problem in err. */
int aws_model_validate(const aws_model *m, const char *operation, const kdx_value *input,
		       strbuf *err);
/* The same for the compiler, which checks `call aws "svc" "Op" { ... }` before the values
 * are known: with unknown_nulls, a null value stands for "known only at run time" and
 * satisfies a required member (its type is not checked). */
int aws_model_check(const aws_model *m, const char *operation, const kdx_value *input,
		    bool unknown_nulls, strbuf *err);

/* The fix-ups every SDK makes to an input before checking it: Route 53 returns ids as
 * "/hostedzone/Z123" and "/change/C1" but wants "Z123" and "C1" back (ResourceId,
 * DelegationSetId, ChangeId members). Returns v, or a copy allocated in a. */
const kdx_value *aws_model_fix_input(const aws_model *m, const aws_shape *in, kdx_arena *a,
				     const kdx_value *v);

#endif
