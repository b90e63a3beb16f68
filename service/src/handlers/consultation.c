/*
 * consultation.c -- the consultation (remiss) on an agreement in consultation (openapi tag
 * Agreements): its close date, the organisations' responses (one each, by their
 * representatives, edited or withdrawn until the close), the secretariat's comments, the
 * secretariat's CSV, and after the close the public compilation. Who sees what of each
 * response is decided per row in SQL (api.consultation_response_view).
 */
#include "domain/consultation.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: earliest first */
#define ORDER "consultation-responses:submitted_at"

static const struct page_columns headed_cols = {.body = 1, .key = 2, .id = 3};

static const char *caller_user(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
}

/* GET /api/v1/agreements/{ref}/consultation (openapi: getConsultation) */
int consultation_get(struct req *rq)
{
	const char *params[2] = {req_param(rq, 0), caller_kind(rq)};
	PGresult *res = db_exec(rq->db, STMT_CONSULTATION_GET, params, 2);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such agreement");
	}
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* PUT /api/v1/agreements/{ref}/consultation (openapi: scheduleConsultation) */
int consultation_schedule(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[4];

	if (consultation_settings_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	params[0] = req_param(rq, 0);
	params[1] = fields_string(rq->body, "consultation_closes_at");
	params[2] = rq->principal.id;
	params[3] = rq->request_id;
	return reply_write_result(rq, db_exec(rq->db, STMT_CONSULTATION_SET, params, 4), NULL);
}

/*
 * The list filters kind, district (vocabulary codes) and status into out (each "" when
 * absent). Returns 0, or the 400 already replied.
 */
static int read_filters(struct req *rq, char out[3][64])
{
	static const char *const names[] = {"kind", "district", "status"};
	static const char *const statuses[] = {"submitted", "withdrawn", NULL};

	for (size_t i = 0; i < 3; i++) {
		int has = req_query(rq, names[i], out[i], 64);

		if (has == 0) {
			out[i][0] = '\0';
			continue;
		}
		if (has < 0 || !out[i][0] ||
		    strspn(out[i], "abcdefghijklmnopqrstuvwxyz_") != strlen(out[i]) ||
		    (i == 2 && !fields_one_of(out[i], statuses)))
			return reply_error(rq, 400, "%s has a value this list does not know",
					   names[i]);
	}
	return 0;
}

static const char *or_null(const char *s)
{
	return s[0] ? s : NULL;
}

/* GET /api/v1/agreements/{ref}/consultation/responses (openapi: listConsultationResponses) */
int consultation_responses_list(struct req *rq)
{
	struct page_request pr;
	char filters[3][64];
	const char *params[9];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	if ((rc = read_filters(rq, filters)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = caller_kind(rq);
	params[5] = caller_user(rq);
	params[6] = or_null(filters[0]);
	params[7] = or_null(filters[1]);
	params[8] = or_null(filters[2]);
	res = db_exec(rq->db, STMT_CONSULTATION_RESPONSE_LIST, params, 9);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "there is no such agreement");
	else
		rc = reply_page(rq, res, headed_cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET .../consultation/responses/{response_id} (openapi: getConsultationResponse) */
int consultation_response_get(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), caller_kind(rq), req_param(rq, 1),
				 caller_user(rq)};
	PGresult *res = db_exec(rq->db, STMT_CONSULTATION_RESPONSE_GET, params, 4);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such response");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* POST /api/v1/agreements/{ref}/consultation/responses (openapi: createConsultationResponse) */
int consultation_response_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[5];
	char *text;
	PGresult *res;

	if (consultation_response_check(rq->body, true, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	params[0] = req_param(rq, 0);
	params[1] = text;
	params[2] = caller_kind(rq);
	params[3] = caller_user(rq);
	params[4] = rq->request_id;
	res = db_exec(rq->db, STMT_CONSULTATION_RESPONSE_CREATE, params, 5);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/agreements/");
}

/* One change of a response: edit (If-Match), withdraw or comment. */
static int change(struct req *rq, const char *action, const char *revision)
{
	const char *params[8];
	char *text = rq->body ? json_dumps(rq->body, JSON_COMPACT) : NULL;
	PGresult *res;

	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = action;
	params[3] = revision;
	params[4] = text ? text : "{}";
	params[5] = caller_kind(rq);
	params[6] = caller_user(rq);
	params[7] = rq->request_id;
	res = db_exec(rq->db, STMT_CONSULTATION_RESPONSE_CHANGE, params, 8);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* PATCH .../consultation/responses/{response_id} (openapi: patchConsultationResponse) */
int consultation_response_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char version[16];

	if (consultation_response_check(rq->body, false, &pb))
		return reply_problem(rq, &pb);
	/* 404 before 412 and 428: the statement decides (if_match_param) */
	return change(rq, "edit", if_match_param(rq, version));
}

/* POST .../responses/{response_id}/withdraw (openapi: withdrawConsultationResponse) */
int consultation_response_withdraw(struct req *rq)
{
	return change(rq, "withdraw", NULL);
}

/* PUT .../responses/{response_id}/comment (openapi: commentConsultationResponse) */
int consultation_response_comment(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (consultation_comment_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	return change(rq, "comment", NULL);
}

/* GET .../consultation/responses.csv (openapi: getConsultationResponsesCsv) */
int consultation_responses_csv(struct req *rq)
{
	static const char header[] = "response_id,organisation_id,organisation_name,org_number,"
				     "kind,districts,status,submitted_at,updated_at,"
				     "not_for_publication,principles,commitments,body,comment\r\n";
	char filters[3][64];
	const char *params[2];
	json_t *f;
	char *text;
	PGresult *res;
	int rc;

	if ((rc = read_filters(rq, filters)))
		return rc;
	f = json_object();
	if (filters[0][0])
		json_object_set_new(f, "kind", json_string(filters[0]));
	if (filters[1][0])
		json_object_set_new(f, "district", json_string(filters[1]));
	if (filters[2][0])
		json_object_set_new(f, "status", json_string(filters[2]));
	text = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	params[0] = req_param(rq, 0);
	params[1] = text;
	res = db_exec(rq->db, STMT_CONSULTATION_CSV, params, 2);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_csv_rows(rq, res, header, "consultation-responses.csv",
			      "there is no such agreement");
}
