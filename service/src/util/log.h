/*
 * log.h -- one JSON object per line on stdout (README.md, "Operations"). Each line is written with
 * a single write(2) so that lines from concurrent workers never interleave. Never log a
 * token, a password or a request body.
 */
#ifndef IDEKOM_LOG_H
#define IDEKOM_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the lowest level written ("debug", "info", "warn", "error"); unknown names keep info. */
void log_set_level(const char *name);

/* True when lines of this level are written (callers skip building a line that is not). */
bool log_enabled(enum log_level level);

/* Writes {"time":...,"level":...,"msg":msg} plus the extra JSON members in fields_json
 * (already-escaped "key":value pairs without braces, or NULL). */
void log_line(enum log_level level, const char *msg, const char *fields_json);

/* printf-style message, no extra fields. */
void log_msgf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
