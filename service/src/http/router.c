/* router.c -- see router.h */
#include "http/router.h"
#include "auth/client_basic.h"
#include "auth/jwt.h"
#include "db/statements.h"
#include "http/metrics.h"
#include "http/ratelimit_http.h"
#include "http/response.h"
#include "http/static_files.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DB_WAIT_MS 2000
#define API_PREFIX "/api/v1"
/* how much of a refused body is read and thrown away so that the client sees the answer
 * (like nginx's lingering close): beyond these the connection closes and may be reset */
#define DISCARD_MAX_BYTES (8u * 1024 * 1024)
#define DISCARD_MAX_SECONDS 2.0

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* X-Request-Id: the client's own when it is safe to echo, otherwise a fresh UUID. */
static void set_request_id(struct req *rq)
{
	const char *given = req_header(rq, "X-Request-Id");
	size_t n = given ? strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789._-")
			 : 0;

	if (given && n > 0 && n <= 128 && given[n] == '\0')
		snprintf(rq->request_id, sizeof(rq->request_id), "%s", given);
	else if (uuid_generate_v4(rq->request_id))
		snprintf(rq->request_id, sizeof(rq->request_id), "unknown");
}

/*
 * The client's address for rate limits: the TCP peer, or, when the peer is a trusted proxy,
 * the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 */
static void set_client_addr(struct req *rq)
{
	const char *xff = req_header(rq, "X-Forwarded-For");
	const char *end;

	snprintf(rq->client_addr, sizeof(rq->client_addr), "%s", rq->ri->remote_addr);
	if (!xff || !config_proxy_trusted(rq->cfg, rq->client_addr))
		return;
	/* walk the list from the right: each hop we trust vouches for the one before it */
	end = xff + strlen(xff);
	while (end > xff) {
		const char *start = end;
		char one[48];
		size_t len;

		while (start > xff && start[-1] != ',')
			start--;
		len = (size_t)(end - start);
		while (len && (*start == ' ' || *start == '\t')) {
			start++;
			len--;
		}
		while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one) || strspn(start, "0123456789abcdefABCDEF.:") < len)
			return; /* malformed: keep the last address we could trust */
		memcpy(one, start, len);
		one[len] = '\0';
		snprintf(rq->client_addr, sizeof(rq->client_addr), "%s", one);
		if (!config_proxy_trusted(rq->cfg, one))
			return;
		while (start > xff && start[-1] != ',')
			start--;
		end = start > xff ? start - 1 : xff; /* before the comma */
	}
}

static void add_cors_headers(struct req *rq)
{
	if (!rq->origin || !config_origin_allowed(rq->cfg, rq->origin))
		return;
	req_add_header(rq, "Access-Control-Allow-Origin", rq->origin);
	req_add_header(rq, "Access-Control-Expose-Headers",
		       "ETag, Location, X-Request-Id, Retry-After, RateLimit, RateLimit-Policy");
	req_add_header(rq, "Vary", "Origin");
}

static int preflight(struct req *rq, const char *path)
{
	char allow[128];

	route_allow(path, allow, sizeof(allow));
	if (rq->origin && config_origin_allowed(rq->cfg, rq->origin) &&
	    req_header(rq, "Access-Control-Request-Method")) {
		req_add_header(rq, "Access-Control-Allow-Origin", rq->origin);
		req_add_header(rq, "Vary", "Origin");
		req_add_header(rq, "Access-Control-Allow-Methods", allow);
		req_add_header(rq, "Access-Control-Allow-Headers",
			       "Authorization, Content-Type, If-Match, X-Request-Id");
		req_add_header(rq, "Access-Control-Max-Age", "600");
	}
	req_add_header(rq, "Allow", allow);
	return reply_empty(rq, 204);
}

/* True when the media type (before any ';') equals want, ignoring case. */
static bool media_type_is(const char *ctype, const char *want)
{
	size_t n = strcspn(ctype, "; \t");

	return n == strlen(want) && strncasecmp(ctype, want, n) == 0;
}

/* A charset parameter, when present, must be UTF-8 (openapi/openapi.yaml: bodies are UTF-8). */
static bool charset_ok(const char *ctype)
{
	const char *cs = strcasestr(ctype, "charset=");

	if (!cs)
		return true;
	cs += 8;
	if (*cs == '"')
		cs++;
	return strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0;
}

/* Reads the body of the request ctx (a struct req), noting that a read was made. */
static int req_reader(void *ctx, char *buf, size_t len)
{
	struct req *rq = ctx;

	rq->body_started = true;
	return mg_read(rq->conn, buf, len);
}

/*
 * Whether a body may still be on the wire after the answer. Not when the client asked for
 * 100 Continue and nothing was read: it sends no body once it has a final answer (RFC 9110
 * §10.1.1), and waiting for one would hold the connection for the request timeout.
 */
