/* users.c -- the secretariat's administration of people (openapi/openapi.yaml, tag Users). */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: oldest first */
#define ORDER "users:created_at"

static const struct field_spec user_patch_fields[] = {
	{"role", FIELD_STRING, 0, 1, 20},
	{"disabled", FIELD_BOOLEAN, 0, 0, 0},
	{"id", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"email", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"name", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"created_at", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{"updated_at", FIELD_STRING, FIELD_READ_ONLY, 0, 0},
	{NULL, 0, 0, 0, 0},
};

/* GET /api/v1/users (openapi: listUsers) */
int users_list(struct req *rq)
{
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	struct page_request pr;
	char q[801];
	const char *params[4];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	rc = req_query(rq, "q", q, sizeof(q));
	if (rc < 0 || (rc > 0 && strlen(q) > 200))
		return reply_error(rq, 400, "q must be at most 200 characters");
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = rc > 0 && q[0] ? q : NULL;
	res = db_exec(rq->db, STMT_USER_LIST, params, 4);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/users/{id} (openapi: getUser) */
int users_get(struct req *rq)
{
	const char *params[1] = {req_param(rq, 0)};
	PGresult *res = db_exec(rq->db, STMT_USER_GET, params, 1);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such user");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* PATCH /api/v1/users/{id} (openapi: patchUser) -- role and disabled, as a merge patch */
int users_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[7];
	const char *role;
	const json_t *disabled;
	char version[16];
	PGresult *res;

	if (fields_check(rq->body, user_patch_fields, &pb))
		return reply_problem(rq, &pb);
	role = fields_string(rq->body, "role");
	if (role && strcmp(role, "admin") != 0 && strcmp(role, "member") != 0) {
		problem_add_error(&pb, "/role", "must be admin or member");
		return reply_problem(rq, &pb);
	}
	disabled = json_object_get(rq->body, "disabled");
	params[0] = req_param(rq, 0);
	params[1] = if_match_param(rq, version);
	params[2] = role;
	params[3] = json_is_boolean(disabled) ? (json_is_true(disabled) ? "true" : "false") : NULL;
	params[4] = actor_type(rq);
	params[5] = rq->principal.id;
	params[6] = rq->request_id;
	res = db_exec(rq->db, STMT_USER_PATCH, params, 7);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
