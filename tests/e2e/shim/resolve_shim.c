/* An LD_PRELOAD shim for t0677: name resolution the test machine cannot otherwise give.
 * SHIM_SLOW_NAME: getaddrinfo() of that name takes 60 s (a DNS server that does not answer).
 * SHIM_TWO_NAME: that name resolves to 127.0.0.2 first, then 127.0.0.1 (IPv4), so the
 * test can black-hole the first address. Every other name goes to the real resolver. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	gai_fn real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
	const char *slow = getenv("SHIM_SLOW_NAME"), *two = getenv("SHIM_TWO_NAME");
	if (node && slow && !strcmp(node, slow)) {
		sleep(60);
		return EAI_AGAIN;
	}
	if (node && two && !strcmp(node, two)) {
		struct addrinfo h = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				      .ai_flags = AI_NUMERICHOST };
		struct addrinfo *first = NULL, *second = NULL;
		int rc = real("127.0.0.2", service, &h, &first);
		if (rc)
			return rc;
		rc = real("127.0.0.1", service, &h, &second);
		if (rc) {
			freeaddrinfo(first);
			return rc;
		}
		struct addrinfo *last = first;
		while (last->ai_next)
			last = last->ai_next;
		last->ai_next = second; /* glibc frees a chain node by node */
		*res = first;
		return 0;
	}
	return real(node, service, hints, res);
}
