-- migration: additive
-- 0015_people.sql -- accounts people can keep (password change and reset, verified e-mail
-- addresses, a profile with a language), the durable mail outbox, and the person's data
-- under GDPR (export, erasure with pseudonyms, retention).

-- The profile. Existing accounts were made before addresses were verified; they keep
-- working as they did (their address counts as verified from its creation), new ones start
-- unverified until the link in the verification mail is used.
-- The NOT NULL columns get their default and NOT NULL in steps: PostgreSQL 15.19 and later
-- refuse ADD COLUMN ... NOT NULL DEFAULT on a table whose row type a function uses (as
-- api.user_json does), while a nullable column, an UPDATE and SET NOT NULL pass.
ALTER TABLE app_user
	ADD COLUMN language text CONSTRAINT app_user_language_check CHECK (language IN ('sv', 'en')),
	ADD COLUMN email_verified_at timestamptz,
	ADD COLUMN notify_reminders boolean,
	ADD COLUMN erased_at timestamptz,
	-- "raderad person <pseudonym>" replaces the name of an erased person in the records that
	-- stay (the audit log, signatory names); stable, so one person's entries still belong
	-- together, and unrelated to anything else about them
	ADD COLUMN pseudonym text UNIQUE;
UPDATE app_user SET email_verified_at = created_at, language = 'sv', notify_reminders = true;
ALTER TABLE app_user ALTER COLUMN language SET DEFAULT 'sv',
	ALTER COLUMN notify_reminders SET DEFAULT true;
ALTER TABLE app_user ALTER COLUMN language SET NOT NULL,
	ALTER COLUMN notify_reminders SET NOT NULL;

-- Single-use tokens mailed to a person: verify an address (valid 7 days) or reset the
-- password (valid 1 hour). Only the SHA-256 of the token is kept; the token itself travels
-- in the mail (and in the outbox row until the mail is sent, see mail_sent).
CREATE TABLE account_token (
	token_hash  bytea PRIMARY KEY,
	user_id     uuid NOT NULL REFERENCES app_user (id),
	purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
	email       text NOT NULL,  -- the address the token was mailed to
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz
);
CREATE INDEX account_token_user_idx ON account_token (user_id, purpose, created_at);

-- The mail outbox: rows are written in the transaction of the change that causes the mail
-- and delivered by each service process's mail worker (service/src/mail/worker.c). kind and
-- data are rendered in the person's language at delivery (service/src/mail/templates.c).
CREATE TABLE mail_outbox (
	id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	kind            text NOT NULL,
	user_id         uuid REFERENCES app_user (id),
	to_address      text NOT NULL,
	to_name         text,
	language        text NOT NULL CHECK (language IN ('sv', 'en')),
	data            jsonb NOT NULL DEFAULT '{}',
	status          text NOT NULL DEFAULT 'pending'
	                  CHECK (status IN ('pending', 'sent', 'failed')),
	attempts        integer NOT NULL DEFAULT 0,
	-- the next try; while a worker holds the row it is the end of that worker's lease
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	lease_id        uuid,
	last_error      text,
	created_at      timestamptz NOT NULL DEFAULT now(),
	sent_at         timestamptz
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id, created_at);

