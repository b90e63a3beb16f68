/*
 * statements.c -- the SQL text of every statement, indexed by enum stmt_id. Writes are single
 * calls of plpgsql functions in db/migrations (one round trip, one transaction, the audit row
 * included); reads build their JSON in SQL through the api.*_json functions.
 */
#include "db/statements.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

struct stmt {
	const char *name;
	int nparams;
	const char *sql;
};

#define LIST_PAGE(row_type, row_json, from_where)                                               \
	"WITH page AS (SELECT t AS r, t.created_at, t.id, row_number() OVER (ORDER BY "         \
	"t.created_at, t.id) AS n FROM " from_where " AND ($2::timestamptz IS NULL OR "          \
	"(t.created_at, t.id) > ($2::timestamptz, $3::uuid)) ORDER BY t.created_at, t.id "       \
	"LIMIT $1::int + 1) "                                                                    \
	"SELECT json_build_object('items', coalesce((SELECT json_agg(" row_json "(p.r) ORDER BY " \
	"p.n) FROM page p WHERE p.n <= $1::int), '[]'::json), 'next_cursor', (SELECT "          \
	"api.cursor(p.created_at, p.id) FROM page p WHERE p.n = $1::int AND EXISTS (SELECT 1 "   \
	"FROM page q WHERE q.n = $1::int + 1)))::text"

