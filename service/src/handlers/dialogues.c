/*
 * dialogues.c -- dialogue meetings, conferences and council meetings (openapi/openapi.yaml, tag Dialogues):
 * list, create, read, merge-patch and cancel. Registrations are in registrations.c and the
 * calendar feeds in calendar.c.
 */
#include "domain/dialogue.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_MAX 520

/* GET /api/v1/dialogues (openapi: listDialogues) */
int dialogues_list(struct req *rq)
{
	static const char *const kinds[] = {"dialogmote", "konferens", "radsmote", "arbetsgrupp",
					    NULL};
	static const char *const statuses[] = {"scheduled", "cancelled", "held", NULL};
	char limit[8], cursor[CURSOR_MAX], v[801];
	const char *params[3];
	json_t *f = json_object();
	char *text;
	PGresult *res;
	int rc;

	if ((rc = list_limit_read(rq, limit)) || (rc = json_cursor_read(rq, cursor, sizeof(cursor))))
		goto done;
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "to" : "from";

		rc = req_query(rq, name, v, sizeof(v));
		if (rc < 0 || (rc > 0 && !fields_timestamp_ok(v) && !fields_date_ok(v))) {
			rc = reply_error(rq, 400, "%s must be an RFC 3339 date-time or a date", name);
			goto done;
		}
		if (rc > 0)
			json_object_set_new(f, name, json_string(v));
	}
	rc = req_query(rq, "kind", v, sizeof(v));
	if (rc < 0 || (rc > 0 && !fields_one_of(v, kinds))) {
		rc = reply_error(rq, 400, "kind must be one of the dialogue kinds");
		goto done;
	}
	if (rc > 0)
		json_object_set_new(f, "kind", json_string(v));
	rc = req_query(rq, "status", v, sizeof(v));
	if (rc < 0 || (rc > 0 && !fields_one_of(v, statuses))) {
		rc = reply_error(rq, 400, "status must be scheduled, cancelled or held");
		goto done;
	}
	if (rc > 0)
		json_object_set_new(f, "status", json_string(v));
	rc = req_query(rq, "q", v, sizeof(v));
	if (rc < 0 || (rc > 0 && utf8_length(v) > 200)) {
		rc = reply_error(rq, 400, "q must be at most 200 characters");
		goto done;
	}
	if (rc > 0 && v[0]) {
		json_t *s = json_string(v);

		if (!s) {
			rc = reply_error(rq, 400, "q must be UTF-8 text");
			goto done;
		}
		json_object_set_new(f, "q", s);
	}
	text = json_dumps(f, JSON_COMPACT);
	params[0] = text;
	params[1] = limit;
	params[2] = cursor[0] ? cursor : NULL;
	res = db_exec(rq->db, STMT_DIALOGUE_LIST, params, 3);
	free(text);
	if (!db_ok(res)) {
		rc = reply_db_failure(rq, res);
		goto done;
	}
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
done:
	json_decref(f);
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
	return write_patch(rq, STMT_DIALOGUE_PATCH, "the dialogue's ETag");
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
