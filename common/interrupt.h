/* interrupt.h: what SIGINT or SIGTERM does to a run (kdx apply, resume, rollback).
 *
 * A run stopped by a signal must leave the world and the journal as a crash at that moment
 * would, and no more: a crash is the case the journal and `kdx resume` are built and tested
 * for (steps in doubt are reconciled by reads). What a crash would not leave is a child
 * still changing the world after kdx is gone -- Terraform in its own process group carries
 * on with an apply nobody is watching, and a resume would then run a second one beside it.
 *
 * So the first signal freezes the run: from then on no journal record is written, no AWS
 * request starts and no child process is spawned (a thread that tries waits for the exit,
 * see kdx_interrupt_gate); then every child process group is stopped gracefully (SIGINT,
 * which Terraform turns into a clean stop that saves its state; SIGTERM; SIGKILL), and the
 * process exits 128 + the signal. cli/ owns the signal thread and the messages; this module
 * is the state below it: the freeze flag, the gate, and the registry of child groups.
 *
 * Thread-safe. Without kdx_interrupt_freeze() ever being called, the gate is one relaxed
 * load and the registry costs a mutex per child spawned.
 */
#ifndef KDX_COMMON_INTERRUPT_H
#define KDX_COMMON_INTERRUPT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Freeze the run (idempotent). Returns the signal given first, so a second signal can tell
 * it is the second. */
int kdx_interrupt_freeze(int signo);
bool kdx_interrupt_frozen(void);

/* Called before each journal write and each AWS request: returns at once while the run is
 * not frozen; once it is, never returns (the thread sleeps until the process exits), so
 * nothing is sent or recorded after the signal. */
void kdx_interrupt_gate(void);
/* The gate before a journal record, which also notes that a run has begun: the journal is
 * written ahead of every change, so a run stopped before its first record changed nothing. */
void kdx_interrupt_gate_record(void);
bool kdx_interrupt_run_begun(void);

/* Around spawning a child in its own process group: _begin passes the gate and holds the
 * registry, so a freeze cannot fall between the check and the spawn; _end registers the
 * group (pgid > 0; pass 0 when the spawn failed) and lets go. _reaped drops a group once
 * its leader has been waited for. */
void kdx_interrupt_spawn_begin(void);
void kdx_interrupt_spawn_end(pid_t pgid);
void kdx_interrupt_reaped(pid_t pgid);

/* Send sig to every registered child group; returns how many are registered. */
size_t kdx_interrupt_signal_children(int sig);
size_t kdx_interrupt_nchildren(void);

#endif
