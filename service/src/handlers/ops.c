/* ops.c -- health, readiness, metrics and the OpenAPI description (README.md, "Operations"; openapi/openapi.yaml, tag Operations). */
#include "db/migrate.h"
#include "embedded.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "http/metrics.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define READY_DB_WAIT_MS 1000

/* GET /healthz (openapi: getHealth) -- the process runs; says nothing of the database */
int ops_health(struct req *rq)
{
	return reply_json_text(rq, 200, "{\"status\":\"ok\"}");
}

/*
 * GET /readyz (openapi: getReadiness) -- the database answers, and its schema is the one this
 * binary knows or a newer one it is compatible with: every migration newer than the newest
 * it knows is additive (db/migrate.h). So old replicas stay ready while a new one migrates.
 */
int ops_ready(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	struct dbconn *db = pool_checkout(READY_DB_WAIT_MS);
	const char *params[1] = {migrate_latest()};
	PGresult *res;
	char body[96] = "";
	int rc;

	pb.retry_after = 1;
	if (!db) {
		problem_set(&pb, 503, "the database is not reachable or not migrated");
		return reply_problem(rq, &pb);
	}
	res = db_exec(db, STMT_SCHEMA_VERSION, params, 1);
	if (!db_ok(res) || strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
		problem_set(&pb, 503, "the database schema is not at %s yet", migrate_latest());
	} else if (strcmp(PQgetvalue(res, 0, 2), "0") != 0) {
		problem_set(&pb, 503, "the database schema has %s breaking migration(s) newer than %s",
			    PQgetvalue(res, 0, 2), migrate_latest());
	} else {
		/* the newest applied version's number: "0002_auth_functions" -> "0002" */
		const char *applied = PQgetvalue(res, 0, 0);
		size_t digits = strspn(applied, "0123456789");

		snprintf(body, sizeof(body), "{\"status\":\"ready\",\"schema_version\":\"%.*s\"}",
			 (int)(digits < 20 ? digits : 20), applied);
	}
	PQclear(res);
	pool_checkin(db);
	if (pb.status)
		return reply_problem(rq, &pb);
	rc = reply_json_text(rq, 200, body);
	return rc;
}

/*
 * /metrics names routes, error rates and pool sizes: for the operator only. Allowed when the
 * TCP peer is this machine and no proxy forwarded the request (a proxy on the same host would
 * otherwise make it public), or with METRICS_TOKEN as a bearer token, compared in constant
 * time.
 */
static bool metrics_allowed(const struct req *rq)
{
	const char *peer = rq->ri->remote_addr;
	const char *auth = req_header(rq, "Authorization");
	const char *token = rq->cfg->metrics_token;
	bool loopback = strncmp(peer, "127.", 4) == 0 || strcmp(peer, "::1") == 0 ||
			strncmp(peer, "::ffff:127.", 11) == 0;

	if (loopback && !req_header(rq, "X-Forwarded-For") && !req_header(rq, "Forwarded"))
		return true;
	if (!token[0] || !auth || strncasecmp(auth, "Bearer ", 7) != 0 ||
	    strlen(auth + 7) != strlen(token))
		return false;
	return CRYPTO_memcmp(auth + 7, token, strlen(token)) == 0;
}

/* GET /metrics (openapi: getMetrics) -- Prometheus text format 0.0.4 */
int ops_metrics(struct req *rq)
{
	struct buf out = BUF_INIT;
	int rc;

	if (!metrics_allowed(rq)) {
		struct problem pb = PROBLEM_INIT;

		problem_set(&pb, 401, "metrics are served to this machine, or with the metrics token");
		pb.www_authenticate = req_header(rq, "Authorization")
					      ? "Bearer realm=\"idekom\", error=\"invalid_token\""
					      : "Bearer realm=\"idekom\"";
		return reply_problem(rq, &pb);
	}

	metrics_render(&out);
	rc = reply_raw(rq, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	buf_release(&out);
	return rc;
}

/* GET /api/v1/openapi.json (openapi: getOpenApi) */
int ops_openapi(struct req *rq)
{
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", "public, max-age=300");
	return reply_raw(rq, 200, "application/json", embedded_openapi_json,
			 embedded_openapi_json_len);
}
