/*
 * organisations.c -- the register of idea-driven organisations (openapi/openapi.yaml, tag Organisations): lists
 * and search, create, read, merge-patch, verify and reject, members of an umbrella
 * organisation, and the upsert keyed on the organisation number for the association
 * register of Idrotts- och föreningsförvaltningen.
 */
#include "domain/fields.h"
#include "domain/organisation.h"
#include "db/org_page.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"
#include "handlers/paging.h"
#include "util/orgnr.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCATION_PREFIX "/api/v1/organisations/"

static const char *const status_values[] = {"pending", "verified", "rejected", "inactive"};

static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return true;
	return false;
}

/* The list filters, checked; "" means no filter. */
struct org_filters {
	char kind[41], area[41], district[41];
	char q[801];
	char status[16];
	char endorsed[8];
	char umbrella_id[37];
	enum org_order order;
};

/* Copies a value already checked to fit (the compiler cannot see the check). */
static void copy_checked(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *or_null(const char *s)
{
	return s[0] ? s : NULL;
}

/* Reads the list filters into f. Returns 0, or the 400/403 already replied. */
static int read_filters(struct req *rq, struct org_filters *f)
{
	struct {
		const char *name;
		char *out;
		size_t size;
	} codes[] = {{"kind", f->kind, sizeof(f->kind)},
		     {"area", f->area, sizeof(f->area)},
		     {"district", f->district, sizeof(f->district)}};
	char v[801];
	int rc;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < 3; i++) {
		rc = req_query(rq, codes[i].name, v, sizeof(v));
		if (rc < 0 || (rc > 0 && (!v[0] || strlen(v) >= codes[i].size)))
			return reply_error(rq, 400, "%s must be a code from /api/v1/vocabularies",
					   codes[i].name);
		if (rc > 0)
			memcpy(codes[i].out, v, strlen(v) + 1);
	}
	rc = req_query(rq, "q", v, sizeof(v));
	if (rc < 0 || (rc > 0 && utf8_length(v) > 200))
		return reply_error(rq, 400, "q must be UTF-8 text of at most 200 characters");
	if (rc > 0) {
		json_t *s = json_string(v); /* jansson checks the UTF-8 */
		const char *t = v;
		size_t n;

		if (!s)
			return reply_error(rq, 400, "q must be UTF-8 text");
		json_decref(s);
		/* blanks around the words are no search */
		while (*t == ' ' || *t == '\t')
			t++;
		n = strlen(t);
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		memcpy(f->q, t, n);
		f->q[n] = '\0';
	}
	rc = req_query(rq, "status", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || !one_of(v, status_values, 4))
			return reply_error(rq, 400,
					   "status must be pending, verified, rejected or inactive");
		if (strcmp(v, "verified") != 0 && strcmp(caller_kind(rq), "admin") != 0 &&
		    strcmp(caller_kind(rq), "client") != 0)
			return reply_error(rq, 403, "only the secretariat lists %s organisations", v);
		copy_checked(f->status, sizeof(f->status), v);
	}
	rc = req_query(rq, "endorsed", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0))
			return reply_error(rq, 400, "endorsed must be true or false");
		copy_checked(f->endorsed, sizeof(f->endorsed), v);
	}
	rc = req_query(rq, "umbrella_id", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || !uuid_syntax_ok(v))
			return reply_error(rq, 400, "umbrella_id must be an organisation id");
		copy_checked(f->umbrella_id, sizeof(f->umbrella_id), v);
	}
	f->order = f->q[0] ? ORG_ORDER_RELEVANCE : ORG_ORDER_NAME;
	rc = req_query(rq, "sort", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || (strcmp(v, "name") != 0 && strcmp(v, "-created_at") != 0))
			return reply_error(rq, 400, "sort must be name or -created_at");
		f->order = strcmp(v, "name") == 0 ? ORG_ORDER_NAME : ORG_ORDER_CREATED;
	}
	return 0;
}

