/* common.c -- see common.h */
#include "handlers/common.h"
#include "domain/fields.h"
#include "handlers/write_result.h"
#include "http/router.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Constraint names that belong to one field of the request, and what to tell the client. */
static const struct {
	const char *constraint;
	const char *field;   /* NULL: a rule of the whole resource */
	const char *message;
	int status;          /* the answer for it */
} constraint_fields[] = {
	{"app_user_email_key", "/email", "is already registered", 409},
	{"app_user_email_check", "/email", "must be an e-mail address", 422},
	{"app_user_name_check", "/name", "must be 1 to 200 characters long", 422},
	{"app_user_role_check", "/role", "must be admin or member", 422},
	{"api_client_name_check", "/name", "must be 1 to 200 characters long", 422},
	{"api_client_scopes_check", "/scopes", "must name known scopes", 422},
	{"organisation_org_number_key", "/org_number", "is already registered", 409},
	{"organisation_org_number_check", "/org_number", "is not an organisation number", 422},
	{"organisation_name_check", "/name", "must be 2 to 200 characters long", 422},
	{"organisation_kind_check", "/kind", "is not a kind of the vocabulary", 422},
	{"organisation_areas_check", "/areas", "holds a code that is not an interest area", 422},
	{"organisation_districts_check", "/districts", "holds a code that is not a district", 422},
	{"organisation_umbrella_id_fkey", "/umbrella_id", "no such organisation", 422},
	{"organisation_umbrella_cycle", "/umbrella_id",
	 "would make the organisation its own umbrella (a cycle)", 422},
	{"organisation_website_check", "/website", "must be an http:// or https:// address", 422},
	{"organisation_member_count_check", "/member_count", "must be 0 or more", 422},
	{"organisation_status_check", "/status", "is not a status", 422},
	{"representative_last_signatory", NULL,
	 "a verified organisation must keep at least one signatory", 409},
	{"dialogue_title_check", "/title", "must be 2 to 200 characters long", 422},
	{"dialogue_ends_at_check", "/ends_at", "must be after starts_at", 422},
	{"dialogue_capacity_check", "/capacity", "must be 1 to 100000", 422},
	{"dialogue_online_url_check", "/online_url", "must be an http:// or https:// address", 422},
	{"dialogue_minutes_check", "/minutes", "minutes are published after the meeting", 422},
	{"agreement_slug_key", "/slug", "is already taken", 409},
	{"agreement_slug_check", "/slug", "must be 3 to 63 characters of a-z, 0-9 and -", 422},
	{"agreement_title_check", "/title", "must be 2 to 300 characters long", 422},
	{"agreement_one_adopted", NULL, "another agreement was adopted at the same time", 409},
	{"consultation_response_active_key", NULL,
	 "the organisation already has a response to this consultation", 409},
	{"consultation_response_body_check", "/body", "must be 1 to 20000 characters long", 422},
	{"consultation_response_comment_check", "/comment", "must be 1 to 20000 characters long",
	 422},
	{"follow_up_entry_key", NULL, "the year's entry was recorded at the same time", 409},
	{"follow_up_entry_text_check", "/text", "must be 1 to 10000 characters long", 422},
	{"follow_up_entry_status_check", "/status", "is not a follow-up status", 422},
	{"commitment_plan_city_owner_check", "/city_owner", "must be 1 to 300 characters long",
	 422},
	{"action_plan_activity_ends_on_check", "/ends_on", "must not be before starts_on", 422},
	{"action_plan_activity_title_check", "/title", "must be 1 to 300 characters long", 422},
	{"action_plan_activity_responsible_check", "/responsible",
	 "must be 1 to 300 characters long", 422},
	{"action_plan_activity_budget_sek_check", "/budget_sek", "must be 0 or more", 422},
	{"document_title_check", "/title", "must be 1 to 300 characters long", 422},
	{"document_language_check", "/language", "must be an ISO 639 code such as sv or en", 422},
	{"document_type_check", "/type", "is not a document type", 422},
	{"document_filename_check", "/filename", "must be a file name without a path", 422},
	{"endorsement_active_key", NULL,
	 "the organisation already has an active endorsement of this agreement", 409},
	{"registration_active_key", NULL, "the organisation is already registered", 409},
	{"council_member_one_ordinary", NULL,
	 "the seat already has an ordinary member for part of this term", 409},
	{"webhook_url_check", "/url", "must be an http:// or https:// address", 422},
	{"webhook_types_check", "/types", "must name known event types", 422},
};

