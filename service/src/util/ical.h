/*
 * ical.h -- writes iCalendar (RFC 5545) text: CRLF line ends, lines folded at 75 octets
 * without splitting a UTF-8 character (§3.1), TEXT values escaped (§3.3.11). Pure.
 */
#ifndef IDEKOM_ICAL_H
#define IDEKOM_ICAL_H

#include "util/buf.h"

/* Appends "NAME:value" (value as-is, e.g. a date-time) as one folded content line. */
void ical_line(struct buf *out, const char *name, const char *value);

/* Appends "NAME:value" with value escaped as TEXT (\\ \; \, and newlines as \n). */
void ical_text(struct buf *out, const char *name, const char *value);

#endif
