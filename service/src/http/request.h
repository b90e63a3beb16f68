/*
 * request.h -- struct req, everything a handler may know about one HTTP request, and the
 * helpers to read it. The router owns a req for the life of the request: it reads the body,
 * checks out the database connection and releases both. Handlers borrow from it.
 */
#ifndef IDEKOM_REQUEST_H
#define IDEKOM_REQUEST_H

#include "auth/principal.h"
#include "config.h"
#include "db/pool.h"
#include "util/buf.h"

#include <civetweb.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define REQ_MAX_PARAMS 4

struct route;

enum body_kind { BODY_NONE = 0, BODY_JSON, BODY_FORM };

struct req {
	struct mg_connection *conn;
	const struct mg_request_info *ri;
	const struct config *cfg;
	const struct route *route;
	char params[REQ_MAX_PARAMS][64]; /* values of {placeholders}, in path order */
	size_t param_count;
	char *raw_body;        /* owned: the body bytes, NUL-terminated, or NULL */
	size_t raw_len;
	enum body_kind body_kind;
	json_t *body;          /* owned: the parsed JSON body (BODY_JSON), or NULL */
	struct principal principal;
	bool token_given;      /* a bearer token came with the request */
	struct dbconn *db;     /* checked out for this request, or NULL */
	char request_id[130];
	char client_addr[48];
	const char *origin;    /* borrowed from the headers; NULL when absent */
	struct buf headers;    /* extra response headers, "Name: value\r\n" each */
	int status;            /* what was sent; 0 until then */
	bool close_connection; /* the body was not read fully: do not keep the connection */
	/* a body may still be on the wire after the answer: the router reads and throws it
	 * away (body_discard) before the connection closes, so the client sees the answer */
	bool body_pending;
	bool body_started; /* a read of the body was made */
};

/* The value of the first {placeholder}, e.g. the {id} of /users/{id}. */
const char *req_param(const struct req *rq, size_t i);

/*
 * Finds the query parameter name in the query string and copies its URL-decoded value
 * into out. Returns 1 when present, 0 when absent, -1 when it is malformed or too long.
 */
int req_query(const struct req *rq, const char *name, char *out, size_t outlen);

/*
 * Finds name in application/x-www-form-urlencoded text (a query string or a form body) and
 * writes its decoded value into out. Returns 1 when found, 0 when absent, -1 when the value
 * is malformed (bad %-escape, a NUL) or longer than outlen - 1.
 */
int form_field(const char *text, const char *name, char *out, size_t outlen);

/*
 * Decodes the n bytes at s as application/x-www-form-urlencoded ('+' is a space, %XX a byte)
 * into out, NUL-terminated. Returns 0, or -1 on a bad escape, an escaped NUL, or when it does
 * not fit in outlen - 1 bytes.
 */
int form_decode(const char *s, size_t n, char *out, size_t outlen);

/* A request header, borrowed, or NULL. */
const char *req_header(const struct req *rq, const char *name);

/*
 * RFC 9112 §6.3: a request whose body length could be read two ways (Content-Length with
 * Transfer-Encoding, two Content-Length or two Transfer-Encoding headers, or a
 * Transfer-Encoding that is not exactly chunked) cannot be framed safely behind a proxy.
 * Returns NULL when the framing is unambiguous, otherwise the reason for a 400 after which
 * the connection must be closed. Pure: reads only the parsed headers.
 */
const char *request_framing_problem(const struct mg_request_info *ri);

/*
 * Reads the body through read_fn (mg_read in the service, a stub in unit tests) into an owned,
 * NUL-terminated buffer. content_length < 0 means unknown (chunked). Returns 0, or the HTTP
 * status to answer: 413 when it exceeds max_bytes (also when the declared length does), 400
 * when fewer bytes than declared arrive (a stalled or vanished client, docs/libraries.md, "Civetweb").
 */
typedef int (*body_read_fn)(void *ctx, char *buf, size_t len);
int body_read_all(body_read_fn read_fn, void *ctx, long long content_length, size_t max_bytes,
		  char **out, size_t *out_len);

/*
 * Reads and throws away what is left of a body that was refused (413) or answered before it
 * was read (401, 415, ...): at most max_bytes, and no more reads once max_seconds have passed
 * (one read may still wait for the request timeout). A client that is still sending when the
 * connection closes gets a reset instead of the answer; the bounds keep a client that sends
 * without end from holding a thread. Returns true when the body ended within the bounds.
 */
bool body_discard(body_read_fn read_fn, void *ctx, size_t max_bytes, double max_seconds);

/*
 * Parses a JSON request body strictly: duplicate keys, invalid UTF-8, trailing garbage and
 * nesting deeper than JSON_MAX_DEPTH are refused. Returns a new reference, or NULL with a
 * bounded, client-safe message in why.
 */
json_t *body_parse_json(const char *data, size_t len, char *why, size_t whylen);

/* Adds "name: value" to the response headers of rq. value must not contain CR or LF. */
void req_add_header(struct req *rq, const char *name, const char *value);

#endif
