/*
 * statements.c -- the SQL text of every statement, indexed by enum stmt_id. Writes are single
 * calls of plpgsql functions in db/migrations (one round trip, one transaction, the audit row
 * included); reads build their JSON in SQL through the api.*_json functions.
 */
#include "db/statements.h"
#include "db/sql_fragments.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

struct stmt {
	const char *name;
	int nparams;
	const char *sql;
};

/*
 * Keyset pages (handlers/paging.h): every list statement takes $1 limit, $2 the cursor's key
 * and $3 its id (both NULL on the first page), and answers rows (body, key, id): the items
 * after the cursor in the list's order, at most limit + 1 of them. after_sql keeps the rows
 * after the cursor (every row when $2 is NULL) in the form the order's index can use, and
 * casts $2 to one type only (PostgreSQL deduces one type per parameter); key_sql is the sort
 * key as text, as the cursor carries it.
 */
#define PAGE_ROWS(body_sql, key_sql, id_sql, from_where_sql, after_sql, order_sql)             \
	"SELECT " body_sql " AS body, " key_sql " AS key, " id_sql " AS id FROM " from_where_sql \
	" AND " after_sql " ORDER BY " order_sql " LIMIT $1::int + 1"

/*
 * A page under one header row h (header_sql: what the handler needs besides the items, such
 * as whether the parent exists): (header columns, body, key, id), one row per item, or one
 * row with a NULL body when there are none.
 */
#define HEADED_PAGE(header_sql, header_cols, rows_sql)                                          \
	"SELECT " header_cols ", p.body, p.key, p.id FROM (" header_sql ") h LEFT JOIN LATERAL " \
	"(SELECT x.*, row_number() OVER () AS n FROM (" rows_sql ") x) p ON true ORDER BY p.n"

/* by a timestamp column and id, ascending or descending: the key is api.ts of the column */
#define AFTER_TS(ts, id)                                                                        \
	"($2::timestamptz IS NULL OR (" ts ", " id ") > ($2::timestamptz, $3::uuid))"
#define BEFORE_TS(ts, id)                                                                       \
	"($2::timestamptz IS NULL OR (" ts ", " id ") < ($2::timestamptz, $3::uuid))"

/*
 * Write statements answer one row (status, version, id, body, field, message): see
 * handlers/write_result.h. These adapt functions that answer less.
 */
#define NO_PROBLEM "NULL::text AS field, NULL::text AS message"
/* a function that answers only a status s (a delete: 204, or why not, with message_sql) */
#define STATUS_ONLY(message_sql)                                                                \
	"SELECT s AS status, NULL::int AS version, NULL::text AS id, NULL::text AS body, "      \
	"NULL::text AS field, " message_sql " AS message"
#define REPS_DENIED                                                                             \
	"'only the secretariat and the organisation''s signatories manage its representatives'"
#define REGISTRATION_MESSAGE                                                                    \
	"CASE status WHEN 404 THEN 'there is no such dialogue or registration' ELSE message END " \
	"AS message"

