-- migration: additive
-- 0008_stats_audit_open_data.sql -- statistics, the audit log for the secretariat, and the
-- open datasets (no personal data: no e-mail, phone, signatory names or mandates).

CREATE INDEX endorsement_endorsed_idx ON endorsement (endorsed_at);
CREATE INDEX organisation_verified_kind_idx ON organisation (kind) WHERE status = 'verified';

CREATE FUNCTION api.stats() RETURNS text LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'organisations', json_build_object(
			'total', (SELECT count(*) FROM organisation WHERE status = 'verified'),
			'by_kind', (SELECT coalesce(json_object_agg(kind, n), '{}'::json) FROM (
				SELECT kind, count(*) AS n FROM organisation WHERE status = 'verified'
				GROUP BY kind) k),
			'by_district', (SELECT coalesce(json_object_agg(district, n), '{}'::json) FROM (
				SELECT d AS district, count(*) AS n FROM organisation o, unnest(o.districts) d
				WHERE o.status = 'verified' GROUP BY d) x)),
		'endorsements', json_build_object(
			'active', (SELECT count(*) FROM endorsement e JOIN agreement a ON a.id = e.agreement_id
				WHERE a.status = 'adopted' AND e.status = 'active'),
			'by_month', (SELECT coalesce(json_agg(json_build_object('month', m, 'count', n)
				ORDER BY m), '[]'::json) FROM (
				SELECT to_char(endorsed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS m,
					count(*) AS n FROM endorsement GROUP BY 1) x)),
		'dialogues', json_build_object(
			'held', (SELECT count(*) FROM dialogue WHERE status = 'held'),
			'upcoming', (SELECT count(*) FROM dialogue WHERE status = 'scheduled' AND starts_at > now()),
			'participating_organisations', (SELECT count(DISTINCT organisation_id)
				FROM registration WHERE status <> 'cancelled')))::text;
$$;

CREATE FUNCTION api.audit_json(a audit) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', a.id, 'occurred_at', api.ts(a.occurred_at),
	'actor', jsonb_build_object('type', a.actor_type, 'id', a.actor_id, 'name', a.actor_name),
	'action', a.action, 'entity_type', a.entity_type, 'entity_id', a.entity_id,
	'before', a.before, 'after', a.after, 'request_id', a.request_id);

-- Newest first; the cursor is the last id seen.
CREATE FUNCTION api.audit_list(f jsonb, p_limit integer, p_cursor jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	c_id bigint;
	result text;
BEGIN
	BEGIN
		IF p_cursor IS NOT NULL THEN
			c_id := (p_cursor->>0)::bigint;
			IF c_id IS NULL THEN RAISE EXCEPTION 'cursor'; END IF;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'cursor is not one this service gave out'
			USING ERRCODE = 'invalid_parameter_value';
	END;
	WITH page AS (
		SELECT x.*, row_number() OVER () AS n FROM (
			SELECT a AS r, a.id FROM audit a
			WHERE (f->>'entity_type' IS NULL OR a.entity_type = f->>'entity_type')
			  AND (f->>'entity_id' IS NULL OR a.entity_id = (f->>'entity_id')::uuid)
			  AND (f->>'actor' IS NULL OR a.actor_id = (f->>'actor')::uuid)
			  AND (f->>'action' IS NULL OR a.action = f->>'action')
			  AND (c_id IS NULL OR a.id < c_id)
			ORDER BY a.id DESC LIMIT p_limit + 1) x)
	SELECT json_build_object(
		'items', coalesce((SELECT json_agg(api.audit_json(p.r) ORDER BY p.n)
			FROM page p WHERE p.n <= p_limit), '[]'::json),
		'next_cursor', (SELECT rtrim(translate(encode(convert_to(jsonb_build_array(p.id)::text,
			'UTF8'), 'base64'), E'+/\n', '-_'), '=') FROM page p WHERE p.n = p_limit
			AND EXISTS (SELECT 1 FROM page x WHERE x.n = p_limit + 1)))::text
	INTO result;
	RETURN result;
END $$;
CREATE INDEX audit_action_idx ON audit (action, id DESC);

-- Open datasets as JSON arrays of flat objects (the C code writes CSV from the same items).
CREATE FUNCTION api.open_dataset(p_name text) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT CASE p_name
	WHEN 'organisations' THEN (SELECT coalesce(json_agg(json_build_object(
		'id', o.id, 'org_number', o.org_number, 'name', o.name, 'kind', o.kind,
		'legal_form', api.legal_form(o.org_number), 'umbrella_id', o.umbrella_id,
		'areas', o.areas, 'districts', o.districts, 'website', o.website,
		'member_count', o.member_count,
		'endorsed', api.organisation_endorsement(o.id) IS NOT NULL,
		'created_at', api.ts(o.created_at), 'updated_at', api.ts(o.updated_at))
		ORDER BY o.name COLLATE "sv-SE-x-icu", o.id), '[]'::json)
		FROM organisation o WHERE o.status = 'verified')
	WHEN 'dialogues' THEN (SELECT coalesce(json_agg(json_build_object(
		'id', d.id, 'title', d.title, 'kind', d.kind, 'status', d.status,
		'starts_at', api.ts(d.starts_at), 'ends_at', api.ts(d.ends_at),
		'location', d.location, 'online_url', d.online_url, 'format', d.format,
		'services', d.services, 'participation_level', d.participation_level,
		'principles', d.principles, 'capacity', d.capacity,
		'seats_taken', (SELECT coalesce(sum(r.attendees), 0) FROM registration r
			WHERE r.dialogue_id = d.id AND r.status = 'registered'))
		ORDER BY d.starts_at, d.id), '[]'::json) FROM dialogue d)
	WHEN 'endorsements' THEN (SELECT coalesce(json_agg(json_build_object(
		'organisation_id', o.id, 'organisation_name', o.name, 'org_number', o.org_number,
		'kind', o.kind, 'status', e.status, 'endorsed_at', api.ts(e.endorsed_at),
		'withdrawn_at', api.ts(e.withdrawn_at), 'statement', e.statement)
		ORDER BY e.endorsed_at, e.id), '[]'::json)
		FROM endorsement e JOIN agreement a ON a.id = e.agreement_id AND a.status = 'adopted'
		JOIN organisation o ON o.id = e.organisation_id)
	END::text;
$$;
