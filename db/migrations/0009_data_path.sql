-- migration: breaking
-- 0009_data_path.sql -- reads at one index lookup, and writes that commit in parallel.
--
-- 1. Each organisation keeps its public representation (the JSON every GET answers) in the
--    column body, written by a BEFORE trigger in the transaction of every change, so that a
--    read is one index lookup that returns stored text. The representation also shows the
--    organisation's endorsement of the current agreement: an endorsement that is made,
--    withdrawn or needs renewing bumps the organisation's version (one trigger, below), and
--    that update writes the new body. Who may see a row (api.organisation_visible) is decided
--    at read time, as before; the body itself is the same for every caller who may see it.
--
-- 2. The change feed without a lock on the writers' commit path. Until now every write took
--    one advisory lock in a deferred trigger and held it through its commit's WAL flush, so
--    that numbers were handed out in commit order; it also meant that no two writes could
--    commit together (about 250 writes a second, whatever the number of clients).
--    Now writers insert their events without a number (seq IS NULL). One sequencer numbers
--    the committed ones in batches, in one short transaction per batch, under an advisory
--    lock so that one process at a time does it (every service process runs one; the others
--    find the lock taken and wait for their next turn). Why readers still never skip:
--      - the sequencer sees only committed events, and gives each batch numbers above
--        every number already given;
--      - a batch's numbers become visible all at once, when its transaction commits, and the
--        lock is released only after that commit is visible, so the next batch starts after
--        it. Hence when a reader sees seq N, every smaller number is already visible.
--    Events of a transaction that is still running are numbered in a later batch, after it
--    commits. The webhook outbox rows are written by the sequencer too, as it numbers the
--    events they refer to. The service runs the sequencer every CHANGE_SEQUENCER_MS (25 ms by
--    default), so an event reaches webhooks well within a second of its commit, and a reader
--    of /changes takes a turn itself before it reads (api.changes), so the feed always shows
--    every change committed before the request.
--    No NOTIFY is sent from the writers: PostgreSQL serialises the commits of transactions
--    that notify (they take a global lock while queueing the notification at commit), which
--    would bring back the queue this removes.
--
-- 3. api.caller: who is asking, read in the same statement as the work, so that a read is
--    one round trip and still refuses a disabled user or a deleted client at once.

-- 1. Stored representations ------------------------------------------------------------------

-- The change triggers are made again below; the backfill must not emit events.
DROP TRIGGER organisation_changed ON organisation;

ALTER TABLE organisation ADD COLUMN body text;

-- Named to run after organisation_check (BEFORE triggers run in name order), which
-- normalises the arrays the body shows.
CREATE FUNCTION organisation_store_body() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.body := api.organisation_json(NEW)::text;
	RETURN NEW;
END $$;
CREATE TRIGGER organisation_store_body BEFORE INSERT OR UPDATE ON organisation
	FOR EACH ROW EXECUTE FUNCTION organisation_store_body();

UPDATE organisation SET body = NULL;  -- the trigger writes every body
ALTER TABLE organisation ALTER COLUMN body SET NOT NULL;

-- An endorsement that starts or changes status changes what its organisation shows: a new
-- version of the organisation, with a new body and a change event. This is the one place
-- that does it (the write functions below no longer bump the version themselves).
CREATE FUNCTION endorsement_touches_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE organisation o SET version = o.version + 1 WHERE o.id = NEW.organisation_id;
	RETURN NULL;
END $$;
CREATE TRIGGER endorsement_touches_organisation AFTER INSERT OR UPDATE OF status ON endorsement
	FOR EACH ROW EXECUTE FUNCTION endorsement_touches_organisation();

-- Events: a new organisation, and every new version of one (an update that only rewrites
-- the stored body is not a change anybody made).
CREATE OR REPLACE FUNCTION organisation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('organisation', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'verified' THEN 'verify'
		WHEN NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'rejected' THEN 'reject'
		ELSE 'update' END, NEW.id, NEW.body::jsonb);
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER organisation_created AFTER INSERT ON organisation
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION organisation_changed();
CREATE CONSTRAINT TRIGGER organisation_changed AFTER UPDATE ON organisation
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
	EXECUTE FUNCTION organisation_changed();

