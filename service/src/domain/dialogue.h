/*
 * dialogue.h -- what a dialogue body and a registration body may hold (decisions.md,
 * "Dialogues"). The database checks what needs the stored row: ends_at after starts_at
 * after a patch, minutes only after the meeting, seats. Pure: jansson only.
 */
#ifndef IDEKOM_DIALOGUE_H
#define IDEKOM_DIALOGUE_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>

/* Checks a create (create = true) or patch body. Returns 0, or -1 with the errors in pb. */
int dialogue_input_check(const json_t *body, bool create, struct problem *pb);

/* Checks a registration create body {organisation_id, attendees, note}. */
int registration_input_check(const json_t *body, struct problem *pb);

#endif
