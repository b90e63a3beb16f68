-- migration: additive
-- 0001_foundation.sql -- people, API clients, tokens, login throttling and the audit log.
-- Applied once by `idekom migrate`, in a transaction, under an advisory lock.

CREATE SCHEMA api;  -- SQL functions that shape JSON for the API (one place formats times)

-- RFC 3339 in UTC with Z (PostgreSQL's to_json prints +00:00; libraries.md C15).
CREATE FUNCTION api.ts(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

CREATE TABLE app_user (
	id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	email         text NOT NULL CONSTRAINT app_user_email_check
	                CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
	name          text NOT NULL CONSTRAINT app_user_name_check
	                CHECK (length(btrim(name)) BETWEEN 1 AND 200),
	password_hash text NOT NULL,
	role          text NOT NULL DEFAULT 'member' CONSTRAINT app_user_role_check
	                CHECK (role IN ('admin', 'member')),
	disabled      boolean NOT NULL DEFAULT false,
	version       integer NOT NULL DEFAULT 1,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now()
);
-- e-mail is case-insensitive and unique (api.md section 1); the constraint name maps to /email
CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));
CREATE INDEX app_user_created_idx ON app_user (created_at, id);

CREATE FUNCTION api.user_json(u app_user) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role,
	'disabled', u.disabled, 'created_at', api.ts(u.created_at),
	'updated_at', api.ts(u.updated_at));

-- Refresh tokens: opaque 256-bit values, stored only as SHA-256 hashes. Each login starts a
-- family; presenting a spent token revokes the whole family (reuse detection).
CREATE TABLE refresh_token (
	id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	token_hash  bytea NOT NULL UNIQUE,
	user_id     uuid NOT NULL REFERENCES app_user (id),
	family_id   uuid NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	spent_at    timestamptz,
	revoked_at  timestamptz
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);
CREATE INDEX refresh_token_user_idx ON refresh_token (user_id) WHERE revoked_at IS NULL;

CREATE TABLE api_client (
	id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name        text NOT NULL CONSTRAINT api_client_name_check
	              CHECK (length(btrim(name)) BETWEEN 1 AND 200),
	secret_hash bytea NOT NULL,
	scopes      text[] NOT NULL CONSTRAINT api_client_scopes_check
	              CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY['organisations:read',
	                'organisations:write', 'changes:read', 'webhooks:manage']),
	created_by  uuid REFERENCES app_user (id),
	version     integer NOT NULL DEFAULT 1,
	created_at  timestamptz NOT NULL DEFAULT now(),
	deleted_at  timestamptz  -- kept for the audit trail; a deleted client cannot authenticate
);
CREATE INDEX api_client_created_idx ON api_client (created_at, id) WHERE deleted_at IS NULL;

CREATE FUNCTION api.client_json(c api_client) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN jsonb_build_object('id', c.id, 'client_id', c.id, 'name', c.name,
	'scopes', to_jsonb(c.scopes), 'created_at', api.ts(c.created_at));

-- Failed logins, shared by every replica (so that several `idekom serve` behave as one).
CREATE TABLE login_failure (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email       text NOT NULL,  -- lower-cased
	address     text NOT NULL,
	at          timestamptz NOT NULL DEFAULT now(),
	cleared     boolean NOT NULL DEFAULT false  -- a later successful login clears the e-mail count
);
CREATE INDEX login_failure_email_idx ON login_failure (email, at);
CREATE INDEX login_failure_address_idx ON login_failure (address, at);

-- The audit log: who changed what, before and after, written in the same transaction as the
-- change through audit_write(). Never updated, never deleted.
CREATE TABLE audit (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	occurred_at  timestamptz NOT NULL DEFAULT now(),
	actor_type   text NOT NULL CHECK (actor_type IN ('user', 'client', 'system')),
	actor_id     uuid,
	actor_name   text,
	action       text NOT NULL,
	entity_type  text NOT NULL,
	entity_id    uuid,
	before       jsonb,
	after        jsonb,
	request_id   text
);
CREATE INDEX audit_entity_idx ON audit (entity_type, entity_id, id DESC);
CREATE INDEX audit_actor_idx ON audit (actor_id, id DESC);

CREATE FUNCTION audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();

-- The one helper every write uses. actor_type/actor_id come from the request's principal;
-- the actor's name is looked up here so that the log stays readable after renames.
CREATE FUNCTION audit_write(p_actor_type text, p_actor_id uuid, p_action text,
	p_entity_type text, p_entity_id uuid, p_before jsonb, p_after jsonb, p_request_id text)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO audit (actor_type, actor_id, actor_name, action, entity_type, entity_id,
		before, after, request_id)
	VALUES (p_actor_type, p_actor_id,
		CASE p_actor_type
			WHEN 'user' THEN (SELECT name FROM app_user WHERE id = p_actor_id)
			WHEN 'client' THEN (SELECT name FROM api_client WHERE id = p_actor_id)
		END,
		p_action, p_entity_type, p_entity_id, p_before, p_after, p_request_id);
$$;
