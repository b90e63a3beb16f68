/*
 * metrics.h -- request counters and latency histograms per route template, kept in atomics
 * (no lock on the request path), and their Prometheus text exposition (format 0.0.4).
 * Per process: Prometheus scrapes each replica and sums.
 */
#ifndef IDEKOM_METRICS_H
#define IDEKOM_METRICS_H

#include "util/buf.h"

#include <stddef.h>

/* Allocates the counters for route_count routes. Call once before serving. */
void metrics_init(size_t route_count);
void metrics_free(void);

/*
 * Records one request. route is an index into the route table, or -1 when no route matched
 * (then method names the request's method). seconds is the handling time.
 */
void metrics_record(int route, const char *method, int status, double seconds);

/* Webhook queue length and its lag (age of the oldest pending delivery, s), as last seen. */
void metrics_set_integration(long pending, long lag_seconds);

/* Counts one recorded delivery attempt by its outcome: delivered, retry, failed or gone. */
void metrics_count_delivery(const char *outcome);

/* Appends the exposition of every metric to out (pool figures included). */
void metrics_render(struct buf *out);

#endif
