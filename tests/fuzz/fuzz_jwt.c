/*
 * fuzz_jwt.c -- JWT parsing and verification (auth/jwt.h jwt_verify_token) on any bytes, with
 * two configured keys. A forgery that verifies would need the key, so any accepted input must
 * at least name a configured kid and carry a valid principal.
 */
#include "auth/jwt.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;

static void setup(void)
{
	char err[200];

	if (config_parse_keys(&cfg, "k1:fuzz-secret-0123456789abcdefghijklmnop,"
				    "k2:fuzz-other-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123",
			      err, sizeof(err)))
		abort();
	snprintf(cfg.jwt_issuer, sizeof(cfg.jwt_issuer), "idekom");
	snprintf(cfg.jwt_audience, sizeof(cfg.jwt_audience), "idekom-api");
	cfg.access_token_ttl = 900;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *token = malloc(size + 1);
	struct principal p;
	char why[160];

	if (!ready) {
		setup();
		ready = 1;
	}
	if (!token)
		return 0;
	memcpy(token, data, size);
	token[size] = '\0';
	memset(&p, 0, sizeof(p));
	why[0] = '\0';
	if (jwt_verify_token(&cfg, token, 1700000000, &p, why, sizeof(why)) == 0) {
		if (p.kind == PRINCIPAL_ANONYMOUS || !memchr(p.id, '\0', sizeof(p.id)))
			__builtin_trap();
	} else if (why[0] == '\0') {
		__builtin_trap(); /* every refusal says why */
	}
	free(token);
	return 0;
}
