/*
 * worker.h -- delivers the mail outbox (db/migrations/0015_people.sql). Every service
 * process runs one on db/background.c: it claims due mails under a lease (api.mail_claim:
 * FOR UPDATE SKIP LOCKED, so two processes never hold one mail), renders each in its
 * person's language (templates.h), sends it over SMTP (smtp.h) and records the outcome
 * under the same lease (api.mail_record): sent, or retried later with a growing delay.
 * Without SMTP_URL the mails are written to the log instead (development mode).
 */
#ifndef IDEKOM_MAIL_WORKER_H
#define IDEKOM_MAIL_WORKER_H

#include "config.h"

/* Starts the worker for cfg (which must outlive it). Returns 0 or -1. */
int mail_worker_start(const struct config *cfg);

/* Stops it; a mail being sent is finished and recorded first. */
void mail_worker_stop(void);

#endif
