/*
 * paging.h -- the one paging mechanism of every keyset list. A list statement returns up to
 * limit + 1 rows in the list's order; each row holds an item's stored JSON and its place in
 * the order (a key and an id). The page is the first limit items, and when a further row
 * came back, next_cursor names the last item of the page.
 *
 * The cursor is base64url of a JSON array of three strings, [order, key, id]: the order it
 * belongs to ("name", "-created_at", "relevance", ...), the sort key of the last item seen
 * and its id. A cursor of another order, or anything else, is a 400.
 */
#ifndef IDEKOM_PAGING_H
#define IDEKOM_PAGING_H

#include "http/request.h"

#include <libpq-fe.h>
#include <stdbool.h>

#define PAGE_KEY_MAX 1024 /* a sort key: up to 200 characters of UTF-8, with room to spare */

struct page_request {
	char limit[8];              /* "1".."100" (default 20) */
	int limit_n;
	bool has_cursor;
	char after_key[PAGE_KEY_MAX]; /* the cursor's key, or "" */
	char after_id[37];          /* the cursor's id, or "" */
};

/*
 * What a list's sort key is, so that a cursor's key is checked before SQL casts it: text
 * (a name), a time as api.ts writes it ("2026-06-01T12:00:00.000000Z"), or a number.
 */
enum page_key { PAGE_KEY_TEXT, PAGE_KEY_TIME, PAGE_KEY_NUMBER };

/*
 * Decodes a cursor's text for a list in the given order: its key into key (keylen bytes,
 * NUL-terminated) and its id into id. Returns 0, or -1 when the text is not a cursor of this
 * order (bad base64url, not a JSON array of three strings, another order, a key that does
 * not fit, an id that is not a UUID). Pure: no request, no allocation that outlives it.
 */
int page_cursor_decode(const char *text, const char *order, char *key, size_t keylen,
		       char id[37]);

/* True when key has the form of a key of this kind. Pure. */
bool page_key_ok(enum page_key kind, const char *key);

/*
 * Reads limit and cursor from the query, for a list in the given order whose keys are of
 * the given kind. Returns 0, or the 400 already replied.
 */
int page_request_read(struct req *rq, const char *order, enum page_key kind,
		      struct page_request *pr);

/* The cursor parameters as statement parameters: key and id, or NULL on the first page. */
const char *page_after_key(const struct page_request *pr);
const char *page_after_id(const struct page_request *pr);

/* Where a page's rows keep an item's JSON and its place in the order. */
struct page_columns {
	int body;
	int key;
	int id;
};

/*
 * Answers 200 {"items": [...], "next_cursor": ...} from the rows of res, in order. A row
 * whose body is NULL is no item (the empty side of a LEFT JOIN). Does not PQclear res.
 */
int reply_page(struct req *rq, const PGresult *res, struct page_columns cols, const char *order,
	       const struct page_request *pr);

#endif
