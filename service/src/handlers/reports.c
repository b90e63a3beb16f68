/*
 * reports.c -- statistics for everyone and the audit log for the secretariat.
 */
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_MAX 520

/* GET /api/v1/stats (openapi: getStats) */
int stats_get(struct req *rq)
{
	PGresult *res = db_exec(rq->db, STMT_STATS, NULL, 0);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* GET /api/v1/audit (openapi: listAudit) */
int audit_list(struct req *rq)
{
	static const char *const names[] = {"entity_type", "entity_id", "actor", "action"};
	char limit[8], cursor[CURSOR_MAX], v[100];
	const char *params[3];
	json_t *f = json_object();
	char *text;
	PGresult *res;
	int rc;

	if ((rc = list_limit_read(rq, limit)) || (rc = json_cursor_read(rq, cursor, sizeof(cursor))))
		goto done;
	for (size_t i = 0; i < 4; i++) {
		int has = req_query(rq, names[i], v, sizeof(v));
		bool uuid = i == 1 || i == 2;

		if (has == 0)
			continue;
		if (has < 0 || !v[0] || (uuid && !uuid_syntax_ok(v)) ||
		    (!uuid && strspn(v, "abcdefghijklmnopqrstuvwxyz_") != strlen(v))) {
			rc = reply_error(rq, 400, "%s has a value the audit log cannot hold",
					 names[i]);
			goto done;
		}
		json_object_set_new(f, names[i], json_string(v));
	}
	text = json_dumps(f, JSON_COMPACT);
	params[0] = text;
	params[1] = limit;
	params[2] = cursor[0] ? cursor : NULL;
	res = db_exec(rq->db, STMT_AUDIT_LIST, params, 3);
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
