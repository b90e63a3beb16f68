/*
 * test_jwt_forged.c -- auth/jwt.h against tokens written byte by byte: headers libjwt will
 * not produce (alg none/RS256/hs256 with a valid HMAC, duplicate claims, deep nesting).
 * The HMAC-SHA256 (FIPS 180-4, RFC 2104) lives here so the test needs no libcrypto; a test
 * below checks it against RFC 4231 and against libjwt's own signatures.
 */
#include "auth/jwt.h"
#include "util/text.h"

#include <criterion/criterion.h>
#include <jwt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW     ((time_t)1700000000)
#define ISS     "https://idekom.test"
#define AUD     "idekom-api-test"
#define SUB     "123e4567-e89b-42d3-a456-426614174000"
#define SECRET1 "first-secret-0123456789abcdefghijklmnop"
#define SECRET2 "second-secret-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define CLAIMS                                                                                     \
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB "\",\"iat\":1700000000,"         \
	"\"nbf\":1700000000,\"exp\":1700000900,\"role\":\"member\"}"

/* ---- SHA-256 and HMAC-SHA256, one-shot ---- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, h, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		              ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		              ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += v[i];
}

static void sha256(const unsigned char *data, size_t n, unsigned char out[32])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	unsigned char tail[128] = {0};
	size_t full = n / 64 * 64, rest = n - full, tail_len = rest + 9 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;

	for (size_t i = 0; i < full; i += 64)
		sha256_block(h, data + i);
	memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	for (int i = 0; i < 8; i++)
		tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tail_len; i += 64)
		sha256_block(h, tail + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

static void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t n,
                        unsigned char out[32])
{
	unsigned char k[64] = {0}, outer[64 + 32];
	unsigned char *inner = malloc(64 + n);

	cr_assert_not_null(inner);
	if (key_len > 64)
		sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);
	for (int i = 0; i < 64; i++) {
		inner[i] = k[i] ^ 0x36;
		outer[i] = k[i] ^ 0x5c;
	}
	memcpy(inner + 64, msg, n);
	sha256(inner, 64 + n, outer + 64);
	sha256(outer, sizeof(outer), out);
	free(inner);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* ---- forging ---- */

/* Returns an owned token b64(header).b64(payload).b64(HMAC-SHA256(secret)). */
static char *forge(const char *header, const char *payload, const char *secret)
{
	size_t hl = strlen(header), pl = strlen(payload);
	char *tok = malloc(4 * (hl + pl) / 3 + 64);
	unsigned char mac[32];
	size_t o;

	cr_assert_not_null(tok);
	base64url_encode((const unsigned char *)header, hl, tok);
	o = strlen(tok);
	tok[o++] = '.';
	base64url_encode((const unsigned char *)payload, pl, tok + o);
	o += strlen(tok + o);
	hmac_sha256(secret, strlen(secret), tok, o, mac);
	tok[o++] = '.';
	base64url_encode(mac, sizeof(mac), tok + o);
	return tok;
}

static struct config cfg;

static void setup(void)
{
	char err[200] = "";

	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(config_parse_keys(&cfg, "k1:" SECRET1 ",k2:" SECRET2, err, sizeof(err)), 0,
	             "%s", err);
	snprintf(cfg.jwt_issuer, sizeof(cfg.jwt_issuer), "%s", ISS);
	snprintf(cfg.jwt_audience, sizeof(cfg.jwt_audience), "%s", AUD);
	cfg.access_token_ttl = 900;
}

TestSuite(forged, .init = setup);

static int verify(char *tok, char *why, size_t whylen)
{
	struct principal p;
	int rc = jwt_verify_token(&cfg, tok, NOW, &p, why, whylen);

	free(tok);
	return rc;
}

Test(forged, hmac_matches_rfc_4231_and_fips_vectors)
{
	unsigned char mac[32];
	char h[65];

	sha256((const unsigned char *)"abc", 3, mac);
	hex(mac, 32, h);
	cr_expect_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the length needs a second padding block */
	sha256((const unsigned char *)"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	       56, mac);
	hex(mac, 32, h);
	cr_expect_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* RFC 4231 test case 2 */
	hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex(mac, 32, h);
	cr_expect_str_eq(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Test(forged, hmac_matches_libjwt)
{
	jwt_t *j = NULL;
	char *tok, sig[64];
	unsigned char mac[32];

	cr_assert_eq(jwt_new(&j), 0);
	cr_assert_eq(
	    jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)SECRET1, (int)strlen(SECRET1)), 0);
	cr_assert_eq(jwt_add_grants_json(j, CLAIMS), 0);
	tok = jwt_encode_str(j);
	jwt_free(j);
	cr_assert_not_null(tok);
	hmac_sha256(SECRET1, strlen(SECRET1), tok, (size_t)(strrchr(tok, '.') - tok), mac);
	base64url_encode(mac, sizeof(mac), sig);
	cr_expect_str_eq(strrchr(tok, '.') + 1, sig);
	free(tok);
}

Test(forged, a_correct_forgery_is_accepted)
{
	/* the control: everything right, so the refusals below are about the one change */
	char why[160] = "";

	cr_expect_eq(
	    verify(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}", CLAIMS, SECRET1),
	           why, sizeof(why)),
		0, "%s", why);
	cr_expect_eq(
	    verify(forge("{\"alg\":\"HS256\",\"kid\":\"k2\"}", CLAIMS, SECRET2), why, sizeof(why)),
		0, "%s", why);
}

