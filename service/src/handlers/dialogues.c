/*
 * dialogues.c -- dialogue meetings, conferences and council meetings (openapi/openapi.yaml, tag Dialogues):
 * list, create, read, merge-patch and cancel. Registrations are in registrations.c and the
 * calendar feeds in calendar.c.
 */
#include "domain/dialogue.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: by start, earliest first */
#define ORDER "dialogues:starts_at"

/* The list filters, checked; "" means no filter. */
struct dialogue_filters {
	char from[801], to[801];
	char kind[16], status[16];
	char q[801];
	char organisation_id[37];
};

static const char *or_null(const char *s)
{
	return s[0] ? s : NULL;
}

/* Reads the list filters into f. Returns 0, or the 400 already replied. */
static int read_filters(struct req *rq, struct dialogue_filters *f)
{
	static const char *const kinds[] = {"dialogmote", "konferens", "radsmote", "arbetsgrupp",
					    NULL};
	static const char *const statuses[] = {"scheduled", "cancelled", "held", NULL};
	char v[801];
	int rc;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "to" : "from";

		rc = req_query(rq, name, v, sizeof(v));
		if (rc < 0 || (rc > 0 && !fields_timestamp_ok(v) && !fields_date_ok(v)))
			return reply_error(rq, 400, "%s must be an RFC 3339 date-time or a date",
					   name);
		if (rc > 0)
			snprintf(i ? f->to : f->from, sizeof(f->from), "%s", v);
	}
	rc = req_query(rq, "kind", v, sizeof(v));
	if (rc < 0 || (rc > 0 && !fields_one_of(v, kinds)))
		return reply_error(rq, 400, "kind must be one of the dialogue kinds");
	if (rc > 0)
		snprintf(f->kind, sizeof(f->kind), "%.15s", v); /* a known kind */
	rc = req_query(rq, "status", v, sizeof(v));
	if (rc < 0 || (rc > 0 && !fields_one_of(v, statuses)))
		return reply_error(rq, 400, "status must be scheduled, cancelled or held");
	if (rc > 0)
		snprintf(f->status, sizeof(f->status), "%.15s", v); /* a known status */
	rc = req_query(rq, "q", v, sizeof(v));
	if (rc < 0 || (rc > 0 && utf8_length(v) > 200))
		return reply_error(rq, 400, "q must be at most 200 characters");
	if (rc > 0 && v[0]) {
		json_t *s = json_string(v); /* jansson checks the UTF-8 */

		if (!s)
			return reply_error(rq, 400, "q must be UTF-8 text");
		json_decref(s);
		snprintf(f->q, sizeof(f->q), "%s", v);
	}
	rc = req_query(rq, "organisation_id", v, sizeof(v));
	if (rc < 0 || (rc > 0 && !uuid_syntax_ok(v)))
		return reply_error(rq, 400, "organisation_id must be an organisation id (a UUID)");
	if (rc > 0)
		snprintf(f->organisation_id, sizeof(f->organisation_id), "%.36s", v);
	return 0;
}

/* GET /api/v1/dialogues (openapi: listDialogues) */
int dialogues_list(struct req *rq)
{
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	struct dialogue_filters f;
	struct page_request pr;
	const char *params[11];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)) || (rc = read_filters(rq, &f)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = or_null(f.from);
	params[4] = or_null(f.to);
	params[5] = or_null(f.kind);
	params[6] = or_null(f.status);
	params[7] = or_null(f.q);
	params[8] = or_null(f.organisation_id);
	params[9] = caller_kind(rq);
	params[10] = rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
	res = db_exec(rq->db, STMT_DIALOGUE_LIST, params, 11);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* POST /api/v1/dialogues (openapi: createDialogue) */
int dialogues_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (dialogue_input_check(rq->body, true, &pb))
		return reply_problem(rq, &pb);
	return write_create(rq, STMT_DIALOGUE_CREATE, "/api/v1/dialogues/");
}

/* GET /api/v1/dialogues/{id} (openapi: getDialogue) */
int dialogues_get(struct req *rq)
{
	const char *params[1] = {req_param(rq, 0)};
	PGresult *res = db_exec(rq->db, STMT_DIALOGUE_GET, params, 1);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such dialogue");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* PATCH /api/v1/dialogues/{id} (openapi: patchDialogue) -- a JSON merge patch */
int dialogues_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	if (dialogue_input_check(rq->body, false, &pb))
		return reply_problem(rq, &pb);
	return write_patch(rq, STMT_DIALOGUE_PATCH);
}

/* POST /api/v1/dialogues/{id}/cancel (openapi: cancelDialogue) */
int dialogues_cancel(struct req *rq)
{
	const char *params[3] = {req_param(rq, 0), rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_DIALOGUE_CANCEL, params, 3);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
