/*
 * fuzz_document_sniff.c -- the check of an uploaded document's bytes (domain/document_sniff.h)
 * on any input, hostile zips above all: it never reads outside the bytes, and what it
 * accepts is one of the types the document table accepts.
 */
#include "domain/document_sniff.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that AddressSanitizer sees any read past the end */
	unsigned char *in = malloc(size ? size : 1);
	char why[200];
	const char *type;

	if (!in)
		return 0;
	memcpy(in, data, size);
	type = document_sniff(in, size, why, sizeof(why));
	if (type && !document_type_matches(type, type))
		__builtin_trap();
	if (!type && !memchr(why, '\0', sizeof(why)))
		__builtin_trap();
	free(in);
	return 0;
}