static int map_sqlstate(const char *state, int *retry_after)
{
	static const struct {
		const char *state;
		int status;
	} table[] = {
		{"23505", 409}, {"23P01", 409}, {"23503", 409}, {"23514", 422}, {"23502", 422},
		{"22001", 422}, {"22007", 422}, {"22008", 422}, {"22P02", 400}, {"22023", 400}, {"42501", 403},
		{"40001", 503}, {"40P01", 503}, {"55P03", 503}, {"57014", 503}, {"57P01", 503},
		{"57P03", 503}, {"08006", 503}, {"08003", 503}, {"08001", 503},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].state, state) == 0) {
			if (table[i].status == 503)
				*retry_after = 1;
			return table[i].status;
		}
	return 500;
}

int reply_db_failure(struct req *rq, PGresult *res)
{
	struct problem pb = PROBLEM_INIT;
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	if (rq->db && rq->db->broken) {
		PQclear(res);
		pb.retry_after = 1;
		problem_set(&pb, 503, "the database connection was lost; try again shortly");
		return reply_problem(rq, &pb);
	}
	pb.status = map_sqlstate(state ? state : "", &pb.retry_after);
	if (constraint && (pb.status == 409 || pb.status == 422)) {
		for (size_t i = 0; i < sizeof(constraint_fields) / sizeof(constraint_fields[0]); i++)
			if (strcmp(constraint_fields[i].constraint, constraint) == 0) {
				if (constraint_fields[i].field)
					problem_add_error(&pb, constraint_fields[i].field,
							  constraint_fields[i].message);
				/* a duplicate is a conflict that still names its field */
				pb.status = constraint_fields[i].status;
				if (pb.status == 409 && !constraint_fields[i].field) {
					snprintf(pb.detail, sizeof(pb.detail), "%s",
						 constraint_fields[i].message);
					PQclear(res);
					return reply_problem(rq, &pb);
				}
				break;
			}
	}
	switch (pb.status) {
	case 409:
		snprintf(pb.detail, sizeof(pb.detail), "%s",
			 "this conflicts with what is already recorded");
		break;
	case 422:
		snprintf(pb.detail, sizeof(pb.detail), "%s", "a value is not acceptable");
		break;
	case 503:
		snprintf(pb.detail, sizeof(pb.detail), "%s", "the database is busy; try again");
		break;
	case 500: {
		char fields[512];
		struct buf msg = BUF_INIT;

		buf_add_json_escaped(&msg, PQresultErrorMessage(res));
		snprintf(fields, sizeof(fields),
			 "\"request_id\":\"%s\",\"sqlstate\":\"%s\",\"error\":\"%.300s\"",
			 rq->request_id, state ? state : "", msg.data ? msg.data : "");
		buf_release(&msg);
		log_line(LOG_ERROR, "statement failed", fields);
		snprintf(pb.detail, sizeof(pb.detail), "%s",
			 "something went wrong on our side; it has been logged");
		break;
	}
	case 400:
		/* 22023 is raised by our own functions, with a message meant for the client */
		snprintf(pb.detail, sizeof(pb.detail), "%s",
			 state && strcmp(state, "22023") == 0
				 ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
				 : "a value in the request could not be read");
		break;
	default:
		snprintf(pb.detail, sizeof(pb.detail), "%s", "the request could not be carried out");
	}
	PQclear(res);
	return reply_problem(rq, &pb);
}

/* If-Match as one strong ETag of at most max_digits digits (see if_match_version) */
static int if_match_digits(const struct req *rq, char *out, size_t max_digits)
{
	const char *h = req_header(rq, "If-Match");
	size_t n;

	if (!h)
		return -1;
	while (*h == ' ')
		h++;
	if (strcmp(h, "*") == 0)
		return 0;
	/* one strong ETag: "<digits>" (a weak W/ tag never matches for If-Match, RFC 9110 §13.1.1) */
	if (h[0] != '"')
		return -1;
	n = strspn(h + 1, "0123456789");
	if (n == 0 || n > max_digits || h[1 + n] != '"')
		return -1;
	memcpy(out, h + 1, n);
	out[n] = '\0';
	return 1;
}

