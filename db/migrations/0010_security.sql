-- migration: additive
-- 0010_security.sql -- what the security review found in authentication.

-- Login attempts are reserved before the password is verified (finding 3). Checking the
-- count and recording the failure only after the (slow, on purpose) password hash let 40
-- concurrent attempts all pass the check before any was recorded. Now one transaction takes
-- the e-mail's and the address's locks (always in that order, so two never wait for each
-- other), checks the limits, and records the attempt as a failure at once. A successful login
-- then releases its reservation (api.login_release), so success never counts.
-- Returns (retry_after, reservation): retry_after > 0 means refused, with nothing recorded.
CREATE FUNCTION api.login_reserve(p_email text, p_address text)
RETURNS TABLE (retry_after integer, reservation bigint) LANGUAGE plpgsql AS $$
DECLARE
	wait integer;
	v_id bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtextextended('login-email:' || lower(p_email), 0));
	PERFORM pg_advisory_xact_lock(hashtextextended('login-address:' || p_address, 0));
	wait := api.login_retry_after(p_email, p_address);
	IF wait > 0 THEN
		RETURN QUERY SELECT wait, NULL::bigint;
		RETURN;
	END IF;
	-- rows older than a day count for nothing: drop this e-mail's and address's old ones
	DELETE FROM login_failure
	WHERE (email = lower(p_email) OR address = p_address) AND at < now() - interval '1 day';
	INSERT INTO login_failure (email, address) VALUES (lower(p_email), p_address)
	RETURNING login_failure.id INTO v_id;
	RETURN QUERY SELECT 0, v_id;
END $$;

-- The attempt succeeded: it was not a failure after all.
CREATE FUNCTION api.login_release(p_reservation bigint) RETURNS void LANGUAGE sql AS $$
	DELETE FROM login_failure WHERE id = p_reservation;
$$;

-- Refresh-token families get an absolute lifetime (finding 11): the refresh TTL counted from
-- the login. Rotation hands out tokens that expire no later than their family, so a stolen
-- token that keeps being rotated still dies when the login does.
ALTER TABLE refresh_token ADD COLUMN family_expires_at timestamptz;
UPDATE refresh_token t SET family_expires_at = f.first_expiry
FROM (SELECT family_id, min(expires_at) AS first_expiry FROM refresh_token GROUP BY family_id) f
WHERE t.family_id = f.family_id;
ALTER TABLE refresh_token ALTER COLUMN family_expires_at SET NOT NULL;

CREATE OR REPLACE FUNCTION api.login_succeeded(p_user_id uuid, p_refresh_token text,
	p_ttl integer)
RETURNS TABLE (body text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	SELECT * INTO u FROM app_user WHERE app_user.id = p_user_id;
	UPDATE login_failure SET cleared = true
	WHERE email = lower(u.email) AND NOT cleared;
	INSERT INTO refresh_token (token_hash, user_id, family_id, expires_at, family_expires_at)
	VALUES (sha256(convert_to(p_refresh_token, 'UTF8')), u.id, gen_random_uuid(),
		now() + make_interval(secs => p_ttl), now() + make_interval(secs => p_ttl));
	RETURN QUERY SELECT api.user_json(u)::text;
END $$;

CREATE OR REPLACE FUNCTION api.refresh(p_old text, p_new text, p_ttl integer)
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
	IF t.expires_at <= now() OR t.family_expires_at <= now() OR u.disabled THEN
		RETURN QUERY SELECT 'invalid', NULL::uuid, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE refresh_token SET spent_at = now() WHERE id = t.id;
	INSERT INTO refresh_token (token_hash, user_id, family_id, expires_at, family_expires_at)
	VALUES (sha256(convert_to(p_new, 'UTF8')), u.id, t.family_id,
		least(now() + make_interval(secs => p_ttl), t.family_expires_at),
		t.family_expires_at);
	RETURN QUERY SELECT 'ok', u.id, u.role, api.user_json(u)::text;
END $$;

-- Registration answers a known address the same way as a new one (finding 7): nothing is
-- created or changed for a known address, and the caller is told nothing about which case it
-- was (docs/decisions.md). No rows back means the address was known.
CREATE OR REPLACE FUNCTION api.user_register(p_email text, p_name text, p_hash text,
	p_request_id text)
RETURNS TABLE (id uuid, version integer, body text) LANGUAGE plpgsql AS $$
DECLARE
	u app_user;
BEGIN
	INSERT INTO app_user (email, name, password_hash)
	VALUES (p_email, btrim(p_name), p_hash)
	ON CONFLICT DO NOTHING RETURNING * INTO u;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM audit_write('user', u.id, 'register', 'user', u.id, NULL, api.user_json(u),
		p_request_id);
	RETURN QUERY SELECT u.id, u.version, api.user_json(u)::text;
END $$;
