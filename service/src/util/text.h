/*
 * text.h -- small pure checks and encodings on untrusted text: JSON nesting depth, UUID
 * syntax, base64url, UTF-8 length. No library headers, so all of it is unit-tested directly.
 */
#ifndef IDEKOM_TEXT_H
#define IDEKOM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Deepest nesting jansson may see. Civetweb's 100 KB worker stacks overflow in jansson's
 * recursive parser at roughly 700 levels (docs/libraries.md, "Jansson"); our documents need < 10.
 */
#define JSON_MAX_DEPTH 32

/*
 * Returns true when the brackets of the n bytes at s (outside JSON strings) never nest
 * deeper than max_depth. A cheap scan run before every json_loadb and jwt_decode.
 */
bool json_depth_ok(const char *s, size_t n, int max_depth);

/* True when s is a canonical UUID: 8-4-4-4-12 hexadecimal digits, any case. */
bool uuid_syntax_ok(const char *s);

/*
 * Decodes base64url (RFC 4648 §5, padding optional) from the n bytes at in into out, which
 * must hold at least n * 3 / 4 + 1 bytes; a NUL is added. Returns the decoded length, or -1
 * on a character outside the alphabet or an impossible length.
 */
long base64url_decode(const char *in, size_t n, unsigned char *out);

/* Encodes n bytes as base64url without padding into out (room for 4 * ceil(n / 3) + 1). */
void base64url_encode(const unsigned char *in, size_t n, char *out);

/*
 * Counts the Unicode code points in the NUL-terminated UTF-8 string s (which jansson has
 * already validated).
 */
size_t utf8_length(const char *s);

/* Fills buf with n cryptographically random bytes; returns 0, or -1 if the kernel refuses. */
int random_bytes(unsigned char *buf, size_t n);

/* Writes a random (version 4) UUID into out (37 bytes). Returns 0 or -1. */
int uuid_generate_v4(char out[37]);

#endif
