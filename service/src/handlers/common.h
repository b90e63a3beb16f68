/*
 * common.h -- what handlers share: turning a failed statement into a problem (the SQLSTATE
 * table), list parameters (limit, cursor), If-Match versions, the actor of a write, and
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

struct list_params {
	char limit[8];      /* "1".."100" */
	char after_ts[40];  /* cursor: created_at of the last item seen, or "" */
	char after_id[37];  /* cursor: id of the last item seen, or "" */
};

/* Reads limit (1..100, default 20) into limit. Returns 0, or the 400 already replied. */
int list_limit_read(struct req *rq, char limit[8]);

/* Reads limit and cursor from the query. Returns 0, or the 400 already replied. */
int list_params_read(struct req *rq, struct list_params *lp);

/*
 * Reads If-Match as one of our strong ETags ("<version>"). Returns 1 with the version in
 * out, 0 for "*" (any version), or -1 when it cannot match any version (then answer 412).
 */
int if_match_version(const struct req *rq, char out[16]);

/* "user" or "client": the actor type the audit log records for this request. */
const char *actor_type(const struct req *rq);

/*
 * Who is asking, as the visibility rules of organisations see it: "admin", "member",
 * "client" (a client holding an organisations:* scope) or "anonymous".
 */
const char *caller_kind(const struct req *rq);

/*
 * Reads the cursor query parameter of a JSON-cursor list (base64url of a JSON array) into
 * out as JSON text, or "" when absent. Returns 0, or the 400 already replied.
 */
int json_cursor_read(struct req *rq, char *out, size_t outlen);

/*
 * Answers the result of a write function that returns (status, version, body, field,
 * message): 200/201 with the body and ETag (and Location = prefix + id for 201), 422 naming
 * field (several pointers may be separated by '|'), or the 403/404/409/412 problem.
 * PQclears res.
 */
int reply_write_result(struct req *rq, PGresult *res, const char *location_prefix);

/*
 * A create whose body the caller has checked: runs stmt with (body as JSON text, actor id,
 * request id) and answers its write result (201 with Location = prefix + id).
 */
int write_create(struct req *rq, enum stmt_id stmt, const char *location_prefix);

/*
 * A merge patch whose body the caller has checked: runs stmt with (path id, If-Match
 * version or NULL for "*", body as JSON text, actor id, request id) and answers its write
 * result; an If-Match that cannot match is 412 naming what ("the dialogue's ETag").
 */
int write_patch(struct req *rq, enum stmt_id stmt, const char *what);

/* Replies with a resource's JSON text and its ETag (version). */
int reply_resource(struct req *rq, int status, const char *version, const char *json);

#endif
