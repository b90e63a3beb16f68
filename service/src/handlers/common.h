/*
 * common.h -- what handlers share: turning a failed statement into a problem (the SQLSTATE
 * table), If-Match versions, the actor of a write, and
 * replying with a resource and its ETag.
 */
#ifndef IDEKOM_HANDLERS_COMMON_H
#define IDEKOM_HANDLERS_COMMON_H

#include "db/statements.h"
#include "http/request.h"
#include "http/response.h"

#include <libpq-fe.h>

/*
 * Answers the problem for a failed result (docs/conventions.md, "Problem documents": 23505 → 409, 23514 → 422 naming
 * the field, 40001 → 503, a lost connection → 503, anything else → 500 with the details
 * only in the log) and PQclears res.
 */
int reply_db_failure(struct req *rq, PGresult *res);

/*
 * Reads If-Match as one of our strong ETags ("<version>"). Returns 1 with the version in
 * out, 0 for "*" (any version), or -1 when it is missing or cannot match any version. A
 * write statement takes it through if_match_param, so that 404 comes before 412.
 */
int if_match_version(const struct req *rq, char out[16]);

/* The same for a resource whose ETag is its content's (CONTENT_ETAG: up to 19 digits). */
int if_match_content(const struct req *rq, char out[24]);

/*
 * If-Match as the version parameter of a write statement: NULL for "*" (any version), the
 * digits of one of our strong ETags ("<version>") in buf, or "0" -- a version no row has
 * (they start at 1) -- when If-Match is missing or cannot match any version. The statement
 * thus decides 404 (nothing the caller may see) and 403 before 412 (RFC 9110 §13.2.1), and
 * reply_write_result turns the 412 of a missing If-Match into 428.
 */
const char *if_match_param(const struct req *rq, char buf[16]);

/* "user" or "client": the actor type the audit log records for this request. */
const char *actor_type(const struct req *rq);

/*
 * Who is asking, as the visibility rules of organisations see it: "admin", "member",
 * "client" (a client holding an organisations:* scope) or "anonymous".
 */
const char *caller_kind(const struct req *rq);

/*
 * A create whose body the caller has checked: runs stmt with (body as JSON text, actor id,
 * request id) and answers its write result (201 with Location = prefix + id).
 */
int write_create(struct req *rq, enum stmt_id stmt, const char *location_prefix);

/*
 * A merge patch whose body the caller has checked: runs stmt with (path id, If-Match
 * version or NULL for "*", body as JSON text, actor id, request id) and answers its write
 * result (404 before 412 and 428: see if_match_param).
 */
int write_patch(struct req *rq, enum stmt_id stmt);

/*
 * Attendance at a dialogue, of an organisation's registration or of a council member: checks
 * the body {attended: true | false | null (not noted)}, runs stmt with (dialogue id, the
 * second path id, attended, actor id, request id) and answers its write result.
 */
int write_attendance(struct req *rq, enum stmt_id stmt);

/*
 * The first three parameters of a statement that reads the caller itself (CALLER_CTE in
 * statements.c): principal kind ("user", "client", "anonymous"), its id and its token's
 * scopes (NULL when there are none).
 */
void caller_params(const struct req *rq, const char *params[3]);

/*
 * After such a statement: takes what the principal holds now from column 0 of res (no row:
 * the account is disabled or gone) and checks the route's rules with it. Returns 0, or the
 * 401/403 already replied (res is left to the caller).
 */
int caller_confirm(struct req *rq, const PGresult *res);

/* Replies with a resource's JSON text and its ETag (version). */
int reply_resource(struct req *rq, int status, const char *version, const char *json);

/*
 * A read of one resource: 200 with the JSON text in column col of res's only row and its
 * ETag in column col + 1, or 404 with not_found when there is no row or the body is NULL.
 * PQclears res.
 */
int reply_found(struct req *rq, PGresult *res, int col, const char *not_found);

/*
 * Answers a CSV file from a statement's one column: a JSON array of rows, each an array of
 * strings or nulls (RFC 4180 cells through csv_cell, CRLF line ends), after the header line.
 * A NULL column is a 404 with not_found. PQclears res.
 */
int reply_csv_rows(struct req *rq, PGresult *res, const char *header, const char *filename,
		   const char *not_found);

#endif