static bool body_left_to_discard(const struct req *rq)
{
	const char *expect = req_header(rq, "Expect");

	if (!rq->body_pending)
		return false;
	return rq->body_started || !expect || strcasecmp(expect, "100-continue") != 0;
}

/*
 * An upload's body: any declared type (the handler checks it against the bytes), read whole
 * into one buffer of at most the route's own limit. Returns 0 or the status already replied.
 */
static int read_upload(struct req *rq)
{
	size_t limit = rq->route->max_body_bytes;
	int rc;

	if (!req_header(rq, "Content-Type"))
		return reply_error(rq, 415, "send the file's media type in Content-Type");
	rc = body_read_all(req_reader, rq, rq->ri->content_length, limit, &rq->raw_body,
			   &rq->raw_len);
	if (rc == 413) /* the rest stays pending: router_handle discards it after the answer */
		return reply_error(rq, 413, "the file is larger than %zu bytes (%zu MB), the limit "
				   "of this upload", limit, limit / (1024 * 1024));
	rq->body_pending = false; /* read whole, or the client stalled or went away */
	if (rc)
		return reply_error(rq, 400, "the body ended before its declared Content-Length");
	rq->close_connection = false; /* the body was read whole */
	return 0;
}

/* Content type, size and syntax of the body. Returns 0 or the status already replied. */
static int read_body(struct req *rq)
{
	const char *ctype = req_header(rq, "Content-Type");
	bool json = ctype && (media_type_is(ctype, "application/json") ||
			      (strcmp(rq->route->method, "PATCH") == 0 &&
			       media_type_is(ctype, "application/merge-patch+json")));
	bool form = ctype && (rq->route->flags & ROUTE_FORM) &&
		    media_type_is(ctype, "application/x-www-form-urlencoded");
	size_t limit = rq->route->max_body_bytes ? rq->route->max_body_bytes
						 : rq->cfg->max_body_bytes;
	char why[200];
	int rc;

	if ((!json && !form) || !charset_ok(ctype))
		return reply_error(rq, 415, "send the body as application/json (UTF-8)%s",
				   rq->route->flags & ROUTE_FORM
					   ? " or application/x-www-form-urlencoded"
					   : "");
	rc = body_read_all(req_reader, rq, rq->ri->content_length, limit, &rq->raw_body,
			   &rq->raw_len);
	if (rc == 413) /* the rest stays pending: router_handle discards it after the answer */
		return reply_error(rq, 413, "the body is larger than %zu bytes", limit);
	rq->body_pending = false; /* read whole, or the client stalled or went away */
	if (rc)
		return reply_error(rq, 400, "the body ended before its declared Content-Length");
	rq->close_connection = false; /* the body was read whole */
	if (form) {
		rq->body_kind = BODY_FORM;
		if (memchr(rq->raw_body, '\0', rq->raw_len))
			return reply_error(rq, 400, "the form body contains a NUL byte");
		return 0;
	}
	rq->body = body_parse_json(rq->raw_body, rq->raw_len, why, sizeof(why));
	if (!rq->body)
		return reply_error(rq, 400, "%s", why);
	/* every operation takes an object; anything else cannot be read as a request */
	if (!json_is_object(rq->body))
		return reply_error(rq, 400, "the body must be a JSON object");
	rq->body_kind = BODY_JSON;
	return 0;
}

/* Bearer token → principal (signature and claims). Returns 0 or the status replied. */
static int authenticate(struct req *rq)
{
	const char *auth = req_header(rq, "Authorization");
	char why[160];

	if (!auth)
		return 0;
	if ((rq->route->flags & ROUTE_CLIENT_BASIC) && client_basic_scheme(auth))
		return 0; /* the handler reads the client's credentials */
	rq->token_given = true;
	if (strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
		struct problem pb = PROBLEM_INIT;

		problem_set(&pb, 401, "use the Bearer scheme (RFC 6750)");
		return reply_problem(rq, &pb);
	}
	if (jwt_verify_token(rq->cfg, auth + 7, time(NULL), &rq->principal, why, sizeof(why))) {
		struct problem pb = PROBLEM_INIT;

		problem_set(&pb, 401, "%s", why);
		pb.www_authenticate = "Bearer realm=\"idekom\", error=\"invalid_token\"";
		return reply_problem(rq, &pb);
	}
	return 0;
}

/* The 401 for a token whose account was disabled or deleted since it was issued. */
static int reply_principal_gone(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	memset(&rq->principal, 0, sizeof(rq->principal));
	problem_set(&pb, 401, "the account behind this token is disabled or gone");
	pb.www_authenticate = "Bearer realm=\"idekom\", error=\"invalid_token\"";
	return reply_problem(rq, &pb);
}

