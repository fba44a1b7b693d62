/* junit: the JUnit XML writer (see junit.h). A suite's counts are only known at its end,
 * so its test cases are buffered and the <testsuite> element is written when it closes. */
#include "junit.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

void kdx_junit_init(kdx_junit *j)
{
	memset(j, 0, sizeof(*j));
	strbuf_init(&j->doc);
	strbuf_init(&j->cases);
	strbuf_init(&j->props);
}

void kdx_junit_release(kdx_junit *j)
{
	strbuf_release(&j->doc);
	strbuf_release(&j->cases);
	strbuf_release(&j->props);
}

/* XML 1.0 forbids most control characters even escaped: they become '?'. */
static void esc(strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&apos;"); break;
		default:
			strbuf_addch(sb, c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c);
		}
	}
}

static void close_suite(kdx_junit *j)
{
	if (!j->suite)
		return;
	char host[256] = "localhost", stamp[32];
	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = 0;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addf(&j->doc, "  <testsuite id=\"%zu\" package=\"kdx\" name=\"", j->nsuites);
	esc(&j->doc, j->suite);
	strbuf_addf(&j->doc, "\" timestamp=\"%s\" hostname=\"", stamp);
	esc(&j->doc, host);
	strbuf_addf(&j->doc, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n"
			     "    <properties>\n%s    </properties>\n",
		    j->ntests, j->nfailures, j->nskipped, j->secs, j->props.buf);
	strbuf_addstr(&j->doc, j->cases.buf);
	strbuf_addstr(&j->doc, "    <system-out/>\n    <system-err/>\n  </testsuite>\n");
	strbuf_reset(&j->cases);
	strbuf_reset(&j->props);
	j->suite = NULL;
	j->nsuites++;
}

void kdx_junit_suite(kdx_junit *j, const char *name)
{
	close_suite(j);
	j->suite = name;
	j->ntests = j->nfailures = j->nskipped = 0;
	j->secs = 0;
}

static void case_open(kdx_junit *j, const char *classname, const char *name, double secs)
{
	strbuf_addstr(&j->cases, "    <testcase classname=\"");
	esc(&j->cases, classname);
	strbuf_addstr(&j->cases, "\" name=\"");
	esc(&j->cases, name);
	strbuf_addf(&j->cases, "\" time=\"%.3f\"", secs);
	j->ntests++;
	j->secs += secs;
}

void kdx_junit_case(kdx_junit *j, const char *classname, const char *name, double secs,
		    const char *failure, const char *detail)
{
	case_open(j, classname, name, secs);
	if (!failure) {
		strbuf_addstr(&j->cases, "/>\n");
		return;
	}
	j->nfailures++;
	strbuf_addstr(&j->cases, ">\n      <failure type=\"");
	esc(&j->cases, classname);
	strbuf_addstr(&j->cases, "\" message=\"");
	esc(&j->cases, failure);
	strbuf_addstr(&j->cases, "\">");
	esc(&j->cases, detail ? detail : failure);
	strbuf_addstr(&j->cases, "</failure>\n    </testcase>\n");
}

void kdx_junit_property(kdx_junit *j, const char *name, const char *value)
{
	strbuf_addstr(&j->props, "      <property name=\"");
	esc(&j->props, name);
	strbuf_addstr(&j->props, "\" value=\"");
	esc(&j->props, value);
	strbuf_addstr(&j->props, "\"/>\n");
}

void kdx_junit_skip(kdx_junit *j, const char *classname, const char *name, const char *why)
{
	case_open(j, classname, name, 0);
	j->nskipped++;
	strbuf_addstr(&j->cases, ">\n      <skipped message=\"");
	esc(&j->cases, why);
	strbuf_addstr(&j->cases, "\"/>\n    </testcase>\n");
}

void kdx_junit_finish(kdx_junit *j, strbuf *out)
{
	close_suite(j);
	strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	strbuf_addstr(out, j->doc.buf);
	strbuf_addstr(out, "</testsuites>\n");
}
