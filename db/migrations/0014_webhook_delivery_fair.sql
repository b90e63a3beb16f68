-- migration: additive
-- 0014_webhook_delivery_fair.sql -- concurrent webhook delivery that one receiver cannot hold
-- up, and secret rotation with an overlap window.
--
-- Delivery. A worker now keeps many deliveries on the wire at once (libcurl's multi
-- interface). It claims only as many as it has free slots, and at most a few per receiver
-- host (host:port of the URL) counting the ones it already has in flight there, so a dead
-- receiver with many subscriptions holds at most its own share of the slots and never the
-- deliveries to anyone else. The claim stays what it was underneath: FOR UPDATE SKIP LOCKED
-- and a lease, so several processes still deliver each event once. api.webhook_claim (0007)
-- is kept for binaries from before this migration.
--
-- Rotation. POST /api/v1/webhooks/{id}/rotate-secret makes a new secret and keeps the one it
-- replaces valid until previous_secret_expires_at (default 24 h later). Until then every
-- delivery is signed with both, as Standard Webhooks allows (webhook-signature holds
-- space-separated "v1,<sig>" entries), so a receiver can switch to the new secret at any
-- moment of the window. The previous secret is stored as the current one is (it is needed in
-- clear to sign), next to it, and is replaced by the next rotation.

ALTER TABLE webhook ADD COLUMN previous_secret text,
	ADD COLUMN previous_secret_expires_at timestamptz;

-- The receiver a webhook URL names, as the fairness limit counts it: host and port, lower
-- case, without user information.
CREATE FUNCTION api.webhook_host(p_url text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN lower(substring(p_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)'));

-- The secrets a delivery is signed with now: the current one, and the previous one while its
-- overlap window lasts.
CREATE FUNCTION api.webhook_signing_secrets(w webhook) RETURNS text LANGUAGE sql STABLE
RETURN w.secret || CASE WHEN w.previous_secret IS NOT NULL AND w.previous_secret_expires_at > now()
	THEN ' ' || w.previous_secret ELSE '' END;

-- Claims up to p_limit due deliveries with a 60 s lease, taking at most p_per_host for each
-- receiver host minus what this worker already has in flight there (p_busy: {"host": n}).
-- Candidates are ranked per host first (a window function cannot be combined with FOR
-- UPDATE); then the candidates are locked with SKIP LOCKED and checked again, so a delivery
-- another process leased in the meantime is skipped, never sent twice.
CREATE FUNCTION api.webhook_claim_fair(p_limit integer, p_per_host integer, p_busy jsonb)
RETURNS TABLE (delivery_id uuid, host text, url text, secrets text, event_id uuid, body text)
LANGUAGE sql AS $$
	WITH ranked AS (
		SELECT d.id, d.next_attempt_at, d.event_seq, d.attempts, api.webhook_host(w.url) AS host,
			row_number() OVER (PARTITION BY api.webhook_host(w.url)
				ORDER BY d.next_attempt_at, d.event_seq) AS rank
		FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id
		WHERE d.status = 'pending' AND d.next_attempt_at <= now()
		  AND (d.locked_until IS NULL OR d.locked_until < now())),
	candidates AS (
		SELECT r.id FROM ranked r
		WHERE r.rank <= p_per_host - coalesce((p_busy ->> r.host)::integer, 0)
		-- round robin over hosts, and a first attempt before a retry: receivers that keep
		-- failing (their retries always due) cannot keep a new delivery waiting
		ORDER BY r.rank, r.attempts > 0, r.next_attempt_at, r.event_seq LIMIT p_limit),
	due AS (
		SELECT d.id FROM webhook_delivery d
		WHERE d.id IN (SELECT c.id FROM candidates c) AND d.status = 'pending'
		  AND (d.locked_until IS NULL OR d.locked_until < now())
		FOR UPDATE SKIP LOCKED),
	leased AS (
		UPDATE webhook_delivery d SET locked_until = now() + interval '60 seconds'
		FROM due WHERE d.id = due.id RETURNING d.id, d.webhook_id, d.event_seq)
	SELECT l.id, api.webhook_host(w.url), w.url, api.webhook_signing_secrets(w), e.id,
		api.change_json(e)::text
	FROM leased l JOIN webhook w ON w.id = l.webhook_id JOIN change_event e ON e.seq = l.event_seq
	ORDER BY l.event_seq;
$$;

-- Hands back deliveries a stopping worker could not finish: their lease ends now, so another
-- process takes them at once. No attempt is counted (none was completed).
CREATE FUNCTION api.webhook_release(p_ids uuid[]) RETURNS void LANGUAGE sql AS $$
	UPDATE webhook_delivery SET locked_until = NULL
	WHERE id = ANY (p_ids) AND status = 'pending';
$$;

-- Rotates a webhook's secret (owner or admin, as DELETE). The old secret stays valid for
-- p_overlap_seconds (0: not at all). Answers the webhook with the new secret, once, like
-- create, plus when the old one stops being sent. The audit row names the rotation and the
-- window, never a secret.
CREATE FUNCTION api.webhook_rotate_secret(p_id uuid, p_version integer, p_secret text,
	p_overlap_seconds integer, p_admin boolean, p_owner_type text, p_owner_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	w webhook;
	v_expires timestamptz := now() + make_interval(secs => p_overlap_seconds);
BEGIN
	SELECT * INTO w FROM webhook x WHERE x.id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT api.webhook_visible(w, p_admin, p_owner_id) THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
			'there is no such webhook'::text;
		RETURN;
	END IF;
	IF p_version IS NOT NULL AND w.version <> p_version THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text,
			'the webhook changed since you read it'::text;
		RETURN;
	END IF;
	UPDATE webhook x SET previous_secret = CASE WHEN p_overlap_seconds > 0 THEN x.secret END,
		previous_secret_expires_at = CASE WHEN p_overlap_seconds > 0 THEN v_expires END,
		secret = p_secret, version = x.version + 1
	WHERE x.id = p_id RETURNING * INTO w;
	PERFORM audit_write(p_owner_type, p_owner_id, 'rotate_secret', 'webhook', p_id, NULL,
		api.webhook_json(w) || jsonb_build_object('previous_secret_expires_at',
			api.ts(w.previous_secret_expires_at)), p_request_id);
	RETURN QUERY SELECT 200, w.version,
		(api.webhook_json(w) || jsonb_build_object('secret', w.secret,
			'previous_secret_expires_at', api.ts(w.previous_secret_expires_at)))::text,
		NULL::text, NULL::text;
END $$;
