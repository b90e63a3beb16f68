/*
 * problem.h -- errors as data (RFC 9457). Handlers and the router fill a struct problem;
 * reply_problem() in response.c is its only writer. The type/title pairs are fixed per
 * status (docs/decisions.md), so a client can switch on `type`.
 */
#ifndef IDEKOM_PROBLEM_H
#define IDEKOM_PROBLEM_H

#include <jansson.h>
#include <stdbool.h>

struct problem {
	int status;
	char detail[256];
	json_t *errors;      /* owned: array of {field, code, message, min?, max?}, or NULL */
	int retry_after;     /* seconds for 429/503; 0: no Retry-After header */
	const char *www_authenticate; /* static text for 401, or NULL for the default */
};

#define PROBLEM_INIT {0, {0}, NULL, 0, NULL}

/* The problem's type URI and title for a status (e.g. 422 -> /problems/validation). */
const char *problem_type(int status);
const char *problem_title(int status);

/* Sets status and a printf-style detail; returns pb. */
struct problem *problem_set(struct problem *pb, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Adds {field, code, message} to pb->errors and makes pb a 422. field is a JSON Pointer
 * (RFC 6901); the caller passes it already escaped (see problem_field_pointer). The stable
 * code (and the limits min/max the message states) come from problem_code_of(message).
 */
void problem_add_error(struct problem *pb, const char *field, const char *message);

/*
 * The same with the code and limits given, for a caller that knows more than its message
 * says (too_short or too_long where the message states a range). code is one of
 * problem_codes; min/max may be PROBLEM_NO_LIMIT.
 */
void problem_add_error_coded(struct problem *pb, const char *field, const char *code,
			     const char *message, long min, long max);

/* True when pb already names field among its errors. */
bool problem_has_field(const struct problem *pb, const char *field);

/* Writes the JSON Pointer "/" + name, escaping '~' and '/' (RFC 6901 §3), into out. */
void problem_field_pointer(const char *name, char *out, size_t outlen);

/* Frees what pb owns; pb is PROBLEM_INIT again. */
void problem_release(struct problem *pb);

/*
 * Returns a new reference: the problem document {type, title, status, detail, request_id,
 * errors?}. request_id may be NULL.
 */
json_t *problem_to_json(const struct problem *pb, const char *request_id);

#endif
