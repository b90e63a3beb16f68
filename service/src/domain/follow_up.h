/*
 * follow_up.h -- what the bodies of the follow-up (uppföljning) may hold: a commitment's plan
 * (owners, indicators, principles), a year's entry (status and text) and an action plan
 * activity (docs/decisions.md, "Follow-up"). Pure: jansson only.
 */
#ifndef IDEKOM_FOLLOW_UP_H
#define IDEKOM_FOLLOW_UP_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>

/* {city_owner, organisation_owners, indicators, principles}. Returns 0 or -1 (pb). */
int commitment_plan_check(const json_t *body, struct problem *pb);

/* {status, text}, both required. */
int follow_up_entry_check(const json_t *body, struct problem *pb);

/* An activity to create (title, responsible, starts_on, ends_on required) or to patch. */
int activity_check(const json_t *body, bool create, struct problem *pb);

/* Reads a path segment as a whole number in [min, max]. Returns it, or -1. Pure. */
long follow_up_number(const char *s, long min, long max);

#endif
