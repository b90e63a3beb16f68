/*
 * response.h -- the only code that writes HTTP responses. Each response (status line,
 * headers, body) is assembled in one buffer and written with one mg_write: with separate
 * writes Nagle and delayed ACK cost ~40 ms a response (docs/libraries.md, "Civetweb").
 *
 * Every reply adds X-Request-Id, Content-Length, Cache-Control: no-store for authenticated
 * requests, and the extra headers collected in rq->headers (ETag, Location, CORS, Allow).
 * Each returns the status it sent, so that a handler can `return reply_...(...)`.
 */
#ifndef IDEKOM_RESPONSE_H
#define IDEKOM_RESPONSE_H

#include "http/problem.h"
#include "http/request.h"

/* Sends len bytes of body with content type ctype. */
int reply_raw(struct req *rq, int status, const char *ctype, const char *body, size_t len);
/*
 * Sends a large body (a document's bytes) without copying it: the headers and the body go
 * in two writes, which costs nothing next to the size of the body.
 */
int reply_large(struct req *rq, int status, const char *ctype, const char *body, size_t len);
/* Sends JSON text that is already serialised (e.g. built by PostgreSQL). */
int reply_json_text(struct req *rq, int status, const char *json);
/* Serialises and sends v; v stays the caller's. */
int reply_json(struct req *rq, int status, const json_t *v);
/* Sends no body (204, or a CORS preflight). */
int reply_empty(struct req *rq, int status);
/* Sends pb as application/problem+json and releases what pb owns. */
int reply_problem(struct req *rq, struct problem *pb);
/* Shorthand: a problem with this status and detail. */
int reply_error(struct req *rq, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds the strong ETag for a row version: "<version>" (docs/decisions.md). */
void reply_add_etag(struct req *rq, const char *version);

/*
 * Writes a problem document for a connection that has no struct req (civetweb's own
 * errors, from the http_error callback). Returns 0.
 */
int reply_bare_problem(struct mg_connection *conn, int status, const char *detail);

#endif
