/*
 * test_jwt.c -- auth/jwt.h: jwt_issue round trips, and tokens minted here with libjwt that
 * jwt_verify_token must refuse (RFC 8725; docs/libraries.md, "libjwt 1.10"). Hand-crafted headers that
 * libjwt cannot produce (other alg values, duplicate claims) are in test_jwt_forged.c.
 */
#include "auth/jwt.h"
#include "util/text.h"

#include <criterion/criterion.h>
#include <jansson.h>
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

static struct config cfg; /* filled per test (each test is its own process) */

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

TestSuite(jwt, .init = setup);

/* The claims jwt_issue would write for a member, at NOW. A new reference. */
static json_t *claims(void)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s}", "iss", ISS, "aud", AUD,
	                      "sub", SUB, "iat", (json_int_t)NOW, "nbf", (json_int_t)NOW, "exp",
	                      (json_int_t)NOW + 900, "jti", "0f8e4d0a-2c1b-4a3d-9e8f-7a6b5c4d3e2f",
	                      "role", "member");

	cr_assert_not_null(c);
	return c;
}

/* claims() with one claim replaced (value stolen), or removed when value is NULL. */
static json_t *claims_with(const char *name, json_t *value)
{
	json_t *c = claims();

	if (value)
		json_object_set_new(c, name, value);
	else
		json_object_del(c, name);
	return c;
}

/*
 * Signs c (stolen) with HS256 through libjwt. kid may be NULL; headers is extra header JSON
 * or NULL. Returns an owned token.
 */
static char *mint(const char *secret, const char *kid, const char *headers, json_t *c)
{
	char *grants = json_dumps(c, JSON_COMPACT);
	jwt_t *j = NULL;
	char *tok;

	json_decref(c);
	cr_assert_not_null(grants);
	cr_assert_eq(jwt_new(&j), 0);
	cr_assert_eq(
	    jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)secret, (int)strlen(secret)), 0);
	if (kid)
		cr_assert_eq(jwt_add_header(j, "kid", kid), 0);
	if (headers)
		cr_assert_eq(jwt_add_headers_json(j, headers), 0, "headers %s", headers);
	cr_assert_eq(jwt_add_grants_json(j, grants), 0);
	tok = jwt_encode_str(j);
	cr_assert_not_null(tok);
	jwt_free(j);
	free(grants);
	return tok;
}

/* Expects tok (freed here) to be refused at now with a reason containing reason_part. */
static void expect_refused(char *tok, time_t now, const char *reason_part, const char *label)
{
	struct principal p;
	char why[160] = "";

	memset(&p, 0, sizeof(p));
	cr_expect_eq(jwt_verify_token(&cfg, tok, now, &p, why, sizeof(why)), -1, "%s: accepted",
	             label);
	cr_expect_neq(why[0], '\0', "%s: no reason", label);
	if (reason_part)
		cr_expect_not_null(strstr(why, reason_part), "%s: reason '%s'", label, why);
	free(tok);
}

static void expect_accepted(char *tok, time_t now, const char *label)
{
	struct principal p;
	char why[160] = "";

	cr_expect_eq(jwt_verify_token(&cfg, tok, now, &p, why, sizeof(why)), 0, "%s: %s", label,
	             why);
	free(tok);
}

/* Decodes part number index (0 header, 1 payload) of tok into a new JSON object. */
static json_t *token_part(const char *tok, int index)
{
	const char *start = tok, *end;
	unsigned char raw[4096];
	long n;

	for (int i = 0; i < index; i++)
		start = strchr(start, '.') + 1;
	end = strchr(start, '.');
	cr_assert_lt((size_t)(end - start), sizeof(raw) * 4 / 3 - 4);
	n = base64url_decode(start, (size_t)(end - start), raw);
	cr_assert_gt(n, 0);
	return json_loadb((const char *)raw, (size_t)n, 0, NULL);
}

