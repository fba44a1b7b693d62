/* xmldoc: an AWS XML response read with expat into a small read-only element tree. Safe
 * by construction: no entity a document declares, internal or external, is ever expanded
 * ("billion laughs", XXE) -- a document with a DTD is refused, or with allow_dtd read with
 * its entity references left out; nothing is loaded from the network or disk; nesting
 * deeper than AWS_XML_MAX_DEPTH is refused. Element and attribute names
 * are local names (namespace prefixes and URIs dropped), as libxml2 reports them.
 * aws_xml_read() allocates the whole tree in the caller's arena; it lives as long as the
 * arena. Internal to executor/aws. */
#ifndef AWS_XMLDOC_H
#define AWS_XMLDOC_H
#include <stdbool.h>
#include <stddef.h>

#include "../../common/arena.h"

#define AWS_XML_MAX_DEPTH 256

typedef struct aws_xml_node aws_xml_node;
struct aws_xml_node {
	const char *name;          /* local name */
	const char **attrs;        /* local name, value, ...; NULL-terminated */
	aws_xml_node *children;    /* element children, in document order */
	aws_xml_node *next;
	const char *text;          /* all character data inside, in document order, as */
	size_t text_len;           /* libxml2's xmlNodeGetContent; not NUL-terminated */
};

typedef enum aws_xml_status {
	AWS_XML_OK,
	AWS_XML_INVALID, /* not well-formed, empty, too deep or too large */
	AWS_XML_DTD,     /* declares a DTD: refused */
} aws_xml_status;

/* Parse TEXT; *root is the document element, or NULL when the status is not AWS_XML_OK. */
aws_xml_status aws_xml_read(kdx_arena *a, const char *text, size_t len, bool allow_dtd,
			    aws_xml_node **root);

/* The first element child named NAME, or NULL (parent may be NULL). */
aws_xml_node *aws_xml_child(const aws_xml_node *parent, const char *name);
/* An attribute's value by local name, or NULL. */
const char *aws_xml_attr(const aws_xml_node *n, const char *name);
/* The node's text, NUL-terminated, in the arena. */
char *aws_xml_text(kdx_arena *a, const aws_xml_node *n);

#endif
