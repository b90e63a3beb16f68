/* agreement.c -- see agreement.h */
#include "domain/agreement.h"
#include "domain/fields.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

static const char *const statuses[] = {"draft", "consultation", NULL};
static const char *const parties[] = {"city", "organisations", "both", NULL};

#define AGREEMENT_FIELDS(req)                                                                  \
	{"slug", FIELD_STRING, (req), 3, 63},                                                  \
	{"title", FIELD_STRING, (req) | FIELD_TRIM, 2, 300},                                   \
	{"status", FIELD_STRING, 0, 1, 20, statuses},                                          \
	{"goals", FIELD_STRING_ARRAY, 0, 0, 50},                                               \
	{"principles", FIELD_ARRAY, 0},                                                        \
	{"commitments", FIELD_ARRAY, 0},                                                       \
	{"body", FIELD_STRING, FIELD_NULLABLE, 0, 200000},                                     \
	{"decisions", FIELD_ARRAY, 0},                                                         \
	{"id", FIELD_STRING, FIELD_READ_ONLY},                                                 \
	{"version", FIELD_INTEGER, FIELD_READ_ONLY},                                           \
	{"adopted_at", FIELD_STRING, FIELD_READ_ONLY},                                         \
	{"consultation_closes_at", FIELD_STRING, FIELD_READ_ONLY},                             \
	{"endorsement_count", FIELD_INTEGER, FIELD_READ_ONLY},                                 \
	{"created_at", FIELD_STRING, FIELD_READ_ONLY},                                         \
	{"updated_at", FIELD_STRING, FIELD_READ_ONLY}

static const struct field_spec create_fields[] = {AGREEMENT_FIELDS(FIELD_REQUIRED), {NULL}};
static const struct field_spec patch_fields[] = {AGREEMENT_FIELDS(0), {NULL}};

static const struct field_spec principle_fields[] = {
	{"code", FIELD_STRING, FIELD_REQUIRED, 1, 40},
	{"title", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
	{"description", FIELD_STRING, FIELD_NULLABLE, 0, 5000},
	{NULL},
};

static const struct field_spec commitment_fields[] = {
	{"party", FIELD_STRING, FIELD_REQUIRED, 1, 20, parties},
	{"text", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 5000},
	{NULL},
};

static const struct field_spec decision_fields[] = {
	{"body", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 300},
	{"date", FIELD_DATE, FIELD_REQUIRED},
	{"reference", FIELD_STRING, FIELD_NULLABLE, 0, 100},
	{"summary", FIELD_STRING, FIELD_NULLABLE, 0, 5000},
	{NULL},
};

/*
 * Checks each object of the array field name against specs; errors are named
 * /name/<index>/<field>.
 */
static void check_items(const json_t *body, const char *name, const struct field_spec *specs,
			size_t max_items, struct problem *pb)
{
	const json_t *arr = json_object_get(body, name);
	const json_t *item;
	size_t i;

	if (!json_is_array(arr))
		return;
	if (json_array_size(arr) > max_items) {
		char pointer[64];

		snprintf(pointer, sizeof(pointer), "/%s", name);
		problem_add_error(pb, pointer, "has too many items");
		return;
	}
	json_array_foreach(arr, i, item)
	{
		struct problem one = PROBLEM_INIT;
		const json_t *e;
		size_t j;

		if (!fields_check(item, specs, &one))
			continue;
		json_array_foreach(one.errors, j, e)
		{
			char pointer[160];

			snprintf(pointer, sizeof(pointer), "/%s/%zu%s", name, i,
				 json_string_value(json_object_get(e, "field")));
			problem_add_error(pb, pointer,
					  json_string_value(json_object_get(e, "message")));
		}
		problem_release(&one);
	}
}

static bool slug_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && n <= 63 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int agreement_input_check(const json_t *body, bool create, struct problem *pb)
{
	const json_t *principles, *item;
	const char *slug;
	size_t i;

	if (fields_check(body, create ? create_fields : patch_fields, pb))
		return -1;
	slug = fields_string(body, "slug");
	if (slug && !slug_ok(slug))
		problem_add_error(pb, "/slug", "must be 3 to 63 characters of a-z, 0-9 and -");
	json_array_foreach(json_object_get(body, "goals"), i, item) if (
		utf8_length(json_string_value(item)) < 1 || utf8_length(json_string_value(item)) > 2000)
	{
		problem_add_error(pb, "/goals", "each goal is 1 to 2000 characters");
		break;
	}
	check_items(body, "principles", principle_fields, 20, pb);
	check_items(body, "commitments", commitment_fields, 200, pb);
	check_items(body, "decisions", decision_fields, 100, pb);
	principles = json_object_get(body, "principles");
	json_array_foreach(principles, i, item)
	{
		const char *code = fields_string(item, "code");

		for (size_t j = 0; code && j < i; j++)
			if (json_equal(json_object_get(json_array_get(principles, j), "code"),
				       json_object_get(item, "code"))) {
				problem_add_error(pb, "/principles", "codes must be unique");
				return -1;
			}
		if (code && (code[0] < 'a' || code[0] > 'z' ||
			     strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code))) {
			problem_add_error(pb, "/principles", "a code is a-z, 0-9 and _");
			return -1;
		}
	}
	return pb->errors ? -1 : 0;
}

int adoption_input_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"decision", FIELD_OBJECT, FIELD_REQUIRED},
		{NULL},
	};
	struct problem inner = PROBLEM_INIT;
	const json_t *e;
	size_t i;

	if (fields_check(body, fields, pb))
		return -1;
	if (!fields_check(json_object_get(body, "decision"), decision_fields, &inner))
		return 0;
	json_array_foreach(inner.errors, i, e)
	{
		char pointer[160];

		snprintf(pointer, sizeof(pointer), "/decision%s",
			 json_string_value(json_object_get(e, "field")));
		problem_add_error(pb, pointer, json_string_value(json_object_get(e, "message")));
	}
	problem_release(&inner);
	return -1;
}

int endorsement_input_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"organisation_id", FIELD_STRING, FIELD_REQUIRED, 36, 36},
		{"signatory_name", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
		{"signatory_title", FIELD_STRING, FIELD_NULLABLE, 0, 200},
		{"mandate", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 500},
		{"statement", FIELD_STRING, FIELD_NULLABLE, 0, 2000},
		{NULL},
	};

	if (fields_check(body, fields, pb))
		return -1;
	if (!uuid_syntax_ok(fields_string(body, "organisation_id"))) {
		problem_add_error(pb, "/organisation_id", "must be an organisation id");
		return -1;
	}
	return 0;
}
