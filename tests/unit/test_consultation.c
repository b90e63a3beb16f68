/* test_consultation.c -- domain/consultation.h: the bodies of a consultation. */
#include "domain/consultation.h"

#include <criterion/criterion.h>
#include <string.h>

enum { SETTINGS, CREATE, EDIT, COMMENT };

static int run(const char *text, int what, struct problem *pb)
{
	json_error_t err;
	json_t *body = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	int rc;

	cr_assert_not_null(body, "test JSON %s: %s", text, err.text);
	if (what == SETTINGS)
		rc = consultation_settings_check(body, pb);
	else if (what == COMMENT)
		rc = consultation_comment_check(body, pb);
	else
		rc = consultation_response_check(body, what == CREATE, pb);
	json_decref(body);
	return rc;
}

static const char *first_field(const struct problem *pb)
{
	return json_string_value(json_object_get(json_array_get(pb->errors, 0), "field"));
}

Test(consultation, cases)
{
	static const struct {
		const char *json;
		int what;
		const char *field; /* NULL: valid */
	} cases[] = {
		{"{\"consultation_closes_at\":\"2026-04-30T22:00:00Z\"}", SETTINGS, NULL},
		{"{\"consultation_closes_at\":\"2026-04-30\"}", SETTINGS, "/consultation_closes_at"},
		{"{}", SETTINGS, "/consultation_closes_at"},
		{"{\"organisation_id\":\"3f6c2a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\",\"body\":\"Hej\"}", CREATE,
		 NULL},
		{"{\"organisation_id\":\"3f6c2a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\"}", CREATE, "/body"},
		{"{\"organisation_id\":\"x\",\"body\":\"Hej\"}", CREATE, "/organisation_id"},
		{"{\"body\":\"Hej\",\"principles\":[\"Dialog\"]}", EDIT, "/principles"},
		{"{\"body\":\"Hej\",\"principles\":[\"dialog\"],\"commitments\":[1,200]}", EDIT, NULL},
		{"{\"commitments\":[201]}", EDIT, "/commitments"},
		{"{\"commitments\":[\"1\"]}", EDIT, "/commitments"},
		{"{\"not_for_publication\":\"yes\"}", EDIT, "/not_for_publication"},
		{"{\"organisation_id\":\"3f6c2a1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b\"}", EDIT,
		 "/organisation_id"},
		{"{\"comment\":\"Beaktat.\"}", COMMENT, NULL},
		{"{\"comment\":\" \"}", COMMENT, "/comment"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		int rc = run(cases[i].json, cases[i].what, &pb);

		if (!cases[i].field) {
			cr_assert_eq(rc, 0, "%s should be valid", cases[i].json);
		} else {
			cr_assert_eq(rc, -1, "%s should be refused", cases[i].json);
			cr_assert_str_eq(first_field(&pb), cases[i].field, "%s", cases[i].json);
		}
		problem_release(&pb);
	}
}
