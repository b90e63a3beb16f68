/*
 * main.c -- the idekom command: a table of subcommands (as git.c has), nothing else.
 * Each subcommand exits non-zero with a one-line message on failure (README.md, "Command
 * line", lists them for operators).
 */
#include "app.h"
#include "auth/password.h"
#include "config.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "domain/fields.h"
#include "embedded.h"
#include "util/build_info.h"
#include "util/log.h"
#include "util/text.h"

#include <civetweb.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <pthread.h>

static int cmd_serve(int argc, char **argv);
static int cmd_migrate(int argc, char **argv);
static int cmd_user(int argc, char **argv);
static int cmd_client(int argc, char **argv);
static int cmd_seed_demo(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{"serve", cmd_serve, "serve                      run the API (and STATIC_DIR)"},
	{"migrate", cmd_migrate,
	 "migrate [--force]          apply db/migrations in order (--force: also a breaking one\n"
	 "                                    while replicas that do not know it are connected)"},
	{"user", cmd_user,
	 "user add --email E --name N [--role admin|member]   (password: IDEKOM_PASSWORD or stdin)\n"
	 "  idekom user set-password --email E   (password: IDEKOM_PASSWORD or stdin; logs the user out)\n"
	 "  idekom user disable --email E        (no more logins; logs the user out)"},
	{"client", cmd_client, "client add --name N --scopes s1,s2"},
	{"seed-demo", cmd_seed_demo, "seed-demo                  load demo data (idempotent)"},
	{"--version", cmd_version, "--version                  print the version and the git commit"},
};

static int usage(void)
{
	fprintf(stderr, "usage: idekom <command>\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  idekom %s\n", commands[i].usage);
	return 2;
}

static PGconn *connect_or_die(void)
{
	PGconn *pg = db_connect(config_database_url());

	if (!pg)
		fprintf(stderr, "idekom: cannot connect to the database (DATABASE_URL)\n");
	return pg;
}

static int cmd_serve(int argc, char **argv)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct mg_context *ctx;
	sigset_t set;
	char err[256];
	int sig = 0;

	(void)argc;
	(void)argv;
	if (!cfg || config_from_env(cfg, true, err, sizeof(err))) {
		fprintf(stderr, "idekom: %s\n", cfg ? err : "out of memory");
		free(cfg);
		return 1;
	}
	log_set_level(cfg->log_level);
	/* every connection names the newest migration this binary knows, for `idekom migrate`
	 * (db/migrate.h) */
	{
		char name[64];

		snprintf(name, sizeof(name), MIGRATE_REPLICA_PREFIX "%s", migrate_latest());
		db_set_application_name(name);
	}
	/* block the signals before civetweb's threads exist, so they inherit the mask and only
	 * sigwait below sees them (docs/libraries.md, Civetweb) */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ctx = app_start(cfg);
	if (!ctx) {
		fprintf(stderr, "idekom: cannot listen on %s\n", cfg->listen);
		free(cfg);
		return 1;
	}
	log_msgf(LOG_INFO, "listening on http://%s (%d threads, %d database connections)",
		 cfg->listen, cfg->threads, cfg->db_pool_size);
	sigwait(&set, &sig);
	log_msgf(LOG_INFO, "signal %d: finishing requests in flight", sig);
	app_stop(ctx);
	log_msgf(LOG_INFO, "stopped");
	free(cfg);
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	bool force = false;
	PGconn *pg;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") != 0) {
			fprintf(stderr, "idekom: migrate: unknown argument %s (only --force)\n", argv[i]);
			return 2;
		}
		force = true;
	}
	pg = connect_or_die();
	if (!pg)
		return 1;
	rc = migrate_run(pg, force);
	PQfinish(pg);
	return rc ? 1 : 0;
}

