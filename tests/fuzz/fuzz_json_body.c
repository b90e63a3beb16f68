/*
 * fuzz_json_body.c -- the JSON body reader (http/request.h body_parse_json): strict UTF-8,
 * duplicate keys, trailing garbage and the nesting limit, on any bytes.
 */
#include "http/request.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];
	json_t *v;

	why[0] = '\0';
	v = body_parse_json((const char *)data, size, why, sizeof(why));
	/* exactly one of: a value, or a bounded reason */
	if (!v && (why[0] == '\0' || strlen(why) >= sizeof(why)))
		__builtin_trap();
	json_decref(v);
	return 0;
}
