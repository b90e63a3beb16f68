/* test_organisation.c -- domain/organisation.h: body checks, the normalised copy, leaks. */
#include "domain/organisation.h"
#include "problem_fields.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses text (the test's own JSON, so it must parse). Returns a new reference. */
static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *body = json_loads(text, JSON_REJECT_DUPLICATES, &err);

	cr_assert_not_null(body, "test JSON %s: %s", text, err.text);
	return body;
}

/* Runs organisation_input on text; returns the result (a new reference or NULL). */
static json_t *input(const char *text, enum organisation_mode mode, bool admin, struct problem *pb)
{
	json_t *body = parse(text);
	json_t *out = organisation_input(body, mode, admin, pb);

	json_decref(body);
	return out;
}

#define VALID "\"name\":\"Blå Bandet\",\"kind\":\"forening\""

Test(organisation, create_minimal_and_full)
{
	static const struct {
		char body[400];
	} cases[] = {
	    {"{" VALID "}"},
	    {"{" VALID ",\"org_number\":\"212000-1355\",\"umbrella_id\":"
	     "\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f\",\"areas\":[\"a\"],\"districts\":[],"
	     "\"description\":\"d\",\"website\":\"https://example.se/om?x=1#y\","
	     "\"email\":\"info@example.se\",\"phone\":\"+46 (0)31-123 45 67\","
	     "\"member_count\":0}"},
	    {"{" VALID ",\"org_number\":null,\"umbrella_id\":null,\"description\":null,"
	     "\"website\":null,\"email\":null,\"phone\":null,\"member_count\":null}"},
	    {"{" VALID ",\"member_count\":10000000,\"website\":\"HTTP://EXAMPLE.SE\"}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];
		json_t *out = input(cases[i].body, ORGANISATION_CREATE, false, &pb);

		cr_expect_not_null(out, "case %zu: errors %s", i,
		                   fields_of(&pb, list, sizeof(list)));
		cr_expect_null(pb.errors, "case %zu", i);
		cr_expect_eq(pb.status, 0, "case %zu", i);
		json_decref(out);
		problem_release(&pb);
	}
}

Test(organisation, the_copy_is_normalised_and_the_body_untouched)
{
	static const struct {
		char in[16];
		char want[12];
	} cases[] = {
	    {"2120001355", "212000-1355"},
	    {"162120001355", "212000-1355"},
	    {"16212000-1355", "212000-1355"},
	    {"212000-1355", "212000-1355"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		json_t *body = json_pack("{s:s, s:s, s:s}", "name", " \t Blå Bandet \n", "kind",
		                         "forening", "org_number", cases[i].in);
		json_t *out;

		cr_assert_not_null(body);
		out = organisation_input(body, ORGANISATION_CREATE, false, &pb);
		cr_assert_not_null(out, "case %zu", i);
		cr_expect_neq(out, body, "a copy, not the body itself");
		cr_expect_str_eq(json_string_value(json_object_get(out, "org_number")),
		                 cases[i].want, "case %zu", i);
		cr_expect_str_eq(json_string_value(json_object_get(out, "name")), "Blå Bandet");
		cr_expect_str_eq(json_string_value(json_object_get(out, "kind")), "forening");
		cr_expect_eq(json_object_size(out), 3);
		/* the caller's body is unchanged */
		cr_expect_str_eq(json_string_value(json_object_get(body, "org_number")),
		                 cases[i].in, "case %zu", i);
		cr_expect_str_eq(json_string_value(json_object_get(body, "name")),
		                 " \t Blå Bandet \n");
		cr_expect_eq(body->refcount, 1);
		cr_expect_eq(out->refcount, 1, "a new reference");
		json_decref(out);
		json_decref(body);
		problem_release(&pb);
	}
}

Test(organisation, a_patch_keeps_null_and_absent_apart)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out =
	    input("{\"org_number\":null,\"website\":null}", ORGANISATION_PATCH, false, &pb);

	cr_assert_not_null(out);
	cr_expect(json_is_null(json_object_get(out, "org_number")));
	cr_expect(json_is_null(json_object_get(out, "website")));
	cr_expect_null(json_object_get(out, "name"), "an absent name stays absent");
	cr_expect_eq(json_object_size(out), 2);
	json_decref(out);
	problem_release(&pb);

	out = input("{}", ORGANISATION_PATCH, false, &pb);
	cr_assert_not_null(out, "an empty patch is allowed");
	cr_expect_eq(json_object_size(out), 0);
	json_decref(out);
	problem_release(&pb);

	out = input("{}", ORGANISATION_UPSERT, false, &pb);
	cr_assert_not_null(out, "an upsert leaves name and kind to the database");
	json_decref(out);
	problem_release(&pb);
}

Test(organisation, create_errors)
{
	static const struct {
		char body[160];
		char field[24]; /* the one error expected */
	} cases[] = {
	    {"{\"kind\":\"forening\"}", "/name"},
	    {"{\"name\":\"Blå Bandet\"}", "/kind"},
	    {"{\"name\":\"   \",\"kind\":\"forening\"}", "/name"},
	    {"{\"name\":\" x \",\"kind\":\"forening\"}", "/name"}, /* 1 after trimming */
	    {"{\"name\":null,\"kind\":\"forening\"}", "/name"},
	    {"{\"name\":\"Blå\",\"kind\":\"\"}", "/kind"},
	    {"{" VALID ",\"id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f\"}", "/id"},
	    {"{" VALID ",\"status\":\"verified\"}", "/status"},
	    {"{" VALID ",\"status_reason\":\"x\"}", "/status_reason"},
	    {"{" VALID ",\"legal_form\":\"ideell\"}", "/legal_form"},
	    {"{" VALID ",\"created_at\":\"2026-01-01T00:00:00Z\"}", "/created_at"},
	    {"{" VALID ",\"updated_at\":\"2026-01-01T00:00:00Z\"}", "/updated_at"},
	    {"{" VALID ",\"endorsement\":{}}", "/endorsement"},
	    {"{" VALID ",\"owner\":\"me\"}", "/owner"},
	    {"{" VALID ",\"org_number\":\"212000-1356\"}", "/org_number"},
	    {"{" VALID ",\"org_number\":\"121212-1212\"}", "/org_number"},
	    {"{" VALID ",\"org_number\":\"192120001355\"}", "/org_number"},
	    {"{" VALID ",\"org_number\":\"21200-01355\"}", "/org_number"},
	    {"{" VALID ",\"org_number\":\"\"}", "/org_number"},
	    {"{" VALID ",\"org_number\":2120001355}", "/org_number"},
	    {"{" VALID ",\"website\":\"javascript:alert(1)\"}", "/website"},
	    {"{" VALID ",\"website\":\"ftp://x\"}", "/website"},
	    {"{" VALID ",\"website\":\"http://\"}", "/website"},
	    {"{" VALID ",\"website\":\"https://\"}", "/website"},
	    {"{" VALID ",\"website\":\"https://a b\"}", "/website"},
	    {"{" VALID ",\"website\":\"https:///x\"}", "/website"},
	    {"{" VALID ",\"website\":\"//example.se\"}", "/website"},
	    {"{" VALID ",\"website\":\"example\"}", "/website"},
	    {"{" VALID ",\"website\":\"mailto:a@example.se\"}", "/website"},
	    {"{" VALID ",\"website\":\"https://exa\\nmple.se\"}", "/website"},
	    {"{" VALID ",\"website\":\"\"}", "/website"},
	    {"{" VALID ",\"email\":\"info\"}", "/email"},
	    {"{" VALID ",\"email\":\"info@example\"}", "/email"},
	    {"{" VALID ",\"email\":\"a b@example.se\"}", "/email"},
	    {"{" VALID ",\"phone\":\"abc\"}", "/phone"},
	    {"{" VALID ",\"phone\":\"123\"}", "/phone"},
	    {"{" VALID ",\"phone\":\"1234\"}", "/phone"},
	    {"{" VALID ",\"phone\":\"031-12345x\"}", "/phone"},
	    {"{" VALID ",\"phone\":\"\"}", "/phone"},
	    {"{" VALID ",\"member_count\":-1}", "/member_count"},
	    {"{" VALID ",\"member_count\":10000001}", "/member_count"},
	    {"{" VALID ",\"member_count\":1.5}", "/member_count"},
	    {"{" VALID ",\"member_count\":\"12\"}", "/member_count"},
	    {"{" VALID ",\"umbrella_id\":\"abc\"}", "/umbrella_id"},
	    {"{" VALID ",\"umbrella_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6g\"}",
	     "/umbrella_id"},
	    {"{" VALID ",\"umbrella_id\":\"0b6f3c1e08a2d-4c5b-9e7f-1a2b3c4d5e6f\"}",
	     "/umbrella_id"},
	    {"{" VALID ",\"umbrella_id\":\"{b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6}\"}",
	     "/umbrella_id"},
	    {"{" VALID ",\"umbrella_id\":7}", "/umbrella_id"},
	    {"{" VALID ",\"areas\":\"idrott\"}", "/areas"},
	    {"{" VALID ",\"areas\":[1]}", "/areas"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];
		json_t *out = input(cases[i].body, ORGANISATION_CREATE, false, &pb);

		cr_expect_null(out, "case %zu: %s accepted", i, cases[i].body);
		json_decref(out);
		cr_expect_eq(pb.status, 422, "case %zu", i);
		cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: errors %s", i,
		             fields_of(&pb, list, sizeof(list)));
		cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: no error for %s but %s", i,
		          cases[i].field, fields_of(&pb, list, sizeof(list)));
		problem_release(&pb);
	}
}

