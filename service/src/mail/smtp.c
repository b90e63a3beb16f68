/* smtp.c -- see smtp.h */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

/* The message, read out by libcurl in pieces (CURLOPT_READFUNCTION). */
struct reader {
	const char *data;
	size_t len;
	size_t pos;
};

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t room = size * n;
	size_t left = r->len - r->pos;
	size_t take = left < room ? left : room;

	memcpy(out, r->data + r->pos, take);
	r->pos += take;
	return take;
}

int smtp_send(const struct config *cfg, const char *to, const char *message, size_t len,
	      char *error, size_t errlen, bool *permanent)
{
	char curl_error[CURL_ERROR_SIZE] = "";
	char from[300], rcpt[300];
	struct reader r = {message, len, 0};
	struct curl_slist *rcpts = NULL;
	long code = 0;
	CURLcode rc;
	CURL *curl;

	*permanent = false;
	error[0] = '\0';
	curl = curl_easy_init();
	if (!curl) {
		snprintf(error, errlen, "no SMTP client");
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->smtp_from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	rcpts = curl_slist_append(rcpts, rcpt);
	curl_easy_setopt(curl, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_USE_SSL, cfg->smtp_tls_none ? CURLUSESSL_NONE : CURLUSESSL_ALL);
	if (cfg->smtp_user[0]) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, cfg->smtp_password);
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, &r);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	/* well under the outbox lease (mail/worker.c), so a lease never ends mid-send */
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		snprintf(error, errlen, "%s (SMTP %ld)",
			 curl_error[0] ? curl_error : curl_easy_strerror(rc), code);
		*permanent = code >= 500 && code < 600;
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	return rc == CURLE_OK ? 0 : -1;
}
