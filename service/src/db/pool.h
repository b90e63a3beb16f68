/*
 * pool.h -- a bounded pool of PostgreSQL connections, one owner at a time. A request checks a
 * connection out for its whole life and gives it back; the pool waits a bounded time for a
 * free one (then the router answers 503), so DB_POOL_SIZE can be smaller than THREADS.
 *
 * Connections open lazily and heal themselves: a connection that failed (PQstatus BAD, or a
 * query that ended with no SQLSTATE, docs/libraries.md, "libpq 15") is reset on its next checkout, and its
 * prepared statements are prepared again (they die with PQreset).
 */
#ifndef IDEKOM_POOL_H
#define IDEKOM_POOL_H

#include <libpq-fe.h>
#include <stdbool.h>

struct dbconn {
	PGconn *pg;
	bool prepared;    /* statements.c's table is prepared on this connection */
	bool broken;      /* reset before the next use */
	int index;
};

struct pool_stats {
	int size;
	int in_use;
	unsigned long waits;    /* checkouts that had to wait */
	unsigned long timeouts; /* checkouts that gave up (503) */
};

/* Creates the pool (no connection is opened yet). Returns 0 or -1. */
int pool_init(const char *conninfo, int size);
/* Closes every connection; none may be checked out. */
void pool_shutdown(void);

/*
 * Returns a connected connection with the statements prepared, or NULL when none is free
 * within wait_ms or the database cannot be reached (the caller answers 503). Give it back
 * with pool_checkin.
 */
struct dbconn *pool_checkout(int wait_ms);
void pool_checkin(struct dbconn *c);

void pool_get_stats(struct pool_stats *st);

/*
 * Opens a standalone connection (for the command line and background work), with the same
 * session settings as pooled ones. Returns NULL after logging why.
 */
PGconn *db_connect(const char *conninfo);

/*
 * The application_name of every connection opened afterwards ("idekom-cli" until set). Set once,
 * before any thread connects: `idekom serve` names the newest migration it knows
 * (MIGRATE_REPLICA_PREFIX), so that `idekom migrate` can see older replicas (db/migrate.h).
 */
void db_set_application_name(const char *name);

#endif
