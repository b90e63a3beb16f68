/*
 * app.h -- starts and stops the HTTP service: the database pool, the metrics and Civetweb
 * with the settings that matter for us (keep-alive, tcp_nodelay, no built-in CORS, no
 * document_root). Used by main's `serve`.
 */
#ifndef IDEKOM_APP_H
#define IDEKOM_APP_H

#include "config.h"

struct mg_context;

/* Starts serving cfg (which must outlive the context). Returns the context or NULL. */
struct mg_context *app_start(const struct config *cfg);

/* Stops accepting, waits for requests in flight, closes the pool. */
void app_stop(struct mg_context *ctx);

#endif
