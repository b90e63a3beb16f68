-- migration: additive
-- 0017_agreement_life.sql -- the agreement's life around its text: documents attached to
-- agreements and dialogues (and, by the same pattern, to whatever comes later), the
-- consultation (remiss) on a draft, and the follow-up (uppföljning) of its commitments.
--
-- Consultation (remiss) ----------------------------------------------------------------------
--
-- While an agreement is in consultation and before consultation_closes_at, each organisation
-- may have one submitted response (a partial unique index decides races), written and
-- edited by its representatives, or withdrawn (kept, as all history). After the close the
-- responses and the secretariat's comments are public, except the text of those marked
-- not_for_publication: then only the fact that the organisation answered.

ALTER TABLE agreement ADD COLUMN consultation_closes_at timestamptz;

CREATE TABLE consultation_response (
	id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id        uuid NOT NULL REFERENCES agreement (id),
	organisation_id     uuid NOT NULL REFERENCES organisation (id),
	status              text NOT NULL DEFAULT 'submitted'
	                      CONSTRAINT consultation_response_status_check
	                      CHECK (status IN ('submitted', 'withdrawn')),
	body                text NOT NULL CONSTRAINT consultation_response_body_check
	                      CHECK (length(body) BETWEEN 1 AND 20000),
	principles          text[] NOT NULL DEFAULT '{}',
	commitments         integer[] NOT NULL DEFAULT '{}',
	not_for_publication boolean NOT NULL DEFAULT false,
	comment             text CONSTRAINT consultation_response_comment_check
	                      CHECK (length(comment) BETWEEN 1 AND 20000),
	commented_at        timestamptz,
	commented_by        uuid REFERENCES app_user (id),
	submitted_by        uuid REFERENCES app_user (id),
	submitted_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
	withdrawn_at        timestamptz,
	version             integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX consultation_response_active_key ON consultation_response
	(agreement_id, organisation_id) WHERE status = 'submitted';
CREATE INDEX consultation_response_agreement_idx ON consultation_response
	(agreement_id, submitted_at, id);

-- not_open (no close date yet, or back in draft), open, or closed (the date has passed, or
-- the agreement was adopted).
CREATE FUNCTION api.consultation_state(a agreement) RETURNS text LANGUAGE sql STABLE
RETURN CASE
	WHEN a.consultation_closes_at IS NULL THEN 'not_open'
	WHEN a.status = 'consultation' AND clock_timestamp() < a.consultation_closes_at THEN 'open'
	WHEN clock_timestamp() >= a.consultation_closes_at OR a.status IN ('adopted', 'superseded')
		THEN 'closed'
	ELSE 'not_open' END;

CREATE FUNCTION api.consultation_json(a agreement) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('agreement_id', a.id, 'state', api.consultation_state(a),
	'consultation_closes_at', api.ts(a.consultation_closes_at),
	'response_count', (SELECT count(*) FROM consultation_response r
		WHERE r.agreement_id = a.id AND r.status = 'submitted'));

-- How caller sees response r of agreement a: 'full' (the secretariat, the organisation's own
-- representatives), 'public' (after the close: all but who submitted it), 'fact' (after the
-- close, not for publication: that the organisation answered), or NULL (not at all).
CREATE FUNCTION api.consultation_response_view(r consultation_response, a agreement,
	p_caller_kind text, p_user_id uuid) RETURNS text LANGUAGE sql STABLE
RETURN CASE
	WHEN api.represents(r.organisation_id, p_caller_kind, p_user_id) THEN 'full'
	WHEN a.status = 'draft' OR r.status <> 'submitted' OR api.consultation_state(a) <> 'closed'
		THEN NULL
	WHEN r.not_for_publication THEN 'fact'
	ELSE 'public' END;

CREATE FUNCTION api.consultation_response_json(r consultation_response, p_view text)
RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', r.id, 'agreement_id', r.agreement_id,
	'organisation', (SELECT jsonb_build_object('id', o.id, 'name', o.name, 'kind', o.kind,
		'districts', to_jsonb(o.districts)) FROM organisation o WHERE o.id = r.organisation_id),
	'status', r.status, 'not_for_publication', r.not_for_publication,
	'withheld', p_view = 'fact',
	'body', CASE WHEN p_view <> 'fact' THEN r.body END,
	'principles', CASE WHEN p_view <> 'fact' THEN to_jsonb(r.principles) ELSE '[]' END,
	'commitments', CASE WHEN p_view <> 'fact' THEN to_jsonb(r.commitments) ELSE '[]' END,
	'comment', CASE WHEN p_view <> 'fact' THEN r.comment END,
	'commented_at', CASE WHEN p_view <> 'fact' THEN api.ts(r.commented_at) END,
	'submitted_at', api.ts(r.submitted_at), 'updated_at', api.ts(r.updated_at),
	'withdrawn_at', api.ts(r.withdrawn_at))
	|| CASE WHEN p_view = 'full' THEN jsonb_build_object('submitted_by',
		(SELECT jsonb_build_object('id', u.id, 'name', u.name) FROM app_user u
		 WHERE u.id = r.submitted_by)) ELSE '{}'::jsonb END;

