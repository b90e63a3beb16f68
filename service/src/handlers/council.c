/*
 * council.c -- the council (rådet): its composition on any day, and the secretariat adding
 * seats, appointing members for a term and ending terms (openapi: tag Council). One ordinary member per
 * seat at a time is the database's rule (council_member_one_ordinary, migration 0016).
 */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"
#include "http/response.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>

/* GET /api/v1/council (openapi: getCouncil) */
int council_get(struct req *rq)
{
	char day[16];
	int has = req_query(rq, "as_of", day, sizeof(day));
	const char *params[1];
	PGresult *res;
	int rc;

	if (has < 0 || (has > 0 && !fields_date_ok(day)))
		return reply_error(rq, 400, "as_of must be a date, YYYY-MM-DD");
	params[0] = has > 0 ? day : NULL;
	res = db_exec(rq->db, STMT_COUNCIL_GET, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static int write_json(struct req *rq, enum stmt_id id, const char *first, const char *location)
{
	const char *params[4];
	int n = 0;
	char *text = json_dumps(rq->body, JSON_COMPACT);
	PGresult *res;

	if (!text)
		return reply_error(rq, 500, "the body could not be written");
	if (first)
		params[n++] = first;
	params[n++] = text;
	params[n++] = rq->principal.id;
	params[n++] = rq->request_id;
	res = db_exec(rq->db, id, params, n);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, location);
}

/* POST /api/v1/council/seats (openapi: createCouncilSeat) */
int council_seat_create(struct req *rq)
{
	static const char *const categories[] = {"politician", "official", "organisation", NULL};
	static const struct field_spec fields[] = {
		{"category", FIELD_STRING, FIELD_REQUIRED, 1, 20, categories},
		{"title", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 2, 200},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	return write_json(rq, STMT_COUNCIL_SEAT_CREATE, NULL, NULL);
}

/* POST /api/v1/council/seats/{id}/members (openapi: createCouncilMember) */
int council_member_create(struct req *rq)
{
	static const char *const roles[] = {"ordinary", "substitute", NULL};
	static const struct field_spec fields[] = {
		{"role", FIELD_STRING, FIELD_REQUIRED, 1, 20, roles},
		{"name", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 2, 200},
		{"party", FIELD_STRING, FIELD_NULLABLE | FIELD_TRIM, 1, 100},
		{"organisation_id", FIELD_STRING, FIELD_NULLABLE, 36, 36},
		{"from", FIELD_DATE, FIELD_REQUIRED, 0, 0},
		{"to", FIELD_DATE, FIELD_NULLABLE, 0, 0},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *org;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	org = fields_string(rq->body, "organisation_id");
	if (org && !uuid_syntax_ok(org)) {
		problem_add_error(&pb, "/organisation_id", "must be an organisation id");
		return reply_problem(rq, &pb);
	}
	return write_json(rq, STMT_COUNCIL_MEMBER_CREATE, req_param(rq, 0), NULL);
}

/* PATCH /api/v1/council/seats/{id}/members/{member_id} (openapi: endCouncilMemberTerm) */
int council_member_end(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"to", FIELD_DATE, FIELD_REQUIRED | FIELD_NULLABLE, 0, 0},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[5];
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = fields_string(rq->body, "to");
	params[3] = rq->principal.id;
	params[4] = rq->request_id;
	res = db_exec(rq->db, STMT_COUNCIL_MEMBER_END, params, 5);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* GET /api/v1/dialogues/{id}/council-attendance (openapi: getCouncilAttendance) */
int council_attendance_get(struct req *rq)
{
	const char *params[1] = {req_param(rq, 0)};
	PGresult *res = db_exec(rq->db, STMT_COUNCIL_ATTENDANCE_GET, params, 1);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such council meeting");
	}
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* PUT /api/v1/dialogues/{id}/council-attendance/{member_id} (openapi: setCouncilAttendance) */
int council_attendance_set(struct req *rq)
{
	return write_attendance(rq, STMT_COUNCIL_ATTENDANCE_SET);
}

/* PUT /api/v1/council/quorum (openapi: setCouncilQuorum) */
int council_quorum_set(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"quorum_percent", FIELD_INTEGER, FIELD_REQUIRED, 1, 100},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[3];
	char percent[8];
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	snprintf(percent, sizeof(percent), "%d",
		 (int)json_integer_value(json_object_get(rq->body, "quorum_percent")));
	params[0] = percent;
	params[1] = rq->principal.id;
	params[2] = rq->request_id;
	res = db_exec(rq->db, STMT_COUNCIL_QUORUM_SET, params, 3);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