Test(organisation, every_read_only_field_is_named)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{" VALID ",\"id\":\"x\",\"status\":\"verified\",\"legal_form\":\"x\","
	                    "\"created_at\":\"x\"}",
	                    ORGANISATION_CREATE, true, &pb);

	cr_expect_null(out);
	cr_expect_eq(json_array_size(pb.errors), 4);
	cr_expect(problem_has_field(&pb, "/id"));
	cr_expect(problem_has_field(&pb, "/status"), "status is read-only on create, even for an admin");
	cr_expect(problem_has_field(&pb, "/legal_form"));
	cr_expect(problem_has_field(&pb, "/created_at"));
	problem_release(&pb);
}

Test(organisation, the_second_stage_reports_all_its_errors_at_once)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{" VALID ",\"org_number\":\"212000-1356\",\"website\":\"ftp://x\","
	                    "\"email\":\"xyz\",\"phone\":\"abc\",\"umbrella_id\":"
	                    "\"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz\"}",
	                    ORGANISATION_CREATE, false, &pb);

	cr_expect_null(out);
	cr_expect_eq(json_array_size(pb.errors), 5);
	cr_expect(problem_has_field(&pb, "/org_number"));
	cr_expect(problem_has_field(&pb, "/website"));
	cr_expect(problem_has_field(&pb, "/email"));
	cr_expect(problem_has_field(&pb, "/phone"));
	cr_expect(problem_has_field(&pb, "/umbrella_id"));
	problem_release(&pb);
}

