/*
 * write_result.h -- the one contract between C and the SQL of every write. Each write
 * statement (statements.c) answers exactly one row of six columns,
 *
 *     (status, version, id, body, field, message)
 *
 * status: the HTTP status the write decided (200, 201, 204, 403, 404, 409, 412, 422);
 * version: the ETag of body (NULL: the resource has none); id: what Location names after
 * the route's prefix on 201; body: the resource as JSON text; field: the JSON Pointer(s) of
 * a 422, separated by '|'; message: the problem's detail (NULL: a general one).
 * A statement that reads the caller itself (CALLER_CTE) puts a held column first, and
 * answers no row at all when the account behind the token is disabled or gone.
 */
#ifndef IDEKOM_WRITE_RESULT_H
#define IDEKOM_WRITE_RESULT_H

#include "http/request.h"

#include <libpq-fe.h>
#include <stdbool.h>

struct write_result {
	bool has_held;       /* the statement read the caller (a leading held column) */
	int status;
	const char *version; /* each NULL when SQL NULL; they point into the PGresult */
	const char *id;
	const char *body;
	const char *field;
	const char *message;
};

/*
 * Reads the row of a write statement into out. Returns 0, or -1 (logged) when res does not
 * have the shape above: not exactly one row, or other columns. For a statement with a held
 * column, check the caller (caller_confirm) before: no row there means the caller is gone.
 */
int write_result_read(const PGresult *res, struct write_result *out);

/*
 * Answers a write's result: caller check first (held), then 200/201 with the body and its
 * ETag (when it has a version; Location = location_prefix + id on 201, when a prefix is
 * given), 204 with no body, 422 naming each field, or the 403/404/409/412 problem with the
 * message. A result of another shape is a 500. PQclears res.
 */
int reply_write_result(struct req *rq, PGresult *res, const char *location_prefix);

#endif
