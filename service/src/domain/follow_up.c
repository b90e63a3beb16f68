/* follow_up.c -- see follow_up.h */
#include "domain/follow_up.h"
#include "domain/fields.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

/* Codes a-z, 0-9, _ (principles), each item at most once. */
static void check_codes(const json_t *body, const char *name, struct problem *pb)
{
	const json_t *item;
	size_t i;
	char pointer[64];

	snprintf(pointer, sizeof(pointer), "/%s", name);
	json_array_foreach(json_object_get(body, name), i, item)
	{
		const char *code = json_string_value(item);

		if (!code[0] || code[0] < 'a' || code[0] > 'z' || strlen(code) > 40 ||
		    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)) {
			problem_add_error(pb, pointer, "each is a principle code (a-z, 0-9, _)");
			return;
		}
	}
}

static void check_numbers(const json_t *body, struct problem *pb)
{
	const json_t *item;
	size_t i;

	json_array_foreach(json_object_get(body, "commitments"), i, item)
	{
		if (!json_is_integer(item) || json_integer_value(item) < 1 ||
		    json_integer_value(item) > 200) {
			problem_add_error(pb, "/commitments",
					  "each is a commitment's number in the agreement, from 1");
			return;
		}
	}
}

int commitment_plan_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"city_owner", FIELD_STRING, FIELD_NULLABLE | FIELD_TRIM, 1, 300},
		{"organisation_owners", FIELD_STRING_ARRAY, 0, 0, 50},
		{"indicators", FIELD_STRING_ARRAY, 0, 0, 20},
		{"principles", FIELD_STRING_ARRAY, 0, 0, 20},
		{"number", FIELD_INTEGER, FIELD_READ_ONLY},
		{"party", FIELD_STRING, FIELD_READ_ONLY},
		{"text", FIELD_STRING, FIELD_READ_ONLY},
		{"entries", FIELD_ARRAY, FIELD_READ_ONLY},
		{NULL},
	};
	const json_t *item;
	size_t i;

	if (fields_check(body, fields, pb))
		return -1;
	json_array_foreach(json_object_get(body, "organisation_owners"), i, item)
	{
		if (!uuid_syntax_ok(json_string_value(item))) {
			problem_add_error(pb, "/organisation_owners", "each is an organisation id");
			break;
		}
	}
	json_array_foreach(json_object_get(body, "indicators"), i, item)
	{
		size_t n = utf8_length(json_string_value(item));

		if (n < 1 || n > 500) {
			problem_add_error(pb, "/indicators", "each indicator is 1 to 500 characters");
			break;
		}
	}
	check_codes(body, "principles", pb);
	return pb->errors ? -1 : 0;
}

int follow_up_entry_check(const json_t *body, struct problem *pb)
{
	static const char *const statuses[] = {"not_started", "ongoing", "done", "discontinued",
					       NULL};
	static const struct field_spec fields[] = {
		{"status", FIELD_STRING, FIELD_REQUIRED, 1, 20, statuses},
		{"text", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 10000},
		{"id", FIELD_STRING, FIELD_READ_ONLY},
		{"year", FIELD_INTEGER, FIELD_READ_ONLY},
		{"commitment", FIELD_INTEGER, FIELD_READ_ONLY},
		{"author", FIELD_OBJECT, FIELD_READ_ONLY},
		{NULL},
	};

	return fields_check(body, fields, pb);
}

#define ACTIVITY_FIELDS(req)                                                                   \
	{"title", FIELD_STRING, (req) | FIELD_TRIM, 1, 300},                                   \
	{"description", FIELD_STRING, FIELD_NULLABLE, 0, 5000},                                \
	{"principles", FIELD_STRING_ARRAY, 0, 0, 20},                                          \
	{"commitments", FIELD_ARRAY, 0, 0, 200},                                               \
	{"responsible", FIELD_STRING, (req) | FIELD_TRIM, 1, 300},                             \
	{"starts_on", FIELD_DATE, (req)},                                                      \
	{"ends_on", FIELD_DATE, (req)},                                                        \
	{"budget_sek", FIELD_INTEGER, FIELD_NULLABLE, 0, 1000000000000L},                      \
	{"id", FIELD_STRING, FIELD_READ_ONLY},                                                 \
	{"year", FIELD_INTEGER, FIELD_READ_ONLY},                                              \
	{"demo", FIELD_BOOLEAN, FIELD_READ_ONLY}

static const struct field_spec activity_create[] = {ACTIVITY_FIELDS(FIELD_REQUIRED), {NULL}};
static const struct field_spec activity_patch[] = {ACTIVITY_FIELDS(0), {NULL}};

int activity_check(const json_t *body, bool create, struct problem *pb)
{
	const char *from, *to;

	if (fields_check(body, create ? activity_create : activity_patch, pb))
		return -1;
	check_codes(body, "principles", pb);
	check_numbers(body, pb);
	from = fields_string(body, "starts_on");
	to = fields_string(body, "ends_on");
	if (from && to && strcmp(to, from) < 0)
		problem_add_error(pb, "/ends_on", "must not be before starts_on");
	return pb->errors ? -1 : 0;
}

long follow_up_number(const char *s, long min, long max)
{
	long n = 0;

	if (!s || !s[0] || strlen(s) > 6 || strspn(s, "0123456789") != strlen(s) || s[0] == '0')
		return -1;
	for (const char *p = s; *p; p++)
		n = n * 10 + (*p - '0');
	return n >= min && n <= max ? n : -1;
}
