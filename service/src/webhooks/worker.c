/* worker.c -- see worker.h */
#include "webhooks/worker.h"
#include "db/background.h"
#include "http/metrics.h"
#include "util/log.h"
#include "webhooks/transfer.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GAUGE_EVERY_MS 2000
/* on stop, how long deliveries on the wire may still take before they are handed back */
#define STOP_GRACE_MS 2000
/* the longest one step waits on the sockets, so that a stop is seen soon */
#define STEP_WAIT_MAX_MS 250

static struct {
	const struct config *cfg;
	struct background *bg;
	CURLM *multi;
	struct transfer *slots; /* cfg->webhook_max_in_flight of them */
	int in_flight;
	bool allow_private; /* read by every transfer's socket check */
	atomic_bool stopping;
	long long next_claim_ms;
	long long last_gauge_ms;
} w;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void record(PGconn *pg, const char *delivery_id, long status, const char *error, long ms)
{
	char code[16], duration[16], scale[16];
	const char *params[5] = {delivery_id, status ? code : NULL, error[0] ? error : NULL,
				 duration, scale};
	PGresult *res;

	snprintf(code, sizeof(code), "%ld", status);
	snprintf(duration, sizeof(duration), "%ld", ms);
	snprintf(scale, sizeof(scale), "%g", w.cfg->webhook_retry_scale);
	res = PQexecParams(pg,
			   "SELECT api.webhook_record($1::uuid, $2::int, $3, $4::int, $5::float8)",
			   5, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		metrics_count_delivery(PQgetvalue(res, 0, 0));
	else
		log_msgf(LOG_WARN, "webhook: cannot record an attempt: %.200s", PQerrorMessage(pg));
	PQclear(res);
}

/* Records every transfer that has finished and frees its slot. Returns how many. */
static int collect_finished(PGconn *pg)
{
	CURLMsg *msg;
	int left, done = 0;

	while ((msg = curl_multi_info_read(w.multi, &left))) {
		struct transfer *t = NULL;
		long status;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		status = transfer_status(t, msg->data.result);
		curl_multi_remove_handle(w.multi, t->easy);
		record(pg, t->delivery_id, status, t->error, (long)(now_ms() - t->started_ms));
		transfer_done(t);
		w.in_flight--;
		done++;
	}
	return done;
}

/* {"host:port": deliveries in flight there}, for the claim's per-host limit. */
static char *busy_hosts(void)
{
	json_t *busy = json_object();
	char *text;

	for (int i = 0; busy && i < w.cfg->webhook_max_in_flight; i++) {
		const struct transfer *t = &w.slots[i];

		if (t->busy) {
			json_int_t n = json_integer_value(json_object_get(busy, t->host));

			json_object_set_new(busy, t->host, json_integer(n + 1));
		}
	}
	text = busy ? json_dumps(busy, JSON_COMPACT) : NULL;
	json_decref(busy);
	return text;
}

static struct transfer *free_slot(void)
{
	for (int i = 0; i < w.cfg->webhook_max_in_flight; i++)
		if (!w.slots[i].busy)
			return &w.slots[i];
	return NULL;
}

/* Puts one claimed delivery on the wire, or records at once why it cannot go. */
static void start(PGconn *pg, const PGresult *res, int row)
{
	struct delivery d = {PQgetvalue(res, row, 0), PQgetvalue(res, row, 1),
			     PQgetvalue(res, row, 2), PQgetvalue(res, row, 3),
			     PQgetvalue(res, row, 4), PQgetvalue(res, row, 5)};
	struct transfer *t = free_slot();

	if (!t) /* cannot happen: the claim asked for free slots only; the lease runs out */
		return;
	if (transfer_prepare(t, &d, w.cfg->webhook_timeout_ms, &w.allow_private)) {
		record(pg, d.id, 0, t->error, 0);
		return;
	}
	t->started_ms = now_ms();
	if (curl_multi_add_handle(w.multi, t->easy) != CURLM_OK) {
		record(pg, d.id, 0, "no HTTP client", 0);
		transfer_done(t);
		return;
	}
	w.in_flight++;
}

/* Claims as many due deliveries as there are free slots. Returns how many, -1 on DB trouble. */
static int claim(PGconn *pg, int free_slots)
{
	char limit[16], per_host[16];
	char *busy = busy_hosts();
	const char *params[3] = {limit, per_host, busy};
	PGresult *res;
	int n;

	if (!busy)
		return -1;
	snprintf(limit, sizeof(limit), "%d", free_slots);
	snprintf(per_host, sizeof(per_host), "%d", w.cfg->webhook_max_per_host);
	res = PQexecParams(pg,
			   "SELECT delivery_id, host, url, secrets, event_id, body "
			   "FROM api.webhook_claim_fair($1::int, $2::int, $3::jsonb)",
			   3, NULL, params, NULL, NULL, 0);
	free(busy);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_msgf(LOG_WARN, "webhook: cannot claim deliveries: %.200s", PQerrorMessage(pg));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++)
		start(pg, res, i);
	PQclear(res);
	return n;
}

static void update_gauges(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT pending, lag_seconds FROM api.integration_gauges()");

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		metrics_set_integration(atol(PQgetvalue(res, 0, 0)), atol(PQgetvalue(res, 0, 1)));
	PQclear(res);
}