/* The statement variant for f: which filters it has, and the caller without a token. */
static unsigned page_filters(const struct req *rq, const struct org_filters *f)
{
	const char *const values[] = {f->kind,	      f->area,	   f->district, f->status,
				      f->umbrella_id, f->endorsed, f->q};
	unsigned bits = rq->principal.kind == PRINCIPAL_ANONYMOUS ? ORG_FILTER_ANONYMOUS : 0;

	/* the bits of enum org_page_filter follow the order of values */
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (values[i][0])
			bits |= 1u << i;
	return bits;
}

/*
 * Runs the page statement of f's filters and order and answers the page;
 * umbrella_must_show: answer 404 when the umbrella organisation of the filter is not one the
 * caller may see.
 */
static int reply_org_page(struct req *rq, const struct org_filters *f, bool umbrella_must_show)
{
	static const struct page_columns cols = {.body = 3, .key = 4, .id = 5};
	static const char *const order_names[ORG_ORDER_COUNT] = {
		[ORG_ORDER_NAME] = "name",
		[ORG_ORDER_CREATED] = "-created_at",
		[ORG_ORDER_RELEVANCE] = "relevance",
	};
	struct page_request pr;
	static const enum page_key key_kinds[ORG_ORDER_COUNT] = {
		[ORG_ORDER_NAME] = PAGE_KEY_TEXT,
		[ORG_ORDER_CREATED] = PAGE_KEY_TIME,
		[ORG_ORDER_RELEVANCE] = PAGE_KEY_NUMBER,
	};
	const char *params[ORG_PAGE_PARAMS];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, order_names[f->order], key_kinds[f->order], &pr)))
		return rc;
	caller_params(rq, params);
	params[3] = or_null(f->kind);
	params[4] = or_null(f->area);
	params[5] = or_null(f->district);
	params[6] = or_null(f->status);
	params[7] = or_null(f->umbrella_id);
	params[8] = or_null(f->endorsed);
	params[9] = page_after_key(&pr);
	params[10] = page_after_id(&pr);
	params[11] = pr.limit;
	params[12] = f->q;
	res = org_page_exec(rq->db, page_filters(rq, f), f->order, params);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if ((rc = caller_confirm(rq, res))) {
		PQclear(res);
		return rc;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		rc = reply_error(rq, 400, "a filter names a code that is not in the vocabularies");
	else if (umbrella_must_show && strcmp(PQgetvalue(res, 0, 2), "t") != 0)
		rc = reply_error(rq, 404, "there is no such organisation");
	else
		rc = reply_page(rq, res, cols, order_names[f->order], &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/organisations (openapi: listOrganisations) */
int organisations_list(struct req *rq)
{
	struct org_filters f;
	int rc = read_filters(rq, &f);

	return rc ? rc : reply_org_page(rq, &f, false);
}

/* GET /api/v1/organisations/{id}/members (openapi: listOrganisationMembers) */
int organisations_members(struct req *rq)
{
	struct org_filters f = {.order = ORG_ORDER_NAME};

	copy_checked(f.umbrella_id, sizeof(f.umbrella_id), req_param(rq, 0));
	return reply_org_page(rq, &f, true);
}

/* POST /api/v1/organisations (openapi: createOrganisation) -- starts pending */
int organisations_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[5];
	json_t *input;
	char *text;
	PGresult *res;

	input = organisation_input(rq->body, ORGANISATION_CREATE, false, &pb);
	if (!input)
		return reply_problem(rq, &pb);
	text = json_dumps(input, JSON_COMPACT);
	json_decref(input);
	params[0] = text;
	params[1] = caller_kind(rq);
	params[2] = rq->principal.id;
	params[3] = actor_type(rq);
	params[4] = rq->request_id;
	res = db_exec(rq->db, STMT_ORG_CREATE, params, 5);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, LOCATION_PREFIX);
}

