/*
 * test_webhook_address.c -- webhooks/address.h: which addresses a webhook may not reach, and
 * the URL check. Only IP literals and "localhost" names: the test machine has no DNS.
 */
#include "webhooks/address.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

/* Parses an IPv4 or IPv6 literal into ss; the test's own data, so it must parse. */
static const struct sockaddr *sockaddr_of(const char *ip, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(443);
		cr_assert_eq(inet_pton(AF_INET6, ip, &a->sin6_addr), 1, "test address %s", ip);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(443);
		cr_assert_eq(inet_pton(AF_INET, ip, &a->sin_addr), 1, "test address %s", ip);
	}
	return (const struct sockaddr *)ss;
}

Test(webhook_address, private_and_public_addresses)
{
	static const struct {
		char ip[48];
		bool is_private;
	} cases[] = {
	    /* IPv4 */
	    {"127.0.0.1", true},
	    {"127.255.255.254", true},
	    {"10.1.2.3", true},
	    {"10.255.255.255", true},
	    {"172.16.0.1", true},
	    {"172.31.255.255", true},
	    {"192.168.1.1", true},
	    {"169.254.1.1", true},
	    {"169.254.169.254", true}, /* cloud metadata */
	    {"100.64.0.1", true},      /* carrier-grade NAT */
	    {"100.127.255.255", true},
	    {"0.0.0.0", true},
	    {"0.1.2.3", true},
	    {"224.0.0.1", true}, /* multicast */
	    {"239.255.255.250", true},
	    {"240.0.0.1", true},       /* reserved */
	    {"255.255.255.255", true}, /* broadcast */
	    {"172.32.0.1", false},
	    {"172.15.255.255", false},
	    {"8.8.8.8", false},
	    {"1.1.1.1", false},
	    {"9.255.255.255", false},
	    {"11.0.0.0", false},
	    {"100.63.255.255", false},
	    {"100.128.0.0", false},
	    {"126.255.255.255", false},
	    {"128.0.0.1", false},
	    {"169.253.255.255", false},
	    {"169.255.0.1", false},
	    {"192.167.255.255", false},
	    {"192.169.0.0", false},
	    {"223.255.255.255", false},
	    /* IPv6 */
	    {"::1", true},
	    {"::", true},
	    {"fe80::1", true},
	    {"febf:ffff::1", true}, /* still fe80::/10 */
	    {"fc00::1", true},
	    {"fd12:3456:789a::1", true},
	    {"ff02::1", true},
	    {"::ffff:127.0.0.1", true},
	    {"::ffff:10.0.0.1", true},
	    {"::ffff:192.168.0.1", true},
	    {"::ffff:169.254.169.254", true},
	    {"2001:4860::1", false},
	    {"2001:4860:4860::8888", false},
	    {"2a00:1450:400f:80d::200e", false},
	    {"::ffff:8.8.8.8", false},
	    /* outside 2000::/3 (global unicast) nothing is a place to send webhooks */
	    {"fbff::1", true},
	    {"fe00::1", true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;

		cr_expect_eq(address_is_private(sockaddr_of(cases[i].ip, &ss)), cases[i].is_private,
		             "case %zu: %s", i, cases[i].ip);
	}
}

/*
 * Finding 5 of the security review: the rest of the IANA IPv4 and IPv6 special-purpose
 * registries, and IPv6 forms that carry an IPv4 address.
 */
Test(webhook_address, special_purpose_registries)
{
	static const struct {
		char ip[48];
		bool is_private;
	} cases[] = {
	    {"192.0.0.1", true},      /* IETF protocol assignments 192.0.0.0/24 */
	    {"192.0.0.170", true},
	    {"192.0.2.1", true},      /* TEST-NET-1 */
	    {"192.31.196.1", true},   /* AS112-v4 */
	    {"192.52.193.1", true},   /* AMT */
	    {"192.88.99.1", true},    /* 6to4 relay anycast */
	    {"192.175.48.1", true},   /* AS112 direct delegation */
	    {"198.18.0.1", true},     /* benchmarking 198.18.0.0/15 */
	    {"198.19.255.254", true},
	    {"198.51.100.1", true},   /* TEST-NET-2 */
	    {"203.0.113.1", true},    /* TEST-NET-3 */
	    {"192.0.1.1", false},
	    {"198.17.255.255", false},
	    {"198.20.0.0", false},
	    {"203.0.114.1", false},
	    {"64:ff9b::7f00:1", true},      /* NAT64 well-known prefix, 127.0.0.1 */
	    {"64:ff9b::808:808", true},     /* NAT64 is not a way out either */
	    {"64:ff9b:1::a00:1", true},     /* local-use NAT64 */
	    {"2002:7f00:1::1", true},       /* 6to4 of 127.0.0.1 */
	    {"2002:a00:1::1", true},        /* 6to4 of 10.0.0.1 */
	    {"2002:c0a8:101::1", true},     /* 6to4 of 192.168.1.1 */
	    {"2002:808:808::1", false},     /* 6to4 of 8.8.8.8 */
	    {"::127.0.0.1", true},          /* IPv4-compatible */
	    {"::8.8.8.8", true},
	    {"fec0::1", true},              /* site-local */
	    {"feff::1", true},
	    {"100::1", true},               /* discard-only */
	    {"2001::1", true},              /* Teredo */
	    {"2001:2::1", true},            /* benchmarking */
	    {"2001:10::1", true},           /* ORCHID */
	    {"2001:1ff::1", true},          /* IETF protocol assignments 2001::/23 */
	    {"2001:200::1", false},
	    {"2001:db8::1", true},          /* documentation */
	    {"3fff::1", true},              /* documentation (RFC 9637) */
	    {"2620:4f:8000::1", true},      /* AS112 direct delegation */
	    {"5f00::1", true},              /* SRv6 SIDs, outside 2000::/3 */
	    {"4000::1", true},
	    {"2620:4f:8001::1", false},
	    {"2a00:1450:400f:80d::200e", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;

		cr_expect_eq(address_is_private(sockaddr_of(cases[i].ip, &ss)), cases[i].is_private,
		             "case %zu: %s", i, cases[i].ip);
	}
	cr_expect_not_null(webhook_url_problem("http://[64:ff9b::7f00:1]/", false));
	cr_expect_not_null(webhook_url_problem("http://[2002:a00:1::1]/", false));
	cr_expect_not_null(webhook_url_problem("http://198.18.0.1/", false));
}

Test(webhook_address, other_families_are_refused)
{
	struct sockaddr_un un;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, "/run/postgresql/.s.PGSQL.5432");
	cr_expect(address_is_private((const struct sockaddr *)&un));
}

Test(webhook_address, urls_refused_without_allow_private)
{
	static const struct {
		char url[64];
	} cases[] = {
	    {"http://localhost/x"},
	    {"http://LocalHost:8080/"},
	    {"https://api.localhost/hook"},
	    {"http://127.0.0.1:8080/"},
	    {"http://127.0.0.1"},
	    {"https://127.1/"},
	    {"http://2130706433/"}, /* 127.0.0.1 as one number */
	    {"http://0x7f000001/"}, /* and in hexadecimal */
	    {"http://0177.0.0.1/"}, /* and in octal */
	    {"http://10.0.0.5/hook"},
	    {"http://192.168.1.1/"},
	    {"http://169.254.169.254/latest/meta-data/"},
	    {"http://100.64.0.1/"},
	    {"http://0.0.0.0:9/"},
	    {"http://[::1]/"},
	    {"http://[::1]:8080/x"},
	    {"http://[::ffff:127.0.0.1]/"},
	    {"http://[fd00::1]/"},
	    {"http://[fe80::1]/"},
	    {"http://[::]/"},
	    {"HTTP://127.0.0.1/"},
	    {"http://user@example.com/"},
	    {"http://user:pw@8.8.8.8/"},
	    {"http://8.8.8.8@127.0.0.1/"},
	    {"http://[::1"},
	    {"http://[]/"},
	    {"http://:80/"},
	    {"ftp://x"},
	    {"ftp://8.8.8.8/"},
	    {"file:///etc/passwd"},
	    {"gopher://127.0.0.1:6379/_"},
	    {"javascript:alert(1)"},
	    {"http://"},
	    {"http:// 8.8.8.8/"},
	    {""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = webhook_url_problem(cases[i].url, false);

		cr_expect_not_null(why, "case %zu: %s accepted", i, cases[i].url);
		if (why)
			cr_expect_gt(strlen(why), 0, "case %zu", i);
	}
}

Test(webhook_address, the_reasons_tell_the_cases_apart)
{
	const char *scheme = webhook_url_problem("ftp://x", false);
	const char *user = webhook_url_problem("http://user@example.com/", false);
	const char *local = webhook_url_problem("http://localhost/x", false);
	const char *priv = webhook_url_problem("http://10.0.0.1/", false);

	cr_assert_not_null(scheme);
	cr_assert_not_null(user);
	cr_assert_not_null(local);
	cr_assert_not_null(priv);
	cr_expect_str_neq(scheme, user);
	cr_expect_str_neq(user, priv);
	cr_expect_str_neq(scheme, priv);
}

Test(webhook_address, public_ip_literals_are_accepted)
{
	static const struct {
		char url[64];
	} cases[] = {
	    {"http://8.8.8.8/"},
	    {"https://8.8.8.8/hook"},
	    {"https://8.8.8.8:8443/hook?x=1#y"},
	    {"http://1.1.1.1"},
	    {"http://172.32.0.1/"},
	    {"https://[2001:4860:4860::8888]/"},
	    {"https://[2001:4860:4860::8888]:443/x"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = webhook_url_problem(cases[i].url, false);

		cr_expect_null(why, "case %zu: %s refused: %s", i, cases[i].url, why ? why : "");
	}
}

Test(webhook_address, allow_private_lifts_the_address_rules_only)
{
	static const struct {
		char url[48];
		bool ok;
	} cases[] = {
	    {"http://127.0.0.1:9/", true},
	    {"http://localhost:9/", true},
	    {"http://[::1]:9/", true},
	    {"http://10.0.0.1/", true},
	    {"https://8.8.8.8/", true},
	    {"ftp://x", false},
	    {"http://", false},
	    {"javascript:alert(1)", false},
	    {"", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = webhook_url_problem(cases[i].url, true);

		cr_expect_eq(why == NULL, cases[i].ok, "case %zu: %s: %s", i, cases[i].url,
		             why ? why : "accepted");
	}
}