-- The principle codes and commitment numbers (1-based) of a response, checked against the
-- agreement: the field of the first that it does not have, or NULL.
CREATE FUNCTION api.consultation_refs_bad(a agreement, p jsonb) RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(p->'principles', '[]')) c
		WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(a.principles) x
			WHERE x->>'code' = c)) THEN '/principles'
	WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(p->'commitments', '[]')) n
		WHERE n::int > jsonb_array_length(a.commitments)) THEN '/commitments'
	END;

-- PUT .../consultation: the secretariat sets (or moves) the close while in consultation.
CREATE FUNCTION api.consultation_set(p_ref text, p_closes_at timestamptz, p_actor_id uuid,
	p_request_id text)
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
	UPDATE agreement x SET consultation_closes_at = p_closes_at WHERE x.id = a.id RETURNING * INTO n;
	PERFORM audit_write('user', p_actor_id, 'schedule_consultation', 'agreement', a.id,
		api.consultation_json(a), api.consultation_json(n), p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, api.consultation_json(n)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.consultation_response_create(p_ref text, p jsonb, p_caller_kind text,
	p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	o organisation;
	r consultation_response;
	bad text;
BEGIN
	IF a.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such agreement';
		RETURN;
	END IF;
	SELECT * INTO o FROM organisation x WHERE x.id = (p->>'organisation_id')::uuid;
	IF NOT FOUND OR NOT api.organisation_visible(o, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/organisation_id', 'no such organisation';
		RETURN;
	END IF;
	IF p_caller_kind = 'admin' OR NOT api.represents(o.id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
			'only the organisation''s representatives answer a consultation for it';
		RETURN;
	END IF;
	IF api.consultation_state(a) <> 'open' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the consultation is ' || replace(api.consultation_state(a), '_', ' ')
			|| '; responses are taken only while it is open';
		RETURN;
	END IF;
	bad := api.consultation_refs_bad(a, p);
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, bad,
			'names a principle or commitment the agreement does not have';
		RETURN;
	END IF;
	-- a concurrent second response fails on consultation_response_active_key (23505 -> 409)
	INSERT INTO consultation_response (agreement_id, organisation_id, body, principles,
		commitments, not_for_publication, submitted_by)
	VALUES (a.id, o.id, p->>'body',
		ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'principles', '[]'))),
		ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'commitments', '[]'))::int),
		coalesce((p->>'not_for_publication')::boolean, false), p_user_id)
	RETURNING * INTO r;
	PERFORM audit_write('user', p_user_id, 'respond', 'consultation_response', r.id, NULL,
		api.consultation_response_json(r, 'full'), p_request_id);
	RETURN QUERY SELECT 201, r.version, api.consultation_response_json(r, 'full')::text,
		NULL::text, NULL::text;
END $$;

