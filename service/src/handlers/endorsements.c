/*
 * endorsements.c -- the organisations' endorsements of the agreement: the public register
 * (also as it stood on a given day, and as open-data CSV), endorsing and withdrawing, and an
 * organisation's own history. Names of signatories and mandates are shown only to the
 * secretariat and the organisation's representatives (the SQL decides per row).
 */
#include "domain/agreement.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the orders of the two lists, as their cursors name them */
#define REGISTER_ORDER "endorsements:endorsed_at"       /* earliest first */
#define HISTORY_ORDER "organisation-endorsements:-endorsed_at" /* newest first */

/* A page with one header column first: whether the agreement or organisation was found. */
static const struct page_columns headed_cols = {.body = 1, .key = 2, .id = 3};

static const char *caller_user(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
}

/* Register filters: status, kind, area, as_of. New reference, or NULL after a 400. */
static json_t *register_filters(struct req *rq, int *rc)
{
	static const char *const statuses[] = {"active", "withdrawn", "renewal_needed", NULL};
	static const char *const names[] = {"status", "kind", "area", "as_of"};
	json_t *f = json_object();
	char v[100];

	for (size_t i = 0; i < 4; i++) {
		int has = req_query(rq, names[i], v, sizeof(v));

		if (has == 0)
			continue;
		if (has < 0 || !v[0] || (i == 0 && !fields_one_of(v, statuses)) ||
		    (i == 3 && !fields_timestamp_ok(v) && !fields_date_ok(v)) ||
		    ((i == 1 || i == 2) && strspn(v, "abcdefghijklmnopqrstuvwxyz_") != strlen(v))) {
			*rc = reply_error(rq, 400, "%s has a value this register does not know",
					  names[i]);
			json_decref(f);
			return NULL;
		}
		json_object_set_new(f, names[i], json_string(v));
	}
	return f;
}

/* GET /api/v1/agreements/{ref}/endorsements (openapi: listEndorsements) */
int endorsements_list(struct req *rq)
{
	struct page_request pr;
	const char *params[7];
	json_t *f;
	char *text;
	PGresult *res;
	int rc = 0;

	if ((rc = page_request_read(rq, REGISTER_ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	f = register_filters(rq, &rc);
	if (!f)
		return rc;
	text = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = caller_kind(rq);
	params[5] = text;
	params[6] = caller_user(rq);
	res = db_exec(rq->db, STMT_ENDORSEMENT_LIST, params, 7);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "there is no such agreement");
	else
		rc = reply_page(rq, res, headed_cols, REGISTER_ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/agreements/{ref}/endorsements.csv (openapi: getEndorsementsCsv) */
int endorsements_csv(struct req *rq)
{
	static const char header[] = "organisation_id,organisation_name,org_number,kind,status,"
				     "endorsed_at,withdrawn_at,statement\r\n";
	const char *params[3];
	json_t *f;
	char *text;
	PGresult *res;
	int rc = 0;

	f = register_filters(rq, &rc);
	if (!f)
		return rc;
	text = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	params[0] = req_param(rq, 0);
	params[1] = text;
	params[2] = caller_kind(rq);
	res = db_exec(rq->db, STMT_ENDORSEMENT_CSV, params, 3);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_csv_rows(rq, res, header, "endorsements.csv", "there is no such agreement");
}

/* POST /api/v1/agreements/{ref}/endorsements (openapi: createEndorsement) */
int endorsements_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[6];
	char *text;
	PGresult *res;

	if (endorsement_input_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	caller_params(rq, params);
	params[3] = req_param(rq, 0);
	params[4] = text;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_ENDORSEMENT_CREATE, params, 6);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/agreements/");
}

/* POST /api/v1/agreements/{ref}/endorsements/{endorsement_id}/withdraw (openapi: withdrawEndorsement) */
int endorsements_withdraw(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"reason", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 1000},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[7];
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	caller_params(rq, params);
	params[3] = req_param(rq, 0);
	params[4] = req_param(rq, 1);
	params[5] = fields_string(rq->body, "reason");
	params[6] = rq->request_id;
	res = db_exec(rq->db, STMT_ENDORSEMENT_WITHDRAW, params, 7);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	/* 200 with the endorsement and its ETag, as every action answers */
	return reply_write_result(rq, res, NULL);
}

/* GET /api/v1/organisations/{id}/endorsements (openapi: listOrganisationEndorsements) */
int endorsements_of_organisation(struct req *rq)
{
	struct page_request pr;
	const char *params[6];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, HISTORY_ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = caller_kind(rq);
	params[5] = caller_user(rq);
	res = db_exec(rq->db, STMT_ORG_ENDORSEMENTS, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "there is no such organisation");
	else
		rc = reply_page(rq, res, headed_cols, HISTORY_ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/agreements/{ref}/endorsements/{endorsement_id} (openapi: getEndorsement) --
 * one entry of the register as it stands now */
int endorsements_get(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), req_param(rq, 1), caller_kind(rq),
				 caller_user(rq)};
	PGresult *res = db_exec(rq->db, STMT_ENDORSEMENT_GET, params, 4);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_found(rq, res, 0, "there is no such agreement or endorsement");
}