Test(jwt, issue_then_verify_a_member)
{
	char *tok = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	struct principal p;
	char why[160] = "";

	cr_assert_not_null(tok);
	memset(&p, 0x55, sizeof(p));
	cr_assert_eq(jwt_verify_token(&cfg, tok, NOW, &p, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(p.kind, PRINCIPAL_USER);
	cr_expect_str_eq(p.id, SUB);
	cr_expect_str_eq(p.role, "member");
	cr_expect_str_eq(p.scopes, "");
	free(tok);
}

Test(jwt, issue_then_verify_an_admin)
{
	char *tok = jwt_issue(&cfg, SUB, "admin", NULL, NOW);
	struct principal p;
	char why[160] = "";

	cr_assert_not_null(tok);
	cr_assert_eq(jwt_verify_token(&cfg, tok, NOW + 10, &p, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(p.kind, PRINCIPAL_USER);
	cr_expect_str_eq(p.role, "admin");
	free(tok);
}

Test(jwt, issue_then_verify_a_client)
{
	char *tok = jwt_issue(&cfg, SUB, "client", "organisations:read changes:read", NOW);
	struct principal p;
	char why[160] = "";

	cr_assert_not_null(tok);
	cr_assert_eq(jwt_verify_token(&cfg, tok, NOW, &p, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(p.kind, PRINCIPAL_CLIENT);
	cr_expect_str_eq(p.id, SUB);
	cr_expect_str_eq(p.role, "client");
	cr_expect_str_eq(p.scopes, "organisations:read changes:read");
	free(tok);
}

Test(jwt, issued_token_carries_the_contract_claims)
{
	char *tok = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	json_t *h, *c;

	cr_assert_not_null(tok);
	h = token_part(tok, 0);
	c = token_part(tok, 1);
	cr_assert_not_null(h);
	cr_assert_not_null(c);
	cr_expect_str_eq(json_string_value(json_object_get(h, "alg")), "HS256");
	cr_expect_str_eq(json_string_value(json_object_get(h, "kid")), "k1", "the first key signs");
	cr_expect_str_eq(json_string_value(json_object_get(c, "iss")), ISS);
	cr_expect_str_eq(json_string_value(json_object_get(c, "aud")), AUD);
	cr_expect_str_eq(json_string_value(json_object_get(c, "sub")), SUB);
	cr_expect_eq(json_integer_value(json_object_get(c, "iat")), NOW);
	cr_expect_eq(json_integer_value(json_object_get(c, "nbf")), NOW);
	cr_expect_eq(json_integer_value(json_object_get(c, "exp")), NOW + 900);
	cr_expect(uuid_syntax_ok(json_string_value(json_object_get(c, "jti"))));
	cr_expect_str_eq(json_string_value(json_object_get(c, "role")), "member");
	cr_expect_null(json_object_get(c, "scope"));
	json_decref(h);
	json_decref(c);
	free(tok);
}

Test(jwt, two_issued_tokens_differ)
{
	char *a = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	char *b = jwt_issue(&cfg, SUB, "member", NULL, NOW);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_expect_str_neq(a, b, "jti makes each token unique");
	free(a);
	free(b);
}

Test(jwt, issue_without_keys_fails)
{
	static struct config none;

	memset(&none, 0, sizeof(none));
	cr_expect_null(jwt_issue(&none, SUB, "member", NULL, NOW));
}

Test(jwt, expiry_with_leeway)
{
	char *tok = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	struct principal p;
	char why[160];

	cr_assert_not_null(tok);
	cr_expect_eq(jwt_verify_token(&cfg, tok, NOW + 900, &p, why, sizeof(why)), 0);
	cr_expect_eq(jwt_verify_token(&cfg, tok, NOW + 900 + 60, &p, why, sizeof(why)), 0,
	             "within the 60 s leeway");
	cr_expect_eq(jwt_verify_token(&cfg, tok, NOW + 900 + 61, &p, why, sizeof(why)), -1,
	             "beyond the leeway");
	cr_expect_not_null(strstr(why, "expired"), "%s", why);
	free(tok);

	expect_refused(mint(SECRET1, "k1", NULL, claims_with("exp", json_integer(1))), NOW,
	               "expired", "exp = 1");
}

Test(jwt, not_before_with_leeway)
{
	expect_accepted(mint(SECRET1, "k1", NULL, claims_with("nbf", json_integer(NOW + 60))), NOW,
	                "nbf 60 s ahead");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("nbf", json_integer(NOW + 61))), NOW,
	               "not valid yet", "nbf 61 s ahead");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("nbf", json_integer(NOW + 3600))), NOW,
	               "not valid yet", "nbf an hour ahead");
	expect_accepted(mint(SECRET1, "k1", NULL, claims_with("nbf", NULL)), NOW,
	                "nbf is optional");
}

Test(jwt, claim_types)
{
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("exp", json_string("1700000900"))),
	               NOW, "exp", "string exp");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("exp", json_real(1700000900.0))), NOW,
	               "exp", "real exp");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("exp", NULL)), NOW, "exp", "no exp");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("exp", json_null())), NOW, "exp",
	               "null exp");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("nbf", json_string("0"))), NOW, "nbf",
	               "string nbf");
}

