/*
 * reminders.h -- queues the reminder mails before meetings (api.meeting_reminders in
 * db/migrations/0015_people.sql: once per registration, within 24 hours of the start). Every
 * service process runs it on db/background.c at start and then every minute; the rows it
 * takes are locked with SKIP LOCKED, so two processes never remind twice.
 */
#ifndef IDEKOM_REMINDERS_H
#define IDEKOM_REMINDERS_H

#include "config.h"

/* Starts the job for cfg (which must outlive it). Returns 0 or -1. */
int reminders_start(const struct config *cfg);

/* Stops it and waits for a round in progress. */
void reminders_stop(void);

#endif