static const struct stmt stmts[STMT_COUNT] = {
	[STMT_SCHEMA_VERSION] = {"schema_version", 0,
				 "SELECT coalesce(max(version), '') FROM schema_migration"},
	[STMT_PRINCIPAL_USER] = {"principal_user", 1,
				 "SELECT role FROM app_user WHERE id = $1::uuid AND NOT disabled"},
	[STMT_PRINCIPAL_CLIENT] = {"principal_client", 1,
				   "SELECT array_to_string(scopes, ' ') FROM api_client "
				   "WHERE id = $1::uuid AND deleted_at IS NULL"},
	[STMT_USER_REGISTER] = {"user_register", 4,
				"SELECT id, version, body FROM api.user_register($1, $2, $3, $4)"},
	[STMT_USER_FOR_LOGIN] = {"user_for_login", 1,
				 "SELECT id, password_hash, disabled, role FROM app_user "
				 "WHERE lower(email) = lower($1)"},
	[STMT_LOGIN_RESERVE] = {"login_reserve", 2,
				"SELECT retry_after, reservation FROM api.login_reserve($1, $2)"},
	[STMT_LOGIN_RELEASE] = {"login_release", 1, "SELECT api.login_release($1::bigint)"},
	[STMT_LOGIN_SUCCEEDED] = {"login_succeeded", 3,
				  "SELECT body FROM api.login_succeeded($1::uuid, $2, $3::int)"},
	[STMT_REFRESH] = {"refresh", 3,
			  "SELECT outcome, user_id, role, body FROM api.refresh($1, $2, $3::int)"},
	[STMT_LOGOUT] = {"logout", 1, "SELECT api.logout($1)"},
	[STMT_CLIENT_FOR_GRANT] = {"client_for_grant", 2,
				   "SELECT array_to_string(scopes, ' ') FROM api_client "
				   "WHERE id = $1::uuid AND deleted_at IS NULL "
				   "AND secret_hash = sha256(convert_to($2, 'UTF8'))"},
	[STMT_ME] = {"me", 1, "SELECT api.me_json($1::uuid)::text"},
	[STMT_USER_GET] = {"user_get", 1,
			   "SELECT u.version, api.user_json(u)::text FROM app_user u "
			   "WHERE u.id = $1::uuid"},
	[STMT_USER_LIST] = {"user_list", 4,
			    LIST_PAGE(app_user, "api.user_json",
				      "app_user t WHERE ($4::text IS NULL OR t.email ILIKE "
				      "'%' || api.like_escape($4) || '%' OR t.name ILIKE '%' || "
				      "api.like_escape($4) || '%')")},
	[STMT_USER_PATCH] = {"user_patch", 7,
			     "SELECT status, version, body FROM api.user_patch($1::uuid, $2::int, "
			     "$3, $4::boolean, $5, $6::uuid, $7)"},
	[STMT_CLIENT_CREATE] = {"client_create", 6,
				"SELECT id, version, body FROM api.client_create($1, $2::jsonb, $3, "
				"$4, $5::uuid, $6)"},
	[STMT_CLIENT_GET] = {"client_get", 1,
			     "SELECT c.version, api.client_json(c)::text FROM api_client c "
			     "WHERE c.id = $1::uuid AND c.deleted_at IS NULL"},
	[STMT_CLIENT_LIST] = {"client_list", 3,
			      LIST_PAGE(api_client, "api.client_json",
					"api_client t WHERE t.deleted_at IS NULL")},
	[STMT_CLIENT_DELETE] = {"client_delete", 5,
				"SELECT api.client_delete($1::uuid, $2::int, $3, $4::uuid, $5)"},
	[STMT_ORG_LIST] = {"org_list", 5,
			   "SELECT api.organisation_list($1::jsonb, $2, $3::uuid, $4::int, $5::jsonb)"},
	[STMT_ORG_CREATE] = {"org_create", 5,
			     "SELECT status, version, body, field, message FROM "
			     "api.organisation_create($1::jsonb, $2, $3::uuid, $4, $5)"},
	[STMT_ORG_GET] = {"org_get", 3,
			  "SELECT version, body FROM api.organisation_get($1::uuid, $2, $3::uuid)"},
	[STMT_ORG_PATCH] = {"org_patch", 7,
			    "SELECT status, version, body, field, message FROM "
			    "api.organisation_patch($1::uuid, $2::int, $3::jsonb, $4, $5::uuid, $6, $7)"},
	[STMT_ORG_DECIDE] = {"org_decide", 6,
			     "SELECT status, version, body, field, message FROM "
			     "api.organisation_decide($1::uuid, $2, $3, $4, $5::uuid, $6)"},
	[STMT_ORG_UPSERT] = {"org_upsert", 6,
			     "SELECT status, version, body, field, message FROM "
			     "api.organisation_upsert($1, $2::jsonb, $3, $4, $5::uuid, $6)"},
	[STMT_ORG_MEMBERS] = {"org_members", 5,
			      "SELECT api.organisation_members($1::uuid, $2, $3::uuid, $4::int, "
			      "$5::jsonb)"},
	[STMT_REPS_LIST] = {"reps_list", 3,
			    "SELECT status, body FROM api.representatives_list($1::uuid, $2, $3::uuid)"},
	[STMT_REP_ADD] = {"rep_add", 6,
			  "SELECT status, user_id, body, field, message FROM "
			  "api.representative_add($1::uuid, $2, $3, $4, $5::uuid, $6)"},
	[STMT_REP_REMOVE] = {"rep_remove", 5,
			     "SELECT api.representative_remove($1::uuid, $2::uuid, $3, $4::uuid, $5)"},
	[STMT_VOCABULARIES] = {"vocabularies", 0, "SELECT api.vocabularies_json()::text"},
	[STMT_DIALOGUE_LIST] = {"dialogue_list", 3,
				"SELECT api.dialogue_list($1::jsonb, $2::int, $3::jsonb)"},
	[STMT_DIALOGUE_CREATE] = {"dialogue_create", 3,
				  "SELECT status, version, body, field, message FROM api.dialogue_create($1::jsonb, $2::uuid, $3)"},
	[STMT_DIALOGUE_GET] = {"dialogue_get", 1, "SELECT version, body FROM api.dialogue_get($1::uuid)"},
	[STMT_DIALOGUE_PATCH] = {"dialogue_patch", 5,
				 "SELECT status, version, body, field, message FROM api.dialogue_patch($1::uuid, $2::int, $3::jsonb, $4::uuid, $5)"},
	[STMT_DIALOGUE_CANCEL] = {"dialogue_cancel", 3,
				  "SELECT status, version, body, field, message FROM api.dialogue_cancel($1::uuid, $2::uuid, $3)"},
	[STMT_REGISTRATIONS_LIST] = {"registrations_list", 4,
				     "SELECT api.registrations_list($1::uuid, $2, $3, $4::uuid)"},
	[STMT_REGISTRATION_CREATE] = {"registration_create", 7,
				      "SELECT status, body, field, message FROM api.registration_create("
				      "$1::uuid, $2::uuid, $3::int, $4, $5, $6::uuid, $7)"},
	[STMT_REGISTRATION_CANCEL] = {"registration_cancel", 5,
				      "SELECT api.registration_cancel($1::uuid, $2::uuid, $3, $4::uuid, $5)"},
	[STMT_REGISTRATION_PATCH] = {"registration_patch", 5,
				     "SELECT status, body, field, message FROM api.registration_patch("
				     "$1::uuid, $2::uuid, $3::boolean, $4::uuid, $5)"},
	[STMT_CALENDAR_EVENTS] = {"calendar_events", 4,
				  "SELECT api.calendar_events($1, $2::uuid, $3, $4::uuid)"},
	[STMT_AGREEMENT_LIST] = {"agreement_list", 3,
				 "SELECT api.agreement_list($1, $2::int, $3::jsonb)"},
	[STMT_AGREEMENT_CREATE] = {"agreement_create", 3,
				   "SELECT status, version, body, field, message FROM api.agreement_create($1::jsonb, $2::uuid, $3)"},
	[STMT_AGREEMENT_GET] = {"agreement_get", 2, "SELECT version, body FROM api.agreement_get($1, $2)"},
	[STMT_AGREEMENT_PATCH] = {"agreement_patch", 5,
				  "SELECT status, version, body, field, message FROM api.agreement_patch($1, $2::int, $3::jsonb, $4::uuid, $5)"},
	[STMT_AGREEMENT_ADOPT] = {"agreement_adopt", 4,
				  "SELECT status, version, body, field, message FROM api.agreement_adopt($1, $2::jsonb, $3::uuid, $4)"},
	[STMT_ENDORSEMENT_LIST] = {"endorsement_list", 6,
				   "SELECT api.endorsement_list($1, $2::jsonb, $3, $4::uuid, $5::int, $6::jsonb)"},
	[STMT_ENDORSEMENT_CSV] = {"endorsement_csv", 3,
				  "SELECT api.endorsement_csv_rows($1, $2::jsonb, $3)"},
	[STMT_ENDORSEMENT_CREATE] = {"endorsement_create", 5,
				     "SELECT status, version, body, field, message FROM api.endorsement_create($1, $2::jsonb, $3, $4::uuid, $5)"},
	[STMT_ENDORSEMENT_WITHDRAW] = {"endorsement_withdraw", 6,
				       "SELECT status, version, body, field, message FROM api.endorsement_withdraw($1, $2::uuid, $3, $4, $5::uuid, $6)"},
	[STMT_ORG_ENDORSEMENTS] = {"org_endorsements", 3,
				   "SELECT api.organisation_endorsements($1::uuid, $2, $3::uuid)"},
	[STMT_CHANGES] = {"changes", 3, "SELECT api.changes($1::bigint, $2::text[], $3::int)"},
	[STMT_WEBHOOK_CREATE] = {"webhook_create", 6,
				 "SELECT status, version, body, field, message FROM "
				 "api.webhook_create($1, $2::jsonb, $3, $4, $5::uuid, $6)"},
	[STMT_WEBHOOK_LIST] = {"webhook_list", 2, "SELECT api.webhook_list($1::boolean, $2::uuid)"},
	[STMT_WEBHOOK_GET] = {"webhook_get", 3,
			      "SELECT version, body FROM api.webhook_get($1::uuid, $2::boolean, $3::uuid)"},
	[STMT_WEBHOOK_DELETE] = {"webhook_delete", 6,
				 "SELECT api.webhook_delete($1::uuid, $2::int, $3::boolean, $4, $5::uuid, $6)"},
	[STMT_WEBHOOK_DELIVERIES] = {"webhook_deliveries", 3,
				     "SELECT api.webhook_deliveries($1::uuid, $2::boolean, $3::uuid)"},
	[STMT_STATS] = {"stats", 0, "SELECT api.stats()"},
	[STMT_AUDIT_LIST] = {"audit_list", 3, "SELECT api.audit_list($1::jsonb, $2::int, $3::jsonb)"},
	[STMT_OPEN_DATASET] = {"open_dataset", 1, "SELECT api.open_dataset($1)"},
};

int statements_prepare(PGconn *pg)
{
	for (int i = 0; i < STMT_COUNT; i++) {
		PGresult *res = PQprepare(pg, stmts[i].name, stmts[i].sql, stmts[i].nparams, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

		if (!ok) {
			char msg[300];

			snprintf(msg, sizeof(msg), "cannot prepare statement %s: %.200s",
				 stmts[i].name, PQresultErrorMessage(res));
			log_line(LOG_WARN, msg, NULL);
		}
		PQclear(res);
		if (!ok)
			return -1;
	}
	return 0;
}

PGresult *db_exec(struct dbconn *c, enum stmt_id id, const char *const *params, int n)
{
	PGresult *res = PQexecPrepared(c->pg, stmts[id].name, n, params, NULL, NULL, 0);

	/* a lost server shows as CONNECTION_BAD, often with no SQLSTATE (libraries.md C12) */
	if (!res || PQstatus(c->pg) != CONNECTION_OK)
		c->broken = true;
	if (!res)
		res = PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
	return res;
}

int db_ok(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);

	return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}