Test(jwt, issuer_must_match)
{
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("iss", json_string("https://evil"))),
	               NOW, "issuer", "wrong iss");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("iss", json_string(ISS "/"))), NOW,
	               "issuer", "iss with a slash");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("iss", NULL)), NOW, "issuer",
	               "no iss");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("iss", json_pack("[s]", ISS))), NOW,
	               "issuer", "iss as an array");
}

Test(jwt, audience_must_match)
{
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("aud", json_string("other-api"))), NOW,
	               "audience", "wrong aud");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("aud", NULL)), NOW, "audience",
	               "no aud");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("aud", json_pack("[s,s]", "a", "b"))),
	               NOW, "audience", "aud array without ours");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("aud", json_pack("[]"))), NOW,
	               "audience", "empty aud array");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("aud", json_integer(1))), NOW,
	               "audience", "aud as a number");
	expect_accepted(
	    mint(SECRET1, "k1", NULL, claims_with("aud", json_pack("[s,s]", "other-api", AUD))),
	    NOW, "aud array with ours");
}

Test(jwt, subject_and_role)
{
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("sub", json_string("42"))), NOW,
	               "subject", "sub not a UUID");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("sub", NULL)), NOW, "subject",
	               "no sub");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("role", NULL)), NOW, "role",
	               "no role");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("role", json_string("root"))), NOW,
	               "role", "unknown role");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("role", json_string("Admin"))), NOW,
	               "role", "role case");
	expect_refused(mint(SECRET1, "k1", NULL, claims_with("role", json_string("client"))), NOW,
	               "scope", "client without scope");
}

Test(jwt, client_scope_too_long_is_refused)
{
	char scope[200];

	memset(scope, 's', sizeof(scope) - 1);
	scope[sizeof(scope) - 1] = '\0';
	json_t *c = claims_with("role", json_string("client"));

	json_object_set_new(c, "scope", json_string(scope));
	expect_refused(mint(SECRET1, "k1", NULL, c), NOW, "scope", "200-byte scope");
}

Test(jwt, second_key_verifies)
{
	struct principal p;
	char why[160] = "";
	char *tok = mint(SECRET2, "k2", NULL, claims());

	cr_expect_eq(jwt_verify_token(&cfg, tok, NOW, &p, why, sizeof(why)), 0, "%s", why);
	cr_expect_str_eq(p.id, SUB);
	free(tok);
}

Test(jwt, wrong_key_is_refused)
{
	expect_refused(mint(SECRET2, "k1", NULL, claims()), NOW, "signature", "k1 named, k2 used");
	expect_refused(mint(SECRET1, "k2", NULL, claims()), NOW, "signature", "k2 named, k1 used");
	expect_refused(mint("an-attacker-secret-0123456789abcdef", "k1", NULL, claims()), NOW,
	               "signature", "foreign key");
}

