-- migration: additive
-- 0016_secretariat.sql -- the secretariat's daily tools: a rejected organisation resubmits
-- itself, endorsements received on paper, and retrying a failed webhook delivery.
--
-- Only adds: a table, functions. No existing function is replaced, so the service before
-- this migration keeps working on a database that has it.

-- A rejected organisation's people correct its details (PATCH, as before) and send it back
-- to the secretariat: the status returns to pending, the rejection's reason stays in the
-- audit log (not on the organisation). Only from rejected; only its representatives and
-- signatories, or the secretariat.
CREATE FUNCTION api.organisation_resubmit(p_id uuid, p_caller_kind text, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old organisation;
	new organisation;
BEGIN
	SELECT * INTO old FROM organisation o WHERE o.id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT api.organisation_visible(old, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF NOT api.organisation_may_change(p_id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF old.status <> 'rejected' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the organisation is ' || old.status || '; only a rejected one is resubmitted';
		RETURN;
	END IF;
	UPDATE organisation o SET status = 'pending', status_reason = NULL,
		version = o.version + 1, updated_at = now()
	WHERE o.id = p_id RETURNING * INTO new;
	PERFORM audit_write('user', p_user_id,
		'resubmit', 'organisation', p_id, api.organisation_json(old),
		api.organisation_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.organisation_json(new)::text, NULL::text,
		NULL::text;
END $$;

-- An endorsement the secretariat received on paper and recorded for the organisation. The
-- endorsement itself is an ordinary one (made through api.endorsement_create, so every rule
-- of endorsing holds, and the register shows it like any other); this row says that it came
-- on paper, when, and which scan documents it. document_id is the hook for the agreement's
-- documents (the scan is uploaded there); it has no foreign key yet because that table comes
-- with its own migration, which is expected to add the key.
CREATE TABLE endorsement_paper (
	endorsement_id uuid PRIMARY KEY REFERENCES endorsement (id),
	received_on    date NOT NULL CONSTRAINT endorsement_paper_received_on_check
	                 CHECK (received_on >= DATE '2000-01-01'),
	document_id    uuid,
	recorded_by    uuid NOT NULL REFERENCES app_user (id),
	recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER endorsement_paper_append_only BEFORE UPDATE OR DELETE ON endorsement_paper
	FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();

CREATE FUNCTION api.endorsement_paper_json(p endorsement_paper) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('received_on', to_char(p.received_on, 'YYYY-MM-DD'),
		'document_id', p.document_id, 'recorded_at', api.ts(p.recorded_at),
		'recorded_by', (SELECT jsonb_build_object('id', u.id, 'name', u.name)
			FROM app_user u WHERE u.id = p.recorded_by));
$$;

-- p: the endorsement's fields plus received_on (YYYY-MM-DD, not in the future) and
-- document_id (or null). Answers the endorsement with {paper: ...} added.
CREATE FUNCTION api.endorsement_paper_create(p_ref text, p jsonb, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	w record;
	pr endorsement_paper;
BEGIN
	IF (p->>'received_on')::date > (now() AT TIME ZONE 'Europe/Stockholm')::date THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/received_on',
			'must not be in the future';
		RETURN;
	END IF;
	SELECT * INTO w FROM api.endorsement_create(p_ref, p - 'received_on' - 'document_id',
		'admin', p_user_id, p_request_id) x;
	IF w.status <> 201 THEN
		RETURN QUERY SELECT w.status, w.version, w.body, w.field, w.message;
		RETURN;
	END IF;
	INSERT INTO endorsement_paper (endorsement_id, received_on, document_id, recorded_by)
	VALUES ((w.body::jsonb->>'id')::uuid, (p->>'received_on')::date,
		(p->>'document_id')::uuid, p_user_id)
	RETURNING * INTO pr;
	PERFORM audit_write('user', p_user_id, 'record_paper', 'endorsement', pr.endorsement_id,
		NULL, api.endorsement_paper_json(pr), p_request_id);
	RETURN QUERY SELECT 201, w.version,
		(w.body::jsonb || jsonb_build_object('paper', api.endorsement_paper_json(pr)))::text,
		NULL::text, NULL::text;
END $$;

-- Makes a failed delivery due again: the worker sends it at its next poll, as any pending
-- delivery, and records the attempt as usual (one more try: the delivery's 24-hour window
-- has passed, so a failure fails it again). Only a failed delivery, of a webhook the caller
-- may see, whose owner may still read the change feed.
CREATE FUNCTION api.webhook_delivery_json(d webhook_delivery) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', d.id, 'event_id', e.id, 'event_seq', d.event_seq,
		'type', e.type, 'status', d.status, 'attempts', d.attempts,
		'next_attempt_at', CASE WHEN d.status = 'pending' THEN api.ts(d.next_attempt_at) END,
		'last_status_code', d.last_status_code, 'created_at', api.ts(d.created_at),
		'delivered_at', api.ts(d.delivered_at),
		'attempts_log', coalesce((SELECT jsonb_agg(jsonb_build_object('at', api.ts(a.at),
			'status_code', a.status_code, 'error', a.error, 'duration_ms', a.duration_ms)
			ORDER BY a.id) FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]'::jsonb))
	FROM change_event e WHERE e.seq = d.event_seq;
$$;

CREATE FUNCTION api.webhook_delivery_retry(p_webhook uuid, p_delivery uuid, p_admin boolean,
	p_owner_id uuid, p_actor_type text, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	w webhook;
	d webhook_delivery;
BEGIN
	SELECT * INTO w FROM webhook x WHERE x.id = p_webhook;
	IF NOT FOUND OR NOT api.webhook_visible(w, p_admin, p_owner_id) THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO d FROM webhook_delivery x WHERE x.id = p_delivery AND x.webhook_id = p_webhook
	FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF d.status <> 'failed' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the delivery is ' || d.status || '; only a failed delivery is retried';
		RETURN;
	END IF;
	IF NOT api.webhook_owner_may_read(w.owner_type, w.owner_id) THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the webhook''s owner may no longer read the change feed';
		RETURN;
	END IF;
	UPDATE webhook_delivery x SET status = 'pending', next_attempt_at = now(),
		locked_until = NULL
	WHERE x.id = p_delivery RETURNING * INTO d;
	PERFORM audit_write(p_actor_type, p_owner_id, 'retry', 'webhook', p_webhook, NULL,
		jsonb_build_object('delivery_id', d.id, 'event_seq', d.event_seq), p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, api.webhook_delivery_json(d)::text, NULL::text,
		NULL::text;
END $$;