CREATE OR REPLACE FUNCTION api.agreement_adopt(p_ref text, p_decision jsonb, p_actor_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old agreement := api.agreement_find(p_ref, 'admin');
	new agreement;
	prev agreement;
BEGIN
	IF old.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	-- one adoption at a time across the whole register
	PERFORM pg_advisory_xact_lock(7412093387213);
	SELECT * INTO old FROM agreement a WHERE a.id = old.id FOR UPDATE;
	IF old.status NOT IN ('draft', 'consultation') THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the agreement is ' || old.status || '; only a draft or one in consultation is adopted';
		RETURN;
	END IF;
	UPDATE agreement a SET status = 'superseded', revision = a.revision + 1, updated_at = now()
	WHERE a.status = 'adopted' RETURNING * INTO prev;
	IF prev.id IS NOT NULL THEN
		UPDATE endorsement e SET status = 'renewal_needed', renewal_needed_at = clock_timestamp()
		WHERE e.agreement_id = prev.id AND e.status = 'active';
		PERFORM audit_write('user', p_actor_id, 'supersede', 'agreement', prev.id,
			jsonb_build_object('status', 'adopted'), jsonb_build_object('status', 'superseded'),
			p_request_id);
	END IF;
	UPDATE agreement a SET status = 'adopted', adopted_at = now(),
		decisions = a.decisions || jsonb_build_array(api.decision_normal(p_decision)),
		revision = a.revision + 1, updated_at = now()
	WHERE a.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'adopt', 'agreement', old.id,
		api.agreement_json(old), api.agreement_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.revision, api.agreement_json(new)::text, NULL::text, NULL::text;
END $$;

CREATE OR REPLACE FUNCTION api.endorsement_create(p_ref text, p jsonb, p_caller_kind text, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	o organisation;
	e endorsement;
BEGIN
	IF a.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO o FROM organisation WHERE id = (p->>'organisation_id')::uuid;
	IF NOT FOUND OR NOT api.organisation_visible(o, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/organisation_id', 'no such organisation';
		RETURN;
	END IF;
	IF NOT api.may_sign(o.id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
			'only a signatory of the organisation, or the secretariat, endorses for it';
		RETURN;
	END IF;
	IF a.status <> 'adopted' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'only the adopted agreement is endorsed; this one is ' || a.status;
		RETURN;
	END IF;
	IF o.status <> 'verified' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the organisation is ' || o.status || '; it endorses once verified';
		RETURN;
	END IF;
	-- a concurrent second endorsement fails on endorsement_active_key (23505 -> 409)
	INSERT INTO endorsement (agreement_id, organisation_id, signatory_name, signatory_title,
		mandate, statement, endorsed_by)
	VALUES (a.id, o.id, btrim(p->>'signatory_name'), p->>'signatory_title', btrim(p->>'mandate'),
		p->>'statement', p_user_id)
	RETURNING * INTO e;
	PERFORM audit_write('user', p_user_id, 'endorse', 'endorsement', e.id, NULL,
		api.endorsement_json(e, true, clock_timestamp()), p_request_id);
	RETURN QUERY SELECT 201, 1, api.endorsement_json(e, true, clock_timestamp())::text,
		NULL::text, NULL::text;
END $$;

CREATE OR REPLACE FUNCTION api.endorsement_withdraw(p_ref text, p_id uuid, p_reason text,
	p_caller_kind text, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	old endorsement;
	new endorsement;
	o organisation;
BEGIN
	SELECT * INTO old FROM endorsement e WHERE e.id = p_id AND e.agreement_id = a.id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO o FROM organisation WHERE id = old.organisation_id;
	IF NOT api.may_sign(o.id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
			'only a signatory of the organisation, or the secretariat, withdraws for it';
		RETURN;
	END IF;
	IF old.status <> 'active' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the endorsement is ' || old.status || ', not active';
		RETURN;
	END IF;
	UPDATE endorsement e SET status = 'withdrawn', withdrawn_at = clock_timestamp(),
		withdrawal_reason = btrim(p_reason), withdrawn_by = p_user_id
	WHERE e.id = p_id RETURNING * INTO new;
	PERFORM audit_write('user', p_user_id, 'withdraw', 'endorsement', p_id,
		api.endorsement_json(old, true, clock_timestamp()),
		api.endorsement_json(new, true, clock_timestamp()), p_request_id);
	-- the endorsement's ETag: 1 while active, 2 once withdrawn (it changes no further)
	RETURN QUERY SELECT 200, 2, api.endorsement_json(new, true, clock_timestamp())::text,
		NULL::text, NULL::text;
END $$;

-- 2. The change feed, numbered by a sequencer ----------------------------------------------

ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_event_seq_fkey;
ALTER TABLE change_event DROP CONSTRAINT change_event_pkey;
ALTER TABLE change_event ALTER COLUMN seq DROP IDENTITY;
ALTER TABLE change_event ALTER COLUMN seq DROP NOT NULL;
-- pos: the order events were written in; the sequencer numbers them in this order. Added
-- without rewriting the table (PostgreSQL 15.19 and later refuse to rewrite a table whose row
-- type a function body uses, as api.change_json does): existing events keep their seq as pos.
ALTER TABLE change_event ADD COLUMN pos bigint;
UPDATE change_event SET pos = seq;
ALTER TABLE change_event ALTER COLUMN pos SET NOT NULL;
ALTER TABLE change_event ALTER COLUMN pos ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('change_event', 'pos'), coalesce(max(pos), 0) + 1, false)
FROM change_event;
ALTER TABLE change_event ADD CONSTRAINT change_event_pkey PRIMARY KEY (pos);
ALTER TABLE change_event ADD CONSTRAINT change_event_seq_key UNIQUE (seq);
CREATE INDEX change_event_unnumbered_idx ON change_event (pos) WHERE seq IS NULL;
ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_event_seq_fkey
	FOREIGN KEY (event_seq) REFERENCES change_event (seq);

-- A writer's part: one insert, no lock.
CREATE OR REPLACE FUNCTION change_emit(p_type text, p_action text, p_id uuid, p_data jsonb)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO change_event (xid, type, action, entity_id, data)
	VALUES (pg_current_xact_id(), p_type, p_action, p_id, p_data);
$$;

-- Numbers up to p_batch committed events and queues their webhook deliveries; the caller
-- holds the sequencer's lock (below). Returns how many it numbered.
CREATE FUNCTION change_number(p_batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	last bigint;
	numbered integer;
BEGIN
	SELECT coalesce(max(seq), 0) INTO last FROM change_event;
	WITH batch AS (
		SELECT e.pos, last + row_number() OVER (ORDER BY e.pos) AS seq
		FROM change_event e WHERE e.seq IS NULL ORDER BY e.pos LIMIT p_batch),
	done AS (
		UPDATE change_event e SET seq = b.seq FROM batch b WHERE e.pos = b.pos
		RETURNING e.seq, e.type),
	queued AS (
		INSERT INTO webhook_delivery (webhook_id, event_seq)
		SELECT w.id, d.seq FROM done d JOIN webhook w ON w.deleted_at IS NULL AND d.type = ANY (w.types)
		RETURNING 1)
	SELECT count(*) INTO numbered FROM done;
	RETURN numbered;
END $$;

-- The sequencer's turn, in a transaction of its own (autocommit): see the head of this file.
-- Returns how many events it numbered, or -1 when another process holds the turn.
CREATE FUNCTION change_sequence(p_batch integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
	IF NOT pg_try_advisory_xact_lock(7412093387214) THEN
		RETURN -1;
	END IF;
	RETURN change_number(p_batch);
END $$;

-- The change feed. A reader first numbers whatever has committed (waiting for a batch in
-- progress), so that the feed shows every change that committed before the request: an
-- integrator that writes and then reads sees its own write, and the feed's end, read with
-- after=0, is a point after which only later commits appear. The numbers are committed with
-- this statement, before the answer leaves the service.
CREATE OR REPLACE FUNCTION api.changes(p_after bigint, p_types text[], p_limit integer)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	PERFORM pg_advisory_xact_lock(7412093387214);
	WHILE change_number(10000) = 10000 LOOP
	END LOOP;
	WITH page AS (
		SELECT e.* FROM change_event e
		WHERE e.seq > p_after AND e.type = ANY (p_types)
		ORDER BY e.seq LIMIT p_limit)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.change_json(p) ORDER BY p.seq) FROM page p), '[]'::json),
		'next_after', coalesce((SELECT max(seq) FROM page), p_after))::text
	INTO result;
	RETURN result;
END $$;

-- 3. Who is asking ---------------------------------------------------------------------------

-- One row for a principal that may act now, none for a disabled user or a deleted client.
-- held: the role (users) or the scopes (clients) held now; kind: the caller as visibility
-- rules see it (admin, member, client with an organisations:* scope both granted and held,
-- or anonymous); user_id: a person's id.
CREATE FUNCTION api.caller(p_kind text, p_id uuid, p_token_scopes text)
RETURNS TABLE (held text, kind text, user_id uuid) LANGUAGE sql STABLE AS $$
	SELECT u.role, CASE u.role WHEN 'admin' THEN 'admin' ELSE 'member' END, u.id
	FROM app_user u WHERE p_kind = 'user' AND u.id = p_id AND NOT u.disabled
	UNION ALL
	SELECT array_to_string(c.scopes, ' '),
		CASE WHEN EXISTS (SELECT 1 FROM unnest(c.scopes) s
			WHERE s IN ('organisations:read', 'organisations:write')
			  AND s = ANY (string_to_array(p_token_scopes, ' '))) THEN 'client'
		ELSE 'anonymous' END, NULL::uuid
	FROM api_client c WHERE p_kind = 'client' AND c.id = p_id AND c.deleted_at IS NULL
	UNION ALL
	SELECT 'anonymous', 'anonymous', NULL::uuid WHERE p_kind = 'anonymous';
$$;


-- Reads that the statements in service/src/db/statements.c now make themselves.
DROP FUNCTION api.organisation_members(uuid, text, uuid, integer, jsonb);
DROP FUNCTION api.organisation_list(jsonb, text, uuid, integer, jsonb);
DROP FUNCTION api.organisation_get(uuid, text, uuid);