/* Takes what the principal holds now: a person's role, or (narrowing) a client's scopes. */
static void principal_take_held(struct principal *p, const char *held)
{
	char kept[sizeof(p->scopes)] = "";
	char padded[sizeof(p->scopes) + 2];
	char *save = NULL;

	if (p->kind == PRINCIPAL_USER) {
		snprintf(p->role, sizeof(p->role), "%s", held);
		return;
	}
	/* a token's scopes can only narrow what the client holds now */
	snprintf(padded, sizeof(padded), " %s ", held);
	for (char *s = strtok_r(p->scopes, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		char want[64];

		snprintf(want, sizeof(want), " %s ", s);
		if (strstr(padded, want))
			snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
				 kept[0] ? " " : "", s);
	}
	snprintf(p->scopes, sizeof(p->scopes), "%s", kept);
}

/*
 * Re-reads the principal from the database, so that a disabled user, a deleted client or
 * a changed role takes effect at once. Returns 0 or the status replied. Routes flagged
 * ROUTE_CALLER_IN_SQL read it in their own statement instead (router_caller_held).
 */
static int reload_principal(struct req *rq)
{
	const char *params[1] = {rq->principal.id};
	struct problem pb = PROBLEM_INIT;
	bool user = rq->principal.kind == PRINCIPAL_USER;
	PGresult *res;

	res = db_exec(rq->db, user ? STMT_PRINCIPAL_USER : STMT_PRINCIPAL_CLIENT, params, 1);
	if (!db_ok(res)) {
		PQclear(res);
		problem_set(&pb, 503, "the database is not reachable");
		return reply_problem(rq, &pb);
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_principal_gone(rq);
	}
	principal_take_held(&rq->principal, PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

bool principal_has_scope(const struct principal *p, const char *scope)
{
	size_t n = strlen(scope);

	for (const char *s = p->scopes; (s = strstr(s, scope)) != NULL; s += n)
		if ((s == p->scopes || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' '))
			return true;
	return false;
}

/* Role and scope rules of the route. Returns 0 or the status replied. */
static int authorise(struct req *rq)
{
	const struct route *rt = rq->route;
	const struct principal *p = &rq->principal;

	if (p->kind == PRINCIPAL_ANONYMOUS) {
		if (rt->flags & ROUTE_PUBLIC)
			return 0;
		struct problem pb = PROBLEM_INIT;

		problem_set(&pb, 401, "sign in: this needs a bearer token");
		return reply_problem(rq, &pb);
	}
	if ((rt->flags & ROUTE_PEOPLE) && p->kind != PRINCIPAL_USER)
		return reply_error(rq, 403, "this is for people signed in, not API clients");
	if (rt->flags & ROUTE_ADMIN) {
		if (p->kind == PRINCIPAL_USER && strcmp(p->role, "admin") == 0)
			return 0;
		if (p->kind == PRINCIPAL_CLIENT && rt->scope && principal_has_scope(p, rt->scope))
			return 0;
		if (rt->scope)
			return reply_error(rq, 403, "this needs the admin role or the scope %s",
					   rt->scope);
		return reply_error(rq, 403, "this needs the admin role");
	}
	if (p->kind == PRINCIPAL_CLIENT && rt->scope && !principal_has_scope(p, rt->scope))
		return reply_error(rq, 403, "this needs the scope %s", rt->scope);
	return 0;
}

int router_caller_held(struct req *rq, const char *held)
{
	if (rq->principal.kind == PRINCIPAL_ANONYMOUS)
		return 0;
	if (!held)
		return reply_principal_gone(rq);
	principal_take_held(&rq->principal, held);
	return authorise(rq);
}

static int dispatch_api(struct req *rq, const char *path)
{
	const struct route *match = NULL;
	bool path_known = false;
	size_t count;
	int rc;

	for (const struct route *r = routes; r->method; r++) {
		char params[REQ_MAX_PARAMS][64];

		if (!route_match(r->pattern, path, params, &count))
			continue;
		path_known = true;
		if (strcmp(r->method, rq->ri->request_method) == 0) {
			match = r;
			memcpy(rq->params, params, sizeof(params));
			rq->param_count = count;
			break;
		}
	}
	if (!path_known)
		return reply_error(rq, 404, "there is nothing at this path");
	if (strcmp(rq->ri->request_method, "OPTIONS") == 0)
		return preflight(rq, path);
	add_cors_headers(rq);
	if (!match) {
		char allow[128];

		route_allow(path, allow, sizeof(allow));
		req_add_header(rq, "Allow", allow);
		return reply_error(rq, 405, "%s is not allowed here", rq->ri->request_method);
	}
	rq->route = match;
	/* probes (healthz, readyz, metrics) ignore tokens: they must answer whatever is sent */
	if (!(match->flags & ROUTE_NO_DB) && (rc = authenticate(rq)))
		return rc;
	if ((rc = ratelimit_apply(rq, path)))
		return rc;
	if (match->flags & ROUTE_NO_DB)
		return match->handler(rq);
	if (rq->principal.kind == PRINCIPAL_ANONYMOUS && !(match->flags & ROUTE_PUBLIC))
		return authorise(rq);
	if ((match->flags & ROUTE_BODY) && (rc = read_body(rq)))
		return rc;
	if ((match->flags & ROUTE_UPLOAD) && (rc = read_upload(rq)))
		return rc;
	if (!(match->flags & ROUTE_NO_DB)) {
		rq->db = pool_checkout(DB_WAIT_MS);
		if (!rq->db)
			return reply_error(rq, 503, "the database is not reachable; try again shortly");
	}
	if (rq->principal.kind != PRINCIPAL_ANONYMOUS && rq->db &&
	    !(match->flags & ROUTE_CALLER_IN_SQL) && (rc = reload_principal(rq)))
		return rc;
	if ((rc = authorise(rq)))
		return rc;
	return match->handler(rq);
}

static void log_request(const struct req *rq, double seconds)
{
	struct buf f = BUF_INIT;

	if (!log_enabled(LOG_INFO))
		return;
	buf_adds(&f, "\"method\":\"");
	buf_add_json_escaped(&f, rq->ri->request_method);
	buf_adds(&f, "\",\"route\":");
	if (rq->route)
		buf_addf(&f, "\"%s\"", rq->route->pattern);
	else
		buf_adds(&f, "null");
	buf_addf(&f, ",\"status\":%d,\"duration_ms\":%.3f,\"request_id\":\"%s\"", rq->status,
		 seconds * 1000.0, rq->request_id);
	if (rq->principal.kind != PRINCIPAL_ANONYMOUS)
		buf_addf(&f, ",\"principal\":\"%s:%s\"",
			 rq->principal.kind == PRINCIPAL_USER ? "user" : "client", rq->principal.id);
	log_line(LOG_INFO, "request", f.data);
	buf_release(&f);
}

static bool is_api_path(const char *path)
{
	size_t n = strlen(API_PREFIX);

	/* civetweb matches handlers by prefix; /api/v1xyz is not ours (docs/libraries.md, "Civetweb") */
	if (strncmp(path, API_PREFIX, n) == 0 && (path[n] == '\0' || path[n] == '/'))
		return true;
	return strcmp(path, "/healthz") == 0 || strcmp(path, "/readyz") == 0 ||
	       strcmp(path, "/metrics") == 0 || strncmp(path, "/api/", 5) == 0 ||
	       strcmp(path, "/api") == 0;
}

int router_handle(struct mg_connection *conn, void *cbdata)
{
	struct req rq;
	double started = now_seconds();
	const char *te;
	const char *path;
	const char *framing;

	memset(&rq, 0, sizeof(rq));
	rq.conn = conn;
	rq.ri = mg_get_request_info(conn);
	rq.cfg = cbdata;
	path = rq.ri->local_uri ? rq.ri->local_uri : "/";
	set_request_id(&rq);
	set_client_addr(&rq);
	rq.origin = req_header(&rq, "Origin");
	te = req_header(&rq, "Transfer-Encoding");
	/* until the body is read whole, an early answer must close the connection: civetweb
	 * would otherwise try to skip a body we refused */
	rq.close_connection = rq.ri->content_length > 0 || te != NULL;
	rq.body_pending = rq.close_connection;

	if ((framing = request_framing_problem(rq.ri))) {
		rq.close_connection = true; /* nothing after this request can be trusted */
		rq.body_pending = false;    /* nor can its body be told apart from what follows */
		reply_error(&rq, 400, "%s", framing);
	} else if (is_api_path(path)) {
		dispatch_api(&rq, path);
	} else if (rq.cfg->static_dir[0]) {
		static_files_serve(&rq, path);
	} else {
		reply_error(&rq, 404, "there is nothing at this path");
	}

	if (!rq.status) /* a handler that forgot to answer is a bug; never leave the client hanging */
		reply_error(&rq, 500, "no response was produced");
	if (rq.db)
		pool_checkin(rq.db);
	metrics_record(rq.route ? (int)(rq.route - routes) : -1, rq.ri->request_method, rq.status,
		       now_seconds() - started);
	log_request(&rq, now_seconds() - started);
	/* answered before the body was read: read the rest, or the close resets the connection
	 * and the client loses the answer (fetch reports EPIPE instead of the 413) */
	if (body_left_to_discard(&rq))
		body_discard(req_reader, &rq, DISCARD_MAX_BYTES, DISCARD_MAX_SECONDS);
	json_decref(rq.body);
	free(rq.raw_body);
	buf_release(&rq.headers);
	return rq.status;
}
