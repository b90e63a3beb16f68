-- migration: additive
-- 0007_changes_webhooks.sql -- the change feed, webhook subscriptions and their outbox.
--
-- Every committed change of an organisation, endorsement, dialogue or agreement becomes one
-- change_event, written by a trigger in the change's own transaction, together with one
-- webhook_delivery per matching subscription (the outbox). Nothing is emitted by hand, so no
-- writer can forget an event, and a write that changes nothing emits nothing.
--
-- Why readers never skip an event. Transactions commit in any order, so if sequence
-- numbers were taken while a transaction ran, seq 11 could become visible while seq 10's
-- transaction was still open; a reader that passed 11 would never see 10. Holding back
-- events of transactions newer than the oldest running one (pg_snapshot_xmin) is not enough
-- either: a transaction with an older xid can take a higher seq than a younger one that
-- is still running (we measured exactly that skip). So the events are written by DEFERRED
-- constraint triggers, which run at commit time, and change_emit takes one advisory lock
-- before taking the number. The lock is released only after the commit is visible, so
-- numbers are handed out in commit order: when seq N is visible, every smaller number is
-- visible too, or was rolled back and never will be. Writers wait on that lock only for
-- their last moment (the triggers run after all their row locks are taken, so this lock
-- cannot deadlock with row locks).

CREATE TABLE change_event (
	seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          uuid NOT NULL DEFAULT gen_random_uuid(),
	xid         xid8 NOT NULL,  -- the writing transaction, for tracing
	type        text NOT NULL CHECK (type IN ('organisation', 'endorsement', 'dialogue', 'agreement')),
	action      text NOT NULL,
	entity_id   uuid NOT NULL,
	occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	data        jsonb NOT NULL
);
CREATE INDEX change_event_type_idx ON change_event (type, seq);

CREATE TABLE webhook (
	id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	owner_type  text NOT NULL CHECK (owner_type IN ('user', 'client')),
	owner_id    uuid NOT NULL,
	url         text NOT NULL CONSTRAINT webhook_url_check
	              CHECK (url ~* '^https?://[^/\s]+' AND length(url) <= 500),
	types       text[] NOT NULL CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	              AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement']),
	secret      text NOT NULL,  -- whsec_<base64>: needed in clear to sign deliveries
	version     integer NOT NULL DEFAULT 1,
	created_at  timestamptz NOT NULL DEFAULT now(),
	deleted_at  timestamptz
);
CREATE INDEX webhook_owner_idx ON webhook (owner_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_delivery (
	id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	webhook_id       uuid NOT NULL REFERENCES webhook (id),
	event_seq        bigint NOT NULL REFERENCES change_event (seq),
	status           text NOT NULL DEFAULT 'pending'
	                   CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts         integer NOT NULL DEFAULT 0,
	next_attempt_at  timestamptz NOT NULL DEFAULT now(),
	locked_until     timestamptz,  -- a worker's lease: another may take over after it
	last_status_code integer,
	last_error       text,
	created_at       timestamptz NOT NULL DEFAULT now(),
	delivered_at     timestamptz
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_webhook_idx ON webhook_delivery (webhook_id, created_at DESC);

CREATE TABLE webhook_attempt (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	delivery_id uuid NOT NULL REFERENCES webhook_delivery (id),
	at          timestamptz NOT NULL DEFAULT clock_timestamp(),
	status_code integer,
	error       text,
	duration_ms integer NOT NULL
);
CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, id);

-- Writes one event and queues it for every subscribed webhook.
CREATE FUNCTION change_emit(p_type text, p_action text, p_id uuid, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_seq bigint;
BEGIN
	-- numbers in commit order: see the head of this file
	PERFORM pg_advisory_xact_lock(7412093387214);
	INSERT INTO change_event (xid, type, action, entity_id, data)
	VALUES (pg_current_xact_id(), p_type, p_action, p_id, p_data) RETURNING seq INTO v_seq;
	INSERT INTO webhook_delivery (webhook_id, event_seq)
	SELECT w.id, v_seq FROM webhook w WHERE w.deleted_at IS NULL AND p_type = ANY (w.types);
END $$;

CREATE FUNCTION organisation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('organisation', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'verified' THEN 'verify'
		WHEN NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'rejected' THEN 'reject'
		ELSE 'update' END, NEW.id, api.organisation_json(NEW));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER organisation_changed AFTER INSERT OR UPDATE ON organisation
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION organisation_changed();

CREATE FUNCTION endorsement_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('endorsement', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN 'withdraw'
		ELSE 'update' END, NEW.id, api.endorsement_json(NEW, false, 'infinity'));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER endorsement_changed AFTER INSERT OR UPDATE ON endorsement
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION endorsement_changed();

CREATE FUNCTION dialogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('dialogue', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN 'cancel'
		ELSE 'update' END, NEW.id, api.dialogue_json(NEW));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER dialogue_changed AFTER INSERT OR UPDATE ON dialogue
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dialogue_changed();

-- A draft is the secretariat's work in progress: it makes no events until it is published.
CREATE FUNCTION agreement_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status = 'draft' THEN
		RETURN NULL;
	END IF;
	PERFORM change_emit('agreement', CASE
		WHEN NEW.status = 'adopted' AND (TG_OP = 'INSERT' OR OLD.status <> 'adopted') THEN 'adopt'
		WHEN NEW.status = 'superseded' AND (TG_OP = 'INSERT' OR OLD.status <> 'superseded') THEN 'supersede'
		WHEN TG_OP = 'INSERT' OR OLD.status = 'draft' THEN 'create'
		ELSE 'update' END, NEW.id, api.agreement_json(NEW));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER agreement_changed AFTER INSERT OR UPDATE ON agreement
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION agreement_changed();

CREATE FUNCTION api.change_json(e change_event) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('seq', e.seq, 'id', e.id, 'type', e.type, 'action', e.action,
	'entity_id', e.entity_id, 'occurred_at', api.ts(e.occurred_at), 'data', e.data);

-- The change feed: events after p_after, in seq order. Numbers are handed out in commit
-- order (see the head of this file), so whatever a reader sees, it has seen every smaller
-- number that will ever exist.
CREATE FUNCTION api.changes(p_after bigint, p_types text[], p_limit integer) RETURNS text
LANGUAGE sql STABLE AS $$
	WITH page AS (
		SELECT e.* FROM change_event e
		WHERE e.seq > p_after AND e.type = ANY (p_types)
		ORDER BY e.seq LIMIT p_limit)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.change_json(p) ORDER BY p.seq) FROM page p), '[]'::json),
		'next_after', coalesce((SELECT max(seq) FROM page), p_after))::text;
