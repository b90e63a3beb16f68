/* migrate.c -- see migrate.h */
#include "db/migrate.h"
#include "embedded.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

/* One fixed key for pg_advisory_lock: "idekom-migrate" */
#define MIGRATE_LOCK_KEY "7412093387211"
#define MARKER "-- migration: "

static int exec_ok(PGconn *pg, const char *sql, const char *what)
{
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "idekom: migrate: %s failed: %s", what, PQerrorMessage(pg));
	PQclear(res);
	return ok ? 0 : -1;
}

enum migration_kind migration_kind_of(const char *text)
{
	static const struct {
		const char *word;
		enum migration_kind kind;
	} words[] = {{"additive", MIGRATION_ADDITIVE}, {"breaking", MIGRATION_BREAKING}};

	if (strncmp(text, MARKER, strlen(MARKER)) != 0)
		return MIGRATION_UNMARKED;
	text += strlen(MARKER);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		if (strncmp(text, words[i].word, n) == 0 &&
		    (text[n] == '\n' || text[n] == '\0' || strcmp(text + n, "\r") == 0 ||
		     strncmp(text + n, "\r\n", 2) == 0))
			return words[i].kind;
	}
	return MIGRATION_UNMARKED;
}

static const char *kind_word(enum migration_kind kind)
{
	return kind == MIGRATION_BREAKING ? "breaking" : "additive";
}

const char *migrate_latest(void)
{
	return embedded_migration_count ? embedded_migrations[embedded_migration_count - 1].name
					: "";
}

/*
 * 1 applied with the same text, 0 not applied, -1 applied with other text or error.
 * Migrations applied before they carried their marker line were recorded with the checksum
 * of the text below it: such a row is accepted, and gets the kind and today's checksum.
 */
static int applied_state(PGconn *pg, const struct embedded_file *m)
{
	const char *nl = strchr(m->text, '\n');
	const char *params[4] = {m->name, m->text, nl ? nl + 1 : "",
				 kind_word(migration_kind_of(m->text))};
	PGresult *res = PQexecParams(pg,
				     "UPDATE schema_migration SET kind = $4, checksum = md5($2) "
				     "WHERE version = $1 AND kind IS NULL AND checksum = md5($3) "
				     "RETURNING version",
				     4, NULL, params, NULL, NULL, 0);
	int state;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "idekom: migrate: cannot record the kind of %s: %s", m->name,
			PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	res = PQexecParams(pg, "SELECT checksum = md5($2) FROM schema_migration WHERE version = $1",
			   2, NULL, params, NULL, NULL, 0);
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

/*
 * 0 when no replica that does not know migration m is connected to this database, -1 (with
 * the reason printed) when some are or they cannot be counted. A replica names the newest
 * migration it knows in its application_name, and migration names sort in order; a plain
 * "idekom" is a binary from before rolling upgrades (every connection of it was so named),
 * which knows no migration newer than it. The command line's own connections are
 * "idekom-cli", so a second `idekom migrate` waiting for the lock is not a replica.
 */
static int no_older_replicas(PGconn *pg, const struct embedded_file *m)
{
	const char *params[1] = {m->name};
	PGresult *res = PQexecParams(
		pg,
		"SELECT count(*), string_agg(DISTINCT application_name || ' from ' || "
		"coalesce(host(client_addr), 'a local socket'), ', ') "
		"FROM pg_stat_activity WHERE datname = current_database() "
		"AND pid <> pg_backend_pid() AND (application_name = 'idekom' OR "
		"(starts_with(application_name, '" MIGRATE_REPLICA_PREFIX "') AND "
		"substr(application_name, length('" MIGRATE_REPLICA_PREFIX "') + 1) < $1))",
		1, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "idekom: migrate: cannot look for older replicas: %s",
			PQerrorMessage(pg));
		rc = -1;
	} else if (strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
		fprintf(stderr,
			"idekom: migrate: refusing %s: it is a breaking migration, and %s "
			"connection(s) of replicas that do not know it are open (%.300s). Stop or "
			"upgrade those replicas first, or run `idekom migrate --force` to apply it "
			"anyway (they will stop being ready).\n",
			m->name, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static int apply(PGconn *pg, const struct embedded_file *m)
{
	const char *params[3] = {m->name, m->text, kind_word(migration_kind_of(m->text))};
	PGresult *res;

	if (exec_ok(pg, "BEGIN", "BEGIN"))
		return -1;
	if (exec_ok(pg, m->text, m->name)) {
		exec_ok(pg, "ROLLBACK", "ROLLBACK");
		return -1;
	}
	res = PQexecParams(pg,
			   "INSERT INTO schema_migration (version, checksum, kind) "
			   "VALUES ($1, md5($2), $3)",
			   3, NULL, params, NULL, NULL, 0);
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
	log_msgf(LOG_INFO, "migration applied: %s (%s)", m->name, params[2]);
	return 0;
}

/* Every migration must say whether it is additive: checked before anything is applied. */
static int all_marked(void)
{
	for (size_t i = 0; i < embedded_migration_count; i++) {
		if (migration_kind_of(embedded_migrations[i].text) == MIGRATION_UNMARKED) {
			fprintf(stderr,
				"idekom: migrate: %s does not start with `" MARKER "additive` or `"
				MARKER "breaking`\n",
				embedded_migrations[i].name);
			return -1;
		}
	}
	return 0;
}

int migrate_run(PGconn *pg, bool force)
{
	int rc = 0;
	int applied = 0;

	if (all_marked())
		return -1;
	if (exec_ok(pg, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the lock"))
		return -1;
	/* kind: null only for rows written before migrations declared it (applied_state). The
	 * NOTICEs of "IF NOT EXISTS" would print on every run */
	if (exec_ok(pg,
		    "SET client_min_messages = warning; "
		    "CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, "
		    "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); "
		    "ALTER TABLE schema_migration ADD COLUMN IF NOT EXISTS kind text "
		    "CHECK (kind IN ('additive', 'breaking')); RESET client_min_messages",
		    "creating schema_migration")) {
		rc = -1;
		goto unlock;
	}
	for (size_t i = 0; i < embedded_migration_count; i++) {
		const struct embedded_file *m = &embedded_migrations[i];
		int state = applied_state(pg, m);

		if (state == 0 && migration_kind_of(m->text) == MIGRATION_BREAKING) {
			if (force)
				log_msgf(LOG_WARN, "%s is breaking: applied with --force, replicas "
						   "that do not know it stop being ready", m->name);
			else if (no_older_replicas(pg, m))
				state = -1;
		}
		if (state < 0 || (state == 0 && apply(pg, m))) {
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
