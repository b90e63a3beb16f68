/*
 * calendar.c -- the dialogues as RFC 5545 calendars that calendar programs subscribe to.
 * Cancelled events stay in the feed with STATUS:CANCELLED, so subscribed calendars update
 * instead of keeping a meeting that will not happen.
 */
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "util/ical.h"

#include <stdio.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void write_event(struct buf *out, const json_t *e, const char *base_url)
{
	char line[400];

	ical_line(out, "BEGIN", "VEVENT");
	snprintf(line, sizeof(line), "%s@idekom", str(e, "id"));
	ical_line(out, "UID", line);
	ical_line(out, "DTSTAMP", str(e, "stamp"));
	ical_line(out, "DTSTART", str(e, "starts_at"));
	ical_line(out, "DTEND", str(e, "ends_at"));
	snprintf(line, sizeof(line), "%lld",
		 (long long)json_integer_value(json_object_get(e, "sequence")));
	ical_line(out, "SEQUENCE", line);
	ical_text(out, "SUMMARY", str(e, "title"));
	if (json_is_string(json_object_get(e, "description")))
		ical_text(out, "DESCRIPTION", str(e, "description"));
	if (json_is_string(json_object_get(e, "location")))
		ical_text(out, "LOCATION", str(e, "location"));
	ical_line(out, "STATUS",
		  strcmp(str(e, "status"), "cancelled") == 0 ? "CANCELLED" : "CONFIRMED");
	snprintf(line, sizeof(line), "%s/dialogues/%s", base_url, str(e, "id"));
	ical_line(out, "URL", line);
	ical_line(out, "END", "VEVENT");
}

static int reply_calendar(struct req *rq, const char *scope, const char *id)
{
	const char *params[4] = {scope, id, caller_kind(rq),
				 rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL};
	const char *base = rq->cfg->public_base_url[0] ? rq->cfg->public_base_url
						       : "http://127.0.0.1:8080";
	struct buf out = BUF_INIT;
	PGresult *res = db_exec(rq->db, STMT_CALENDAR_EVENTS, params, 4);
	json_t *events;
	const json_t *e;
	size_t i;
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such calendar");
	}
	events = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (!events)
		return reply_error(rq, 500, "the calendar could not be built");
	ical_line(&out, "BEGIN", "VCALENDAR");
	ical_line(&out, "VERSION", "2.0");
	ical_line(&out, "PRODID", "-//Göteborgs Stad//Idékom//SV");
	ical_line(&out, "CALSCALE", "GREGORIAN");
	ical_line(&out, "METHOD", "PUBLISH");
	ical_text(&out, "X-WR-CALNAME", "Idékom – dialoger");
	json_array_foreach(events, i, e) write_event(&out, e, base);
	ical_line(&out, "END", "VCALENDAR");
	json_decref(events);
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", "public, max-age=300");
	rc = reply_raw(rq, 200, "text/calendar; charset=utf-8", out.data, out.len);
	buf_release(&out);
	return rc;
}

/* GET /api/v1/dialogues.ics (openapi: getDialoguesCalendar) */
int calendar_all(struct req *rq)
{
	return reply_calendar(rq, "all", NULL);
}

/* GET /api/v1/dialogues/{id}.ics (openapi: getDialogueCalendar) */
int calendar_one(struct req *rq)
{
	return reply_calendar(rq, "one", req_param(rq, 0));
}

/* GET /api/v1/organisations/{id}/dialogues.ics (openapi: getOrganisationCalendar) */
int calendar_organisation(struct req *rq)
{
	return reply_calendar(rq, "organisation", req_param(rq, 0));
}