/* Moves the transfers on for up to wait_ms (less when a socket is ready or on a wakeup). */
static void drive(int wait_ms)
{
	int running;

	curl_multi_perform(w.multi, &running);
	curl_multi_poll(w.multi, NULL, 0, wait_ms, NULL);
	curl_multi_perform(w.multi, &running);
}

/*
 * How long to wait on the sockets: until the next claim is due while a slot is free; with
 * every slot busy only a finished transfer (which wakes the wait) can change anything.
 */
static int wait_ms(void)
{
	long long until_claim = w.next_claim_ms - now_ms();

	if (w.in_flight >= w.cfg->webhook_max_in_flight || until_claim > STEP_WAIT_MAX_MS)
		return STEP_WAIT_MAX_MS;
	return until_claim < 0 ? 0 : (int)until_claim;
}

/*
 * One round (background_step): record what finished, claim for the free slots when a slot
 * has just freed up or the poll interval has passed, then wait on the sockets. More is
 * waiting while anything is in flight, or when the claim filled every slot.
 */
static int step(PGconn *pg, void *arg)
{
	int freed, free_slots, claimed = 0;
	long long now;

	(void)arg;
	if (atomic_load(&w.stopping))
		return 0;
	freed = collect_finished(pg);
	free_slots = w.cfg->webhook_max_in_flight - w.in_flight;
	now = now_ms();
	if (free_slots > 0 && (freed > 0 || now >= w.next_claim_ms)) {
		claimed = claim(pg, free_slots);
		/* a full claim: more may be due at once; otherwise wait for the next poll */
		w.next_claim_ms = claimed == free_slots ? now : now + w.cfg->webhook_poll_ms;
	}
	if (now - w.last_gauge_ms >= GAUGE_EVERY_MS) {
		update_gauges(pg);
		w.last_gauge_ms = now;
	}
	if (w.in_flight == 0)
		return claimed < 0 ? -1 : 0;
	drive(wait_ms());
	return 1;
}

/*
 * On stop (background_finish): gives the deliveries on the wire STOP_GRACE_MS to finish and
 * be recorded, then aborts the rest and hands them back to the outbox (their lease ends), so
 * another process sends them at once rather than after the lease.
 */
static void finish(PGconn *pg, void *arg)
{
	long long until = now_ms() + STOP_GRACE_MS;
	bool connected = pg && PQstatus(pg) == CONNECTION_OK;
	json_t *ids = json_array();

	(void)arg;
	while (connected && w.in_flight > 0 && now_ms() < until) {
		drive(50);
		collect_finished(pg);
	}
	for (int i = 0; i < w.cfg->webhook_max_in_flight; i++) {
		struct transfer *t = &w.slots[i];

		if (!t->busy)
			continue;
		curl_multi_remove_handle(w.multi, t->easy);
		json_array_append_new(ids, json_string(t->delivery_id));
		transfer_done(t);
		w.in_flight--;
	}
	if (connected && json_array_size(ids) > 0) {
		char *text = json_dumps(ids, JSON_COMPACT);
		const char *params[1] = {text};
		PGresult *res = PQexecParams(pg,
					     "SELECT api.webhook_release(ARRAY(SELECT "
					     "jsonb_array_elements_text($1::jsonb)::uuid))",
					     1, NULL, params, NULL, NULL, 0);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			log_msgf(LOG_WARN, "webhook: cannot hand back deliveries: %.200s",
				 PQerrorMessage(pg));
		PQclear(res);
		free(text);
	}
	json_decref(ids);
}

static void release_all(void)
{
	for (int i = 0; w.slots && i < w.cfg->webhook_max_in_flight; i++)
		transfer_free(&w.slots[i]);
	free(w.slots);
	w.slots = NULL;
	if (w.multi)
		curl_multi_cleanup(w.multi);
	w.multi = NULL;
}

int webhook_worker_start(const struct config *cfg)
{
	w.cfg = cfg;
	w.allow_private = cfg->webhook_allow_private;
	w.in_flight = 0;
	w.next_claim_ms = 0;
	w.last_gauge_ms = 0;
	atomic_store(&w.stopping, false);
	w.slots = calloc((size_t)cfg->webhook_max_in_flight, sizeof(*w.slots));
	w.multi = curl_multi_init();
	if (!w.slots || !w.multi) {
		release_all();
		return -1;
	}
	/* the connection cache: one idle connection per slot can wait for the next delivery */
	curl_multi_setopt(w.multi, CURLMOPT_MAXCONNECTS, (long)cfg->webhook_max_in_flight);
	w.bg = background_start_finishing(cfg->database_url, step, finish, NULL,
					  cfg->webhook_poll_ms);
	if (!w.bg) {
		release_all();
		return -1;
	}
	return 0;
}

void webhook_worker_stop(void)
{
	if (!w.bg)
		return;
	atomic_store(&w.stopping, true);
	curl_multi_wakeup(w.multi); /* a step waiting on the sockets returns now */
	background_stop(w.bg);      /* runs finish() on the thread, then joins it */
	w.bg = NULL;
	release_all();
}
