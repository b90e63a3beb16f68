/*
 * background.h -- a background thread with a database connection of its own, for the work
 * the service does besides answering requests (the change-feed sequencer, the webhook
 * worker). It runs a step function again and again: at once while the step says there is
 * more to do, otherwise after idle_ms; after a lost connection it waits a second and
 * connects again.
 */
#ifndef IDEKOM_BACKGROUND_H
#define IDEKOM_BACKGROUND_H

#include <libpq-fe.h>

/* One round of work on pg. Returns > 0 when more is waiting, 0 when idle, -1 on an error. */
typedef int (*background_step)(PGconn *pg, void *arg);

/*
 * Runs once on the thread after its last step, when it was asked to stop, with its
 * connection (NULL or not CONNECTION_OK when it has none), so that work still held can be
 * finished or handed back before the connection closes.
 */
typedef void (*background_finish)(PGconn *pg, void *arg);

struct background;

/* Starts the thread; conninfo and arg must outlive it. Returns NULL when it cannot start. */
struct background *background_start(const char *conninfo, background_step step, void *arg,
				    int idle_ms);

/* background_start with a finish function (may be NULL). */
struct background *background_start_finishing(const char *conninfo, background_step step,
					      background_finish finish, void *arg, int idle_ms);

/* Asks the thread to stop, waits for it (a step in progress finishes) and frees it. */
void background_stop(struct background *bg);

#endif