Test(jwt, kid_must_name_a_configured_key)
{
	expect_refused(mint(SECRET1, NULL, NULL, claims()), NOW, "key", "no kid");
	expect_refused(mint(SECRET1, "k9", NULL, claims()), NOW, "key", "unknown kid");
	expect_refused(mint(SECRET1, "K1", NULL, claims()), NOW, "key", "kid case");
	expect_refused(mint(SECRET1, "", NULL, claims()), NOW, "key", "empty kid");
	expect_refused(mint(SECRET1, NULL, "{\"kid\":1}", claims()), NOW, "key", "numeric kid");
}

Test(jwt, alg_none_from_libjwt_is_refused)
{
	jwt_t *j = NULL;
	char *grants, *tok;
	json_t *c = claims();

	grants = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	cr_assert_eq(jwt_new(&j), 0);
	cr_assert_eq(jwt_set_alg(j, JWT_ALG_NONE, NULL, 0), 0);
	cr_assert_eq(jwt_add_header(j, "kid", "k1"), 0);
	cr_assert_eq(jwt_add_grants_json(j, grants), 0);
	tok = jwt_encode_str(j);
	cr_assert_not_null(tok);
	jwt_free(j);
	free(grants);
	cr_expect_eq(tok[strlen(tok) - 1], '.', "libjwt writes an empty signature: %s", tok);
	expect_refused(tok, NOW, NULL, "alg none");
}

Test(jwt, other_libjwt_algorithms_are_refused)
{
	/* HS512 with a configured secret: a valid MAC, but not the algorithm we accept */
	jwt_t *j = NULL;
	char *grants, *tok;
	json_t *c = claims();

	grants = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	cr_assert_eq(jwt_new(&j), 0);
	cr_assert_eq(
	    jwt_set_alg(j, JWT_ALG_HS512, (const unsigned char *)SECRET1, (int)strlen(SECRET1)), 0);
	cr_assert_eq(jwt_add_header(j, "kid", "k1"), 0);
	cr_assert_eq(jwt_add_grants_json(j, grants), 0);
	tok = jwt_encode_str(j);
	cr_assert_not_null(tok);
	jwt_free(j);
	free(grants);
	expect_refused(tok, NOW, "HS256", "HS512");
}

Test(jwt, crit_header_is_refused)
{
	expect_refused(mint(SECRET1, "k1", "{\"crit\":[\"exp\"]}", claims()), NOW, "critical",
	               "crit");
	expect_refused(mint(SECRET1, "k1", "{\"crit\":[]}", claims()), NOW, "critical",
	               "empty crit");
}

Test(jwt, nested_header_json_is_refused)
{
	expect_refused(mint(SECRET1, "k1", "{\"x\":[[[[[[[[[[1]]]]]]]]]]}", claims()), NOW,
	               "malformed", "nested header");
}

Test(jwt, nested_claims_json_is_refused)
{
	expect_refused(
	    mint(SECRET1, "k1", NULL, claims_with("x", json_pack("[[[[[[[[i]]]]]]]]", 1))), NOW,
		"malformed", "nested payload");
}

Test(jwt, tampered_payload_is_refused)
{
	char *tok = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	json_t *c;
	char *payload, *forged;
	char enc[2048];
	const char *dot1, *dot2;

	cr_assert_not_null(tok);
	c = token_part(tok, 1);
	cr_assert_not_null(c);
	json_object_set_new(c, "role", json_string("admin"));
	payload = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	base64url_encode((const unsigned char *)payload, strlen(payload), enc);
	free(payload);
	dot1 = strchr(tok, '.');
	dot2 = strchr(dot1 + 1, '.');
	forged = malloc(strlen(tok) + strlen(enc) + 1);
	cr_assert_not_null(forged);
	sprintf(forged, "%.*s.%s%s", (int)(dot1 - tok), tok, enc, dot2);
	expect_refused(forged, NOW, "signature", "role changed to admin");

	/* one flipped character in the signature */
	forged = strdup(tok);
	cr_assert_not_null(forged);
	forged[strlen(forged) - 3] = forged[strlen(forged) - 3] == 'A' ? 'B' : 'A';
	expect_refused(forged, NOW, "signature", "signature changed");

	/* the signature removed */
	forged = strdup(tok);
	cr_assert_not_null(forged);
	strrchr(forged, '.')[1] = '\0';
	expect_refused(forged, NOW, NULL, "signature removed");
	free(tok);
}

