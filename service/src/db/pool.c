/* pool.c -- see pool.h */
#include "db/pool.h"
#include "db/statements.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

static struct {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct dbconn *conns;
	int *free_stack; /* indexes of free connections */
	int free_count;
	int size;
	unsigned long waits;
	unsigned long timeouts;
	char *conninfo;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

/*
 * Session settings every connection gets: UTC so that times print the same everywhere,
 * timeouts well under Docker's 10 s stop grace so that a stuck query cannot hold a worker
 * (docs/conventions.md, "Database connections"), and no JIT: it compiles a query that is
 * estimated to be expensive on every execution, tens of milliseconds for statements that
 * run in one.
 */
static const char *const session_options =
	"-c TimeZone=UTC -c statement_timeout=5000 -c lock_timeout=2000 -c jit=off "
	"-c idle_in_transaction_session_timeout=10000";

/* PostgreSQL keeps at most 63 bytes of application_name */
static char application_name[64] = "idekom-cli";

void db_set_application_name(const char *name)
{
	snprintf(application_name, sizeof(application_name), "%s", name);
}

PGconn *db_connect(const char *conninfo)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", "options",
			      "keepalives", "tcp_user_timeout", NULL};
	const char *vals[] = {conninfo, "2", application_name, session_options, "1", "10000", NULL};
	/* expand_dbname=1: dbname may be a full URL or conninfo string, and the other keys
	 * fill in only what it does not set */
	PGconn *pg = PQconnectdbParams(keys, vals, 1);

	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[256];
		const char *e = PQerrorMessage(pg);
		size_t n = strcspn(e, "\n");

		snprintf(msg, sizeof(msg), "cannot connect to database: %.*s",
			 (int)(n < 200 ? n : 200), e);
		log_line(LOG_WARN, msg, NULL);
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

int pool_init(const char *conninfo, int size)
{
	pool.conns = xcalloc((size_t)size, sizeof(*pool.conns));
	pool.free_stack = xcalloc((size_t)size, sizeof(int));
	pool.size = size;
	pool.free_count = size;
	for (int i = 0; i < size; i++) {
		pool.conns[i].index = i;
		pool.free_stack[i] = size - 1 - i;
	}
	pool.conninfo = xstrdup(conninfo);
	return 0;
}

void pool_shutdown(void)
{
	for (int i = 0; i < pool.size; i++)
		PQfinish(pool.conns[i].pg);
	free(pool.conns);
	free(pool.free_stack);
	free(pool.conninfo);
	pool.conns = NULL;
	pool.free_stack = NULL;
	pool.conninfo = NULL;
	pool.size = pool.free_count = 0;
}

/* Brings c to a usable state; returns false when the database cannot be reached. */
static bool make_ready(struct dbconn *c)
{
	if (c->pg && (c->broken || PQstatus(c->pg) != CONNECTION_OK)) {
		PQreset(c->pg);
		c->prepared = false; /* PQreset drops prepared statements (C11) */
		if (PQstatus(c->pg) != CONNECTION_OK) {
			c->broken = true;
			return false;
		}
		c->broken = false;
	}
	if (!c->pg) {
		c->pg = db_connect(pool.conninfo);
		if (!c->pg)
			return false;
		c->prepared = false;
		c->broken = false;
	}
	if (!c->prepared) {
		if (statements_prepare(c->pg)) {
			/* a schema that is not migrated yet also lands here: retry next time */
			c->broken = PQstatus(c->pg) != CONNECTION_OK;
			return false;
		}
		c->prepared = true;
	}
	return true;
}

struct dbconn *pool_checkout(int wait_ms)
{
	struct timespec deadline;
	struct dbconn *c;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool.lock);
	if (pool.free_count == 0)
		pool.waits++;
	while (pool.free_count == 0) {
		if (pthread_cond_timedwait(&pool.freed, &pool.lock, &deadline) == ETIMEDOUT &&
		    pool.free_count == 0) {
			pool.timeouts++;
			pthread_mutex_unlock(&pool.lock);
			return NULL;
		}
	}
	c = &pool.conns[pool.free_stack[--pool.free_count]];
	pthread_mutex_unlock(&pool.lock);

	/* connecting happens outside the lock: other checkouts must not wait on the network */
	if (!make_ready(c)) {
		pool_checkin(c);
		return NULL;
	}
	return c;
}

void pool_checkin(struct dbconn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&pool.lock);
	pool.free_stack[pool.free_count++] = c->index;
	pthread_cond_signal(&pool.freed);
	pthread_mutex_unlock(&pool.lock);
}

void pool_get_stats(struct pool_stats *st)
{
	pthread_mutex_lock(&pool.lock);
	st->size = pool.size;
	st->in_use = pool.size - pool.free_count;
	st->waits = pool.waits;
	st->timeouts = pool.timeouts;
	pthread_mutex_unlock(&pool.lock);
}
