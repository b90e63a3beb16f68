/* password.c -- see password.h */
#include "auth/password.h"
#include "util/text.h"

#include <argon2.h>
#include <string.h>

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	unsigned char salt[16];

	if (random_bytes(salt, sizeof(salt)))
		return -1;
	return argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM,
				     password, strlen(password), salt, sizeof(salt), 32, out,
				     PASSWORD_HASH_MAX) == ARGON2_OK
		       ? 0
		       : -1;
}

bool password_verify(const char *password, const char *encoded)
{
	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return false;
	return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

void password_verify_dummy(const char *password)
{
	/* a hash of a random value: same parameters, never matches */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$"
				    "c29tZXNhbHRzb21lc2FsdA$"
				    "Yp8XkQ0vWbqT5wQyZ8o9d0b7xq3m2zJr2f1hXw5b6sY";

	(void)argon2id_verify(dummy, password, strlen(password));
}
