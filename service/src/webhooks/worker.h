/*
 * worker.h -- the webhook delivery worker: one background thread per service process with
 * its own database connection. It claims due deliveries from the outbox (several processes
 * share it without double delivery: FOR UPDATE SKIP LOCKED and a lease), POSTs each signed
 * event with libcurl and records the attempt. Deliveries live in the database, so they
 * survive a restart.
 */
#ifndef IDEKOM_WORKER_H
#define IDEKOM_WORKER_H

#include "config.h"

/* Starts the worker thread for cfg (which must outlive it). Returns 0 or -1. */
int webhook_worker_start(const struct config *cfg);

/* Asks the worker to stop and waits for it (a delivery in flight finishes first). */
void webhook_worker_stop(void);

#endif
