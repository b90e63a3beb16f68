/* request.c -- see request.h */
#include "http/request.h"
#include "util/text.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *req_param(const struct req *rq, size_t i)
{
	return i < rq->param_count ? rq->params[i] : "";
}

const char *req_header(const struct req *rq, const char *name)
{
	return mg_get_header(rq->conn, name);
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int form_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexdigit(s[i + 1]);
			lo = hexdigit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
			if (c == '\0')
				return -1;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int form_field(const char *text, const char *name, char *out, size_t outlen)
{
	size_t name_len = strlen(name);
	const char *p = text;

	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t key_len = eq ? (size_t)(eq - p) : len;

		if (key_len == name_len && memcmp(p, name, name_len) == 0) {
			if (!eq) {
				out[0] = '\0';
				return 1;
			}
			return form_decode(eq + 1, len - key_len - 1, out, outlen) ? -1 : 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

int req_query(const struct req *rq, const char *name, char *out, size_t outlen)
{
	return form_field(rq->ri->query_string, name, out, outlen);
}

int body_read_all(body_read_fn read_fn, void *ctx, long long content_length, size_t max_bytes,
		  char **out, size_t *out_len)
{
	size_t cap, len = 0;
	char *data;

	*out = NULL;
	*out_len = 0;
	if (content_length > (long long)max_bytes)
		return 413; /* refuse before reading a byte */
	cap = content_length >= 0 ? (size_t)content_length + 1 : 8192;
	data = xmalloc(cap);
	for (;;) {
		int n;

		if (len + 1 >= cap) {
			if (content_length >= 0)
				break; /* got what was declared */
			if (cap > max_bytes + 1) {
				free(data);
				return 413;
			}
			cap = cap * 2 > max_bytes + 2 ? max_bytes + 2 : cap * 2;
			data = xrealloc(data, cap);
		}
		n = read_fn(ctx, data + len, cap - 1 - len);
		if (n < 0) { /* a broken connection is not the end of a body */
			free(data);
			return 400;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (content_length < 0 && len > max_bytes) {
			free(data);
			return 413;
		}
	}
	/* mg_read returns 0 after request_timeout_ms on a stalled client: a short body is not
	 * the end of the body (docs/libraries.md, "Civetweb") */
	if (content_length >= 0 && len != (size_t)content_length) {
		free(data);
		return 400;
	}
	data[len] = '\0';
	*out = data;
	*out_len = len;
	return 0;
}

static double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool body_discard(body_read_fn read_fn, void *ctx, size_t max_bytes, double max_seconds)
{
	double deadline = monotonic_seconds() + max_seconds;
	size_t total = 0;
	char sink[16384];

	while (total < max_bytes && monotonic_seconds() < deadline) {
		size_t want = max_bytes - total < sizeof(sink) ? max_bytes - total : sizeof(sink);
		int n = read_fn(ctx, sink, want);

		if (n <= 0)
			return n == 0; /* 0: the body ended (or the client stalled); < 0: it went away */
		total += (size_t)n;
	}
	return false;
}

json_t *body_parse_json(const char *data, size_t len, char *why, size_t whylen)
{
	json_error_t err;
	json_t *v;

	if (!json_depth_ok(data, len, JSON_MAX_DEPTH)) {
		snprintf(why, whylen, "the JSON body nests deeper than %d levels", JSON_MAX_DEPTH);
		return NULL;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!v) {
		/* jansson's text is bounded (160 bytes) and names no internals; keep it short */
		snprintf(why, whylen, "malformed JSON at line %d, column %d: %.120s", err.line,
			 err.column, err.text);
		return NULL;
	}
	return v;
}

void req_add_header(struct req *rq, const char *name, const char *value)
{
	buf_addf(&rq->headers, "%s: %s\r\n", name, value);
}

const char *request_framing_problem(const struct mg_request_info *ri)
{
	int lengths = 0, encodings = 0;
	const char *te = NULL;

	for (int i = 0; i < ri->num_headers; i++) {
		const char *name = ri->http_headers[i].name;

		if (strcasecmp(name, "Content-Length") == 0) {
			lengths++;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			encodings++;
			te = ri->http_headers[i].value;
		}
	}
	if (lengths > 1)
		return "send one Content-Length header, not several";
	if (encodings > 1)
		return "send one Transfer-Encoding header, not several";
	if (encodings && lengths)
		return "send Content-Length or Transfer-Encoding, not both";
	if (te && strcasecmp(te, "chunked") != 0)
		return "the only Transfer-Encoding accepted is chunked";
	return NULL;
}
