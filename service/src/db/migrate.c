/* migrate.c -- see migrate.h */
#include "db/migrate.h"
#include "embedded.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

/* One fixed key for pg_advisory_lock: "idekom-migrate" */
#define MIGRATE_LOCK_KEY "7412093387211"

static int exec_ok(PGconn *pg, const char *sql, const char *what)
{
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "idekom: migrate: %s failed: %s", what, PQerrorMessage(pg));
	PQclear(res);
	return ok ? 0 : -1;
}

/* 1 applied with the same text, 0 not applied, -1 applied with other text or error. */
static int applied_state(PGconn *pg, const struct embedded_file *m)
{
	const char *params[2] = {m->name, m->text};
	PGresult *res = PQexecParams(pg,
				     "SELECT checksum = md5($2) FROM schema_migration "
				     "WHERE version = $1",
				     2, NULL, params, NULL, NULL, 0);
	int state;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "idekom: migrate: cannot read schema_migration: %s",
			PQerrorMessage(pg));
		state = -1;
	} else if (PQntuples(res) == 0) {
		state = 0;
	} else if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		state = 1;
	} else {
		fprintf(stderr, "idekom: migrate: %s was changed after it was applied\n", m->name);
		state = -1;
	}
	PQclear(res);
	return state;
}

static int apply(PGconn *pg, const struct embedded_file *m)
{
	const char *params[2] = {m->name, m->text};
	PGresult *res;

	if (exec_ok(pg, "BEGIN", "BEGIN"))
		return -1;
	if (exec_ok(pg, m->text, m->name)) {
		exec_ok(pg, "ROLLBACK", "ROLLBACK");
		return -1;
	}
	res = PQexecParams(pg,
			   "INSERT INTO schema_migration (version, checksum) VALUES ($1, md5($2))",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "idekom: migrate: cannot record %s: %s", m->name,
			PQerrorMessage(pg));
		PQclear(res);
		exec_ok(pg, "ROLLBACK", "ROLLBACK");
		return -1;
	}
	PQclear(res);
	if (exec_ok(pg, "COMMIT", "COMMIT"))
		return -1;
	log_msgf(LOG_INFO, "migration applied: %s", m->name);
	return 0;
}

int migrate_run(PGconn *pg)
{
	int rc = 0;
	int applied = 0;

	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the lock"))
		return -1;
	if (exec_ok(pg,
		    "CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, "
		    "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
		    "creating schema_migration")) {
		rc = -1;
		goto unlock;
	}
	for (size_t i = 0; i < embedded_migration_count; i++) {
		int state = applied_state(pg, &embedded_migrations[i]);

		if (state < 0 || (state == 0 && apply(pg, &embedded_migrations[i]))) {
			rc = -1;
			break;
		}
		applied += state == 0;
	}
	if (!rc)
		log_msgf(LOG_INFO, "schema is current (%d migration(s) applied now)", applied);
unlock:
	exec_ok(pg, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "releasing the lock");
	return rc;
}
