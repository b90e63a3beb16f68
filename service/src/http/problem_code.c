/* problem_code.c -- see problem_code.h */
#include "http/problem_code.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *const problem_codes[] = {
	"required",        "too_short",     "too_long",      "length",
	"out_of_range",    "too_few_items", "too_many_items", "wrong_type",
	"unknown_field",   "read_only",     "unknown_value", "invalid_format",
	"not_unique",      "not_found",     "ends_before_start", "cycle",
	"wrong_check_digit", "personal_identity_number", "not_allowed", "too_early",
	"invalid",         NULL,
};

/*
 * Message beginnings and their codes. The messages are written by fields.c, the handlers,
 * the constraint table (handlers/common.c) and the SQL write functions; one table here keeps
 * them all coded without changing the shape of those writes.
 */
static const struct {
	const char *prefix;
	const char *code;
} by_prefix[] = {
	{"is required", "required"},
	{"must not be null", "required"},
	{"must be a string", "wrong_type"},
	{"must be true or false", "wrong_type"},
	{"must be a whole number", "wrong_type"},
	{"must be an array", "wrong_type"},
	{"must be an object", "wrong_type"},
	{"the body must be a JSON object", "wrong_type"},
	{"is not a field of this resource", "unknown_field"},
	{"is read-only", "read_only"},
	{"is not one of the allowed values", "unknown_value"},
	{"holds a value that is not allowed", "unknown_value"},
	{"holds a code that is not", "unknown_value"},
	{"is not a kind of the vocabulary", "unknown_value"},
	{"is not a status", "unknown_value"},
	{"is retired", "unknown_value"},
	{"must be admin or member", "unknown_value"},
	{"must be representative or signatory", "unknown_value"},
	{"names a scope that does not exist", "unknown_value"},
	{"must name known", "unknown_value"},
	{"must be an e-mail address", "invalid_format"},
	{"must be an http:// or https:// address", "invalid_format"},
	{"must be a web address", "invalid_format"},
	{"must be an RFC 3339 date-time", "invalid_format"},
	{"must be a real date and time", "invalid_format"},
	{"must be a date", "invalid_format"},
	{"must be a phone number", "invalid_format"},
	{"must be NNNNNN-NNNN", "invalid_format"},
	{"a 12-digit organisation number", "invalid_format"},
	{"is not an organisation number", "invalid_format"},
	{"must be 3 to 63 characters of a-z", "invalid_format"},
	{"a code is a-z", "invalid_format"},
	{"must be a-z and _", "invalid_format"},
	{"must be an organisation id", "invalid_format"},
	{"must be a document id", "invalid_format"},
	{"must not be in the future", "out_of_range"},
	{"has a malformed host", "invalid_format"},
	{"is not valid", "invalid_format"},
	{"is already", "not_unique"},
	{"codes must be unique", "not_unique"},
	{"no such", "not_found"},
	{"must be the id of an organisation", "not_found"},
	{"no account has this e-mail address", "not_found"},
	{"names a host that does not resolve", "not_found"},
	{"must be after starts_at", "ends_before_start"},
	{"must be after from", "ends_before_start"},
	{"must not be before from", "ends_before_start"},
	{"only the category", "not_allowed"},
	{"would make the organisation its own umbrella", "cycle"},
	{"has a wrong check digit", "wrong_check_digit"},
	{"is a personal identity number", "personal_identity_number"},
	{"only the secretariat", "not_allowed"},
	{"must not point at this machine", "not_allowed"},
	{"must not carry user information", "not_allowed"},
	{"minutes are published after the meeting", "too_early"},
	{"has too many items", "too_many_items"},
	{"each goal is 1 to 2000 characters", "length"},
	/* the follow-up's (domain/follow_up.c and the follow-up functions of migration 0017) */
	{"each indicator is 1 to 500 characters", "length"},
	{"must not be before starts_on", "ends_before_start"},
	{"names a principle", "unknown_value"},
	{"names an organisation that is not a verified", "not_found"},
	{"each is a commitment's number", "unknown_value"},
	{"each is a principle code", "invalid_format"},
	{"each is an organisation id", "invalid_format"},
};

/* True when message is exactly fmt (one %ld, then %n), the number landing in a. */
static bool whole1(const char *message, const char *fmt, long *a)
{
	int used = 0;

	return sscanf(message, fmt, a, &used) == 1 && used > 0 && message[used] == '\0';
}

/* The same with two numbers (two %ld, then %n). */
static bool whole2(const char *message, const char *fmt, long *a, long *b)
{
	int used = 0;

	return sscanf(message, fmt, a, b, &used) == 2 && used > 0 && message[used] == '\0';
}

const char *problem_code_of(const char *message, long *min, long *max)
{
	long a = 0, b = 0;

	*min = *max = PROBLEM_NO_LIMIT;
	if (!message)
		return "invalid";
	/* the messages with numbers: their limits travel as members, not inside the text */
	if (whole2(message, "must be %ld to %ld characters long%n", &a, &b)) {
		*min = a;
		*max = b;
		return "length";
	}
	if (whole1(message, "must be at least %ld characters long%n", &a)) {
		*min = a;
		return "too_short";
	}
	if (whole2(message, "must be from %ld to %ld%n", &a, &b) ||
	    whole2(message, "must be %ld to %ld%n", &a, &b)) {
		*min = a;
		*max = b;
		return "out_of_range";
	}
	if (whole1(message, "must be %ld or more%n", &a)) {
		*min = a;
		return "out_of_range";
	}
	if (whole2(message, "must hold %ld to %ld items%n", &a, &b)) {
		*min = a;
		*max = b;
		return "too_few_items";
	}
	if (whole1(message, "must hold at least %ld items%n", &a)) {
		*min = a;
		return "too_few_items";
	}
	if (strcmp(message, "each goal is 1 to 2000 characters") == 0) {
		*min = 1;
		*max = 2000;
	}
	if (strcmp(message, "each indicator is 1 to 500 characters") == 0) {
		*min = 1;
		*max = 500;
	}
	for (size_t i = 0; i < sizeof(by_prefix) / sizeof(by_prefix[0]); i++)
		if (strncmp(message, by_prefix[i].prefix, strlen(by_prefix[i].prefix)) == 0)
			return by_prefix[i].code;
	return "invalid";
}
