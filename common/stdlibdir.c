/* stdlibdir: the standard library's directory (see stdlibdir.h). */
#include "stdlibdir.h"

#include <stdlib.h>

#ifndef KDX_STDLIB_DIR
#define KDX_STDLIB_DIR "/usr/local/share/kdx/stdlib"
#endif

const char *kdx_stdlib_dir(void)
{
	const char *d = getenv("KDX_STDLIB");
	return d && *d ? d : KDX_STDLIB_DIR;
}