-- A new token for u: returns the token (64 hex digits from two version-4 UUIDs, whose 244
-- random bits come from the server's strong random source) and keeps only its hash.
CREATE FUNCTION account_token_new(p_user uuid, p_purpose text, p_email text, p_valid interval)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
	INSERT INTO account_token (token_hash, user_id, purpose, email, expires_at)
	VALUES (sha256(convert_to(t, 'UTF8')), p_user, p_purpose, p_email, now() + p_valid);
	RETURN t;
END $$;

-- Queues one mail to a person, in their language, unless the account is erased.
CREATE FUNCTION mail_enqueue(p_kind text, p_user uuid, p_data jsonb) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO mail_outbox (kind, user_id, to_address, to_name, language, data)
	SELECT p_kind, u.id, u.email, u.name, u.language, coalesce(p_data, '{}')
	FROM app_user u WHERE u.id = p_user AND u.erased_at IS NULL;
$$;

-- The verification mail for u's current address; earlier unused links stop working.
CREATE FUNCTION account_mail_verify(p_user uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	SELECT * INTO u FROM app_user WHERE id = p_user;
	UPDATE account_token SET used_at = now()
	WHERE user_id = p_user AND purpose = 'verify_email' AND used_at IS NULL;
	PERFORM mail_enqueue('verify_email', p_user, jsonb_build_object('token',
		account_token_new(p_user, 'verify_email', u.email, interval '7 days')));
END $$;

-- Registration now mails the verification link, in the language asked for.
CREATE FUNCTION api.user_register(p_email text, p_name text, p_hash text, p_request_id text,
	p_language text)
RETURNS TABLE (id uuid, version integer, body text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	INSERT INTO app_user (email, name, password_hash, language)
	VALUES (p_email, btrim(p_name), p_hash, coalesce(p_language, 'sv'))
	ON CONFLICT DO NOTHING RETURNING * INTO u;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM audit_write('user', u.id, 'register', 'user', u.id, NULL, api.user_json(u),
		p_request_id);
	PERFORM account_mail_verify(u.id);
	RETURN QUERY SELECT u.id, u.version, api.user_json(u)::text;
END $$;

-- The account part of /me: what the person may change about themselves.
CREATE FUNCTION api.account_json(u app_user) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('language', u.language,
		'email_verified', u.email_verified_at IS NOT NULL,
		'notifications', jsonb_build_object('reminders', u.notify_reminders));
$$;

CREATE FUNCTION api.me_full_json(p_user uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT api.me_json(u.id) || api.account_json(u) FROM app_user u WHERE u.id = p_user;
$$;

-- PATCH /me: name, email, language, notifications.reminders (a merge patch the service has
-- checked). A new address is unverified and gets a verification mail. Write result (status,
-- version, body, field, message).
-- The ETag of /me is its content's (CONTENT_ETAG in service/src/db/sql_fragments.h: /me is
-- composed from several rows, so no row's version tells whether it changed); p_etag, when
-- sent, is compared with it under the row lock, so the database decides a race of two edits.
CREATE FUNCTION api.me_patch(p_user uuid, p_etag text, p jsonb, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old app_user;
	new app_user;
BEGIN
	SELECT * INTO old FROM app_user u WHERE u.id = p_user AND u.erased_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such user';
		RETURN;
	END IF;
	IF p_etag IS NOT NULL AND p_etag IS DISTINCT FROM ((('x' || left(md5(
		api.me_full_json(p_user)::text), 15))::bit(60)::bigint + 1)::text) THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text,
			'your account changed since you read it; read it again';
		RETURN;
	END IF;
	new := old;
	new.name := coalesce(btrim(p->>'name'), old.name);
	new.email := coalesce(p->>'email', old.email);
	new.language := coalesce(p->>'language', old.language);
	new.notify_reminders := coalesce((p->'notifications'->>'reminders')::boolean,
		old.notify_reminders);
	IF (new.name, new.email, new.language, new.notify_reminders)
	   IS NOT DISTINCT FROM (old.name, old.email, old.language, old.notify_reminders) THEN
		RETURN QUERY SELECT 200, old.version, api.me_full_json(p_user)::text, NULL::text,
			NULL::text;
		RETURN;
	END IF;
	UPDATE app_user u SET name = new.name, email = new.email, language = new.language,
		notify_reminders = new.notify_reminders,
		email_verified_at = CASE WHEN lower(new.email) = lower(old.email)
			THEN u.email_verified_at END,
		version = u.version + 1, updated_at = now()
	WHERE u.id = p_user RETURNING * INTO new;
	PERFORM audit_write('user', p_user, 'update', 'user', p_user,
		api.user_json(old) || api.account_json(old), api.user_json(new) || api.account_json(new),
		p_request_id);
	IF lower(new.email) <> lower(old.email) THEN
		PERFORM account_mail_verify(p_user);
	END IF;
	RETURN QUERY SELECT 200, new.version, api.me_full_json(p_user)::text, NULL::text, NULL::text;
END $$;

-- POST /me/email-verification: the verification mail again (204; 409 when verified).
CREATE FUNCTION api.email_verification_resend(p_user uuid) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM app_user WHERE id = p_user AND email_verified_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 409;
	END IF;
	-- at most 5 a day: the rest are quietly not sent
	IF (SELECT count(*) FROM account_token WHERE user_id = p_user AND purpose = 'verify_email'
	    AND created_at > now() - interval '1 day') < 5 THEN
		PERFORM account_mail_verify(p_user);
	END IF;
	RETURN 204;
END $$;

-- POST /auth/verify-email: 204, or 400 when the token is unknown, used, expired, or the
-- address changed since it was mailed.
CREATE FUNCTION api.email_verify(p_token text, p_request_id text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	t account_token;
	old app_user;
	new app_user;
BEGIN
	SELECT * INTO t FROM account_token WHERE token_hash = sha256(convert_to(p_token, 'UTF8'))
		AND purpose = 'verify_email' FOR UPDATE;
	IF NOT FOUND OR t.used_at IS NOT NULL OR t.expires_at <= now() THEN
		RETURN 400;
	END IF;
	SELECT * INTO old FROM app_user WHERE id = t.user_id FOR UPDATE;
	IF lower(old.email) <> lower(t.email) OR old.erased_at IS NOT NULL THEN
		RETURN 400;
	END IF;
	UPDATE account_token SET used_at = now() WHERE token_hash = t.token_hash;
	UPDATE app_user SET email_verified_at = now() WHERE id = t.user_id RETURNING * INTO new;
	IF old.email_verified_at IS NULL THEN
		PERFORM audit_write('user', t.user_id, 'verify_email', 'user', t.user_id,
			api.user_json(old) || api.account_json(old),
			api.user_json(new) || api.account_json(new), p_request_id);
	END IF;
	RETURN 204;
END $$;

-- POST /auth/password-reset: always "accepted". A mail is queued only for an existing,
-- usable account, and at most 3 an hour per account (the rest are quietly dropped).
CREATE FUNCTION api.password_reset_request(p_email text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	SELECT * INTO u FROM app_user WHERE lower(email) = lower(p_email)
		AND NOT disabled AND erased_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF (SELECT count(*) FROM account_token WHERE user_id = u.id AND purpose = 'password_reset'
	    AND created_at > now() - interval '1 hour') >= 3 THEN
		RETURN;
	END IF;
	PERFORM mail_enqueue('password_reset', u.id, jsonb_build_object('token',
		account_token_new(u.id, 'password_reset', u.email, interval '1 hour')));
END $$;

-- A new password for u: every session ends except the refresh-token family of
-- p_keep_refresh (the session that made the change, when known), and a mail says so.
CREATE FUNCTION account_password_set(p_user uuid, p_hash text, p_keep_refresh text,
	p_action text, p_request_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	keep uuid;
BEGIN
	SELECT family_id INTO keep FROM refresh_token WHERE user_id = p_user
		AND token_hash = sha256(convert_to(coalesce(p_keep_refresh, ''), 'UTF8'));
	UPDATE app_user SET password_hash = p_hash, version = version + 1, updated_at = now()
	WHERE id = p_user;
	UPDATE refresh_token SET revoked_at = now() WHERE user_id = p_user AND revoked_at IS NULL
		AND family_id IS DISTINCT FROM keep;
	UPDATE account_token SET used_at = now()
	WHERE user_id = p_user AND purpose = 'password_reset' AND used_at IS NULL;
	PERFORM audit_write('user', p_user, p_action, 'user', p_user, NULL, NULL, p_request_id);
	PERFORM mail_enqueue('password_changed', p_user, '{}');
END $$;

-- POST /auth/password-reset/confirm: 204, or 400 for a token that is unknown, used, expired
-- or mailed to an address the account no longer has. Using the link also proves the
-- address, so it counts as verified.
CREATE FUNCTION api.password_reset_confirm(p_token text, p_hash text, p_request_id text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	t account_token;
	u app_user;
BEGIN
	SELECT * INTO t FROM account_token WHERE token_hash = sha256(convert_to(p_token, 'UTF8'))
		AND purpose = 'password_reset' FOR UPDATE;
	IF NOT FOUND OR t.used_at IS NOT NULL OR t.expires_at <= now() THEN
		RETURN 400;
	END IF;
	SELECT * INTO u FROM app_user WHERE id = t.user_id FOR UPDATE;
	IF lower(u.email) <> lower(t.email) OR u.disabled OR u.erased_at IS NOT NULL THEN
		RETURN 400;
	END IF;
	UPDATE account_token SET used_at = now() WHERE token_hash = t.token_hash;
	UPDATE app_user SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = u.id;
	PERFORM account_password_set(u.id, p_hash, NULL, 'password_reset', p_request_id);
	RETURN 204;
END $$;

-- POST /me/password (the service has verified the current password): 204.
CREATE FUNCTION api.password_change(p_user uuid, p_hash text, p_keep_refresh text,
	p_request_id text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM app_user WHERE id = p_user AND erased_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 404;
	END IF;
	PERFORM account_password_set(p_user, p_hash, p_keep_refresh, 'password_change',
		p_request_id);
	RETURN 204;
END $$;

-- An organisation is submitted for verification when a member registers it; only a person
-- whose address is verified may do that (the secretariat and clients are not asked).
CREATE FUNCTION api.organisation_create_checked(p_body jsonb, p_caller_kind text,
	p_user_id uuid, p_actor_type text, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
BEGIN
	IF p_caller_kind = 'member' AND NOT EXISTS (SELECT 1 FROM app_user u
	   WHERE u.id = p_user_id AND u.email_verified_at IS NOT NULL) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
			'verify your e-mail address before you register an organisation';
		RETURN;
	END IF;
	RETURN QUERY SELECT * FROM api.organisation_create(p_body, p_caller_kind, p_user_id,
		p_actor_type, p_request_id);
END $$;

-- The mail worker's claim: up to p_limit due mails, each leased to this worker for
-- p_lease_seconds (longer than one SMTP exchange may take). SKIP LOCKED lets two processes
-- claim side by side without ever taking the same row; a lease that runs out (a process
-- that died mid-delivery) makes the mail due again.
CREATE FUNCTION api.mail_claim(p_limit integer, p_lease_seconds integer)
RETURNS TABLE (id uuid, lease_id uuid, kind text, to_address text, to_name text,
	language text, data text, created_at text)
LANGUAGE sql AS $$
	WITH due AS (
		SELECT m.id FROM mail_outbox m
		WHERE m.status = 'pending' AND m.next_attempt_at <= now()
		ORDER BY m.next_attempt_at, m.id LIMIT p_limit FOR UPDATE SKIP LOCKED)
	UPDATE mail_outbox m SET lease_id = gen_random_uuid(), attempts = m.attempts + 1,
		next_attempt_at = now() + make_interval(secs => p_lease_seconds)
	FROM due WHERE m.id = due.id
	RETURNING m.id, m.lease_id, m.kind, m.to_address, m.to_name, m.language, m.data::text,
		to_char(m.created_at AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS "+0000"');
$$;

-- The outcome of one delivery under lease p_lease (a lease that was lost changes nothing).
-- Sent: the token (if any) leaves the row. Failed: retried after 30 s × 2^(attempts-1)
-- (at most 6 hours; divided by p_scale in tests), given up after 10 attempts or at once when
-- the server refused for good (p_permanent).
CREATE FUNCTION api.mail_record(p_id uuid, p_lease uuid, p_error text, p_permanent boolean,
	p_scale float8) RETURNS void LANGUAGE sql AS $$
	UPDATE mail_outbox m SET
		status = CASE WHEN p_error IS NULL THEN 'sent'
			WHEN p_permanent OR m.attempts >= 10 THEN 'failed' ELSE 'pending' END,
		sent_at = CASE WHEN p_error IS NULL THEN now() END,
		data = CASE WHEN p_error IS NULL THEN m.data - 'token' ELSE m.data END,
		last_error = left(p_error, 500), lease_id = NULL,
		next_attempt_at = now() + make_interval(secs =>
			least(30 * 2 ^ least(m.attempts - 1, 20), 21600) / greatest(p_scale, 1))
	WHERE m.id = p_id AND m.lease_id = p_lease;
$$;

-- GDPR: right of access. Everything held about a person, as one JSON document: the account,
-- the organisations they act for, registrations they made, endorsements they signed, the
-- audit entries naming them (as actor or as the entity; the newest 10,000), and the mails.
CREATE FUNCTION api.me_export(p_user uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'exported_at', api.ts(now()),
		'account', api.user_json(u) || api.account_json(u),
		'organisations', api.me_json(u.id)->'organisations',
		'registrations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'id', r.id, 'dialogue_id', r.dialogue_id, 'dialogue_title', d.title,
				'organisation_id', r.organisation_id, 'organisation_name', o.name,
				'status', r.status, 'attendees', r.attendees, 'note', r.note,
				'registered_at', api.ts(r.registered_at)) ORDER BY r.registered_at, r.id),
				'[]'::jsonb)
			FROM registration r JOIN dialogue d ON d.id = r.dialogue_id
			JOIN organisation o ON o.id = r.organisation_id WHERE r.registered_by = u.id),
		'endorsements', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'id', e.id, 'agreement_id', e.agreement_id,
				'organisation_id', e.organisation_id, 'organisation_name', o.name,
				'status', e.status, 'signatory_name', e.signatory_name,
				'signatory_title', e.signatory_title, 'mandate', e.mandate,
				'endorsed_at', api.ts(e.endorsed_at),
				'withdrawn_at', api.ts(e.withdrawn_at)) ORDER BY e.endorsed_at, e.id),
				'[]'::jsonb)
			FROM endorsement e JOIN organisation o ON o.id = e.organisation_id
			WHERE e.endorsed_by = u.id),
		'audit', (SELECT coalesce(jsonb_agg(x.j ORDER BY x.id), '[]'::jsonb) FROM (
			SELECT a.id, api.audit_json(a) AS j FROM audit a
			WHERE a.actor_id = u.id OR (a.entity_type = 'user' AND a.entity_id = u.id)
			ORDER BY a.id DESC LIMIT 10000) x),
		'mails', (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', m.kind,
				'to', m.to_address, 'status', m.status, 'created_at', api.ts(m.created_at),
				'sent_at', api.ts(m.sent_at)) ORDER BY m.created_at, m.id), '[]'::jsonb)
			FROM mail_outbox m WHERE m.user_id = u.id))
	FROM app_user u WHERE u.id = p_user AND u.erased_at IS NULL;
$$;

-- The audit log stays append-only, with one exception: erasing a person may rewrite the
-- names and addresses in the entries about them (api.user_erase sets idekom.erasing for its
-- own transaction). The entries themselves, their actions, times and ids, stay as they were.
CREATE OR REPLACE FUNCTION audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND current_setting('idekom.erasing', true) = 'on'
	   AND (NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.entity_type,
		NEW.entity_id, NEW.request_id) IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at,
		OLD.actor_type, OLD.actor_id, OLD.action, OLD.entity_type, OLD.entity_id,
		OLD.request_id) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

