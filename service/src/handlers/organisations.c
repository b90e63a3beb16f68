/*
 * organisations.c -- the register of idea-driven organisations (openapi/openapi.yaml, tag Organisations): lists
 * and search, create, read, merge-patch, verify and reject, members of an umbrella
 * organisation, and the upsert keyed on the organisation number for the association
 * register of Idrotts- och föreningsförvaltningen.
 */
#include "domain/fields.h"
#include "domain/organisation.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "util/orgnr.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOCATION_PREFIX "/api/v1/organisations/"
#define CURSOR_MAX 520

static const char *const status_values[] = {"pending", "verified", "rejected", "inactive"};

static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return true;
	return false;
}

/* The caller's user id for visibility rules, or NULL (SQL NULL) for others. */
static const char *caller_user_id(const struct req *rq)
{
	return rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
}

/* Reads the list filters into a new JSON object; NULL after replying 400 or 403. */
static json_t *read_filters(struct req *rq, int *status)
{
	static const char *const code_filters[] = {"kind", "area", "district"};
	json_t *f = json_object();
	char v[801];
	int rc;

	*status = 0;
	for (size_t i = 0; i < 3; i++) {
		rc = req_query(rq, code_filters[i], v, sizeof(v));
		if (rc < 0 || (rc > 0 && (!v[0] || strlen(v) > 40))) {
			*status = reply_error(rq, 400, "%s must be a code from /api/v1/vocabularies",
					      code_filters[i]);
			goto fail;
		}
		if (rc > 0)
			json_object_set_new(f, code_filters[i], json_string(v));
	}
	rc = req_query(rq, "q", v, sizeof(v));
	if (rc < 0 || (rc > 0 && utf8_length(v) > 200)) {
		*status = reply_error(rq, 400, "q must be UTF-8 text of at most 200 characters");
		goto fail;
	}
	if (rc > 0) {
		json_t *s = json_string(v);

		if (!s) {
			*status = reply_error(rq, 400, "q must be UTF-8 text");
			goto fail;
		}
		json_object_set_new(f, "q", s);
	}
	rc = req_query(rq, "status", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || !one_of(v, status_values, 4)) {
			*status = reply_error(rq, 400,
					      "status must be pending, verified, rejected or inactive");
			goto fail;
		}
		if (strcmp(v, "verified") != 0 && strcmp(caller_kind(rq), "admin") != 0 &&
		    strcmp(caller_kind(rq), "client") != 0) {
			*status = reply_error(rq, 403, "only the secretariat lists %s organisations", v);
			goto fail;
		}
		json_object_set_new(f, "status", json_string(v));
	}
	rc = req_query(rq, "endorsed", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)) {
			*status = reply_error(rq, 400, "endorsed must be true or false");
			goto fail;
		}
		json_object_set_new(f, "endorsed", json_string(v));
	}
	rc = req_query(rq, "umbrella_id", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || !uuid_syntax_ok(v)) {
			*status = reply_error(rq, 400, "umbrella_id must be an organisation id");
			goto fail;
		}
		json_object_set_new(f, "umbrella_id", json_string(v));
	}
	rc = req_query(rq, "sort", v, sizeof(v));
	if (rc != 0) {
		if (rc < 0 || (strcmp(v, "name") != 0 && strcmp(v, "-created_at") != 0)) {
			*status = reply_error(rq, 400, "sort must be name or -created_at");
			goto fail;
		}
		json_object_set_new(f, "sort", json_string(v));
	}
	return f;
fail:
	json_decref(f);
	return NULL;
}

/* Runs a list statement whose parameters end with (limit, cursor); replies with the page. */
static int reply_list(struct req *rq, enum stmt_id id, const char **params, int n)
{
	char limit[8];
	char cursor[CURSOR_MAX];
	PGresult *res;
	int rc;

	if ((rc = list_limit_read(rq, limit)) || (rc = json_cursor_read(rq, cursor, sizeof(cursor))))
		return rc;
	params[n] = limit;
	params[n + 1] = cursor[0] ? cursor : NULL;
	res = db_exec(rq->db, id, params, n + 2);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such organisation");
	}
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* GET /api/v1/organisations (openapi: listOrganisations) */
int organisations_list(struct req *rq)
{
	const char *params[5];
	json_t *filters;
	char *text;
	int status;

	filters = read_filters(rq, &status);
	if (!filters)
		return status;
	text = json_dumps(filters, JSON_COMPACT);
	json_decref(filters);
	params[0] = text;
	params[1] = caller_kind(rq);
	params[2] = caller_user_id(rq);
	status = reply_list(rq, STMT_ORG_LIST, params, 3);
	free(text);
	return status;
}

/* GET /api/v1/organisations/{id}/members (openapi: listOrganisationMembers) */
int organisations_members(struct req *rq)
{
	const char *params[5] = {req_param(rq, 0), caller_kind(rq), caller_user_id(rq)};

	return reply_list(rq, STMT_ORG_MEMBERS, params, 3);
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

/* GET /api/v1/organisations/{id} (openapi: getOrganisation) */
int organisations_get(struct req *rq)
{
	const char *params[3] = {req_param(rq, 0), caller_kind(rq), caller_user_id(rq)};
	PGresult *res = db_exec(rq->db, STMT_ORG_GET, params, 3);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such organisation");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
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
	int rc;

	input = organisation_input(rq->body, ORGANISATION_PATCH, admin, &pb);
	if (!input)
		return reply_problem(rq, &pb);
	rc = if_match_version(rq, version);
	if (rc < 0) {
		json_decref(input);
		return reply_error(rq, 412, "If-Match does not match the organisation's ETag");
	}
	text = json_dumps(input, JSON_COMPACT);
	json_decref(input);
	params[0] = req_param(rq, 0);
	params[1] = rc == 1 ? version : NULL;
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
