/*
 * fuzz_route.c -- route matching (http/router.h): every route's pattern against any path,
 * the captured parameters bounded, and the Allow list for the path.
 */
#include "http/router.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	char allow[128];

	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	for (const struct route *r = routes; r->method; r++) {
		char params[REQ_MAX_PARAMS][64];
		size_t count = 0;

		memset(params, 0, sizeof(params));
		if (route_match(r->pattern, path, params, &count)) {
			if (count > REQ_MAX_PARAMS)
				__builtin_trap();
			for (size_t i = 0; i < count; i++)
				if (!memchr(params[i], '\0', sizeof(params[i])))
					__builtin_trap();
		}
	}
	route_allow(path, allow, sizeof(allow));
	if (!memchr(allow, '\0', sizeof(allow)))
		__builtin_trap();
	free(path);
	return 0;
}
