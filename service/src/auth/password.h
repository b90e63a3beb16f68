/*
 * password.h -- argon2id password hashes (RFC 9106), in the PHC string format that stores
 * the parameters with the hash, so that the cost can be raised later without a migration.
 */
#ifndef IDEKOM_PASSWORD_H
#define IDEKOM_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
#define PASSWORD_T_COST 2
#define PASSWORD_M_COST_KIB 19456
#define PASSWORD_PARALLELISM 1
#define PASSWORD_HASH_MAX 128

/* Hashes password with a fresh random salt into out ($argon2id$v=19$...). Returns 0 or -1. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);

/* True when password matches the encoded hash. Constant-time in the hash comparison. */
bool password_verify(const char *password, const char *encoded);

/*
 * Spends the same time as a real verification, for logins with an unknown e-mail, so that
 * response times do not tell which addresses have accounts.
 */
void password_verify_dummy(const char *password);

#endif
