/* test_config.c -- config.h: JWT key lists, CORS origins, trusted proxies, numbers. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S32 "0123456789abcdef0123456789abcdef" /* 32 bytes */

/* Each Criterion test runs in its own process, so setenv here never leaks into another. */
static void clear_env(void)
{
	static const char names[][24] = {
		"JWT_KEYS",        "JWT_SECRET",       "PORT",
		"THREADS",         "DB_POOL_SIZE",     "CORS_ORIGINS",
		"TRUSTED_PROXIES", "ACCESS_TOKEN_TTL", "MAX_BODY_BYTES",
		"BIND_ADDRESS",    "JWT_ISSUER",       "JWT_AUDIENCE",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unsetenv(names[i]);
}

Test(config, parse_keys_accepts_a_list)
{
	static struct config cfg;
	char err[200] = "";

	cr_assert_eq(config_parse_keys(&cfg, "k1:" S32 ",k2:" S32 "XYZ", err, sizeof(err)), 0, "%s",
	             err);
	cr_assert_eq(cfg.key_count, 2);
	cr_expect_str_eq(cfg.keys[0].kid, "k1");
	cr_expect_eq(cfg.keys[0].secret_len, 32);
	cr_expect_eq(memcmp(cfg.keys[0].secret, S32, 32), 0);
	cr_expect_str_eq(cfg.keys[1].kid, "k2");
	cr_expect_eq(cfg.keys[1].secret_len, 35);
	cr_expect_eq(memcmp(cfg.keys[1].secret, S32 "XYZ", 35), 0);
}

Test(config, parse_keys_secret_may_hold_a_colon)
{
	static struct config cfg;
	char err[200] = "";

	cr_assert_eq(config_parse_keys(&cfg, "k1:a:" S32, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(cfg.keys[0].kid, "k1");
	cr_expect_eq(cfg.keys[0].secret_len, 34);
}

Test(config, parse_keys_refusals)
{
	static const struct {
		char spec[400];
	} cases[] = {
		{""},
		{"k1:0123456789abcdef0123456789abcde"}, /* 31 bytes */
		{"k1:"},
		{"k1" S32}, /* no colon */
		{":" S32},  /* empty kid */
		{"k1:" S32 ",k2"},
		{"k1:" S32 ",k2:short"},
		{"k1:" S32 ",,k2:" S32},
		{"k1:" S32 ",k2:" S32 ",k3:" S32 ",k4:" S32 ",k5:" S32 ",k6:" S32 ",k7:" S32 ",k8:" S32
	     ",k9:" S32}, /* nine keys */
		{"0123456789012345678901234567890123456789012345678901234567890123:" S32}, /* kid 64 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct config cfg;
		char err[200] = "";

		memset(&cfg, 0, sizeof(cfg));
		cr_expect_eq(config_parse_keys(&cfg, cases[i].spec, err, sizeof(err)), -1,
		             "case %zu: %s", i, cases[i].spec);
		cr_expect_neq(err[0], '\0', "case %zu has a reason", i);
	}
}

Test(config, parse_keys_eight_keys_are_allowed)
{
	static struct config cfg;
	char err[200] = "";

	cr_assert_eq(config_parse_keys(&cfg,
	                               "k1:" S32 ",k2:" S32 ",k3:" S32 ",k4:" S32 ",k5:" S32
	                               ",k6:" S32 ",k7:" S32 ",k8:" S32,
	                               err, sizeof(err)),
	             0, "%s", err);
	cr_expect_eq(cfg.key_count, CONFIG_MAX_KEYS);
	cr_expect_str_eq(cfg.keys[7].kid, "k8");
}

Test(config, parse_keys_secret_size_bounds)
{
	static struct config cfg;
	char spec[400], err[200];

	snprintf(spec, sizeof(spec), "k:");
	memset(spec + 2, 's', 256);
	spec[258] = '\0';
	cr_expect_eq(config_parse_keys(&cfg, spec, err, sizeof(err)), 0, "256 bytes: %s", err);
	cr_expect_eq(cfg.keys[0].secret_len, 256);
	spec[258] = 's';
	spec[259] = '\0';
	cr_expect_eq(config_parse_keys(&cfg, spec, err, sizeof(err)), -1, "257 bytes");
}

Test(config, from_env_defaults_and_jwt_secret)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	setenv("JWT_SECRET", S32 S32, 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.port, 8080);
	cr_expect_str_eq(cfg.listen, "127.0.0.1:8080");
	cr_expect_str_eq(cfg.jwt_issuer, "idekom");
	cr_expect_str_eq(cfg.jwt_audience, "idekom-api");
	cr_expect_eq(cfg.access_token_ttl, 900);
	cr_assert_eq(cfg.key_count, 1);
	cr_expect_str_eq(cfg.keys[0].kid, "default");
	cr_expect_eq(cfg.keys[0].secret_len, 64);
	cr_expect_eq(cfg.cors_origin_count, 0);
	cr_expect_eq(cfg.trusted_proxy_count, 0);
	cr_expect_not(config_origin_allowed(&cfg, "https://example.com"));
	cr_expect_not(config_proxy_trusted(&cfg, "127.0.0.1"));
}

Test(config, from_env_jwt_keys_win_over_jwt_secret)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	setenv("JWT_SECRET", S32, 1);
	setenv("JWT_KEYS", "a:" S32 "1,b:" S32 "2", 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cfg.key_count, 2);
	cr_expect_str_eq(cfg.keys[0].kid, "a");
	cr_expect_str_eq(cfg.keys[1].kid, "b");
}

Test(config, from_env_key_refusals)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), -1, "no key at all");
	cr_expect_neq(err[0], '\0');
	cr_expect_eq(config_from_env(&cfg, false, err, sizeof(err)), 0, "keys not needed");
	setenv("JWT_SECRET", "too short", 1);
	cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), -1, "short JWT_SECRET");
	unsetenv("JWT_SECRET");
	setenv("JWT_KEYS", "nocolon" S32, 1);
	cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), -1, "bad JWT_KEYS");
}

Test(config, from_env_numbers)
{
	static const struct {
		char name[24];
		char value[24];
		int rc;
	} cases[] = {
		{"PORT", "8081", 0},
		{"PORT", "0", -1},
		{"PORT", "65536", -1},
		{"PORT", "80x", -1},
		{"PORT", "abc", -1},
		{"PORT", "-1", -1},
		{"PORT", "8.5", -1},
		{"PORT", "99999999999999999999", -1},
		{"PORT", "65535", 0},
		{"THREADS", "1", -1},
		{"THREADS", "2", 0},
		{"ACCESS_TOKEN_TTL", "29", -1},
		{"ACCESS_TOKEN_TTL", "86400", 0},
		{"MAX_BODY_BYTES", "1023", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct config cfg;
		char err[200] = "";

		clear_env();
		setenv("JWT_SECRET", S32, 1);
		setenv(cases[i].name, cases[i].value, 1);
		cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), cases[i].rc,
		             "case %zu: %s=%s (%s)", i, cases[i].name, cases[i].value, err);
		if (cases[i].rc)
			cr_expect_not_null(strstr(err, cases[i].name), "case %zu: %s", i, err);
	}
}

Test(config, from_env_port_and_bind_address)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	setenv("JWT_SECRET", S32, 1);
	setenv("PORT", "9000", 1);
	setenv("BIND_ADDRESS", "0.0.0.0", 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.port, 9000);
	cr_expect_str_eq(cfg.listen, "0.0.0.0:9000");
}

Test(config, cors_origins_match_exactly)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	setenv("JWT_SECRET", S32, 1);
	setenv("CORS_ORIGINS", "https://a.example, http://localhost:5173 ,,", 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.cors_origin_count, 2);
	cr_expect(config_origin_allowed(&cfg, "https://a.example"));
	cr_expect(config_origin_allowed(&cfg, "http://localhost:5173"));
	cr_expect_not(config_origin_allowed(&cfg, "https://a.example/"));
	cr_expect_not(config_origin_allowed(&cfg, "https://a.example.evil"));
	cr_expect_not(config_origin_allowed(&cfg, "http://a.example"));
	cr_expect_not(config_origin_allowed(&cfg, "HTTPS://A.EXAMPLE"));
	cr_expect_not(config_origin_allowed(&cfg, "http://localhost"));
	cr_expect_not(config_origin_allowed(&cfg, ""));
	cr_expect_not(config_origin_allowed(&cfg, "null"));
}

Test(config, too_many_cors_origins)
{
	static struct config cfg;
	char list[2000] = "";
	char err[200] = "";
	size_t o = 0;

	for (int i = 0; i <= CONFIG_MAX_ORIGINS; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%shttps://o%d.example",
		                      i ? "," : "", i);
	clear_env();
	setenv("JWT_SECRET", S32, 1);
	setenv("CORS_ORIGINS", list, 1);
	cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), -1);
}

Test(config, trusted_proxies)
{
	static struct config cfg;
	char err[200] = "";

	clear_env();
	setenv("JWT_SECRET", S32, 1);
	setenv("TRUSTED_PROXIES", "10.0.0.1,192.168.1.254", 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.trusted_proxy_count, 2);
	cr_expect(config_proxy_trusted(&cfg, "10.0.0.1"));
	cr_expect(config_proxy_trusted(&cfg, "192.168.1.254"));
	cr_expect_not(config_proxy_trusted(&cfg, "10.0.0.2"));
	cr_expect_not(config_proxy_trusted(&cfg, "10.0.0.10"));
	cr_expect_not(config_proxy_trusted(&cfg, "10.0.0.1 "));
	cr_expect_not(config_proxy_trusted(&cfg, "::ffff:10.0.0.1"));
	cr_expect_not(config_proxy_trusted(&cfg, "garbage"));
	cr_expect_not(config_proxy_trusted(&cfg, ""));
}

Test(config, trusted_proxies_refusals)
{
	static const struct {
		char value[48];
	} cases[] = {{"10.0.0.1,nope"}, {"::1"}, {"10.0.0.256"}, {"10.0.0.0/8"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct config cfg;
		char err[200] = "";

		clear_env();
		setenv("JWT_SECRET", S32, 1);
		setenv("TRUSTED_PROXIES", cases[i].value, 1);
		cr_expect_eq(config_from_env(&cfg, true, err, sizeof(err)), -1, "case %zu: %s", i,
		             cases[i].value);
	}
}

/* regression (found by these tests): a kid given twice is accepted; key_for() in jwt.c always picks the first, so tokens
 * signed with the second secret can never verify although "every key verifies" */
Test(config, parse_keys_refuses_a_repeated_kid)
{
	static struct config cfg;
	char err[200] = "";

	cr_expect_eq(config_parse_keys(&cfg, "k1:" S32 ",k1:" S32 "other", err, sizeof(err)), -1,
	             "two keys named k1 were accepted");
}

/* Finding 8 of the security review: JWT_SECRET is one opaque key, commas and colons included. */
Test(config, jwt_secret_is_one_opaque_key)
{
	static struct config cfg;
	char err[200] = "";
	const char *secret = "abc:def,ghi:" S32 ",k:" S32;

	clear_env();
	setenv("JWT_SECRET", secret, 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cfg.key_count, 1);
	cr_expect_str_eq(cfg.keys[0].kid, "default");
	cr_assert_eq(cfg.keys[0].secret_len, strlen(secret));
	cr_expect_eq(memcmp(cfg.keys[0].secret, secret, strlen(secret)), 0);
	/* a comma right at the start used to leave an empty first entry: refused at start */
	setenv("JWT_SECRET", "," S32, 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.keys[0].secret_len, 33);
	setenv("JWT_SECRET", S32 "," S32, 1);
	cr_assert_eq(config_from_env(&cfg, true, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(cfg.key_count, 1);
	cr_expect_eq(cfg.keys[0].secret_len, 65);
}
