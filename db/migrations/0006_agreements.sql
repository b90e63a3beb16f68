-- migration: additive
-- 0006_agreements.sql -- the agreement (överenskommelse) in its versions, with the decisions
-- behind them, and the organisations' endorsements of it: a public register whose history
-- is never deleted (withdrawals and renewals are timestamps on the kept rows).

CREATE TABLE agreement (
	id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	slug        text NOT NULL CONSTRAINT agreement_slug_check
	              CHECK (slug ~ '^[a-z0-9][a-z0-9-]{2,62}$'),
	title       text NOT NULL CONSTRAINT agreement_title_check
	              CHECK (length(title) BETWEEN 2 AND 300 AND title = btrim(title)),
	status      text NOT NULL DEFAULT 'draft' CONSTRAINT agreement_status_check
	              CHECK (status IN ('draft', 'consultation', 'adopted', 'superseded')),
	goals       jsonb NOT NULL DEFAULT '[]',
	principles  jsonb NOT NULL DEFAULT '[]',
	commitments jsonb NOT NULL DEFAULT '[]',
	body        text CHECK (length(body) <= 200000),
	decisions   jsonb NOT NULL DEFAULT '[]',
	version     integer NOT NULL,          -- its number in the series: 1, 2, ...
	revision    integer NOT NULL DEFAULT 1, -- the ETag
	adopted_at  timestamptz,
	created_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agreement_slug_key ON agreement (slug);
-- the current agreement: at most one is adopted at a time
CREATE UNIQUE INDEX agreement_one_adopted ON agreement ((true)) WHERE status = 'adopted';

CREATE TABLE endorsement (
	id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	agreement_id      uuid NOT NULL REFERENCES agreement (id),
	organisation_id   uuid NOT NULL REFERENCES organisation (id),
	status            text NOT NULL DEFAULT 'active'
	                    CHECK (status IN ('active', 'withdrawn', 'renewal_needed')),
	signatory_name    text NOT NULL CHECK (length(signatory_name) BETWEEN 1 AND 200),
	signatory_title   text CHECK (length(signatory_title) <= 200),
	mandate           text NOT NULL CHECK (length(mandate) BETWEEN 1 AND 500),
	statement         text CHECK (length(statement) <= 2000),
	endorsed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
	endorsed_by       uuid REFERENCES app_user (id),
	withdrawn_at      timestamptz,
	withdrawal_reason text CHECK (length(withdrawal_reason) <= 1000),
	withdrawn_by      uuid REFERENCES app_user (id),
	renewal_needed_at timestamptz
);
-- exactly one active endorsement per organisation and agreement, also under concurrency
CREATE UNIQUE INDEX endorsement_active_key ON endorsement (agreement_id, organisation_id)
	WHERE status = 'active';
CREATE INDEX endorsement_agreement_idx ON endorsement (agreement_id, endorsed_at, id);
CREATE INDEX endorsement_organisation_idx ON endorsement (organisation_id, endorsed_at DESC);

-- Optional keys of principles and decisions are stored as null, so that every agreement
-- answers the same shape.
CREATE FUNCTION api.decision_normal(d jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
RETURN jsonb_build_object('body', d->'body', 'date', d->'date', 'reference',
	coalesce(d->'reference', 'null'::jsonb), 'summary', coalesce(d->'summary', 'null'::jsonb));

CREATE FUNCTION api.agreement_normal(p jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT p
		|| CASE WHEN jsonb_typeof(p->'decisions') = 'array' THEN jsonb_build_object('decisions',
			(SELECT coalesce(jsonb_agg(api.decision_normal(d) ORDER BY i), '[]'::jsonb)
			 FROM jsonb_array_elements(p->'decisions') WITH ORDINALITY x(d, i))) ELSE '{}' END
		|| CASE WHEN jsonb_typeof(p->'principles') = 'array' THEN jsonb_build_object('principles',
			(SELECT coalesce(jsonb_agg(jsonb_build_object('code', x->'code', 'title', x->'title',
				'description', coalesce(x->'description', 'null'::jsonb)) ORDER BY i), '[]'::jsonb)
			 FROM jsonb_array_elements(p->'principles') WITH ORDINALITY y(x, i))) ELSE '{}' END;
$$;

CREATE FUNCTION api.agreement_json(a agreement) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', a.id, 'slug', a.slug, 'title', a.title,
		'status', a.status, 'goals', a.goals, 'principles', a.principles,
		'commitments', a.commitments, 'body', a.body, 'decisions', a.decisions,
		'version', a.version, 'adopted_at', api.ts(a.adopted_at),
		'endorsement_count', (SELECT count(*) FROM endorsement e
			WHERE e.agreement_id = a.id AND e.status = 'active'),
		'created_at', api.ts(a.created_at), 'updated_at', api.ts(a.updated_at));
$$;

-- An agreement by UUID or slug, as this caller may see it (drafts: admin only).
CREATE FUNCTION api.agreement_find(p_ref text, p_caller_kind text) RETURNS agreement
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a agreement;
BEGIN
	IF p_ref ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
		SELECT * INTO a FROM agreement WHERE id = p_ref::uuid;
	ELSE
		SELECT * INTO a FROM agreement WHERE slug = p_ref;
	END IF;
	IF a.id IS NULL OR (a.status = 'draft' AND p_caller_kind <> 'admin') THEN
		RETURN NULL;
	END IF;
	RETURN a;
END $$;

CREATE FUNCTION api.agreement_get(p_ref text, p_caller_kind text)
RETURNS TABLE (version integer, body text) LANGUAGE sql STABLE AS $$
	SELECT a.revision, api.agreement_json(a)::text FROM api.agreement_find(p_ref, p_caller_kind) a
	WHERE a.id IS NOT NULL;
$$;

CREATE FUNCTION api.agreement_list(p_caller_kind text, p_limit integer, p_cursor jsonb)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
	c_ts timestamptz;
	c_id uuid;
	result text;
BEGIN
	BEGIN
		IF p_cursor IS NOT NULL THEN
			c_ts := (p_cursor->>0)::timestamptz;
			c_id := (p_cursor->>1)::uuid;
			IF c_id IS NULL THEN RAISE EXCEPTION 'cursor'; END IF;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'cursor is not one this service gave out'
			USING ERRCODE = 'invalid_parameter_value';
	END;
	WITH page AS (
		SELECT x.*, row_number() OVER () AS n FROM (
			SELECT a AS r, a.created_at, a.id FROM agreement a
			WHERE (a.status <> 'draft' OR p_caller_kind = 'admin')
			  AND (c_id IS NULL OR (a.created_at, a.id) < (c_ts, c_id))
			ORDER BY a.created_at DESC, a.id DESC LIMIT p_limit + 1) x)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.agreement_json(p.r) ORDER BY p.n)
			FROM page p WHERE p.n <= p_limit), '[]'::json),
		'next_cursor', (SELECT rtrim(translate(encode(convert_to(
			jsonb_build_array(api.ts(p.created_at), p.id)::text, 'UTF8'), 'base64'),
			E'+/\n', '-_'), '=') FROM page p WHERE p.n = p_limit
			AND EXISTS (SELECT 1 FROM page x WHERE x.n = p_limit + 1)))::text
	INTO result;
	RETURN result;
