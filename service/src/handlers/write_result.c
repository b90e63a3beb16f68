/* write_result.c -- see write_result.h */
#include "handlers/write_result.h"
#include "handlers/common.h"
#include "http/router.h"
#include "http/problem.h"
#include "http/response.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {"status", "version", "id", "body", "field", "message"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Logs why a result is not a write result; the client only learns that it failed. */
static int shape_wrong(const PGresult *res, const char *why)
{
	char fields[300];

	snprintf(fields, sizeof(fields), "\"why\":\"%s\",\"rows\":%d,\"columns\":%d", why,
		 PQntuples(res), PQnfields(res));
	log_line(LOG_ERROR, "a write statement answered another shape", fields);
	return -1;
}

static const char *value(const PGresult *res, int column)
{
	return PQgetisnull(res, 0, column) ? NULL : PQgetvalue(res, 0, column);
}

int write_result_read(const PGresult *res, struct write_result *out)
{
	int first;

	memset(out, 0, sizeof(*out));
	out->has_held = PQnfields(res) == (int)NCOLUMNS + 1 && strcmp(PQfname(res, 0), "held") == 0;
	first = out->has_held ? 1 : 0;
	if (PQnfields(res) != (int)NCOLUMNS + first)
		return shape_wrong(res, "column count");
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (strcmp(PQfname(res, first + (int)i), columns[i]) != 0)
			return shape_wrong(res, "column names");
	if (PQntuples(res) != 1)
		return shape_wrong(res, "row count");
	if (PQgetisnull(res, 0, first))
		return shape_wrong(res, "no status");
	out->status = atoi(PQgetvalue(res, 0, first));
	out->version = value(res, first + 1);
	out->id = value(res, first + 2);
	out->body = value(res, first + 3);
	out->field = value(res, first + 4);
	out->message = value(res, first + 5);
	return 0;
}

/* 200 or 201: the body, with its ETag when it has a version, and Location for 201. */
static int reply_written(struct req *rq, const struct write_result *w, const char *prefix)
{
	if (!w->body)
		return reply_error(rq, 500, "a write answered no resource");
	if (w->status == 201 && prefix) {
		char location[200];

		snprintf(location, sizeof(location), "%s%s", prefix, w->id ? w->id : "");
		req_add_header(rq, "Location", location);
	}
	if (w->version)
		return reply_resource(rq, w->status, w->version, w->body);
	return reply_json_text(rq, w->status, w->body);
}

/* 422: one message for one or more fields, separated by '|'. */
static int reply_unacceptable(struct req *rq, const struct write_result *w)
{
	struct problem pb = PROBLEM_INIT;
	char fields[200];
	char *save = NULL;

	snprintf(fields, sizeof(fields), "%s", w->field ? w->field : "");
	for (char *f = strtok_r(fields, "|", &save); f; f = strtok_r(NULL, "|", &save))
		problem_add_error(&pb, f, w->message ? w->message : "is not acceptable");
	return reply_problem(rq, &pb);
}

static int reply_outcome(struct req *rq, const struct write_result *w, const char *prefix)
{
	const char *m = w->message;

	switch (w->status) {
	case 200:
	case 201:
		return reply_written(rq, w, prefix);
	case 204:
		return reply_empty(rq, 204);
	case 422:
		return reply_unacceptable(rq, w);
	case 403:
		return reply_error(rq, 403, "%s",
				   m ? m : "only the secretariat or the organisation's own "
					   "representatives may do this");
	case 404:
		return reply_error(rq, 404, "%s", m ? m : "there is nothing with this id");
	case 409:
		return reply_error(rq, 409, "%s", m ? m : "this conflicts with the current state");
	case 412:
		/* the statement found the resource, so a missing If-Match is now the answer */
		if ((rq->route->flags & ROUTE_IF_MATCH) && !req_header(rq, "If-Match"))
			return reply_error(rq, 428, "send If-Match with the ETag you last read");
		return reply_error(rq, 412, "%s", m ? m : "it changed since you read it; read it again");
	default:
		return reply_error(rq, 500, "unexpected outcome %d", w->status);
	}
}

int reply_write_result(struct req *rq, PGresult *res, const char *location_prefix)
{
	struct write_result w;
	int rc;

	/* a statement that reads the caller itself: check the caller before anything else */
	if (PQnfields(res) > 0 && strcmp(PQfname(res, 0), "held") == 0 &&
	    (rc = caller_confirm(rq, res))) {
		PQclear(res);
		return rc;
	}
	if (write_result_read(res, &w))
		rc = reply_error(rq, 500, "a write answered no outcome");
	else
		rc = reply_outcome(rq, &w, location_prefix);
	PQclear(res);
	return rc;
}
