/* worker.c -- see worker.h */
#include "mail/worker.h"
#include "db/background.h"
#include "mail/message.h"
#include "mail/smtp.h"
#include "mail/templates.h"
#include "util/log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIM_BATCH 10
/* a claimed mail is this worker's for 120 s: longer than one SMTP exchange (30 s at most) */
#define LEASE_SECONDS "120"
#define DEV_FROM "idekom@localhost"

static struct background *running;

/* The link base: PUBLIC_BASE_URL without a trailing slash, or this process's own address. */
static void base_url(const struct config *cfg, char *out, size_t outlen)
{
	size_t n;

	if (cfg->public_base_url[0])
		snprintf(out, outlen, "%s", cfg->public_base_url);
	else
		snprintf(out, outlen, "http://localhost:%d", cfg->port);
	n = strlen(out);
	while (n && out[n - 1] == '/')
		out[--n] = '\0';
}

static void record(PGconn *pg, const struct config *cfg, const char *id, const char *lease,
		   const char *error, bool permanent)
{
	char scale[16];
	const char *params[5] = {id, lease, error, permanent ? "true" : "false", scale};
	PGresult *res;

	snprintf(scale, sizeof(scale), "%g", cfg->mail_retry_scale);
	res = PQexecParams(pg, "SELECT api.mail_record($1::uuid, $2::uuid, $3, $4::boolean, "
			       "$5::float8)", 5, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		log_msgf(LOG_WARN, "mail: cannot record a delivery: %.200s", PQerrorMessage(pg));
	PQclear(res);
}

/* Renders, builds and sends (or logs) row i of a claim. Returns 0, or -1 with error set. */
static int deliver(const struct config *cfg, PGresult *res, int i, char *error, size_t errlen,
		   bool *permanent)
{
	const char *id = PQgetvalue(res, i, 0), *kind = PQgetvalue(res, i, 2);
	const char *to = PQgetvalue(res, i, 3);
	const char *to_name = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);
	const char *from = cfg->smtp_from[0] ? cfg->smtp_from : DEV_FROM;
	json_t *data = json_loads(PQgetvalue(res, i, 6), 0, NULL);
	struct mail_rendered r;
	struct buf msg = BUF_INIT;
	char base[300], message_id[400];
	struct mail_message m;
	int rc = -1;

	*permanent = true;
	base_url(cfg, base, sizeof(base));
	if (mail_render(kind, PQgetvalue(res, i, 5), to_name, data, base, &r)) {
		snprintf(error, errlen, "unknown mail kind %.40s", kind);
		goto out;
	}
	snprintf(message_id, sizeof(message_id), "%s@%s", id, mail_domain(from));
	m = (struct mail_message){from, "Idékom", to, to_name, r.subject.data,
				  PQgetvalue(res, i, 7), message_id, r.text.data, r.html.data};
	if (mail_message_build(&m, &msg)) {
		snprintf(error, errlen, "the message could not be built (address or header)");
		goto out;
	}
	if (!cfg->smtp_url[0]) {
		struct buf fields = BUF_INIT;

		/* development mode: the mail, link included, goes to the log (README, "Mail") */
		buf_addf(&fields, "\"mail_id\":\"%s\",\"kind\":\"", id);
		buf_add_json_escaped(&fields, kind);
		buf_adds(&fields, "\",\"to\":\"");
		buf_add_json_escaped(&fields, to);
		buf_adds(&fields, "\",\"subject\":\"");
		buf_add_json_escaped(&fields, r.subject.data);
		buf_adds(&fields, "\"");
		log_line(LOG_INFO, r.text.data, fields.data);
		buf_release(&fields);
		rc = 0;
		goto out;
	}
	rc = smtp_send(cfg, to, msg.data, msg.len, error, errlen, permanent);
out:
	json_decref(data);
	mail_rendered_release(&r);
	buf_release(&msg);
	return rc;
}

/* Claims and delivers one batch. More may be due when the batch was full. */
static int deliver_batch(PGconn *pg, void *arg)
{
	const struct config *cfg = arg;
	char limit[16];
	const char *params[2] = {limit, LEASE_SECONDS};
	PGresult *res;
	int n;

	snprintf(limit, sizeof(limit), "%d", CLAIM_BATCH);
	res = PQexecParams(pg, "SELECT id, lease_id, kind, to_address, to_name, language, data, "
			       "created_at FROM api.mail_claim($1::int, $2::int)",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msgf(LOG_WARN, "mail: cannot claim: %.200s", PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		char error[400];
		bool permanent = false;

		if (deliver(cfg, res, i, error, sizeof(error), &permanent)) {
			log_msgf(LOG_WARN, "mail %s: %s", PQgetvalue(res, i, 0), error);
			record(pg, cfg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), error, permanent);
		} else {
			record(pg, cfg, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), NULL, false);
		}
	}
	PQclear(res);
	return n >= CLAIM_BATCH ? 1 : 0;
}

int mail_worker_start(const struct config *cfg)
{
	if (cfg->smtp_url[0])
		log_msgf(LOG_INFO, "mail: delivering over SMTP as %s", cfg->smtp_from);
	else
		log_line(LOG_WARN, "mail: SMTP_URL is not set; mails are written to this log "
				   "(development mode)", NULL);
	running = background_start(cfg->database_url, deliver_batch, (void *)cfg, cfg->mail_poll_ms);
	return running ? 0 : -1;
}

void mail_worker_stop(void)
{
	background_stop(running);
	running = NULL;
}
