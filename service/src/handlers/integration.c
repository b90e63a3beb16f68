/*
 * integration.c -- what other city systems use to stay in step (openapi/openapi.yaml, tag Integration): the
 * change feed, webhook subscriptions and their delivery log.
 */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "http/router.h"
#include "webhooks/address.h"
#include "webhooks/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the webhook list's order, as its cursors name it: oldest first */
#define WEBHOOK_ORDER "webhooks:created_at"
/* the deliveries list's order, as its cursors name it: newest first */
#define DELIVERY_ORDER "deliveries:-created_at"

/* how long a rotated secret still signs deliveries, unless the request says otherwise */
#define WEBHOOK_OVERLAP_SECONDS 86400
#define WEBHOOK_OVERLAP_MAX_SECONDS (7 * 86400)

static const char *const event_types[] = {"organisation", "endorsement", "dialogue", "agreement",
					  "registration", "representative", "document",
					  "consultation_response", "follow_up", "council", NULL};

static bool is_admin(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_USER && strcmp(rq->principal.role, "admin") == 0;
}

/* GET /api/v1/changes (openapi: listChanges) */
int changes_list(struct req *rq)
{
	char after[32] = "0", limit[8] = "100", types[200], array[220] = "{";
	const char *params[3];
	char v[100];
	PGresult *res;
	int rc;

	rc = req_query(rq, "after", v, sizeof(v));
	if (rc > 0) {
		char *end;
		long long n = strtoll(v, &end, 10);

		if (!v[0] || *end || n < 0 || v[0] < '0' || v[0] > '9' || strlen(v) > 18)
			return reply_error(rq, 400, "after must be a sequence number (0 or more)");
		snprintf(after, sizeof(after), "%lld", n);
	} else if (rc < 0) {
		return reply_error(rq, 400, "after must be a sequence number (0 or more)");
	}
	rc = req_query(rq, "limit", v, sizeof(v));
	if (rc != 0) {
		char *end;
		long n = strtol(v, &end, 10);

		if (rc < 0 || !v[0] || *end || n < 1 || n > 500 || v[0] < '0' || v[0] > '9')
			return reply_error(rq, 400, "limit must be a whole number from 1 to 500");
		snprintf(limit, sizeof(limit), "%ld", n);
	}
	rc = req_query(rq, "types", types, sizeof(types));
	if (rc < 0)
		return reply_error(rq, 400, "types must be a comma list of event types");
	/* every type but registrations and representatives unless asked: those came later and
	 * are about people's doings, and a consumer that mirrors the register should not meet
	 * them unasked; the council is in, its names and roles are public by office */
	if (rc == 0 || !types[0])
		snprintf(types, sizeof(types), "organisation,endorsement,dialogue,agreement,document,"
			 "consultation_response,follow_up,council");
	{
		char copy[200];
		char *save = NULL;

		snprintf(copy, sizeof(copy), "%s", types);
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (!fields_one_of(t, event_types))
				return reply_error(rq, 400, "types: '%.40s' is not an event type", t);
			snprintf(array + strlen(array), sizeof(array) - strlen(array), "%s%s",
				 array[1] ? "," : "", t);
		}
		snprintf(array + strlen(array), sizeof(array) - strlen(array), "}");
	}
	params[0] = after;
	params[1] = array;
	params[2] = limit;
	res = db_exec(rq->db, STMT_CHANGES, params, 3);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* POST /api/v1/webhooks (openapi: createWebhook) */