-- Edit (p_action 'edit', p fields), withdraw ('withdraw'): the organisation's representatives,
-- while the consultation is open; comment ('comment', p.comment): the secretariat, any time
-- after the response was submitted. p_revision: If-Match, or NULL.
CREATE FUNCTION api.consultation_response_change(p_ref text, p_id uuid, p_action text,
	p_revision integer, p jsonb, p_caller_kind text, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	old consultation_response;
	new consultation_response;
	bad text;
BEGIN
	SELECT * INTO old FROM consultation_response x WHERE x.id = p_id AND x.agreement_id = a.id
	FOR UPDATE;
	IF NOT FOUND OR api.consultation_response_view(old, a, p_caller_kind, p_user_id) IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such response';
		RETURN;
	END IF;
	IF p_action = 'comment' THEN
		IF p_caller_kind <> 'admin' THEN
			RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
				'only the secretariat comments on responses';
			RETURN;
		END IF;
	ELSIF p_caller_kind = 'admin' OR NOT api.represents(old.organisation_id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
			'only the organisation''s representatives change its response';
		RETURN;
	END IF;
	IF p_revision IS NOT NULL AND old.version <> p_revision THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text,
			'the response changed since you read it';
		RETURN;
	END IF;
	IF old.status <> 'submitted' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text, 'the response was withdrawn';
		RETURN;
	END IF;
	IF p_action <> 'comment' AND api.consultation_state(a) <> 'open' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the consultation is ' || replace(api.consultation_state(a), '_', ' ')
			|| '; a response is changed only while it is open';
		RETURN;
	END IF;
	new := old;
	IF p_action = 'edit' THEN
		bad := api.consultation_refs_bad(a, p);
		IF bad IS NOT NULL THEN
			RETURN QUERY SELECT 422, NULL::integer, NULL::text, bad,
				'names a principle or commitment the agreement does not have';
			RETURN;
		END IF;
		new.body := coalesce(p->>'body', old.body);
		IF p ? 'principles' THEN
			new.principles := ARRAY(SELECT jsonb_array_elements_text(p->'principles'));
		END IF;
		IF p ? 'commitments' THEN
			new.commitments := ARRAY(SELECT jsonb_array_elements_text(p->'commitments')::int);
		END IF;
		new.not_for_publication := coalesce((p->>'not_for_publication')::boolean,
			old.not_for_publication);
		IF to_jsonb(new) = to_jsonb(old) THEN
			RETURN QUERY SELECT 200, old.version, api.consultation_response_json(old, 'full')::text,
				NULL::text, NULL::text;
			RETURN;
		END IF;
	ELSIF p_action = 'withdraw' THEN
		new.status := 'withdrawn';
		new.withdrawn_at := clock_timestamp();
	ELSE
		new.comment := p->>'comment';
		new.commented_at := clock_timestamp();
		new.commented_by := p_user_id;
	END IF;
	UPDATE consultation_response x SET status = new.status, body = new.body,
		principles = new.principles, commitments = new.commitments,
		not_for_publication = new.not_for_publication, comment = new.comment,
		commented_at = new.commented_at, commented_by = new.commented_by,
		withdrawn_at = new.withdrawn_at, updated_at = clock_timestamp(), version = x.version + 1
	WHERE x.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_user_id, p_action, 'consultation_response', old.id,
		api.consultation_response_json(old, 'full'), api.consultation_response_json(new, 'full'),
		p_request_id);
	RETURN QUERY SELECT 200, new.version, api.consultation_response_json(new, 'full')::text,
		NULL::text, NULL::text;
END $$;

-- Rows for the secretariat's CSV (the C code writes RFC 4180 from them).
CREATE FUNCTION api.consultation_csv_rows(p_ref text, f jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, 'admin');
BEGIN
	IF a.id IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN coalesce((SELECT json_agg(json_build_array(r.id, o.id, o.name, o.org_number, o.kind,
			array_to_string(o.districts, ';'), r.status, api.ts(r.submitted_at),
			api.ts(r.updated_at), r.not_for_publication::text, array_to_string(r.principles, ';'),
			array_to_string(r.commitments, ';'), r.body, r.comment)
			ORDER BY r.submitted_at, r.id)
		FROM consultation_response r JOIN organisation o ON o.id = r.organisation_id
		WHERE r.agreement_id = a.id
		  AND (f->>'kind' IS NULL OR o.kind = f->>'kind')
		  AND (f->>'district' IS NULL OR o.districts @> ARRAY[f->>'district'])
		  AND (f->>'status' IS NULL OR r.status = f->>'status')), '[]')::text;
END $$;

-- Events carry what anyone may know: the fact that an organisation answered, never the text.
CREATE FUNCTION consultation_response_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('consultation_response', CASE
		WHEN TG_OP = 'INSERT' THEN 'create'
		WHEN NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn' THEN 'withdraw'
		WHEN NEW.comment IS DISTINCT FROM OLD.comment THEN 'comment'
		ELSE 'update' END, NEW.id, api.consultation_response_json(NEW, 'fact'));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER consultation_response_changed AFTER INSERT OR UPDATE
	ON consultation_response DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
	EXECUTE FUNCTION consultation_response_changed();

-- Follow-up (uppföljning) ------------------------------------------------------------------
--
-- The commitments of an agreement are items of its commitments array, named here by their
-- number (1-based, the agreement's order: an adopted text never changes). Each gets a plan
-- (owners, indicators, the principles it serves) and at most one follow-up entry a year,
-- written by the secretariat. The action plan of a year is its activities. Writes need an
-- adopted (or superseded) agreement: a draft's commitments may still change.

CREATE TABLE commitment_plan (
	agreement_id        uuid NOT NULL REFERENCES agreement (id),
	commitment          integer NOT NULL CHECK (commitment BETWEEN 1 AND 200),
	city_owner          text CONSTRAINT commitment_plan_city_owner_check
	                      CHECK (length(city_owner) BETWEEN 1 AND 300),
	organisation_owners uuid[] NOT NULL DEFAULT '{}',
	indicators          text[] NOT NULL DEFAULT '{}' CONSTRAINT commitment_plan_indicators_check
	                      CHECK (cardinality(indicators) <= 20),
	principles          text[] NOT NULL DEFAULT '{}',
	version             integer NOT NULL DEFAULT 1,
	updated_at          timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (agreement_id, commitment)
);

CREATE TABLE follow_up_entry (
	id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id uuid NOT NULL REFERENCES agreement (id),
	commitment   integer NOT NULL CHECK (commitment BETWEEN 1 AND 200),
	year         integer NOT NULL CONSTRAINT follow_up_entry_year_check
	               CHECK (year BETWEEN 2000 AND 2100),
	status       text NOT NULL CONSTRAINT follow_up_entry_status_check
	               CHECK (status IN ('not_started', 'ongoing', 'done', 'discontinued')),
	text         text NOT NULL CONSTRAINT follow_up_entry_text_check
	               CHECK (length(text) BETWEEN 1 AND 10000),
	author_id    uuid REFERENCES app_user (id),
	demo         boolean NOT NULL DEFAULT false,
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	version      integer NOT NULL DEFAULT 1,
	CONSTRAINT follow_up_entry_key UNIQUE (agreement_id, commitment, year)
);

CREATE TABLE action_plan_activity (
	id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id uuid NOT NULL REFERENCES agreement (id),
	year         integer NOT NULL CONSTRAINT action_plan_activity_year_check
	               CHECK (year BETWEEN 2000 AND 2100),
	title        text NOT NULL CONSTRAINT action_plan_activity_title_check
	               CHECK (length(title) BETWEEN 1 AND 300 AND title = btrim(title)),
	description  text CHECK (length(description) <= 5000),
	principles   text[] NOT NULL DEFAULT '{}',
	commitments  integer[] NOT NULL DEFAULT '{}',
	responsible  text NOT NULL CONSTRAINT action_plan_activity_responsible_check
	               CHECK (length(responsible) BETWEEN 1 AND 300),
	starts_on    date NOT NULL,
	ends_on      date NOT NULL,
	budget_sek   bigint CONSTRAINT action_plan_activity_budget_sek_check
	               CHECK (budget_sek BETWEEN 0 AND 1000000000000),
	demo         boolean NOT NULL DEFAULT false,
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	version      integer NOT NULL DEFAULT 1,
	CONSTRAINT action_plan_activity_ends_on_check CHECK (ends_on >= starts_on)
);
CREATE INDEX action_plan_activity_year_idx ON action_plan_activity (agreement_id, year, starts_on, id);

CREATE FUNCTION api.follow_up_entry_json(e follow_up_entry) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', e.id, 'agreement_id', e.agreement_id,
	'commitment', e.commitment, 'year', e.year, 'status', e.status, 'text', e.text,
	'author', (SELECT jsonb_build_object('name', u.name) FROM app_user u WHERE u.id = e.author_id),
	'demo', e.demo, 'created_at', api.ts(e.created_at), 'updated_at', api.ts(e.updated_at));

-- Commitment number n (its item x of a.commitments) with its plan and entries (of p_year,
-- or of every year when NULL).
CREATE FUNCTION api.commitment_follow_up_json(a agreement, n integer, x jsonb, p_year integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('number', n, 'party', x->>'party', 'text', x->>'text',
		'principles', coalesce(to_jsonb(p.principles), '[]'), 'city_owner', p.city_owner,
		'organisation_owners', coalesce((SELECT jsonb_agg(jsonb_build_object('id', o.id,
			'name', o.name) ORDER BY o.name, o.id) FROM organisation o
			WHERE o.id = ANY (p.organisation_owners)), '[]'),
		'indicators', coalesce(to_jsonb(p.indicators), '[]'),
		'entries', coalesce((SELECT jsonb_agg(api.follow_up_entry_json(e) ORDER BY e.year)
			FROM follow_up_entry e WHERE e.agreement_id = a.id AND e.commitment = n
			  AND (p_year IS NULL OR e.year = p_year)), '[]'))
	FROM (SELECT 1) one LEFT JOIN commitment_plan p ON p.agreement_id = a.id
		AND p.commitment = n;
$$;

CREATE FUNCTION api.follow_up_json(a agreement, p_year integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('agreement_id', a.id, 'year', p_year,
		'years', coalesce((SELECT jsonb_agg(y ORDER BY y) FROM (SELECT DISTINCT e.year AS y
			FROM follow_up_entry e WHERE e.agreement_id = a.id UNION SELECT DISTINCT x.year
			FROM action_plan_activity x WHERE x.agreement_id = a.id) ys), '[]'),
		'commitments', coalesce((SELECT jsonb_agg(api.commitment_follow_up_json(a, c.n::int,
			c.x, p_year) ORDER BY c.n) FROM jsonb_array_elements(a.commitments)
			WITH ORDINALITY c(x, n)), '[]'));
$$;

-- The agreement for a follow-up write, or the reason why not (status, message).
CREATE FUNCTION api.follow_up_target(p_ref text, p_number integer, OUT a agreement,
	OUT status integer, OUT message text) LANGUAGE plpgsql STABLE AS $$
BEGIN
	a := api.agreement_find(p_ref, 'admin');
	status := 0;
	IF a.id IS NULL THEN
		status := 404;
		message := 'there is no such agreement';
	ELSIF a.status NOT IN ('adopted', 'superseded') THEN
		status := 409;
		message := 'the agreement is ' || a.status || '; an adopted agreement is followed up';
	ELSIF p_number IS NOT NULL AND p_number > jsonb_array_length(a.commitments) THEN
		status := 404;
		message := 'the agreement has no commitment ' || p_number;
	END IF;
END $$;

-- PUT .../follow-up/commitments/{number}: owners, indicators and principles (a replace).
CREATE FUNCTION api.commitment_plan_set(p_ref text, p_number integer, p jsonb, p_actor_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	t record := api.follow_up_target(p_ref, p_number);
	a agreement;
	bad text;
	before jsonb;
	after jsonb;
BEGIN
	IF t.status <> 0 THEN
		RETURN QUERY SELECT t.status, NULL::integer, NULL::text, NULL::text, t.message;
		RETURN;
	END IF;
	a := t.a;
	bad := api.consultation_refs_bad(a, jsonb_build_object('principles',
		coalesce(p->'principles', '[]')));
	IF bad IS NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(
			coalesce(p->'organisation_owners', '[]')) i
		WHERE NOT EXISTS (SELECT 1 FROM organisation o WHERE o.id = i::uuid
			AND o.status = 'verified')) THEN
		bad := '/organisation_owners';
	END IF;
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, bad,
			CASE bad WHEN '/principles' THEN 'names a principle the agreement does not have'
			ELSE 'names an organisation that is not a verified organisation' END;
		RETURN;
	END IF;
	before := api.commitment_follow_up_json(a, p_number, a.commitments->(p_number - 1), NULL);
	INSERT INTO commitment_plan AS c (agreement_id, commitment, city_owner, organisation_owners,
		indicators, principles)
	VALUES (a.id, p_number, p->>'city_owner',
		ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'organisation_owners', '[]'))::uuid),
		ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'indicators', '[]'))),
		ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'principles', '[]'))))
	ON CONFLICT (agreement_id, commitment) DO UPDATE SET city_owner = excluded.city_owner,
		organisation_owners = excluded.organisation_owners, indicators = excluded.indicators,
		principles = excluded.principles, version = c.version + 1, updated_at = now();
	after := api.commitment_follow_up_json(a, p_number, a.commitments->(p_number - 1), NULL);
	PERFORM audit_write('user', p_actor_id, 'plan', 'commitment', a.id, before, after,
		p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, after::text, NULL::text, NULL::text;
END $$;

-- PUT .../follow-up/commitments/{number}/years/{year}: the year's entry (201 when new).
CREATE FUNCTION api.follow_up_entry_set(p_ref text, p_number integer, p_year integer, p jsonb,
	p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	t record := api.follow_up_target(p_ref, p_number);
	a agreement;
	old follow_up_entry;
	new follow_up_entry;
BEGIN
	IF t.status <> 0 THEN
		RETURN QUERY SELECT t.status, NULL::integer, NULL::text, NULL::text, t.message;
		RETURN;
	END IF;
	a := t.a;
	SELECT * INTO old FROM follow_up_entry e WHERE e.agreement_id = a.id
		AND e.commitment = p_number AND e.year = p_year FOR UPDATE;
	IF old.id IS NULL THEN
		-- a concurrent first entry fails on follow_up_entry_key (23505 -> 409)
		INSERT INTO follow_up_entry (agreement_id, commitment, year, status, text, author_id)
		VALUES (a.id, p_number, p_year, p->>'status', p->>'text', p_actor_id)
		RETURNING * INTO new;
		PERFORM audit_write('user', p_actor_id, 'create', 'follow_up_entry', new.id, NULL,
			api.follow_up_entry_json(new), p_request_id);
		RETURN QUERY SELECT 201, new.version, api.follow_up_entry_json(new)::text, NULL::text,
			NULL::text;
		RETURN;
	END IF;
	IF old.status = p->>'status' AND old.text = p->>'text' THEN
		RETURN QUERY SELECT 200, old.version, api.follow_up_entry_json(old)::text, NULL::text,
			NULL::text;
		RETURN;
	END IF;
	UPDATE follow_up_entry e SET status = p->>'status', text = p->>'text',
		author_id = p_actor_id, updated_at = now(), version = e.version + 1
	WHERE e.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'update', 'follow_up_entry', new.id,
		api.follow_up_entry_json(old), api.follow_up_entry_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.follow_up_entry_json(new)::text, NULL::text,
		NULL::text;
END $$;

CREATE FUNCTION api.activity_json(x action_plan_activity) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', x.id, 'agreement_id', x.agreement_id, 'year', x.year,
	'title', x.title, 'description', x.description, 'principles', to_jsonb(x.principles),
	'commitments', to_jsonb(x.commitments), 'responsible', x.responsible,
	'starts_on', x.starts_on, 'ends_on', x.ends_on, 'budget_sek', x.budget_sek,
	'demo', x.demo, 'created_at', api.ts(x.created_at), 'updated_at', api.ts(x.updated_at));

CREATE FUNCTION api.action_plan_json(a agreement, p_year integer) RETURNS jsonb
LANGUAGE sql STABLE
RETURN jsonb_build_object('agreement_id', a.id, 'year', p_year,
	'budget_total_sek', (SELECT coalesce(sum(x.budget_sek), 0) FROM action_plan_activity x
		WHERE x.agreement_id = a.id AND x.year = p_year),
	'activities', coalesce((SELECT jsonb_agg(api.activity_json(x) ORDER BY x.starts_on,
		x.title, x.id) FROM action_plan_activity x WHERE x.agreement_id = a.id
		AND x.year = p_year), '[]'));

-- POST (p_id NULL) or merge-PATCH (p_id, p_revision) of an activity of year p_year.
CREATE FUNCTION api.activity_write(p_ref text, p_year integer, p_id uuid, p_revision integer,
	p jsonb, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	t record := api.follow_up_target(p_ref, NULL);
	a agreement;
	old action_plan_activity;
	new action_plan_activity;
	bad text;
BEGIN
	IF t.status <> 0 THEN
		RETURN QUERY SELECT t.status, NULL::integer, NULL::text, NULL::text, t.message;
		RETURN;
	END IF;
	a := t.a;
	IF p_id IS NOT NULL THEN
		SELECT * INTO old FROM action_plan_activity x WHERE x.id = p_id
			AND x.agreement_id = a.id AND x.year = p_year FOR UPDATE;
		IF old.id IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such activity';
			RETURN;
		END IF;
		IF p_revision IS NOT NULL AND old.version <> p_revision THEN
			RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text,
				'the activity changed since you read it';
			RETURN;
		END IF;
	END IF;
	bad := api.consultation_refs_bad(a, p);
	IF bad IS NOT NULL THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, bad,
			'names a principle or commitment the agreement does not have';
		RETURN;
	END IF;
	IF old.id IS NULL THEN
		INSERT INTO action_plan_activity (agreement_id, year, title, description, principles,
			commitments, responsible, starts_on, ends_on, budget_sek)
		VALUES (a.id, p_year, btrim(p->>'title'), p->>'description',
			ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'principles', '[]'))),
			ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'commitments', '[]'))::int),
			btrim(p->>'responsible'), (p->>'starts_on')::date, (p->>'ends_on')::date,
			(p->>'budget_sek')::bigint)
		RETURNING * INTO new;
		PERFORM audit_write('user', p_actor_id, 'create', 'action_plan_activity', new.id, NULL,
			api.activity_json(new), p_request_id);
		RETURN QUERY SELECT 201, new.version, api.activity_json(new)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE action_plan_activity x SET
		title = CASE WHEN p ? 'title' THEN btrim(p->>'title') ELSE x.title END,
		description = CASE WHEN p ? 'description' THEN p->>'description' ELSE x.description END,
		principles = CASE WHEN p ? 'principles' THEN ARRAY(SELECT
			jsonb_array_elements_text(p->'principles')) ELSE x.principles END,
		commitments = CASE WHEN p ? 'commitments' THEN ARRAY(SELECT
			jsonb_array_elements_text(p->'commitments')::int) ELSE x.commitments END,
		responsible = CASE WHEN p ? 'responsible' THEN btrim(p->>'responsible')
			ELSE x.responsible END,
		starts_on = CASE WHEN p ? 'starts_on' THEN (p->>'starts_on')::date ELSE x.starts_on END,
		ends_on = CASE WHEN p ? 'ends_on' THEN (p->>'ends_on')::date ELSE x.ends_on END,
		budget_sek = CASE WHEN p ? 'budget_sek' THEN (p->>'budget_sek')::bigint
			ELSE x.budget_sek END,
		updated_at = now(), version = x.version + 1
	WHERE x.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'update', 'action_plan_activity', new.id,
		api.activity_json(old), api.activity_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.activity_json(new)::text, NULL::text, NULL::text;
