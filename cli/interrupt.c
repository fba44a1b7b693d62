/* interrupt.c: the thread that takes SIGINT and SIGTERM during apply, resume and rollback. */
#include "interrupt.h"

#include "../common/interrupt.h"
#include "../common/monotime.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sigset_t handled;

/* Wait up to ms for the children to be reaped by their supervisors, or for a second
 * signal (which asks to hurry). */
static void wait_children(long ms)
{
	long long until = kdx_mono_ms() + ms;
	while (kdx_interrupt_nchildren() && kdx_mono_ms() < until) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		if (sigtimedwait(&handled, NULL, &tick) > 0) {
			fprintf(stderr, "kdx: second signal: not waiting for the grace period\n");
			return;
		}
	}
}

static void *signal_thread(void *arg)
{
	(void)arg;
	int sig = 0;
	while (sigwait(&handled, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	kdx_interrupt_freeze(sig);
	const char *name = sig == SIGINT ? "SIGINT" : "SIGTERM";
	size_t n = kdx_interrupt_signal_children(SIGINT);
	if (n)
		fprintf(stderr, "kdx: %s: stopping; nothing more is sent or journalled; asked %zu "
			"child process%s (Terraform, core.exec) to stop (SIGINT)\n", name, n,
			n == 1 ? "" : "es");
	else
		fprintf(stderr, "kdx: %s: stopping; nothing more is sent or journalled\n", name);
	/* Each stage ends when the children are reaped, at its deadline, or at a second
	 * signal; a stage with no child left sends nothing. */
	if (n) {
		wait_children(KDX_INTERRUPT_GRACE_MS);
		if (kdx_interrupt_signal_children(SIGTERM)) {
			fprintf(stderr, "kdx: sent SIGTERM to the child processes still running\n");
			wait_children(KDX_INTERRUPT_GRACE_MS / 3);
		}
		if (kdx_interrupt_signal_children(SIGKILL)) {
			fprintf(stderr, "kdx: sent SIGKILL to the child processes still running\n");
			wait_children(5000);
		}
	}
	if (kdx_interrupt_run_begun())
		fprintf(stderr, "kdx: the run stopped where the signal found it: its journal holds "
			"what was done or started. 'kdx resume' checks the steps in doubt against "
			"live state and goes on; 'kdx rollback' undoes the run\n");
	else
		fprintf(stderr, "kdx: stopped before the run began: no journal was written and "
			"nothing was changed\n");
	fflush(stderr);
	_exit(128 + sig);
}

int kdx_interrupt_install(void)
{
	sigemptyset(&handled);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGTERM);
	sigset_t old;
	if (pthread_sigmask(SIG_BLOCK, &handled, &old) != 0)
		return -1;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &attr, signal_thread, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	return 0;
}