/*
 * bug (minor): organisation.h says organisation_input returns NULL "with every problem added
 * to pb", but organisation.c returns as soon as fields_check fails, so the checks of the second
 * stage (org_number, umbrella_id, website, email, phone, status) are skipped: a body with a
 * one-letter name and phone "abc" gets only /name. Expected: both /name and /phone.
 */
Test(organisation, table_and_second_stage_errors_come_together)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{\"name\":\"x\",\"kind\":\"forening\",\"phone\":\"abc\"}",
	                    ORGANISATION_CREATE, false, &pb);

	cr_expect_null(out);
	cr_expect(problem_has_field(&pb, "/name"));
	cr_expect(problem_has_field(&pb, "/phone"));
	problem_release(&pb);
}

Test(organisation, status_in_a_patch)
{
	static const struct {
		char body[80];
		bool admin;
		bool ok;
	} cases[] = {
	    {"{\"status\":\"pending\"}", true, true},
	    {"{\"status\":\"verified\"}", true, true},
	    {"{\"status\":\"rejected\",\"status_reason\":\"not a legal person\"}", true, true},
	    {"{\"status\":\"inactive\",\"status_reason\":null}", true, true},
	    {"{\"status_reason\":\"x\"}", true, true},
	    {"{\"status\":\"Verified\"}", true, false},
	    {"{\"status\":\"deleted\"}", true, false},
	    {"{\"status\":\"\"}", true, false},
	    {"{\"status\":null}", true, false},
	    {"{\"status\":1}", true, false},
	    {"{\"status\":\"verified\"}", false, false},
	    {"{\"status\":\"pending\"}", false, false},
	    {"{\"status_reason\":\"x\"}", false, false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];
		json_t *out = input(cases[i].body, ORGANISATION_PATCH, cases[i].admin, &pb);

		if (cases[i].ok) {
			cr_expect_not_null(out, "case %zu: %s refused: %s", i, cases[i].body,
			                   fields_of(&pb, list, sizeof(list)));
		} else {
			cr_expect_null(out, "case %zu: %s accepted", i, cases[i].body);
			cr_expect_eq(json_array_size(pb.errors), 1, "case %zu", i);
			cr_expect(problem_has_field(&pb, strstr(cases[i].body, "reason") ? "/status_reason"
			                                                         : "/status"),
			          "case %zu: %s", i, fields_of(&pb, list, sizeof(list)));
		}
		json_decref(out);
		problem_release(&pb);
	}
}

