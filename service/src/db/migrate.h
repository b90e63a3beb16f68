/*
 * migrate.h -- applies the embedded migrations in order, each once and in its own
 * transaction, under a PostgreSQL advisory lock so that several replicas starting together
 * are safe (README.md, "Command line"). An applied migration whose text changed is an error.
 *
 * Rolling upgrades (docs/operations.md): every migration's first line says what it does to
 * binaries that do not know it, `-- migration: additive` (they keep working: it only adds
 * tables, columns, functions or rows) or `-- migration: breaking`. schema_migration records
 * it per version (column `kind`), so a replica stays ready on a newer schema when everything
 * newer than what it knows is additive (handlers/ops.c). `idekom serve` connects with the
 * application_name MIGRATE_REPLICA_PREFIX + the newest migration it knows (the command line
 * connects as "idekom-cli"); before a breaking
 * migration, migrate looks for connections of replicas that do not know it and refuses while
 * there are any, unless forced.
 */
#ifndef IDEKOM_MIGRATE_H
#define IDEKOM_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>

#define MIGRATE_REPLICA_PREFIX "idekom@"

enum migration_kind { MIGRATION_UNMARKED, MIGRATION_ADDITIVE, MIGRATION_BREAKING };

/* The kind its first line declares: exactly "-- migration: additive" or "... breaking". */
enum migration_kind migration_kind_of(const char *text);

/* The newest embedded migration's name ("0012_webhook_owners"), "" when there is none. */
const char *migrate_latest(void);

/*
 * Returns 0 (all applied, or nothing to do) or -1 after printing a one-line reason; -1 also
 * when a breaking migration is pending while older replicas are connected and !force.
 */
int migrate_run(PGconn *pg, bool force);

#endif
