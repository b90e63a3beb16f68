/*
 * transfer.h -- one webhook delivery as a libcurl transfer: the signed POST (Standard
 * Webhooks headers, one "v1,<sig>" per signing secret), the per-attempt timeout, and the
 * server-side request forgery check on every socket it opens. The easy handle is kept from
 * one delivery to the next (the worker's multi handle keeps the connections).
 */
#ifndef IDEKOM_TRANSFER_H
#define IDEKOM_TRANSFER_H

#include <curl/curl.h>
#include <stdbool.h>

#define TRANSFER_HOST_MAX 512 /* a URL is at most 500 characters (0007) */

/* One claimed delivery, as api.webhook_claim_fair answers it; the strings are borrowed. */
struct delivery {
	const char *id;
	const char *host;
	const char *url;
	const char *secrets; /* space-separated whsec_ secrets, the current one first */
	const char *event_id;
	const char *body;
};

struct transfer {
	CURL *easy;                 /* NULL until first used */
	struct curl_slist *headers; /* while busy */
	bool busy;
	char delivery_id[40];
	char host[TRANSFER_HOST_MAX];
	long long started_ms;
	char error[CURL_ERROR_SIZE];
};

/*
 * Sets t up to POST d, signed now, giving up after timeout_ms. allow_private points at the
 * WEBHOOK_ALLOW_PRIVATE setting and must outlive the transfer. Returns 0, or -1 with
 * t->error saying why nothing can be sent (t is then not busy).
 */
int transfer_prepare(struct transfer *t, const struct delivery *d, long timeout_ms,
		     const bool *allow_private);

/* The HTTP status of a finished transfer, or 0 with t->error filled when none came back. */
long transfer_status(struct transfer *t, CURLcode result);

/* Frees what the delivery needed and marks t free (its easy handle is kept). */
void transfer_done(struct transfer *t);

/* Frees t's easy handle too (the worker's end). */
void transfer_free(struct transfer *t);

#endif
