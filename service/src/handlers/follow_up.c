/*
 * follow_up.c -- the follow-up (uppföljning) of an adopted agreement (openapi tag Follow-up):
 * the commitments with their owners, indicators, principles and yearly entries, the action
 * plan of a year with its activities, and the statistics. Public to read (with the
 * agreement's visibility); the secretariat writes.
 */
#include "domain/follow_up.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_MIN 2000
#define YEAR_MAX 2100

/* Runs a read statement whose one row and column is the JSON to answer (none: 404). */
static int reply_read(struct req *rq, enum stmt_id stmt, const char *const *params, int n,
		      const char *missing)
{
	PGresult *res = db_exec(rq->db, stmt, params, n);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "%s", missing);
	}
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* GET /api/v1/agreements/{ref}/follow-up (openapi: getFollowUp) */
int follow_up_get(struct req *rq)
{
	char year[16];
	const char *params[3] = {req_param(rq, 0), caller_kind(rq), NULL};
	int has = req_query(rq, "year", year, sizeof(year));

	if (has < 0 || (has > 0 && follow_up_number(year, YEAR_MIN, YEAR_MAX) < 0))
		return reply_error(rq, 400, "year must be a year from %d to %d", YEAR_MIN, YEAR_MAX);
	if (has > 0)
		params[2] = year;
	return reply_read(rq, STMT_FOLLOW_UP_GET, params, 3, "there is no such agreement");
}

/* GET /api/v1/agreements/{ref}/follow-up/stats (openapi: getFollowUpStats) */
int follow_up_stats(struct req *rq)
{
	const char *params[2] = {req_param(rq, 0), caller_kind(rq)};

	return reply_read(rq, STMT_FOLLOW_UP_STATS, params, 2, "there is no such agreement");
}

/* PUT /api/v1/agreements/{ref}/follow-up/commitments/{number} (openapi: planCommitment) */
int follow_up_plan(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[5];
	char *text;
	PGresult *res;

	if (follow_up_number(req_param(rq, 1), 1, 200) < 0)
		return reply_error(rq, 404, "there is no such commitment");
	if (commitment_plan_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = text;
	params[3] = rq->principal.id;
	params[4] = rq->request_id;
	res = db_exec(rq->db, STMT_COMMITMENT_PLAN_SET, params, 5);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* PUT .../follow-up/commitments/{number}/years/{year} (openapi: recordFollowUp) */
int follow_up_record(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[6];
	char *text;
	PGresult *res;

	if (follow_up_number(req_param(rq, 1), 1, 200) < 0 ||
	    follow_up_number(req_param(rq, 2), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "there is no such commitment or year (%d..%d)",
				   YEAR_MIN, YEAR_MAX);
	if (follow_up_entry_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = req_param(rq, 2);
	params[3] = text;
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_FOLLOW_UP_ENTRY_SET, params, 6);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/agreements/");
}

/* GET /api/v1/agreements/{ref}/action-plan/{year} (openapi: getActionPlan) */
int action_plan_get(struct req *rq)
{
	const char *params[3] = {req_param(rq, 0), caller_kind(rq), req_param(rq, 1)};

	if (follow_up_number(req_param(rq, 1), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "the action plans are of the years %d to %d", YEAR_MIN,
				   YEAR_MAX);
	return reply_read(rq, STMT_ACTION_PLAN_GET, params, 3, "there is no such agreement");
}

/* GET .../action-plan/{year}/activities/{activity_id} (openapi: getActivity) */
int action_plan_activity_get(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), caller_kind(rq), req_param(rq, 1),
				 req_param(rq, 2)};
	PGresult *res;
	int rc;

	if (follow_up_number(req_param(rq, 1), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "there is no such activity");
	res = db_exec(rq->db, STMT_ACTIVITY_GET, params, 4);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such activity");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

static int activity_write(struct req *rq, const char *id, const char *revision)
{
	const char *params[7];
	char *text;
	PGresult *res;

	text = json_dumps(rq->body, JSON_COMPACT);
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = id;
	params[3] = revision;
	params[4] = text;
	params[5] = rq->principal.id;
	params[6] = rq->request_id;
	res = db_exec(rq->db, STMT_ACTIVITY_WRITE, params, 7);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, id ? NULL : "/api/v1/agreements/");
}

/* POST .../action-plan/{year}/activities (openapi: createActivity) */
int action_plan_activity_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (follow_up_number(req_param(rq, 1), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "the action plans are of the years %d to %d", YEAR_MIN,
				   YEAR_MAX);
	if (activity_check(rq->body, true, &pb))
		return reply_problem(rq, &pb);
	return activity_write(rq, NULL, NULL);
}

/* PATCH .../action-plan/{year}/activities/{activity_id} (openapi: patchActivity) */
int action_plan_activity_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char version[16];

	if (follow_up_number(req_param(rq, 1), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "there is no such activity");
	if (activity_check(rq->body, false, &pb))
		return reply_problem(rq, &pb);
	/* 404 before 412 and 428: the statement decides (if_match_param) */
	return activity_write(rq, req_param(rq, 2), if_match_param(rq, version));
}

/* DELETE .../action-plan/{year}/activities/{activity_id} (openapi: deleteActivity) */
int action_plan_activity_delete(struct req *rq)
{
	const char *params[6];
	char version[16];
	PGresult *res;

	if (follow_up_number(req_param(rq, 1), YEAR_MIN, YEAR_MAX) < 0)
		return reply_error(rq, 404, "there is no such activity");
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = req_param(rq, 2);
	/* 404 before 412 and 428: the statement decides (if_match_param) */
	params[3] = if_match_param(rq, version);
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_ACTIVITY_DELETE, params, 6);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
