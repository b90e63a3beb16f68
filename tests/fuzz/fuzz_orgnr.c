/*
 * fuzz_orgnr.c -- organisation numbers (util/orgnr.h orgnr_normalise): any text, and what is
 * accepted is ten digits with a valid Luhn check that normalises to itself.
 */
#include "util/orgnr.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	char out[12], again[12];

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (orgnr_normalise(in, out) == ORGNR_OK) {
		if (!memchr(out, '\0', sizeof(out)) || strlen(out) < 10)
			__builtin_trap();
		/* a normalised number is a fixed point */
		if (orgnr_normalise(out, again) != ORGNR_OK || strcmp(out, again) != 0)
			__builtin_trap();
	}
	(void)orgnr_message(orgnr_normalise(in, out));
	free(in);
	return 0;
}
