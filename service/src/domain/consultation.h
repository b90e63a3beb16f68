/*
 * consultation.h -- what the bodies of a consultation (remiss) may hold: its close date, an
 * organisation's response (Markdown up to 20,000 characters, the principle codes and
 * commitment numbers it is about, whether it may be published) and the secretariat's
 * comment (docs/decisions.md, "Consultation"). Pure: jansson only.
 */
#ifndef IDEKOM_CONSULTATION_H
#define IDEKOM_CONSULTATION_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>

/* {consultation_closes_at: RFC 3339 date-time}. Returns 0 or -1 (pb). */
int consultation_settings_check(const json_t *body, struct problem *pb);

/* A response to create (organisation_id and body required) or to edit. */
int consultation_response_check(const json_t *body, bool create, struct problem *pb);

/* {comment: 1..20000 characters}. */
int consultation_comment_check(const json_t *body, struct problem *pb);

#endif