static const struct stmt stmts[STMT_COUNT] = {
	/* $1: the newest migration this binary knows. The newest applied, whether $1 is applied,
	 * and how many newer ones are not known to be additive. `kind` is read through to_jsonb
	 * so that the statement prepares on a schema_migration from before the column existed
	 * (a failed prepare would cost the whole connection) */
	[STMT_SCHEMA_VERSION] = {"schema_version", 1,
				 "SELECT coalesce(max(version), ''), coalesce(bool_or(version = $1), "
				 "false), count(*) FILTER (WHERE version > $1 AND "
				 "to_jsonb(m) ->> 'kind' IS DISTINCT FROM 'additive') "
				 "FROM schema_migration m"},
	[STMT_PRINCIPAL_USER] = {"principal_user", 1,
				 "SELECT role FROM app_user WHERE id = $1::uuid AND NOT disabled"},
	[STMT_PRINCIPAL_CLIENT] = {"principal_client", 1,
				   "SELECT array_to_string(scopes, ' ') FROM api_client "
				   "WHERE id = $1::uuid AND deleted_at IS NULL"},
	[STMT_USER_REGISTER] = {"user_register", 5,
				"SELECT 201 AS status, version, id::text AS id, body, " NO_PROBLEM
				" FROM api.user_register($1, $2, $3, $4, $5)"},
	[STMT_USER_FOR_LOGIN] = {"user_for_login", 1,
				 "SELECT id, password_hash, disabled, role FROM app_user "
				 "WHERE lower(email) = lower($1)"},
	[STMT_LOGIN_RESERVE] = {"login_reserve", 2,
				"SELECT retry_after, reservation FROM api.login_reserve($1, $2)"},
	[STMT_LOGIN_RELEASE] = {"login_release", 1, "SELECT api.login_release($1::bigint)"},
	[STMT_LOGIN_SUCCEEDED] = {"login_succeeded", 3,
				  "SELECT body FROM api.login_succeeded($1::uuid, $2, $3::int)"},
	[STMT_REFRESH] = {"refresh", 3,
			  "SELECT outcome, user_id, role, body FROM api.refresh($1, $2, $3::int)"},
	[STMT_LOGOUT] = {"logout", 1, "SELECT api.logout($1)"},
	[STMT_CLIENT_FOR_GRANT] = {"client_for_grant", 2,
				   "SELECT array_to_string(scopes, ' ') FROM api_client "
				   "WHERE id = $1::uuid AND deleted_at IS NULL "
				   "AND secret_hash = sha256(convert_to($2, 'UTF8'))"},
	/* /me is composed from several rows: its ETag is the content's (CONTENT_ETAG) */
	[STMT_ME] = {"me", 1,
		     "SELECT m.body, " CONTENT_ETAG("m.body") " FROM (SELECT api.me_full_json($1::uuid)"
		     "::text AS body) m"},
	/* $2: the If-Match ETag (NULL: none sent), compared with the content's under the lock */
	[STMT_ME_PATCH] = {"me_patch", 4,
			   "SELECT status, " CONTENT_ETAG("body") " AS version, NULL::text AS id, "
			   "body, field, message FROM api.me_patch($1::uuid, $2, $3::jsonb, $4)"},
	[STMT_PASSWORD_HASH] = {"password_hash", 1,
				"SELECT email, password_hash FROM app_user WHERE id = $1::uuid "
				"AND erased_at IS NULL"},
	/* $3: the refresh token whose session stays signed in (NULL: none) */
	[STMT_PASSWORD_CHANGE] = {"password_change", 4,
				  "SELECT api.password_change($1::uuid, $2, $3, $4)"},
	[STMT_PASSWORD_RESET_REQUEST] = {"password_reset_request", 1,
					 "SELECT api.password_reset_request($1)"},
	[STMT_PASSWORD_RESET_CONFIRM] = {"password_reset_confirm", 3,
					 "SELECT api.password_reset_confirm($1, $2, $3)"},
	[STMT_EMAIL_VERIFY] = {"email_verify", 2, "SELECT api.email_verify($1, $2)"},
	[STMT_EMAIL_VERIFICATION_RESEND] = {"email_verification_resend", 1,
					    "SELECT api.email_verification_resend($1::uuid)"},
	[STMT_ME_EXPORT] = {"me_export", 1, "SELECT api.me_export($1::uuid)::text"},
	/* $1 the person, $2/$3 the actor's type and id, $4 request id */
	[STMT_USER_ERASE] = {"user_erase", 4,
			     "SELECT status, NULL::int AS version, NULL::text AS id, NULL::text AS "
			     "body, NULL::text AS field, message FROM api.user_erase($1::uuid, $2, "
			     "$3::uuid, $4)"},
	[STMT_USER_GET] = {"user_get", 1,
			   "SELECT u.version, api.user_json(u)::text FROM app_user u "
			   "WHERE u.id = $1::uuid"},
	/* $4: a part of the e-mail address or the name */
	[STMT_USER_LIST] = {"user_list", 4,
			    PAGE_ROWS("api.user_json(t)::text", "api.ts(t.created_at)", "t.id",
				      "app_user t WHERE ($4::text IS NULL OR t.email ILIKE "
				      "'%' || api.like_escape($4) || '%' OR t.name ILIKE '%' || "
				      "api.like_escape($4) || '%')",
				      AFTER_TS("t.created_at", "t.id"), "t.created_at, t.id")},
	[STMT_USER_PATCH] = {"user_patch", 7,
			     "SELECT status, version, NULL::text AS id, body, NULL::text AS field, "
			     "CASE status WHEN 404 THEN 'there is no such user' WHEN 412 THEN 'the user "
			     "changed since you read it; read it again' END AS message FROM "
			     "api.user_patch($1::uuid, $2::int, $3, $4::boolean, $5, $6::uuid, $7)"},
	[STMT_CLIENT_CREATE] = {"client_create", 6,
				/* the secret ($3) is shown once: in this answer, never stored */
				"SELECT 201 AS status, version, id::text AS id, (body::jsonb || "
				"jsonb_build_object('client_secret', $3::text))::text AS body, "
				NO_PROBLEM " FROM api.client_create($1, $2::jsonb, $3::text, $4, "
				"$5::uuid, $6)"},
	[STMT_CLIENT_GET] = {"client_get", 1,
			     "SELECT c.version, api.client_json(c)::text FROM api_client c "
			     "WHERE c.id = $1::uuid AND c.deleted_at IS NULL"},
	[STMT_CLIENT_LIST] = {"client_list", 3,
			      PAGE_ROWS("api.client_json(t)::text", "api.ts(t.created_at)", "t.id",
					"api_client t WHERE t.deleted_at IS NULL",
					AFTER_TS("t.created_at", "t.id"), "t.created_at, t.id")},
	[STMT_CLIENT_DELETE] = {"client_delete", 5,
				STATUS_ONLY("CASE s WHEN 404 THEN 'there is no such client' WHEN 412 THEN "
					    "'the client changed since you read it; read it again' END")
				" FROM api.client_delete($1::uuid, $2::int, $3, $4::uuid, $5) s"},
	[STMT_ORG_CREATE] = {"org_create", 5,
			     "SELECT status, version, body::json->>'id' AS id, body, field, message FROM "
			     "api.organisation_create_checked($1::jsonb, $2, $3::uuid, $4, $5)"},
	[STMT_ORG_GET] = {"org_get", 4,
			  CALLER_CTE "SELECT c.held, o.version, o.body FROM c LEFT JOIN organisation o "
				     "ON o.id = $4::uuid AND " ORG_VISIBLE("o")},
	[STMT_ORG_PATCH] = {"org_patch", 7,
			    "SELECT status, version, body::json->>'id' AS id, body, field, message FROM "
			    "api.organisation_patch($1::uuid, $2::int, $3::jsonb, $4, $5::uuid, $6, $7)"},
	[STMT_ORG_DECIDE] = {"org_decide", 6,
			     "SELECT status, version, body::json->>'id' AS id, body, field, message FROM "
			     "api.organisation_decide($1::uuid, $2, $3, $4, $5::uuid, $6)"},
	[STMT_ORG_RESUBMIT] = {"org_resubmit", 4,
			       "SELECT status, version, body::json->>'id' AS id, body, field, message "
			       "FROM api.organisation_resubmit($1::uuid, $2, $3::uuid, $4)"},
	[STMT_ORG_UPSERT] = {"org_upsert", 6,
			     "SELECT status, version, body::json->>'id' AS id, body, field, message FROM "
			     "api.organisation_upsert($1, $2::jsonb, $3, $4, $5::uuid, $6)"},
	/* $4 organisation, $5 caller kind, $6 user id; access: 200, 403 or 404 */
	[STMT_REPS_LIST] = {"reps_list", 6,
			    HEADED_PAGE("SELECT api.representative_access($4::uuid, $5, $6::uuid) "
					"AS access", "h.access",
					PAGE_ROWS("api.representative_json(r, u)::text",
						  "api.ts(r.created_at)", "u.id",
						  "representative r JOIN app_user u ON u.id = "
						  "r.user_id WHERE h.access = 200 AND "
						  "r.organisation_id = $4::uuid",
						  AFTER_TS("r.created_at", "u.id"),
						  "r.created_at, u.id"))},
	[STMT_REP_ADD] = {"rep_add", 6,
			  "SELECT status, " CONTENT_ETAG("body") " AS version, $1::uuid::text || "
			  "'/representatives/' "
			  "|| user_id AS id, body, field, CASE status WHEN 404 THEN 'there is no such "
			  "organisation' WHEN 403 THEN " REPS_DENIED " ELSE message END AS message "
			  "FROM api.representative_add($1::uuid, $2, $3, $4, $5::uuid, $6)"},
	[STMT_REP_REMOVE] = {"rep_remove", 5,
			     /* the secretariat learns which of the two is missing */
			     STATUS_ONLY("CASE WHEN s = 404 AND $3 = 'admin' THEN 'no such organisation "
					 "or representative' WHEN s = 404 THEN 'there is no such "
					 "organisation' WHEN s = 403 THEN " REPS_DENIED " END")
			     " FROM api.representative_remove($1::uuid, $2::uuid, $3::text, $4::uuid, "
			     "$5) s"},
	/* $1 organisation, $2 the person, $3 caller kind, $4 caller's user id: access as the
	 * list's (200, 403, 404), then the representative or NULL */
	[STMT_REP_GET] = {"rep_get", 4,
			  "SELECT h.access, p.body, " CONTENT_ETAG("p.body") " FROM (SELECT "
			  "api.representative_access($1::uuid, $3, $4::uuid) AS access) h LEFT JOIN "
			  "LATERAL (SELECT api.representative_json(r, u)::text AS body FROM "
			  "representative r JOIN app_user u ON u.id = r.user_id WHERE h.access = 200 "
			  "AND r.organisation_id = $1::uuid AND r.user_id = $2::uuid) p ON true"},
	[STMT_VOCABULARIES] = {"vocabularies", 0, "SELECT api.vocabularies_json()::text"},
	/* $1 kinds|areas|districts; the 201's id is the code, after the route's own path */
	[STMT_VOCABULARY_ADD] = {"vocabulary_add", 4,
				 "SELECT status, version, NULL::text AS id, body, field, CASE status "
				 "WHEN 404 THEN 'there is no such editable vocabulary' ELSE message END "
				 "AS message FROM api.vocabulary_add($1, $2::jsonb, $3::uuid, $4)"},
	/* $1 the day (NULL: today in Göteborg) */
	[STMT_COUNCIL_GET] = {"council_get", 1,
			      "SELECT api.council_json(coalesce($1::date, (now() AT TIME ZONE "
			      "'Europe/Stockholm')::date))::text"},
	[STMT_COUNCIL_SEAT_CREATE] = {"council_seat_create", 3,
				      "SELECT status, version, body::json->>'id' AS id, body, field, "
				      "message FROM api.council_seat_create($1::jsonb, $2::uuid, $3)"},
	[STMT_COUNCIL_MEMBER_CREATE] = {"council_member_create", 4,
					"SELECT status, version, NULL::text AS id, body, field, CASE "
					"status WHEN 404 THEN 'there is no such seat' ELSE message END "
					"AS message FROM api.council_member_create($1::uuid, $2::jsonb, "
					"$3::uuid, $4)"},
	/* $3 the last day of the term, or NULL to open it again */
	[STMT_COUNCIL_MEMBER_END] = {"council_member_end", 5,
				     "SELECT status, version, NULL::text AS id, body, field, CASE "
				     "status WHEN 404 THEN 'there is no such member of the seat' ELSE "
				     "message END AS message FROM api.council_member_end($1::uuid, "
				     "$2::uuid, $3::date, $4::uuid, $5)"},
	[STMT_COUNCIL_ATTENDANCE_GET] = {"council_attendance_get", 1,
					 "SELECT api.council_attendance_json($1::uuid)::text"},
	[STMT_COUNCIL_ATTENDANCE_SET] = {"council_attendance_set", 5,
					 "SELECT status, version, NULL::text AS id, body, field, message "
					 "FROM api.council_attendance_set($1::uuid, $2::uuid, $3::boolean, "
					 "$4::uuid, $5)"},
	[STMT_COUNCIL_QUORUM_SET] = {"council_quorum_set", 3,
				     "SELECT status, version, NULL::text AS id, body, field, message "
				     "FROM api.council_quorum_set($1::int, $2::uuid, $3)"},
	[STMT_VOCABULARY_PATCH] = {"vocabulary_patch", 5,
				   "SELECT status, version, NULL::text AS id, body, field, CASE status "
				   "WHEN 404 THEN 'there is no such code in an editable vocabulary' "
				   "ELSE message END AS message FROM api.vocabulary_patch($1, $2, "
				   "$3::jsonb, $4::uuid, $5)"},
	/* $4 from, $5 to (RFC 3339 or a date), $6 kind, $7 status, $8 a part of the title or
	 * description; NULL: no such filter */
	/* $9 organisation (NULL: all): the dialogues it is registered or waitlisted for, when
	 * the caller ($10 kind, $11 user) may see the organisation */
	[STMT_DIALOGUE_LIST] = {"dialogue_list", 11,
				PAGE_ROWS("api.dialogue_json(d)::text", "api.ts(d.starts_at)", "d.id",
					  "dialogue d, api.dialogue_window($4, $5) w WHERE (w.from_at "
					  "IS NULL OR d.starts_at >= w.from_at) AND (w.to_at IS NULL "
					  "OR d.starts_at < w.to_at) AND ($6::text IS NULL OR d.kind = "
					  "$6) AND ($7::text IS NULL OR d.status = $7) AND ($8::text "
					  "IS NULL OR d.title ILIKE '%' || api.like_escape($8) || '%' "
					  "OR d.description ILIKE '%' || api.like_escape($8) || '%') "
					  "AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM registration r "
					  "JOIN organisation o ON o.id = r.organisation_id WHERE "
					  "r.dialogue_id = d.id AND r.organisation_id = $9::uuid AND "
					  "r.status IN ('registered', 'waitlisted') AND "
					  "api.organisation_visible(o, $10, $11::uuid)))",
					  AFTER_TS("d.starts_at", "d.id"), "d.starts_at, d.id")},
	[STMT_DIALOGUE_CREATE] = {"dialogue_create", 3,
				  "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.dialogue_create($1::jsonb, $2::uuid, $3)"},
	[STMT_DIALOGUE_GET] = {"dialogue_get", 1, "SELECT version, body FROM api.dialogue_get($1::uuid)"},
	[STMT_DIALOGUE_PATCH] = {"dialogue_patch", 5,
				 "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.dialogue_patch($1::uuid, $2::int, $3::jsonb, $4::uuid, $5)"},
	[STMT_DIALOGUE_CANCEL] = {"dialogue_cancel", 3,
				  "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.dialogue_cancel($1::uuid, $2::uuid, $3)"},
	/* $4 dialogue, $5 status (NULL: all), $6 caller kind, $7 user id */
	[STMT_REGISTRATIONS_LIST] = {"registrations_list", 7,
				     HEADED_PAGE("SELECT EXISTS (SELECT 1 FROM dialogue WHERE id = "
						 "$4::uuid) AS found", "h.found",
						 PAGE_ROWS("api.registration_json(r, api.represents("
							   "r.organisation_id, $6, $7::uuid))::text",
							   "api.ts(r.registered_at)", "r.id",
							   "registration r WHERE h.found AND "
							   "r.dialogue_id = $4::uuid AND ($5::text IS "
							   "NULL OR r.status = $5) AND EXISTS (SELECT 1 "
							   "FROM organisation o WHERE o.id = "
							   "r.organisation_id AND api.organisation_visible("
							   "o, $6, $7::uuid))",
							   AFTER_TS("r.registered_at", "r.id"),
							   "r.registered_at, r.id"))},
	/* $1 dialogue: NULL when there is no such dialogue, else a JSON array of rows of cells,
	 * every registration (cancelled ones too: the secretariat sees who withdrew) */
	[STMT_REGISTRATIONS_CSV] = {"registrations_csv", 1,
				    "SELECT CASE WHEN EXISTS (SELECT 1 FROM dialogue WHERE id = $1::uuid) "
				    "THEN coalesce((SELECT json_agg(json_build_array(o.name, "
				    "o.org_number, r.status, r.attendees::text, r.note, "
				    "r.attended::text, api.ts(r.registered_at)) ORDER BY "
				    "r.registered_at, r.id) FROM registration r JOIN organisation o "
				    "ON o.id = r.organisation_id WHERE r.dialogue_id = $1::uuid), "
				    "'[]')::text END"},
	[STMT_REGISTRATION_CREATE] = {"registration_create", 7,
				      "SELECT status, " CONTENT_ETAG("body") " AS version, $1::uuid::text "
				      "|| '/registrations/' || $2::uuid::text AS id, body, field, "
				      REGISTRATION_MESSAGE " FROM api.registration_create($1::uuid, "
				      "$2::uuid, $3::int, $4, $5, $6::uuid, $7)"},
	[STMT_REGISTRATION_CANCEL] = {"registration_cancel", 5,
				      STATUS_ONLY("CASE s WHEN 403 THEN 'only the organisation''s "
						  "representatives unregister it' WHEN 404 THEN 'there "
						  "is no active registration of this organisation' END")
				      " FROM api.registration_cancel($1::uuid, $2::uuid, $3, $4::uuid, "
				      "$5) s"},
	[STMT_REGISTRATION_PATCH] = {"registration_patch", 5,
				     "SELECT status, " CONTENT_ETAG("body") " AS version, NULL::text AS "
				     "id, body, field, " REGISTRATION_MESSAGE " FROM "
				     "api.registration_patch($1::uuid, $2::uuid, $3::boolean, $4::uuid, $5)"},
	/* $1 dialogue, $2 organisation, $3 caller kind, $4 user id: the organisation's active
	 * registration, else its latest, when the caller may see the organisation (as the list) */
	[STMT_REGISTRATION_GET] = {"registration_get", 4,
				   "SELECT b.body, " CONTENT_ETAG("b.body") " FROM (SELECT "
				   "api.registration_json(r, api.represents(r.organisation_id, $3, "
				   "$4::uuid))::text AS body FROM registration r JOIN organisation o ON "
				   "o.id = r.organisation_id WHERE r.dialogue_id = $1::uuid AND "
				   "r.organisation_id = $2::uuid AND api.organisation_visible(o, $3, "
				   "$4::uuid) ORDER BY r.status <> 'cancelled' DESC, r.registered_at DESC, "
				   "r.id DESC LIMIT 1) b"},
	[STMT_CALENDAR_EVENTS] = {"calendar_events", 4,
				  "SELECT api.calendar_events($1, $2::uuid, $3, $4::uuid)"},
	/* newest first; $4 caller kind: drafts are the secretariat's */
	[STMT_AGREEMENT_LIST] = {"agreement_list", 4,
				 PAGE_ROWS("api.agreement_json(a)::text", "api.ts(a.created_at)", "a.id",
					   "agreement a WHERE (a.status <> 'draft' OR $4 = 'admin')",
					   BEFORE_TS("a.created_at", "a.id"),
					   "a.created_at DESC, a.id DESC")},
	[STMT_AGREEMENT_CREATE] = {"agreement_create", 3,
				   "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.agreement_create($1::jsonb, $2::uuid, $3)"},
	[STMT_AGREEMENT_GET] = {"agreement_get", 2, "SELECT version, body FROM api.agreement_get($1, $2)"},
	[STMT_AGREEMENT_PATCH] = {"agreement_patch", 5,
				  "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.agreement_patch($1, $2::int, $3::jsonb, $4::uuid, $5)"},
	[STMT_AGREEMENT_ADOPT] = {"agreement_adopt", 4,
				  "SELECT status, version, body::json->>'id' AS id, body, field, message FROM api.agreement_adopt($1, $2::jsonb, $3::uuid, $4)"},
	/* $1 agreement (id or slug), $2 caller kind */
	[STMT_CONSULTATION_GET] = {"consultation_get", 2,
				   "SELECT api.consultation_json(a)::text FROM api.agreement_find($1, $2) a "
				   "WHERE a.id IS NOT NULL"},
	[STMT_CONSULTATION_SET] = {"consultation_set", 4,
				   "SELECT status, version, NULL::text AS id, body, field, message FROM "
				   "api.consultation_set($1, $2::timestamptz, $3::uuid, $4)"},
	/* oldest first; $4 agreement, $5 caller kind, $6 user id, filters $7 kind, $8 district,
	 * $9 status; each response as this caller may see it (api.consultation_response_view) */
	[STMT_CONSULTATION_RESPONSE_LIST] = {
		"consultation_response_list", 9,
		HEADED_PAGE("SELECT a.id AS agreement_id, a AS agr FROM api.agreement_find($4, $5) a",
			    "h.agreement_id IS NOT NULL",
			    PAGE_ROWS("api.consultation_response_json(r, v.view)::text",
				      "api.ts(r.submitted_at)", "r.id",
				      "consultation_response r JOIN organisation o ON o.id = "
				      "r.organisation_id CROSS JOIN LATERAL (SELECT "
				      "api.consultation_response_view(r, h.agr, $5, $6::uuid) AS view) v "
				      "WHERE r.agreement_id = h.agreement_id AND v.view IS NOT NULL AND "
				      "($7::text IS NULL OR o.kind = $7) AND ($8::text IS NULL OR "
				      "o.districts @> ARRAY[$8::text]) AND ($9::text IS NULL OR "
				      "r.status = $9)",
				      AFTER_TS("r.submitted_at", "r.id"), "r.submitted_at, r.id"))},
	/* $1 agreement, $2 caller kind, $3 response, $4 user id */
	[STMT_CONSULTATION_RESPONSE_GET] = {
		"consultation_response_get", 4,
		"SELECT r.version, api.consultation_response_json(r, v.view)::text FROM "
		"api.agreement_find($1, $2) a JOIN consultation_response r ON r.agreement_id = a.id "
		"AND r.id = $3::uuid CROSS JOIN LATERAL (SELECT api.consultation_response_view(r, a, "
		"$2, $4::uuid) AS view) v WHERE v.view IS NOT NULL"},
	/* $1 agreement, $2 body, $3 caller kind, $4 user id, $5 request id */
	[STMT_CONSULTATION_RESPONSE_CREATE] = {
		"consultation_response_create", 5,
		"SELECT status, version, (body::json->>'agreement_id') || '/consultation/responses/' || "
		"(body::json->>'id') AS id, body, field, message FROM "
		"api.consultation_response_create($1, $2::jsonb, $3, $4::uuid, $5)"},
	/* $1 agreement, $2 response, $3 edit | withdraw | comment, $4 If-Match version or NULL,
	 * $5 body, $6 caller kind, $7 user id, $8 request id */
	[STMT_CONSULTATION_RESPONSE_CHANGE] = {
		"consultation_response_change", 8,
		"SELECT status, version, NULL::text AS id, body, field, message FROM "
		"api.consultation_response_change($1, $2::uuid, $3, $4::int, $5::jsonb, $6, $7::uuid, "
		"$8)"},
	[STMT_CONSULTATION_CSV] = {"consultation_csv", 2,
				   "SELECT api.consultation_csv_rows($1, $2::jsonb)"},
	/* $1 agreement (id or slug), $2 caller kind, $3 a year or NULL (every year) */
	[STMT_FOLLOW_UP_GET] = {"follow_up_get", 3,
				"SELECT api.follow_up_json(a, $3::int)::text FROM "
				"api.agreement_find($1, $2) a WHERE a.id IS NOT NULL"},
	[STMT_FOLLOW_UP_STATS] = {"follow_up_stats", 2,
				  "SELECT api.follow_up_stats(a)::text FROM api.agreement_find($1, $2) a "
				  "WHERE a.id IS NOT NULL"},
	/* $1 agreement, $2 commitment number, $3 body, $4 actor, $5 request id */
	[STMT_COMMITMENT_PLAN_SET] = {"commitment_plan_set", 5,
				      "SELECT status, version, NULL::text AS id, body, field, message "
				      "FROM api.commitment_plan_set($1, $2::int, $3::jsonb, $4::uuid, $5)"},
	/* $1 agreement, $2 commitment number, $3 year, $4 body, $5 actor, $6 request id */
	[STMT_FOLLOW_UP_ENTRY_SET] = {
		"follow_up_entry_set", 6,
		"SELECT status, version, (body::json->>'agreement_id') || '/follow-up/commitments/' || "
		"(body::json->>'commitment') || '/years/' || (body::json->>'year') AS id, body, field, "
		"message FROM api.follow_up_entry_set($1, $2::int, $3::int, $4::jsonb, $5::uuid, $6)"},
	/* $1 agreement, $2 caller kind, $3 year */
	[STMT_ACTION_PLAN_GET] = {"action_plan_get", 3,
				  "SELECT api.action_plan_json(a, $3::int)::text FROM "
				  "api.agreement_find($1, $2) a WHERE a.id IS NOT NULL"},
	/* $1 agreement, $2 caller kind, $3 year, $4 activity */
	[STMT_ACTIVITY_GET] = {"activity_get", 4,
			       "SELECT x.version, api.activity_json(x)::text FROM api.agreement_find($1, "
			       "$2) a JOIN action_plan_activity x ON x.agreement_id = a.id AND x.year = "
			       "$3::int AND x.id = $4::uuid"},
	/* $1 agreement, $2 year, $3 activity (NULL: a new one), $4 If-Match version or NULL,
	 * $5 body, $6 actor, $7 request id */
	[STMT_ACTIVITY_WRITE] = {
		"activity_write", 7,
		"SELECT status, version, (body::json->>'agreement_id') || '/action-plan/' || "
		"(body::json->>'year') || '/activities/' || (body::json->>'id') AS id, body, field, "
		"message FROM api.activity_write($1, $2::int, $3::uuid, $4::int, $5::jsonb, $6::uuid, "
		"$7)"},
	/* $1 agreement, $2 year, $3 activity, $4 If-Match version or NULL, $5 actor, $6 request */
	[STMT_ACTIVITY_DELETE] = {"activity_delete", 6,
				  "SELECT status, version, NULL::text AS id, body, field, message FROM "
				  "api.activity_delete($1, $2::int, $3::uuid, $4::int, $5::uuid, $6)"},
	[STMT_OPEN_FOLLOW_UP] = {"open_follow_up", 0, "SELECT api.open_follow_up()"},
	[STMT_OPEN_COUNCIL] = {"open_council", 0, "SELECT api.open_council()"},
	/* $1 parent type, $2 its id (or an agreement's slug), $3 metadata, $4 the bytes (sent
	 * binary), $5 actor, $6 request id, $7 caller kind, $8 the agreement of a response */
	[STMT_DOCUMENT_CREATE] = {"document_create", 8,
				  "SELECT status, version, body::json->>'id' AS id, body, field, message "
				  "FROM api.document_create($1, $2, $3::jsonb, $4::bytea, $5::uuid, $6, $7, "
				  "$8)"},
	/* oldest first; $4 agreement, $5 caller kind, $6 response, $7 user: a response whose
	 * text the caller may read */
	[STMT_DOCUMENT_LIST_RESPONSE] = {
		"document_list_response", 7,
		HEADED_PAGE("SELECT (SELECT r.id FROM api.agreement_find($4, $5) a JOIN "
			    "consultation_response r ON r.agreement_id = a.id AND r.id = $6::uuid "
			    "WHERE api.consultation_response_view(r, a, $5, $7::uuid) IN ('full', "
			    "'public')) AS parent_id",
			    "h.parent_id IS NOT NULL",
			    PAGE_ROWS("api.document_json(d)::text", "api.ts(d.created_at)", "d.id",
				      "document d WHERE d.consultation_response_id = h.parent_id",
				      AFTER_TS("d.created_at", "d.id"), "d.created_at, d.id"))},
	/* oldest first; $4 the agreement (id or slug) as caller kind $5 may see it */
	[STMT_DOCUMENT_LIST_AGREEMENT] = {"document_list_agreement", 5,
					  HEADED_PAGE("SELECT a.id AS parent_id FROM "
						      "api.agreement_find($4, $5) a",
						      "h.parent_id IS NOT NULL",
						      PAGE_ROWS("api.document_json(d)::text",
								"api.ts(d.created_at)", "d.id",
								"document d WHERE d.agreement_id = "
								"h.parent_id",
								AFTER_TS("d.created_at", "d.id"),
								"d.created_at, d.id"))},
	/* oldest first; $4 the dialogue (dialogues are public) */
	[STMT_DOCUMENT_LIST_DIALOGUE] = {"document_list_dialogue", 4,
					 HEADED_PAGE("SELECT x.id AS parent_id FROM (SELECT NULL) n "
						     "LEFT JOIN dialogue x ON x.id = $4::uuid",
						     "h.parent_id IS NOT NULL",
						     PAGE_ROWS("api.document_json(d)::text",
							       "api.ts(d.created_at)", "d.id",
							       "document d WHERE d.dialogue_id = "
							       "h.parent_id",
							       AFTER_TS("d.created_at", "d.id"),
							       "d.created_at, d.id"))},
	/* oldest first; $4 the follow-up entry (entries are public) */
	[STMT_DOCUMENT_LIST_ENTRY] = {"document_list_entry", 4,
				      HEADED_PAGE("SELECT x.id AS parent_id FROM (SELECT NULL) n "
						  "LEFT JOIN follow_up_entry x ON x.id = $4::uuid",
						  "h.parent_id IS NOT NULL",
						  PAGE_ROWS("api.document_json(d)::text",
							    "api.ts(d.created_at)", "d.id",
							    "document d WHERE d.follow_up_entry_id = "
							    "h.parent_id",
							    AFTER_TS("d.created_at", "d.id"),
							    "d.created_at, d.id"))},
	/* oldest first; $4 the agreement (id or slug), $5 caller kind, $6 the endorsement: its
	 * scans when it was received on paper, for admin only (404 for everyone else) */
	[STMT_DOCUMENT_LIST_PAPER] = {"document_list_paper", 6,
				      HEADED_PAGE("SELECT (SELECT p.endorsement_id FROM "
						  "api.agreement_find($4, $5) a JOIN endorsement e ON "
						  "e.agreement_id = a.id JOIN endorsement_paper p ON "
						  "p.endorsement_id = e.id WHERE e.id = $6::uuid AND $5 = "
						  "'admin') AS parent_id",
						  "h.parent_id IS NOT NULL",
						  PAGE_ROWS("api.document_json(d)::text",
							    "api.ts(d.created_at)", "d.id",
							    "document d WHERE d.endorsement_paper_id = "
							    "h.parent_id",
							    AFTER_TS("d.created_at", "d.id"),
							    "d.created_at, d.id"))},
	/* $1 id, $2 caller kind, $3 a download (audited when not public), $4..$6 the actor */
	[STMT_DOCUMENT_OPEN] = {"document_open", 6,
				"SELECT body, is_public FROM api.document_open($1::uuid, $2, "
				"$3::boolean, $4, $5::uuid, $6)"},
	/* the bytes from offset $2 (0-based), $3 of them; run with a binary result */
	[STMT_DOCUMENT_BYTES] = {"document_bytes", 3,
				 "SELECT substring(content FROM $2::int + 1 FOR $3::int) FROM document "
				 "WHERE id = $1::uuid"},
	/* the register of agreement $4 (id or slug) as of $6's as_of, filtered by $6 (JSON:
	 * status, kind, area), for caller kind $5 and user $7; found: the agreement exists */
	[STMT_ENDORSEMENT_LIST] = {"endorsement_list", 7,
				   HEADED_PAGE("SELECT a.id AS agreement_id, api.as_of($6::jsonb->>"
					       "'as_of') AS t FROM api.agreement_find($4, $5) a",
					       "h.agreement_id IS NOT NULL",
					       PAGE_ROWS("api.endorsement_view(e, $5, $7::uuid, h.t)"
							 "::text",
							 "api.ts(e.endorsed_at)", "e.id",
							 "api.endorsement_rows(h.agreement_id, $6::jsonb, "
							 "h.t) e WHERE true",
							 AFTER_TS("e.endorsed_at", "e.id"),
							 "e.endorsed_at, e.id"))},
	[STMT_ENDORSEMENT_CSV] = {"endorsement_csv", 3,
				  "SELECT api.endorsement_csv_rows($1, $2::jsonb, $3)"},
	/* admin: $1 agreement ref, $2 the body, $3 admin's user id */
	[STMT_ENDORSEMENT_PAPER_CREATE] = {"endorsement_paper_create", 4,
					   "SELECT status, version, (body::json->>'agreement_id') || "
					   "'/endorsements/' || (body::json->>'id') AS id, body, field, "
					   "CASE status WHEN 404 THEN 'there is no such agreement' ELSE "
					   "message END AS message FROM api.endorsement_paper_create($1, "
					   "$2::jsonb, $3::uuid, $4)"},
	[STMT_ENDORSEMENT_CREATE] = {"endorsement_create", 6,
				     CALLER_CTE "SELECT c.held, w.status, " CONTENT_ETAG("w.body") " AS "
						"version, (w.body::json->>"
						"'agreement_id') || '/endorsements/' || (w.body::json->>"
						"'id') AS id, w.body, w.field, w.message FROM c LEFT JOIN "
						"LATERAL api.endorsement_create($4, $5::jsonb, c.kind, "
						"c.user_id, $6) w ON true"},
	[STMT_ENDORSEMENT_WITHDRAW] = {"endorsement_withdraw", 7,
				       CALLER_CTE "SELECT c.held, w.status, " CONTENT_ETAG("w.body")
						  " AS version, NULL::text AS id, w.body, w.field, w.message "
						  "FROM c LEFT JOIN LATERAL api.endorsement_withdraw($4, "
						  "$5::uuid, $6, c.kind, c.user_id, $7) w ON true"},
	/* $1 agreement (id or slug), $2 endorsement, $3 caller kind, $4 user id: as the register
	 * shows it now (drafts' endorsements do not exist for non-admins) */
	[STMT_ENDORSEMENT_GET] = {"endorsement_get", 4,
				  "SELECT b.body, " CONTENT_ETAG("b.body") " FROM (SELECT "
				  "api.endorsement_view(e, $3, $4::uuid, clock_timestamp())::text AS "
				  "body FROM "
				  "api.agreement_find($1, $3) a JOIN endorsement e ON e.agreement_id = "
				  "a.id WHERE e.id = $2::uuid) b"},
	/* newest first; $4 organisation, $5 caller kind, $6 user id; found: one the caller sees */
	[STMT_ORG_ENDORSEMENTS] = {"org_endorsements", 6,
				   HEADED_PAGE("SELECT EXISTS (SELECT 1 FROM organisation o WHERE "
					       "o.id = $4::uuid AND api.organisation_visible(o, $5, "
					       "$6::uuid)) AS found", "h.found",
					       PAGE_ROWS("api.endorsement_view(e, $5, $6::uuid, "
							 "clock_timestamp())::text",
							 "api.ts(e.endorsed_at)", "e.id",
							 "endorsement e WHERE h.found AND "
							 "e.organisation_id = $4::uuid",
							 BEFORE_TS("e.endorsed_at", "e.id"),
							 "e.endorsed_at DESC, e.id DESC"))},
	[STMT_CHANGES] = {"changes", 3, "SELECT api.changes($1::bigint, $2::text[], $3::int)"},
	[STMT_WEBHOOK_CREATE] = {"webhook_create", 6,
				 "SELECT status, version, body::json->>'id' AS id, body, field, message FROM "
				 "api.webhook_create($1, $2::jsonb, $3, $4, $5::uuid, $6)"},
	/* $4 admin (every webhook), $5 the owner otherwise */
	[STMT_WEBHOOK_LIST] = {"webhook_list", 5,
			       PAGE_ROWS("api.webhook_json(w)::text", "api.ts(w.created_at)", "w.id",
					 "webhook w WHERE api.webhook_visible(w, $4::boolean, $5::uuid)",
					 AFTER_TS("w.created_at", "w.id"), "w.created_at, w.id")},
	[STMT_WEBHOOK_GET] = {"webhook_get", 3,
			      "SELECT version, body FROM api.webhook_get($1::uuid, $2::boolean, $3::uuid)"},
	[STMT_WEBHOOK_DELETE] = {"webhook_delete", 6,
				 STATUS_ONLY("CASE s WHEN 404 THEN 'there is no such webhook' WHEN 412 "
					     "THEN 'the webhook changed since you read it' END")
				 " FROM api.webhook_delete($1::uuid, $2::int, $3::boolean, $4, $5::uuid, "
				 "$6) s"},
	/* $2 the If-Match version (NULL: none or "*"), $4 overlap seconds, $5 admin */
	[STMT_WEBHOOK_ROTATE_SECRET] = {"webhook_rotate_secret", 8,
					"SELECT status, version, NULL::text AS id, body, field, message "
					"FROM api.webhook_rotate_secret($1::uuid, $2::int, $3, $4::int, "
					"$5::boolean, $6, $7::uuid, $8)"},
	/* newest first; $4 webhook, $5 admin, $6 owner; found: a webhook the caller sees */
	[STMT_WEBHOOK_DELIVERIES] = {"webhook_deliveries", 6,
				     HEADED_PAGE("SELECT EXISTS (SELECT 1 FROM webhook w WHERE w.id = "
						 "$4::uuid AND api.webhook_visible(w, $5::boolean, "
						 "$6::uuid)) AS found", "h.found",
						 PAGE_ROWS("api.webhook_delivery_json(d)::text",
							   "api.ts(d.created_at)", "d.id",
							   "webhook_delivery d WHERE h.found AND "
							   "d.webhook_id = $4::uuid",
							   BEFORE_TS("d.created_at", "d.id"),
							   "d.created_at DESC, d.id DESC"))},
	/* $1 webhook, $2 delivery, $3 admin, $4 the caller (owner), $5 actor type */
	[STMT_WEBHOOK_DELIVERY_RETRY] = {"webhook_delivery_retry", 6,
					 "SELECT status, version, NULL::text AS id, body, field, "
					 "CASE status WHEN 404 THEN 'there is no such webhook or "
					 "delivery' ELSE message END AS message FROM "
					 "api.webhook_delivery_retry($1::uuid, $2::uuid, $3::boolean, "
					 "$4::uuid, $5, $6)"},
	[STMT_STATS] = {"stats", 0, "SELECT api.stats()"},
	/* newest first; audit rows are numbered, not UUIDs: the number is the key (unique on its
	 * own) and the id the nil UUID. $4 entity_type, $5 entity_id, $6 actor, $7 action */
	[STMT_AUDIT_LIST] = {"audit_list", 7,
			     PAGE_ROWS("api.audit_json(a)::text", "a.id::text",
				       "'00000000-0000-0000-0000-000000000000'::uuid",
				       "audit a WHERE ($4::text IS NULL OR a.entity_type = $4) AND "
				       "($5::uuid IS NULL OR a.entity_id = $5::uuid) AND ($6::uuid IS "
				       "NULL OR a.actor_id = $6::uuid) AND ($7::text IS NULL OR "
				       "a.action = $7)",
				       /* $3 (the nil UUID) comes with every key */
				       "($2::bigint IS NULL OR (a.id < $2::bigint AND $3::uuid IS NOT "
				       "NULL))", "a.id DESC")},
	[STMT_OPEN_DATASET] = {"open_dataset", 1, "SELECT api.open_dataset($1)"},
};

