/* test_fields.c -- domain/fields.h: the field table checks, trimming and e-mail syntax. */
#include "domain/fields.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static const struct field_spec specs[] = {
	{"name", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 5},
	{"code", FIELD_STRING, 0, 2, 3},
	{"note", FIELD_STRING, FIELD_NULLABLE, 0, 0},
	{"id", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"a/b~c", FIELD_INTEGER, FIELD_READ_ONLY, 0, 0},
	{"disabled", FIELD_BOOLEAN, 0, 0, 0},
	{"count", FIELD_INTEGER, 0, 1, 100},
	{"scopes", FIELD_STRING_ARRAY, 0, 1, 3},
	{"meta", FIELD_OBJECT, 0, 0, 0},
	{"list", FIELD_ARRAY, 0, 0, 0},
	{NULL, 0, 0, 0, 0},
};

/* Parses text, runs fields_check and returns its rc; pb receives the errors. */
static int check(const char *text, struct problem *pb)
{
	json_error_t err;
	json_t *body = json_loads(text, JSON_DECODE_ANY, &err);
	int rc;

	cr_assert_not_null(body, "test JSON %s: %s", text, err.text);
	rc = fields_check(body, specs, pb);
	json_decref(body);
	return rc;
}

Test(fields, a_valid_body_passes)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(check("{\"name\":\"Ada\",\"code\":\"ab\",\"note\":null,\"disabled\":false,"
	                   "\"count\":100,\"scopes\":[\"a\",\"b\"],\"meta\":{},\"list\":[1]}",
	                   &pb),
	             0);
	cr_expect_null(pb.errors);
	cr_expect_eq(pb.status, 0);
	problem_release(&pb);
}

Test(fields, only_the_required_field)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(check("{\"name\":\"x\"}", &pb), 0);
	problem_release(&pb);
}

Test(fields, table)
{
	static const struct {
		char body[96];
		char field[16]; /* the one error expected */
	} cases[] = {
		{"{\"name\":\"x\",\"foo\":1}", "/foo"},
		{"{\"name\":\"x\",\"a/b~c\":1}", "/a~1b~0c"},
		{"{\"name\":\"x\",\"x/y\":1}", "/x~1y"},
		{"{\"name\":\"x\",\"id\":\"abc\"}", "/id"},
		{"{}", "/name"},
		{"{\"name\":null}", "/name"},
		{"{\"name\":5}", "/name"},
		{"{\"name\":\"\"}", "/name"},
		{"{\"name\":\"   \"}", "/name"},              /* empty after trimming */
		{"{\"name\":\"abcdef\"}", "/name"},           /* 6 > 5 */
		{"{\"name\":\"x\",\"code\":\"a\"}", "/code"}, /* 1 < 2 */
		{"{\"name\":\"x\",\"code\":\"abcd\"}", "/code"},
		{"{\"name\":\"x\",\"code\":\"   a\"}", "/code"}, /* 4: no trimming here */
		{"{\"name\":\"x\",\"code\":null}", "/code"},     /* not nullable */
		{"{\"name\":\"x\",\"disabled\":\"true\"}", "/disabled"},
		{"{\"name\":\"x\",\"disabled\":0}", "/disabled"},
		{"{\"name\":\"x\",\"count\":0}", "/count"},
		{"{\"name\":\"x\",\"count\":101}", "/count"},
		{"{\"name\":\"x\",\"count\":1.5}", "/count"},
		{"{\"name\":\"x\",\"count\":\"7\"}", "/count"},
		{"{\"name\":\"x\",\"count\":-1}", "/count"},
		{"{\"name\":\"x\",\"scopes\":\"a\"}", "/scopes"},
		{"{\"name\":\"x\",\"scopes\":[]}", "/scopes"},
		{"{\"name\":\"x\",\"scopes\":[\"a\",\"b\",\"c\",\"d\"]}", "/scopes"},
		{"{\"name\":\"x\",\"scopes\":[\"a\",1]}", "/scopes"},
		{"{\"name\":\"x\",\"meta\":[]}", "/meta"},
		{"{\"name\":\"x\",\"list\":{}}", "/list"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;

		cr_expect_eq(check(cases[i].body, &pb), -1, "case %zu: %s", i, cases[i].body);
		cr_expect_eq(pb.status, 422, "case %zu", i);
		cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: %zu errors", i,
		             json_array_size(pb.errors));
		cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: no error for %s", i,
		          cases[i].field);
		problem_release(&pb);
	}
}

Test(fields, lengths_are_unicode_characters)
{
	static const struct {
		char body[64];
		int rc;
	} cases[] = {
		{"{\"name\":\"\xc3\xa5\xc3\xa4\xc3\xb6\"}", 0},                          /* åäö: 3 */
		{"{\"name\":\"\xc3\xa5\xc3\xa4\xc3\xb6\xc3\xa5\xc3\xa4\"}", 0},          /* 5 */
		{"{\"name\":\"\xc3\xa5\xc3\xa4\xc3\xb6\xc3\xa5\xc3\xa4\xc3\xb6\"}", -1}, /* 6 */
		{"{\"name\":\"x\",\"code\":\"\xc3\xa5\xc3\xa4\xc3\xb6\"}", 0}, /* 6 bytes, 3 chars */
		{"{\"name\":\"x\",\"code\":\"\xf0\x9f\x98\x80\"}", -1},        /* 1 char */
		{"{\"name\":\"  abcde  \"}", 0},                               /* 5 after trimming */
		{"{\"name\":\"\\t\\n abc \\r\"}", 0},
		{"{\"name\":\"x\",\"code\":\"  a\"}", 0}, /* 3 untrimmed (1 trimmed) */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;

		cr_expect_eq(check(cases[i].body, &pb), cases[i].rc, "case %zu: %s", i,
		             cases[i].body);
		problem_release(&pb);
	}
}

