/* response.c -- see response.h */
#include "http/response.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_connection_header(struct req *rq, struct buf *out)
{
	const char *conn_hdr = req_header(rq, "Connection");

	if (rq->close_connection) {
		mg_disable_connection_keep_alive(rq->conn);
		buf_adds(out, "Connection: close\r\n");
	} else if (conn_hdr && strcasecmp(conn_hdr, "close") == 0) {
		buf_adds(out, "Connection: close\r\n");
	} else if (strcmp(rq->ri->http_version, "1.0") == 0 && conn_hdr &&
		   strcasecmp(conn_hdr, "keep-alive") == 0) {
		buf_adds(out, "Connection: keep-alive\r\n");
	}
}

/* The status line and headers of a response with a body of len bytes, into out. */
static void head_build(struct req *rq, int status, const char *ctype, size_t len,
		       struct buf *out)
{
	assert(rq->status == 0); /* one response per request */
	buf_addf(out, "HTTP/1.1 %d %s\r\n", status, mg_get_response_code_text(rq->conn, status));
	if (ctype)
		buf_addf(out, "Content-Type: %s\r\n", ctype);
	buf_addf(out, "Content-Length: %zu\r\nX-Request-Id: %s\r\n", len, rq->request_id);
	if (rq->token_given)
		buf_adds(out, "Cache-Control: no-store\r\n");
	add_connection_header(rq, out);
	if (rq->headers.len)
		buf_add(out, rq->headers.data, rq->headers.len);
	buf_adds(out, "\r\n");
}

int reply_raw(struct req *rq, int status, const char *ctype, const char *body, size_t len)
{
	struct buf out = BUF_INIT;

	head_build(rq, status, ctype, len, &out);
	if (len && strcmp(rq->ri->request_method, "HEAD") != 0)
		buf_add(&out, body, len);
	mg_write(rq->conn, out.data, out.len);
	buf_release(&out);
	rq->status = status;
	return status;
}

int reply_large(struct req *rq, int status, const char *ctype, const char *body, size_t len)
{
	struct buf out = BUF_INIT;

	head_build(rq, status, ctype, len, &out);
	mg_write(rq->conn, out.data, out.len);
	buf_release(&out);
	if (len && strcmp(rq->ri->request_method, "HEAD") != 0)
		mg_write(rq->conn, body, len);
	rq->status = status;
	return status;
}

int reply_json_text(struct req *rq, int status, const char *json)
{
	return reply_raw(rq, status, "application/json", json, strlen(json));
}

int reply_json(struct req *rq, int status, const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT);
	int rc;

	if (!text)
		return reply_error(rq, 500, "the response could not be serialised");
	rc = reply_json_text(rq, status, text);
	free(text);
	return rc;
}

int reply_empty(struct req *rq, int status)
{
	return reply_raw(rq, status, NULL, "", 0);
}

int reply_problem(struct req *rq, struct problem *pb)
{
	json_t *doc;
	char *text;
	int status = pb->status >= 400 && pb->status <= 599 ? pb->status : 500;
	char num[16];

	pb->status = status;
	if (status == 401)
		req_add_header(rq, "WWW-Authenticate",
			       pb->www_authenticate ? pb->www_authenticate
						    : "Bearer realm=\"idekom\"");
	if (pb->retry_after > 0 || status == 503 || status == 429) {
		snprintf(num, sizeof(num), "%d", pb->retry_after > 0 ? pb->retry_after : 1);
		req_add_header(rq, "Retry-After", num);
	}
	doc = problem_to_json(pb, rq->request_id);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (!text) {
		/* only a detail that is not UTF-8 gets here; fall back to the fixed title */
		pb->detail[0] = '\0';
		json_decref(doc);
		doc = problem_to_json(pb, rq->request_id);
		text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	}
	reply_raw(rq, status, "application/problem+json", text ? text : "{}",
		  text ? strlen(text) : 2);
	free(text);
	json_decref(doc);
	problem_release(pb);
	return status;
}

int reply_error(struct req *rq, int status, const char *fmt, ...)
{
	struct problem pb = PROBLEM_INIT;
	va_list ap;

	pb.status = status;
	va_start(ap, fmt);
	vsnprintf(pb.detail, sizeof(pb.detail), fmt, ap);
	va_end(ap);
	return reply_problem(rq, &pb);
}

void reply_add_etag(struct req *rq, const char *version)
{
	buf_addf(&rq->headers, "ETag: \"%s\"\r\n", version);
}

int reply_bare_problem(struct mg_connection *conn, int status, const char *detail)
{
	struct buf out = BUF_INIT;
	char request_id[37];
	json_t *doc;
	char *text;

	/* civetweb's own texts may carry internals; keep to the title */
	(void)detail;
	if (uuid_generate_v4(request_id))
		snprintf(request_id, sizeof(request_id), "unknown");
	doc = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", problem_type(status), "title",
			problem_title(status), "status", status, "detail", problem_title(status),
			"request_id", request_id);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	buf_addf(&out,
		 "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\n"
		 "Content-Length: %zu\r\nX-Request-Id: %s\r\nConnection: close\r\n\r\n%s",
		 status, mg_get_response_code_text(conn, status), text ? strlen(text) : 2,
		 request_id, text ? text : "{}");
	mg_write(conn, out.data, out.len);
	buf_release(&out);
	free(text);
	json_decref(doc);
	return 0;
}