Test(forged, other_alg_values_with_a_valid_mac_are_refused)
{
	static const struct {
		char header[64];
	} cases[] = {
		{"{\"alg\":\"none\",\"kid\":\"k1\"}"},    {"{\"alg\":\"None\",\"kid\":\"k1\"}"},
		{"{\"alg\":\"RS256\",\"kid\":\"k1\"}"},   {"{\"alg\":\"ES256\",\"kid\":\"k1\"}"},
		{"{\"alg\":\"hs256\",\"kid\":\"k1\"}"},   {"{\"alg\":\"HS256 \",\"kid\":\"k1\"}"},
		{"{\"alg\":\"HS384\",\"kid\":\"k1\"}"},   {"{\"alg\":null,\"kid\":\"k1\"}"},
		{"{\"alg\":[\"HS256\"],\"kid\":\"k1\"}"}, {"{\"kid\":\"k1\"}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[160] = "";

		cr_expect_eq(verify(forge(cases[i].header, CLAIMS, SECRET1), why, sizeof(why)), -1,
		             "case %zu: %s", i, cases[i].header);
		cr_expect_not_null(strstr(why, "HS256"), "case %zu: %s", i, why);
	}
}

Test(forged, alg_none_with_an_empty_signature_is_refused)
{
	char why[160] = "";
	char *tok = forge("{\"alg\":\"none\",\"kid\":\"k1\"}", CLAIMS, SECRET1);

	strrchr(tok, '.')[1] = '\0';
	cr_expect_eq(verify(tok, why, sizeof(why)), -1);
}

Test(forged, duplicate_names_are_refused)
{
	char why[160] = "";

	/* libjwt alone would let the last role win */
	cr_expect_eq(verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"}",
	                          "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"" SUB
	                          "\",\"exp\":1700000900,\"role\":\"member\",\"role\":\"admin\"}",
	                          SECRET1),
	                    why, sizeof(why)),
	             -1, "duplicate role");
	cr_expect_eq(
	    verify(forge("{\"alg\":\"HS256\",\"kid\":\"k2\",\"kid\":\"k1\"}", CLAIMS, SECRET1), why,
	           sizeof(why)),
	    -1, "duplicate kid");
	cr_expect_eq(
	    verify(forge("{\"alg\":\"none\",\"alg\":\"HS256\",\"kid\":\"k1\"}", CLAIMS, SECRET1),
	           why, sizeof(why)),
	    -1, "duplicate alg");
}

Test(forged, deeply_nested_header_is_refused_before_parsing)
{
	/* 2000 levels: enough to overflow a 100 KB worker stack in jansson (docs/libraries.md, "Jansson") */
	size_t depth = 2000, o = 0;
	char *header = malloc(2 * depth + 64);
	char why[160] = "";
	char *tok;

	cr_assert_not_null(header);
	o += (size_t)sprintf(header, "{\"alg\":\"HS256\",\"kid\":\"k1\",\"x\":");
	memset(header + o, '[', depth);
	o += depth;
	memset(header + o, ']', depth);
	o += depth;
	strcpy(header + o, "}");
	tok = forge(header, CLAIMS, SECRET1);
	free(header);
	cr_assert_leq(strlen(tok), JWT_MAX_TOKEN_BYTES, "refused for depth, not size");
	cr_expect_eq(verify(tok, why, sizeof(why)), -1);
	cr_expect_null(strstr(why, "larger"), "%s", why);
}

Test(forged, non_object_parts_are_refused)
{
	char why[160] = "";

	cr_expect_eq(verify(forge("[\"HS256\"]", CLAIMS, SECRET1), why, sizeof(why)), -1);
	cr_expect_eq(verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"}", "\"claims\"", SECRET1), why,
	                    sizeof(why)),
	             -1);
	cr_expect_eq(
	    verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"}", "[1,2]", SECRET1), why, sizeof(why)),
	    -1);
	cr_expect_eq(
	    verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"}", "", SECRET1), why, sizeof(why)), -1);
}

Test(forged, trailing_garbage_in_a_part_is_refused)
{
	char why[160] = "";

	cr_expect_eq(verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"} x", CLAIMS, SECRET1), why,
	                    sizeof(why)),
	             -1);
	cr_expect_eq(verify(forge("{\"alg\":\"HS256\",\"kid\":\"k1\"}", CLAIMS "{}", SECRET1), why,
	                    sizeof(why)),
	             -1);
}

/*
 * Finding 11 of the security review: RFC 8725 §3.11, the typ header is checked when present.
 * libjwt always writes typ JWT, so these tokens are forged by hand.
 */
Test(forged, typ_is_checked_when_present)
{
	static const struct {
		char header[80];
		bool ok;
	} cases[] = {
		{"{\"alg\":\"HS256\",\"kid\":\"k1\"}", true},
		{"{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}", true},
		{"{\"alg\":\"HS256\",\"typ\":\"jwt\",\"kid\":\"k1\"}", true},
		{"{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", false},
		{"{\"alg\":\"HS256\",\"typ\":\"dpop+jwt\",\"kid\":\"k1\"}", false},
		{"{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\",\"kid\":\"k1\"}", false},
		{"{\"alg\":\"HS256\",\"typ\":\"\",\"kid\":\"k1\"}", false},
		{"{\"alg\":\"HS256\",\"typ\":7,\"kid\":\"k1\"}", false},
		{"{\"alg\":\"HS256\",\"typ\":null,\"kid\":\"k1\"}", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[160] = "";
		int rc = verify(forge(cases[i].header, CLAIMS, SECRET1), why, sizeof(why));

		cr_expect_eq(rc == 0, cases[i].ok, "case %zu %s: %s", i, cases[i].header, why);
		if (!cases[i].ok)
			cr_expect_not_null(strstr(why, "type"), "case %zu: reason '%s'", i, why);
	}
}
