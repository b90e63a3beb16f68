/*
 * gdpr.c -- a person's rights under the GDPR (openapi/openapi.yaml, tag Users): access to
 * everything held about them (GET /me/export) and erasure (DELETE /me, and DELETE
 * /users/{id} by the secretariat). What erasure keeps, and why, is in
 * db/migrations/0015_people.sql (api.user_erase) and docs/decisions.md.
 */
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"

/* GET /api/v1/me/export (openapi: exportMe) */
int me_export(struct req *rq)
{
	const char *params[1] = {rq->principal.id};
	PGresult *res = db_exec(rq->db, STMT_ME_EXPORT, params, 1);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such user");
	}
	/* a download the browser saves as a file, never kept by a cache */
	req_add_header(rq, "Content-Disposition", "attachment; filename=\"idekom-mina-uppgifter.json\"");
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

static int erase(struct req *rq, const char *user_id)
{
	const char *params[4] = {user_id, actor_type(rq), rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_USER_ERASE, params, 4);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* DELETE /api/v1/me (openapi: deleteMe) */
int me_delete(struct req *rq)
{
	return erase(rq, rq->principal.id);
}

/* DELETE /api/v1/users/{id} (openapi: deleteUser) */
int users_delete(struct req *rq)
{
	return erase(rq, req_param(rq, 0));
}