/* Finds --name VALUE among argv; returns VALUE or NULL. */
static const char *option(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static int read_password(char *out, size_t outlen)
{
	const char *env = getenv("IDEKOM_PASSWORD");
	size_t n;

	if (env) {
		snprintf(out, outlen, "%s", env);
		return 0;
	}
	if (!fgets(out, (int)outlen, stdin))
		return -1;
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return 0;
}

/* Creates a user; returns 0, 1 on failure, 3 when the e-mail is taken. */
static int create_user(PGconn *pg, const char *email, const char *name, const char *role,
		       const char *password, bool print_id)
{
	char hash[PASSWORD_HASH_MAX];
	const char *params[4];
	PGresult *res;
	int rc = 0;

	if (password_hash(password, hash)) {
		fprintf(stderr, "idekom: cannot hash the password\n");
		return 1;
	}
	params[0] = email;
	params[1] = name;
	params[2] = hash;
	params[3] = role;
	res = PQexecParams(pg,
			   /* the operator vouches for the address: it counts as verified */
			   "WITH u AS (INSERT INTO app_user (email, name, password_hash, role, "
			   "email_verified_at) VALUES ($1, btrim($2), $3, $4, now()) RETURNING *) "
			   "SELECT audit_write('system', NULL, 'create', 'user', u.id, NULL, "
			   "api.user_json(u), 'cli'), u.id FROM u",
			   4, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		rc = state && strcmp(state, "23505") == 0 ? 3 : 1;
		fprintf(stderr, "idekom: cannot create the user: %s\n",
			rc == 3 ? "that e-mail is already registered" : "invalid values");
	} else if (print_id) {
		printf("%s\n", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return rc;
}

/* Reads and checks a new password (12 to 256 characters); prints why not and returns -1. */
static int new_password(char *out, size_t outlen)
{
	if (read_password(out, outlen) || utf8_length(out) < 12 || utf8_length(out) > 256) {
		fprintf(stderr, "idekom: the password must be 12 to 256 characters "
				"(IDEKOM_PASSWORD or standard input)\n");
		return -1;
	}
	return 0;
}

/*
 * Runs one statement whose parameter $1 is the e-mail and that returns a row when it found
 * (and changed) that user. Returns 0, or 1 with a message. One statement is one transaction.
 */
static int change_user(const char *sql, int nparams, const char *const *params, const char *what)
{
	PGconn *pg = connect_or_die();
	PGresult *res;
	int rc = 0;

	if (!pg)
		return 1;
	res = PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "idekom: cannot %s: %s", what, PQerrorMessage(pg));
		rc = 1;
	} else if (PQntuples(res) == 0) {
		fprintf(stderr, "idekom: no user has the e-mail %s\n", params[0]);
		rc = 1;
	}
	PQclear(res);
	PQfinish(pg);
	return rc;
}

/*
 * A new password: the hash replaced, every refresh token of the user revoked (sessions end
 * within the access token's lifetime), the e-mail's failed logins cleared as a successful
 * login clears them (so a locked-out user can log in at once), an audit row, the version
 * bumped.
 */
static int user_set_password(const char *email)
{
	char password[300], hash[PASSWORD_HASH_MAX];
	const char *params[2] = {email, hash};

	if (new_password(password, sizeof(password)))
		return 1;
	if (password_hash(password, hash)) {
		fprintf(stderr, "idekom: cannot hash the password\n");
		return 1;
	}
	return change_user("WITH old AS (SELECT * FROM app_user WHERE lower(email) = lower($1) "
			   "FOR UPDATE), "
			   "u AS (UPDATE app_user a SET password_hash = $2, version = a.version + 1, "
			   "updated_at = now() FROM old WHERE a.id = old.id RETURNING a.*), "
			   "r AS (UPDATE refresh_token t SET revoked_at = now() FROM u "
			   "WHERE t.user_id = u.id AND t.revoked_at IS NULL RETURNING t.id), "
			   "f AS (UPDATE login_failure l SET cleared = true FROM u "
			   "WHERE l.email = lower(u.email) AND NOT l.cleared) "
			   "SELECT audit_write('system', NULL, 'update', 'user', u.id, "
			   "api.user_json(old::app_user), api.user_json(u::app_user), 'cli'), "
			   "(SELECT count(*) FROM r) FROM u JOIN old ON old.id = u.id",
			   2, params, "set the password");
}

/* Disabled, as the secretariat's PATCH does it: refresh tokens revoked, audited. */
static int user_disable(const char *email)
{
	const char *params[1] = {email};

	return change_user("SELECT p.status FROM app_user u, LATERAL api.user_patch(u.id, NULL, "
			   "NULL, true, 'system', NULL, 'cli') p WHERE lower(u.email) = lower($1)",
			   1, params, "disable the user");
}

static int cmd_user(int argc, char **argv)
{
	const char *email = option(argc, argv, "--email");
	const char *name = option(argc, argv, "--name");
	const char *role = option(argc, argv, "--role");
	char password[300];
	PGconn *pg;
	int rc;

	if (argc < 2 || !email)
		return usage();
	if (!fields_email_ok(email)) {
		fprintf(stderr, "idekom: --email must be an e-mail address\n");
		return 1;
	}
	if (strcmp(argv[1], "set-password") == 0)
		return user_set_password(email);
	if (strcmp(argv[1], "disable") == 0)
		return user_disable(email);
	if (strcmp(argv[1], "add") != 0 || !name)
		return usage();
	role = role ? role : "member";
	if (strcmp(role, "admin") != 0 && strcmp(role, "member") != 0) {
		fprintf(stderr, "idekom: --role must be admin or member\n");
		return 1;
	}
	if (new_password(password, sizeof(password)))
		return 1;
	pg = connect_or_die();
	if (!pg)
		return 1;
	rc = create_user(pg, email, name, role, password, true);
	PQfinish(pg);
	return rc ? 1 : 0;
}

static int cmd_client(int argc, char **argv)
{
	const char *name = option(argc, argv, "--name");
	const char *scopes = option(argc, argv, "--scopes");
	unsigned char raw[32];
	char encoded[44], secret[48];
	const char *params[3];
	PGconn *pg;
	PGresult *res;
	int rc = 0;

	if (argc < 2 || strcmp(argv[1], "add") != 0 || !name || !scopes)
		return usage();
	if (random_bytes(raw, sizeof(raw))) {
		fprintf(stderr, "idekom: no randomness for a secret\n");
		return 1;
	}
	base64url_encode(raw, sizeof(raw), encoded);
	snprintf(secret, sizeof(secret), "cs_%s", encoded);
	pg = connect_or_die();
	if (!pg)
		return 1;
	params[0] = name;
	params[1] = scopes;
	params[2] = secret;
	res = PQexecParams(pg,
			   "WITH c AS (INSERT INTO api_client (name, secret_hash, scopes) "
			   "VALUES (btrim($1), sha256(convert_to($3, 'UTF8')), "
			   "string_to_array($2, ',')) RETURNING *) "
			   "SELECT audit_write('system', NULL, 'create', 'client', c.id, NULL, "
			   "api.client_json(c), 'cli'), c.id FROM c",
			   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "idekom: cannot create the client: check --name and --scopes "
				"(organisations:read, organisations:write, changes:read, "
				"webhooks:manage)\n");
		rc = 1;
	} else {
		printf("{\"client_id\": \"%s\", \"client_secret\": \"%s\"}\n", PQgetvalue(res, 0, 1),
		       secret);
	}
	PQclear(res);
	PQfinish(pg);
	return rc;
}

