/*
 * account.c -- what a person does with their own account: the profile (PATCH /me), the
 * password (change, and reset by e-mail), and verifying the e-mail address (openapi/
 * openapi.yaml, tags Authentication and Users). The mails these cause are queued in the
 * same transaction as the change (db/migrations/0015_people.sql).
 */
#include "auth/password.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/write_result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"sv", "en", NULL};

static const struct field_spec me_fields[] = {
	{"name", FIELD_STRING, FIELD_TRIM, 1, 200},
	{"email", FIELD_STRING, 0, 3, 254},
	{"language", FIELD_STRING, 0, 2, 2, languages},
	{"notifications", FIELD_OBJECT, 0, 0, 0},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec password_change_fields[] = {
	{"current_password", FIELD_STRING, FIELD_REQUIRED, 0, 1000},
	{"new_password", FIELD_STRING, FIELD_REQUIRED, 12, 256},
	/* the session that asks stays signed in when it names its refresh token */
	{"refresh_token", FIELD_STRING, 0, 1, 128},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec reset_request_fields[] = {
	{"email", FIELD_STRING, FIELD_REQUIRED, 3, 254},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec reset_confirm_fields[] = {
	{"token", FIELD_STRING, FIELD_REQUIRED, 1, 128},
	{"new_password", FIELD_STRING, FIELD_REQUIRED, 12, 256},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec token_fields[] = {
	{"token", FIELD_STRING, FIELD_REQUIRED, 1, 128},
	{NULL, 0, 0, 0, 0},
};

/*
 * Runs a statement that answers one integer status into *status. Returns 0, or the status
 * of the problem already replied when the statement failed.
 */
static int status_of(struct req *rq, enum stmt_id stmt, const char *const *params, int n,
		     int *status)
{
	PGresult *res = db_exec(rq->db, stmt, params, n);

	if (!db_ok(res) || PQntuples(res) != 1)
		return reply_db_failure(rq, res);
	*status = PQgetisnull(res, 0, 0) ? 204 : atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

static int token_refused(struct req *rq)
{
	/* one answer for unknown, used and expired links: nothing to learn from the difference */
	return reply_error(rq, 400, "the link is not valid any more; ask for a new one");
}

/* PATCH /api/v1/me (openapi: patchMe) */
int me_patch(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const json_t *notifications = json_object_get(rq->body, "notifications");
	const char *email;
	const char *params[4];
	char version[24];
	PGresult *res;
	char *text;
	int match, bad;

	bad = fields_check(rq->body, me_fields, &pb);
	email = fields_string(rq->body, "email");
	if (email && !fields_email_ok(email)) {
		problem_add_error(&pb, "/email", "must be an e-mail address");
		bad = -1;
	}
	if (json_is_object(notifications)) {
		/* the nested fields are named from the body's root, so checked here by name */
		const char *key;
		const json_t *v;

		json_object_foreach((json_t *)notifications, key, v) {
			if (strcmp(key, "reminders") != 0) {
				char field[80];

				snprintf(field, sizeof(field), "/notifications/%.60s", key);
				problem_add_error(&pb, field, "is not a setting that can be changed");
				bad = -1;
			} else if (!json_is_boolean(v)) {
				problem_add_error(&pb, "/notifications/reminders", "must be true or false");
				bad = -1;
			}
		}
	}
	if (bad)
		return reply_problem(rq, &pb);
	/* If-Match is optional here: without it the change applies to what is there now; one
	 * that cannot be an ETag of ours goes as "0", which no content has (412) */
	match = req_header(rq, "If-Match") ? if_match_content(rq, version) : 0;
	text = json_dumps(rq->body, JSON_COMPACT);
	params[0] = rq->principal.id;
	params[1] = match == 1 ? version : match < 0 ? "0" : NULL;
	params[2] = text;
	params[3] = rq->request_id;
	res = db_exec(rq->db, STMT_ME_PATCH, params, 4);
	free(text);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_write_result(rq, res, NULL);
}

/* POST /api/v1/me/password (openapi: changePassword) */
int me_password(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char hash[PASSWORD_HASH_MAX], reservation[24];
	const char *params[4];
	PGresult *res;
	bool ok;
	int status, rc;

	if (fields_check(rq->body, password_change_fields, &pb))
		return reply_problem(rq, &pb);
	params[0] = rq->principal.id;
	res = db_exec(rq->db, STMT_PASSWORD_HASH, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_error(rq, 404, "there is no such user");
	}
	/* guessing the current password is limited as logins are (api.login_reserve) */
	{
		const char *reserve[2] = {PQgetvalue(res, 0, 0), rq->client_addr};
		PGresult *r = db_exec(rq->db, STMT_LOGIN_RESERVE, reserve, 2);
		int retry;

		if (!db_ok(r) || PQntuples(r) != 1) {
			PQclear(res);
			return reply_db_failure(rq, r);
		}
		retry = atoi(PQgetvalue(r, 0, 0));
		snprintf(reservation, sizeof(reservation), "%s", PQgetvalue(r, 0, 1));
		PQclear(r);
		if (retry > 0) {
			PQclear(res);
			pb.retry_after = retry;
			problem_set(&pb, 429, "too many wrong passwords; try again in %d seconds", retry);
			return reply_problem(rq, &pb);
		}
	}
	ok = password_verify(fields_string(rq->body, "current_password"), PQgetvalue(res, 0, 1));
	PQclear(res);
	if (!ok) {
		problem_add_error(&pb, "/current_password", "is not your current password");
		return reply_problem(rq, &pb);
	}
	params[0] = reservation;
	res = db_exec(rq->db, STMT_LOGIN_RELEASE, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	PQclear(res);
	if (password_hash(fields_string(rq->body, "new_password"), hash))
		return reply_error(rq, 500, "the password could not be hashed");
	params[0] = rq->principal.id;
	params[1] = hash;
	params[2] = fields_string(rq->body, "refresh_token");
	params[3] = rq->request_id;
	if ((rc = status_of(rq, STMT_PASSWORD_CHANGE, params, 4, &status)))
		return rc;
	if (status == 404)
		return reply_error(rq, 404, "there is no such user");
	return reply_empty(rq, 204);
}

/* POST /api/v1/me/email-verification (openapi: resendEmailVerification) */
int me_email_verification(struct req *rq)
{
	const char *params[1] = {rq->principal.id};
	int status, rc;

	if ((rc = status_of(rq, STMT_EMAIL_VERIFICATION_RESEND, params, 1, &status)))
		return rc;
	if (status == 409)
		return reply_error(rq, 409, "your e-mail address is already verified");
	return reply_empty(rq, 202);
}

/* POST /api/v1/auth/verify-email (openapi: verifyEmail) */
int auth_verify_email(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[2];
	int status, rc;

	if (fields_check(rq->body, token_fields, &pb))
		return reply_problem(rq, &pb);
	params[0] = fields_string(rq->body, "token");
	params[1] = rq->request_id;
	if ((rc = status_of(rq, STMT_EMAIL_VERIFY, params, 2, &status)))
		return rc;
	return status == 204 ? reply_empty(rq, 204) : token_refused(rq);
}

/*
 * POST /api/v1/auth/password-reset (openapi: requestPasswordReset). Always 202: the answer
 * never tells whether the address has an account (the mail goes only to one that has).
 */
int auth_password_reset(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[1];
	PGresult *res;
	json_t *doc;
	int rc;

	if (fields_check(rq->body, reset_request_fields, &pb))
		return reply_problem(rq, &pb);
	params[0] = fields_string(rq->body, "email");
	res = db_exec(rq->db, STMT_PASSWORD_RESET_REQUEST, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	PQclear(res);
	req_add_header(rq, "Cache-Control", "no-store");
	doc = json_pack("{s:s}", "status", "accepted");
	rc = doc ? reply_json(rq, 202, doc) : reply_error(rq, 500, "the answer could not be built");
	json_decref(doc);
	return rc;
}

/* POST /api/v1/auth/password-reset/confirm (openapi: confirmPasswordReset) */
int auth_password_reset_confirm(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char hash[PASSWORD_HASH_MAX];
	const char *params[3];
	int status, rc;

	if (fields_check(rq->body, reset_confirm_fields, &pb))
		return reply_problem(rq, &pb);
	if (password_hash(fields_string(rq->body, "new_password"), hash))
		return reply_error(rq, 500, "the password could not be hashed");
	params[0] = fields_string(rq->body, "token");
	params[1] = hash;
	params[2] = rq->request_id;
	if ((rc = status_of(rq, STMT_PASSWORD_RESET_CONFIRM, params, 3, &status)))
		return rc;
	return status == 204 ? reply_empty(rq, 204) : token_refused(rq);
}
