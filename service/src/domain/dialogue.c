/* dialogue.c -- see dialogue.h */
#include "domain/dialogue.h"
#include "domain/fields.h"
#include "util/text.h"

#include <string.h>

static const char *const kinds[] = {"dialogmote", "konferens", "radsmote", "arbetsgrupp", NULL};
static const char *const formats[] = {"in_person", "online", "hybrid", NULL};
static const char *const services[] = {"tolk", "teckensprakstolk", "horselslinga", "lattlast",
				       NULL};
static const char *const levels[] = {"information", "consultation", "dialogue", "partnership",
				     NULL};
static const char *const patch_statuses[] = {"scheduled", "held", NULL};

#define DIALOGUE_FIELDS(req)                                                                   \
	{"title", FIELD_STRING, (req) | FIELD_TRIM, 2, 200},                                   \
	{"kind", FIELD_STRING, (req), 1, 40, kinds},                                           \
	{"starts_at", FIELD_TIMESTAMP, (req)},                                                 \
	{"ends_at", FIELD_TIMESTAMP, (req)},                                                   \
	{"location", FIELD_STRING, FIELD_NULLABLE, 0, 300},                                    \
	{"online_url", FIELD_STRING, FIELD_NULLABLE, 1, 500},                                  \
	{"capacity", FIELD_INTEGER, FIELD_NULLABLE, 1, 100000},                                \
	{"registration_open", FIELD_BOOLEAN, 0},                                               \
	{"description", FIELD_STRING, FIELD_NULLABLE, 0, 20000},                               \
	{"agenda", FIELD_STRING, FIELD_NULLABLE, 0, 20000},                                    \
	{"minutes", FIELD_STRING, FIELD_NULLABLE, 0, 20000},                                   \
	{"principles", FIELD_STRING_ARRAY, 0, 0, 20},                                          \
	{"format", FIELD_STRING, 0, 1, 20, formats},                                           \
	{"services", FIELD_STRING_ARRAY, 0, 0, 4, services},                                   \
	{"participation_level", FIELD_STRING, FIELD_NULLABLE, 1, 20, levels},                  \
	{"id", FIELD_STRING, FIELD_READ_ONLY},                                                 \
	{"seats_taken", FIELD_INTEGER, FIELD_READ_ONLY},                                       \
	{"waitlist_length", FIELD_INTEGER, FIELD_READ_ONLY},                                   \
	{"created_at", FIELD_STRING, FIELD_READ_ONLY},                                         \
	{"updated_at", FIELD_STRING, FIELD_READ_ONLY}

static const struct field_spec create_fields[] = {
	DIALOGUE_FIELDS(FIELD_REQUIRED),
	{"status", FIELD_STRING, FIELD_READ_ONLY},
	{NULL},
};

static const struct field_spec patch_fields[] = {
	DIALOGUE_FIELDS(0),
	{"status", FIELD_STRING, 0, 1, 20, patch_statuses},
	{NULL},
};

static bool principle_code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int dialogue_input_check(const json_t *body, bool create, struct problem *pb)
{
	const char *s;
	const json_t *item;
	size_t i;

	if (fields_check(body, create ? create_fields : patch_fields, pb))
		return -1;
	s = fields_string(body, "online_url");
	if (s && !fields_url_ok(s))
		problem_add_error(pb, "/online_url", "must be an http:// or https:// address");
	json_array_foreach(json_object_get(body, "principles"), i, item) if (
		!principle_code_ok(json_string_value(item)))
	{
		problem_add_error(pb, "/principles", "holds a code that is not a principle code");
		break;
	}
	return pb->errors ? -1 : 0;
}

int registration_input_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec fields[] = {
		{"organisation_id", FIELD_STRING, FIELD_REQUIRED, 36, 36},
		{"attendees", FIELD_INTEGER, FIELD_REQUIRED, 1, 50},
		{"note", FIELD_STRING, FIELD_NULLABLE, 0, 1000},
		{NULL},
	};
	const char *id;

	if (fields_check(body, fields, pb))
		return -1;
	id = fields_string(body, "organisation_id");
	if (!uuid_syntax_ok(id)) {
		problem_add_error(pb, "/organisation_id", "must be an organisation id");
		return -1;
	}
	return 0;
}
