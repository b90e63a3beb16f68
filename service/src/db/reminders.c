/* reminders.c -- see reminders.h */
#include "db/reminders.h"
#include "db/background.h"
#include "util/log.h"

#define EVERY_MS (60 * 1000)

static struct background *running;

static int remind(PGconn *pg, void *arg)
{
	PGresult *res = PQexec(pg, "SELECT api.meeting_reminders()");

	(void)arg;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msgf(LOG_WARN, "reminders: %.200s", PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int reminders_start(const struct config *cfg)
{
	running = background_start(cfg->database_url, remind, NULL, EVERY_MS);
	return running ? 0 : -1;
}

void reminders_stop(void)
{
	background_stop(running);
	running = NULL;
}
