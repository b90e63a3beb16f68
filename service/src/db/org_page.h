/*
 * org_page.h -- the statements of the organisation lists. Each combination of filters and
 * each order has a statement text of its own, built from fixed fragments, with only the
 * filters that were asked for written out. It runs as an unnamed statement, so PostgreSQL
 * plans it for the values of this request: a prepared statement's generic plan cannot know
 * how many organisations a district or an area holds, guesses few, and then sorts every one
 * of them (measured: 7 ms against 0.4 ms for a page at 10,000 organisations). Planned for
 * its values, a page is a walk of the order's index that stops after the page.
 *
 * Parameters (always 13, as text): $1 principal kind, $2 its id, $3 its token's scopes, $4
 * kind, $5 area, $6 district, $7 status, $8 umbrella id, $9 endorsed, $10 the cursor's key,
 * $11 the cursor's id, $12 limit, $13 search text. Unused ones may be NULL.
 *
 * Result: (held, codes_ok, umbrella_visible, body, key, id), one row per item (at most limit +
 * 1), or one row with a NULL body when there are none; no row at all when the principal is
 * disabled or gone.
 */
#ifndef IDEKOM_ORG_PAGE_H
#define IDEKOM_ORG_PAGE_H

#include "db/pool.h"

#include <libpq-fe.h>
#include <stddef.h>

#define ORG_PAGE_PARAMS 13

enum org_order { ORG_ORDER_NAME, ORG_ORDER_CREATED, ORG_ORDER_RELEVANCE, ORG_ORDER_COUNT };

enum org_page_filter {
	ORG_FILTER_KIND = 1 << 0,
	ORG_FILTER_AREA = 1 << 1,
	ORG_FILTER_DISTRICT = 1 << 2,
	ORG_FILTER_STATUS = 1 << 3,
	ORG_FILTER_UMBRELLA = 1 << 4,
	ORG_FILTER_ENDORSED = 1 << 5,
	ORG_FILTER_SEARCH = 1 << 6,
	ORG_FILTER_ANONYMOUS = 1 << 7, /* no token: only verified organisations */
	ORG_FILTER_ALL = (1 << 8) - 1,
};

/* Writes the SQL of one statement into out. Returns 0, or -1 when out is too small. */
int org_page_sql(unsigned filters, enum org_order order, char *out, size_t outlen);

/* Runs the statement for filters and order on c with params. Returns the result (the caller
 * PQclears it; never NULL). */
PGresult *org_page_exec(struct dbconn *c, unsigned filters, enum org_order order,
			const char *const params[ORG_PAGE_PARAMS]);

#endif