int if_match_version(const struct req *rq, char out[16])
{
	return if_match_digits(rq, out, 9); /* a row version is an int */
}

int if_match_content(const struct req *rq, char out[24])
{
	return if_match_digits(rq, out, 19); /* CONTENT_ETAG: a positive 60-bit number */
}

const char *if_match_param(const struct req *rq, char buf[16])
{
	int rc = if_match_version(rq, buf);

	return rc == 1 ? buf : rc == 0 ? NULL : "0";
}

const char *actor_type(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_CLIENT ? "client" : "user";
}

int reply_resource(struct req *rq, int status, const char *version, const char *json)
{
	reply_add_etag(rq, version);
	return reply_json_text(rq, status, json);
}

int reply_found(struct req *rq, PGresult *res, int col, const char *not_found)
{
	int rc;

	if (PQntuples(res) != 1 || PQgetisnull(res, 0, col))
		rc = reply_error(rq, 404, "%s", not_found);
	else
		rc = reply_resource(rq, 200, PQgetvalue(res, 0, col + 1), PQgetvalue(res, 0, col));
	PQclear(res);
	return rc;
}

const char *caller_kind(const struct req *rq)
{
	const struct principal *p = &rq->principal;

	if (p->kind == PRINCIPAL_USER)
		return strcmp(p->role, "admin") == 0 ? "admin" : "member";
	if (p->kind == PRINCIPAL_CLIENT &&
	    (strstr(p->scopes, "organisations:read") || strstr(p->scopes, "organisations:write")))
		return "client";
	return "anonymous";
}

int write_create(struct req *rq, enum stmt_id stmt, const char *location_prefix)
{
	char *text = json_dumps(rq->body, JSON_COMPACT);
	const char *params[3] = {text, rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, stmt, params, 3);

	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, location_prefix);
}

int write_patch(struct req *rq, enum stmt_id stmt)
{
	char version[16];
	char *text = json_dumps(rq->body, JSON_COMPACT);
	const char *params[5] = {req_param(rq, 0), if_match_param(rq, version), text,
				 rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, stmt, params, 5);

	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

int write_attendance(struct req *rq, enum stmt_id stmt)
{
	static const struct field_spec fields[] = {
		{"attended", FIELD_BOOLEAN, FIELD_REQUIRED | FIELD_NULLABLE, 0, 0},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const json_t *attended;
	const char *params[5];
	PGresult *res;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	attended = json_object_get(rq->body, "attended");
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = json_is_null(attended) ? NULL : json_is_true(attended) ? "true" : "false";
	params[3] = rq->principal.id;
	params[4] = rq->request_id;
	res = db_exec(rq->db, stmt, params, 5);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

void caller_params(const struct req *rq, const char *params[3])
{
	const struct principal *p = &rq->principal;

	params[0] = p->kind == PRINCIPAL_USER     ? "user"
		    : p->kind == PRINCIPAL_CLIENT ? "client"
						  : "anonymous";
	params[1] = p->kind == PRINCIPAL_ANONYMOUS ? NULL : p->id;
	params[2] = p->kind == PRINCIPAL_CLIENT ? p->scopes : NULL;
}

int caller_confirm(struct req *rq, const PGresult *res)
{
	if (PQntuples(res) == 0)
		return router_caller_held(rq, NULL);
	return router_caller_held(rq, PQgetvalue(res, 0, 0));
}

int reply_csv_rows(struct req *rq, PGresult *res, const char *header, const char *filename,
		   const char *not_found)
{
	struct buf out = BUF_INIT;
	char disposition[160];
	json_t *rows;
	const json_t *row;
	size_t i;
	int rc;

	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return reply_error(rq, 404, "%s", not_found);
	}
	rows = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (!json_is_array(rows)) {
		json_decref(rows);
		return reply_error(rq, 500, "the file could not be written");
	}
	buf_adds(&out, header);
	json_array_foreach(rows, i, row)
	{
		for (size_t c = 0; c < json_array_size(row); c++) {
			if (c)
				buf_add(&out, ",", 1);
			csv_cell(&out, json_string_value(json_array_get(row, c)));
		}
		buf_add(&out, "\r\n", 2);
	}
	json_decref(rows);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", filename);
	req_add_header(rq, "Content-Disposition", disposition);
	rc = reply_raw(rq, 200, "text/csv; charset=utf-8", out.data, out.len);
	buf_release(&out);
	return rc;
}
