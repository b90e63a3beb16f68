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

-- Vocabularies the secretariat edits: organisation kinds, interest areas and districts get
-- new codes, new labels, or are retired (Göteborg reorganises its districts). A retired code
-- stays in the table, so every old record still shows its label; it is refused for a new
-- value, but a record that already holds it may keep it through later edits. Dialogue kinds
-- stay fixed (the service's rules name them).
ALTER TABLE vocabulary ADD COLUMN retired_at timestamptz;

CREATE OR REPLACE FUNCTION api.vocabulary_list(p_vocabulary text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label_sv', label_sv,
		'label_en', label_en, 'retired', retired_at IS NOT NULL) ORDER BY position), '[]'::jsonb)
	FROM vocabulary WHERE vocabulary = p_vocabulary;
$$;

-- True when code is current in vocabulary v, or retired but already held (old: the codes
-- the record had before this write).
CREATE FUNCTION vocabulary_code_ok(v text, code text, old text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM vocabulary x WHERE x.vocabulary = v AND x.code = $2
		AND (x.retired_at IS NULL OR $2 = ANY (coalesce(old, '{}'))));
$$;

CREATE OR REPLACE FUNCTION organisation_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
	was boolean := TG_OP = 'UPDATE';
BEGIN
	IF NOT vocabulary_code_ok('kind', NEW.kind, CASE WHEN was THEN ARRAY[OLD.kind] END) THEN
		RAISE EXCEPTION 'unknown kind %', NEW.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_kind_check';
	END IF;
	SELECT a INTO bad FROM unnest(NEW.areas) a
	WHERE NOT vocabulary_code_ok('area', a, CASE WHEN was THEN OLD.areas END) LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'unknown area %', bad
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_areas_check';
	END IF;
	SELECT d INTO bad FROM unnest(NEW.districts) d
	WHERE NOT vocabulary_code_ok('district', d, CASE WHEN was THEN OLD.districts END) LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'unknown district %', bad
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_districts_check';
	END IF;
	NEW.areas := ARRAY(SELECT DISTINCT a FROM unnest(NEW.areas) a ORDER BY 1);
	NEW.districts := ARRAY(SELECT DISTINCT d FROM unnest(NEW.districts) d ORDER BY 1);
	IF NEW.umbrella_id IS NOT NULL AND (TG_OP = 'INSERT'
	   OR NEW.umbrella_id IS DISTINCT FROM OLD.umbrella_id) THEN
		-- walk up from the new umbrella: meeting ourselves means a cycle. The row lock on
		-- each ancestor keeps two concurrent re-parentings from closing a loop together.
		IF EXISTS (
			WITH RECURSIVE up(id, depth) AS (
				SELECT NEW.umbrella_id, 1
				UNION ALL
				SELECT o.umbrella_id, up.depth + 1 FROM organisation o JOIN up ON o.id = up.id
				WHERE o.umbrella_id IS NOT NULL AND up.depth < 100)
			SELECT 1 FROM up WHERE up.id = NEW.id) THEN
			RAISE EXCEPTION 'umbrella cycle'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_umbrella_cycle';
		END IF;
		PERFORM 1 FROM organisation WHERE id = NEW.umbrella_id FOR KEY SHARE;
	END IF;
	RETURN NEW;
END $$;

-- The three editable vocabularies, as the API names them.
CREATE FUNCTION api.vocabulary_of(p_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_name WHEN 'kinds' THEN 'kind' WHEN 'areas' THEN 'area'
		WHEN 'districts' THEN 'district' END;
$$;

CREATE FUNCTION api.vocabulary_entry_json(v vocabulary) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', v.code, 'label_sv', v.label_sv, 'label_en', v.label_en,
		'retired', v.retired_at IS NOT NULL);
$$;

