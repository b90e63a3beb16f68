/*
 * documents.c -- documents attached to agreements, dialogues, consultation responses,
 * follow-up entries and endorsements received on paper (their scans) (openapi/openapi.yaml,
 * tag Documents): upload (the body is the file; its metadata in the query), lists per parent,
 * metadata, and the download with Content-Disposition, nosniff, a strong ETag (the SHA-256)
 * and single byte ranges. Visibility follows the parent; the SQL decides it.
 */
#include "domain/document_sniff.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/paging.h"
#include "handlers/write_result.h"
#include "http/download.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the lists' order, as their cursors name it: oldest first */
#define ORDER "documents:created_at"

static const struct page_columns headed_cols = {.body = 1, .key = 2, .id = 3};

static const char *const document_types[] = {"signed_agreement", "decision", "agenda",
					     "minutes", "presentation", "other", NULL};

static bool one_of(const char *v, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* A file name as it may be stored: 1..200 characters, no path, no control characters. */
static bool filename_ok(const char *s)
{
	size_t chars = utf8_length(s);

	return chars >= 1 && chars <= 200 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	       !has_control(s) && !strpbrk(s, "/\\");
}

/*
 * Reads the metadata from the query into a new JSON object (title, language, type,
 * filename), or NULL with the 422 in pb. json_string refuses invalid UTF-8.
 */
static json_t *read_metadata(struct req *rq, struct problem *pb)
{
	char title[1201], language[8], type[32], filename[801];
	json_t *meta = json_object();
	json_t *v;
	int rc;

	rc = req_query(rq, "title", title, sizeof(title));
	if (rc <= 0 || !(v = json_string(title)) || utf8_length(title) < 1 ||
	    utf8_length(title) > 300 || title[0] == ' ' || title[strlen(title) - 1] == ' ' ||
	    has_control(title)) {
		if (rc > 0 && v)
			json_decref(v);
		problem_add_error(pb, "/title", "is required: 1 to 300 characters, no leading or "
				  "trailing space");
	} else {
		json_object_set_new(meta, "title", v);
	}
	rc = req_query(rq, "language", language, sizeof(language));
	if (rc == 0)
		snprintf(language, sizeof(language), "sv");
	if (rc < 0 || strlen(language) < 2 || strlen(language) > 3 ||
	    strspn(language, "abcdefghijklmnopqrstuvwxyz") != strlen(language))
		problem_add_error(pb, "/language", "must be an ISO 639 code such as sv or en");
	else
		json_object_set_new(meta, "language", json_string(language));
	rc = req_query(rq, "type", type, sizeof(type));
	if (rc <= 0 || !one_of(type, document_types))
		problem_add_error(pb, "/type", "must be signed_agreement, decision, agenda, minutes, "
				  "presentation or other");
	else
		json_object_set_new(meta, "type", json_string(type));
	rc = req_query(rq, "filename", filename, sizeof(filename));
	v = rc > 0 ? json_string(filename) : NULL;
	if (!v || !filename_ok(filename)) {
		json_decref(v);
		problem_add_error(pb, "/filename", "is required: 1 to 200 characters of UTF-8, "
				  "no path and no control characters");
	} else {
		json_object_set_new(meta, "filename", v);
	}
	if (pb->errors) {
		json_decref(meta);
		return NULL;
	}
	return meta;
}

/*
 * An upload under a parent of parent_type, whose id (or slug) is the route's first param; a
 * consultation response's and a paper endorsement's is the second, after their agreement.
 */
static int upload(struct req *rq, const char *parent_type)
{
	struct problem pb = PROBLEM_INIT;
	/* a parent under an agreement: its id is the route's second param */
	bool under_agreement = strcmp(parent_type, "consultation_response") == 0 ||
			       strcmp(parent_type, "endorsement_paper") == 0;
	const char *params[8];
	int lengths[8] = {0}, formats[8] = {0};
	const char *sniffed;
	char why[200];
	char *meta_text;
	json_t *meta;
	PGresult *res;

	meta = read_metadata(rq, &pb);
	if (!meta)
		return reply_problem(rq, &pb);
	sniffed = document_sniff((const unsigned char *)rq->raw_body, rq->raw_len, why,
				 sizeof(why));
	if (!sniffed) {
		json_decref(meta);
		return reply_error(rq, 415, "%s", why);
	}
	if (!document_type_matches(req_header(rq, "Content-Type"), sniffed)) {
		json_decref(meta);
		return reply_error(rq, 415, "the bytes are %s, not the declared Content-Type",
				   sniffed);
	}
	json_object_set_new(meta, "content_type", json_string(sniffed));
	meta_text = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	params[0] = parent_type;
	params[1] = req_param(rq, under_agreement ? 1 : 0);
	params[2] = meta_text;
	/* the file goes as a binary parameter: no escaped copy, no text conversion */
	params[3] = rq->raw_body;
	lengths[3] = (int)rq->raw_len;
	formats[3] = 1;
	params[4] = rq->principal.id;
	params[5] = rq->request_id;
	params[6] = caller_kind(rq);
	params[7] = under_agreement ? req_param(rq, 0) : NULL;
	res = db_exec_params(rq->db, STMT_DOCUMENT_CREATE, params, lengths, formats, 8, 0);
	free(meta_text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, "/api/v1/documents/");
}

/* POST /api/v1/agreements/{ref}/documents (openapi: uploadAgreementDocument) */
int documents_upload_agreement(struct req *rq)
{
	return upload(rq, "agreement");
}

/* POST /api/v1/dialogues/{id}/documents (openapi: uploadDialogueDocument) */
int documents_upload_dialogue(struct req *rq)
{
	return upload(rq, "dialogue");
}

/* How many of list()'s parameters the list statement takes ($4 the parent, then $5..$7). */
static int list_params(enum stmt_id stmt)
{
	switch (stmt) {
	case STMT_DOCUMENT_LIST_AGREEMENT:
		return 5; /* the caller kind */
	case STMT_DOCUMENT_LIST_PAPER:
		return 6; /* and the endorsement */
	case STMT_DOCUMENT_LIST_RESPONSE:
		return 7; /* and the response, the user */
	default:
		return 4;
	}
}

static int list(struct req *rq, enum stmt_id stmt, const char *missing)
{
	struct page_request pr;
	const char *params[7];
	int n = list_params(stmt);
	PGresult *res;
	int rc;

	if ((rc = page_request_read(rq, ORDER, PAGE_KEY_TIME, &pr)))
		return rc;
	params[0] = pr.limit;
	params[1] = page_after_key(&pr);
	params[2] = page_after_id(&pr);
	params[3] = req_param(rq, 0);
	params[4] = caller_kind(rq);
	params[5] = req_param(rq, 1);
	params[6] = rq->principal.kind == PRINCIPAL_USER ? rq->principal.id : NULL;
	res = db_exec(rq->db, stmt, params, n);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = reply_error(rq, 404, "%s", missing);
	else
		rc = reply_page(rq, res, headed_cols, ORDER, &pr);
	PQclear(res);
	return rc;
}

/* GET /api/v1/agreements/{ref}/documents (openapi: listAgreementDocuments) */
int documents_list_agreement(struct req *rq)
{
	return list(rq, STMT_DOCUMENT_LIST_AGREEMENT, "there is no such agreement");
}

/* POST .../consultation/responses/{response_id}/documents (openapi: uploadResponseDocument) */
int documents_upload_response(struct req *rq)
{
	return upload(rq, "consultation_response");
}

/* GET .../consultation/responses/{response_id}/documents (openapi: listResponseDocuments) */
int documents_list_response(struct req *rq)
{
	return list(rq, STMT_DOCUMENT_LIST_RESPONSE, "there is no such response");
}

/* POST /api/v1/follow-up-entries/{id}/documents (openapi: uploadFollowUpDocument) */
int documents_upload_entry(struct req *rq)
{
	return upload(rq, "follow_up_entry");
}

/* GET /api/v1/follow-up-entries/{id}/documents (openapi: listFollowUpDocuments) */
int documents_list_entry(struct req *rq)
{
	return list(rq, STMT_DOCUMENT_LIST_ENTRY, "there is no such follow-up entry");
}

/* POST .../endorsements/{endorsement_id}/paper/documents (openapi: uploadPaperDocument) */
int documents_upload_paper(struct req *rq)
{
	return upload(rq, "endorsement_paper");
}

/* GET .../endorsements/{endorsement_id}/paper/documents (openapi: listPaperDocuments) */
int documents_list_paper(struct req *rq)
{
	return list(rq, STMT_DOCUMENT_LIST_PAPER, "there is no such endorsement received on paper");
}

/* GET /api/v1/dialogues/{id}/documents (openapi: listDialogueDocuments) */
int documents_list_dialogue(struct req *rq)
{
	return list(rq, STMT_DOCUMENT_LIST_DIALOGUE, "there is no such dialogue");
}

/*
 * The metadata of document {id} as this caller may see it; a download is audited when the
 * document is not public. Returns the result (one row: body, is_public) or NULL after
 * replying (404, or the database failure).
 */
static PGresult *open_document(struct req *rq, bool download)
{
	const char *params[6] = {req_param(rq, 0), caller_kind(rq), download ? "true" : "false",
				 actor_type(rq), NULL, rq->request_id};
	PGresult *res;

	if (rq->principal.kind != PRINCIPAL_ANONYMOUS)
		params[4] = rq->principal.id;
	else
		params[3] = "system";
	res = db_exec(rq->db, STMT_DOCUMENT_OPEN, params, 6);
	if (!db_ok(res)) {
		reply_db_failure(rq, res);
		return NULL;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		reply_error(rq, 404, "there is no such document");
		return NULL;
	}
	return res;
}

/* GET /api/v1/documents/{id} (openapi: getDocument) */
int documents_get(struct req *rq)
{
	PGresult *res = open_document(rq, false);
	int rc;

	if (!res)
		return rq->status;
	rc = reply_json_text(rq, 200, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* True when an If-Range value is exactly our strong ETag (RFC 9110 §13.1.5). */
static bool if_range_matches(const char *header, const char *etag)
{
	return header && strcmp(header, etag) == 0;
}

/* The headers every answer of a download carries; meta is the document's JSON. */
static void add_download_headers(struct req *rq, const json_t *meta, const char *etag,
				 bool is_public)
{
	char disposition[1400];

	req_add_header(rq, "ETag", etag);
	req_add_header(rq, "Accept-Ranges", "bytes");
	req_add_header(rq, "X-Content-Type-Options", "nosniff");
	/* a document is never a page of this site, even if a browser is asked to render it */
	req_add_header(rq, "Content-Security-Policy", "default-src 'none'; sandbox");
	if (content_disposition(json_string_value(json_object_get(meta, "filename")),
				disposition, sizeof(disposition)) == 0)
		req_add_header(rq, "Content-Disposition", disposition);
	/* a document's bytes never change: public ones may be cached, the others not at all */
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", is_public ? "public, max-age=3600" : "no-store");
}

/* Answers the bytes [first, first + count) of document {id} with status. */
static int send_bytes(struct req *rq, int status, const char *ctype, size_t first, size_t count)
{
	char off[24], cnt[24];
	const char *params[3] = {req_param(rq, 0), off, cnt};
	PGresult *res;
	int rc;

	snprintf(off, sizeof(off), "%zu", first);
	snprintf(cnt, sizeof(cnt), "%zu", count);
	res = db_exec_params(rq->db, STMT_DOCUMENT_BYTES, params, NULL, NULL, 3, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1 || (size_t)PQgetlength(res, 0, 0) != count) {
		PQclear(res);
		return reply_error(rq, 500, "the document's bytes could not be read");
	}
	rc = reply_large(rq, status, ctype, PQgetvalue(res, 0, 0), count);
	PQclear(res);
	return rc;
}

/* GET /api/v1/documents/{id}/content (openapi: getDocumentContent) */
int documents_content(struct req *rq)
{
	PGresult *res = open_document(rq, true);
	json_error_t err;
	json_t *meta;
	const char *ctype, *range;
	char etag[80], ctype_header[160], content_range[80];
	size_t size, first = 0, last = 0;
	bool is_public;
	int rc;

	if (!res)
		return rq->status;
	meta = json_loads(PQgetvalue(res, 0, 0), 0, &err);
	is_public = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	PQclear(res);
	if (!meta)
		return reply_error(rq, 500, "the document's metadata could not be read");
	snprintf(etag, sizeof(etag), "\"%s\"", json_string_value(json_object_get(meta, "sha256")));
	size = (size_t)json_integer_value(json_object_get(meta, "size"));
	ctype = json_string_value(json_object_get(meta, "content_type"));
	snprintf(ctype_header, sizeof(ctype_header), "%s%s", ctype,
		 strcmp(ctype, "text/plain") == 0 ? "; charset=utf-8" : "");
	add_download_headers(rq, meta, etag, is_public);
	json_decref(meta);

	range = req_header(rq, "Range");
	/* If-Range: the range only applies to the representation the client already holds */
	if (req_header(rq, "If-Range") && !if_range_matches(req_header(rq, "If-Range"), etag))
		range = NULL;
	switch (byte_range_parse(range, size, &first, &last)) {
	case RANGE_UNSATISFIABLE:
		snprintf(content_range, sizeof(content_range), "bytes */%zu", size);
		req_add_header(rq, "Content-Range", content_range);
		return reply_error(rq, 416, "the range lies outside the document's %zu bytes", size);
	case RANGE_PARTIAL:
		snprintf(content_range, sizeof(content_range), "bytes %zu-%zu/%zu", first, last,
			 size);
		req_add_header(rq, "Content-Range", content_range);
		rc = send_bytes(rq, 206, ctype_header, first, last - first + 1);
		break;
	default:
		rc = send_bytes(rq, 200, ctype_header, 0, size);
		break;
	}
	return rc;
}
