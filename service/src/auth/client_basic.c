/* client_basic.c -- see client_basic.h */
#include "auth/client_basic.h"
#include "http/request.h"
#include "util/text.h"

#include <string.h>
#include <strings.h>

bool client_basic_scheme(const char *authorization)
{
	return authorization && strncasecmp(authorization, "Basic ", 6) == 0;
}

/*
 * Standard base64 (RFC 4648 §4) as base64url_decode reads it: the length a multiple of 4, at
 * most two '=' and only at the end, and none of base64url's own '-' and '_'. out has room
 * for 3 * n / 4 + 1 bytes. Returns the decoded length or -1.
 */
static long base64_decode_strict(const char *in, size_t n, unsigned char *out)
{
	char url[CLIENT_BASIC_MAX_HEADER];
	size_t data = n;

	if (n == 0 || n % 4 != 0 || n > sizeof(url))
		return -1;
	while (data > 0 && n - data < 2 && in[data - 1] == '=')
		data--;
	for (size_t i = 0; i < data; i++) {
		char c = in[i];

		if (c == '-' || c == '_' || c == '=')
			return -1;
		url[i] = c == '+' ? '-' : c == '/' ? '_' : c;
	}
	return base64url_decode(url, data, out);
}

int client_basic_parse(const char *authorization, char *id, size_t idlen, char *secret,
		       size_t secretlen)
{
	unsigned char raw[CLIENT_BASIC_MAX_HEADER];
	const char *b64;
	const char *colon;
	size_t n;
	long len;

	if (!client_basic_scheme(authorization) || idlen == 0 || secretlen == 0)
		return -1;
	if (strnlen(authorization, CLIENT_BASIC_MAX_HEADER + 1) > CLIENT_BASIC_MAX_HEADER)
		return -1;
	b64 = authorization + 6;
	while (*b64 == ' ')
		b64++;
	n = strlen(b64);
	while (n > 0 && b64[n - 1] == ' ')
		n--;
	len = base64_decode_strict(b64, n, raw);
	if (len < 0)
		return -1;
	/* RFC 7617: user-id and password split at the first colon; the id has none (encoded) */
	colon = memchr(raw, ':', (size_t)len);
	if (!colon || colon == (const char *)raw || memchr(raw, '\0', (size_t)len))
		return -1;
	if (form_decode((const char *)raw, (size_t)(colon - (const char *)raw), id, idlen) ||
	    form_decode(colon + 1, (size_t)((const char *)raw + len - colon - 1), secret,
			secretlen))
		return -1;
	return id[0] ? 0 : -1;
}
