/* test_problem.c -- http/problem.h: type/title table, JSON Pointers, errors, document shape. */
#include "http/problem.h"
#include "http/problem_code.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

Test(problem, type_and_title_for_every_documented_status)
{
	/* docs/decisions.md, "Conventions" */
	static const struct {
		int status;
		char type[40];
		char title[32];
	} cases[] = {
		{400, "/problems/bad-request", "Bad request"},
		{401, "/problems/unauthorized", "Unauthorized"},
		{403, "/problems/forbidden", "Forbidden"},
		{404, "/problems/not-found", "Not found"},
		{405, "/problems/method-not-allowed", "Method not allowed"},
		{409, "/problems/conflict", "Conflict"},
		{412, "/problems/precondition-failed", "Precondition failed"},
		{413, "/problems/payload-too-large", "Payload too large"},
		{415, "/problems/unsupported-media-type", "Unsupported media type"},
		{422, "/problems/validation", "Validation failed"},
		{428, "/problems/precondition-required", "Precondition required"},
		{429, "/problems/too-many-requests", "Too many requests"},
		{500, "/problems/internal", "Internal error"},
		{503, "/problems/unavailable", "Service unavailable"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_str_eq(problem_type(cases[i].status), cases[i].type, "%d",
		                 cases[i].status);
		cr_expect_str_eq(problem_title(cases[i].status), cases[i].title, "%d",
		                 cases[i].status);
	}
}

Test(problem, unlisted_statuses_fall_back)
{
	cr_expect_str_eq(problem_type(418), "/problems/bad-request");
	cr_expect_str_eq(problem_type(502), "/problems/internal");
	cr_expect_str_eq(problem_title(0), "Internal error");
}

Test(problem, set_formats_the_detail)
{
	struct problem pb = PROBLEM_INIT;
	char long_text[400];

	cr_expect_eq(problem_set(&pb, 404, "no user %s (%d)", "x", 7), &pb);
	cr_expect_eq(pb.status, 404);
	cr_expect_str_eq(pb.detail, "no user x (7)");
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	problem_set(&pb, 400, "%s", long_text);
	cr_expect_eq(strlen(pb.detail), sizeof(pb.detail) - 1);
	problem_release(&pb);
}

Test(problem, field_pointer_escapes_tilde_and_slash)
{
	static const struct {
		char name[16];
		char want[32];
	} cases[] = {
		{"email", "/email"}, {"a/b", "/a~1b"}, {"m~n", "/m~0n"},
		{"~/", "/~0~1"},     {"", "/"},        {"~1", "/~01"},
	};
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		problem_field_pointer(cases[i].name, out, sizeof(out));
		cr_expect_str_eq(out, cases[i].want, "case %zu", i);
	}
}

Test(problem, field_pointer_truncates_inside_the_buffer)
{
	char out[8];

	memset(out, 'X', sizeof(out));
	problem_field_pointer("abcdefghijkl", out, sizeof(out));
	cr_expect_lt(strlen(out), sizeof(out));
	cr_expect_eq(strncmp(out, "/abc", 4), 0);

	/* an escape is never cut in half */
	problem_field_pointer("abcd/////", out, sizeof(out));
	cr_expect_lt(strlen(out), sizeof(out));
	cr_expect_neq(out[strlen(out) - 1], '~', "got %s", out);

	problem_field_pointer("x", out, 1);
	cr_expect_eq(out[0], '\0');
}

Test(problem, add_error_makes_it_a_422)
{
	struct problem pb = PROBLEM_INIT;

	problem_set(&pb, 400, "%s", "");
	problem_add_error(&pb, "/email", "must be an address");
	problem_add_error(&pb, "", "the body must be a JSON object");
	cr_expect_eq(pb.status, 422);
	cr_assert(json_is_array(pb.errors));
	cr_assert_eq(json_array_size(pb.errors), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(pb.errors, 0), "field")),
	                 "/email");
	cr_expect_str_eq(
	    json_string_value(json_object_get(json_array_get(pb.errors, 1), "message")),
		"the body must be a JSON object");
	cr_expect_neq(pb.detail[0], '\0', "a 422 gets a default detail");
	problem_release(&pb);
	cr_expect_null(pb.errors);
	cr_expect_eq(pb.status, 0);
}

Test(problem, add_error_keeps_an_existing_detail)
{
	struct problem pb = PROBLEM_INIT;

	problem_set(&pb, 400, "the name is taken");
	problem_add_error(&pb, "/name", "is taken");
	cr_expect_str_eq(pb.detail, "the name is taken");
	problem_release(&pb);
}

Test(problem, to_json_shape)
{
	struct problem pb = PROBLEM_INIT;
	json_t *doc;

	problem_set(&pb, 404, "no such user");
	doc = problem_to_json(&pb, "req-1");
	cr_assert_not_null(doc);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "type")), "/problems/not-found");
	cr_expect_str_eq(json_string_value(json_object_get(doc, "title")), "Not found");
	cr_expect_eq(json_integer_value(json_object_get(doc, "status")), 404);
	cr_expect(json_is_integer(json_object_get(doc, "status")));
	cr_expect_str_eq(json_string_value(json_object_get(doc, "detail")), "no such user");
	cr_expect_str_eq(json_string_value(json_object_get(doc, "request_id")), "req-1");
	cr_expect_null(json_object_get(doc, "errors"), "no errors key without errors");
	cr_expect_eq(json_object_size(doc), 5);
	json_decref(doc);
	problem_release(&pb);
}