Test(organisation, an_upsert_never_takes_a_status)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{" VALID ",\"status\":\"verified\"}", ORGANISATION_UPSERT, true, &pb);

	cr_expect_null(out);
	cr_expect(problem_has_field(&pb, "/status"));
	problem_release(&pb);
}

Test(organisation, website_ok)
{
	static const struct {
		char in[48];
		bool ok;
	} cases[] = {
	    {"https://example.se", true},
	    {"http://example.se/", true},
	    {"https://example.se:8443/a/b?c=d&e=f#g", true},
	    {"https://xn--bl-wia.se/", true},
	    {"https://example.se/%C3%A5", true},
	    {"HTTPS://EXAMPLE.SE", true},
	    {"", false},
	    {"javascript:alert(1)", false},
	    {"ftp://x", false},
	    {"http://", false},
	    {"https://", false},
	    {"https:///path", false},
	    {"https://?q", false},
	    {"https://#f", false},
	    {"https://a b", false},
	    {"https://a\tb", false},
	    {"https://blå.se", false},
	    {"https://example.se/\"x\"", false},
	    {"https://example.se/<script>", false},
	    {"data:text/html,x", false},
	    {"http:/example.se", false},
	    {" https://example.se", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(organisation_website_ok(cases[i].in), cases[i].ok, "case %zu: %s", i,
		             cases[i].in);
}

Test(organisation, website_normalise)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: refused */
	} cases[] = {
	    {"https://solglantan.se", "https://solglantan.se"},
	    {"HTTP://Example.se/x", "HTTP://Example.se/x"},
	    {"solglantan.se", "https://solglantan.se"},
	    {"www.solglantan.se/om-oss?x=1#y", "https://www.solglantan.se/om-oss?x=1#y"},
	    {"solglantan.se:8443", "https://solglantan.se:8443"},
	    {"xn--bl-wia.se", "https://xn--bl-wia.se"},
	    {"a-b.c-d.se/", "https://a-b.c-d.se/"},
	    {"solglantan", NULL},
	    {"ingen", NULL},
	    {"1.2.3.4", NULL},
	    {"solglantan.se:", NULL},
	    {"solglantan.se:123456", NULL},
	    {"solglantan.se:80x", NULL},
	    {"-solglantan.se", NULL},
	    {"solglantan-.se", NULL},
	    {"solglantan..se", NULL},
	    {".se", NULL},
	    {"solglantan.se.", NULL},
	    {"blå.se", NULL},
	    {"solglantan.se/a b", NULL},
	    {"javascript:alert(1)", NULL},
	    {"mailto:a@solglantan.se", NULL},
	    {"ftp://solglantan.se", NULL},
	    {"//solglantan.se", NULL},
	    {"/om-oss", NULL},
	    {"", NULL},
	};
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = organisation_website_normalise(cases[i].in, out, sizeof(out));

		cr_expect_eq(ok, cases[i].out != NULL, "case %zu: %s", i, cases[i].in);
		if (ok && cases[i].out)
			cr_expect_str_eq(out, cases[i].out, "case %zu", i);
	}
	/* too long for the buffer: refused, never cut */
	cr_expect_not(organisation_website_normalise("solglantan.se/abcdefgh", out, 20));
}

