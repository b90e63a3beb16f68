/* test_client_basic.c -- auth/client_basic.h: client_secret_basic (RFC 6749 §2.3.1). */
#include "auth/client_basic.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const char *const b64 =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* "Basic " + standard base64 of text, with padding (what every client sends) */
static void basic_of(const char *text, char *out, size_t outlen)
{
	size_t n = strlen(text), o;

	o = (size_t)snprintf(out, outlen, "Basic ");
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)text[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (unsigned long)(unsigned char)text[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)text[i + 2];
		cr_assert_lt(o + 5, outlen);
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = left > 1 ? b64[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

Test(client_basic, reads_id_and_secret)
{
	char h[256], id[64], secret[128];

	basic_of("6f1c0c4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f:cs_abc-DEF_123", h, sizeof(h));
	cr_assert_eq(client_basic_parse(h, id, sizeof(id), secret, sizeof(secret)), 0);
	cr_expect_str_eq(id, "6f1c0c4e-1d2a-4c3b-9e8f-0a1b2c3d4e5f");
	cr_expect_str_eq(secret, "cs_abc-DEF_123");
}

Test(client_basic, percent_decodes_each_part_and_splits_at_the_first_colon)
{
	char h[256], id[64], secret[128];

	/* a colon in the secret travels encoded (%3A) or bare after the first colon */
	basic_of("my%3Aclient:se%3Acret+x:y%C3%A5", h, sizeof(h));
	cr_assert_eq(client_basic_parse(h, id, sizeof(id), secret, sizeof(secret)), 0);
	cr_expect_str_eq(id, "my:client");
	cr_expect_str_eq(secret, "se:cret x:y\xc3\xa5");
}

Test(client_basic, scheme_is_case_insensitive_and_whitespace_around_is_ignored)
{
	char h[256], id[64], secret[128];

	basic_of("a:b", h, sizeof(h));
	memcpy(h, "bAsIc", 5);
	cr_assert_eq(client_basic_parse(h, id, sizeof(id), secret, sizeof(secret)), 0);
	cr_expect(client_basic_scheme("basic x"));
	cr_expect_not(client_basic_scheme("Bearer x"));
	cr_expect_not(client_basic_scheme("Basicx"));
	cr_expect_not(client_basic_scheme(NULL));
}

Test(client_basic, refusals)
{
	char h[2048], id[64], secret[16];
	static const char *const bad[] = {
		"Bearer YTpi",      /* another scheme */
		"Basic ",           /* nothing */
		"Basic YWI6Yw",     /* "ab:c" without its padding: not a multiple of 4 */
		"Basic YTpi=",      /* bad length */
		"Basic YT=i",       /* padding inside */
		"Basic Y===",       /* three '=' */
		"Basic YTpi-Q==",   /* base64url's alphabet */
		"Basic YWJj",       /* "abc": no colon */
		"Basic OmI=",       /* ":b": an empty id */
		"Basic YSViOmM=",   /* "a%b:c": a bad escape */
		"Basic YSUwMDpj",   /* "a%00:c": an escaped NUL */
		"Basic YQA6Yw==",   /* "a\0:c": a raw NUL */
		"Basic YTpi!!==",   /* not base64 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(client_basic_parse(bad[i], id, sizeof(id), secret, sizeof(secret)), -1,
			     "accepted %s", bad[i]);
	/* a secret longer than its buffer */
	basic_of("a:0123456789abcdefXYZ", h, sizeof(h));
	cr_expect_eq(client_basic_parse(h, id, sizeof(id), secret, sizeof(secret)), -1);
	/* a header over the bound, though well formed */
	memset(secret, 0, sizeof(secret));
	{
		char text[900];

		memset(text, 'x', sizeof(text) - 1);
		text[0] = 'a';
		text[1] = ':';
		text[sizeof(text) - 1] = '\0';
		basic_of(text, h, sizeof(h));
		cr_expect_gt(strlen(h), CLIENT_BASIC_MAX_HEADER);
		cr_expect_eq(client_basic_parse(h, id, sizeof(id), secret, sizeof(secret)), -1);
	}
}
