/*
 * agreement.h -- what an agreement body, an adoption and an endorsement may hold
 * (decisions.md, "Agreements and endorsements"), including the shapes of goals,
 * principles, commitments and decisions. Pure: jansson only.
 */
#ifndef IDEKOM_AGREEMENT_H
#define IDEKOM_AGREEMENT_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>

/* Checks an agreement create (create = true) or patch body. Returns 0 or -1 (pb). */
int agreement_input_check(const json_t *body, bool create, struct problem *pb);

/* Checks {decision: {body, date, reference, summary}}. */
int adoption_input_check(const json_t *body, struct problem *pb);

/* Checks an endorsement create body. */
int endorsement_input_check(const json_t *body, struct problem *pb);

#endif
