/* interrupt.h: SIGINT and SIGTERM during a run stop it as a crash at that moment would,
 * with no child left changing the world (the contract is in common/interrupt.h). */
#ifndef KDX_CLI_INTERRUPT_H
#define KDX_CLI_INTERRUPT_H

/* Block SIGINT and SIGTERM in this thread -- and so in every thread created after it --
 * and start the thread that takes them. Call before any other thread exists. On the first
 * signal that thread freezes the run, stops the child process groups (SIGINT, then after
 * KDX_INTERRUPT_GRACE_MS SIGTERM, then SIGKILL; a second signal skips ahead), says on
 * stderr what state the run is in and how to go on, and exits 128 + the signal.
 * Returns 0, or -1 if the thread cannot be started (the default dispositions stay). */
int kdx_interrupt_install(void);

#define KDX_INTERRUPT_GRACE_MS 30000

#endif
