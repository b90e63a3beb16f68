/*
 * sequencer.h -- numbers the change feed. Writers insert their events without a number;
 * this background thread numbers the committed ones in batches (change_sequence in
 * db/migrations/0009_data_path.sql explains why readers then never skip an event). Every
 * service process runs one; an advisory lock lets one at a time do a batch.
 */
#ifndef IDEKOM_SEQUENCER_H
#define IDEKOM_SEQUENCER_H

#include "config.h"

/* Starts the sequencer for cfg (which must outlive it). Returns 0 or -1. */
int sequencer_start(const struct config *cfg);

/* Stops it and waits for a batch in progress. */
void sequencer_stop(void);

#endif
