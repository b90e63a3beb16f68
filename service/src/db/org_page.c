/* org_page.c -- see org_page.h */
#include "db/org_page.h"
#include "db/sql_fragments.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define SQL_MAX 4096
#define TEXT_OID 25

static const struct {
	const char *key;   /* the item's sort key, as text */
	const char *from;  /* the rows the order walks */
	const char *after; /* the rows after the cursor, in a form the order's index can use */
	const char *order;
} orders[ORG_ORDER_COUNT] = {
	[ORG_ORDER_NAME] = {"o.name", "organisation o",
			    "(o.name COLLATE \"sv-SE-x-icu\", o.id) > (coalesce($10, '') COLLATE "
			    "\"sv-SE-x-icu\", coalesce($11::uuid, "
			    "'00000000-0000-0000-0000-000000000000'))",
			    "o.name COLLATE \"sv-SE-x-icu\", o.id"},
	[ORG_ORDER_CREATED] = {"api.ts(o.created_at)", "organisation o",
			       "(o.created_at, o.id) < (coalesce($10::timestamptz, 'infinity'), "
			       "coalesce($11::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))",
			       "o.created_at DESC, o.id DESC"},
	/* the best matches first: a name that begins with the search, then rank */
	[ORG_ORDER_RELEVANCE] = {"o.rank::text",
				 "(SELECT o.*, ((lower(o.name) LIKE api.like_escape(lower($13)) || "
				 "'%')::int + ts_rank(o.search, api.search_query($13)))::float8 AS rank "
				 "FROM organisation o) o",
				 "($10::float8 IS NULL OR o.rank < $10::float8 OR (o.rank = "
				 "$10::float8 AND o.id > $11::uuid))",
				 "o.rank DESC, o.id"},
};

/* The vocabularies of the code filters kind, area and district (the first three filters). */
static const char *const vocabularies[] = {"kind", "area", "district"};

/* Each filter's condition on o, in enum org_page_filter's order. */
static const char *const conditions[] = {
	"o.kind = $4",
	"o.areas @> ARRAY[$5]",
	"o.districts @> ARRAY[$6]",
	"o.status = $7",
	"o.umbrella_id = $8::uuid",
	("$9::boolean = EXISTS (SELECT 1 FROM endorsement e JOIN agreement a ON a.id = "
	 "e.agreement_id AND a.status = 'adopted' WHERE e.organisation_id = o.id AND e.status = "
	 "'active')"),
	/* Swedish full text (föreningar finds förening) or the beginning of the name */
	("(o.search @@ api.search_query($13) OR lower(o.name) LIKE api.like_escape(lower($13)) || "
	 "'%')"),
};

int org_page_sql(unsigned filters, enum org_order order, char *out, size_t outlen)
{
	bool anonymous = filters & ORG_FILTER_ANONYMOUS;
	struct buf b = BUF_INIT;
	int rc = -1;

	if (order >= ORG_ORDER_COUNT || filters > ORG_FILTER_ALL)
		return -1;
	buf_adds(&b, CALLER_CTE "SELECT c.held, ");
	/* codes_ok: each code filter names a code of its vocabulary */
	buf_adds(&b, "true");
	for (size_t i = 0; i < sizeof(vocabularies) / sizeof(vocabularies[0]); i++)
		if (filters & (1u << i))
			buf_addf(&b, " AND EXISTS (SELECT 1 FROM vocabulary v WHERE v.vocabulary = "
				     "'%s' AND v.code = $%zu)",
				 vocabularies[i], i + 4);
	buf_adds(&b, ", ");
	if (filters & ORG_FILTER_UMBRELLA)
		buf_adds(&b, anonymous ? "EXISTS (SELECT 1 FROM organisation u WHERE u.id = $8::uuid "
					 "AND " ORG_VISIBLE_ANONYMOUS("u") ")"
				       : "EXISTS (SELECT 1 FROM organisation u WHERE u.id = $8::uuid "
					 "AND " ORG_VISIBLE("u") ")");
	else
		buf_adds(&b, "true");
	/* The page: the order's walk stops after $12 + 1 rows (a run condition on row_number;
	 * the constant LIMIT tells the planner that a page is small). */
	buf_addf(&b, ", p.body, p.key, p.id FROM c LEFT JOIN LATERAL (SELECT * FROM (SELECT x.*, "
		     "row_number() OVER () AS n FROM (SELECT o.body, %s AS key, o.id FROM %s WHERE ",
		 orders[order].key, orders[order].from);
	buf_adds(&b, anonymous ? ORG_VISIBLE_ANONYMOUS("o") : ORG_VISIBLE("o"));
	for (size_t i = 0; i < sizeof(conditions) / sizeof(conditions[0]); i++)
		if (filters & (1u << i)) {
			buf_adds(&b, " AND ");
			buf_adds(&b, conditions[i]);
		}
	buf_addf(&b, " AND %s ORDER BY %s LIMIT 101) x) y WHERE y.n <= $12::int + 1) p ON true "
		     "ORDER BY p.n",
		 orders[order].after, orders[order].order);
	if (b.len < outlen) {
		memcpy(out, b.data, b.len + 1);
		rc = 0;
	}
	buf_release(&b);
	return rc;
}

PGresult *org_page_exec(struct dbconn *c, unsigned filters, enum org_order order,
			const char *const params[ORG_PAGE_PARAMS])
{
	static const Oid types[ORG_PAGE_PARAMS] = {TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID,
						   TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID, TEXT_OID,
						   TEXT_OID, TEXT_OID, TEXT_OID};
	char sql[SQL_MAX];
	PGresult *res;

	if (org_page_sql(filters, order, sql, sizeof(sql)))
		return PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
	/* unnamed, so planned for these values: see the head of org_page.h */
	res = PQexecParams(c->pg, sql, ORG_PAGE_PARAMS, types, params, NULL, NULL, 0);
	if (!res || PQstatus(c->pg) != CONNECTION_OK)
		c->broken = true;
	if (!res)
		res = PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
	return res;
}
