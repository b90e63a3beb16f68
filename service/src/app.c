/* app.c -- see app.h */
#include "app.h"
#include "db/pool.h"
#include "db/reminders.h"
#include "db/retention.h"
#include "feed/sequencer.h"
#include "http/metrics.h"
#include "http/ratelimit_http.h"
#include "http/response.h"
#include "http/router.h"
#include "mail/worker.h"
#include "util/log.h"
#include "webhooks/worker.h"

#include <curl/curl.h>

#include <civetweb.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Civetweb's own errors (a malformed request line, headers over the limit) as problems. */
static int on_http_error(struct mg_connection *conn, int status, const char *msg)
{
	return reply_bare_problem(conn, status, msg);
}

static int on_log_message(const struct mg_connection *conn, const char *message)
{
	(void)conn;
	log_line(LOG_WARN, message, "\"source\":\"civetweb\"");
	return 1;
}

struct mg_context *app_start(const struct config *cfg)
{
	struct mg_callbacks cb;
	struct mg_context *ctx;
	char threads[16], timeout[16];
	const char *options[] = {
		"listening_ports", cfg->listen,
		"num_threads", threads,
		"request_timeout_ms", timeout,
		"enable_keep_alive", "yes",
		"keep_alive_timeout_ms", "2000",
		"tcp_nodelay", "1",
		/* empty: civetweb must not answer CORS itself with '*' (docs/libraries.md, "Civetweb") */
		"access_control_allow_origin", "",
		"access_control_allow_methods", "",
		"access_control_allow_headers", "",
		"max_request_size", "16384",
		"linger_timeout_ms", "500",
		NULL,
	};

	snprintf(threads, sizeof(threads), "%d", cfg->threads);
	snprintf(timeout, sizeof(timeout), "%d", cfg->request_timeout_ms);
	/* jansson's hash seed must be set before threads exist (jansson threadsafety.rst) */
	json_object_seed(0);
	/* libcurl's global state is set up once, before any thread uses it */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pool_init(cfg->database_url, cfg->db_pool_size);
	metrics_init(routes_count());
	ratelimit_configure(cfg);
	memset(&cb, 0, sizeof(cb));
	cb.http_error = on_http_error;
	cb.log_message = on_log_message;
	ctx = mg_start(&cb, NULL, options);
	if (!ctx) {
		pool_shutdown();
		metrics_free();
		return NULL;
	}
	/* one handler for everything: we match routes ourselves, exactly (docs/libraries.md, "Civetweb") */
	mg_set_request_handler(ctx, "/", router_handle, (void *)cfg);
	if (sequencer_start(cfg))
		log_line(LOG_ERROR, "cannot start the change-feed sequencer", NULL);
	if (cfg->webhooks_enabled && webhook_worker_start(cfg))
		log_line(LOG_ERROR, "cannot start the webhook worker", NULL);
	if (cfg->mail_enabled && mail_worker_start(cfg))
		log_line(LOG_ERROR, "cannot start the mail worker", NULL);
	if (retention_start(cfg))
		log_line(LOG_ERROR, "cannot start the retention job", NULL);
	if (cfg->mail_enabled && reminders_start(cfg))
		log_line(LOG_ERROR, "cannot start the meeting reminders", NULL);
	return ctx;
}

/* A stop phase that takes long is logged by name, so a slow SIGTERM says what held it. */
#define SLOW_STOP_PHASE_MS 1000

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stop_phase(const char *name, long long *since)
{
	long long now = monotonic_ms();

	if (now - *since >= SLOW_STOP_PHASE_MS)
		log_msgf(LOG_WARN, "stopping: %s took %lld ms", name, now - *since);
	*since = now;
}

void app_stop(struct mg_context *ctx)
{
	long long t = monotonic_ms();

	mg_stop(ctx); /* waits for the workers: requests in flight finish */
	stop_phase("the HTTP server (requests in flight)", &t);
	webhook_worker_stop();
	stop_phase("the webhook worker (deliveries on the wire)", &t);
	mail_worker_stop();
	stop_phase("the mail worker", &t);
	retention_stop();
	reminders_stop();
	sequencer_stop();
	stop_phase("the retention, reminder and sequencer jobs", &t);
	pool_shutdown();
	metrics_free();
	curl_global_cleanup();
}
