/* log.c -- see log.h */
#include "util/log.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(const char *name)
{
	if (!name)
		return;
	for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			min_level = (enum log_level)i;
}

bool log_enabled(enum log_level level)
{
	return level >= min_level;
}

void log_line(enum log_level level, const char *msg, const char *fields_json)
{
	struct buf b = BUF_INIT;
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (level < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(&b, "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":\"", when,
		 ts.tv_nsec / 1000000, level_names[level]);
	buf_add_json_escaped(&b, msg);
	buf_adds(&b, "\"");
	if (fields_json && *fields_json) {
		buf_adds(&b, ",");
		buf_adds(&b, fields_json);
	}
	buf_adds(&b, "}\n");
	/* one write per line: lines from concurrent workers must not interleave */
	if (write(STDOUT_FILENO, b.data, b.len) < 0) {
		/* nowhere left to report it */
	}
	buf_release(&b);
}

void log_msgf(enum log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(level, msg, NULL);
}
