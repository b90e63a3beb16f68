/*
 * registrations.c -- organisations registering for dialogues: seats counted against the
 * capacity in the database under the dialogue's row lock, a waitlist, and attendance.
 */
#include "domain/dialogue.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "http/response.h"
#include "util/buf.h"
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: first registered first */
#define ORDER "registrations:registered_at"

static const char *caller_user(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
}

/* GET /api/v1/dialogues/{id}/registrations (openapi: listRegistrations) */
int registrations_list(struct req *rq)
{
	static const char *const statuses[] = {"registered", "waitlisted", "cancelled", NULL};
	/* one header column first: whether the dialogue exists */
	static const struct page_columns cols = {.body = 1, .key = 2, .id = 3};
	struct page_request pr;
	char status[32];
	int has = req_query(rq, "status", status, sizeof(status));
	const char *params[7];
	PGresult *res;
	int rc;

	if (has < 0 || (has > 0 && !fields_one_of(status, statuses)))
		return reply_error(rq, 400, "status must be registered, waitlisted or cancelled");
	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = has > 0 ? status : NULL;
	params[5] = caller_kind(rq);
	params[6] = caller_user(rq);
	res = db_exec(rq->db, STMT_REGISTRATIONS_LIST, params, 7);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "there is no such dialogue");
	else
		rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* POST /api/v1/dialogues/{id}/registrations (openapi: createRegistration) */
int registrations_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[7];
	char attendees[16];
	PGresult *res;

	if (registration_input_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	snprintf(attendees, sizeof(attendees), "%lld",
		 (long long)json_integer_value(json_object_get(rq->body, "attendees")));
	params[0] = req_param(rq, 0);
	params[1] = fields_string(rq->body, "organisation_id");
	params[2] = attendees;
	params[3] = fields_string(rq->body, "note");
	params[4] = caller_kind(rq);
	params[5] = rq->principal.id;
	params[6] = rq->request_id;
	res = db_exec(rq->db, STMT_REGISTRATION_CREATE, params, 7);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	/* Location: /api/v1/dialogues/{id}/registrations/{organisation_id}, named by SQL */
	return reply_write_result(rq, res, "/api/v1/dialogues/");
}

/* DELETE /api/v1/dialogues/{id}/registrations/{organisation_id} (openapi: deleteRegistration) */
int registrations_delete(struct req *rq)
{
	const char *params[5] = {req_param(rq, 0), req_param(rq, 1), caller_kind(rq),
				 rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_REGISTRATION_CANCEL, params, 5);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* PATCH /api/v1/dialogues/{id}/registrations/{organisation_id} (openapi: patchRegistration) */
int registrations_patch(struct req *rq)
{
	return write_attendance(rq, STMT_REGISTRATION_PATCH);
}

/* GET /api/v1/dialogues/{id}/registrations/{organisation_id} (openapi: getRegistration) --
 * the organisation's active registration, else its latest; seen as in the list */
int registrations_get(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), req_param(rq, 1), caller_kind(rq),
				 caller_user(rq)};
	PGresult *res = db_exec(rq->db, STMT_REGISTRATION_GET, params, 4);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_found(rq, res, 0, "there is no such dialogue or registration");
}

/* GET /api/v1/dialogues/{id}/registrations.csv (openapi: getRegistrationsCsv): the
 * secretariat's list of participants, with the notes the organisations wrote to it */
int registrations_csv(struct req *rq)
{
	static const char header[] = "organisation_name,org_number,status,attendees,note,attended,"
				     "registered_at\r\n";
	const char *params[1] = {req_param(rq, 0)};
	PGresult *res;

	res = db_exec(rq->db, STMT_REGISTRATIONS_CSV, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_csv_rows(rq, res, header, "participants.csv", "there is no such dialogue");
}
