/*
 * statements.h -- every SQL statement the service runs, by name. Each is prepared once per
 * connection (statements_prepare) and run with text parameters through db_exec; a NULL
 * parameter is SQL NULL. SQL is never built from strings.
 */
#ifndef IDEKOM_STATEMENTS_H
#define IDEKOM_STATEMENTS_H

#include "db/pool.h"

#include <libpq-fe.h>

enum stmt_id {
	STMT_SCHEMA_VERSION,
	STMT_PRINCIPAL_USER,
	STMT_PRINCIPAL_CLIENT,
	STMT_USER_REGISTER,
	STMT_USER_FOR_LOGIN,
	STMT_LOGIN_RESERVE,
	STMT_LOGIN_RELEASE,
	STMT_LOGIN_SUCCEEDED,
	STMT_REFRESH,
	STMT_LOGOUT,
	STMT_CLIENT_FOR_GRANT,
	STMT_ME,
	STMT_USER_GET,
	STMT_USER_LIST,
	STMT_USER_PATCH,
	STMT_CLIENT_CREATE,
	STMT_CLIENT_GET,
	STMT_CLIENT_LIST,
	STMT_CLIENT_DELETE,
	STMT_ORG_CREATE,
	STMT_ORG_GET,
	STMT_ORG_PATCH,
	STMT_ORG_DECIDE,
	STMT_ORG_UPSERT,
	STMT_REPS_LIST,
	STMT_REP_ADD,
	STMT_REP_REMOVE,
	STMT_VOCABULARIES,
	STMT_DIALOGUE_LIST,
	STMT_DIALOGUE_CREATE,
	STMT_DIALOGUE_GET,
	STMT_DIALOGUE_PATCH,
	STMT_DIALOGUE_CANCEL,
	STMT_REGISTRATIONS_LIST,
	STMT_REGISTRATION_CREATE,
	STMT_REGISTRATION_CANCEL,
	STMT_REGISTRATION_PATCH,
	STMT_CALENDAR_EVENTS,
	STMT_AGREEMENT_LIST,
	STMT_AGREEMENT_CREATE,
	STMT_AGREEMENT_GET,
	STMT_AGREEMENT_PATCH,
	STMT_AGREEMENT_ADOPT,
	STMT_CONSULTATION_GET,
	STMT_CONSULTATION_SET,
	STMT_CONSULTATION_RESPONSE_LIST,
	STMT_CONSULTATION_RESPONSE_GET,
	STMT_CONSULTATION_RESPONSE_CREATE,
	STMT_CONSULTATION_RESPONSE_CHANGE,
	STMT_CONSULTATION_CSV,
	STMT_FOLLOW_UP_GET,
	STMT_FOLLOW_UP_STATS,
	STMT_COMMITMENT_PLAN_SET,
	STMT_FOLLOW_UP_ENTRY_SET,
	STMT_ACTION_PLAN_GET,
	STMT_ACTIVITY_GET,
	STMT_ACTIVITY_WRITE,
	STMT_OPEN_FOLLOW_UP,
	STMT_DOCUMENT_CREATE,
	STMT_DOCUMENT_LIST_AGREEMENT,
	STMT_DOCUMENT_LIST_DIALOGUE,
	STMT_DOCUMENT_LIST_RESPONSE,
	STMT_DOCUMENT_LIST_ENTRY,
	STMT_DOCUMENT_OPEN,
	STMT_DOCUMENT_BYTES,
	STMT_ENDORSEMENT_LIST,
	STMT_ENDORSEMENT_CSV,
	STMT_ENDORSEMENT_CREATE,
	STMT_ENDORSEMENT_WITHDRAW,
	STMT_ORG_ENDORSEMENTS,
	STMT_CHANGES,
	STMT_WEBHOOK_CREATE,
	STMT_WEBHOOK_LIST,
	STMT_WEBHOOK_GET,
	STMT_WEBHOOK_DELETE,
	STMT_WEBHOOK_DELIVERIES,
	STMT_STATS,
	STMT_AUDIT_LIST,
	STMT_OPEN_DATASET,
	STMT_COUNT
};

/*
 * Like db_exec, with each parameter's length and format (formats[i] = 1: binary, handed to
 * PostgreSQL as it is, never escaped or copied into text) and the result's format (1:
 * binary, e.g. bytea as raw bytes). lengths and formats may be NULL (all text).
 */
PGresult *db_exec_params(struct dbconn *c, enum stmt_id id, const char *const *params,
			 const int *lengths, const int *formats, int n, int result_format);

/* Prepares the whole table on pg. Returns 0, or -1 (the schema may not be migrated yet). */
int statements_prepare(PGconn *pg);

/*
 * Runs statement id with n text parameters on c. Returns the result (the caller PQclears it;
 * never NULL). When the connection turned out to be lost, marks c broken so that the pool
 * resets it (docs/libraries.md, "libpq 15").
 */
PGresult *db_exec(struct dbconn *c, enum stmt_id id, const char *const *params, int n);

/* True when res is a successful command or query result. */
int db_ok(const PGresult *res);

#endif
