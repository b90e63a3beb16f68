/*
 * migrate.h -- applies the embedded migrations in order, each once and in its own
 * transaction, under a PostgreSQL advisory lock so that several replicas starting together
 * are safe (README.md, "Command line"). An applied migration whose text changed is an error.
 */
#ifndef IDEKOM_MIGRATE_H
#define IDEKOM_MIGRATE_H

#include <libpq-fe.h>

/* Returns 0 (all applied, or nothing to do) or -1 after printing a one-line reason. */
int migrate_run(PGconn *pg);

#endif
