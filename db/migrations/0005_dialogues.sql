-- migration: additive
-- 0005_dialogues.sql -- dialogue meetings, conferences and council meetings of Idékom, and
-- the organisations' registrations for them. Registrations are never deleted: a cancelled
-- one is kept as 'cancelled'.

CREATE TABLE dialogue (
	id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	title               text NOT NULL CONSTRAINT dialogue_title_check
	                      CHECK (length(title) BETWEEN 2 AND 200 AND title = btrim(title)),
	kind                text NOT NULL CONSTRAINT dialogue_kind_check
	                      CHECK (kind IN ('dialogmote', 'konferens', 'radsmote', 'arbetsgrupp')),
	status              text NOT NULL DEFAULT 'scheduled' CONSTRAINT dialogue_status_check
	                      CHECK (status IN ('scheduled', 'cancelled', 'held')),
	starts_at           timestamptz NOT NULL,
	ends_at             timestamptz NOT NULL,
	location            text CHECK (length(location) <= 300),
	online_url          text CONSTRAINT dialogue_online_url_check
	                      CHECK (online_url ~* '^https?://[^/\s]+' AND length(online_url) <= 500),
	capacity            integer CONSTRAINT dialogue_capacity_check
	                      CHECK (capacity BETWEEN 1 AND 100000),
	registration_open   boolean NOT NULL DEFAULT true,
	description         text CHECK (length(description) <= 20000),
	agenda              text CHECK (length(agenda) <= 20000),
	minutes             text CHECK (length(minutes) <= 20000),
	principles          text[] NOT NULL DEFAULT '{}',
	format              text NOT NULL DEFAULT 'in_person' CONSTRAINT dialogue_format_check
	                      CHECK (format IN ('in_person', 'online', 'hybrid')),
	services            text[] NOT NULL DEFAULT '{}' CONSTRAINT dialogue_services_check
	                      CHECK (services <@ ARRAY['tolk', 'teckensprakstolk', 'horselslinga', 'lattlast']),
	participation_level text CONSTRAINT dialogue_participation_level_check
	                      CHECK (participation_level IN ('information', 'consultation', 'dialogue', 'partnership')),
	version             integer NOT NULL DEFAULT 1,
	created_at          timestamptz NOT NULL DEFAULT now(),
	updated_at          timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT dialogue_ends_at_check CHECK (ends_at > starts_at)
);
CREATE INDEX dialogue_starts_idx ON dialogue (starts_at, id);

CREATE TABLE registration (
	id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	dialogue_id     uuid NOT NULL REFERENCES dialogue (id),
	organisation_id uuid NOT NULL REFERENCES organisation (id),
	attendees       integer NOT NULL CONSTRAINT registration_attendees_check
	                  CHECK (attendees BETWEEN 1 AND 50),
	note            text CHECK (length(note) <= 1000),
	status          text NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
	-- the clock at insert, taken after the dialogue row is locked: the waitlist order is the
	-- order in which requests got their turn
	registered_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	registered_by   uuid REFERENCES app_user (id),
	cancelled_at    timestamptz,
	attended        boolean
);
-- one active registration per organisation and dialogue
CREATE UNIQUE INDEX registration_active_key ON registration (dialogue_id, organisation_id)
	WHERE status IN ('registered', 'waitlisted');
CREATE INDEX registration_dialogue_idx ON registration (dialogue_id, registered_at);
CREATE INDEX registration_organisation_idx ON registration (organisation_id);

CREATE FUNCTION api.dialogue_json(d dialogue) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', d.id, 'title', d.title, 'kind', d.kind,
		'status', d.status, 'starts_at', api.ts(d.starts_at), 'ends_at', api.ts(d.ends_at),
		'location', d.location, 'online_url', d.online_url, 'capacity', d.capacity,
		'registration_open', d.registration_open, 'description', d.description,
		'agenda', d.agenda, 'minutes', d.minutes, 'principles', to_jsonb(d.principles),
		'format', d.format, 'services', to_jsonb(d.services),
		'participation_level', d.participation_level,
		'seats_taken', (SELECT coalesce(sum(r.attendees), 0) FROM registration r
			WHERE r.dialogue_id = d.id AND r.status = 'registered'),
		'waitlist_length', (SELECT count(*) FROM registration r
			WHERE r.dialogue_id = d.id AND r.status = 'waitlisted'),
		'created_at', api.ts(d.created_at), 'updated_at', api.ts(d.updated_at));