END $$;

-- Statistics of the follow-up: each year's commitments by status (not_reported: no entry),
-- and the dialogues held per principle of the agreement.
CREATE FUNCTION api.follow_up_stats(a agreement) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('agreement_id', a.id,
		'commitments_by_status', coalesce((SELECT jsonb_agg(to_jsonb(c) ORDER BY c.year) FROM (
			SELECT e.year, count(*) FILTER (WHERE e.status = 'not_started') AS not_started,
				count(*) FILTER (WHERE e.status = 'ongoing') AS ongoing,
				count(*) FILTER (WHERE e.status = 'done') AS done,
				count(*) FILTER (WHERE e.status = 'discontinued') AS discontinued,
				greatest(jsonb_array_length(a.commitments) - count(*), 0) AS not_reported
			FROM follow_up_entry e WHERE e.agreement_id = a.id GROUP BY e.year) c), '[]'),
		'dialogues_by_principle', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'code', p.x->>'code', 'title', p.x->>'title',
			'held', (SELECT count(*) FROM dialogue d WHERE d.status = 'held'
				AND (p.x->>'code') = ANY (d.principles)),
			'scheduled', (SELECT count(*) FROM dialogue d WHERE d.status = 'scheduled'
				AND (p.x->>'code') = ANY (d.principles))) ORDER BY p.n)
			FROM jsonb_array_elements(a.principles) WITH ORDINALITY p(x, n)), '[]'));
