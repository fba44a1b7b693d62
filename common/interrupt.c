/* interrupt.c: the freeze flag, the gate and the registry of child process groups. */
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

#define MAX_CHILDREN 64 /* one per running step at most; -parallelism caps it far lower in practice */

static atomic_int frozen_by;
static atomic_bool run_begun;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t children[MAX_CHILDREN];
static size_t nchildren;

int kdx_interrupt_freeze(int signo)
{
	pthread_mutex_lock(&mu);
	int expected = 0;
	atomic_compare_exchange_strong(&frozen_by, &expected, signo);
	pthread_mutex_unlock(&mu);
	return expected ? expected : signo;
}

bool kdx_interrupt_frozen(void)
{
	return atomic_load_explicit(&frozen_by, memory_order_relaxed) != 0;
}

static void wait_for_exit(void)
{
	/* The signal thread ends the process; every other thread has SIGINT and SIGTERM
	 * blocked, so pause() only returns for a signal we do not expect. */
	for (;;)
		pause();
}

void kdx_interrupt_gate(void)
{
	if (kdx_interrupt_frozen())
		wait_for_exit();
}

void kdx_interrupt_gate_record(void)
{
	kdx_interrupt_gate();
	atomic_store_explicit(&run_begun, true, memory_order_relaxed);
}

bool kdx_interrupt_run_begun(void)
{
	return atomic_load_explicit(&run_begun, memory_order_relaxed);
}

void kdx_interrupt_spawn_begin(void)
{
	pthread_mutex_lock(&mu);
	if (kdx_interrupt_frozen()) {
		pthread_mutex_unlock(&mu);
		wait_for_exit();
	}
}

void kdx_interrupt_spawn_end(pid_t pgid)
{
	/* Beyond MAX_CHILDREN a group is not registered: it is still stopped by its own
	 * supervisor's timeout, only not by the signal. */
	if (pgid > 0 && nchildren < MAX_CHILDREN)
		children[nchildren++] = pgid;
	pthread_mutex_unlock(&mu);
}

void kdx_interrupt_reaped(pid_t pgid)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nchildren; i++) {
		if (children[i] == pgid) {
			children[i] = children[--nchildren];
			break;
		}
	}
	pthread_mutex_unlock(&mu);
}

size_t kdx_interrupt_signal_children(int sig)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nchildren; i++)
		kill(-children[i], sig);
	size_t n = nchildren;
	pthread_mutex_unlock(&mu);
	return n;
}

size_t kdx_interrupt_nchildren(void)
{
	pthread_mutex_lock(&mu);
	size_t n = nchildren;
	pthread_mutex_unlock(&mu);
	return n;
}
