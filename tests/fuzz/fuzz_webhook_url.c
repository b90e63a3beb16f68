/*
 * fuzz_webhook_url.c -- the webhook URL check (webhooks/address.h) on any text, and the
 * address rule on any socket address bytes. getaddrinfo is wrapped to resolve numeric hosts
 * only, so the fuzzer never waits for DNS; every IP literal form still goes through libc's
 * parser as in the service.
 */
#include "webhooks/address.h"

#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*getaddrinfo_fn)(const char *, const char *, const struct addrinfo *,
			      struct addrinfo **);

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	static getaddrinfo_fn real;
	struct addrinfo h;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
	memset(&h, 0, sizeof(h));
	if (hints)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST;
	return real(node, service, &h, res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1);
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;

	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	(void)webhook_url_problem(url, false);
	(void)webhook_url_problem(url, true);
	free(url);
	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	memcpy(&v4.sin_addr, data, size < 4 ? size : 4);
	(void)address_is_private((const struct sockaddr *)&v4);
	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	memcpy(&v6.sin6_addr, data, size < 16 ? size : 16);
	(void)address_is_private((const struct sockaddr *)&v6);
	return 0;
}
