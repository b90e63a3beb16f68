/*
 * fuzz_form.c -- query and form decoding (http/request.h form_field): %-escapes, '+', NULs,
 * repeated and empty names, values longer than the buffer. The input is "name\0text".
 */
#include "http/request.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"limit", "cursor", "q", "grant_type", "a", ""};
	char *text = malloc(size + 1);
	char out[64];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int rc = form_field(text, names[i], out, sizeof(out));

		if (rc < -1 || rc > 1 || (rc == 1 && strlen(out) >= sizeof(out)))
			__builtin_trap();
	}
	/* the first NUL-terminated piece as a name against the rest as the text */
	if (memchr(data, '\0', size)) {
		size_t n = strlen((const char *)data);
		char small[4];

		(void)form_field(text + n + 1 <= text + size ? text + n + 1 : text, text, small,
				 sizeof(small));
	}
	free(text);
	return 0;
}
