/*
 * representatives.c -- who acts for an organisation: representatives, and signatories (those
 * entitled to sign for it). Admin and the organisation's signatories manage them; a
 * verified organisation always keeps a signatory (the database checks it).
 */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: who was added first, first */
#define ORDER "representatives:created_at"

/* GET /api/v1/organisations/{id}/representatives (openapi: listRepresentatives) */
int representatives_list(struct req *rq)
{
	/* one header column first: may the caller manage them (200), or 403/404 */
	static const struct page_columns cols = {.body = 1, .key = 2, .id = 3};
	struct page_request pr;
	const char *params[6];
	PGresult *res;
	int access, rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = caller_kind(rq);
	params[5] = rq->principal.id;
	res = db_exec(rq->db, STMT_REPS_LIST, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	access = atoi(PQgetvalue(res, 0, 0));
	if (access == 404)
		rc = reply_error(rq, 404, "there is no such organisation");
	else if (access == 403)
		rc = reply_error(rq, 403, "only the secretariat and the organisation's signatories "
					  "manage its representatives");
	else
		rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* POST /api/v1/organisations/{id}/representatives (openapi: addRepresentative) */
int representatives_add(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"email", FIELD_STRING, FIELD_REQUIRED, 3, 254},
		{"role", FIELD_STRING, FIELD_REQUIRED, 1, 20},
		{NULL, 0, 0, 0, 0},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[6];
	const char *role;
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	role = fields_string(rq->body, "role");
	if (strcmp(role, "representative") != 0 && strcmp(role, "signatory") != 0) {
		problem_add_error(&pb, "/role", "must be representative or signatory");
		return reply_problem(rq, &pb);
	}
	params[0] = req_param(rq, 0);
	params[1] = fields_string(rq->body, "email");
	params[2] = role;
	params[3] = caller_kind(rq);
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_REP_ADD, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	/* Location: /api/v1/organisations/{id}/representatives/{user_id}, named by SQL */
	return reply_write_result(rq, res, "/api/v1/organisations/");
}

/* DELETE /api/v1/organisations/{id}/representatives/{user_id} (openapi: removeRepresentative) */
int representatives_remove(struct req *rq)
{
	const char *params[5] = {req_param(rq, 0), req_param(rq, 1), caller_kind(rq),
				 rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_REP_REMOVE, params, 5);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* GET /api/v1/organisations/{id}/representatives/{user_id} (openapi: getRepresentative) --
 * who may see it is the list's rule: admin and the organisation's signatories */
int representatives_get(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), req_param(rq, 1), caller_kind(rq),
				 rq->principal.id};
	PGresult *res = db_exec(rq->db, STMT_REP_GET, params, 4);
	int access;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	access = atoi(PQgetvalue(res, 0, 0));
	if (access == 404 || access == 403) {
		PQclear(res);
		return access == 404 ? reply_error(rq, 404, "there is no such organisation")
				     : reply_error(rq, 403, "only the secretariat and the "
							    "organisation's signatories manage "
							    "its representatives");
	}
	return reply_found(rq, res, 1, "this person does not represent the organisation");
}