-- Replaces the JSON strings old_name and old_email by the pseudonym in one snapshot.
CREATE FUNCTION audit_pseudonymise(j jsonb, p_name text, p_email text, p_pseudonym text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN j IS NULL THEN NULL ELSE
		replace(replace(j::text, to_jsonb(p_email)::text, to_jsonb(p_pseudonym)::text),
			to_jsonb(p_name)::text, to_jsonb(p_pseudonym)::text)::jsonb END;
$$;

-- GDPR: right to erasure (DELETE /me, DELETE /users/{id}). The account stays as a row that
-- the records point at, without anything personal: name "raderad person <pseudonym>", an
-- address that cannot receive mail, no password, disabled, every session revoked, no
-- longer anyone's representative. Endorsements they signed keep their organisation and
-- dates, with the pseudonym as signatory; audit entries keep their actor id, with the
-- pseudonym for the name and in the snapshots. Refused (409) while they are an
-- organisation's only signatory, and for the last admin. Status 204, 404 or 409 + message.
CREATE FUNCTION api.user_erase(p_id uuid, p_actor_type text, p_actor_id uuid,
	p_request_id text) RETURNS TABLE (status integer, message text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
	pseud text := 'raderad person ' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 10);
	pseud_email text;
	sole text;
BEGIN
	SELECT * INTO u FROM app_user WHERE id = p_id FOR UPDATE;
	IF NOT FOUND OR u.erased_at IS NOT NULL THEN
		RETURN QUERY SELECT 404, 'there is no such user'::text;
		RETURN;
	END IF;
	-- the last admin: counted under a lock on every admin row, so two cannot both go
	PERFORM 1 FROM app_user WHERE role = 'admin' AND erased_at IS NULL FOR UPDATE;
	IF u.role = 'admin' AND NOT u.disabled AND (SELECT count(*) FROM app_user
	   WHERE role = 'admin' AND NOT disabled AND erased_at IS NULL) <= 1 THEN
		RETURN QUERY SELECT 409, 'the last admin cannot be erased; make another admin first'::text;
		RETURN;
	END IF;
	SELECT o.name INTO sole FROM representative r JOIN organisation o ON o.id = r.organisation_id
	WHERE r.user_id = p_id AND r.role = 'signatory' AND NOT EXISTS (SELECT 1 FROM
		representative x WHERE x.organisation_id = r.organisation_id AND x.user_id <> p_id
		AND x.role = 'signatory')
	ORDER BY o.name LIMIT 1 FOR SHARE OF r;
	IF FOUND THEN
		RETURN QUERY SELECT 409, ('the only signatory of ' || sole
			|| ' cannot be erased; make someone else its signatory first')::text;
		RETURN;
	END IF;
	pseud_email := replace(pseud, ' ', '-') || '@raderad.invalid';
	PERFORM set_config('idekom.erasing', 'on', true);
	UPDATE audit a SET actor_name = CASE WHEN a.actor_id = p_id THEN pseud ELSE a.actor_name END,
		before = audit_pseudonymise(a.before, u.name, u.email, pseud),
		after = audit_pseudonymise(a.after, u.name, u.email, pseud)
	WHERE a.actor_id = p_id OR a.entity_id = p_id
	   OR a.before::text LIKE '%' || p_id::text || '%' OR a.after::text LIKE '%' || p_id::text || '%';
	PERFORM set_config('idekom.erasing', 'off', true);
	UPDATE endorsement SET signatory_name = pseud WHERE endorsed_by = p_id;
	DELETE FROM representative WHERE user_id = p_id;
	UPDATE refresh_token SET revoked_at = now() WHERE user_id = p_id AND revoked_at IS NULL;
	DELETE FROM account_token WHERE user_id = p_id;
	DELETE FROM login_failure WHERE email = lower(u.email);
	UPDATE mail_outbox m SET to_address = pseud_email, to_name = NULL, data = '{}',
		status = CASE WHEN m.status = 'pending' THEN 'failed' ELSE m.status END,
		last_error = CASE WHEN m.status = 'pending' THEN 'the person was erased'
			ELSE m.last_error END
	WHERE m.user_id = p_id;
	UPDATE app_user a SET name = pseud, email = pseud_email, password_hash = '!erased',
		disabled = true, erased_at = now(), pseudonym = pseud, email_verified_at = NULL,
		notify_reminders = false, version = a.version + 1, updated_at = now()
	WHERE a.id = p_id;
	PERFORM audit_write(p_actor_type, p_actor_id, 'erase', 'user', p_id, NULL, jsonb_build_object('name', pseud), p_request_id);
	RETURN QUERY SELECT 204, NULL::text;
END $$;

-- GDPR: retention. What is kept only as long as it serves its purpose is pruned by a job
-- inside every service process (service/src/db/retention.c, hourly and at start):
--   failed logins           1 day   (they count for 15 minutes)
--   refresh tokens          30 days after they were spent, revoked or expired
--   mailed tokens           7 days after they were used or expired
--   mails                   90 days after they were sent or given up
-- The audit log, registrations and endorsements are the record and are never pruned.
-- Returns how many rows went.
CREATE FUNCTION api.retention_prune() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	n integer := 0;
	k integer;
BEGIN
	DELETE FROM login_failure WHERE at < now() - interval '1 day';
	GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
	DELETE FROM refresh_token WHERE least(coalesce(spent_at, 'infinity'),
		coalesce(revoked_at, 'infinity'), expires_at) < now() - interval '30 days';
	GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
	DELETE FROM account_token WHERE least(coalesce(used_at, 'infinity'), expires_at)
		< now() - interval '7 days';
	GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
	DELETE FROM mail_outbox WHERE status <> 'pending'
		AND coalesce(sent_at, next_attempt_at) < now() - interval '90 days';
	GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
	RETURN n;
END $$;

-- Notifications to an organisation's representatives, queued by triggers in the transaction
-- of the change (so no writer can forget one), each in the person's own language. A meeting
-- time is written in Göteborg's local time.
ALTER TABLE registration ADD COLUMN reminded_at timestamptz;

CREATE FUNCTION mail_local_time(t timestamptz) RETURNS text LANGUAGE sql STABLE
RETURN to_char(t AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI');

-- One mail of kind to every representative of organisation p_org (optional kinds only to
-- those who have not turned them off), with the organisation's name and id added to p_data.
CREATE FUNCTION mail_representatives(p_org uuid, p_kind text, p_data jsonb) RETURNS void
LANGUAGE sql AS $$
	SELECT mail_enqueue(p_kind, r.user_id, p_data || jsonb_build_object(
		'organisation', o.name, 'organisation_id', o.id))
	FROM representative r JOIN organisation o ON o.id = r.organisation_id
	JOIN app_user u ON u.id = r.user_id
	WHERE r.organisation_id = p_org AND NOT u.disabled
	  AND (p_kind <> 'meeting_reminder' OR u.notify_reminders);
$$;

CREATE FUNCTION mail_dialogue_data(d dialogue) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('dialogue', d.title, 'dialogue_id', d.id,
	'starts_at', mail_local_time(d.starts_at),
	'location', coalesce(d.location, d.online_url, ''));

CREATE FUNCTION registration_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	d dialogue;
BEGIN
	SELECT * INTO d FROM dialogue WHERE id = NEW.dialogue_id;
	IF TG_OP = 'INSERT' THEN
		PERFORM mail_representatives(NEW.organisation_id, CASE NEW.status
			WHEN 'waitlisted' THEN 'registration_waitlisted' ELSE 'registration_received' END,
			mail_dialogue_data(d));
	ELSIF OLD.status = 'waitlisted' AND NEW.status = 'registered' THEN
		PERFORM mail_representatives(NEW.organisation_id, 'registration_seat',
			mail_dialogue_data(d));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER registration_notify AFTER INSERT OR UPDATE OF status ON registration
	FOR EACH ROW EXECUTE FUNCTION registration_notify();

-- A new time or place, or a cancellation: every organisation registered or waitlisted hears.
CREATE FUNCTION dialogue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	kind text;
BEGIN
	IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
		kind := 'dialogue_cancelled';
	ELSIF NEW.status = 'scheduled' AND (NEW.starts_at, NEW.ends_at, NEW.location, NEW.online_url)
	      IS DISTINCT FROM (OLD.starts_at, OLD.ends_at, OLD.location, OLD.online_url) THEN
		kind := 'dialogue_changed';
	ELSE
		RETURN NULL;
	END IF;
	PERFORM mail_representatives(r.organisation_id, kind, mail_dialogue_data(NEW))
	FROM registration r WHERE r.dialogue_id = NEW.id AND r.status IN ('registered', 'waitlisted');
	RETURN NULL;
END $$;
CREATE TRIGGER dialogue_notify AFTER UPDATE ON dialogue
	FOR EACH ROW EXECUTE FUNCTION dialogue_notify();

CREATE FUNCTION organisation_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status IN ('verified', 'rejected') AND NEW.status IS DISTINCT FROM OLD.status THEN
		PERFORM mail_representatives(NEW.id, 'organisation_' || NEW.status,
			jsonb_build_object('reason', coalesce(NEW.status_reason, '')));
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER organisation_notify AFTER UPDATE OF status ON organisation
	FOR EACH ROW EXECUTE FUNCTION organisation_notify();

CREATE FUNCTION endorsement_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	kind text;
BEGIN
	IF TG_OP = 'INSERT' THEN
		kind := 'endorsement_recorded';
	ELSIF NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN
		kind := 'endorsement_withdrawn';
	ELSIF NEW.status = 'renewal_needed' AND OLD.status <> 'renewal_needed' THEN
		kind := 'renewal_needed';
	ELSE
		RETURN NULL;
	END IF;
	-- renewal is about the agreement now in force, the others about the endorsed one
	PERFORM mail_representatives(NEW.organisation_id, kind, jsonb_build_object(
		'agreement', a.title, 'agreement_id', a.id))
	FROM agreement a WHERE a.id = CASE WHEN kind = 'renewal_needed'
		THEN coalesce((SELECT x.id FROM agreement x WHERE x.status = 'adopted'), NEW.agreement_id)
		ELSE NEW.agreement_id END;
	RETURN NULL;
END $$;
-- deferred to the commit: when an adoption marks endorsements renewal_needed, the new
-- agreement becomes the adopted one later in the same transaction
CREATE CONSTRAINT TRIGGER endorsement_notify AFTER INSERT OR UPDATE OF status ON endorsement
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION endorsement_notify();

-- Reminders: once per registration, for meetings starting within the next 24 hours, to the
-- representatives who keep reminders on. Run by every process's reminder job
-- (service/src/db/reminders.c); SKIP LOCKED lets two run side by side without doubling.
CREATE INDEX registration_unreminded_idx ON registration (dialogue_id)
	WHERE reminded_at IS NULL AND status = 'registered';
CREATE FUNCTION api.meeting_reminders() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	n integer := 0;
	r record;
BEGIN
	FOR r IN SELECT x.id, x.organisation_id, d AS dl FROM registration x
		JOIN dialogue d ON d.id = x.dialogue_id
		WHERE x.status = 'registered' AND x.reminded_at IS NULL AND d.status = 'scheduled'
		  AND d.starts_at > now() AND d.starts_at <= now() + interval '24 hours'
		FOR UPDATE OF x SKIP LOCKED LOOP
		UPDATE registration SET reminded_at = now() WHERE id = r.id;
		PERFORM mail_representatives(r.organisation_id, 'meeting_reminder',
			mail_dialogue_data(r.dl));
		n := n + 1;
	END LOOP;
	RETURN n;
END $$;

-- The change feed and the webhooks also carry registrations and representatives, so that
-- city systems can follow them (asked for by type: GET /changes?types=registration,...).
-- Widening the two CHECK lists keeps every existing row and binary valid.
ALTER TABLE change_event DROP CONSTRAINT change_event_type_check;
ALTER TABLE change_event ADD CONSTRAINT change_event_type_check CHECK (type IN ('organisation',
	'endorsement', 'dialogue', 'agreement', 'registration', 'representative')) NOT VALID;
ALTER TABLE change_event VALIDATE CONSTRAINT change_event_type_check;
ALTER TABLE webhook DROP CONSTRAINT webhook_types_check;
ALTER TABLE webhook ADD CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement', 'registration',
		'representative']) NOT VALID;
ALTER TABLE webhook VALIDATE CONSTRAINT webhook_types_check;

-- A registration as the public list shows it, with its id and dialogue (no note, no person).
CREATE FUNCTION registration_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('registration', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN 'cancel'
		ELSE 'update' END, NEW.id,
		jsonb_build_object('id', NEW.id, 'dialogue_id', NEW.dialogue_id)
			|| api.registration_json(NEW, false));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER registration_changed
	AFTER INSERT OR UPDATE OF status, attendees, attended ON registration
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registration_changed();

-- Who acts for an organisation: the organisation is the entity; the person appears only by
-- id (a city system that needs names asks the API with its own rights).
CREATE FUNCTION representative_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r representative := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
	PERFORM change_emit('representative', CASE TG_OP WHEN 'INSERT' THEN 'create'
		WHEN 'UPDATE' THEN 'update' ELSE 'remove' END, r.organisation_id,
		jsonb_build_object('organisation_id', r.organisation_id, 'user_id', r.user_id,
			'role', r.role, 'since', api.ts(r.created_at)));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER representative_changed AFTER INSERT OR UPDATE OR DELETE
	ON representative DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	EXECUTE FUNCTION representative_changed();
