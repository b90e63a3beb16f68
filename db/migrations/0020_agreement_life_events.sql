-- migration: additive
-- 0020_agreement_life_events.sql -- the agreement's life, continued (issue 15): what the
-- change feed tells integrators when an agreement is published or its consultation is
-- scheduled, and removing an action-plan activity.
--
-- The consultation's close date is part of the agreement --------------------------------------
--
-- Setting or moving consultation_closes_at (PUT .../consultation) changed the agreement's row,
-- so its trigger wrote an `agreement` event, but the date was not in the agreement's
-- representation: integrators got an `update` whose data equalled the one before. The date is
-- now a read-only member of the agreement (GET, lists, events, audit rows), and moving it is
-- a new revision (a new ETag, updated_at), so the event says what changed. Setting the date
-- it already has changes nothing: no revision, no audit row, no event.

CREATE OR REPLACE FUNCTION api.agreement_json(a agreement) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', a.id, 'slug', a.slug, 'title', a.title,
		'status', a.status, 'goals', a.goals, 'principles', a.principles,
		'commitments', a.commitments, 'body', a.body, 'decisions', a.decisions,
		'version', a.version, 'adopted_at', api.ts(a.adopted_at),
		'consultation_closes_at', api.ts(a.consultation_closes_at),
		'endorsement_count', (SELECT count(*) FROM endorsement e
			WHERE e.agreement_id = a.id AND e.status = 'active'),
		'created_at', api.ts(a.created_at), 'updated_at', api.ts(a.updated_at));
$$;

CREATE OR REPLACE FUNCTION api.consultation_set(p_ref text, p_closes_at timestamptz,
	p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, 'admin');
	n agreement;
BEGIN
	IF a.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such agreement';
		RETURN;
	END IF;
	SELECT * INTO a FROM agreement x WHERE x.id = a.id FOR UPDATE;
	IF a.status <> 'consultation' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the agreement is ' || a.status || '; a consultation is held on one in consultation';
		RETURN;
	END IF;
	IF a.consultation_closes_at IS NOT DISTINCT FROM p_closes_at THEN
		RETURN QUERY SELECT 200, NULL::integer, api.consultation_json(a)::text, NULL::text,
			NULL::text;
		RETURN;
	END IF;
	UPDATE agreement x SET consultation_closes_at = p_closes_at, revision = x.revision + 1,
		updated_at = now()
	WHERE x.id = a.id RETURNING * INTO n;
	PERFORM audit_write('user', p_actor_id, 'schedule_consultation', 'agreement', a.id,
		api.consultation_json(a), api.consultation_json(n), p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, api.consultation_json(n)::text, NULL::text, NULL::text;
END $$;

-- A draft's documents, announced when it is published --------------------------------------
--
-- A document makes its `document` event when it becomes public (0017), and a draft's
-- documents are not public: they made none. When the agreement is published (draft to
-- consultation, or adopted straight from a draft) the events that the public did not see are
-- written in the same transaction, right after the agreement's own event (the triggers of
-- one row run in the order of their names: agreement_changed, then
-- agreement_documents_published). The same holds for the documents of consultation
-- responses that become public when adoption closes the consultation, or when the close is
-- moved into the past. Each document is announced once: document_changed and the trigger
-- below both skip a document that already has its event (a document uploaded in the
-- transaction that publishes its agreement would otherwise be announced twice; one that was
-- public before the agreement went back to draft is not announced again).

CREATE INDEX change_event_document_idx ON change_event (entity_id) WHERE type = 'document';

CREATE FUNCTION document_announced(p_id uuid) RETURNS boolean LANGUAGE sql STABLE
RETURN EXISTS (SELECT 1 FROM change_event e WHERE e.type = 'document' AND e.entity_id = p_id);

CREATE OR REPLACE FUNCTION document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF api.document_public(NEW) AND NOT document_announced(NEW.id) THEN
		PERFORM change_emit('document', 'create', NEW.id, api.document_json(NEW));
	END IF;
	RETURN NULL;
END $$;

-- Runs at commit, so it sees the agreement as it is then (api.document_public reads it).
CREATE FUNCTION agreement_documents_published() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	d document;
BEGIN
	FOR d IN SELECT * FROM document x
		WHERE (x.agreement_id = NEW.id OR x.consultation_response_id IN (SELECT r.id
			FROM consultation_response r WHERE r.agreement_id = NEW.id))
		ORDER BY x.created_at, x.id
	LOOP
		IF api.document_public(d) AND NOT document_announced(d.id) THEN
			PERFORM change_emit('document', 'create', d.id, api.document_json(d));
		END IF;
	END LOOP;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER agreement_documents_published AFTER UPDATE ON agreement
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status
		OR OLD.consultation_closes_at IS DISTINCT FROM NEW.consultation_closes_at)
	EXECUTE FUNCTION agreement_documents_published();

-- Removing an action-plan activity -----------------------------------------------------------
--
-- An activity entered by mistake is removed (DELETE with If-Match); the audit row keeps what
-- it was (`before`). One that was planned and then dropped is better edited to say so, so
-- that the year's plan still shows it. Activities exist only for adopted (or superseded)
-- agreements, so no state of the agreement refuses it: 404, then 412.
CREATE FUNCTION api.activity_delete(p_ref text, p_year integer, p_id uuid, p_revision integer,
	p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, 'admin');
	old action_plan_activity;
BEGIN
	SELECT * INTO old FROM action_plan_activity x WHERE x.id = p_id AND x.agreement_id = a.id
		AND x.year = p_year FOR UPDATE;
	IF old.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such activity';
		RETURN;
	END IF;
	IF p_revision IS NOT NULL AND old.version <> p_revision THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text,
			'the activity changed since you read it';
		RETURN;
	END IF;
	DELETE FROM action_plan_activity x WHERE x.id = old.id;
	PERFORM audit_write('user', p_actor_id, 'delete', 'action_plan_activity', old.id,
		api.activity_json(old), NULL, p_request_id);
	RETURN QUERY SELECT 204, NULL::integer, NULL::text, NULL::text, NULL::text;
END $$;