$$;

-- Webhooks ---------------------------------------------------------------------------------

CREATE FUNCTION api.webhook_json(w webhook) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', w.id, 'url', w.url, 'types', to_jsonb(w.types),
	'created_at', api.ts(w.created_at));

CREATE FUNCTION api.webhook_create(p_url text, p_types jsonb, p_secret text, p_owner_type text,
	p_owner_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	w webhook;
BEGIN
	INSERT INTO webhook (owner_type, owner_id, url, types, secret)
	VALUES (p_owner_type, p_owner_id, p_url,
		ARRAY(SELECT DISTINCT jsonb_array_elements_text(p_types) ORDER BY 1), p_secret)
	RETURNING * INTO w;
	PERFORM audit_write(p_owner_type, p_owner_id, 'create', 'webhook', w.id, NULL,
		api.webhook_json(w), p_request_id);
	RETURN QUERY SELECT 201, w.version,
		(api.webhook_json(w) || jsonb_build_object('secret', w.secret))::text, NULL::text, NULL::text;
END $$;

-- Admin sees every webhook; others see their own.
CREATE FUNCTION api.webhook_visible(w webhook, p_admin boolean, p_owner_id uuid)
RETURNS boolean LANGUAGE sql STABLE
RETURN w.deleted_at IS NULL AND (p_admin OR w.owner_id = p_owner_id);

CREATE FUNCTION api.webhook_list(p_admin boolean, p_owner_id uuid) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce(json_agg(api.webhook_json(w)
		ORDER BY w.created_at, w.id), '[]'::json))::text
	FROM webhook w WHERE api.webhook_visible(w, p_admin, p_owner_id);
$$;

CREATE FUNCTION api.webhook_get(p_id uuid, p_admin boolean, p_owner_id uuid)
RETURNS TABLE (version integer, body text) LANGUAGE sql STABLE AS $$
	SELECT w.version, api.webhook_json(w)::text FROM webhook w
	WHERE w.id = p_id AND api.webhook_visible(w, p_admin, p_owner_id);
$$;

