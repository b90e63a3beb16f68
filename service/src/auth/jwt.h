/*
 * jwt.h -- access tokens (RFC 7519), HS256 through libjwt 1.10, verified as RFC 8725 asks.
 *
 * libjwt 1.10 checks the signature and nothing else, accepts `alg: none` with an empty key,
 * and parses the token's JSON before checking the signature (docs/libraries.md, "libjwt 1.10").
 * So jwt_verify_token refuses oversized and malformed tokens and deep JSON before libjwt
 * sees them, picks the key by `kid`, requires HS256 both from libjwt and in the raw header,
 * refuses `crit`, and checks every claim itself with jansson.
 */
#ifndef IDEKOM_JWT_H
#define IDEKOM_JWT_H

#include "auth/principal.h"
#include "config.h"

#include <stddef.h>
#include <time.h>

#define JWT_MAX_TOKEN_BYTES 8192
#define JWT_LEEWAY_SECONDS 60

/*
 * Signs an access token for sub with the first configured key. role is admin, member or
 * client; scope (clients only) may be NULL. now is the issue time. Returns an owned string
 * (free it), or NULL when libjwt fails.
 */
char *jwt_issue(const struct config *cfg, const char *sub, const char *role, const char *scope,
		time_t now);

/*
 * Verifies token at time now. On success fills out (kind, id, role, scopes) and returns 0.
 * On failure returns -1 and writes a short, client-safe reason into why.
 */
int jwt_verify_token(const struct config *cfg, const char *token, time_t now,
		     struct principal *out, char *why, size_t whylen);

#endif
