/*
 * worker.h -- the webhook delivery worker: one background thread per service process
 * (db/background.c) with its own database connection, driving many deliveries at once with
 * libcurl's multi interface. It claims due deliveries from the outbox only as slots free up
 * (WEBHOOK_MAX_IN_FLIGHT), at most WEBHOOK_MAX_PER_HOST per receiver host:port, so one slow
 * or dead receiver holds up no one else; several processes share the outbox without double
 * delivery (FOR UPDATE SKIP LOCKED and a lease). Each finished attempt is recorded.
 * Deliveries live in the database, so they survive a restart.
 */
#ifndef IDEKOM_WORKER_H
#define IDEKOM_WORKER_H

#include "config.h"

/* Starts the worker thread for cfg (which must outlive it). Returns 0 or -1. */
int webhook_worker_start(const struct config *cfg);

/*
 * Stops the worker: no new claims; deliveries on the wire get a short grace to finish and
 * be recorded, the rest are aborted and handed back to the outbox at once. Returns within
 * about two seconds.
 */
void webhook_worker_stop(void);

#endif
