/*
 * paper_endorsements.c -- the secretariat records an endorsement that an organisation sent on
 * paper: the endorsement's own fields (checked as any endorsement's) and the day it arrived.
 * The scan is uploaded afterwards to the paper's own documents (documents.c); document_id,
 * from before that existed, is taken only as null (db/migrations/0019_paper_scan.sql says why).
 */
#include "domain/agreement.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"

#include <stdlib.h>

/* Checks body: the endorsement's fields, and received_on and document_id. 0 or -1. */
static int paper_input_check(const json_t *body, struct problem *pb)
{
	static const struct field_spec paper_fields[] = {
		{"received_on", FIELD_DATE, FIELD_REQUIRED, 0, 0},
		{NULL},
	};
	json_t *endorsement, *paper, *document;
	int bad;

	if (!json_is_object(body))
		return fields_check(body, paper_fields, pb);
	/* two views of one body: each part checked by the rules that own it */
	endorsement = json_copy((json_t *)body);
	paper = json_object();
	if (!endorsement || !paper) {
		json_decref(endorsement);
		json_decref(paper);
		problem_add_error(pb, "", "the body could not be read");
		return -1;
	}
	for (const struct field_spec *f = paper_fields; f->name; f++) {
		json_t *v = json_object_get(body, f->name);

		if (v)
			json_object_set(paper, f->name, v);
		json_object_del(endorsement, f->name);
	}
	json_object_del(endorsement, "document_id");
	bad = endorsement_input_check(endorsement, pb) | fields_check(paper, paper_fields, pb);
	json_decref(endorsement);
	json_decref(paper);
	document = json_object_get(body, "document_id");
	if (document && !json_is_null(document)) {
		problem_add_error(pb, "/document_id", "must be null: the scan is uploaded to the "
				  "paper endorsement's documents");
		bad = -1;
	}
	return bad ? -1 : 0;
}

/* POST /api/v1/agreements/{ref}/paper-endorsements (openapi: createPaperEndorsement) */
int endorsements_paper_create(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[4];
	char *text;
	PGresult *res;

	if (paper_input_check(rq->body, &pb))
		return reply_problem(rq, &pb);
	text = json_dumps(rq->body, JSON_COMPACT);
	if (!text)
		return reply_error(rq, 500, "the body could not be written");
	params[0] = req_param(rq, 0);
	params[1] = text;
	params[2] = rq->principal.id;
	params[3] = rq->request_id;
	res = db_exec(rq->db, STMT_ENDORSEMENT_PAPER_CREATE, params, 4);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/agreements/");
}
