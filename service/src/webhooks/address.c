/* address.c -- see address.h */
#include "webhooks/address.h"
#include "domain/fields.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* One prefix of an address registry: the first `bits` bits of `net` (host byte order). */
struct v4_prefix {
	uint32_t net;
	int bits;
};

/*
 * The IANA IPv4 Special-Purpose Address Registry (all of it, also the entries marked
 * "globally reachable": none of them is a place a webhook consumer lives), plus multicast
 * and the reserved 240.0.0.0/4 with the broadcast address in it.
 */
static const struct v4_prefix v4_refused[] = {
	{0x00000000, 8},  /* 0.0.0.0/8 this network */
	{0x0a000000, 8},  /* 10.0.0.0/8 private */
	{0x64400000, 10}, /* 100.64.0.0/10 shared address space (CGN) */
	{0x7f000000, 8},  /* 127.0.0.0/8 loopback */
	{0xa9fe0000, 16}, /* 169.254.0.0/16 link-local (cloud metadata) */
	{0xac100000, 12}, /* 172.16.0.0/12 private */
	{0xc0000000, 24}, /* 192.0.0.0/24 IETF protocol assignments */
	{0xc0000200, 24}, /* 192.0.2.0/24 documentation */
	{0xc01fc400, 24}, /* 192.31.196.0/24 AS112-v4 */
	{0xc034c100, 24}, /* 192.52.193.0/24 AMT */
	{0xc0586300, 24}, /* 192.88.99.0/24 deprecated 6to4 relay anycast */
	{0xc0a80000, 16}, /* 192.168.0.0/16 private */
	{0xc0af3000, 24}, /* 192.175.48.0/24 AS112 direct delegation */
	{0xc6120000, 15}, /* 198.18.0.0/15 benchmarking */
	{0xc6336400, 24}, /* 198.51.100.0/24 documentation */
	{0xcb007100, 24}, /* 203.0.113.0/24 documentation */
	{0xe0000000, 4},  /* 224.0.0.0/4 multicast */
	{0xf0000000, 4},  /* 240.0.0.0/4 reserved, and 255.255.255.255 */
};

static bool v4_refused_address(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_refused) / sizeof(v4_refused[0]); i++)
		if ((a >> (32 - v4_refused[i].bits)) == (v4_refused[i].net >> (32 - v4_refused[i].bits)))
			return true;
	return false;
}

struct v6_prefix {
	unsigned char net[16];
	int bits;
};

/*
 * Inside 2000::/3 (the only global unicast space; everything outside it is refused: ::/96
 * IPv4-compatible, 64:ff9b::/96 and 64:ff9b:1::/48 NAT64, 100::/64 discard, fc00::/7,
 * fe80::/10, fec0::/10, ff00::/8, ...), the IANA IPv6 Special-Purpose Registry's entries.
 * 2002::/16 (6to4) is judged by the IPv4 address it carries.
 */
static const struct v6_prefix v6_refused[] = {
	{{0x20, 0x01, 0x00, 0x00}, 23},             /* 2001::/23 IETF protocol assignments */
	{{0x20, 0x01, 0x0d, 0xb8}, 32},             /* 2001:db8::/32 documentation */
	{{0x26, 0x20, 0x00, 0x4f, 0x80, 0x00}, 48}, /* 2620:4f:8000::/48 AS112 */
	{{0x3f, 0xff}, 20},                         /* 3fff::/20 documentation */
};

static bool v6_in(const unsigned char *a, const struct v6_prefix *p)
{
	int full = p->bits / 8, rest = p->bits % 8;

	if (memcmp(a, p->net, (size_t)full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ p->net[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static uint32_t v4_at(const unsigned char *bytes)
{
	return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
	       (uint32_t)bytes[3];
}

static bool v6_refused_address(const struct in6_addr *in)
{
	const unsigned char *a = in->s6_addr;

	if (IN6_IS_ADDR_V4MAPPED(in)) /* ::ffff:a.b.c.d is the IPv4 address itself */
		return v4_refused_address(v4_at(a + 12));
	if ((a[0] & 0xe0) != 0x20) /* outside 2000::/3 */
		return true;
	if (a[0] == 0x20 && a[1] == 0x02) /* 2002:aabb:ccdd::/48 is 6to4 of aa.bb.cc.dd */
		return v4_refused_address(v4_at(a + 2));
	for (size_t i = 0; i < sizeof(v6_refused) / sizeof(v6_refused[0]); i++)
		if (v6_in(a, &v6_refused[i]))
			return true;
	return false;
}

bool address_is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_refused_address(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return v6_refused_address(&((const struct sockaddr_in6 *)sa)->sin6_addr);
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
	return bad ? "must not point at a loopback, private or special-purpose address" : NULL;
}
