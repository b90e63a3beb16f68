/*
 * sql_fragments.h -- pieces of SQL text that several statements share. Fixed text only:
 * values always travel as parameters.
 */
#ifndef IDEKOM_SQL_FRAGMENTS_H
#define IDEKOM_SQL_FRAGMENTS_H

/*
 * Reads that take the caller in the same statement (one round trip): api.caller's row for
 * $1 principal kind, $2 its id, $3 the token's scopes; no row when the account is disabled
 * or gone. Column 0 of the result is what the principal holds now (router_caller_held).
 */
#define CALLER_CTE "WITH c AS (SELECT * FROM api.caller($1, $2::uuid, $3)) "

/* May caller c see organisation o? The same rule as api.organisation_visible, written out
 * so that the planner sees it whole. */
#define ORG_VISIBLE(o)                                                                          \
	"(" o ".status = 'verified' OR c.kind IN ('admin', 'client') OR (c.kind = 'member' AND "  \
	"EXISTS (SELECT 1 FROM representative r WHERE r.organisation_id = " o ".id AND "         \
	"r.user_id = c.user_id)))"

/* The same rule for a request without a token: the caller is anonymous whatever the
 * database holds, so only verified organisations show. */
#define ORG_VISIBLE_ANONYMOUS(o) "(" o ".status = 'verified')"

/*
 * The strong ETag of a resource composed from several rows (a registration names its
 * organisation, an endorsement its organisation and signer, /me the user's organisations):
 * a positive number from the first 60 bits of the MD5 of the JSON text answered, so it
 * changes whenever anything in the answer does (docs/decisions.md, "Conventions").
 * body_sql is text; NULL gives NULL.
 */
#define CONTENT_ETAG(body_sql) "((('x' || left(md5(" body_sql "), 15))::bit(60)::bigint + 1)::text)"

#endif
