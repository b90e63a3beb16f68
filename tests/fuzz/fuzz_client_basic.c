/*
 * fuzz_client_basic.c -- client_secret_basic (auth/client_basic.h): the base64 bound and
 * padding, the colon split and the %-decoding of each part, on any Authorization value.
 * The input is the value itself; it is also tried behind "Basic ".
 */
#include "auth/client_basic.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *value)
{
	char id[64], secret[128];

	if (client_basic_parse(value, id, sizeof(id), secret, sizeof(secret)) == 0 &&
	    (strlen(id) >= sizeof(id) || strlen(secret) >= sizeof(secret) || !id[0]))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = malloc(size + 7);

	if (!value)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	check(value);
	memcpy(value, "Basic ", 6);
	memcpy(value + 6, data, size);
	value[size + 6] = '\0';
	check(value);
	free(value);
	return 0;
}