Test(fields, nullable_accepts_null)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(check("{\"name\":\"x\",\"note\":null}", &pb), 0);
	problem_release(&pb);
}

Test(fields, non_object_body_is_one_error_for_the_whole_body)
{
	static const struct {
		char body[24];
	} cases[] = {{"[]"}, {"[{\"name\":\"x\"}]"}, {"\"x\""}, {"7"}, {"null"}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;

		cr_expect_eq(check(cases[i].body, &pb), -1, "case %zu", i);
		cr_expect_eq(pb.status, 422);
		cr_assert_eq(json_array_size(pb.errors), 1, "case %zu", i);
		cr_expect(problem_has_field(&pb, ""), "case %zu", i);
		problem_release(&pb);
	}
}

Test(fields, every_error_is_reported_at_once)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(check("{\"foo\":1,\"id\":\"x\",\"code\":\"a\",\"count\":\"1\","
	                   "\"disabled\":null,\"scopes\":[2]}",
	                   &pb),
	             -1);
	cr_expect_eq(pb.status, 422);
	cr_expect_eq(json_array_size(pb.errors), 7, "%zu errors", json_array_size(pb.errors));
	cr_expect(problem_has_field(&pb, "/foo"));
	cr_expect(problem_has_field(&pb, "/id"));
	cr_expect(problem_has_field(&pb, "/code"));
	cr_expect(problem_has_field(&pb, "/count"));
	cr_expect(problem_has_field(&pb, "/disabled"));
	cr_expect(problem_has_field(&pb, "/scopes"));
	cr_expect(problem_has_field(&pb, "/name"));
	problem_release(&pb);
}

Test(fields, messages_are_present)
{
	struct problem pb = PROBLEM_INIT;
	json_t *e;

	check("{\"name\":\"x\",\"count\":500}", &pb);
	cr_assert_eq(json_array_size(pb.errors), 1);
	e = json_array_get(pb.errors, 0);
	cr_expect(json_is_string(json_object_get(e, "message")));
	cr_expect_not_null(strstr(json_string_value(json_object_get(e, "message")), "100"));
	problem_release(&pb);
}

Test(fields, string_and_trimmed)
{
	json_t *body =
	    json_pack("{s:s, s:s, s:n, s:i}", "a", "  hi there \t", "b", "x", "c", "d", 3);
	char out[64];
	char small[4];

	cr_assert_not_null(body);
	cr_expect_str_eq(fields_string(body, "a"), "  hi there \t");
	cr_expect_null(fields_string(body, "c"));
	cr_expect_null(fields_string(body, "d"));
	cr_expect_null(fields_string(body, "zz"));
	cr_expect_eq(fields_trimmed(body, "a", out, sizeof(out)), out);
	cr_expect_str_eq(out, "hi there");
	cr_expect_str_eq(fields_trimmed(body, "b", out, sizeof(out)), "x");
	cr_expect_null(fields_trimmed(body, "c", out, sizeof(out)));
	cr_expect_null(fields_trimmed(body, "zz", out, sizeof(out)));
	/* truncated to the buffer, still terminated */
	cr_expect_str_eq(fields_trimmed(body, "a", small, sizeof(small)), "hi ");
	json_decref(body);
}

Test(fields, email_syntax)
{
	static const struct {
		char in[80];
		bool ok;
	} cases[] = {
		{"ada@example.com", true},
		{"a.b+tag@sub.example.se", true},
		{"x@y.se", true},
		{"\xc3\xa5sa@g\xc3\xb6teborg.se", true},
		{"", false},
		{"a", false},
		{"@example.com", false},
		{"ada@", false},
		{"ada@example", false},
		{"ada@.com", false},
		{"ada@example.", false},
		{"ada@@example.com", false},
		{"a@b@example.com", false},
		{"ada @example.com", false},
		{"ada@exa mple.com", false},
		{"<ada@example.com>", false},
		{"ada@example.com,b@c.se", false},
		{"\"ada\"@example.com", false},
		{"ada@example.com\n", false},
		{"ada\\x@example.com", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(fields_email_ok(cases[i].in), cases[i].ok, "case %zu: %s", i,
		             cases[i].in);
}

Test(fields, email_length_limits)
{
	char s[300];

	/* 64-character local part accepted, 65 refused */
	memset(s, 'l', 64);
	snprintf(s + 64, sizeof(s) - 64, "@example.com");
	cr_expect(fields_email_ok(s));
	memset(s, 'l', 65);
	snprintf(s + 65, sizeof(s) - 65, "@example.com");
	cr_expect_not(fields_email_ok(s));

	/* 254 characters in all accepted, 255 refused */
	memset(s, 'd', sizeof(s));
	memcpy(s, "a@", 2);
	memcpy(s + 250, ".se", 4); /* total 253 */
	cr_assert_eq(strlen(s), 253);
	cr_expect(fields_email_ok(s));
	memcpy(s + 250, "d.se", 5); /* 254 */
	cr_expect(fields_email_ok(s));
	memcpy(s + 250, "dd.se", 6); /* 255 */
	cr_expect_not(fields_email_ok(s));
}