/*
 * Writes "email password" to path, readable by its owner only (0600) whatever the umask, also
 * when the file existed with wider permissions. Returns 0 or -1.
 */
static int write_secret_file(const char *path, const char *email, const char *password)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0600)) {
		close(fd);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fprintf(f, "%s %s\n", email, password);
	return fclose(f) ? -1 : 0;
}

/*
 * Demo data: a demo admin, created once (its password is printed that one time and written
 * to IDEKOM_DEMO_ADMIN_FILE when set), and db/seed/demo.sql: fictitious organisations,
 * umbrella organisations with members among them. Running it again changes nothing.
 */
static int cmd_seed_demo(int argc, char **argv)
{
	static const char email[] = "admin@idekom.example";
	unsigned char raw[18];
	char password[32];
	const char *file = getenv("IDEKOM_DEMO_ADMIN_FILE");
	PGconn *pg;
	int rc;

	(void)argc;
	(void)argv;
	if (random_bytes(raw, sizeof(raw)))
		return 1;
	base64url_encode(raw, sizeof(raw), password);
	pg = connect_or_die();
	if (!pg)
		return 1;
	rc = create_user(pg, email, "Demo Admin", "admin", password, false);
	if (rc == 0 || rc == 3) {
		PGresult *res = PQexec(pg, embedded_demo_sql);

		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "idekom: cannot load the demo data: %s", PQerrorMessage(pg));
			rc = 1;
		}
		PQclear(res);
	}
	PQfinish(pg);
	if (rc == 3) {
		fprintf(stderr, "idekom: demo admin %s exists already (password shown when it was "
				"created)\n", email);
		return 0;
	}
	if (rc)
		return 1;
	printf("demo admin created: %s  password: %s  (shown once)\n", email, password);
	if (file && write_secret_file(file, email, password)) {
		fprintf(stderr, "idekom: cannot write %s\n", file);
		return 1;
	}
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("idekom %s (commit %s)\n", build_version, build_commit);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "serve";

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc > 1 ? argc - 1 : 0, argv + 1);
	return usage();
}
