/*
 * router.h -- matches a request to a route of the table in routes.c and runs, in one place,
 * the checks every route shares (after Redis's processCommand): request id, 404, 405 +
 * Allow, CORS, token, body (415/413/400), database connection (503), principal, role and
 * scope (403). Then the handler runs, and one JSON log line and the metrics
 * record the outcome. Knows no SQL beyond the principal lookup.
 */
#ifndef IDEKOM_ROUTER_H
#define IDEKOM_ROUTER_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,   /* no token needed (a token that is sent is still checked) */
	ROUTE_BODY = 1 << 1,     /* a JSON body is required */
	ROUTE_ADMIN = 1 << 2,    /* admin, or a client holding route->scope */
	/* If-Match is required: 428 without it, but only once the statement found the resource
	 * (404 first, RFC 9110 §13.2.1; handlers/common.h if_match_param) */
	ROUTE_IF_MATCH = 1 << 3,
	ROUTE_NO_DB = 1 << 4,    /* the router checks out no connection */
	ROUTE_PEOPLE = 1 << 5,   /* users only: a client token gets 403 */
	ROUTE_FORM = 1 << 6,     /* the body may also be application/x-www-form-urlencoded */
	/* the handler's statement reads the caller itself (api.caller: one round trip) and
	 * hands what the principal holds now to router_caller_held */
	ROUTE_CALLER_IN_SQL = 1 << 7,
	/* Authorization: Basic carries an API client's credentials (client_secret_basic, RFC
	 * 6749 §2.3.1): the router leaves it to the handler instead of asking for Bearer */
	ROUTE_CLIENT_BASIC = 1 << 8,
	/* the body is a file of any declared type, read whole (up to route->max_body bytes)
	 * into rq->raw_body and not parsed: the handler checks it (document uploads) */
	ROUTE_UPLOAD = 1 << 9,
};

typedef int (*handler_fn)(struct req *rq);

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/users/{id}"; {id} and {*_id} must be UUIDs */
	handler_fn handler;
	unsigned flags;
	const char *scope;        /* the client scope that grants access, or NULL */
	const char *operation_id; /* the same string as the OpenAPI operationId */
	/* the body limit of this route (413 beyond); 0: MAX_BODY_BYTES (config.h) */
	size_t max_body_bytes;
};

/* The route table (routes.c), terminated by an entry whose method is NULL. */
extern const struct route routes[];
size_t routes_count(void);

/*
 * Matches path against one pattern, segment by segment. On a match fills params (up to
 * REQ_MAX_PARAMS values of < 64 bytes) and returns true. Pure: unit-tested.
 */
bool route_match(const char *pattern, const char *path, char params[][64], size_t *count);

/* Writes the methods of every route whose pattern matches path, e.g. "GET, PATCH". */
void route_allow(const char *path, char *out, size_t outlen);

/*
 * For ROUTE_CALLER_IN_SQL routes: takes what the principal holds now (a person's role, a
 * client's scopes; NULL when the account is disabled or gone) and checks the route's role
 * and scope rules again with it. Returns 0, or the 401/403 already replied.
 */
int router_caller_held(struct req *rq, const char *held);

/* True when the client principal p holds scope (a whole word of its scope list). */
bool principal_has_scope(const struct principal *p, const char *scope);

/* Civetweb request handler for everything the service answers (registered on "/"). */
int router_handle(struct mg_connection *conn, void *cbdata);

#endif
