/* stdlibdir: where the standard library (modules, AWS models) is: $KDX_STDLIB when set,
 * else the installed directory (PREFIX/share/kdx/stdlib, fixed at build time). No path of
 * the build tree is compiled in: a binary copied elsewhere must not quietly load modules
 * from a source checkout that may have changed since (tests and a source checkout set
 * KDX_STDLIB to its stdlib/ explicitly). */
#ifndef KDX_STDLIBDIR_H
#define KDX_STDLIBDIR_H

/* Never NULL; owned by the environment or static. */
const char *kdx_stdlib_dir(void);

#endif
