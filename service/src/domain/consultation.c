/* consultation.c -- see consultation.h */
#include "domain/consultation.h"
#include "domain/fields.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

int consultation_settings_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"consultation_closes_at", FIELD_TIMESTAMP, FIELD_REQUIRED},
		{"agreement_id", FIELD_STRING, FIELD_READ_ONLY},
		{"state", FIELD_STRING, FIELD_READ_ONLY},
		{"response_count", FIELD_INTEGER, FIELD_READ_ONLY},
		{NULL},
	};

	return fields_check(body, fields, pb);
}

#define RESPONSE_FIELDS(req)                                                                   \
	{"body", FIELD_STRING, (req) | FIELD_TRIM, 1, 20000},                                  \
	{"principles", FIELD_STRING_ARRAY, 0, 0, 20},                                          \
	{"commitments", FIELD_ARRAY, 0, 0, 200},                                               \
	{"not_for_publication", FIELD_BOOLEAN, 0},                                             \
	{"id", FIELD_STRING, FIELD_READ_ONLY},                                                 \
	{"agreement_id", FIELD_STRING, FIELD_READ_ONLY},                                       \
	{"organisation", FIELD_OBJECT, FIELD_READ_ONLY},                                       \
	{"status", FIELD_STRING, FIELD_READ_ONLY},                                             \
	{"withheld", FIELD_BOOLEAN, FIELD_READ_ONLY},                                          \
	{"comment", FIELD_STRING, FIELD_READ_ONLY},                                            \
	{"commented_at", FIELD_STRING, FIELD_READ_ONLY},                                       \
	{"submitted_at", FIELD_STRING, FIELD_READ_ONLY},                                       \
	{"submitted_by", FIELD_OBJECT, FIELD_READ_ONLY},                                       \
	{"updated_at", FIELD_STRING, FIELD_READ_ONLY},                                         \
	{"withdrawn_at", FIELD_STRING, FIELD_READ_ONLY}

static const struct field_spec create_fields[] = {
	{"organisation_id", FIELD_STRING, FIELD_REQUIRED, 36, 36},
	RESPONSE_FIELDS(FIELD_REQUIRED),
	{NULL},
};
static const struct field_spec edit_fields[] = {
	{"organisation_id", FIELD_STRING, FIELD_READ_ONLY},
	RESPONSE_FIELDS(0),
	{NULL},
};

int consultation_response_check(const json_t *body, bool create, struct problem *pb)
{
	const json_t *item;
	size_t i;

	if (fields_check(body, create ? create_fields : edit_fields, pb))
		return -1;
	if (create && !uuid_syntax_ok(fields_string(body, "organisation_id")))
		problem_add_error(pb, "/organisation_id", "must be an organisation id");
	json_array_foreach(json_object_get(body, "principles"), i, item)
	{
		const char *code = json_string_value(item);

		if (!code[0] || code[0] < 'a' || code[0] > 'z' || strlen(code) > 40 ||
		    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)) {
			problem_add_error(pb, "/principles", "each is a principle code (a-z, 0-9, _)");
			break;
		}
	}
	json_array_foreach(json_object_get(body, "commitments"), i, item)
	{
		if (!json_is_integer(item) || json_integer_value(item) < 1 ||
		    json_integer_value(item) > 200) {
			problem_add_error(pb, "/commitments",
					  "each is a commitment's number in the agreement, from 1");
			break;
		}
	}
	return pb->errors ? -1 : 0;
}

int consultation_comment_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"comment", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 20000},
		{NULL},
	};

	return fields_check(body, fields, pb);
}
