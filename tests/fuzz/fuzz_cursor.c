/*
 * fuzz_cursor.c -- cursor decoding (handlers/paging.h page_cursor_decode and page_key_ok):
 * any text as a cursor of the organisations' name order. What is accepted has a key that fits
 * its buffer, is NUL-terminated, and an id of UUID form; the key checks never read past it.
 */
#include "handlers/paging.h"
#include "util/text.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	char key[PAGE_KEY_MAX];
	char id[37];

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (page_cursor_decode(in, "name", key, sizeof(key), id) == 0) {
		if (!memchr(key, '\0', sizeof(key)) || !uuid_syntax_ok(id))
			__builtin_trap();
		(void)page_key_ok(PAGE_KEY_TEXT, key);
		(void)page_key_ok(PAGE_KEY_TIME, key);
		(void)page_key_ok(PAGE_KEY_NUMBER, key);
	}
	free(in);
	return 0;
}
