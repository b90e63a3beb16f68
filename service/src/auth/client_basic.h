/*
 * client_basic.h -- client_secret_basic (RFC 6749 §2.3.1): an API client's id and secret in
 * an "Authorization: Basic" header (RFC 7617). Each of the two is
 * application/x-www-form-urlencoded before they are joined with a colon and base64-encoded,
 * so a colon or a non-ASCII character in either survives. Pure and bounded: unit-tested
 * (tests/unit/test_client_basic.c) and fuzzed (tests/fuzz/fuzz_client_basic.c).
 */
#ifndef IDEKOM_CLIENT_BASIC_H
#define IDEKOM_CLIENT_BASIC_H

#include <stdbool.h>
#include <stddef.h>

/* The longest Authorization value read as Basic credentials; a longer one is refused. */
#define CLIENT_BASIC_MAX_HEADER 1024

/* True when the Authorization value names the Basic scheme (any case, then a space). */
bool client_basic_scheme(const char *authorization);

/*
 * Reads the client's id and secret from the Authorization value into id and secret (each
 * NUL-terminated, decoded). Returns 0, or -1 when the value is not the Basic scheme, is longer
 * than CLIENT_BASIC_MAX_HEADER, is not base64 (RFC 4648 §4, with its padding), has no colon,
 * an empty id, a bad %-escape or a NUL in either part, or a part that does not fit.
 */
int client_basic_parse(const char *authorization, char *id, size_t idlen, char *secret,
		       size_t secretlen);

#endif
