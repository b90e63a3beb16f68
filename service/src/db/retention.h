/*
 * retention.h -- prunes what is kept only for a while (failed logins, spent refresh tokens,
 * used mail tokens, old mails; api.retention_prune in db/migrations/0015_people.sql lists the
 * periods). Every service process runs it on db/background.c at start and then hourly; the
 * deletes are idempotent, so replicas need not take turns.
 */
#ifndef IDEKOM_RETENTION_H
#define IDEKOM_RETENTION_H

#include "config.h"

/* Starts the job for cfg (which must outlive it). Returns 0 or -1. */
int retention_start(const struct config *cfg);

/* Stops it and waits for a round in progress. */
void retention_stop(void);

#endif
