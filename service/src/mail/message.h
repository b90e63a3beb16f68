/*
 * message.h -- one e-mail as RFC 5322 text: the headers (Date, Message-ID, From, To, an
 * RFC 2047 encoded Subject, MIME-Version) and a multipart/alternative body of a plain-text
 * and an HTML part, each UTF-8 in base64 (so that no line is ever too long and no byte needs
 * escaping). Pure: unit-tested.
 */
#ifndef IDEKOM_MAIL_MESSAGE_H
#define IDEKOM_MAIL_MESSAGE_H

#include "util/buf.h"

struct mail_message {
	const char *from;       /* an address: "idekom@goteborg.se" */
	const char *from_name;  /* shown name, or NULL */
	const char *to;         /* an address */
	const char *to_name;    /* shown name, or NULL */
	const char *subject;    /* UTF-8 */
	const char *date;       /* RFC 5322 date-time, e.g. "Wed, 02 Dec 2026 21:00:00 +0000" */
	const char *message_id; /* without the angle brackets: "<uuid>@<domain>" */
	const char *text;       /* the plain-text part, UTF-8 */
	const char *html;       /* the HTML part, UTF-8 */
};

/*
 * Appends the whole message to out, with CRLF line ends. Returns 0, or -1 when a header
 * value holds a CR or LF (header injection) or an address is unusable.
 */
int mail_message_build(const struct mail_message *m, struct buf *out);

/* Appends s as a header value: itself when printable ASCII, else RFC 2047 "=?UTF-8?B?...?="
 * words (each at most 75 characters, split between UTF-8 sequences). */
void mail_encode_header(struct buf *out, const char *s);

/* The domain of an address (after the last '@'), or "localhost" when it has none. */
const char *mail_domain(const char *address);

#endif