$$;

-- Open data: the follow-up of the current (adopted) agreement, one row per commitment and
-- year reported; no personal data (no author).
CREATE FUNCTION api.open_follow_up() RETURNS text LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('agreement_id', a.id,
		'agreement_version', a.version, 'commitment', e.commitment,
		'party', a.commitments->(e.commitment - 1)->>'party',
		'commitment_text', a.commitments->(e.commitment - 1)->>'text',
		'principles', coalesce(p.principles, '{}'), 'city_owner', p.city_owner,
		'year', e.year, 'status', e.status, 'text', e.text, 'demo', e.demo,
		'updated_at', api.ts(e.updated_at)) ORDER BY e.year, e.commitment), '[]'::json)::text
	FROM agreement a JOIN follow_up_entry e ON e.agreement_id = a.id
	LEFT JOIN commitment_plan p ON p.agreement_id = a.id AND p.commitment = e.commitment
	WHERE a.status = 'adopted';
$$;

CREATE FUNCTION follow_up_entry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('follow_up', CASE WHEN TG_OP = 'INSERT' THEN 'create' ELSE 'update' END,
		NEW.id, api.follow_up_entry_json(NEW));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER follow_up_entry_changed AFTER INSERT OR UPDATE ON follow_up_entry
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION follow_up_entry_changed();