/* GET /api/v1/organisations/{id} (openapi: getOrganisation) -- the stored body */
int organisations_get(struct req *rq)
{
	const char *params[4];
	PGresult *res;
	int rc;

	caller_params(rq, params);
	params[3] = req_param(rq, 0);
	res = db_exec(rq->db, STMT_ORG_GET, params, 4);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if ((rc = caller_confirm(rq, res)) == 0) {
		if (PQgetisnull(res, 0, 2))
			rc = reply_error(rq, 404, "there is no such organisation");
		else
			rc = reply_resource(rq, 200, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return rc;
}

/* PATCH /api/v1/organisations/{id} (openapi: patchOrganisation) -- a JSON merge patch */
int organisations_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	bool admin = strcmp(caller_kind(rq), "admin") == 0;
	const char *params[7];
	char version[16];
	json_t *input;
	char *text;
	PGresult *res;

	input = organisation_input(rq->body, ORGANISATION_PATCH, admin, &pb);
	if (!input)
		return reply_problem(rq, &pb);
	text = json_dumps(input, JSON_COMPACT);
	json_decref(input);
	params[0] = req_param(rq, 0);
	params[1] = if_match_param(rq, version);
	params[2] = text;
	params[3] = caller_kind(rq);
	params[4] = rq->principal.id;
	params[5] = actor_type(rq);
	params[6] = rq->request_id;
	res = db_exec(rq->db, STMT_ORG_PATCH, params, 7);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

static int decide(struct req *rq, const char *action, const char *reason)
{
	const char *params[6] = {req_param(rq, 0), action, reason, caller_kind(rq),
				 rq->principal.id, rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_ORG_DECIDE, params, 6);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* POST /api/v1/organisations/{id}/verify (openapi: verifyOrganisation) */
int organisations_verify(struct req *rq)
{
	return decide(rq, "verify", NULL);
}

/* POST /api/v1/organisations/{id}/reject (openapi: rejectOrganisation) */
int organisations_reject(struct req *rq)
{
	static const struct field_spec reject_fields[] = {
		{"reason", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 1000},
		{NULL, 0, 0, 0, 0},
	};
	struct problem pb = PROBLEM_INIT;

	if (fields_check(rq->body, reject_fields, &pb))
		return reply_problem(rq, &pb);
	return decide(rq, "reject", fields_string(rq->body, "reason"));
}

/* POST /api/v1/organisations/{id}/resubmit (openapi: resubmitOrganisation) */
int organisations_resubmit(struct req *rq)
{
	const char *params[4] = {req_param(rq, 0), caller_kind(rq), rq->principal.id,
				 rq->request_id};
	PGresult *res = db_exec(rq->db, STMT_ORG_RESUBMIT, params, 4);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* PUT /api/v1/organisations/by-org-number/{org_number} (openapi: upsertOrganisationByOrgNumber) */
int organisations_upsert(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char number[12];
	enum orgnr_result r = orgnr_normalise(req_param(rq, 0), number);
	const char *params[6];
	json_t *input;
	char *text;
	PGresult *res;

	if (r != ORGNR_OK) {
		problem_add_error(&pb, "/org_number", orgnr_message(r));
		return reply_problem(rq, &pb);
	}
	input = organisation_input(rq->body, ORGANISATION_UPSERT, false, &pb);
	if (!input)
		return reply_problem(rq, &pb);
	text = json_dumps(input, JSON_COMPACT);
	json_decref(input);
	params[0] = number;
	params[1] = text;
	params[2] = caller_kind(rq);
	params[3] = actor_type(rq);
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_ORG_UPSERT, params, 6);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, LOCATION_PREFIX);
}

/* GET /api/v1/vocabularies (openapi: getVocabularies) */
int vocabularies_get(struct req *rq)
{
	PGresult *res = db_exec(rq->db, STMT_VOCABULARIES, NULL, 0);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", "public, max-age=300");
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}