int webhooks_create(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"url", FIELD_STRING, FIELD_REQUIRED, 1, 500},
		{"types", FIELD_STRING_ARRAY, FIELD_REQUIRED, 1, 10, event_types},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[6];
	const char *why;
	char secret[48];
	char *types;
	PGresult *res;

	/* a webhook delivers the change feed: its owner must be allowed to read the feed */
	if (rq->principal.kind == PRINCIPAL_CLIENT && !principal_has_scope(&rq->principal, "changes:read"))
		return reply_error(rq, 403, "a webhook delivers the change feed: this needs the scopes "
					    "webhooks:manage and changes:read");
	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	why = webhook_url_problem(fields_string(rq->body, "url"), rq->cfg->webhook_allow_private);
	if (why) {
		problem_add_error(&pb, "/url", why);
		return reply_problem(rq, &pb);
	}
	if (webhook_secret_new(secret))
		return reply_error(rq, 500, "no randomness for a secret");
	types = json_dumps(json_object_get(rq->body, "types"), JSON_COMPACT);
	params[0] = fields_string(rq->body, "url");
	params[1] = types;
	params[2] = secret;
	params[3] = actor_type(rq);
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_WEBHOOK_CREATE, params, 6);
	free(types);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/webhooks/");
}

/* GET /api/v1/webhooks (openapi: listWebhooks) */
int webhooks_list(struct req *rq)
{
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	struct page_request pr;
	const char *params[5];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, WEBHOOK_ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = is_admin(rq) ? "true" : "false";
	params[4] = rq->principal.id;
	res = db_exec(rq->db, STMT_WEBHOOK_LIST, params, 5);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, WEBHOOK_ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/webhooks/{id} (openapi: getWebhook) */
int webhooks_get(struct req *rq)
{
	const char *params[3] = {req_param(rq, 0), is_admin(rq) ? "true" : "false",
				 rq->principal.id};
	PGresult *res = db_exec(rq->db, STMT_WEBHOOK_GET, params, 3);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such webhook");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* DELETE /api/v1/webhooks/{id} (openapi: deleteWebhook) */
int webhooks_delete(struct req *rq)
{
	char version[16];
	const char *params[6] = {req_param(rq, 0), if_match_param(rq, version),
				 is_admin(rq) ? "true" : "false", actor_type(rq),
				 rq->principal.id, rq->request_id};
	PGresult *res;

	res = db_exec(rq->db, STMT_WEBHOOK_DELETE, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/retry (openapi: retryWebhookDelivery):
 * the delivery becomes due again in SQL; the worker sends it as any other */
int webhooks_delivery_retry(struct req *rq)
{
	const char *params[6] = {req_param(rq, 0), req_param(rq, 1), is_admin(rq) ? "true" : "false",
				 rq->principal.id, actor_type(rq), rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_WEBHOOK_DELIVERY_RETRY, params, 6);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* POST /api/v1/webhooks/{id}/rotate-secret (openapi: rotateWebhookSecret) */
int webhooks_rotate_secret(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"overlap_seconds", FIELD_INTEGER, 0, 0, WEBHOOK_OVERLAP_MAX_SECONDS},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	char version[16], secret[48], overlap[16];
	json_t *given = json_object_get(rq->body, "overlap_seconds");
	const char *params[8] = {req_param(rq, 0), if_match_param(rq, version), secret, overlap,
				 is_admin(rq) ? "true" : "false", actor_type(rq),
				 rq->principal.id, rq->request_id};
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	snprintf(overlap, sizeof(overlap), "%lld",
		 given ? (long long)json_integer_value(given) : (long long)WEBHOOK_OVERLAP_SECONDS);
	if (webhook_secret_new(secret))
		return reply_error(rq, 500, "no randomness for a secret");
	res = db_exec(rq->db, STMT_WEBHOOK_ROTATE_SECRET, params, 8);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* GET /api/v1/webhooks/{id}/deliveries (openapi: listWebhookDeliveries): newest first */
int webhooks_deliveries(struct req *rq)
{
	/* one header column first: whether the caller sees the webhook */
	static const struct page_columns cols = {.body = 1, .key = 2, .id = 3};
	struct page_request pr;
	const char *params[6];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, DELIVERY_ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = is_admin(rq) ? "true" : "false";
	params[5] = rq->principal.id;
	res = db_exec(rq->db, STMT_WEBHOOK_DELIVERIES, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "there is no such webhook");
	else
		rc = reply_page(rq, res, cols, DELIVERY_ORDER, &pr);
	PQclear(res);
	return rc;
}
