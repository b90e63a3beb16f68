/* address.c -- see address.h */
#include "webhooks/address.h"
#include "domain/fields.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

static bool v4_private(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	       (a >> 16) == 0xa9fe /* 169.254/16 */ || (a >> 20) == 0xac1 /* 172.16/12 */ ||
	       (a >> 16) == 0xc0a8 /* 192.168/16 */ || (a >> 22) == 0x191 /* 100.64/10 */ ||
	       (a >> 28) >= 0xe /* multicast, reserved */;
}

bool address_is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_private(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			uint32_t v4;

			memcpy(&v4, &a->s6_addr[12], 4);
			return v4_private(ntohl(v4));
		}
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) ||
		       IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MULTICAST(a) ||
		       (a->s6_addr[0] & 0xfe) == 0xfc; /* fc00::/7 unique local */
	}
	return true; /* anything else is not a place to send webhooks */
}

const char *webhook_url_problem(const char *url, bool allow_private)
{
	char host[256];
	const char *p, *end;
	struct addrinfo hints, *res = NULL;
	bool bad = false;
	size_t n;

	if (!fields_url_ok(url))
		return "must be an http:// or https:// address";
	if (allow_private)
		return NULL;
	p = strstr(url, "://") + 3;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)))
		return "must not carry user information";
	if (*p == '[') { /* [IPv6]:port */
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (!close)
			return "has a malformed host";
		n = (size_t)(close - p - 1);
		p++;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		n = (size_t)((colon ? colon : end) - p);
	}
	if (n == 0 || n >= sizeof(host))
		return "has a malformed host";
	memcpy(host, p, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0 || (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0))
		return "must not point at this machine";
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return "names a host that does not resolve";
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		bad = bad || address_is_private(ai->ai_addr);
	freeaddrinfo(res);
	return bad ? "must not point at a loopback or private address" : NULL;
}
