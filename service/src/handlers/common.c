/* common.c -- see common.h */
#include "handlers/common.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Constraint names that belong to one field of the request, and what to tell the client. */
static const struct {
	const char *constraint;
	const char *field;
	const char *message;
} constraint_fields[] = {
	{"app_user_email_key", "/email", "is already registered"},
	{"app_user_email_check", "/email", "must be an e-mail address"},
	{"app_user_name_check", "/name", "must be 1 to 200 characters long"},
	{"app_user_role_check", "/role", "must be admin or member"},
	{"api_client_name_check", "/name", "must be 1 to 200 characters long"},
	{"api_client_scopes_check", "/scopes", "must name known scopes"},
};

static int map_sqlstate(const char *state, int *retry_after)
{
	static const struct {
		const char *state;
		int status;
	} table[] = {
		{"23505", 409}, {"23P01", 409}, {"23503", 409}, {"23514", 422}, {"23502", 422},
		{"22001", 422}, {"22007", 422}, {"22008", 422}, {"22P02", 400}, {"42501", 403},
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
				problem_add_error(&pb, constraint_fields[i].field,
						  constraint_fields[i].message);
				/* a duplicate is still a conflict, but says which field */
				if (state && (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0))
					pb.status = 409;
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
	default:
		snprintf(pb.detail, sizeof(pb.detail), "%s", "the request could not be carried out");
	}
	PQclear(res);
	return reply_problem(rq, &pb);
}

/* Checks "YYYY-MM-DDTHH:MM:SS.ffffffZ" as api.ts writes it. */
static bool cursor_time_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

int list_params_read(struct req *rq, struct list_params *lp)
{
	char value[200];
	unsigned char raw[160];
	int rc;

	memset(lp, 0, sizeof(*lp));
	snprintf(lp->limit, sizeof(lp->limit), "20");
	rc = req_query(rq, "limit", value, sizeof(value));
	if (rc < 0)
		return reply_error(rq, 400, "limit must be a whole number from 1 to 100");
	if (rc > 0) {
		char *end;
		long n = strtol(value, &end, 10);

		if (!value[0] || *end || n < 1 || n > 100)
			return reply_error(rq, 400, "limit must be a whole number from 1 to 100");
		snprintf(lp->limit, sizeof(lp->limit), "%ld", n);
	}
	rc = req_query(rq, "cursor", value, sizeof(value));
	if (rc < 0)
		return reply_error(rq, 400, "cursor is not one this service gave out");
	if (rc > 0) {
		long n = strlen(value) < 200 ? base64url_decode(value, strlen(value), raw) : -1;
		char *bar = n > 0 ? strchr((char *)raw, '|') : NULL;

		if (!bar || (size_t)n != strlen((char *)raw))
			return reply_error(rq, 400, "cursor is not one this service gave out");
		*bar = '\0';
		if (!cursor_time_ok((char *)raw) || !uuid_syntax_ok(bar + 1))
			return reply_error(rq, 400, "cursor is not one this service gave out");
		/* both lengths are checked above: 27 and 36 characters */
		memcpy(lp->after_ts, raw, strlen((char *)raw) + 1);
		memcpy(lp->after_id, bar + 1, strlen(bar + 1) + 1);
	}
	return 0;
}

int if_match_version(const struct req *rq, char out[16])
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
	if (n == 0 || n > 9 || h[1 + n] != '"')
		return -1;
	memcpy(out, h + 1, n);
	out[n] = '\0';
	return 1;
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
