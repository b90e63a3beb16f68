/* worker.c -- see worker.h */
#include "webhooks/worker.h"
#include "db/pool.h"
#include "http/metrics.h"
#include "util/log.h"
#include "webhooks/address.h"
#include "webhooks/sign.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLAIM_BATCH "10"
#define GAUGE_EVERY_MS 2000

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool running;
	const struct config *cfg;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms unless asked to stop; returns true when it should stop. */
static bool nap(int ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w.lock);
	while (!w.stop && pthread_cond_timedwait(&w.wake, &w.lock, &until) != ETIMEDOUT)
		;
	stop = w.stop;
	pthread_mutex_unlock(&w.lock);
	return stop;
}

static size_t discard(char *ptr, size_t size, size_t n, void *user)
{
	(void)ptr;
	(void)user;
	return size * n;
}

/* Refuses to connect to private addresses, checked again here against DNS rebinding. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
	(void)purpose;
	if (!*(const bool *)clientp && address_is_private(&addr->addr))
		return CURL_SOCKET_BAD;
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* POSTs one event. Returns the HTTP status, or 0 with error filled when none came back. */
static long deliver(const char *url, const char *secret, const char *event_id, const char *body,
		    char *error, size_t errlen)
{
	char signature[WEBHOOK_SIGNATURE_MAX], header[200];
	char curl_error[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	long long ts = (long long)time(NULL);
	bool allow_private = w.cfg->webhook_allow_private;
	long status = 0;
	CURL *curl;
	CURLcode rc;

	error[0] = '\0';
	if (webhook_sign(secret, event_id, ts, body, strlen(body), signature)) {
		snprintf(error, errlen, "the webhook secret is malformed");
		return 0;
	}
	curl = curl_easy_init();
	if (!curl) {
		snprintf(error, errlen, "no HTTP client");
		return 0;
	}
	headers = curl_slist_append(headers, "Content-Type: application/json");
	snprintf(header, sizeof(header), "webhook-id: %s", event_id);
	headers = curl_slist_append(headers, header);
	snprintf(header, sizeof(header), "webhook-timestamp: %lld", ts);
	headers = curl_slist_append(headers, header);
	snprintf(header, sizeof(header), "webhook-signature: %s", signature);
	headers = curl_slist_append(headers, header);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "Idekom-Webhooks/1");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &allow_private);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(error, errlen, "%s", curl_error[0] ? curl_error : curl_easy_strerror(rc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return status;
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

/* Claims and delivers one batch. Returns how many deliveries it handled, -1 on DB trouble. */
static int run_batch(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT delivery_id, url, secret, event_id, body "
				   "FROM api.webhook_claim(" CLAIM_BATCH ")");
	int n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (int i = 0; i < n && !w.stop; i++) {
		char error[300];
		long long started = now_ms();
		long status = deliver(PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
				      PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), error,
				      sizeof(error));

		if (!status && !error[0])
			snprintf(error, sizeof(error), "no answer");
		record(pg, PQgetvalue(res, i, 0), status, error, (long)(now_ms() - started));
	}
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

static void *worker_main(void *arg)
{
	PGconn *pg = NULL;
	long long last_gauge = 0;

	(void)arg;
	while (!w.stop) {
		int handled;

		if (!pg || PQstatus(pg) != CONNECTION_OK) {
			if (pg)
				PQreset(pg);
			else
				pg = db_connect(w.cfg->database_url);
			if (!pg || PQstatus(pg) != CONNECTION_OK) {
				if (nap(1000))
					break;
				continue;
			}
		}
		handled = run_batch(pg);
		if (now_ms() - last_gauge >= GAUGE_EVERY_MS) {
			update_gauges(pg);
			last_gauge = now_ms();
		}
		/* a full batch: more may be due at once; otherwise wait for the next poll */
		if (handled < atoi(CLAIM_BATCH) && nap(handled < 0 ? 1000 : w.cfg->webhook_poll_ms))
			break;
	}
	PQfinish(pg);
	return NULL;
}

int webhook_worker_start(const struct config *cfg)
{
	w.cfg = cfg;
	w.stop = false;
	if (pthread_create(&w.thread, NULL, worker_main, NULL))
		return -1;
	w.running = true;
	return 0;
}

void webhook_worker_stop(void)
{
	if (!w.running)
		return;
	pthread_mutex_lock(&w.lock);
	w.stop = true;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	w.running = false;
}
