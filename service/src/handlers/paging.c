/* paging.c -- see paging.h */
#include "handlers/paging.h"
#include "http/response.h"
#include "util/buf.h"
#include "util/text.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_TEXT_MAX 2048 /* base64url of [order, key, id] with the longest key */

static int bad_cursor(struct req *rq)
{
	return reply_error(rq, 400, "cursor is not one this service gave out for this list");
}

int page_cursor_decode(const char *text, const char *order, char *key, size_t keylen,
		       char id[37])
{
	unsigned char raw[CURSOR_TEXT_MAX];
	size_t n = strlen(text);
	json_t *doc, *o, *k, *i;
	long len;
	int rc = -1;

	if (n == 0 || n >= CURSOR_TEXT_MAX || keylen == 0)
		return -1;
	len = base64url_decode(text, n, raw);
	/* a NUL inside the text would hide the rest from every later check */
	if (len <= 0 || (size_t)len != strlen((char *)raw) ||
	    !json_depth_ok((char *)raw, (size_t)len, 2))
		return -1;
	doc = json_loadb((char *)raw, (size_t)len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(doc) || json_array_size(doc) != 3)
		goto done;
	o = json_array_get(doc, 0);
	k = json_array_get(doc, 1);
	i = json_array_get(doc, 2);
	if (!json_is_string(o) || strcmp(json_string_value(o), order) != 0 || !json_is_string(k) ||
	    json_string_length(k) >= keylen ||
	    strlen(json_string_value(k)) != json_string_length(k) || !json_is_string(i) ||
	    !uuid_syntax_ok(json_string_value(i)))
		goto done;
	memcpy(key, json_string_value(k), json_string_length(k) + 1);
	memcpy(id, json_string_value(i), 37);
	rc = 0;
done:
	json_decref(doc);
	return rc;
}

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ", as api.ts writes it, with fields in their ranges. */
static bool time_key_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return atoi(s + 5) >= 1 && atoi(s + 5) <= 12 && atoi(s + 8) >= 1 && atoi(s + 8) <= 31 &&
	       atoi(s + 11) <= 23 && atoi(s + 14) <= 59 && atoi(s + 17) <= 59;
}

/* A finite number as PostgreSQL writes a float8 or a bigint. */
static bool number_key_ok(const char *s)
{
	char *end;
	double d;

	if (!s[0] || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	d = strtod(s, &end);
	return *end == '\0' && d == d && d < 1e300 && d > -1e300;
}

bool page_key_ok(enum page_key kind, const char *key)
{
	switch (kind) {
	case PAGE_KEY_TIME:
		return time_key_ok(key);
	case PAGE_KEY_NUMBER:
		return number_key_ok(key);
	default:
		return true;
	}
}

int page_request_read(struct req *rq, const char *order, enum page_key kind,
		      struct page_request *pr)
{
	char value[CURSOR_TEXT_MAX];
	int rc;

	memset(pr, 0, sizeof(*pr));
	snprintf(pr->limit, sizeof(pr->limit), "20");
	rc = req_query(rq, "limit", value, sizeof(value));
	if (rc != 0) {
		char *end;
		long n = strtol(value, &end, 10);

		if (rc < 0 || !value[0] || *end || n < 1 || n > 100 || value[0] < '0' ||
		    value[0] > '9')
			return reply_error(rq, 400, "limit must be a whole number from 1 to 100");
		snprintf(pr->limit, sizeof(pr->limit), "%ld", n);
	}
	pr->limit_n = atoi(pr->limit);
	rc = req_query(rq, "cursor", value, sizeof(value));
	if (rc < 0)
		return bad_cursor(rq);
	/* cursor= with nothing is the first page */
	if (rc > 0 && value[0]) {
		if (page_cursor_decode(value, order, pr->after_key, sizeof(pr->after_key),
				       pr->after_id) ||
		    !page_key_ok(kind, pr->after_key))
			return bad_cursor(rq);
		pr->has_cursor = true;
	}
	return 0;
}

const char *page_after_key(const struct page_request *pr)
{
	return pr->has_cursor ? pr->after_key : NULL;
}

const char *page_after_id(const struct page_request *pr)
{
	return pr->has_cursor ? pr->after_id : NULL;
}

/* Appends the cursor naming row r of res. */
static void add_cursor(struct buf *out, const PGresult *res, int r, struct page_columns cols,
		       const char *order)
{
	json_t *key = json_pack("[sss]", order, PQgetvalue(res, r, cols.key),
				PQgetvalue(res, r, cols.id));
	char *text = key ? json_dumps(key, JSON_COMPACT) : NULL;

	json_decref(key);
	if (!text) { /* a key that is not UTF-8 cannot be a cursor; end the walk honestly */
		buf_adds(out, "null");
		return;
	}
	{
		size_t n = strlen(text);
		char *enc = malloc(4 * (n / 3 + 1) + 1);

		if (enc) {
			base64url_encode((const unsigned char *)text, n, enc);
			buf_adds(out, "\"");
			buf_adds(out, enc);
			buf_adds(out, "\"");
			free(enc);
		} else {
			buf_adds(out, "null");
		}
	}
	free(text);
}

int reply_page(struct req *rq, const PGresult *res, struct page_columns cols, const char *order,
	       const struct page_request *pr)
{
	struct buf out = BUF_INIT;
	int rows = PQntuples(res);
	int items = 0, last = -1;
	bool more = false;
	int rc;

	buf_adds(&out, "{\"items\":[");
	for (int r = 0; r < rows; r++) {
		if (PQgetisnull(res, r, cols.body))
			continue;
		if (items == pr->limit_n) {
			more = true;
			break;
		}
		if (items++)
			buf_adds(&out, ",");
		buf_add(&out, PQgetvalue(res, r, cols.body), (size_t)PQgetlength(res, r, cols.body));
		last = r;
	}
	buf_adds(&out, "],\"next_cursor\":");
	if (more && last >= 0)
		add_cursor(&out, res, last, cols, order);
	else
		buf_adds(&out, "null");
	buf_adds(&out, "}");
	rc = reply_json_text(rq, 200, out.data);
	buf_release(&out);
	return rc;
}
