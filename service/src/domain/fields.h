/*
 * fields.h -- table-driven checks of a JSON request body: unknown and read-only fields,
 * required fields, types, lengths (in Unicode characters, after trimming where asked) and
 * nullability. Every failure becomes one {field, message} in a 422 problem, so a client sees
 * all that is wrong at once and nothing is silently ignored (no mass assignment).
 * Pure: jansson only, unit-tested.
 */
#ifndef IDEKOM_FIELDS_H
#define IDEKOM_FIELDS_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum field_type {
	FIELD_STRING,
	FIELD_BOOLEAN,
	FIELD_INTEGER,
	FIELD_STRING_ARRAY,
	FIELD_OBJECT,
	FIELD_ARRAY,
	FIELD_TIMESTAMP, /* an RFC 3339 date-time with Z or an offset */
	FIELD_DATE,      /* YYYY-MM-DD */
};

enum field_flags {
	FIELD_REQUIRED = 1 << 0,
	FIELD_READ_ONLY = 1 << 1, /* known, but never accepted in a body: 422 */
	FIELD_NULLABLE = 1 << 2,  /* null is accepted (it clears the value) */
	FIELD_TRIM = 1 << 3,      /* the length is counted after trimming white space */
};

struct field_spec {
	const char *name;
	enum field_type type;
	unsigned flags;
	long min; /* string: min characters; integer: min value; array: min items */
	long max; /* string: max characters; integer: max value; array: max items; 0: none */
	const char *const *choices; /* NULL-terminated allowed values of a string or its items */
};

/* A spec table ends with an entry whose name is NULL. */

/*
 * Checks body against specs, adding one error per bad field to pb (which then has status
 * 422). A body that is not an object gets one error for the field "". Returns 0 when all is
 * well, -1 otherwise.
 */
int fields_check(const json_t *body, const struct field_spec *specs, struct problem *pb);

/* Borrowed string value of field name, or NULL when absent or null. */
const char *fields_string(const json_t *body, const char *name);

/*
 * Copies the value of name, trimmed of leading and trailing white space, into out. Returns
 * out, or NULL when the field is absent or null.
 */
char *fields_trimmed(const json_t *body, const char *name, char *out, size_t outlen);

/* True for an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
bool fields_timestamp_ok(const char *s);

/* True for a calendar date YYYY-MM-DD (month 1..12, day 1..31). */
bool fields_date_ok(const char *s);

/* True for an http:// or https:// URL with a host, in RFC 3986 characters. */
bool fields_url_ok(const char *s);

/* True when s is in the NULL-terminated list choices. */
bool fields_one_of(const char *s, const char *const *choices);

/* True when s looks like an e-mail address: local@domain.tld, no spaces, at most 254 bytes. */
bool fields_email_ok(const char *s);

#endif
