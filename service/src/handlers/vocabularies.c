/*
 * vocabularies.c -- the secretariat edits the code lists of organisations: kinds, interest
 * areas and districts (openapi: tag Organisations). A code is added, relabelled or retired;
 * nothing is deleted, so every old record keeps its label (db/migrations/0016).
 */
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"

#include <stdlib.h>
#include <string.h>

/* A code: a lower-case letter, then lower-case letters and _, as the seeded codes are. */
static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 50 && s[0] >= 'a' && s[0] <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static int write(struct req *rq, enum stmt_id id, const char *const *params, int n,
		 const char *location)
{
	PGresult *res = db_exec(rq->db, id, params, n);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, location);
}

/* POST /api/v1/vocabularies/{vocabulary}/codes (openapi: addVocabularyCode) */
int vocabularies_add(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"code", FIELD_STRING, FIELD_REQUIRED, 2, 50},
		{"label_sv", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
		{"label_en", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[4];
	const char *code;
	char *text;
	int rc;

	fields_check(rq->body, fields, &pb);
	/* every wrong field at once: the code's form too, when it is a string of the right size */
	code = json_is_object(rq->body) ? fields_string(rq->body, "code") : NULL;
	if (code && !problem_has_field(&pb, "/code") && !code_ok(code))
		problem_add_error(&pb, "/code", "must be a-z and _, starting with a letter");
	if (pb.errors)
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	if (!text)
		return reply_error(rq, 500, "the body could not be written");
	params[0] = req_param(rq, 0);
	params[1] = text;
	params[2] = rq->principal.id;
	params[3] = rq->request_id;
	rc = write(rq, STMT_VOCABULARY_ADD, params, 4, NULL);
	free(text);
	return rc;
}

/* PATCH /api/v1/vocabularies/{vocabulary}/codes/{code} (openapi: patchVocabularyCode) */
int vocabularies_patch(struct req *rq)
{
	static const struct field_spec fields[] = {
		{"label_sv", FIELD_STRING, FIELD_TRIM, 1, 200},
		{"label_en", FIELD_STRING, FIELD_TRIM, 1, 200},
		{"retired", FIELD_BOOLEAN, 0, 0, 0},
		{NULL},
	};
	struct problem pb = PROBLEM_INIT;
	const char *params[5];
	char *text;
	int rc;

	if (fields_check(rq->body, fields, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	if (!text)
		return reply_error(rq, 500, "the body could not be written");
	params[0] = req_param(rq, 0);
	params[1] = req_param(rq, 1);
	params[2] = text;
	params[3] = rq->principal.id;
	params[4] = rq->request_id;
	rc = write(rq, STMT_VOCABULARY_PATCH, params, 5, NULL);
	free(text);
	return rc;
}
