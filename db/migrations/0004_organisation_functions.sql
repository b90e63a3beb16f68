-- migration: additive
-- 0004_organisation_functions.sql -- reads and writes of the register. Each write is one
-- function: one round trip, one transaction, permission and state decided together with
-- the change, its audit row included. Results are (status, version, body, field, message):
-- status is the HTTP status the handler answers; field/message describe a 422.

-- Who is asking, as the visibility rules see it: anonymous, member, admin or client.
-- (The handler passes 'client' only for clients holding an organisations:* scope.)

CREATE FUNCTION api.organisation_may_change(p_id uuid, p_caller_kind text, p_user_id uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT p_caller_kind = 'admin' OR (p_caller_kind = 'member' AND EXISTS (
		SELECT 1 FROM representative r WHERE r.organisation_id = p_id AND r.user_id = p_user_id));
$$;

-- The writable columns of a body (already checked and normalised by the C code) over a base
-- row: a JSON merge patch (RFC 7396) of the row.
CREATE FUNCTION api.organisation_merge(base organisation, p_body jsonb) RETURNS organisation
LANGUAGE plpgsql STABLE AS $$
DECLARE
	merged organisation;
BEGIN
	merged := jsonb_populate_record(base, p_body - 'id' - 'created_at' - 'updated_at'
		- 'version' - 'search' - 'legal_form' - 'endorsement');
	merged.areas := ARRAY(SELECT DISTINCT a FROM unnest(coalesce(merged.areas, '{}')) a ORDER BY 1);
	merged.districts := ARRAY(SELECT DISTINCT d FROM unnest(coalesce(merged.districts, '{}')) d ORDER BY 1);
	RETURN merged;
END $$;

-- True when the writable fields of a and b are the same (an upsert or patch that changes
-- nothing writes nothing).
CREATE FUNCTION api.organisation_same(a organisation, b organisation) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT (a.org_number, a.name, a.kind, a.umbrella_id, a.areas, a.districts, a.description,
		a.website, a.email, a.phone, a.member_count, a.status, a.status_reason)
		IS NOT DISTINCT FROM
		(b.org_number, b.name, b.kind, b.umbrella_id, b.areas, b.districts, b.description,
		b.website, b.email, b.phone, b.member_count, b.status, b.status_reason);
$$;

-- The umbrella must exist and be visible to the caller (a hidden one reads as missing).
CREATE FUNCTION api.organisation_umbrella_ok(p_umbrella uuid, p_caller_kind text, p_user_id uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT p_umbrella IS NULL OR EXISTS (SELECT 1 FROM organisation o
		WHERE o.id = p_umbrella AND api.organisation_visible(o, p_caller_kind, p_user_id));
$$;

CREATE FUNCTION api.organisation_create(p_body jsonb, p_caller_kind text, p_user_id uuid,
	p_actor_type text, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	o organisation;
BEGIN
	IF NOT api.organisation_umbrella_ok((p_body->>'umbrella_id')::uuid, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/umbrella_id', 'no such organisation';
		RETURN;
	END IF;
	o := api.organisation_merge(NULL::organisation, p_body);
	INSERT INTO organisation (org_number, name, kind, umbrella_id, areas, districts,
		description, website, email, phone, member_count)
	VALUES (o.org_number, o.name, o.kind, o.umbrella_id, o.areas, o.districts,
		o.description, o.website, o.email, o.phone, o.member_count)
	RETURNING * INTO o;
	-- the member who registers the organisation is the one entitled to sign for it
	IF p_caller_kind = 'member' THEN
		INSERT INTO representative (organisation_id, user_id, role)
		VALUES (o.id, p_user_id, 'signatory');
	END IF;
	PERFORM audit_write(p_actor_type, p_user_id, 'create', 'organisation', o.id, NULL,
		api.organisation_json(o), p_request_id);
	RETURN QUERY SELECT 201, o.version, api.organisation_json(o)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.organisation_get(p_id uuid, p_caller_kind text, p_user_id uuid)
RETURNS TABLE (version integer, body text) LANGUAGE sql STABLE AS $$
	SELECT o.version, api.organisation_json(o)::text FROM organisation o
	WHERE o.id = p_id AND api.organisation_visible(o, p_caller_kind, p_user_id);
$$;

CREATE FUNCTION api.organisation_patch(p_id uuid, p_version integer, p_body jsonb,
	p_caller_kind text, p_user_id uuid, p_actor_type text, p_request_id text)
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
	IF p_version IS NOT NULL AND old.version <> p_version THEN
		RETURN QUERY SELECT 412, old.version, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	new := api.organisation_merge(old, p_body);
	-- the association-register practice: a verified number is changed by the secretariat only
	IF old.status = 'verified' AND p_caller_kind <> 'admin'
	   AND new.org_number IS DISTINCT FROM old.org_number THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/org_number',
			'only the secretariat changes the number of a verified organisation';
		RETURN;
	END IF;
	IF new.umbrella_id IS DISTINCT FROM old.umbrella_id
	   AND NOT api.organisation_umbrella_ok(new.umbrella_id, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/umbrella_id', 'no such organisation';
		RETURN;
	END IF;
	IF api.organisation_same(old, new) THEN
		RETURN QUERY SELECT 200, old.version, api.organisation_json(old)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE organisation o SET org_number = new.org_number, name = new.name, kind = new.kind,
		umbrella_id = new.umbrella_id, areas = new.areas, districts = new.districts,
		description = new.description, website = new.website, email = new.email,
		phone = new.phone, member_count = new.member_count, status = new.status,
		status_reason = new.status_reason, version = o.version + 1, updated_at = now()
	WHERE o.id = p_id RETURNING * INTO new;
	PERFORM audit_write(p_actor_type, p_user_id,
		CASE WHEN new.status <> old.status THEN 'status_' || new.status ELSE 'update' END,
		'organisation', p_id, api.organisation_json(old), api.organisation_json(new),
		p_request_id);
	RETURN QUERY SELECT 200, new.version, api.organisation_json(new)::text, NULL::text, NULL::text;
END $$;

-- verify: pending -> verified; reject: pending -> rejected with a reason (admin only).
CREATE FUNCTION api.organisation_decide(p_id uuid, p_action text, p_reason text,
	p_caller_kind text, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old organisation;
	new organisation;
BEGIN
	SELECT * INTO old FROM organisation o WHERE o.id = p_id FOR UPDATE;
	-- what the caller may not see does not exist for them; what they see, only admin decides
	IF NOT FOUND OR NOT api.organisation_visible(old, p_caller_kind, p_user_id) THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF p_caller_kind <> 'admin' THEN
		RETURN QUERY SELECT 403, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF old.status <> 'pending' THEN
		RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
			'the organisation is ' || old.status || ', not pending';
		RETURN;
	END IF;
	UPDATE organisation o SET status = CASE p_action WHEN 'verify' THEN 'verified' ELSE 'rejected' END,
		status_reason = CASE p_action WHEN 'verify' THEN NULL ELSE p_reason END,
		version = o.version + 1, updated_at = now()
	WHERE o.id = p_id RETURNING * INTO new;
	PERFORM audit_write('user', p_user_id, p_action, 'organisation', p_id,
		api.organisation_json(old), api.organisation_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.organisation_json(new)::text, NULL::text, NULL::text;
END $$;

-- PUT by organisation number, for the association register: create or update; the same
-- body twice changes nothing the second time. Concurrent creates of one number: the unique
-- index lets one insert win and the other update.
CREATE FUNCTION api.organisation_upsert(p_org_number text, p_body jsonb, p_caller_kind text,
	p_actor_type text, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	old organisation;
	new organisation;
BEGIN
	IF p_body ? 'org_number' AND p_body->>'org_number' IS DISTINCT FROM p_org_number THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/org_number',
			'must equal the organisation number in the path';
		RETURN;
	END IF;
	IF NOT api.organisation_umbrella_ok((p_body->>'umbrella_id')::uuid, p_caller_kind, NULL) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/umbrella_id', 'no such organisation';
		RETURN;
	END IF;
	SELECT * INTO old FROM organisation o WHERE o.org_number = p_org_number FOR UPDATE;
	IF NOT FOUND THEN
		IF p_body->>'name' IS NULL OR p_body->>'kind' IS NULL THEN
			-- every missing field at once: '|' separates field pointers (see reply_write_result)
			RETURN QUERY SELECT 422, NULL::integer, NULL::text,
				concat_ws('|', CASE WHEN p_body->>'name' IS NULL THEN '/name' END,
					CASE WHEN p_body->>'kind' IS NULL THEN '/kind' END),
				'is required to register a new organisation';
			RETURN;
		END IF;
		new := api.organisation_merge(NULL::organisation, p_body || jsonb_build_object('org_number', p_org_number));
		INSERT INTO organisation (org_number, name, kind, umbrella_id, areas, districts,
			description, website, email, phone, member_count)
		VALUES (new.org_number, new.name, new.kind, new.umbrella_id, new.areas, new.districts,
			new.description, new.website, new.email, new.phone, new.member_count)
		ON CONFLICT (org_number) DO NOTHING
		RETURNING * INTO new;
		IF new.id IS NOT NULL THEN
			PERFORM audit_write(p_actor_type, p_actor_id, 'create', 'organisation', new.id,
				NULL, api.organisation_json(new), p_request_id);
			RETURN QUERY SELECT 201, new.version, api.organisation_json(new)::text,
				NULL::text, NULL::text;
			RETURN;
		END IF;
		-- another request created it a moment ago: update that row instead
		SELECT * INTO old FROM organisation o WHERE o.org_number = p_org_number FOR UPDATE;
	END IF;
	new := api.organisation_merge(old, p_body);
	IF api.organisation_same(old, new) THEN
		RETURN QUERY SELECT 200, old.version, api.organisation_json(old)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	UPDATE organisation o SET name = new.name, kind = new.kind,
		umbrella_id = new.umbrella_id, areas = new.areas, districts = new.districts,
		description = new.description, website = new.website, email = new.email,
		phone = new.phone, member_count = new.member_count,
		version = o.version + 1, updated_at = now()
	WHERE o.id = old.id RETURNING * INTO new;
	PERFORM audit_write(p_actor_type, p_actor_id, 'update', 'organisation', new.id,
		api.organisation_json(old), api.organisation_json(new), p_request_id);
	RETURN QUERY SELECT 200, new.version, api.organisation_json(new)::text, NULL::text, NULL::text;
END $$;

-- What a search for q matches: the words as written (Swedish stemming: "föreningar" finds
-- "förening") or as the beginnings of words ("sol" finds "Solrosen").
CREATE FUNCTION api.search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE AS $$
	SELECT websearch_to_tsquery('swedish', q) || coalesce((
		SELECT to_tsquery('swedish', string_agg(quote_literal(w) || ':*', ' & '))
		FROM regexp_split_to_table(lower(q), '[^[:alnum:]]+') w WHERE w <> ''), websearch_to_tsquery('swedish', q));
$$;

-- Lists. Filters come as one JSON object of checked values; the query text is built only
-- from fixed fragments, every value is a parameter. Cursors are JSON arrays whose first
-- element names the order they belong to.
CREATE FUNCTION api.organisation_list(p_filters jsonb, p_caller_kind text, p_user_id uuid,
	p_limit integer, p_cursor jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
	q text := nullif(btrim(p_filters->>'q'), '');
	sort text := coalesce(p_filters->>'sort', CASE WHEN q IS NULL THEN 'name' ELSE 'relevance' END);
	where_sql text := 'TRUE';
	order_sql text;
	after_sql text := 'TRUE';
	rank_sql text := '0::float8';
	cursor_sql text;
	c_text text;
	c_id uuid;
	c_ts timestamptz;
	c_rank float8;
	result text;
BEGIN
	IF p_cursor IS NOT NULL THEN
		BEGIN
			IF jsonb_typeof(p_cursor) <> 'array' OR jsonb_array_length(p_cursor) <> 3
			   OR p_cursor->>0 IS DISTINCT FROM sort THEN
				RAISE EXCEPTION 'cursor';
			END IF;
			c_id := (p_cursor->>2)::uuid;
			CASE sort
				WHEN 'name' THEN c_text := p_cursor->>1;
				WHEN '-created_at' THEN c_ts := (p_cursor->>1)::timestamptz;
				ELSE c_rank := (p_cursor->>1)::float8;
			END CASE;
			IF c_id IS NULL OR (c_text IS NULL AND c_ts IS NULL AND c_rank IS NULL) THEN
				RAISE EXCEPTION 'cursor';
			END IF;
		EXCEPTION WHEN OTHERS THEN
			RAISE EXCEPTION 'cursor is not one this service gave out for this order'
				USING ERRCODE = 'invalid_parameter_value';
		END;
	END IF;

	IF EXISTS (SELECT 1 FROM (VALUES ('kind', 'kind'), ('area', 'area'), ('district', 'district')) f(k, v)
		WHERE p_filters ? f.k AND NOT EXISTS (SELECT 1 FROM vocabulary
			WHERE vocabulary = f.v AND code = p_filters->>f.k)) THEN
		RAISE EXCEPTION 'a filter names a code that is not in the vocabularies'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_caller_kind = 'anonymous' THEN
		where_sql := 'o.status = ''verified''';
	ELSIF p_caller_kind = 'member' THEN
		where_sql := '(o.status = ''verified'' OR o.id IN (SELECT r.organisation_id '
			'FROM representative r WHERE r.user_id = $2))';
	END IF;
	IF p_filters ? 'status' THEN
		where_sql := where_sql || ' AND o.status = $1->>''status''';
	END IF;
	IF p_filters ? 'kind' THEN
		where_sql := where_sql || ' AND o.kind = $1->>''kind''';
	END IF;
	IF p_filters ? 'area' THEN
		where_sql := where_sql || ' AND o.areas @> ARRAY[$1->>''area'']';
	END IF;
	IF p_filters ? 'district' THEN
		where_sql := where_sql || ' AND o.districts @> ARRAY[$1->>''district'']';
	END IF;
	IF p_filters ? 'umbrella_id' THEN
		where_sql := where_sql || ' AND o.umbrella_id = ($1->>''umbrella_id'')::uuid';
	END IF;
	IF p_filters ? 'endorsed' THEN
		where_sql := where_sql || CASE WHEN (p_filters->>'endorsed')::boolean
			THEN ' AND api.organisation_endorsement(o.id) IS NOT NULL'
			ELSE ' AND api.organisation_endorsement(o.id) IS NULL' END;
	END IF;
	IF q IS NOT NULL THEN
		-- full text in Swedish (föreningar finds förening) or a name that starts with q
		where_sql := where_sql || ' AND (o.search @@ api.search_query($3)'
			' OR lower(o.name) LIKE api.like_escape(lower($3)) || ''%'')';
		rank_sql := '((lower(o.name) LIKE api.like_escape(lower($3)) || ''%'')::int'
			' + ts_rank(o.search, api.search_query($3)))::float8';
	END IF;

	CASE sort
		WHEN 'name' THEN
			order_sql := 'o.name COLLATE "sv-SE-x-icu", o.id';
			cursor_sql := 'jsonb_build_array(''name'', p.name, p.id)';
			IF p_cursor IS NOT NULL THEN
				after_sql := '(o.name COLLATE "sv-SE-x-icu", o.id) > ($4 COLLATE "sv-SE-x-icu", $5)';
			END IF;
		WHEN '-created_at' THEN
			order_sql := 'o.created_at DESC, o.id DESC';
			cursor_sql := 'jsonb_build_array(''-created_at'', api.ts(p.created_at), p.id)';
			IF p_cursor IS NOT NULL THEN
				after_sql := '(o.created_at, o.id) < ($6, $5)';
			END IF;
		ELSE
			order_sql := 'rank DESC, o.id';
			cursor_sql := 'jsonb_build_array(''relevance'', p.rank, p.id)';
			IF p_cursor IS NOT NULL THEN
				after_sql := '(' || rank_sql || ' < $7 OR (' || rank_sql || ' = $7 AND o.id > $5))';
			END IF;
	END CASE;

	EXECUTE format($f$
		WITH page AS (
			SELECT x.*, row_number() OVER () AS n FROM (
				SELECT o AS r, o.id, o.name, o.created_at, %s AS rank
				FROM organisation o WHERE %s AND %s
				ORDER BY %s LIMIT $8 + 1) x)
		SELECT json_build_object(
			'items', coalesce((SELECT json_agg(api.organisation_json(p.r) ORDER BY p.n)
				FROM page p WHERE p.n <= $8), '[]'::json),
			'next_cursor', (SELECT rtrim(translate(encode(convert_to(%s::text, 'UTF8'),
				'base64'), E'+/\n', '-_'), '=') FROM page p WHERE p.n = $8
				AND EXISTS (SELECT 1 FROM page x WHERE x.n = $8 + 1)))::text
		$f$, rank_sql, where_sql, after_sql, order_sql, cursor_sql)
	INTO result
	USING p_filters, p_user_id, q, c_text, c_id, c_ts, c_rank, p_limit;
	RETURN result;
END $$;

-- Members of an umbrella organisation, as the caller may see them.
CREATE FUNCTION api.organisation_members(p_id uuid, p_caller_kind text, p_user_id uuid,
	p_limit integer, p_cursor jsonb) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM organisation o WHERE o.id = p_id
		AND api.organisation_visible(o, p_caller_kind, p_user_id)) THEN
		RETURN NULL;
	END IF;
	RETURN api.organisation_list(jsonb_build_object('umbrella_id', p_id, 'sort', 'name'),
		p_caller_kind, p_user_id, p_limit, p_cursor);
END $$;

-- Representatives: who acts for an organisation. Admin and the organisation's signatories
-- may see and change them; others get 403 (or 404 when they may not see the organisation).
CREATE FUNCTION api.representative_json(r representative, u app_user) RETURNS jsonb
LANGUAGE sql STABLE RETURN jsonb_build_object('user_id', u.id, 'name', u.name,
	'email', u.email, 'role', r.role, 'since', api.ts(r.created_at));

CREATE FUNCTION api.representative_access(p_id uuid, p_caller_kind text, p_user_id uuid)
RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM organisation o WHERE o.id = p_id
			AND api.organisation_visible(o, p_caller_kind, p_user_id)) THEN 404
		WHEN p_caller_kind = 'admin' OR EXISTS (SELECT 1 FROM representative r
			WHERE r.organisation_id = p_id AND r.user_id = p_user_id
			AND r.role = 'signatory') THEN 200
		ELSE 403 END;
$$;

CREATE FUNCTION api.representatives_list(p_id uuid, p_caller_kind text, p_user_id uuid)
RETURNS TABLE (status integer, body text) LANGUAGE plpgsql STABLE AS $$
DECLARE
	access integer := api.representative_access(p_id, p_caller_kind, p_user_id);
BEGIN
	IF access <> 200 THEN
		RETURN QUERY SELECT access, NULL::text;
		RETURN;
	END IF;
	RETURN QUERY SELECT 200, json_build_object('items', coalesce((SELECT
		json_agg(api.representative_json(r, u) ORDER BY r.created_at, u.id)
		FROM representative r JOIN app_user u ON u.id = r.user_id
		WHERE r.organisation_id = p_id), '[]'::json))::text;
END $$;

-- A verified organisation always keeps at least one signatory.
CREATE FUNCTION api.organisation_keeps_signatory(p_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT status <> 'verified' OR EXISTS (SELECT 1 FROM representative r
		WHERE r.organisation_id = p_id AND r.role = 'signatory')
	FROM organisation WHERE id = p_id;
$$;

CREATE FUNCTION api.representative_add(p_id uuid, p_email text, p_role text,
	p_caller_kind text, p_user_id uuid, p_request_id text)
RETURNS TABLE (status integer, user_id uuid, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	access integer;
	u app_user;
	old representative;
	new representative;
BEGIN
	-- lock the organisation: changes to its representatives are serialised, so the
	-- "one signatory stays" rule cannot be broken by two requests at once
	PERFORM 1 FROM organisation WHERE id = p_id FOR UPDATE;
	access := api.representative_access(p_id, p_caller_kind, p_user_id);
	IF access <> 200 THEN
		RETURN QUERY SELECT access, NULL::uuid, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO u FROM app_user WHERE lower(email) = lower(p_email);
	IF NOT FOUND THEN
		RETURN QUERY SELECT 422, NULL::uuid, NULL::text, '/email',
			'no account has this e-mail address; the person registers first';
		RETURN;
	END IF;
	SELECT * INTO old FROM representative r WHERE r.organisation_id = p_id AND r.user_id = u.id;
	IF FOUND THEN
		IF old.role = p_role THEN
			RETURN QUERY SELECT 200, u.id, api.representative_json(old, u)::text, NULL::text, NULL::text;
			RETURN;
		END IF;
		UPDATE representative r SET role = p_role
		WHERE r.organisation_id = p_id AND r.user_id = u.id RETURNING * INTO new;
		IF NOT api.organisation_keeps_signatory(p_id) THEN
			RAISE EXCEPTION 'last signatory' USING ERRCODE = 'check_violation',
				CONSTRAINT = 'representative_last_signatory';
		END IF;
		PERFORM audit_write(CASE p_caller_kind WHEN 'client' THEN 'client' ELSE 'user' END,
			p_user_id, 'update', 'representative', p_id,
			api.representative_json(old, u), api.representative_json(new, u), p_request_id);
		RETURN QUERY SELECT 200, u.id, api.representative_json(new, u)::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	INSERT INTO representative (organisation_id, user_id, role) VALUES (p_id, u.id, p_role)
	RETURNING * INTO new;
	PERFORM audit_write('user', p_user_id, 'create', 'representative', p_id, NULL,
		api.representative_json(new, u), p_request_id);
	RETURN QUERY SELECT 201, u.id, api.representative_json(new, u)::text, NULL::text, NULL::text;
END $$;

CREATE FUNCTION api.representative_remove(p_id uuid, p_member uuid, p_caller_kind text,
	p_user_id uuid, p_request_id text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	access integer;
	old representative;
	u app_user;
BEGIN
	PERFORM 1 FROM organisation WHERE id = p_id FOR UPDATE;
	access := api.representative_access(p_id, p_caller_kind, p_user_id);
	IF access <> 200 THEN
		RETURN access;
	END IF;
	DELETE FROM representative r WHERE r.organisation_id = p_id AND r.user_id = p_member
	RETURNING * INTO old;
	IF NOT FOUND THEN
		RETURN 404;
	END IF;
	IF NOT api.organisation_keeps_signatory(p_id) THEN
		RAISE EXCEPTION 'last signatory' USING ERRCODE = 'check_violation',
			CONSTRAINT = 'representative_last_signatory';
	END IF;
	SELECT * INTO u FROM app_user WHERE id = p_member;
	PERFORM audit_write('user', p_user_id, 'delete', 'representative', p_id,
		api.representative_json(old, u), NULL, p_request_id);
	RETURN 204;
END $$;