-- Documents ---------------------------------------------------------------------------------
--
-- One table holds the metadata and the bytes (bytea, at most 10 MB). A document
-- has exactly one parent, named by one nullable foreign key per kind of parent, so that the
-- database keeps every reference whole; a later kind of parent (a consultation response, a
-- follow-up entry, a scanned paper endorsement) adds its column and widens
-- document_parent_check. The service checks the bytes against the content type before the
-- insert (service/src/domain/document_sniff.c); SHA-256 and size are computed here, from the
-- stored bytes, so they cannot disagree with them. Documents are never changed or deleted.

CREATE TABLE document (
	id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id uuid REFERENCES agreement (id),
	dialogue_id  uuid REFERENCES dialogue (id),
	consultation_response_id uuid REFERENCES consultation_response (id),
	follow_up_entry_id uuid REFERENCES follow_up_entry (id),
	title        text NOT NULL CONSTRAINT document_title_check
	               CHECK (length(title) BETWEEN 1 AND 300 AND title = btrim(title)
	                      AND title !~ '[[:cntrl:]]'),
	language     text NOT NULL CONSTRAINT document_language_check
	               CHECK (language ~ '^[a-z]{2,3}$'),
	type         text NOT NULL CONSTRAINT document_type_check
	               CHECK (type IN ('signed_agreement', 'decision', 'agenda', 'minutes',
	                               'presentation', 'other')),
	filename     text NOT NULL CONSTRAINT document_filename_check
	               CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\[:cntrl:]]'
	                      AND filename NOT IN ('.', '..')),
	content_type text NOT NULL CONSTRAINT document_content_type_check
	               CHECK (content_type IN ('application/pdf', 'text/plain', 'image/png',
	                 'image/jpeg',
	                 'application/vnd.oasis.opendocument.text',
	                 'application/vnd.oasis.opendocument.spreadsheet',
	                 'application/vnd.oasis.opendocument.presentation',
	                 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	                 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	                 'application/vnd.openxmlformats-officedocument.presentationml.presentation')),
	content      bytea NOT NULL CONSTRAINT document_content_check
	               CHECK (octet_length(content) BETWEEN 1 AND 10485760),
	size         integer NOT NULL GENERATED ALWAYS AS (octet_length(content)) STORED,
	sha256       text NOT NULL GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
	created_at   timestamptz NOT NULL DEFAULT now(),
	created_by   uuid REFERENCES app_user (id),
	CONSTRAINT document_parent_check CHECK (num_nonnulls(agreement_id, dialogue_id,
		consultation_response_id, follow_up_entry_id) = 1)
);
-- PDFs, images and zip-based office files are compressed already: storing them out of line
-- uncompressed saves the futile attempt and lets substring() (range requests) read only the
-- TOAST chunks it needs.
ALTER TABLE document ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX document_agreement_idx ON document (agreement_id, created_at, id)
	WHERE agreement_id IS NOT NULL;