$$;

-- A dialogue from a checked body (times are RFC 3339 text; C checked their shape) over a
-- base row: a merge patch. Raises 22007/22008 for impossible dates (mapped per field below).
CREATE FUNCTION api.dialogue_merge(base dialogue, p jsonb) RETURNS dialogue
LANGUAGE plpgsql STABLE AS $$
DECLARE
	d dialogue := jsonb_populate_record(base, p - 'id' - 'status' - 'version' - 'created_at'
		- 'updated_at' - 'seats_taken' - 'waitlist_length' - 'starts_at' - 'ends_at');
BEGIN
	IF p ? 'status' THEN
		d.status := p->>'status';
	END IF;
	IF p ? 'starts_at' THEN
		d.starts_at := (p->>'starts_at')::timestamptz;
	END IF;
	IF p ? 'ends_at' THEN
		d.ends_at := (p->>'ends_at')::timestamptz;
	END IF;
	d.principles := ARRAY(SELECT DISTINCT x FROM unnest(coalesce(d.principles, '{}')) x ORDER BY 1);
	d.services := ARRAY(SELECT DISTINCT x FROM unnest(coalesce(d.services, '{}')) x ORDER BY 1);
	d.title := btrim(d.title);
	RETURN d;
END $$;

-- Promotes waitlisted registrations of dialogue p_id, in order, while they fit. The caller
-- holds the dialogue's row lock.
CREATE FUNCTION api.dialogue_fill_seats(p_id uuid, p_request_id text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	cap integer;
	taken integer;
	w registration;
BEGIN
	SELECT capacity INTO cap FROM dialogue WHERE id = p_id;
	SELECT coalesce(sum(attendees), 0) INTO taken FROM registration
	WHERE dialogue_id = p_id AND status = 'registered';
	FOR w IN SELECT * FROM registration WHERE dialogue_id = p_id AND status = 'waitlisted'
		ORDER BY registered_at, id LOOP
		IF cap IS NULL OR taken + w.attendees <= cap THEN
			UPDATE registration SET status = 'registered' WHERE id = w.id;
			taken := taken + w.attendees;
			PERFORM audit_write('system', NULL, 'promote', 'registration', w.id,
				jsonb_build_object('status', 'waitlisted'),
				jsonb_build_object('status', 'registered'), p_request_id);
		END IF;
	END LOOP;
END $$;

CREATE FUNCTION api.dialogue_create(p jsonb, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	d dialogue;
BEGIN
	BEGIN
		d := api.dialogue_merge(NULL::dialogue, p);
	EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/starts_at|/ends_at',
			'must be a real date and time (RFC 3339)';
		RETURN;
	END;
	INSERT INTO dialogue (title, kind, starts_at, ends_at, location, online_url, capacity,
		registration_open, description, agenda, minutes, principles, format, services,
		participation_level)
	VALUES (d.title, d.kind, d.starts_at, d.ends_at, d.location, d.online_url, d.capacity,
		coalesce(d.registration_open, true), d.description, d.agenda, d.minutes,
		d.principles, coalesce(d.format, 'in_person'), d.services, d.participation_level)
	RETURNING * INTO d;
	IF d.minutes IS NOT NULL AND d.ends_at > now() THEN
		RAISE EXCEPTION 'minutes before the meeting' USING ERRCODE = 'check_violation',
			CONSTRAINT = 'dialogue_minutes_check';
	END IF;
	PERFORM audit_write('user', p_actor_id, 'create', 'dialogue', d.id, NULL,
		api.dialogue_json(d), p_request_id);
	RETURN QUERY SELECT 201, d.version, api.dialogue_json(d)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.dialogue_patch(p_id uuid, p_version integer, p jsonb, p_actor_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old dialogue;
	new dialogue;
BEGIN
	SELECT * INTO old FROM dialogue d WHERE d.id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF p_version IS NOT NULL AND old.version <> p_version THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF old.status = 'cancelled' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'a cancelled dialogue is not edited';
		RETURN;
	END IF;
	BEGIN
		new := api.dialogue_merge(old, p);
	EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/starts_at|/ends_at',
			'must be a real date and time (RFC 3339)';
		RETURN;
	END;
	IF new.minutes IS DISTINCT FROM old.minutes AND new.minutes IS NOT NULL
	   AND new.status <> 'held' AND new.ends_at > now() THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/minutes',
			'minutes are published after the meeting';
		RETURN;
	END IF;
	IF to_jsonb(new) - 'updated_at' = to_jsonb(old) - 'updated_at' THEN
		RETURN QUERY SELECT 200, old.version, api.dialogue_json(old)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE dialogue d SET title = new.title, kind = new.kind, status = new.status,
		starts_at = new.starts_at, ends_at = new.ends_at, location = new.location,
		online_url = new.online_url, capacity = new.capacity,
		registration_open = new.registration_open, description = new.description,
		agenda = new.agenda, minutes = new.minutes, principles = new.principles,
		format = new.format, services = new.services,
		participation_level = new.participation_level, version = d.version + 1,
		updated_at = now()
	WHERE d.id = p_id RETURNING * INTO new;
	-- more seats (or none limited any more): the waitlist moves up at once
	IF new.capacity IS NULL OR new.capacity > coalesce(old.capacity, 0) THEN
		PERFORM api.dialogue_fill_seats(p_id, p_request_id);
	END IF;
	PERFORM audit_write('user', p_actor_id, 'update', 'dialogue', p_id, api.dialogue_json(old),
		api.dialogue_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.dialogue_json(new)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.dialogue_cancel(p_id uuid, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old dialogue;
	new dialogue;
BEGIN
	SELECT * INTO old FROM dialogue d WHERE d.id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF old.status <> 'scheduled' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the dialogue is ' || old.status || ', not scheduled';
		RETURN;
	END IF;
	UPDATE dialogue d SET status = 'cancelled', version = d.version + 1, updated_at = now()
	WHERE d.id = p_id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'cancel', 'dialogue', p_id, api.dialogue_json(old),
		api.dialogue_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.dialogue_json(new)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.dialogue_get(p_id uuid) RETURNS TABLE (version integer, body text)
LANGUAGE sql STABLE AS $$
	SELECT d.version, api.dialogue_json(d)::text FROM dialogue d WHERE d.id = p_id;
$$;

-- Lists by starts_at. Filters: from, to (timestamptz text), kind, status, q. Cursor:
-- [starts_at, id].
CREATE FUNCTION api.dialogue_list(f jsonb, p_limit integer, p_cursor jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	c_ts timestamptz;
	c_id uuid;
	v_from timestamptz;
	v_to timestamptz;
	result text;
BEGIN
	BEGIN
		IF p_cursor IS NOT NULL THEN
			IF jsonb_typeof(p_cursor) <> 'array' OR jsonb_array_length(p_cursor) <> 2 THEN
				RAISE EXCEPTION 'cursor';
			END IF;
			c_ts := (p_cursor->>0)::timestamptz;
			c_id := (p_cursor->>1)::uuid;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'cursor is not one this service gave out'
			USING ERRCODE = 'invalid_parameter_value';
	END;
	BEGIN
		v_from := (f->>'from')::timestamptz;
		v_to := (f->>'to')::timestamptz;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'from and to must be RFC 3339 dates or date-times'
			USING ERRCODE = 'invalid_parameter_value';
	END;
	WITH page AS (
		SELECT x.*, row_number() OVER () AS n FROM (
			SELECT d AS r, d.starts_at, d.id FROM dialogue d
			WHERE (v_from IS NULL OR d.starts_at >= v_from)
			  AND (v_to IS NULL OR d.starts_at < v_to)
			  AND (f->>'kind' IS NULL OR d.kind = f->>'kind')
			  AND (f->>'status' IS NULL OR d.status = f->>'status')
			  AND (f->>'q' IS NULL OR d.title ILIKE '%' || api.like_escape(f->>'q') || '%'
			       OR d.description ILIKE '%' || api.like_escape(f->>'q') || '%')
			  AND (c_id IS NULL OR (d.starts_at, d.id) > (c_ts, c_id))
			ORDER BY d.starts_at, d.id LIMIT p_limit + 1) x)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.dialogue_json(p.r) ORDER BY p.n)
			FROM page p WHERE p.n <= p_limit), '[]'::json),
		'next_cursor', (SELECT rtrim(translate(encode(convert_to(
			jsonb_build_array(api.ts(p.starts_at), p.id)::text, 'UTF8'), 'base64'),
			E'+/\n', '-_'), '=') FROM page p WHERE p.n = p_limit
			AND EXISTS (SELECT 1 FROM page x WHERE x.n = p_limit + 1)))::text
	INTO result;
	RETURN result;
END $$;

-- Registrations. p_private: the caller is admin or represents that organisation.
CREATE FUNCTION api.registration_json(r registration, p_private boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'organisation', (SELECT jsonb_build_object('id', o.id, 'name', o.name)
			FROM organisation o WHERE o.id = r.organisation_id),
		'attendees', r.attendees, 'status', r.status,
		'registered_at', api.ts(r.registered_at), 'attended', r.attended,
		'waitlist_position', CASE WHEN r.status = 'waitlisted' THEN (SELECT count(*)
			FROM registration w WHERE w.dialogue_id = r.dialogue_id
			AND w.status = 'waitlisted' AND (w.registered_at, w.id) <= (r.registered_at, r.id)) END)
	|| CASE WHEN p_private THEN jsonb_build_object('note', r.note,
		'registered_by', (SELECT jsonb_build_object('id', u.id, 'name', u.name)
			FROM app_user u WHERE u.id = r.registered_by))
	   ELSE '{}'::jsonb END;
$$;

CREATE FUNCTION api.represents(p_org uuid, p_caller_kind text, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT p_caller_kind = 'admin' OR EXISTS (SELECT 1 FROM representative r
		WHERE r.organisation_id = p_org AND r.user_id = p_user_id);
$$;

CREATE FUNCTION api.registrations_list(p_id uuid, p_status text, p_caller_kind text,
	p_user_id uuid) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce((SELECT json_agg(
		api.registration_json(r, api.represents(r.organisation_id, p_caller_kind, p_user_id))
		ORDER BY r.registered_at, r.id)
		FROM registration r WHERE r.dialogue_id = p_id
		AND (p_status IS NULL OR r.status = p_status)), '[]'::json))::text
	FROM dialogue d WHERE d.id = p_id;
$$;

CREATE FUNCTION api.registration_create(p_dialogue uuid, p_org uuid, p_attendees integer,
	p_note text, p_caller_kind text, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, body text, field text, message text) LANGUAGE plpgsql AS $$
DECLARE
	d dialogue;
	o organisation;
	r registration;
	taken integer;
BEGIN
	-- the dialogue's row lock serialises registrations: seats are never overbooked
	SELECT * INTO d FROM dialogue WHERE id = p_dialogue FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO o FROM organisation WHERE id = p_org;
	IF NOT FOUND OR NOT api.organisation_visible(o, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 422, NULL::text, '/organisation_id', 'no such organisation';
		RETURN;
	END IF;
	IF NOT api.represents(p_org, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::text, NULL::text,
			'only the organisation''s representatives register it';
		RETURN;
	END IF;
	IF o.status NOT IN ('pending', 'verified') THEN
		RETURN QUERY SELECT 409, NULL::text, NULL::text, 'the organisation is ' || o.status;
		RETURN;
	END IF;
	IF d.status <> 'scheduled' THEN
		RETURN QUERY SELECT 409, NULL::text, NULL::text, 'the dialogue is ' || d.status;
		RETURN;
	END IF;
	IF NOT d.registration_open OR d.starts_at <= now() THEN
		RETURN QUERY SELECT 409, NULL::text, NULL::text, 'registration is closed';
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM registration x WHERE x.dialogue_id = p_dialogue
		AND x.organisation_id = p_org AND x.status IN ('registered', 'waitlisted')) THEN
		RETURN QUERY SELECT 409, NULL::text, NULL::text,
			'the organisation is already registered';
		RETURN;
	END IF;
	SELECT coalesce(sum(attendees), 0) INTO taken FROM registration x
	WHERE x.dialogue_id = p_dialogue AND x.status = 'registered';
	INSERT INTO registration (dialogue_id, organisation_id, attendees, note, status, registered_by)
	VALUES (p_dialogue, p_org, p_attendees, p_note,
		CASE WHEN d.capacity IS NULL OR taken + p_attendees <= d.capacity
		     THEN 'registered' ELSE 'waitlisted' END,
		p_user_id)
	RETURNING * INTO r;
	PERFORM audit_write('user', p_user_id, 'create', 'registration', r.id, NULL,
		api.registration_json(r, true), p_request_id);
	RETURN QUERY SELECT 201, api.registration_json(r, true)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.registration_cancel(p_dialogue uuid, p_org uuid, p_caller_kind text,
	p_user_id uuid, p_request_id text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	r registration;
	o organisation;
BEGIN
	PERFORM 1 FROM dialogue WHERE id = p_dialogue FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 404;
	END IF;
	SELECT * INTO o FROM organisation WHERE id = p_org;
	IF NOT FOUND OR NOT api.organisation_visible(o, p_caller_kind, p_user_id) THEN
		RETURN 404;
	END IF;
	IF NOT api.represents(p_org, p_caller_kind, p_user_id) THEN
		RETURN 403;
	END IF;
	UPDATE registration x SET status = 'cancelled', cancelled_at = now()
	WHERE x.dialogue_id = p_dialogue AND x.organisation_id = p_org
	  AND x.status IN ('registered', 'waitlisted')
	RETURNING * INTO r;
	IF NOT FOUND THEN
		RETURN 404;
	END IF;
	PERFORM audit_write('user', p_user_id, 'cancel', 'registration', r.id,
		jsonb_build_object('status', 'registered'), api.registration_json(r, true), p_request_id);
	-- the freed seats go to the waitlist, in order, in this same transaction
	PERFORM api.dialogue_fill_seats(p_dialogue, p_request_id);
	RETURN 204;
END $$;

CREATE FUNCTION api.registration_patch(p_dialogue uuid, p_org uuid, p_attended boolean,
	p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, body text, field text, message text) LANGUAGE plpgsql AS $$
DECLARE
	old registration;
	new registration;
BEGIN
	SELECT * INTO old FROM registration x WHERE x.dialogue_id = p_dialogue
		AND x.organisation_id = p_org ORDER BY (x.status = 'cancelled'), x.registered_at DESC
		LIMIT 1 FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF old.status = 'cancelled' THEN
		RETURN QUERY SELECT 409, NULL::text, NULL::text, 'the registration was cancelled';
		RETURN;
	END IF;
	UPDATE registration x SET attended = p_attended WHERE x.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'attendance', 'registration', old.id,
		api.registration_json(old, true), api.registration_json(new, true), p_request_id);
	RETURN QUERY SELECT 200, api.registration_json(new, true)::text, NULL::text, NULL::text;
END $$;

-- Calendar events as JSON rows for the C writer: every scheduled and cancelled dialogue
-- from a year back (scope 'all'), one dialogue ('one'), or those an organisation has an
-- active registration for ('organisation'). NULL when the id is unknown.
CREATE FUNCTION api.calendar_events(p_scope text, p_id uuid, p_caller_kind text,
	p_user_id uuid) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN p_scope = 'one' AND NOT EXISTS (SELECT 1 FROM dialogue WHERE id = p_id) THEN NULL
		WHEN p_scope = 'organisation' AND NOT EXISTS (SELECT 1 FROM organisation o
			WHERE o.id = p_id AND api.organisation_visible(o, p_caller_kind, p_user_id)) THEN NULL
		ELSE coalesce((SELECT json_agg(json_build_object('id', d.id, 'title', d.title,
			'description', d.description, 'location', coalesce(d.location, d.online_url),
			'starts_at', to_char(d.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
			'ends_at', to_char(d.ends_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
			'stamp', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
			'status', d.status, 'sequence', d.version) ORDER BY d.starts_at, d.id)
			FROM dialogue d
			WHERE d.status IN ('scheduled', 'cancelled', 'held')
			  AND CASE p_scope
				WHEN 'one' THEN d.id = p_id
				WHEN 'organisation' THEN EXISTS (SELECT 1 FROM registration r
					WHERE r.dialogue_id = d.id AND r.organisation_id = p_id
					AND r.status IN ('registered', 'waitlisted'))
				ELSE d.starts_at > now() - interval '365 days' END), '[]'::json)::text
	END;
$$;
