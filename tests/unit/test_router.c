/* test_router.c -- http/router.h: route_match, route_allow and the routes[] table. */
#include "http/router.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define UUID  "123e4567-e89b-42d3-a456-426614174000"
#define UUID2 "00000000-0000-4000-8000-00000000000a"

Test(router, match_table)
{
	static const struct {
		char pattern[40];
		char path[128];
		bool want;
		size_t count;
		char param0[64];
	} cases[] = {
		{"/api/v1/users", "/api/v1/users", true, 0, ""},
		{"/api/v1/users", "/api/v1/usersx", false, 0, ""},
		{"/api/v1/users", "/api/v1/user", false, 0, ""},
		{"/api/v1/users", "/api/v1/users/", false, 0, ""},
		{"/api/v1/users", "/api/v1/users/" UUID, false, 0, ""},
		{"/api/v1/users", "/api/v1xyz/users", false, 0, ""},
		{"/api/v1/users", "api/v1/users", false, 0, ""},
		{"/api/v1/users", "/api/v1//users", false, 0, ""},
		{"/api/v1/users", "/API/v1/users", false, 0, ""},
		{"/api/v1/users", "", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/" UUID, true, 1, UUID},
		{"/api/v1/users/{id}", "/api/v1/users/" UUID "/", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/" UUID "/x", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/42", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/me", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/" UUID "0", false, 0, ""},
		{"/api/v1/users/{id}", "/api/v1/users/{id}", false, 0, ""},
		{"/x/{org_id}", "/x/not-a-uuid", false, 0, ""}, /* *_id is a UUID too */
		{"/x/{org_id}", "/x/" UUID2, true, 1, UUID2},
		{"/x/{name}", "/x/anything goes", true, 1, "anything goes"},
		{"/x/{name}", "/x/", false, 0, ""}, /* empty value */
		{"/x/{id}.ics", "/x/" UUID ".ics", true, 1, UUID},
		{"/x/{id}.ics", "/x/" UUID ".ics2", false, 0, ""},
		{"/x/{id}.ics", "/x/" UUID, false, 0, ""},
		{"/x/{id}.ics", "/x/.ics", false, 0, ""},
		{"/x/{name}.ics", "/x/cal.ics", true, 1, "cal"},
		{"/x/{name}.ics", "/x/cal.ics.ics", true, 1, "cal.ics"},
		{"/x/{broken", "/x/abc", false, 0, ""},
	};
	char params[REQ_MAX_PARAMS][64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t count = 99;
		bool got = route_match(cases[i].pattern, cases[i].path, params, &count);

		cr_expect_eq(got, cases[i].want, "case %zu: %s vs %s", i, cases[i].pattern,
		             cases[i].path);
		if (got && cases[i].want) {
			cr_expect_eq(count, cases[i].count, "case %zu count", i);
			if (cases[i].count)
				cr_expect_str_eq(params[0], cases[i].param0, "case %zu", i);
		}
	}
}

Test(router, match_captures_several_placeholders_in_order)
{
	char params[REQ_MAX_PARAMS][64];
	size_t count = 0;

	cr_assert(route_match("/a/{org_id}/b/{id}", "/a/" UUID "/b/" UUID2, params, &count));
	cr_expect_eq(count, 2);
	cr_expect_str_eq(params[0], UUID);
	cr_expect_str_eq(params[1], UUID2);
	/* a failed match does not report a count from its partial progress */
	cr_expect_not(route_match("/a/{org_id}/b/{id}", "/a/" UUID "/c/" UUID2, params, &count));
	cr_expect_not(route_match("/a/{org_id}/b/{id}", "/a/" UUID "/b/nope", params, &count));
}

Test(router, match_refuses_more_placeholders_than_params)
{
	char params[REQ_MAX_PARAMS][64];
	size_t count = 0;

	cr_assert_eq(REQ_MAX_PARAMS, 4);
	cr_expect(route_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", params, &count));
	cr_expect_eq(count, 4);
	cr_expect_not(route_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", params, &count));
}

Test(router, match_placeholder_length_limit)
{
	char params[REQ_MAX_PARAMS][64];
	char path[200], value[100];
	size_t count = 0;

	memset(value, 'v', 63);
	value[63] = '\0';
	snprintf(path, sizeof(path), "/x/%s", value);
	cr_expect(route_match("/x/{name}", path, params, &count), "63 bytes fit");
	cr_expect_str_eq(params[0], value);

	memset(value, 'v', 64);
	value[64] = '\0';
	snprintf(path, sizeof(path), "/x/%s", value);
	cr_expect_not(route_match("/x/{name}", path, params, &count), "64 bytes do not");

	memset(value, 'v', 99);
	value[99] = '\0';
	snprintf(path, sizeof(path), "/x/%s.ics", value);
	cr_expect_not(route_match("/x/{name}.ics", path, params, &count));
}

Test(router, allow_lists_the_methods_of_a_path)
{
	static const struct {
		char path[80];
		char want[48];
	} cases[] = {
		{"/api/v1/users/" UUID, "GET, PATCH, DELETE, OPTIONS"},
		{"/api/v1/users", "GET, OPTIONS"},
		{"/api/v1/clients", "POST, GET, OPTIONS"},
		{"/api/v1/clients/" UUID, "GET, DELETE, OPTIONS"},
		{"/api/v1/auth/login", "POST, OPTIONS"},
		{"/healthz", "GET, OPTIONS"},
		{"/api/v1/users/nope", ""},
		{"/api/v1/nothing", ""},
	};
	char out[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		route_allow(cases[i].path, out, sizeof(out));
		cr_expect_str_eq(out, cases[i].want, "case %zu: %s", i, cases[i].path);
	}
}

Test(router, allow_for_a_client_contains_get_and_delete)
{
	char out[128];

	route_allow("/api/v1/clients/" UUID2, out, sizeof(out));
	cr_expect_not_null(strstr(out, "GET"));
	cr_expect_not_null(strstr(out, "DELETE"));
	cr_expect_null(strstr(out, "PATCH"));
	cr_expect_null(strstr(out, "POST"));
}

Test(router, allow_stays_inside_a_small_buffer)
{
	char out[8];

	route_allow("/api/v1/users/" UUID, out, sizeof(out));
	cr_expect_lt(strlen(out), sizeof(out));
	cr_expect_eq(strncmp(out, "GET", 3), 0);
}

Test(router, table_is_well_formed)
{
	static const char methods[][8] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	size_t n = routes_count();

	cr_assert_gt(n, 0);
	cr_assert_null(routes[n].method, "the table ends with a NULL method");
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		bool known = false;
		char params[REQ_MAX_PARAMS][64];
		char path[256];
		size_t count = 0, o = 0;

		cr_assert_not_null(r->method, "entry %zu", i);
		cr_assert_not_null(r->pattern, "entry %zu", i);
		cr_expect_not_null(r->handler, "%s %s has no handler", r->method, r->pattern);
		cr_expect(r->operation_id && r->operation_id[0], "%s %s has no operation_id",
		          r->method, r->pattern);
		cr_expect_eq(r->pattern[0], '/', "%s does not start with /", r->pattern);
		for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
			known |= strcmp(r->method, methods[m]) == 0;
		cr_expect(known, "entry %zu: unknown method %s", i, r->method);

		/* the pattern matches itself with each placeholder filled by a UUID */
		for (const char *p = r->pattern; *p && o + 40 < sizeof(path); p++) {
			if (*p == '{') {
				const char *close = strchr(p, '}');

				cr_assert_not_null(close, "%s", r->pattern);
				o += (size_t)snprintf(path + o, sizeof(path) - o, "%s", UUID);
				p = close;
			} else {
				path[o++] = *p;
			}
		}
		path[o] = '\0';
		cr_expect(route_match(r->pattern, path, params, &count), "%s vs %s", r->pattern,
		          path);

		for (size_t j = 0; j < i; j++) {
			cr_expect(strcmp(routes[j].method, r->method) != 0 ||
			              strcmp(routes[j].pattern, r->pattern) != 0,
			          "entries %zu and %zu are both %s %s", j, i, r->method,
			          r->pattern);
			cr_expect_str_neq(routes[j].operation_id, r->operation_id,
			                  "operation_id %s is used twice", r->operation_id);
		}
	}
}