CREATE INDEX document_dialogue_idx ON document (dialogue_id, created_at, id)
	WHERE dialogue_id IS NOT NULL;
CREATE INDEX document_consultation_response_idx ON document (consultation_response_id,
	created_at, id) WHERE consultation_response_id IS NOT NULL;
CREATE INDEX document_follow_up_entry_idx ON document (follow_up_entry_id, created_at, id)
	WHERE follow_up_entry_id IS NOT NULL;

CREATE FUNCTION api.document_json(d document) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', d.id,
	'parent', CASE WHEN d.agreement_id IS NOT NULL
		THEN jsonb_build_object('type', 'agreement', 'id', d.agreement_id)
		WHEN d.dialogue_id IS NOT NULL
		THEN jsonb_build_object('type', 'dialogue', 'id', d.dialogue_id)
		WHEN d.consultation_response_id IS NOT NULL
		THEN jsonb_build_object('type', 'consultation_response', 'id',
			d.consultation_response_id)
		ELSE jsonb_build_object('type', 'follow_up_entry', 'id', d.follow_up_entry_id) END,
	'title', d.title, 'language', d.language, 'type', d.type, 'filename', d.filename,
	'content_type', d.content_type, 'size', d.size, 'sha256', d.sha256,
	'content_url', '/api/v1/documents/' || d.id || '/content',
	'created_at', api.ts(d.created_at));