CREATE FUNCTION api.webhook_delete(p_id uuid, p_version integer, p_admin boolean,
	p_owner_type text, p_owner_id uuid, p_request_id text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	w webhook;
BEGIN
	SELECT * INTO w FROM webhook x WHERE x.id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT api.webhook_visible(w, p_admin, p_owner_id) THEN
		RETURN 404;
	END IF;
	IF p_version IS NOT NULL AND w.version <> p_version THEN
		RETURN 412;
	END IF;
	UPDATE webhook x SET deleted_at = now(), version = x.version + 1 WHERE x.id = p_id;
	UPDATE webhook_delivery d SET status = 'failed', last_error = 'the webhook was deleted',
		locked_until = NULL
	WHERE d.webhook_id = p_id AND d.status = 'pending';
	PERFORM audit_write(p_owner_type, p_owner_id, 'delete', 'webhook', p_id,
		api.webhook_json(w), NULL, p_request_id);
	RETURN 204;
END $$;

CREATE FUNCTION api.webhook_deliveries(p_id uuid, p_admin boolean, p_owner_id uuid)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC)
		FROM (SELECT d.created_at, d.id, jsonb_build_object('id', d.id, 'event_id', e.id,
			'event_seq', d.event_seq, 'type', e.type, 'status', d.status,
			'attempts', d.attempts,
			'next_attempt_at', CASE WHEN d.status = 'pending' THEN api.ts(d.next_attempt_at) END,
			'last_status_code', d.last_status_code, 'created_at', api.ts(d.created_at),
			'delivered_at', api.ts(d.delivered_at),
			'attempts_log', coalesce((SELECT jsonb_agg(jsonb_build_object('at', api.ts(a.at),
				'status_code', a.status_code, 'error', a.error,
				'duration_ms', a.duration_ms) ORDER BY a.id)
				FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]'::jsonb)) AS j
		      FROM webhook_delivery d JOIN change_event e ON e.seq = d.event_seq
		      WHERE d.webhook_id = p_id ORDER BY d.created_at DESC, d.id DESC LIMIT 100) x),
		'[]'::json))::text
	FROM webhook w WHERE w.id = p_id AND api.webhook_visible(w, p_admin, p_owner_id);
$$;

-- The delivery worker's side. Claims up to p_limit due deliveries with a 60 s lease;
-- SKIP LOCKED lets every service process claim different ones, and the lease (not a long
-- transaction) protects a delivery while it is being sent, so the change feed is never
-- held back by a slow receiver.
CREATE FUNCTION api.webhook_claim(p_limit integer)
RETURNS TABLE (delivery_id uuid, url text, secret text, event_id uuid, body text)
LANGUAGE sql AS $$
	WITH due AS (
		SELECT d.id FROM webhook_delivery d
		WHERE d.status = 'pending' AND d.next_attempt_at <= now()
		  AND (d.locked_until IS NULL OR d.locked_until < now())
		ORDER BY d.next_attempt_at, d.event_seq LIMIT p_limit
		FOR UPDATE SKIP LOCKED),
	leased AS (
		UPDATE webhook_delivery d SET locked_until = now() + interval '60 seconds'
		FROM due WHERE d.id = due.id RETURNING d.id, d.webhook_id, d.event_seq)
	SELECT l.id, w.url, w.secret, e.id, api.change_json(e)::text
	FROM leased l JOIN webhook w ON w.id = l.webhook_id JOIN change_event e ON e.seq = l.event_seq
	ORDER BY l.event_seq;
$$;

-- Records one attempt. A 2xx delivers; anything else schedules the next try after about
-- 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h, with ±20 % jitter, for 24 h after
-- the event; then the delivery has failed. p_scale divides the delays (tests).
CREATE FUNCTION api.webhook_record(p_delivery uuid, p_status_code integer, p_error text,
	p_duration_ms integer, p_scale float8) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	d webhook_delivery;
	delays integer[] := ARRAY[5, 30, 120, 600, 1800, 3600];
	delay float8;
	next timestamptz;
BEGIN
	SELECT * INTO d FROM webhook_delivery WHERE id = p_delivery FOR UPDATE;
	IF NOT FOUND OR d.status <> 'pending' THEN
		RETURN 'gone';
	END IF;
	INSERT INTO webhook_attempt (delivery_id, status_code, error, duration_ms)
	VALUES (p_delivery, p_status_code, left(p_error, 500), p_duration_ms);
	IF p_status_code BETWEEN 200 AND 299 THEN
		UPDATE webhook_delivery SET status = 'delivered', attempts = attempts + 1,
			last_status_code = p_status_code, last_error = NULL, delivered_at = now(),
			locked_until = NULL
		WHERE id = p_delivery;
		RETURN 'delivered';
	END IF;
	delay := coalesce(delays[d.attempts + 1], 7200) * (0.8 + random() * 0.4) / greatest(p_scale, 1);
	next := now() + make_interval(secs => delay);
	UPDATE webhook_delivery SET attempts = attempts + 1, last_status_code = p_status_code,
		last_error = left(p_error, 500), locked_until = NULL,
		status = CASE WHEN next > d.created_at + interval '24 hours' / greatest(p_scale, 1)
			THEN 'failed' ELSE 'pending' END,
		next_attempt_at = next
	WHERE id = p_delivery;
	RETURN CASE WHEN next > d.created_at + interval '24 hours' / greatest(p_scale, 1)
		THEN 'failed' ELSE 'retry' END;
END $$;

-- What /metrics shows about integration: queued deliveries, and how far behind they are
-- (seconds since the oldest pending delivery's event).
CREATE FUNCTION api.integration_gauges(OUT pending bigint, OUT lag_seconds bigint)
LANGUAGE sql STABLE AS $$
	SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at))::bigint, 0)
	FROM webhook_delivery WHERE status = 'pending';
$$;
