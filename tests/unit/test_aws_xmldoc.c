/* Unit tests for executor/aws/xmldoc: the expat-backed element tree of XML responses --
 * local names, attributes, text as libxml2's xmlNodeGetContent, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "executor/aws/xmldoc.h"

static aws_xml_status xread(kdx_arena *a, const char *xml, bool allow_dtd, aws_xml_node **root)
{
	return aws_xml_read(a, xml, strlen(xml), allow_dtd, root);
}

static void test_tree(void **state)
{
	(void)state;
	kdx_arena a;
	aws_xml_node *r;
	kdx_arena_init(&a);
	assert_int_equal(xread(&a, "<?xml version=\"1.0\"?>\n<R xmlns=\"https://x/doc/\" "
				  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
				  "<A>1 &amp; 2</A><B><C>c</C>tail<![CDATA[<x>]]></B>"
				  "<G xsi:type=\"CanonicalUser\" id=\"7\"/></R>",
			      false, &r),
			 AWS_XML_OK);
	assert_string_equal(r->name, "R");
	aws_xml_node *b = aws_xml_child(r, "B");
	assert_non_null(b);
	assert_string_equal(aws_xml_text(&a, aws_xml_child(r, "A")), "1 & 2");
	/* the content of an element is all text inside it, in document order */
	assert_string_equal(aws_xml_text(&a, b), "ctail<x>");
	assert_string_equal(aws_xml_text(&a, b->children), "c");
	aws_xml_node *g = aws_xml_child(r, "G");
	assert_string_equal(aws_xml_attr(g, "type"), "CanonicalUser"); /* local name */
	assert_string_equal(aws_xml_attr(g, "id"), "7");
	assert_null(aws_xml_attr(g, "nope"));
	assert_null(aws_xml_child(r, "Z"));
	assert_null(aws_xml_child(NULL, "Z"));
	kdx_arena_release(&a);
}

static void test_refused(void **state)
{
	(void)state;
	kdx_arena a;
	aws_xml_node *r;
	kdx_arena_init(&a);
	const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
			     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><r><m>&b;</m></r>";
	assert_int_equal(xread(&a, laughs, false, &r), AWS_XML_DTD);
	assert_null(r);
	/* allowed (error responses): the entity references are left out, not expanded */
	assert_int_equal(xread(&a, laughs, true, &r), AWS_XML_OK);
	assert_string_equal(aws_xml_text(&a, aws_xml_child(r, "m")), "");
	const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM "
			  "\"file:///etc/passwd\">]><r>&x;</r>";
	assert_int_equal(xread(&a, xxe, true, &r), AWS_XML_OK);
	assert_string_equal(aws_xml_text(&a, r), "");
	assert_int_equal(xread(&a, "", false, &r), AWS_XML_INVALID);
	assert_int_equal(xread(&a, "<a><b></a>", false, &r), AWS_XML_INVALID);
	assert_int_equal(xread(&a, "not xml", false, &r), AWS_XML_INVALID);
	/* nesting: AWS_XML_MAX_DEPTH levels are read, one more is refused */
	char deep[(AWS_XML_MAX_DEPTH + 1) * 7 + 1];
	for (int extra = 0; extra < 2; extra++) {
		size_t n = 0, levels = AWS_XML_MAX_DEPTH + (size_t)extra;
		for (size_t i = 0; i < levels; i++)
			n += (size_t)sprintf(deep + n, "<a>");
		for (size_t i = 0; i < levels; i++)
			n += (size_t)sprintf(deep + n, "</a>");
		assert_int_equal(xread(&a, deep, false, &r), extra ? AWS_XML_INVALID : AWS_XML_OK);
	}
	kdx_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