-- Visibility follows the parent: a dialogue's documents are public, an agreement's are as
-- visible as the agreement (a draft's: the secretariat only), a consultation response's as
-- its text (the organisation and the secretariat; everyone once the consultation closed,
-- unless the response is not for publication); a follow-up entry's are public, as entries
-- exist only for adopted agreements.
CREATE FUNCTION api.document_public(d document) RETURNS boolean LANGUAGE sql STABLE
RETURN d.dialogue_id IS NOT NULL OR d.follow_up_entry_id IS NOT NULL
	OR EXISTS (SELECT 1 FROM agreement a WHERE a.id = d.agreement_id AND a.status <> 'draft')
	OR EXISTS (SELECT 1 FROM consultation_response r JOIN agreement a ON a.id = r.agreement_id
		WHERE r.id = d.consultation_response_id
		  AND api.consultation_response_view(r, a, 'anonymous', NULL) = 'public');

CREATE FUNCTION api.document_visible(d document, p_caller_kind text, p_user_id uuid)
RETURNS boolean LANGUAGE sql STABLE
RETURN p_caller_kind = 'admin' OR api.document_public(d)
	OR EXISTS (SELECT 1 FROM consultation_response r WHERE r.id = d.consultation_response_id
		AND api.represents(r.organisation_id, p_caller_kind, p_user_id));

-- Stores an uploaded document under its parent (p_parent_type 'agreement' with an id or
-- slug, 'dialogue' with an id, or 'consultation_response' with the response's id and
-- p_agreement_ref). p_meta: title, language, type, filename, content_type (checked against
-- the bytes by the service). Agreements and dialogues: the secretariat (the route decides);
-- a response: the organisation's representatives while the consultation is open.
CREATE FUNCTION api.document_create(p_parent_type text, p_parent_ref text, p_meta jsonb,
	p_content bytea, p_actor_id uuid, p_request_id text, p_caller_kind text,
	p_agreement_ref text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement;
	d document;
	v_dialogue uuid;
	r consultation_response;
	v_entry uuid;
BEGIN
	IF p_parent_type = 'consultation_response' THEN
		a := api.agreement_find(p_agreement_ref, p_caller_kind);
		SELECT * INTO r FROM consultation_response x WHERE x.id = p_parent_ref::uuid
			AND x.agreement_id = a.id;
		IF r.id IS NULL OR api.consultation_response_view(r, a, p_caller_kind, p_actor_id) IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, 'there is no such response';
			RETURN;
		END IF;
		IF p_caller_kind = 'admin' OR NOT api.represents(r.organisation_id, p_caller_kind, p_actor_id) THEN
			RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text,
				'only the organisation''s representatives attach documents to its response';
			RETURN;
		END IF;
		IF r.status <> 'submitted' OR api.consultation_state(a) <> 'open' THEN
			RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
				'documents are attached to a submitted response while the consultation is open';
			RETURN;
		END IF;
		a := NULL;
	ELSIF p_parent_type = 'follow_up_entry' THEN
		SELECT x.id INTO v_entry FROM follow_up_entry x WHERE x.id = p_parent_ref::uuid;
		IF v_entry IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such follow-up entry';
			RETURN;
		END IF;
	ELSIF p_parent_type = 'agreement' THEN
		a := api.agreement_find(p_parent_ref, 'admin');
		IF a.id IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such agreement';
			RETURN;
		END IF;
	ELSIF p_parent_type = 'dialogue' THEN
		SELECT x.id INTO v_dialogue FROM dialogue x WHERE x.id = p_parent_ref::uuid;
		IF v_dialogue IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such dialogue';
			RETURN;
		END IF;
	END IF;
	INSERT INTO document (agreement_id, dialogue_id, consultation_response_id,
		follow_up_entry_id, title, language, type, filename, content_type, content, created_by)
	VALUES (a.id, v_dialogue, r.id, v_entry, btrim(p_meta->>'title'), p_meta->>'language', p_meta->>'type',
		p_meta->>'filename', p_meta->>'content_type', p_content, p_actor_id)
	RETURNING * INTO d;
	PERFORM audit_write('user', p_actor_id, 'upload', 'document', d.id, NULL,
		api.document_json(d), p_request_id);
	RETURN QUERY SELECT 201, NULL::integer, api.document_json(d)::text, NULL::text, NULL::text;
END $$;

-- A document's metadata, for a caller who may see it. With p_download: a document that is
-- not public (a draft's) is audited on every download; public documents are not, so that an
-- anonymous read never becomes a write (docs/decisions.md, "Documents").
CREATE FUNCTION api.document_open(p_id uuid, p_caller_kind text, p_download boolean,
	p_actor_type text, p_actor_id uuid, p_request_id text)
RETURNS TABLE (body text, is_public boolean) LANGUAGE plpgsql AS $$
DECLARE
	d document;
	pub boolean;
BEGIN
	SELECT * INTO d FROM document x WHERE x.id = p_id;
	IF d.id IS NULL OR NOT api.document_visible(d, p_caller_kind, p_actor_id) THEN
		RETURN;
	END IF;
	pub := api.document_public(d);
	IF p_download AND NOT pub THEN
		PERFORM audit_write(p_actor_type, p_actor_id, 'download', 'document', d.id, NULL, NULL,
			p_request_id);
	END IF;
	RETURN QUERY SELECT api.document_json(d)::text, pub;
END $$;

-- Change events: a document is an event of its own type when it is published with its
-- parent; a draft's documents make none (like the draft itself).
ALTER TABLE change_event DROP CONSTRAINT change_event_type_check;
ALTER TABLE change_event ADD CONSTRAINT change_event_type_check CHECK (type IN
	('organisation', 'endorsement', 'dialogue', 'agreement', 'registration', 'representative',
	 'document', 'consultation_response', 'follow_up'));
ALTER TABLE webhook DROP CONSTRAINT webhook_types_check;
ALTER TABLE webhook ADD CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement', 'registration',
	                   'representative', 'document', 'consultation_response', 'follow_up']);

CREATE FUNCTION document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF api.document_public(NEW) THEN
		PERFORM change_emit('document', 'create', NEW.id, api.document_json(NEW));
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER document_changed AFTER INSERT ON document
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION document_changed();

