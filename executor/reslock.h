/* reslock: locks per resource (issue 15.2) -- besides the lock of its runbook and
 * environment, a run that changes the world holds one lock per resource it writes, named
 * after the resource's identity (the service, its region, and the attributes that name it:
 * hosted zone + record name, Auto Scaling group name, cluster identifier...), in the run's
 * store. Two runs that write the same record -- two runbooks, or one runbook with two
 * environments -- can then never run at once: the second fails naming the holder, or waits
 * with -lock-timeout. Read-only commands (plan, show) take none.
 * The caller owns kdx_reslocks (kdx_reslocks_init / kdx_reslocks_release). */
#ifndef KDX_RESLOCK_H
#define KDX_RESLOCK_H
#include <stddef.h>

#include "../common/strbuf.h"
#include "../compiler/plan.h"
#include "store.h"

typedef struct kdx_reslocks {
	kdx_lease *leases;   /* held, in lock-name order */
	char **what;         /* each lock's resource identity, for messages */
	size_t n;
} kdx_reslocks;

void kdx_reslocks_init(kdx_reslocks *rl);
/* Take the lock of every resource plan writes (do and undo), in name order so that two runs
 * waiting with -lock-timeout cannot deadlock. On failure nothing stays held and err names
 * the resource and the holder (command: what the caller says, e.g. "kdx apply of KEY (env E),
 * run RUN"; the store adds pid, host, user, AWS identity, since). */
int kdx_reslocks_take(kdx_reslocks *rl, kdx_store *s, const kdx_plan *plan, const char *command,
		      strbuf *err);
/* Give every held lock back. */
void kdx_reslocks_release(kdx_reslocks *rl, kdx_store *s);
/* The identity of resource r ("route53 global name=api.x. zone=x."), appended to sb. */
void kdx_reslock_identity(strbuf *sb, const kdx_plan *plan, const kdx_plan_resource *r);
/* The lock name of an identity: "res-" and 16 hex digits of its SHA-256 (a plain name
 * every store can use as a file, key or item name). The caller frees it. */
char *kdx_reslock_name(const char *identity);

#endif
