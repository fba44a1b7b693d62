/* atomicfile: replace a file so that a crash leaves either the old or the new contents,
 * never a mix (plan files, approvals): temp file -> fsync -> rename -> fsync directory. */
#ifndef KDX_ATOMICFILE_H
#define KDX_ATOMICFILE_H
#include <stddef.h>
#include <sys/types.h>

#include "../common/strbuf.h"

/* Write len bytes to path with the given mode. On failure the old file is untouched, the
 * temp file is removed, err says why and -1 is returned. */
int kdx_atomic_write(const char *path, const void *data, size_t len, mode_t mode, strbuf *err);

#endif