Test(problem, to_json_with_errors_and_without_request_id)
{
	struct problem pb = PROBLEM_INIT;
	json_t *doc, *errors;

	problem_add_error(&pb, "/a~1b", "is not a field of this resource");
	doc = problem_to_json(&pb, NULL);
	cr_assert_not_null(doc);
	cr_expect_eq(json_integer_value(json_object_get(doc, "status")), 422);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "type")), "/problems/validation");
	cr_expect_null(json_object_get(doc, "request_id"));
	errors = json_object_get(doc, "errors");
	cr_assert(json_is_array(errors));
	cr_assert_eq(json_array_size(errors), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
	                 "/a~1b");
	cr_expect(json_is_string(json_object_get(doc, "detail")));
	json_decref(doc);
	/* the document held its own reference: pb's errors are intact */
	cr_expect_eq(json_array_size(pb.errors), 1);
	problem_release(&pb);
}

Test(problem, to_json_of_an_empty_problem_is_a_500)
{
	struct problem pb = PROBLEM_INIT;
	json_t *doc = problem_to_json(&pb, NULL);

	cr_assert_not_null(doc);
	cr_expect_eq(json_integer_value(json_object_get(doc, "status")), 500);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "detail")), "Internal error");
	json_decref(doc);
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

Test(problem, no_leak_after_release_and_decref)
{
	struct problem pb = PROBLEM_INIT;
	json_t *doc;
	char *text;

	json_set_alloc_funcs(counting_malloc, counting_free);
	problem_set(&pb, 422, "fields");
	problem_add_error(&pb, "/a", "one");
	problem_add_error(&pb, "/b", "two");
	/* not UTF-8: still counted (unnamed), so a bad field can never pass; must not leak */
	problem_add_error(&pb, "/c", "\xff not UTF-8");
	cr_expect_eq(json_array_size(pb.errors), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(pb.errors, 2), "field")),
			 "");
	doc = problem_to_json(&pb, "rid");
	cr_assert_not_null(doc);
	text = json_dumps(doc, JSON_COMPACT);
	cr_assert_not_null(text);
	cr_expect_gt(live_allocations, 0);
	counting_free(text);
	json_decref(doc);
	cr_expect_gt(live_allocations, 0, "pb still owns its errors");
	problem_release(&pb);
	cr_expect_eq(live_allocations, 0, "%ld jansson allocations leaked", live_allocations);
}

Test(problem, every_error_carries_a_code_and_the_limits_its_message_states)
{
	struct problem pb = PROBLEM_INIT;
	const json_t *e;

	problem_add_error(&pb, "/name", "must be 2 to 200 characters long");
	problem_add_error(&pb, "/slug", "is already taken");
	problem_add_error(&pb, "/x", "a message nobody mapped");
	problem_add_error_coded(&pb, "/title", "too_long", "must be 2 to 300 characters long", 2,
				PROBLEM_NO_LIMIT);
	e = json_array_get(pb.errors, 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "length");
	cr_expect_eq(json_integer_value(json_object_get(e, "min")), 2);
	cr_expect_eq(json_integer_value(json_object_get(e, "max")), 200);
	e = json_array_get(pb.errors, 1);
	cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "not_unique");
	cr_expect_null(json_object_get(e, "min"));
	e = json_array_get(pb.errors, 2);
	cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "invalid");
	e = json_array_get(pb.errors, 3);
	cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "too_long");
	cr_expect_eq(json_integer_value(json_object_get(e, "min")), 2);
	cr_expect_null(json_object_get(e, "max"));
	problem_release(&pb);
}

Test(problem, a_number_message_is_not_mistaken_for_a_prefix)
{
	long min, max;

	cr_expect_str_eq(problem_code_of("must be 1 to 100000", &min, &max), "out_of_range");
	cr_expect_eq(min, 1);
	cr_expect_eq(max, 100000);
	cr_expect_str_eq(problem_code_of("must be 0 or more", &min, &max), "out_of_range");
	cr_expect_eq(min, 0);
	cr_expect_eq(max, PROBLEM_NO_LIMIT);
	cr_expect_str_eq(problem_code_of("must be 3 to 63 characters of a-z, 0-9 and -", &min, &max),
			 "invalid_format");
	cr_expect_str_eq(problem_code_of(NULL, &min, &max), "invalid");
}

Test(problem, the_follow_up_messages_have_codes)
{
	long min, max;

	cr_expect_str_eq(problem_code_of("each indicator is 1 to 500 characters", &min, &max),
			 "length");
	cr_expect_eq(min, 1);
	cr_expect_eq(max, 500);
	cr_expect_str_eq(problem_code_of("must not be before starts_on", &min, &max),
			 "ends_before_start");
	cr_expect_str_eq(problem_code_of("names a principle or commitment the agreement does not "
					 "have", &min, &max), "unknown_value");
	cr_expect_str_eq(problem_code_of("names an organisation that is not a verified organisation",
					 &min, &max), "not_found");
	cr_expect_str_eq(problem_code_of("each is an organisation id", &min, &max),
			 "invalid_format");
	cr_expect_str_eq(problem_code_of("each is a commitment's number in the agreement, from 1",
					 &min, &max), "unknown_value");
}

Test(problem, a_term_ended_before_it_began_is_ends_before_start)
{
	long min, max;

	/* api.council_member_end (0018) and api.council_member_create (0016) */
	cr_expect_str_eq(problem_code_of("must not be before from", &min, &max), "ends_before_start");
	cr_expect_str_eq(problem_code_of("must be after from", &min, &max), "ends_before_start");
	cr_expect_eq(min, PROBLEM_NO_LIMIT);
}
