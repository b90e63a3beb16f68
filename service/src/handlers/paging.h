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
 * Reads limit and cursor from the query, for a list in the given order. Returns 0, or the
 * 400 already replied.
 */
int page_request_read(struct req *rq, const char *order, struct page_request *pr);

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
