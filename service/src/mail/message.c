/* message.c -- see message.h */
#include "mail/message.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 of n bytes, no line breaks. */
static void add_base64(struct buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		buf_add(out, q, 4);
	}
}

/* A body part's content in base64, in lines of 76 characters (RFC 2045 §6.8). */
static void add_base64_lines(struct buf *out, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i += 57) {
		add_base64(out, (const unsigned char *)s + i, n - i < 57 ? n - i : 57);
		buf_adds(out, "\r\n");
	}
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '=' || *s == '?')
			return false;
	return true;
}

void mail_encode_header(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	size_t i = 0;

	if (plain_ascii(s)) {
		buf_adds(out, s);
		return;
	}
	/* 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" a word stays under 75 */
	while (i < n) {
		size_t take = n - i < 45 ? n - i : 45;

		/* never split a UTF-8 sequence: back up over continuation bytes */
		while (take < n - i && take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;
		if (i)
			buf_adds(out, "\r\n "); /* folding: each word on its own line */
		buf_adds(out, "=?UTF-8?B?");
		add_base64(out, (const unsigned char *)s + i, take);
		buf_adds(out, "?=");
		i += take;
	}
}

const char *mail_domain(const char *address)
{
	const char *at = strrchr(address, '@');

	return at && at[1] ? at + 1 : "localhost";
}

static bool header_safe(const char *s)
{
	return !s || (!strchr(s, '\r') && !strchr(s, '\n'));
}

static bool address_ok(const char *a)
{
	return a && *a && strlen(a) < 320 && !strpbrk(a, "<>\r\n\" ,;") && strchr(a, '@');
}

/* "Name <address>" with the name encoded, or the bare address. */
static void add_mailbox(struct buf *out, const char *name, const char *address)
{
	if (name && *name) {
		mail_encode_header(out, name);
		buf_addf(out, " <%s>", address);
	} else {
		buf_adds(out, address);
	}
}

int mail_message_build(const struct mail_message *m, struct buf *out)
{
	char boundary[80];

	if (!address_ok(m->from) || !address_ok(m->to) || !header_safe(m->from_name) ||
	    !header_safe(m->to_name) || !header_safe(m->subject) || !header_safe(m->date) ||
	    !header_safe(m->message_id))
		return -1;
	/* the message id is unique, so the boundary cannot occur in base64 text or elsewhere */
	snprintf(boundary, sizeof(boundary), "=_idekom_%.60s", m->message_id);
	for (char *p = boundary; *p; p++)
		if (*p == '@')
			*p = '.';
	buf_addf(out, "Date: %s\r\n", m->date);
	buf_addf(out, "Message-ID: <%s>\r\n", m->message_id);
	buf_adds(out, "From: ");
	add_mailbox(out, m->from_name, m->from);
	buf_adds(out, "\r\nTo: ");
	add_mailbox(out, m->to_name, m->to);
	buf_adds(out, "\r\nSubject: ");
	mail_encode_header(out, m->subject);
	buf_adds(out, "\r\nMIME-Version: 1.0\r\n");
	/* RFC 3834: an automatic message; vacation responders should not answer it */
	buf_adds(out, "Auto-Submitted: auto-generated\r\n");
	buf_addf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	buf_addf(out, "--%s\r\n", boundary);
	buf_adds(out, "Content-Type: text/plain; charset=utf-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64_lines(out, m->text);
	buf_addf(out, "--%s\r\n", boundary);
	buf_adds(out, "Content-Type: text/html; charset=utf-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64_lines(out, m->html);
	buf_addf(out, "--%s--\r\n", boundary);
	return 0;
}
