/* retention.c -- see retention.h */
#include "db/retention.h"
#include "db/background.h"
#include "util/log.h"

#include <stdlib.h>

#define EVERY_MS (60 * 60 * 1000)

static struct background *running;

static int prune(PGconn *pg, void *arg)
{
	PGresult *res = PQexec(pg, "SELECT api.retention_prune()");

	(void)arg;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msgf(LOG_WARN, "retention: %.200s", PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	if (atoi(PQgetvalue(res, 0, 0)) > 0)
		log_msgf(LOG_INFO, "retention: pruned %s rows", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int retention_start(const struct config *cfg)
{
	running = background_start(cfg->database_url, prune, NULL, EVERY_MS);
	return running ? 0 : -1;
}

void retention_stop(void)
{
	background_stop(running);
	running = NULL;
}
