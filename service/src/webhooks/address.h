/*
 * address.h -- which webhook targets are refused: loopback, private (RFC 1918, RFC 4193),
 * link-local, the rest of the IANA special-purpose registries, and IPv6 forms that carry such
 * an IPv4 address (mapped, 6to4), so that a webhook cannot be pointed at the
 * city's internal network (server-side request forgery). WEBHOOK_ALLOW_PRIVATE lifts it for
 * tests and local use.
 */
#ifndef IDEKOM_ADDRESS_H
#define IDEKOM_ADDRESS_H

#include <stdbool.h>
#include <sys/socket.h>

/* True when the socket address is one a webhook may not reach. Pure. */
bool address_is_private(const struct sockaddr *sa);

/*
 * Checks a webhook URL: http(s), a host, and (unless allow_private) a host that is not
 * "localhost" and does not resolve to a private address. Returns NULL when acceptable, or
 * a short reason for the 422.
 */
const char *webhook_url_problem(const char *url, bool allow_private);

#endif
