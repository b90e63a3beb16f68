/* problem.c -- see problem.h */
#include "http/problem.h"
#include "http/problem_code.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *type;
	const char *title;
} kinds[] = {
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
	/* after 500, whose index kind_index falls back on */
	{416, "/problems/range-not-satisfiable", "Range not satisfiable"},
};

static size_t kind_index(int status)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].status == status)
			return i;
	/* an unlisted 4xx reads as a bad request, anything else as internal */
	return status >= 400 && status < 500 ? 0 : 12;
}

const char *problem_type(int status)
{
	return kinds[kind_index(status)].type;
}

const char *problem_title(int status)
{
	return kinds[kind_index(status)].title;
}

struct problem *problem_set(struct problem *pb, int status, const char *fmt, ...)
{
	va_list ap;

	pb->status = status;
	va_start(ap, fmt);
	vsnprintf(pb->detail, sizeof(pb->detail), fmt, ap);
	va_end(ap);
	return pb;
}

void problem_add_error(struct problem *pb, const char *field, const char *message)
{
	long min, max;
	const char *code = problem_code_of(message, &min, &max);

	problem_add_error_coded(pb, field, code, message, min, max);
}

void problem_add_error_coded(struct problem *pb, const char *field, const char *code,
			     const char *message, long min, long max)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "field", field, "code", code, "message", message);

	if (!e) /* a field name that is not UTF-8 still counts as an error, unnamed */
		e = json_pack("{s:s, s:s, s:s}", "field", "", "code", "invalid", "message",
			      "a field name is not valid text");
	if (!e)
		return;
	if (min != PROBLEM_NO_LIMIT)
		json_object_set_new(e, "min", json_integer(min));
	if (max != PROBLEM_NO_LIMIT)
		json_object_set_new(e, "max", json_integer(max));
	if (!pb->errors)
		pb->errors = json_array();
	json_array_append_new(pb->errors, e);
	pb->status = 422;
	if (!pb->detail[0])
		snprintf(pb->detail, sizeof(pb->detail), "%s", "the request has invalid fields");
}

bool problem_has_field(const struct problem *pb, const char *field)
{
	size_t i;
	const json_t *e;

	json_array_foreach(pb->errors, i, e) if (json_is_string(json_object_get(e, "field")) &&
					       strcmp(json_string_value(json_object_get(e, "field")),
						      field) == 0) return true;
	return false;
}

void problem_field_pointer(const char *name, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen < 2) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	out[o++] = '/';
	for (const char *p = name; *p && o + 3 < outlen; p++) {
		/* never cut a UTF-8 character: stop before a lead byte whose sequence won't fit */
		size_t need = ((unsigned char)*p & 0xe0) == 0xc0   ? 2
			      : ((unsigned char)*p & 0xf0) == 0xe0 ? 3
			      : ((unsigned char)*p & 0xf8) == 0xf0 ? 4
								   : 1;

		if (need > 1 && o + need + 1 > outlen)
			break;
		if (*p == '~') {
			out[o++] = '~';
			out[o++] = '0';
		} else if (*p == '/') {
			out[o++] = '~';
			out[o++] = '1';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

void problem_release(struct problem *pb)
{
	json_decref(pb->errors);
	memset(pb, 0, sizeof(*pb));
}

json_t *problem_to_json(const struct problem *pb, const char *request_id)
{
	int status = pb->status ? pb->status : 500;

	/* O* keeps pb's own reference to errors; s* drops a NULL request id */
	return json_pack("{s:s, s:s, s:i, s:s, s:s*, s:O*}", "type", problem_type(status),
			 "title", problem_title(status), "status", status, "detail",
			 pb->detail[0] ? pb->detail : problem_title(status), "request_id",
			 request_id, "errors", pb->errors);
}
