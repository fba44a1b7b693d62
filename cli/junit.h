/* junit: results as JUnit XML (the Ant/Jenkins schema every CI test view reads): one
 * <testsuite> per group of checks, one <testcase> per check, a <failure> when it failed.
 * The writer escapes every text and attribute; the document is built in memory. */
#ifndef KDX_JUNIT_H
#define KDX_JUNIT_H
#include <stdbool.h>
#include <stddef.h>

#include "../common/strbuf.h"

typedef struct kdx_junit {
	strbuf doc;          /* the suites written so far */
	strbuf cases;        /* the test cases of the open suite */
	strbuf props;        /* its properties */
	const char *suite;   /* the open suite's name (NULL: none) */
	size_t ntests, nfailures, nskipped, nsuites;
	double secs;
} kdx_junit;

void kdx_junit_init(kdx_junit *j);
void kdx_junit_release(kdx_junit *j);
/* Open a suite (the previous one is closed). name must live until the next suite. */
void kdx_junit_suite(kdx_junit *j, const char *name);
/* One test case of the open suite. failure: NULL when it passed, else a one-line message;
 * detail (may be NULL) goes into the failure element's text. */
void kdx_junit_case(kdx_junit *j, const char *classname, const char *name, double secs,
		    const char *failure, const char *detail);
/* A name = value property of the open suite (e.g. the achieved RTO). */
void kdx_junit_property(kdx_junit *j, const char *name, const char *value);
/* One test case that did not run (skipped), with the reason. */
void kdx_junit_skip(kdx_junit *j, const char *classname, const char *name, const char *why);
/* Close the open suite and append the whole document to out. */
void kdx_junit_finish(kdx_junit *j, strbuf *out);

#endif
