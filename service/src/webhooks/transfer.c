/* transfer.c -- see transfer.h */
#include "webhooks/transfer.h"
#include "webhooks/address.h"
#include "webhooks/sign.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* at most this many signatures in one delivery: the current secret and the previous one */
#define MAX_SIGNATURES 2

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

/* Writes "webhook-signature: v1,<a> v1,<b>" for each secret of the space-separated list. */
static int signature_header(const struct delivery *d, long long ts, char *out, size_t outlen)
{
	char secrets[2 * 64 + 2];
	char *save = NULL;
	int n = 0;

	if (strlen(d->secrets) >= sizeof(secrets))
		return -1;
	memcpy(secrets, d->secrets, strlen(d->secrets) + 1);
	snprintf(out, outlen, "webhook-signature:");
	for (char *s = strtok_r(secrets, " ", &save); s && n < MAX_SIGNATURES;
	     s = strtok_r(NULL, " ", &save), n++) {
		char signature[WEBHOOK_SIGNATURE_MAX];
		size_t used = strlen(out);

		if (webhook_sign(s, d->event_id, ts, d->body, strlen(d->body), signature))
			return -1;
		snprintf(out + used, outlen - used, " %s", signature);
	}
	return n > 0 ? 0 : -1;
}

int transfer_prepare(struct transfer *t, const struct delivery *d, long timeout_ms,
		     const bool *allow_private)
{
	char header[200], signatures[MAX_SIGNATURES * WEBHOOK_SIGNATURE_MAX + 32];
	long long ts = (long long)time(NULL);
	struct curl_slist *headers = NULL;

	t->error[0] = '\0';
	snprintf(t->delivery_id, sizeof(t->delivery_id), "%s", d->id);
	snprintf(t->host, sizeof(t->host), "%s", d->host);
	if (signature_header(d, ts, signatures, sizeof(signatures))) {
		snprintf(t->error, sizeof(t->error), "the webhook secret is malformed");
		return -1;
	}
	if (!t->easy && !(t->easy = curl_easy_init())) {
		snprintf(t->error, sizeof(t->error), "no HTTP client");
		return -1;
	}
	curl_easy_reset(t->easy);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	snprintf(header, sizeof(header), "webhook-id: %s", d->event_id);
	headers = curl_slist_append(headers, header);
	snprintf(header, sizeof(header), "webhook-timestamp: %lld", ts);
	headers = curl_slist_append(headers, header);
	headers = curl_slist_append(headers, signatures);
	t->headers = headers;
	curl_easy_setopt(t->easy, CURLOPT_URL, d->url);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < 3000 ? timeout_ms : 3000L);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(d->body));
	curl_easy_setopt(t->easy, CURLOPT_COPYPOSTFIELDS, d->body);
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "Idekom-Webhooks/1");
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(t->easy, CURLOPT_OPENSOCKETDATA, (void *)allow_private);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, (void *)t);
	t->busy = true;
	return 0;
}

long transfer_status(struct transfer *t, CURLcode result)
{
	long status = 0;

	if (result == CURLE_OK) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		t->error[0] = '\0';
	} else if (!t->error[0]) {
		snprintf(t->error, sizeof(t->error), "%s", curl_easy_strerror(result));
	}
	if (!status && !t->error[0])
		snprintf(t->error, sizeof(t->error), "no answer");
	return status;
}

void transfer_done(struct transfer *t)
{
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	t->busy = false;
}

void transfer_free(struct transfer *t)
{
	transfer_done(t);
	if (t->easy)
		curl_easy_cleanup(t->easy);
	t->easy = NULL;
}
