/* sequencer.c -- see sequencer.h */
#include "feed/sequencer.h"
#include "db/background.h"
#include "util/log.h"

#include <stdlib.h>

#define BATCH "1000"

static struct background *running;

/* Numbers one batch in its own transaction. More may wait when the batch was full. */
static int sequence_batch(PGconn *pg, void *arg)
{
	PGresult *res = PQexec(pg, "SELECT change_sequence(" BATCH ")");
	int numbered;

	(void)arg;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msgf(LOG_WARN, "sequencer: %.200s", PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	numbered = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return numbered >= atoi(BATCH) ? 1 : 0;
}

int sequencer_start(const struct config *cfg)
{
	running = background_start(cfg->database_url, sequence_batch, NULL, cfg->sequencer_ms);
	return running ? 0 : -1;
}

void sequencer_stop(void)
{
	background_stop(running);
	running = NULL;
}
