-- migration: additive
-- 0002_auth_functions.sql -- the writes of authentication and of user and client
-- administration, each one function: one round trip, one transaction, its audit row included.

-- Opaque list cursors: base64url of "<created_at>|<id>" (decoded and checked in C).
CREATE FUNCTION api.cursor(t timestamptz, id uuid) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN rtrim(translate(encode(convert_to(api.ts(t) || '|' || id::text, 'UTF8'), 'base64'),
	E'+/\n', '-_'), '=');

-- Escapes LIKE wildcards so that user text matches literally.
CREATE FUNCTION api.like_escape(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_');

CREATE FUNCTION api.user_register(p_email text, p_name text, p_hash text, p_request_id text)
RETURNS TABLE (id uuid, version integer, body text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	INSERT INTO app_user (email, name, password_hash)
	VALUES (p_email, btrim(p_name), p_hash) RETURNING * INTO u;
	PERFORM audit_write('user', u.id, 'register', 'user', u.id, NULL, api.user_json(u),
		p_request_id);
	RETURN QUERY SELECT u.id, u.version, api.user_json(u)::text;
END $$;

-- Seconds until a login for this e-mail and address may be tried again; 0 when it may now.
-- 5 failures for one e-mail, or 20 from one address, within 15 minutes (api.md section 1).
CREATE FUNCTION api.login_retry_after(p_email text, p_address text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT greatest(0,
		coalesce((SELECT ceil(extract(epoch FROM f.at + interval '15 minutes' - now()))
			FROM login_failure f
			WHERE f.email = lower(p_email) AND NOT f.cleared
			  AND f.at > now() - interval '15 minutes'
			ORDER BY f.at DESC OFFSET 4 LIMIT 1), 0),
		coalesce((SELECT ceil(extract(epoch FROM f.at + interval '15 minutes' - now()))
			FROM login_failure f
			WHERE f.address = p_address AND f.at > now() - interval '15 minutes'
			ORDER BY f.at DESC OFFSET 19 LIMIT 1), 0))::integer;
$$;

CREATE FUNCTION api.login_failed(p_email text, p_address text) RETURNS void
LANGUAGE sql AS $$
	-- rows older than a day count for nothing: drop this e-mail's and address's old ones
	DELETE FROM login_failure
	WHERE (email = lower(p_email) OR address = p_address) AND at < now() - interval '1 day';
	INSERT INTO login_failure (email, address) VALUES (lower(p_email), p_address);
$$;

-- A successful login: clears the e-mail's failures and starts a refresh-token family.
CREATE FUNCTION api.login_succeeded(p_user_id uuid, p_refresh_token text, p_ttl integer)
RETURNS TABLE (body text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	SELECT * INTO u FROM app_user WHERE app_user.id = p_user_id;
	UPDATE login_failure SET cleared = true
	WHERE email = lower(u.email) AND NOT cleared;
	INSERT INTO refresh_token (token_hash, user_id, family_id, expires_at)
	VALUES (sha256(convert_to(p_refresh_token, 'UTF8')), u.id, gen_random_uuid(),
		now() + make_interval(secs => p_ttl));
	RETURN QUERY SELECT api.user_json(u)::text;
END $$;

-- Spends p_old and issues p_new in the same family. Outcomes: ok, invalid, reuse (a spent
-- token came back: the whole family is revoked, and that revocation is committed).
CREATE FUNCTION api.refresh(p_old text, p_new text, p_ttl integer)
RETURNS TABLE (outcome text, user_id uuid, role text, body text) LANGUAGE plpgsql AS $$
DECLARE
	t refresh_token;
	u app_user;
BEGIN
	SELECT * INTO t FROM refresh_token
	WHERE token_hash = sha256(convert_to(p_old, 'UTF8')) FOR UPDATE;
	IF NOT FOUND OR t.revoked_at IS NOT NULL THEN
		RETURN QUERY SELECT 'invalid', NULL::uuid, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF t.spent_at IS NOT NULL THEN
		UPDATE refresh_token SET revoked_at = now()
		WHERE family_id = t.family_id AND revoked_at IS NULL;
		RETURN QUERY SELECT 'reuse', NULL::uuid, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO u FROM app_user WHERE id = t.user_id;
	IF t.expires_at <= now() OR u.disabled THEN
		RETURN QUERY SELECT 'invalid', NULL::uuid, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE refresh_token SET spent_at = now() WHERE id = t.id;
	INSERT INTO refresh_token (token_hash, user_id, family_id, expires_at)
	VALUES (sha256(convert_to(p_new, 'UTF8')), u.id, t.family_id,
		now() + make_interval(secs => p_ttl));
	RETURN QUERY SELECT 'ok', u.id, u.role, api.user_json(u)::text;
END $$;

-- Logging out ends the login: every token of its family stops working.
CREATE FUNCTION api.logout(p_token text) RETURNS void LANGUAGE sql AS $$
	UPDATE refresh_token SET revoked_at = now()
	WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_token
		WHERE token_hash = sha256(convert_to(p_token, 'UTF8')));
$$;

-- The signed-in person and the organisations they act for. Organisations come with the
-- organisations issue; until then the list is empty by construction.
CREATE FUNCTION api.me_json(p_user_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT api.user_json(u) || jsonb_build_object('organisations', '[]'::jsonb)
	FROM app_user u WHERE u.id = p_user_id;
$$;

-- PATCH /users/{id}: status 200 (also when nothing changed: no audit row, no new version),
-- 404 or 412. p_role / p_disabled NULL mean "leave as is".
CREATE FUNCTION api.user_patch(p_id uuid, p_version integer, p_role text, p_disabled boolean,
	p_actor_type text, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text) LANGUAGE plpgsql AS $$
DECLARE
	old app_user;
	new app_user;
BEGIN
	SELECT * INTO old FROM app_user u WHERE u.id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text;
		RETURN;
	END IF;
	IF p_version IS NOT NULL AND old.version <> p_version THEN
		RETURN QUERY SELECT 412, old.version, NULL::text;
		RETURN;
	END IF;
	IF coalesce(p_role, old.role) = old.role
	   AND coalesce(p_disabled, old.disabled) = old.disabled THEN
		RETURN QUERY SELECT 200, old.version, api.user_json(old)::text;
		RETURN;
	END IF;
	UPDATE app_user u SET role = coalesce(p_role, u.role),
		disabled = coalesce(p_disabled, u.disabled),
		version = u.version + 1, updated_at = now()
	WHERE u.id = p_id RETURNING * INTO new;
	IF new.disabled AND NOT old.disabled THEN
		UPDATE refresh_token SET revoked_at = now()
		WHERE user_id = p_id AND revoked_at IS NULL;
	END IF;
	PERFORM audit_write(p_actor_type, p_actor_id, 'update', 'user', p_id,
		api.user_json(old), api.user_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.user_json(new)::text;
END $$;

CREATE FUNCTION api.client_create(p_name text, p_scopes jsonb, p_secret text,
	p_actor_type text, p_actor_id uuid, p_request_id text)
RETURNS TABLE (id uuid, version integer, body text) LANGUAGE plpgsql AS $$
DECLARE
	c api_client;
BEGIN
	INSERT INTO api_client (name, secret_hash, scopes, created_by)
	VALUES (btrim(p_name), sha256(convert_to(p_secret, 'UTF8')),
		ARRAY(SELECT DISTINCT jsonb_array_elements_text(p_scopes) ORDER BY 1),
		CASE WHEN p_actor_type = 'user' THEN p_actor_id END)
	RETURNING * INTO c;
	PERFORM audit_write(p_actor_type, p_actor_id, 'create', 'client', c.id, NULL,
		api.client_json(c), p_request_id);
	RETURN QUERY SELECT c.id, c.version, api.client_json(c)::text;
END $$;

-- DELETE /clients/{id}: 204, 404 or 412. The row stays (soft delete) for the audit trail.
CREATE FUNCTION api.client_delete(p_id uuid, p_version integer, p_actor_type text,
	p_actor_id uuid, p_request_id text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	c api_client;
BEGIN
	SELECT * INTO c FROM api_client WHERE id = p_id AND deleted_at IS NULL FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 404;
	END IF;
	IF p_version IS NOT NULL AND c.version <> p_version THEN
		RETURN 412;
	END IF;
	UPDATE api_client SET deleted_at = now(), version = version + 1 WHERE id = p_id;
	PERFORM audit_write(p_actor_type, p_actor_id, 'delete', 'client', p_id,
		api.client_json(c), NULL, p_request_id);
	RETURN 204;
END $$;
