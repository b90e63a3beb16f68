/* organisation.c -- see organisation.h */
#include "domain/organisation.h"
#include "domain/fields.h"
#include "util/orgnr.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define WRITABLE_FIELDS(name_flags, kind_flags)                                       \
	{"org_number", FIELD_STRING, FIELD_NULLABLE, 1, 20},                          \
	{"name", FIELD_STRING, (name_flags) | FIELD_TRIM, 2, 200},                    \
	{"kind", FIELD_STRING, (kind_flags), 1, 40},                                  \
	{"umbrella_id", FIELD_STRING, FIELD_NULLABLE, 36, 36},                        \
	{"areas", FIELD_STRING_ARRAY, 0, 0, 20},                                      \
	{"districts", FIELD_STRING_ARRAY, 0, 0, 10},                                  \
	{"description", FIELD_STRING, FIELD_NULLABLE, 0, 5000},                       \
	{"website", FIELD_STRING, FIELD_NULLABLE, 1, 500},                            \
	{"email", FIELD_STRING, FIELD_NULLABLE, 3, 254},                              \
	{"phone", FIELD_STRING, FIELD_NULLABLE, 1, 40},                               \
	{"member_count", FIELD_INTEGER, FIELD_NULLABLE, 0, 10000000},                 \
	{"id", FIELD_STRING, FIELD_READ_ONLY, 0, 0},                                  \
	{"legal_form", FIELD_STRING, FIELD_READ_ONLY, 0, 0},                          \
	{"endorsement", FIELD_OBJECT, FIELD_READ_ONLY, 0, 0},                         \
	{"created_at", FIELD_STRING, FIELD_READ_ONLY, 0, 0},                          \
	{"updated_at", FIELD_STRING, FIELD_READ_ONLY, 0, 0}

static const struct field_spec create_fields[] = {
	WRITABLE_FIELDS(FIELD_REQUIRED, FIELD_REQUIRED),
	{"status", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"status_reason", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec member_patch_fields[] = {
	WRITABLE_FIELDS(0, 0),
	{"status", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"status_reason", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec admin_patch_fields[] = {
	WRITABLE_FIELDS(0, 0),
	{"status", FIELD_STRING, 0, 1, 20},
	{"status_reason", FIELD_STRING, FIELD_NULLABLE, 0, 1000},
	{NULL, 0, 0, 0, 0},
};

bool organisation_website_ok(const char *s)
{
	return fields_url_ok(s);
}

bool organisation_phone_ok(const char *s)
{
	int digits = 0;

	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" +-()", *p))
			return false;
	}
	return digits >= 5;
}

static bool uuid_like(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

static const char *const statuses[] = {"pending", "verified", "rejected", "inactive"};

json_t *organisation_input(const json_t *body, enum organisation_mode mode, bool admin,
			   struct problem *pb)
{
	const struct field_spec *specs = mode == ORGANISATION_CREATE ? create_fields
					 : admin && mode == ORGANISATION_PATCH ? admin_patch_fields
									     : member_patch_fields;
	char trimmed[801];
	const char *s;
	json_t *out;

	/* the checks below run even when the table found errors: every bad field is named */
	if (fields_check(body, specs, pb) && !json_is_object(body))
		return NULL;
	out = json_deep_copy(body);
	s = fields_string(body, "org_number");
	if (s) {
		char norm[12];
		enum orgnr_result r = orgnr_normalise(s, norm);

		/* norm is written only on ORGNR_OK: never read it otherwise */
		if (r != ORGNR_OK) {
			if (!problem_has_field(pb, "/org_number"))
				problem_add_error(pb, "/org_number", orgnr_message(r));
		} else {
			json_object_set_new(out, "org_number", json_string(norm));
		}
	}
	if (fields_trimmed(body, "name", trimmed, sizeof(trimmed)))
		json_object_set_new(out, "name", json_string(trimmed));
	s = fields_string(body, "umbrella_id");
	if (s && !uuid_like(s) && !problem_has_field(pb, "/umbrella_id"))
		problem_add_error(pb, "/umbrella_id", "must be the id of an organisation");
	s = fields_string(body, "website");
	if (s && !organisation_website_ok(s) && !problem_has_field(pb, "/website"))
		problem_add_error(pb, "/website", "must be an http:// or https:// address");
	s = fields_string(body, "email");
	if (s && !fields_email_ok(s) && !problem_has_field(pb, "/email"))
		problem_add_error(pb, "/email", "must be an e-mail address");
	s = fields_string(body, "phone");
	if (s && !organisation_phone_ok(s) && !problem_has_field(pb, "/phone"))
		problem_add_error(pb, "/phone", "must be a phone number: digits, spaces and + - ( )");
	s = fields_string(body, "status");
	if (s) {
		bool known = false;

		for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
			known = known || strcmp(statuses[i], s) == 0;
		if (!known && !problem_has_field(pb, "/status"))
			problem_add_error(pb, "/status",
					  "must be pending, verified, rejected or inactive");
	}
	if (pb->errors) {
		json_decref(out);
		return NULL;
	}
	return out;
}
