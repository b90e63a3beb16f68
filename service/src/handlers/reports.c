/*
 * reports.c -- statistics for everyone and the audit log for the secretariat.
 */
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the audit list's order, as its cursors name it: newest first */
#define ORDER "audit:-id"

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
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	char filters[4][100] = {"", "", "", ""};
	struct page_request pr;
	const char *params[7];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_NUMBER, &pr)))
		return rc;
	for (size_t i = 0; i < 4; i++) {
		int has = req_query(rq, names[i], filters[i], sizeof(filters[i]));
		bool uuid = i == 1 || i == 2;

		if (has == 0)
			continue;
		if (has < 0 || !filters[i][0] || (uuid && !uuid_syntax_ok(filters[i])) ||
		    (!uuid && strspn(filters[i], "abcdefghijklmnopqrstuvwxyz_") != strlen(filters[i])))
			return reply_error(rq, 400, "%s has a value the audit log cannot hold",
					   names[i]);
	}
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	for (size_t i = 0; i < 4; i++)
		params[3 + i] = filters[i][0] ? filters[i] : NULL;
	res = db_exec(rq->db, STMT_AUDIT_LIST, params, 7);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}
