/*
 * agreements.c -- the agreement (överenskommelse) in its versions (openapi/openapi.yaml, tag Agreements): list,
 * create, read by id or slug, edit while draft or in consultation, adopt.
 */
#include "domain/agreement.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: newest first */
#define ORDER "agreements:-created_at"

/* GET /api/v1/agreements (openapi: listAgreements) */
int agreements_list(struct req *rq)
{
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	struct page_request pr;
	const char *params[4];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = caller_kind(rq);
	res = db_exec(rq->db, STMT_AGREEMENT_LIST, params, 4);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* POST /api/v1/agreements (openapi: createAgreement) */
int agreements_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (agreement_input_check(rq->body, true, &pb))
		return reply_problem(rq, &pb);
	return write_create(rq, STMT_AGREEMENT_CREATE, "/api/v1/agreements/");
}

/* GET /api/v1/agreements/{ref} (openapi: getAgreement) -- ref is the id or the slug */
int agreements_get(struct req *rq)
{
	const char *params[2] = {req_param(rq, 0), caller_kind(rq)};
	PGresult *res = db_exec(rq->db, STMT_AGREEMENT_GET, params, 2);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such agreement");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* PATCH /api/v1/agreements/{ref} (openapi: patchAgreement) */
int agreements_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (agreement_input_check(rq->body, false, &pb))
		return reply_problem(rq, &pb);
	return write_patch(rq, STMT_AGREEMENT_PATCH);
}

/* POST /api/v1/agreements/{ref}/adopt (openapi: adoptAgreement) */
int agreements_adopt(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[4];
	char *decision;
	PGresult *res;

	if (adoption_input_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	decision = json_dumps(json_object_get(rq->body, "decision"), JSON_COMPACT);
	params[0] = req_param(rq, 0);
	params[1] = decision;
	params[2] = rq->principal.id;
	params[3] = rq->request_id;
	res = db_exec(rq->db, STMT_AGREEMENT_ADOPT, params, 4);
	free(decision);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
