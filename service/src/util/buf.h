/*
 * buf.h -- a growable byte buffer (git's strbuf, reduced). Responses are assembled in one
 * buf and written with one mg_write, which avoids the Nagle/delayed-ACK stall that separate
 * header and body writes cause (docs/libraries.md, "Civetweb").
 */
#ifndef IDEKOM_BUF_H
#define IDEKOM_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated once anything was added; NULL before */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as the inside of a JSON string (quotes not included), escaping as RFC 8259 asks. */
void buf_add_json_escaped(struct buf *b, const char *s);
void buf_reset(struct buf *b);
/* Frees the storage; b is BUF_INIT again. */
void buf_release(struct buf *b);
/* Hands the storage to the caller (free it); b is BUF_INIT again. Never NULL. */
char *buf_detach(struct buf *b, size_t *len);

#endif