int statements_prepare(PGconn *pg)
{
	for (int i = 0; i < STMT_COUNT; i++) {
		PGresult *res = PQprepare(pg, stmts[i].name, stmts[i].sql, stmts[i].nparams, NULL);
		int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

		if (!ok) {
			char msg[300];

			snprintf(msg, sizeof(msg), "cannot prepare statement %s: %.200s",
				 stmts[i].name, PQresultErrorMessage(res));
			log_line(LOG_WARN, msg, NULL);
		}
		PQclear(res);
		if (!ok)
			return -1;
	}
	return 0;
}

PGresult *db_exec(struct dbconn *c, enum stmt_id id, const char *const *params, int n)
{
	PGresult *res = PQexecPrepared(c->pg, stmts[id].name, n, params, NULL, NULL, 0);

	/* a lost server shows as CONNECTION_BAD, often with no SQLSTATE (docs/libraries.md, "libpq 15") */
	if (!res || PQstatus(c->pg) != CONNECTION_OK)
		c->broken = true;
	if (!res)
		res = PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
	return res;
}

PGresult *db_exec_params(struct dbconn *c, enum stmt_id id, const char *const *params,
			 const int *lengths, const int *formats, int n, int result_format)
{
	PGresult *res = PQexecPrepared(c->pg, stmts[id].name, n, params, lengths, formats,
				       result_format);

	if (!res || PQstatus(c->pg) != CONNECTION_OK)
		c->broken = true;
	if (!res)
		res = PQmakeEmptyPGresult(c->pg, PGRES_FATAL_ERROR);
	return res;
}

int db_ok(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);

	return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}
