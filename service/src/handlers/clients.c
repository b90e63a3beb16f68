/*
 * clients.c -- API clients: other city systems (such as Idrotts- och föreningsförvaltningen)
 * that authenticate with the client-credentials grant (openapi/openapi.yaml, tag Clients).
 */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the list's order, as its cursors name it: oldest first */
#define ORDER "clients:created_at"

static const char *const known_scopes[] = {"organisations:read", "organisations:write",
					   "changes:read", "webhooks:manage"};

static const struct field_spec client_fields[] = {
	{"name", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
	{"scopes", FIELD_STRING_ARRAY, FIELD_REQUIRED, 1, 4},
	{NULL, 0, 0, 0, 0},
};

static bool scope_known(const char *s)
{
	for (size_t i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
		if (strcmp(known_scopes[i], s) == 0)
			return true;
	return false;
}

/* POST /api/v1/clients (openapi: createClient) -- the secret is shown once, here */
int clients_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	unsigned char raw[32];
	char secret[3 + 44], encoded[44], name[801];
	const json_t *scopes;
	const json_t *item;
	const char *params[6];
	char *scopes_text;
	PGresult *res;
	size_t i;

	if (fields_check(rq->body, client_fields, &pb))
		return reply_problem(rq, &pb);
	scopes = json_object_get(rq->body, "scopes");
	json_array_foreach(scopes, i, item) if (!scope_known(json_string_value(item)))
	{
		problem_add_error(&pb, "/scopes", "names a scope that does not exist");
		return reply_problem(rq, &pb);
	}
	if (random_bytes(raw, sizeof(raw)))
		return reply_error(rq, 500, "no randomness for a secret");
	base64url_encode(raw, sizeof(raw), encoded);
	snprintf(secret, sizeof(secret), "cs_%s", encoded);
	scopes_text = json_dumps(scopes, JSON_COMPACT);
	params[0] = fields_trimmed(rq->body, "name", name, sizeof(name));
	params[1] = scopes_text;
	params[2] = secret;
	params[3] = actor_type(rq);
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	res = db_exec(rq->db, STMT_CLIENT_CREATE, params, 6);
	free(scopes_text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	/* the statement puts the secret into this one answer's body */
	return reply_write_result(rq, res, "/api/v1/clients/");
}

/* GET /api/v1/clients (openapi: listClients) */
int clients_list(struct req *rq)
{
	static const struct page_columns cols = {.body = 0, .key = 1, .id = 2};
	struct page_request pr;
	const char *params[3];
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	res = db_exec(rq->db, STMT_CLIENT_LIST, params, 3);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	rc = reply_page(rq, res, cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/clients/{id} (openapi: getClient) */
int clients_get(struct req *rq)
{
	const char *params[1] = {req_param(rq, 0)};
	PGresult *res = db_exec(rq->db, STMT_CLIENT_GET, params, 1);
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such client");
	}
	rc = reply_resource(rq, 200, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* DELETE /api/v1/clients/{id} (openapi: deleteClient) -- its tokens stop working at once */
int clients_delete(struct req *rq)
{
	const char *params[5];
	char version[16];
	PGresult *res;

	params[0] = req_param(rq, 0);
	params[1] = if_match_param(rq, version);
	params[2] = actor_type(rq);
	params[3] = rq->principal.id;
	params[4] = rq->request_id;
	res = db_exec(rq->db, STMT_CLIENT_DELETE, params, 5);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}