Test(jwt, oversized_token_is_refused)
{
	char pad[9 * 1024];
	char *tok;
	json_t *c = claims();

	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	json_object_set_new(c, "pad", json_string(pad));
	tok = mint(SECRET1, "k1", NULL, c);
	cr_assert_gt(strlen(tok), JWT_MAX_TOKEN_BYTES);
	expect_refused(tok, NOW, "larger", "9 KiB token");
}

Test(jwt, large_token_under_the_limit_is_accepted)
{
	char pad[5500];
	char *tok;
	json_t *c = claims();

	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	json_object_set_new(c, "pad", json_string(pad));
	tok = mint(SECRET1, "k1", NULL, c);
	cr_assert_leq(strlen(tok), JWT_MAX_TOKEN_BYTES);
	expect_accepted(tok, NOW, "a large token under the limit");
}

Test(jwt, garbage_is_refused)
{
	static const struct {
		char tok[64];
	} cases[] = {
		{""},
		{"garbage"},
		{"."},
		{".."},
		{"..."},
		{"a.b"},
		{"a.b."},
		{"a.b.c"},
		{"a.b.c.d"},
		{".eyJhIjoxfQ.c2ln"},
		{"eyJhbGciOiJIUzI1NiJ9..c2ln"},
		{"eyJhbGciOiJIUzI1NiJ9.e30.c2ln"},
		{"eyJhbGciOiJIUzI1NiJ9.WzFd.c2ln"}, /* payload is [1] */
		{"WzFd.e30.c2ln"},                  /* header is [1] */
		{"eyJ!bGciOiJIUzI1NiJ9.e30.c2ln"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char label[80];

		snprintf(label, sizeof(label), "case %zu: '%.60s'", i, cases[i].tok);
		expect_refused(strdup(cases[i].tok), NOW, NULL, label);
	}
}

Test(jwt, whitespace_around_a_good_token_is_refused)
{
	char *tok = jwt_issue(&cfg, SUB, "member", NULL, NOW);
	char *spaced = malloc(strlen(tok) + 3);

	cr_assert_not_null(tok);
	cr_assert_not_null(spaced);
	sprintf(spaced, " %s", tok);
	expect_refused(spaced, NOW, NULL, "leading space");
	spaced = malloc(strlen(tok) + 3);
	cr_assert_not_null(spaced);
	sprintf(spaced, "%s\n", tok);
	expect_refused(spaced, NOW, NULL, "trailing newline");
	free(tok);
}

Test(jwt, reason_is_bounded)
{
	struct principal p;
	char why[8];

	memset(why, 'X', sizeof(why));
	cr_expect_eq(jwt_verify_token(&cfg, "garbage", NOW, &p, why, sizeof(why)), -1);
	cr_expect_lt(strlen(why), sizeof(why));
}

/* regression (found by these tests): check_claims computes exp + JWT_LEEWAY_SECONDS in json_int_t; an exp near INT64_MAX
 * overflows (undefined behaviour; UBSan aborts the worker) */
Test(jwt, huge_exp_does_not_overflow)
{
	struct principal p;
	char why[160] = "";
	char *tok = mint(SECRET1, "k1", NULL, claims_with("exp", json_integer(INT64_MAX)));
	int rc = jwt_verify_token(&cfg, tok, NOW, &p, why, sizeof(why));

	cr_expect(rc == 0 || rc == -1, "%s", why);
	free(tok);
}