Test(organisation, website_without_scheme_stored_with_https)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{" VALID ",\"website\":\"solglantan.se\"}", ORGANISATION_CREATE, false, &pb);

	cr_assert_not_null(out);
	cr_expect_str_eq(json_string_value(json_object_get(out, "website")), "https://solglantan.se");
	json_decref(out);
	problem_release(&pb);
}

Test(organisation, phone_ok)
{
	static const struct {
		char in[40];
		bool ok;
	} cases[] = {
	    {"12345", true},
	    {"031-123 45 67", true},
	    {"+46 31 123 45 67", true},
	    {"+46 (0)31-1234567", true},
	    {"", false},
	    {"abc", false},
	    {"123", false},
	    {"1234", false},
	    {"+-() ", false},
	    {"031/123 45 67", false},
	    {"031.123.45.67", false},
	    {"031-123 45 67 ext 5", false},
	    {"\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5", false}, /* Arabic-Indic digits */
	    {"12345\n", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(organisation_phone_ok(cases[i].in), cases[i].ok, "case %zu: %s", i,
		             cases[i].in);
}

/* Allocation counting (docs/conventions.md, "Ownership"): every jansson allocation must be freed again. */
static long live_allocations;

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		live_allocations++;
	return p;
}

static void counting_free(void *p)
{
	if (p)
		live_allocations--;
	free(p);
}

Test(organisation, the_copy_and_the_problem_free_cleanly)
{
	static const struct {
		char body[200];
		enum organisation_mode mode;
		bool admin;
	} cases[] = {
	    /* accepted: a copy with replaced org_number and name */
	    {"{\"name\":\" Blå Bandet \",\"kind\":\"forening\",\"org_number\":\"2120001355\","
	     "\"areas\":[\"a\",\"b\"]}",
	     ORGANISATION_CREATE, false},
	    {"{\"status\":\"verified\",\"status_reason\":\"ok\"}", ORGANISATION_PATCH, true},
	    /* refused by the field table */
	    {"{\"name\":1,\"id\":\"x\",\"foo\":[1,2,3]}", ORGANISATION_CREATE, false},
	    /* refused after the copy was made */
	    {"{\"name\":\"Blå Bandet\",\"kind\":\"forening\",\"org_number\":\"2120001356\","
	     "\"phone\":\"abc\"}",
	     ORGANISATION_CREATE, false},
	    {"{\"status\":\"deleted\"}", ORGANISATION_PATCH, true},
	};

	json_set_alloc_funcs(counting_malloc, counting_free);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		json_error_t err;
		json_t *body = json_loads(cases[i].body, 0, &err);
		json_t *out;

		cr_assert_not_null(body, "case %zu: %s", i, err.text);
		cr_assert_gt(live_allocations, 0, "the counter sees jansson's allocations");
		out = organisation_input(body, cases[i].mode, cases[i].admin, &pb);
		cr_expect_eq(out == NULL, pb.errors != NULL, "case %zu", i);
		json_decref(body);
		json_decref(out);
		problem_release(&pb);
		cr_expect_eq(live_allocations, 0, "case %zu: %ld jansson allocations leaked", i,
		             live_allocations);
		live_allocations = 0;
	}
}

/*
 * Finding 6 of the security review: an org_number that fails both the field table (too long)
 * and normalisation once made the copy read an unset buffer. valgrind (tests/unit/valgrind.sh,
 * part of the test command) reports that read; here the answer must name the field once.
 */
Test(organisation, an_org_number_bad_twice_reads_nothing_unset)
{
	struct problem pb = PROBLEM_INIT;
	json_t *out = input("{" VALID ",\"org_number\":\"12345678901234567890123\"}",
	                    ORGANISATION_CREATE, false, &pb);

	cr_expect_null(out);
	cr_expect(problem_has_field(&pb, "/org_number"));
	json_decref(out);
	problem_release(&pb);
}
