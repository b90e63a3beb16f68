/* test_text.c -- util/text.h: depth scan, UUID syntax, base64url, UTF-8 length, randomness. */
#include "util/text.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* Writes n opening brackets then n closing ones into out (room for 2n + 1). */
static void nest(char *out, int n, char open, char close)
{
	for (int i = 0; i < n; i++)
		out[i] = open;
	for (int i = 0; i < n; i++)
		out[n + i] = close;
	out[2 * n] = '\0';
}

Test(text, json_depth_ok_counts_brackets_outside_strings)
{
	static const struct {
		char in[64];
		int max;
		bool want;
	} cases[] = {
		{"{}", 1, true},
		{"{}", 0, false},
		{"[[]]", 1, false},
		{"[[]]", 2, true},
		{"{\"a\":[1,{\"b\":2}]}", 3, true},
		{"{\"a\":[1,{\"b\":2}]}", 2, false},
		{"{\"a\":\"[[[[[[\"}", 1, true},             /* brackets inside a string */
		{"{\"a\":\"\\\"[[[[\"}", 1, true},           /* an escaped quote does not end it */
		{"{\"a\":\"\\\\\",\"b\":[[[]]]}", 3, false}, /* \\ ends, then real nesting */
		{"[][][][][]", 1, true},                     /* siblings do not add up */
		{"", 0, true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(json_depth_ok(cases[i].in, strlen(cases[i].in), cases[i].max),
		             cases[i].want, "case %zu: %s (max %d)", i, cases[i].in, cases[i].max);
}

Test(text, json_depth_ok_at_the_limit)
{
	char s[2 * (JSON_MAX_DEPTH + 1) + 1];

	nest(s, JSON_MAX_DEPTH, '[', ']');
	cr_expect(json_depth_ok(s, strlen(s), JSON_MAX_DEPTH));
	nest(s, JSON_MAX_DEPTH + 1, '{', '}');
	cr_expect_not(json_depth_ok(s, strlen(s), JSON_MAX_DEPTH));
}

Test(text, json_depth_ok_reads_only_n_bytes)
{
	/* the deep part lies beyond n */
	cr_expect(json_depth_ok("[][[[[", 2, 1));
	cr_expect_not(json_depth_ok("[][[[[", 4, 1));
}

Test(text, uuid_syntax)
{
	static const struct {
		char in[48];
		bool want;
	} cases[] = {
		{"123e4567-e89b-12d3-a456-426614174000", true},
		{"123E4567-E89B-12D3-A456-426614174000", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"123e4567-e89b-12d3-a456-42661417400", false},   /* 35 characters */
		{"123e4567-e89b-12d3-a456-4266141740000", false}, /* 37 characters */
		{"123e4567e89b-12d3-a456-4266141740000", false},  /* dash missing */
		{"123e4567-e89b-12d3-a456_426614174000", false},
		{"g23e4567-e89b-12d3-a456-426614174000", false},
		{"123e4567-e89b-12d3-a456-42661417400 ", false},
		{"{23e4567-e89b-12d3-a456-42661417400}", false},
		{"", false},
		{"-", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(uuid_syntax_ok(cases[i].in), cases[i].want, "case %zu: '%s'", i,
		             cases[i].in);
}

Test(text, base64url_known_vectors)
{
	/* RFC 4648 §10 vectors, without padding */
	static const struct {
		char plain[8];
		char enc[12];
	} cases[] = {
		{"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
		{"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char enc[16];
		unsigned char dec[16];
		long n;

		base64url_encode((const unsigned char *)cases[i].plain, strlen(cases[i].plain),
		                 enc);
		cr_expect_str_eq(enc, cases[i].enc, "encode case %zu", i);
		n = base64url_decode(cases[i].enc, strlen(cases[i].enc), dec);
		cr_expect_eq(n, (long)strlen(cases[i].plain), "decode length case %zu", i);
		cr_expect_str_eq((char *)dec, cases[i].plain, "decode case %zu", i);
	}
}

Test(text, base64url_uses_the_url_alphabet)
{
	static const unsigned char raw[] = {0xfb, 0xff, 0xbf};
	unsigned char dec[8];
	char enc[8];

	base64url_encode(raw, sizeof(raw), enc);
	cr_expect_str_eq(enc, "-_-_");
	cr_expect_eq(base64url_decode("-_-_", 4, dec), 3);
	cr_expect_eq(memcmp(dec, raw, 3), 0);
	/* the standard alphabet's + and / are not base64url */
	cr_expect_eq(base64url_decode("+/+/", 4, dec), -1);
}

Test(text, base64url_round_trips_every_length_and_byte)
{
	unsigned char raw[256], dec[256 * 3 / 4 + 200];
	char enc[4 * 86 + 1];

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(255 - i);
	for (size_t n = 0; n <= sizeof(raw); n++) {
		long got;

		base64url_encode(raw, n, enc);
		cr_assert_eq(strlen(enc), (4 * n + 2) / 3, "encoded length for %zu bytes", n);
		cr_assert_eq(strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                         "0123456789-_"),
		             strlen(enc), "alphabet for %zu bytes", n);
		got = base64url_decode(enc, strlen(enc), dec);
		cr_assert_eq(got, (long)n, "decoded length for %zu bytes", n);
		cr_assert_eq(memcmp(dec, raw, n), 0, "content for %zu bytes", n);
		cr_assert_eq(dec[n], 0, "NUL after %zu bytes", n);
	}
}

Test(text, base64url_padding_is_optional)
{
	unsigned char dec[8];

	cr_expect_eq(base64url_decode("Zg==", 4, dec), 1);
	cr_expect_eq(dec[0], 'f');
	cr_expect_eq(base64url_decode("Zm8=", 4, dec), 2);
	cr_expect_str_eq((char *)dec, "fo");
}

Test(text, base64url_refuses_invalid_input)
{
	static const struct {
		char in[16];
	} cases[] = {
		{"Z"},     /* one character cannot encode a byte */
		{"Zm9vY"}, /* 4k + 1 characters */
		{"Zm9v!"}, /* outside the alphabet */
		{"Zm 9v"}, /* white space */
		{"Zm=9v"}, /* padding in the middle */
		{"Zm9v\n"},
	};
	unsigned char dec[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(base64url_decode(cases[i].in, strlen(cases[i].in), dec), -1,
		             "case %zu: '%s'", i, cases[i].in);
}

Test(text, utf8_length_counts_code_points)
{
	static const struct {
		char in[24];
		size_t want;
	} cases[] = {
		{"", 0},
		{"abc", 3},
		{"\xc3\xa5\xc3\xa4\xc3\xb6", 3}, /* åäö */
		{"G\xc3\xb6teborg", 8},          /* Göteborg */
		{"\xe2\x82\xac", 1},             /* € */
		{"\xf0\x9f\x98\x80!", 2},        /* 😀! */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(utf8_length(cases[i].in), cases[i].want, "case %zu", i);
}

Test(text, uuid_generate_v4_format_and_version_bits)
{
	char a[37], b[37];

	for (int i = 0; i < 64; i++) {
		cr_assert_eq(uuid_generate_v4(a), 0);
		cr_assert(uuid_syntax_ok(a), "not a UUID: %s", a);
		cr_assert_eq(a[14], '4', "version nibble in %s", a);
		cr_assert(strchr("89ab", a[19]) != NULL, "variant nibble in %s", a);
		cr_assert_eq(strspn(a, "0123456789abcdef-"), 36, "lower case hex in %s", a);
	}
	cr_assert_eq(uuid_generate_v4(b), 0);
	cr_expect_str_neq(a, b);
}

Test(text, random_bytes_fills_the_buffer)
{
	unsigned char x[64], y[64];
	int zeros = 0;

	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	cr_assert_eq(random_bytes(x, sizeof(x)), 0);
	cr_assert_eq(random_bytes(y, sizeof(y)), 0);
	for (size_t i = 0; i < sizeof(x); i++)
		zeros += x[i] == 0;
	cr_expect_lt(zeros, 16, "64 random bytes with %d zeros", zeros);
	cr_expect_neq(memcmp(x, y, sizeof(x)), 0);
	cr_expect_eq(random_bytes(x, 0), 0);
}
