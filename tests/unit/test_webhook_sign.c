/* test_webhook_sign.c -- webhooks/sign.h: Standard Webhooks signatures and secrets. */
#include "webhooks/sign.h"

#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with padding, written here so as not to reuse the code under test. */
static void b64_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
}

/* Strict standard base64 decoding; returns the length, or -1. */
static long b64_decode(const char *in, unsigned char *out)
{
	size_t n = strlen(in), pad = 0;
	long o = 0;

	if (n == 0 || n % 4)
		return -1;
	if (in[n - 1] == '=')
		pad++;
	if (in[n - 2] == '=')
		pad++;
	for (size_t i = 0; i < n; i += 4) {
		unsigned v = 0;

		for (size_t j = 0; j < 4; j++) {
			const char *c = strchr(alphabet, in[i + j]);

			if (in[i + j] == '=' && i + j >= n - pad)
				c = alphabet;
			else if (!c || !in[i + j])
				return -1;
			v = v << 6 | (unsigned)(c - alphabet);
		}
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	return o - (long)pad;
}

/* The expected "v1,<base64>" computed independently: HMAC-SHA256 via OpenSSL's HMAC(). */
static void expected(const char *secret, const char *msg_id, long long ts, const char *body,
                     size_t body_len, char *out)
{
	unsigned char key[256];
	unsigned char msg[1024];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	long key_len;
	int n;

	cr_assert_eq(strncmp(secret, "whsec_", 6), 0);
	key_len = b64_decode(secret + 6, key);
	cr_assert_geq(key_len, 0, "test secret %s", secret);
	n = snprintf((char *)msg, sizeof(msg), "%s.%lld.", msg_id, ts);
	cr_assert(n > 0 && (size_t)n + body_len < sizeof(msg));
	memcpy(msg + n, body, body_len);
	cr_assert_not_null(
	    HMAC(EVP_sha256(), key, (int)key_len, msg, (size_t)n + body_len, mac, &mac_len));
	cr_assert_eq(mac_len, 32);
	memcpy(out, "v1,", 3);
	b64_encode(mac, mac_len, out + 3);
}

Test(webhook_sign, the_specification_example)
{
	/* the example of the Standard Webhooks specification */
	static const char body[] = "{\"test\": 2432232314}";
	char sig[WEBHOOK_SIGNATURE_MAX];
	char want[WEBHOOK_SIGNATURE_MAX];

	memset(sig, 'X', sizeof(sig));
	cr_assert_eq(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	                          "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
	                          sizeof(body) - 1, sig),
	             0);
	cr_expect_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* and the independent computation agrees with the published value */
	expected("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
	         1614265330, body, sizeof(body) - 1, want);
	cr_expect_str_eq(want, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

Test(webhook_sign, agrees_with_an_independent_computation)
{
	static const struct {
		char secret[100];
		char msg_id[40];
		long long ts;
		char body[64];
	} cases[] = {
	    /* 24-byte key, no padding */
	    {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_1", 1773338400,
	     "{\"type\":\"organisation.updated\"}"},
	    /* 32-byte key, one padding character */
	    {"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "01J8ZQ0000", 0, ""},
	    /* 31-byte key, two padding characters */
	    {"whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", "id.with.dots", -1, "{}"},
	    /* 1-byte key */
	    {"whsec_/w==", "x", 9223372036854775807LL, "åäö"},
	    /* 64-byte key */
	    {"whsec_///////////////////////////////////////////////////////////////////////////////"
	     "//////w==",
	     "m", 1, "b"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sig[WEBHOOK_SIGNATURE_MAX];
		char want[WEBHOOK_SIGNATURE_MAX];
		size_t len = strlen(cases[i].body);

		cr_expect_eq(webhook_sign(cases[i].secret, cases[i].msg_id, cases[i].ts,
		                          cases[i].body, len, sig),
		             0, "case %zu", i);
		expected(cases[i].secret, cases[i].msg_id, cases[i].ts, cases[i].body, len, want);
		cr_expect_str_eq(sig, want, "case %zu", i);
		cr_expect_eq(strlen(sig), 47, "case %zu: v1, and 44 characters", i);
	}
}

Test(webhook_sign, signs_exactly_body_len_bytes)
{
	static const char body[] = "{\"a\":1}\0trailing";
	const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	char whole[WEBHOOK_SIGNATURE_MAX], part[WEBHOOK_SIGNATURE_MAX];
	char want[WEBHOOK_SIGNATURE_MAX];

	cr_assert_eq(webhook_sign(secret, "m", 5, body, sizeof(body) - 1, whole), 0);
	expected(secret, "m", 5, body, sizeof(body) - 1, want);
	cr_expect_str_eq(whole, want, "a NUL inside the body is signed too");
	cr_assert_eq(webhook_sign(secret, "m", 5, body, 3, part), 0);
	expected(secret, "m", 5, body, 3, want);
	cr_expect_str_eq(part, want);
	cr_expect_str_neq(part, whole);
}

Test(webhook_sign, every_input_changes_the_signature)
{
	const char *secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	char base[WEBHOOK_SIGNATURE_MAX], other[WEBHOOK_SIGNATURE_MAX];

	cr_assert_eq(webhook_sign(secret, "msg_1", 1000, "{}", 2, base), 0);
	cr_assert_eq(webhook_sign(secret, "msg_2", 1000, "{}", 2, other), 0);
	cr_expect_str_neq(base, other);
	cr_assert_eq(webhook_sign(secret, "msg_1", 1001, "{}", 2, other), 0);
	cr_expect_str_neq(base, other);
	cr_assert_eq(webhook_sign(secret, "msg_1", 1000, "[]", 2, other), 0);
	cr_expect_str_neq(base, other);
	cr_assert_eq(
	    webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx", "msg_1", 1000, "{}", 2, other),
	    0);
	cr_expect_str_neq(base, other);
	cr_assert_eq(webhook_sign(secret, "msg_1", 1000, "{}", 2, other), 0);
	cr_expect_str_eq(base, other, "deterministic");
}

Test(webhook_sign, malformed_secrets_are_refused)
{
	static const struct {
		char secret[200];
	} cases[] = {
	    {""},
	    {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, /* no prefix */
	    {"whsec"},
	    {"whsec_"},
	    {"WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
	    {"whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
	    {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"},   /* 31 characters */
	    {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA"}, /* 33 */
	    {"whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw"},  /* ! is not base64 */
	    {"whsec_MfKQ9r8GKYqrTwjU D8ILPZIo2LaLaSw"},
	    {"whsec_MfKQ9r8GKYqrTwjU-D8ILPZIo2LaLaSw"}, /* base64url is not the alphabet */
	    {"whsec_MfKQ9r8GKYqrTwjU_D8ILPZIo2LaLaSw"},
	    {"whsec_\xc3\xa5\xc3\xa5"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sig[WEBHOOK_SIGNATURE_MAX] = "untouched";

		cr_expect_eq(webhook_sign(cases[i].secret, "m", 1, "{}", 2, sig), -1,
		             "case %zu: %s", i, cases[i].secret);
	}
}

Test(webhook_sign, a_key_longer_than_the_buffer_is_refused)
{
	/* 172 characters decode to 129 bytes, one more than the 128-byte key buffer */
	char secret[6 + 172 + 1];
	char sig[WEBHOOK_SIGNATURE_MAX];

	memcpy(secret, "whsec_", 6);
	memset(secret + 6, 'Q', 172);
	secret[178] = '\0';
	cr_expect_eq(webhook_sign(secret, "m", 1, "{}", 2, sig), -1);
}

Test(webhook_sign, the_longest_key_that_fits)
{
	/* 168 characters decode to 126 bytes, within the 128-byte key buffer */
	char secret[6 + 168 + 1];
	char sig[WEBHOOK_SIGNATURE_MAX], want[WEBHOOK_SIGNATURE_MAX];

	memcpy(secret, "whsec_", 6);
	memset(secret + 6, 'Q', 168);
	secret[174] = '\0';
	cr_assert_eq(webhook_sign(secret, "m", 1, "{}", 2, sig), 0);
	expected(secret, "m", 1, "{}", 2, want);
	cr_expect_str_eq(sig, want);
}

/*
 * bug: webhook_sign accepts secrets that are not valid base64, because EVP_DecodeBlock
 * decodes '=' anywhere as a zero sextet: "whsec_ab=c", "whsec_====" and "whsec_=YWJ" all
 * return 0 (sign.c, the checks before EVP_DecodeBlock). Expected -1, as for other malformed
 * secrets. Low impact: secrets are made by webhook_secret_new, never sent by clients.
 */
Test(webhook_sign, padding_in_the_middle_is_refused)
{
	static const struct {
		char secret[48];
	} cases[] = {
	    {"whsec_ab=c"},
	    {"whsec_===="},
	    {"whsec_=YWJ"},
	    {"whsec_YQ==YWJj"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sig[WEBHOOK_SIGNATURE_MAX];

		cr_expect_eq(webhook_sign(cases[i].secret, "m", 1, "{}", 2, sig), -1,
		             "case %zu: %s", i, cases[i].secret);
	}
}

Test(webhook_sign, new_secrets)
{
	char a[48], b[48];
	unsigned char raw[64];
	char sig[WEBHOOK_SIGNATURE_MAX];

	memset(a, 'X', sizeof(a));
	cr_assert_eq(webhook_secret_new(a), 0);
	cr_assert_eq(webhook_secret_new(b), 0);
	cr_expect_eq(strlen(a), 6 + 32, "%s", a);
	cr_expect_eq(strncmp(a, "whsec_", 6), 0, "%s", a);
	cr_expect_eq(strspn(a + 6, alphabet), 32, "%s: only base64 characters, no padding", a);
	cr_expect_eq(b64_decode(a + 6, raw), 24, "%s decodes to 24 bytes", a);
	cr_expect_str_neq(a, b, "two secrets differ");
	cr_expect_eq(webhook_sign(a, "m", 1, "{}", 2, sig), 0, "a new secret can sign");
}

Test(webhook_sign, new_secrets_are_all_different)
{
	char seen[64][48];

	for (int i = 0; i < 64; i++) {
		cr_assert_eq(webhook_secret_new(seen[i]), 0);
		for (int j = 0; j < i; j++)
			cr_expect_str_neq(seen[i], seen[j], "secrets %d and %d", i, j);
	}
}
