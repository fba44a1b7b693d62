/* xmldoc: reading an XML response into an element tree with expat (see xmldoc.h). */
#include "xmldoc.h"
#include "../../common/strbuf.h"
#include "../../common/xalloc.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#define NS_SEP '\x01' /* never in a well-formed name or URI */

typedef struct open_elem {
	aws_xml_node *node, *last; /* the element and its last child so far */
	size_t start;              /* where its text begins in ctx.text */
} open_elem;

typedef struct ctx {
	XML_Parser p;
	kdx_arena *a;
	aws_xml_node *root;
	open_elem stack[AWS_XML_MAX_DEPTH];
	size_t depth;
	strbuf text;          /* all character data, in document order */
	aws_xml_node **nodes; /* every element, to point its text into the final buffer */
	size_t *starts, n, alloc, alloc_s;
	bool dtd, too_deep;
} ctx;

static const char *local_name(kdx_arena *a, const char *name)
{
	const char *sep = strrchr(name, NS_SEP);
	return kdx_arena_strdup(a, sep ? sep + 1 : name);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	ctx *c = ud;
	if (c->depth == AWS_XML_MAX_DEPTH) {
		c->too_deep = true;
		XML_StopParser(c->p, XML_FALSE);
		return;
	}
	aws_xml_node *n = KDX_NEW(c->a, aws_xml_node);
	size_t na = 0;
	while (atts[na])
		na++;
	n->name = local_name(c->a, name);
	n->attrs = KDX_NEWN(c->a, const char *, na + 1);
	for (size_t i = 0; i < na; i += 2) {
		n->attrs[i] = local_name(c->a, atts[i]);
		n->attrs[i + 1] = kdx_arena_strdup(c->a, atts[i + 1]);
	}
	if (c->depth) {
		open_elem *up = &c->stack[c->depth - 1];
		if (up->last)
			up->last->next = n;
		else
			up->node->children = n;
		up->last = n;
	} else {
		c->root = n;
	}
	c->stack[c->depth++] = (open_elem){ .node = n, .start = c->text.len };
	XGROW(c->nodes, c->n + 1, c->alloc);
	XGROW(c->starts, c->n + 1, c->alloc_s);
	c->nodes[c->n] = n;
	c->starts[c->n++] = c->text.len;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	ctx *c = ud;
	(void)name;
	open_elem *e = &c->stack[--c->depth];
	e->node->text_len = c->text.len - e->start;
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
	ctx *c = ud;
	if (c->depth)
		strbuf_add(&c->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	ctx *c = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	c->dtd = true;
	XML_StopParser(c->p, XML_FALSE);
}

/* Everything expat does not report elsewhere: with this handler set, references to
 * internal entities are passed here instead of being expanded, and so are dropped. */
static void XMLCALL on_other(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

aws_xml_status aws_xml_read(kdx_arena *a, const char *text, size_t len, bool allow_dtd,
			    aws_xml_node **root)
{
	*root = NULL;
	if (!len || len > (size_t)1 << 30)
		return AWS_XML_INVALID;
	ctx *c = xcalloc(1, sizeof(*c));
	c->a = a;
	strbuf_init(&c->text);
	c->p = XML_ParserCreateNS(NULL, NS_SEP);
	XML_SetUserData(c->p, c);
	XML_SetElementHandler(c->p, on_start, on_end);
	XML_SetCharacterDataHandler(c->p, on_chars);
	XML_SetDefaultHandler(c->p, on_other);
	if (!allow_dtd)
		XML_SetStartDoctypeDeclHandler(c->p, on_doctype);
	/* no external entity handler and no parameter entity parsing: nothing is loaded */
	XML_SetParamEntityParsing(c->p, XML_PARAM_ENTITY_PARSING_NEVER);
	enum XML_Status st = XML_Parse(c->p, text, (int)len, XML_TRUE);
	aws_xml_status rc = c->dtd ? AWS_XML_DTD
			    : st != XML_STATUS_OK || c->too_deep || !c->root ? AWS_XML_INVALID
			    : AWS_XML_OK;
	if (rc == AWS_XML_OK) {
		const char *all = kdx_arena_strndup(a, c->text.buf, c->text.len);
		for (size_t i = 0; i < c->n; i++)
			c->nodes[i]->text = all + c->starts[i];
		*root = c->root;
	}
	XML_ParserFree(c->p);
	strbuf_release(&c->text);
	free(c->nodes);
	free(c->starts);
	free(c);
	return rc;
}

aws_xml_node *aws_xml_child(const aws_xml_node *parent, const char *name)
{
	for (aws_xml_node *k = parent ? parent->children : NULL; k; k = k->next)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

const char *aws_xml_attr(const aws_xml_node *n, const char *name)
{
	for (size_t i = 0; n->attrs[i]; i += 2)
		if (!strcmp(n->attrs[i], name))
			return n->attrs[i + 1];
	return NULL;
}

char *aws_xml_text(kdx_arena *a, const aws_xml_node *n)
{
	return kdx_arena_strndup(a, n->text, n->text_len);
}