-- p: {code, label_sv, label_en}, checked by the service. A new code goes last.
CREATE FUNCTION api.vocabulary_add(p_name text, p jsonb, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	voc text := api.vocabulary_of(p_name);
	v vocabulary;
BEGIN
	IF voc IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	-- one writer per vocabulary at a time: positions stay distinct
	PERFORM pg_advisory_xact_lock(hashtext('vocabulary:' || voc));
	IF EXISTS (SELECT 1 FROM vocabulary x WHERE x.vocabulary = voc AND x.code = p->>'code') THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the code is already in the vocabulary (retired codes too)';
		RETURN;
	END IF;
	INSERT INTO vocabulary (vocabulary, code, label_sv, label_en, position)
	VALUES (voc, p->>'code', btrim(p->>'label_sv'), btrim(p->>'label_en'),
		(SELECT coalesce(max(position), 0) + 1 FROM vocabulary x WHERE x.vocabulary = voc))
	RETURNING * INTO v;
	PERFORM audit_write('user', p_user_id, 'create', 'vocabulary', NULL, NULL,
		jsonb_build_object('vocabulary', voc) || api.vocabulary_entry_json(v), p_request_id);
	RETURN QUERY SELECT 201, NULL::integer, api.vocabulary_entry_json(v)::text, NULL::text,
		NULL::text;
END $$;

-- p: any of {label_sv, label_en, retired}, checked by the service.
CREATE FUNCTION api.vocabulary_patch(p_name text, p_code text, p jsonb, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	voc text := api.vocabulary_of(p_name);
	old vocabulary;
	new vocabulary;
BEGIN
	SELECT * INTO old FROM vocabulary x WHERE x.vocabulary = voc AND x.code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE vocabulary x SET label_sv = coalesce(btrim(p->>'label_sv'), x.label_sv),
		label_en = coalesce(btrim(p->>'label_en'), x.label_en),
		retired_at = CASE WHEN NOT p ? 'retired' THEN x.retired_at
			WHEN (p->>'retired')::boolean THEN coalesce(x.retired_at, now()) END
	WHERE x.vocabulary = voc AND x.code = p_code RETURNING * INTO new;
	IF api.vocabulary_entry_json(new) <> api.vocabulary_entry_json(old) THEN
		PERFORM audit_write('user', p_user_id, CASE
				WHEN new.retired_at IS NOT NULL AND old.retired_at IS NULL THEN 'retire'
				WHEN new.retired_at IS NULL AND old.retired_at IS NOT NULL THEN 'reinstate'
				ELSE 'update' END, 'vocabulary', NULL,
			jsonb_build_object('vocabulary', voc) || api.vocabulary_entry_json(old),
			jsonb_build_object('vocabulary', voc) || api.vocabulary_entry_json(new), p_request_id);
	END IF;
	RETURN QUERY SELECT 200, NULL::integer, api.vocabulary_entry_json(new)::text, NULL::text,
		NULL::text;
END $$;

-- The council (rådet): seats and the members who hold them for a term. A seat has a
-- category; an organisation seat may stand for a group ("paraplyorganisationer"). Members are
-- ordinary or substitutes (ersättare); a politician has a party, an organisation member
-- represents an organisation. Terms are dates, `from` to `to` inclusive (`to` open while the
-- term runs). History is kept: a term that ends gets its `to`, nothing is deleted, and the
-- council on any date is read from the terms.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE council_seat (
	id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	category   text NOT NULL CONSTRAINT council_seat_category_check
	             CHECK (category IN ('politician', 'official', 'organisation')),
	title      text NOT NULL CONSTRAINT council_seat_title_check
	             CHECK (length(btrim(title)) BETWEEN 2 AND 200),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE council_member (
	id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seat_id         uuid NOT NULL REFERENCES council_seat (id),
	role            text NOT NULL CONSTRAINT council_member_role_check
	                  CHECK (role IN ('ordinary', 'substitute')),
	name            text NOT NULL CONSTRAINT council_member_name_check
	                  CHECK (length(btrim(name)) BETWEEN 2 AND 200),
	party           text CONSTRAINT council_member_party_check
	                  CHECK (party IS NULL OR length(btrim(party)) BETWEEN 1 AND 100),
	organisation_id uuid REFERENCES organisation (id),
	term            daterange NOT NULL CONSTRAINT council_member_term_check
	                  CHECK (NOT isempty(term) AND NOT lower_inf(term)),
	created_at      timestamptz NOT NULL DEFAULT now(),
	-- one ordinary member per seat at any day: the database decides, also for two
	-- appointments made at the same moment
	CONSTRAINT council_member_one_ordinary EXCLUDE USING gist (seat_id WITH =, term WITH &&)
		WHERE (role = 'ordinary')
);
CREATE INDEX council_member_seat_idx ON council_member (seat_id);

CREATE FUNCTION api.council_member_json(m council_member) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', m.id, 'seat_id', m.seat_id, 'role', m.role, 'name', m.name,
		'party', m.party,
		'organisation', (SELECT jsonb_build_object('id', o.id, 'name', o.name)
			FROM organisation o WHERE o.id = m.organisation_id),
		'from', to_char(lower(m.term), 'YYYY-MM-DD'),
		'to', CASE WHEN upper_inf(m.term) THEN NULL
			ELSE to_char(upper(m.term) - 1, 'YYYY-MM-DD') END);
$$;

-- The council as it was on p_day: every seat, with the members whose term covers the day.
CREATE FUNCTION api.council_json(p_day date) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('as_of', to_char(p_day, 'YYYY-MM-DD'),
		'seats', coalesce((SELECT jsonb_agg(jsonb_build_object('id', s.id,
			'category', s.category, 'title', s.title,
			'members', coalesce((SELECT jsonb_agg(api.council_member_json(m)
				ORDER BY m.role, m.name, m.id) FROM council_member m
				WHERE m.seat_id = s.id AND m.term @> p_day), '[]'::jsonb))
			ORDER BY array_position(ARRAY['politician', 'official', 'organisation'], s.category),
				s.title, s.id)
			FROM council_seat s WHERE s.created_at::date <= p_day
			   OR EXISTS (SELECT 1 FROM council_member m WHERE m.seat_id = s.id
				AND m.term @> p_day)), '[]'::jsonb));
$$;

CREATE FUNCTION api.council_seat_create(p jsonb, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	s council_seat;
	j jsonb;
BEGIN
	INSERT INTO council_seat (category, title) VALUES (p->>'category', btrim(p->>'title'))
	RETURNING * INTO s;
	j := jsonb_build_object('id', s.id, 'category', s.category, 'title', s.title, 'members', '[]'::jsonb);
	PERFORM audit_write('user', p_user_id, 'create', 'council_seat', s.id, NULL, j, p_request_id);
	RETURN QUERY SELECT 201, NULL::integer, j::text, NULL::text, NULL::text;
END $$;

-- p: {role, name, party?, organisation_id?, from, to?}, checked by the service.
CREATE FUNCTION api.council_member_create(p_seat uuid, p jsonb, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	s council_seat;
	m council_member;
BEGIN
	SELECT * INTO s FROM council_seat WHERE id = p_seat;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF p->>'party' IS NOT NULL AND s.category <> 'politician' THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/party',
			'only the category politician has a party';
		RETURN;
	END IF;
	IF p->>'organisation_id' IS NOT NULL AND s.category <> 'organisation' THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/organisation_id',
			'only the category organisation represents an organisation';
		RETURN;
	END IF;
	IF p->>'organisation_id' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisation o
		WHERE o.id = (p->>'organisation_id')::uuid AND o.status = 'verified') THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/organisation_id', 'no such organisation';
		RETURN;
	END IF;
	IF p->>'to' IS NOT NULL AND (p->>'to')::date < (p->>'from')::date THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/to', 'must be after from';
		RETURN;
	END IF;
	-- an overlapping ordinary term fails on council_member_one_ordinary (23P01 -> 409)
	INSERT INTO council_member (seat_id, role, name, party, organisation_id, term)
	VALUES (p_seat, p->>'role', btrim(p->>'name'), btrim(p->>'party'),
		(p->>'organisation_id')::uuid, daterange((p->>'from')::date, (p->>'to')::date, '[]'))
	RETURNING * INTO m;
	PERFORM audit_write('user', p_user_id, 'create', 'council_member', m.id, NULL,
		api.council_member_json(m), p_request_id);
	RETURN QUERY SELECT 201, NULL::integer, api.council_member_json(m)::text, NULL::text, NULL::text;
END $$;

-- Council meetings are dialogues of kind radsmote. Attendance there is per member (not per
-- organisation), and the secretariat's quorum rule says how many of the seats must be
-- present: a seat is present when its ordinary member or one of its substitutes attends.
CREATE TABLE council_rule (
	one            boolean PRIMARY KEY DEFAULT true CHECK (one),
	quorum_percent integer NOT NULL DEFAULT 50 CONSTRAINT council_rule_quorum_percent_check
	                 CHECK (quorum_percent BETWEEN 1 AND 100)
);
INSERT INTO council_rule DEFAULT VALUES;

CREATE TABLE council_attendance (
	dialogue_id uuid NOT NULL REFERENCES dialogue (id),
	member_id   uuid NOT NULL REFERENCES council_member (id),
	attended    boolean NOT NULL,
	PRIMARY KEY (dialogue_id, member_id)
);

-- The members of the council on the meeting's day, each with attended (null: not noted),
-- and the quorum: NULL when the dialogue is not a council meeting.
CREATE FUNCTION api.council_attendance_json(p_dialogue uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH d AS (SELECT x.id, (x.starts_at AT TIME ZONE 'Europe/Stockholm')::date AS day
		FROM dialogue x WHERE x.id = p_dialogue AND x.kind = 'radsmote'),
	m AS (SELECT cm.*, a.attended FROM d JOIN council_member cm ON cm.term @> d.day
		LEFT JOIN council_attendance a ON a.dialogue_id = d.id AND a.member_id = cm.id),
	seats AS (SELECT seat_id, bool_or(coalesce(attended, false)) AS present FROM m GROUP BY seat_id),
	r AS (SELECT quorum_percent FROM council_rule)
	SELECT jsonb_build_object('dialogue_id', d.id, 'day', to_char(d.day, 'YYYY-MM-DD'),
		'members', coalesce((SELECT jsonb_agg(api.council_member_json(
			ROW(m.id, m.seat_id, m.role, m.name, m.party, m.organisation_id, m.term,
				m.created_at)::council_member) || jsonb_build_object('attended', m.attended)
			ORDER BY m.name, m.id) FROM m), '[]'::jsonb),
		'seats', (SELECT count(*) FROM seats),
		'seats_present', (SELECT count(*) FROM seats WHERE present),
		'quorum_percent', r.quorum_percent,
		'quorum_met', (SELECT count(*) FILTER (WHERE present) * 100 >= r.quorum_percent * count(*)
			AND count(*) > 0 FROM seats))
	FROM d, r;
$$;

-- p_attended NULL: not noted (the row goes; attendance is a note, not history).
CREATE FUNCTION api.council_attendance_set(p_dialogue uuid, p_member uuid, p_attended boolean,
	p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	j jsonb := api.council_attendance_json(p_dialogue);
BEGIN
	IF j IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
			'there is no such council meeting'::text;
		RETURN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(j->'members') e
		WHERE e->>'id' = p_member::text) THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
			'the member does not sit on the council on the meeting''s day'::text;
		RETURN;
	END IF;
	IF p_attended IS NULL THEN
		DELETE FROM council_attendance WHERE dialogue_id = p_dialogue AND member_id = p_member;
	ELSE
		INSERT INTO council_attendance (dialogue_id, member_id, attended)
		VALUES (p_dialogue, p_member, p_attended)
		ON CONFLICT (dialogue_id, member_id) DO UPDATE SET attended = EXCLUDED.attended;
	END IF;
	PERFORM audit_write('user', p_user_id, 'attendance', 'council_member', p_member, NULL,
		jsonb_build_object('dialogue_id', p_dialogue, 'attended', p_attended), p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, api.council_attendance_json(p_dialogue)::text,
		NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.council_quorum_set(p_percent integer, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old integer;
BEGIN
	SELECT quorum_percent INTO old FROM council_rule FOR UPDATE;
	UPDATE council_rule SET quorum_percent = p_percent;
	PERFORM audit_write('user', p_user_id, 'update', 'council_rule', NULL,
		jsonb_build_object('quorum_percent', old), jsonb_build_object('quorum_percent', p_percent),
		p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, jsonb_build_object('quorum_percent', p_percent)::text,
		NULL::text, NULL::text;
END $$;
