/*
 * sign.h -- Standard Webhooks signatures: the secret "whsec_<base64>" whose decoded bytes
 * key an HMAC-SHA256 over "{id}.{timestamp}.{body}", sent as "v1,<base64>". Pure (OpenSSL's
 * libcrypto only), unit-tested against the reference library's vectors.
 */
#ifndef IDEKOM_SIGN_H
#define IDEKOM_SIGN_H

#include <stddef.h>

#define WEBHOOK_SIGNATURE_MAX 64 /* "v1," + 44 base64 characters + NUL */

/* Writes a new secret "whsec_<base64 of 24 random bytes>" into out (48 bytes). 0 or -1. */
int webhook_secret_new(char out[48]);

/*
 * Signs body for message id msg_id at unix time ts with secret ("whsec_..."), writing
 * "v1,<base64>" into out. Returns 0, or -1 when the secret is malformed.
 */
int webhook_sign(const char *secret, const char *msg_id, long long ts, const char *body,
		 size_t body_len, char out[WEBHOOK_SIGNATURE_MAX]);

#endif
