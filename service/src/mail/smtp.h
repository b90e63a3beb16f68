/*
 * smtp.h -- hands one message to the SMTP server of SMTP_URL with libcurl's SMTP support.
 * STARTTLS is required (CURLUSESSL_ALL: no plain-text fallback) for smtp:// URLs unless
 * SMTP_TLS=none; smtps:// is TLS from the first byte. Credentials: SMTP_USER and
 * SMTP_PASSWORD (the container reads the password from SMTP_PASSWORD_FILE).
 */
#ifndef IDEKOM_MAIL_SMTP_H
#define IDEKOM_MAIL_SMTP_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Sends the len bytes of message from cfg->smtp_from to one recipient. Returns 0, or -1
 * with a one-line reason in error; *permanent is set when the server refused for good (a
 * 5xx answer), so that retrying cannot help.
 */
int smtp_send(const struct config *cfg, const char *to, const char *message, size_t len,
	      char *error, size_t errlen, bool *permanent);

#endif
