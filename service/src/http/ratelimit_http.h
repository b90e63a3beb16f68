/*
 * ratelimit_http.h -- applies the rate limits (http/ratelimit.h) to one API request: picks the
 * budget and the caller, adds the IETF RateLimit-Policy and RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers) to the answer, and answers 429 with Retry-After when
 * the caller's bucket is empty.
 */
#ifndef IDEKOM_RATELIMIT_HTTP_H
#define IDEKOM_RATELIMIT_HTTP_H

#include "config.h"
#include "http/request.h"

/* Sets up the buckets from the configured limits; call once before serving. */
void ratelimit_configure(const struct config *cfg);

/* Returns 0 when the request may go on, or the status already replied (429). */
int ratelimit_apply(struct req *rq, const char *path);

#endif
