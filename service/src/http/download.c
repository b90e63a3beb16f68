/* download.c -- see download.h */
#include "http/download.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Reads digits at *p into *v (no sign, no overflow). Returns false when there are none. */
static bool read_number(const char **p, size_t *v)
{
	size_t n = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s)) {
		size_t d = (size_t)(*s - '0');

		if (n > ((size_t)-1 - d) / 10)
			return false;
		n = n * 10 + d;
		s++;
	}
	*v = n;
	*p = s;
	return true;
}

enum byte_range byte_range_parse(const char *h, size_t size, size_t *first, size_t *last)
{
	size_t a = 0, b = 0;
	bool has_a, has_b;

	if (!h)
		return RANGE_WHOLE;
	while (*h == ' ')
		h++;
	if (strncmp(h, "bytes=", 6) != 0)
		return RANGE_WHOLE;
	h += 6;
	while (*h == ' ')
		h++;
	has_a = read_number(&h, &a);
	if (*h++ != '-')
		return RANGE_WHOLE;
	has_b = read_number(&h, &b);
	while (*h == ' ')
		h++;
	if (*h != '\0' || (!has_a && !has_b))
		return RANGE_WHOLE; /* several ranges, or not a range at all */
	if (!has_a) { /* the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return RANGE_PARTIAL;
	}
	if (has_b && b < a)
		return RANGE_WHOLE; /* invalid: ignored */
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = has_b && b < size ? b : size - 1;
	return RANGE_PARTIAL;
}

/* RFC 8187 attr-char: what filename* may carry unencoded */
static bool attr_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$&+-.^_`|~", c));
}

int content_disposition(const char *name, char *out, size_t outlen)
{
	size_t o;
	int n = snprintf(out, outlen, "attachment; filename=\"");

	if (n < 0 || (size_t)n >= outlen)
		return -1;
	o = (size_t)n;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		/* the quoted fallback: printable ASCII without quote and backslash */
		char c = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? (char)*s : '_';

		if ((*s & 0xC0) == 0x80)
			continue; /* one '_' per non-ASCII character, not per byte */
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	n = snprintf(out + o, outlen - o, "\"; filename*=UTF-8''");
	if (n < 0 || (size_t)n >= outlen - o)
		return -1;
	o += (size_t)n;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if (o + 4 >= outlen)
			return -1;
		if (attr_char(*s))
			out[o++] = (char)*s;
		else
			o += (size_t)snprintf(out + o, outlen - o, "%%%02X", *s);
	}
	out[o] = '\0';
	return 0;
}
