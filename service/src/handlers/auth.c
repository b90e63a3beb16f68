/*
 * auth.c -- registration, login, token refresh and logout for people; the client-credentials
 * grant for API clients; and /me (openapi/openapi.yaml, tag Authentication).
 */
#include "auth/client_basic.h"
#include "auth/jwt.h"
#include "auth/password.h"
#include "domain/fields.h"
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "handlers/session_cookie.h"
#include "handlers/write_result.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_TOKEN_BYTES 32 /* 256 bits */

static const char *const languages[] = {"sv", "en", NULL};

static const struct field_spec register_fields[] = {
	{"email", FIELD_STRING, FIELD_REQUIRED, 3, 254},
	{"password", FIELD_STRING, FIELD_REQUIRED, 12, 256},
	{"name", FIELD_STRING, FIELD_REQUIRED | FIELD_TRIM, 1, 200},
	{"language", FIELD_STRING, 0, 2, 2, languages}, /* of the mails; sv when absent */
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec login_fields[] = {
	{"email", FIELD_STRING, FIELD_REQUIRED, 0, 1000},
	{"password", FIELD_STRING, FIELD_REQUIRED, 0, 1000},
	{NULL, 0, 0, 0, 0},
};

static const struct field_spec refresh_fields[] = {
	{"refresh_token", FIELD_STRING, FIELD_REQUIRED, 1, 128},
	{NULL, 0, 0, 0, 0},
};

/* the browser's refresh and logout: the token is in its cookie (handlers/session_cookie.h) */
static const struct field_spec cookie_fields[] = {
	{NULL, 0, 0, 0, 0},
};

/*
 * The refresh token of a refresh or logout: from the body, or from the session cookie when
 * the front end asks for that and sends none. Returns it (borrowed from the body or copied
 * into cookie), or NULL after replying.
 */
static const char *presented_refresh(struct req *rq, char cookie[130], int *rc)
{
	struct problem pb = PROBLEM_INIT;

	if (session_cookie_mode(rq) && !json_object_get(rq->body, "refresh_token")) {
		if (fields_check(rq->body, cookie_fields, &pb)) {
			*rc = reply_problem(rq, &pb);
			return NULL;
		}
		if (session_cookie_read(rq, cookie, 130) == 0)
			return cookie;
		cookie[0] = '\0';
		return cookie; /* no cookie: an unknown token, answered as such */
	}
	if (fields_check(rq->body, refresh_fields, &pb)) {
		*rc = reply_problem(rq, &pb);
		return NULL;
	}
	return fields_string(rq->body, "refresh_token");
}

/* Credentials answers must never be stored by a cache (RFC 6749 §5.1). */
static void no_store(struct req *rq)
{
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", "no-store");
}

static int new_refresh_token(char out[48])
{
	unsigned char raw[REFRESH_TOKEN_BYTES];

	if (random_bytes(raw, sizeof(raw)))
		return -1;
	base64url_encode(raw, sizeof(raw), out);
	return 0;
}

/* {access_token, token_type, expires_in, refresh_token, user} with the user JSON from SQL. */
static int reply_token_pair(struct req *rq, const char *user_id, const char *role,
			    const char *refresh, const char *user_json)
{
	char *access = jwt_issue(rq->cfg, user_id, role, NULL, time(NULL));
	json_t *user = json_loads(user_json, 0, NULL);
	json_t *doc;
	int rc;

	if (!access || !user) {
		free(access);
		json_decref(user);
		return reply_error(rq, 500, "the token could not be issued");
	}
	doc = json_pack("{s:s, s:s, s:I, s:o}", "access_token", access, "token_type", "Bearer",
			"expires_in", (json_int_t)rq->cfg->access_token_ttl, "user", user);
	free(access);
	if (!doc)
		return reply_error(rq, 500, "the token could not be issued");
	/* the browser's token goes in its HttpOnly cookie, out of reach of the page's scripts */
	if (session_cookie_mode(rq))
		session_cookie_set(rq, refresh, rq->cfg->refresh_token_ttl);
	else
		json_object_set_new(doc, "refresh_token", json_string(refresh));
	no_store(rq);
	rc = reply_json(rq, 200, doc);
	json_decref(doc);
	return rc;
}

/*
 * POST /api/v1/auth/register (openapi: register). The same 202 for a new address and a known
 * one, after the same argon2id work, so the answer does not tell which addresses have
 * accounts (security review, 7; docs/decisions.md says what it can and cannot hide).
 */
int auth_register(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	char name[801], hash[PASSWORD_HASH_MAX];
	const char *params[5];
	const char *email;
	PGresult *res;
	json_t *doc;
	int rc;

	if (fields_check(rq->body, register_fields, &pb))
		return reply_problem(rq, &pb);
	email = fields_string(rq->body, "email");
	if (!fields_email_ok(email)) {
		problem_add_error(&pb, "/email", "must be an e-mail address");
		return reply_problem(rq, &pb);
	}
	if (password_hash(fields_string(rq->body, "password"), hash))
		return reply_error(rq, 500, "the password could not be hashed");
	params[0] = email;
	params[1] = fields_trimmed(rq->body, "name", name, sizeof(name));
	params[2] = hash;
	params[3] = rq->request_id;
	params[4] = fields_string(rq->body, "language");
	res = db_exec(rq->db, STMT_USER_REGISTER, params, 5);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	PQclear(res); /* a row for a new account, none for a known address: never told apart */
	doc = json_pack("{s:s, s:s}", "status", "accepted", "email", email);
	no_store(rq);
	rc = doc ? reply_json(rq, 202, doc) : reply_error(rq, 500, "the answer could not be built");
	json_decref(doc);
	return rc;
}

static int login_refused(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;

	/* one message for unknown e-mail, wrong password and disabled user (openapi/openapi.yaml, login) */
	problem_set(&pb, 401, "the e-mail address or the password is wrong");
	return reply_problem(rq, &pb);
}

/* POST /api/v1/auth/login (openapi: login) */
int auth_login(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *email, *password;
	const char *params[3];
	char user_id[37], role[16], refresh[48];
	char ttl[24], reservation[24];
	PGresult *res;
	bool ok;
	int retry, rc;

	if (fields_check(rq->body, login_fields, &pb))
		return reply_problem(rq, &pb);
	email = fields_string(rq->body, "email");
	password = fields_string(rq->body, "password");

	/* the attempt is counted as a failure before the password is verified, atomically with
	 * the check, so concurrent attempts cannot all pass the limit (security review, 3) */
	params[0] = email;
	params[1] = rq->client_addr;
	res = db_exec(rq->db, STMT_LOGIN_RESERVE, params, 2);
	if (!db_ok(res) || PQntuples(res) != 1)
		return reply_db_failure(rq, res);
	retry = atoi(PQgetvalue(res, 0, 0));
	snprintf(reservation, sizeof(reservation), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	if (retry > 0) {
		pb.retry_after = retry;
		problem_set(&pb, 429, "too many failed logins; try again in %d seconds", retry);
		return reply_problem(rq, &pb);
	}

	res = db_exec(rq->db, STMT_USER_FOR_LOGIN, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) == 1) {
		ok = password_verify(password, PQgetvalue(res, 0, 1)) &&
		     strcmp(PQgetvalue(res, 0, 2), "f") == 0;
		snprintf(user_id, sizeof(user_id), "%s", PQgetvalue(res, 0, 0));
		snprintf(role, sizeof(role), "%s", PQgetvalue(res, 0, 3));
	} else {
		password_verify_dummy(password);
		ok = false;
	}
	PQclear(res);

	if (!ok)
		return login_refused(rq); /* the reservation stands as the failure */
	params[0] = reservation;
	res = db_exec(rq->db, STMT_LOGIN_RELEASE, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	PQclear(res);
	if (new_refresh_token(refresh))
		return reply_error(rq, 500, "no randomness for a token");
	snprintf(ttl, sizeof(ttl), "%ld", rq->cfg->refresh_token_ttl);
	params[0] = user_id;
	params[1] = refresh;
	params[2] = ttl;
	res = db_exec(rq->db, STMT_LOGIN_SUCCEEDED, params, 3);
	if (!db_ok(res) || PQntuples(res) != 1)
		return reply_db_failure(rq, res);
	rc = reply_token_pair(rq, user_id, role, refresh, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* POST /api/v1/auth/refresh (openapi: refreshToken) */
int auth_refresh(struct req *rq)
{
	struct problem pb = PROBLEM_INIT;
	const char *params[3];
	char refresh[48], ttl[24], cookie[130];
	PGresult *res;
	int rc = 0;

	params[0] = presented_refresh(rq, cookie, &rc);
	if (!params[0])
		return rc;
	if (new_refresh_token(refresh))
		return reply_error(rq, 500, "no randomness for a token");
	snprintf(ttl, sizeof(ttl), "%ld", rq->cfg->refresh_token_ttl);
	params[1] = refresh;
	params[2] = ttl;
	res = db_exec(rq->db, STMT_REFRESH, params, 3);
	if (!db_ok(res) || PQntuples(res) != 1)
		return reply_db_failure(rq, res);
	if (strcmp(PQgetvalue(res, 0, 0), "ok") != 0) {
		bool reuse = strcmp(PQgetvalue(res, 0, 0), "reuse") == 0;

		PQclear(res);
		if (session_cookie_mode(rq))
			session_cookie_set(rq, NULL, 0);
		problem_set(&pb, 401, "%s",
			    reuse ? "this refresh token was already used; every token of this "
				    "login is now revoked"
				  : "the refresh token is not valid");
		return reply_problem(rq, &pb);
	}
	rc = reply_token_pair(rq, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), refresh,
			      PQgetvalue(res, 0, 3));
	PQclear(res);
	return rc;
}

/* POST /api/v1/auth/logout (openapi: logout) */
int auth_logout(struct req *rq)
{
	const char *params[1];
	char cookie[130];
	PGresult *res;
	int rc = 0;

	params[0] = presented_refresh(rq, cookie, &rc);
	if (!params[0])
		return rc;
	res = db_exec(rq->db, STMT_LOGOUT, params, 1);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	PQclear(res);
	if (session_cookie_mode(rq))
		session_cookie_set(rq, NULL, 0);
	/* 204 also for an unknown token: nothing to tell a caller (cf. RFC 7009 §2.2) */
	return reply_empty(rq, 204);
}

/* One field of the grant, from a form or a JSON body. Returns 1, 0 (absent) or -1. */
static int grant_field(const struct req *rq, const char *name, char *out, size_t outlen)
{
	const json_t *v;

	if (rq->body_kind == BODY_FORM)
		return form_field(rq->raw_body, name, out, outlen);
	v = json_object_get(rq->body, name);
	if (!v)
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= outlen)
		return -1;
	snprintf(out, outlen, "%s", json_string_value(v));
	return 1;
}

/* Narrows the held scopes to the requested ones; -1 when one is not held. */
static int narrow_scopes(const char *held, const char *asked, char *out, size_t outlen)
{
	char copy[256];
	char padded[260];
	char *save = NULL;

	if (!asked[0]) {
		snprintf(out, outlen, "%s", held);
		return 0;
	}
	snprintf(padded, sizeof(padded), " %s ", held);
	snprintf(copy, sizeof(copy), "%s", asked);
	out[0] = '\0';
	for (char *s = strtok_r(copy, " ", &save); s; s = strtok_r(NULL, " ", &save)) {
		char want[80];

		snprintf(want, sizeof(want), " %s ", s);
		if (strlen(s) > 60 || !strstr(padded, want))
			return -1;
		snprintf(out + strlen(out), outlen - strlen(out), "%s%s", out[0] ? " " : "", s);
	}
	return out[0] ? 0 : -1;
}

/*
 * The token endpoint's errors are RFC 6749 §5.2 bodies, {error, error_description}, which
 * OAuth client libraries read, not problem documents. A client that failed to authenticate
 * gets 401 with WWW-Authenticate: Basic (§5.2 requires it after Basic; it also tells a
 * client that sent its secret in the body which scheme the service takes).
 */
static int reply_oauth_error(struct req *rq, int status, const char *error,
			     const char *description)
{
	json_t *doc = json_pack("{s:s, s:s}", "error", error, "error_description", description);
	int rc;

	no_store(rq);
	if (status == 401)
		req_add_header(rq, "WWW-Authenticate", "Basic realm=\"idekom\", charset=\"UTF-8\"");
	rc = doc ? reply_json(rq, status, doc) : reply_error(rq, 500, "the error could not be written");
	json_decref(doc);
	return rc;
}

/*
 * The client's credentials, from Authorization: Basic (client_secret_basic) or from the body
 * (client_secret_post), never both (RFC 6749 §2.3). Returns 0, or the error already replied.
 */
static int client_credentials(struct req *rq, char *client_id, size_t idlen, char *secret,
			      size_t secretlen)
{
	const char *auth = req_header(rq, "Authorization");
	char body_id[64];
	int has_id, has_secret;

	has_id = grant_field(rq, "client_id", body_id, sizeof(body_id));
	has_secret = grant_field(rq, "client_secret", secret, secretlen);
	if (client_basic_scheme(auth)) {
		if (client_basic_parse(auth, client_id, idlen, secret, secretlen))
			return reply_oauth_error(rq, 401, "invalid_client",
						 "the Basic credentials cannot be read");
		/* a client_id in the body may repeat the header's; a secret may not come twice */
		if (has_secret != 0 || has_id < 0 || (has_id == 1 && strcmp(body_id, client_id) != 0))
			return reply_oauth_error(rq, 400, "invalid_request",
						 "authenticate the client one way: the Basic "
						 "header or client_id and client_secret in the body");
	} else {
		if (has_id < 0 || has_secret < 0)
			return reply_oauth_error(rq, 400, "invalid_request",
						 "client_id and client_secret must be strings");
		if (has_id == 0 || has_secret == 0)
			return reply_oauth_error(rq, 401, "invalid_client",
						 "authenticate the client: Authorization: Basic, or "
						 "client_id and client_secret in the body");
		snprintf(client_id, idlen, "%s", body_id);
	}
	if (!uuid_syntax_ok(client_id))
		return reply_oauth_error(rq, 401, "invalid_client", "the client credentials are wrong");
	return 0;
}

/* POST /api/v1/auth/token (openapi: issueClientToken) -- RFC 6749 §4.4 */
int auth_client_token(struct req *rq)
{
	char grant[40], client_id[64], secret[128], scope[256], granted[256];
	const char *params[2];
	PGresult *res;
	char *access;
	json_t *doc;
	int rc;

	rc = grant_field(rq, "grant_type", grant, sizeof(grant));
	if (rc != 1)
		return reply_oauth_error(rq, 400, "invalid_request",
					 "grant_type is missing (client_credentials)");
	if (strcmp(grant, "client_credentials") != 0)
		return reply_oauth_error(rq, 400, "unsupported_grant_type",
					 "the only grant_type is client_credentials");
	if ((rc = client_credentials(rq, client_id, sizeof(client_id), secret, sizeof(secret))))
		return rc;
	rc = grant_field(rq, "scope", scope, sizeof(scope));
	if (rc < 0)
		return reply_oauth_error(rq, 400, "invalid_request", "scope is malformed");
	if (rc == 0)
		scope[0] = '\0';
	params[0] = client_id;
	params[1] = secret;
	res = db_exec(rq->db, STMT_CLIENT_FOR_GRANT, params, 2);
	if (!db_ok(res))
		return reply_db_failure(rq, res);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return reply_oauth_error(rq, 401, "invalid_client", "the client credentials are wrong");
	}
	rc = narrow_scopes(PQgetvalue(res, 0, 0), scope, granted, sizeof(granted));
	PQclear(res);
	if (rc)
		return reply_oauth_error(rq, 400, "invalid_scope",
					 "scope asks for more than this client holds");
	access = jwt_issue(rq->cfg, client_id, "client", granted, time(NULL));
	if (!access)
		return reply_error(rq, 500, "the token could not be issued");
	doc = json_pack("{s:s, s:s, s:I, s:s}", "access_token", access, "token_type", "Bearer",
			"expires_in", (json_int_t)rq->cfg->access_token_ttl, "scope", granted);
	free(access);
	no_store(rq);
	rc = doc ? reply_json(rq, 200, doc) : reply_error(rq, 500, "the token could not be issued");
	json_decref(doc);
	return rc;
}

/* GET /api/v1/me (openapi: getMe) */
int auth_me(struct req *rq)
{
	const char *params[1] = {rq->principal.id};
	PGresult *res = db_exec(rq->db, STMT_ME, params, 1);

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	return reply_found(rq, res, 0, "there is no such user");
}