END $$;

CREATE FUNCTION api.agreement_create(p_body jsonb, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement;
	p jsonb := api.agreement_normal(p_body);
BEGIN
	-- series numbers are handed out one at a time
	PERFORM pg_advisory_xact_lock(7412093387212);
	INSERT INTO agreement (slug, title, status, goals, principles, commitments, body,
		decisions, version)
	VALUES (p->>'slug', btrim(p->>'title'), coalesce(p->>'status', 'draft'),
		coalesce(p->'goals', '[]'), coalesce(p->'principles', '[]'),
		coalesce(p->'commitments', '[]'), p->>'body', coalesce(p->'decisions', '[]'),
		(SELECT coalesce(max(x.version), 0) + 1 FROM agreement x))
	RETURNING * INTO a;
	PERFORM audit_write('user', p_actor_id, 'create', 'agreement', a.id, NULL,
		api.agreement_json(a), p_request_id);
	RETURN QUERY SELECT 201, a.revision, api.agreement_json(a)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.agreement_patch(p_ref text, p_revision integer, p_body jsonb,
	p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := api.agreement_normal(p_body);
	old agreement := api.agreement_find(p_ref, 'admin');
	new agreement;
BEGIN
	IF old.id IS NULL THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO old FROM agreement a WHERE a.id = old.id FOR UPDATE;
	IF p_revision IS NOT NULL AND old.revision <> p_revision THEN
		RETURN QUERY SELECT 412, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	-- an adopted text is never edited in place: a new agreement is drafted instead
	IF old.status NOT IN ('draft', 'consultation') THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'an ' || old.status || ' agreement is not edited; draft a new one';
		RETURN;
	END IF;
	new := jsonb_populate_record(old, p - 'id' - 'version' - 'revision' - 'adopted_at'
		- 'created_at' - 'updated_at' - 'endorsement_count');
	new.title := btrim(new.title);
	IF to_jsonb(new) = to_jsonb(old) THEN
		RETURN QUERY SELECT 200, old.revision, api.agreement_json(old)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE agreement a SET slug = new.slug, title = new.title, status = new.status,
		goals = new.goals, principles = new.principles, commitments = new.commitments,
		body = new.body, decisions = new.decisions, revision = a.revision + 1,
		updated_at = now()
	WHERE a.id = old.id RETURNING * INTO new;
	PERFORM audit_write('user', p_actor_id, 'update', 'agreement', old.id,
		api.agreement_json(old), api.agreement_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.revision, api.agreement_json(new)::text, NULL::text, NULL::text;
END $$;

-- Adopts: the decision joins the case history; the agreement adopted until now is
-- superseded and its active endorsements need renewing.
CREATE FUNCTION api.agreement_adopt(p_ref text, p_decision jsonb, p_actor_id uuid,
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
		WITH renewed AS (
			UPDATE endorsement e SET status = 'renewal_needed', renewal_needed_at = clock_timestamp()
			WHERE e.agreement_id = prev.id AND e.status = 'active' RETURNING e.organisation_id)
		UPDATE organisation o SET version = o.version + 1
		WHERE o.id IN (SELECT organisation_id FROM renewed);
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

-- The register. The status is computed for the moment p_as_of from the kept timestamps,
-- so the register can be read as it stood on any day. p_private: names and mandate shown.
CREATE FUNCTION api.endorsement_json(e endorsement, p_private boolean, p_as_of timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', e.id, 'agreement_id', e.agreement_id,
		'organisation', (SELECT jsonb_build_object('id', o.id, 'name', o.name,
			'org_number', o.org_number, 'kind', o.kind) FROM organisation o
			WHERE o.id = e.organisation_id),
		'status', CASE
			WHEN e.withdrawn_at IS NOT NULL AND e.withdrawn_at <= p_as_of THEN 'withdrawn'
			WHEN e.renewal_needed_at IS NOT NULL AND e.renewal_needed_at <= p_as_of THEN 'renewal_needed'
			ELSE 'active' END,
		'endorsed_at', api.ts(e.endorsed_at), 'statement', e.statement,
		'withdrawn_at', CASE WHEN e.withdrawn_at <= p_as_of THEN api.ts(e.withdrawn_at) END,
		'withdrawal_reason', CASE WHEN e.withdrawn_at <= p_as_of THEN e.withdrawal_reason END,
		'renewal_needed_at', CASE WHEN e.renewal_needed_at <= p_as_of THEN api.ts(e.renewal_needed_at) END)
	|| CASE WHEN p_private THEN jsonb_build_object('signatory_name', e.signatory_name,
		'signatory_title', e.signatory_title, 'mandate', e.mandate,
		'endorsed_by', (SELECT jsonb_build_object('id', u.id, 'name', u.name)
			FROM app_user u WHERE u.id = e.endorsed_by))
	   ELSE '{}'::jsonb END;
$$;

-- Endorsements of agreement a as they stood at p_as_of, filtered; used by the JSON register
-- (paged) and the CSV (all). Filters: status, kind, area.
CREATE FUNCTION api.endorsement_rows(p_agreement uuid, f jsonb, p_as_of timestamptz)
RETURNS SETOF endorsement LANGUAGE sql STABLE AS $$
	SELECT e.* FROM endorsement e JOIN organisation o ON o.id = e.organisation_id
	WHERE e.agreement_id = p_agreement AND e.endorsed_at <= p_as_of
	  AND (f->>'kind' IS NULL OR o.kind = f->>'kind')
	  AND (f->>'area' IS NULL OR o.areas @> ARRAY[f->>'area'])
	  AND (f->>'status' IS NULL OR f->>'status' = CASE
		WHEN e.withdrawn_at IS NOT NULL AND e.withdrawn_at <= p_as_of THEN 'withdrawn'
		WHEN e.renewal_needed_at IS NOT NULL AND e.renewal_needed_at <= p_as_of THEN 'renewal_needed'
		ELSE 'active' END);
$$;

-- as_of: a date-time, or a date meaning the end of that day in Göteborg.
CREATE FUNCTION api.as_of(p text) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p IS NULL THEN
		RETURN clock_timestamp();
	ELSIF p ~ '^\d{4}-\d{2}-\d{2}$' THEN
		RETURN ((p::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm') - interval '1 microsecond';
	END IF;
	RETURN p::timestamptz;
EXCEPTION WHEN OTHERS THEN
	RAISE EXCEPTION 'as_of must be an RFC 3339 date-time or a date'
		USING ERRCODE = 'invalid_parameter_value';
END $$;

CREATE FUNCTION api.endorsement_list(p_ref text, f jsonb, p_caller_kind text, p_user_id uuid,
	p_limit integer, p_cursor jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	t timestamptz := api.as_of(f->>'as_of');
	c_ts timestamptz;
	c_id uuid;
	result text;
BEGIN
	IF a.id IS NULL THEN
		RETURN NULL;
	END IF;
	BEGIN
		IF p_cursor IS NOT NULL THEN
			c_ts := (p_cursor->>0)::timestamptz;
			c_id := (p_cursor->>1)::uuid;
			IF c_id IS NULL THEN RAISE EXCEPTION 'cursor'; END IF;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'cursor is not one this service gave out'
			USING ERRCODE = 'invalid_parameter_value';
	END;
	WITH page AS (
		SELECT x.*, row_number() OVER () AS n FROM (
			SELECT e AS r, e.endorsed_at, e.id, e.organisation_id
			FROM api.endorsement_rows(a.id, f, t) e
			WHERE c_id IS NULL OR (e.endorsed_at, e.id) > (c_ts, c_id)
			ORDER BY e.endorsed_at, e.id LIMIT p_limit + 1) x)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.endorsement_json(p.r,
			api.represents(p.organisation_id, p_caller_kind, p_user_id), t) ORDER BY p.n)
			FROM page p WHERE p.n <= p_limit), '[]'::json),
		'next_cursor', (SELECT rtrim(translate(encode(convert_to(
			jsonb_build_array(api.ts(p.endorsed_at), p.id)::text, 'UTF8'), 'base64'),
			E'+/\n', '-_'), '=') FROM page p WHERE p.n = p_limit
			AND EXISTS (SELECT 1 FROM page x WHERE x.n = p_limit + 1)))::text
	INTO result;
	RETURN result;
END $$;

-- The CSV rows as JSON (the C code writes RFC 4180 from them). No personal data.
CREATE FUNCTION api.endorsement_csv_rows(p_ref text, f jsonb, p_caller_kind text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a agreement := api.agreement_find(p_ref, p_caller_kind);
	t timestamptz := api.as_of(f->>'as_of');
BEGIN
	IF a.id IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN coalesce((SELECT json_agg(json_build_array(j->'organisation'->>'id',
			j->'organisation'->>'name', j->'organisation'->>'org_number',
			j->'organisation'->>'kind', j->>'status', j->>'endorsed_at', j->>'withdrawn_at',
			j->>'statement') ORDER BY e.endorsed_at, e.id)
		FROM api.endorsement_rows(a.id, f, t) e, api.endorsement_json(e, false, t) j),
		'[]')::text;
END $$;

CREATE FUNCTION api.organisation_endorsements(p_id uuid, p_caller_kind text, p_user_id uuid)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce((SELECT json_agg(api.endorsement_json(e,
		api.represents(p_id, p_caller_kind, p_user_id), clock_timestamp())
		ORDER BY e.endorsed_at DESC, e.id DESC)
		FROM endorsement e WHERE e.organisation_id = p_id), '[]'::json))::text
	FROM organisation o WHERE o.id = p_id AND api.organisation_visible(o, p_caller_kind, p_user_id);
$$;

CREATE FUNCTION api.may_sign(p_org uuid, p_caller_kind text, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT p_caller_kind = 'admin' OR EXISTS (SELECT 1 FROM representative r
		WHERE r.organisation_id = p_org AND r.user_id = p_user_id AND r.role = 'signatory');
$$;

CREATE FUNCTION api.endorsement_create(p_ref text, p jsonb, p_caller_kind text, p_user_id uuid,
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
	UPDATE organisation x SET version = x.version + 1 WHERE x.id = o.id;
	PERFORM audit_write('user', p_user_id, 'endorse', 'endorsement', e.id, NULL,
		api.endorsement_json(e, true, clock_timestamp()), p_request_id);
	RETURN QUERY SELECT 201, 1, api.endorsement_json(e, true, clock_timestamp())::text,
		NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.endorsement_withdraw(p_ref text, p_id uuid, p_reason text,
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
	UPDATE organisation x SET version = x.version + 1 WHERE x.id = o.id;
	PERFORM audit_write('user', p_user_id, 'withdraw', 'endorsement', p_id,
		api.endorsement_json(old, true, clock_timestamp()),
		api.endorsement_json(new, true, clock_timestamp()), p_request_id);
	-- the endorsement's ETag: 1 while active, 2 once withdrawn (it changes no further)
	RETURN QUERY SELECT 200, 2, api.endorsement_json(new, true, clock_timestamp())::text,
		NULL::text, NULL::text;
END $$;

-- The organisation's endorsement of the current agreement (replaces 0003's placeholder).
CREATE OR REPLACE FUNCTION api.organisation_endorsement(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', e.id, 'agreement_id', e.agreement_id,
		'endorsed_at', api.ts(e.endorsed_at))
	FROM endorsement e JOIN agreement a ON a.id = e.agreement_id AND a.status = 'adopted'
	WHERE e.organisation_id = p_id AND e.status = 'active';
$$;
