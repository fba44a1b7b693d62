/* model_pack: the packed form of a trimmed AWS model, read in place with no parsing. The
 * model's JSON becomes a read-only tree of 8-byte nodes in one array of 32-bit words plus
 * one pool of NUL-terminated strings (deduplicated); objects keep their keys in model order
 * and add a sorted index for binary search; each shape definition carries its aws_stype.
 * The models under stdlib/aws/models/ are packed at build time by
 * stdlib/aws/models/modelpack.c into C arrays linked into kdx (aws_mpack_builtins); a JSON
 * model found at run time ($KDX_AWS_MODELS) is packed by aws_mpack_build() when loaded.
 * Internal to executor/aws (model.c, model_check.c) and the build tool. */
#ifndef AWS_MODEL_PACK_H
#define AWS_MODEL_PACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/strbuf.h"

struct json_object;

/* A node: kind in the low 8 bits of tag, an auxiliary value above (for a shape definition:
 * its aws_stype + 1). val: a bool's 0/1; for a string the pool offset; for a number the
 * word index of its double; for an array the word index of [n, n nodes]; for an object the
 * word index of [n, n x (key offset, tag, val), n sorted entry indices]. */
typedef struct aws_mnode {
	uint32_t tag, val;
} aws_mnode;

enum aws_mkind { AWS_MN_NULL, AWS_MN_BOOL, AWS_MN_NUMBER, AWS_MN_STRING, AWS_MN_ARRAY, AWS_MN_OBJECT };

/* A packed document; words[0..1] is the root node. Points into storage it does not own. */
typedef struct aws_mpack {
	const uint32_t *words;
	const char *strs;
} aws_mpack;

/* The models linked into kdx (generated at build time), sorted by service name. */
typedef struct aws_mpack_builtin {
	const char *service;
	const uint32_t *words;
	const char *strs;
} aws_mpack_builtin;
extern const aws_mpack_builtin aws_mpack_builtins[];
extern const size_t aws_mpack_nbuiltins;
/* The endpoint rule sets (stdlib/aws/endpoints/SERVICE.json) and "partitions", packed the
 * same way, sorted by name (rules.h). */
extern const aws_mpack_builtin aws_mpack_rulesets[];
extern const size_t aws_mpack_nrulesets;

/* Pack a parsed JSON document; *words and *strs are malloc'd, the caller frees them. */
void aws_mpack_build(struct json_object *root, uint32_t **words, size_t *nwords, char **strs,
		     size_t *nstrs);

static inline const aws_mnode *aws_mpack_root(const aws_mpack *p)
{
	return (const aws_mnode *)(const void *)p->words;
}
static inline unsigned aws_mnode_kind(const aws_mnode *n) { return n ? n->tag & 0xff : AWS_MN_NULL; }
static inline uint32_t aws_mnode_aux(const aws_mnode *n) { return n->tag >> 8; }

/* Every shape of a packed model has a type kdx implements (aws_stype) and every reference
 * names a shape the model defines; else -1 with err saying which. Run when a model is
 * loaded from a file and on the built-in models when they are packed, so that no call
 * meets a shape kdx cannot read (and no member silently takes another's value). */
int aws_mpack_check_model(const aws_mpack *p, strbuf *err);

/* Object member KEY, or NULL (also when n is not an object). */
const aws_mnode *aws_mnode_get(const aws_mpack *p, const aws_mnode *n, const char *key);
/* Elements of an array or members of an object; 0 for anything else. */
size_t aws_mnode_len(const aws_mpack *p, const aws_mnode *n);
/* The i-th element of an array (i < len); NULL when n is not an array. */
const aws_mnode *aws_mnode_at(const aws_mpack *p, const aws_mnode *n, size_t i);
/* The i-th member of an object in model order (i < len): its key, its value in *val. */
const char *aws_mnode_member(const aws_mpack *p, const aws_mnode *n, size_t i,
			     const aws_mnode **val);
/* A string's text, or NULL when n is not a string. */
const char *aws_mnode_str(const aws_mpack *p, const aws_mnode *n);
/* json-c's truthiness: a bool's value, a non-zero number, a non-empty string. */
bool aws_mnode_bool(const aws_mpack *p, const aws_mnode *n);
/* A number (bools 0/1, strings by strtod, anything else 0), as json_object_get_double. */
double aws_mnode_num(const aws_mpack *p, const aws_mnode *n);

#endif
