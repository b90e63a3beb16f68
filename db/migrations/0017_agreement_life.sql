-- migration: additive
-- 0017_agreement_life.sql -- the agreement's life around its text: documents attached to
-- agreements and dialogues (and, by the same pattern, to whatever comes later), the
-- consultation (remiss) on a draft, and the follow-up (uppföljning) of its commitments.
--
-- Documents. One table holds the metadata and the bytes (bytea, at most 10 MB). A document
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
	CONSTRAINT document_parent_check CHECK (num_nonnulls(agreement_id, dialogue_id) = 1)
);
-- PDFs, images and zip-based office files are compressed already: storing them out of line
-- uncompressed saves the futile attempt and lets substring() (range requests) read only the
-- TOAST chunks it needs.
ALTER TABLE document ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX document_agreement_idx ON document (agreement_id, created_at, id)
	WHERE agreement_id IS NOT NULL;
CREATE INDEX document_dialogue_idx ON document (dialogue_id, created_at, id)
	WHERE dialogue_id IS NOT NULL;

CREATE FUNCTION api.document_json(d document) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', d.id,
	'parent', CASE WHEN d.agreement_id IS NOT NULL
		THEN jsonb_build_object('type', 'agreement', 'id', d.agreement_id)
		ELSE jsonb_build_object('type', 'dialogue', 'id', d.dialogue_id) END,
	'title', d.title, 'language', d.language, 'type', d.type, 'filename', d.filename,
	'content_type', d.content_type, 'size', d.size, 'sha256', d.sha256,
	'content_url', '/api/v1/documents/' || d.id || '/content',
	'created_at', api.ts(d.created_at));

-- Visibility follows the parent: a dialogue's documents are public, an agreement's are as
-- visible as the agreement (a draft's: the secretariat only).
CREATE FUNCTION api.document_public(d document) RETURNS boolean LANGUAGE sql STABLE
RETURN d.dialogue_id IS NOT NULL
	OR EXISTS (SELECT 1 FROM agreement a WHERE a.id = d.agreement_id AND a.status <> 'draft');

CREATE FUNCTION api.document_visible(d document, p_caller_kind text) RETURNS boolean
LANGUAGE sql STABLE
RETURN p_caller_kind = 'admin' OR api.document_public(d);

-- Stores an uploaded document under its parent (p_parent_type 'agreement' with an id or
-- slug, or 'dialogue' with an id). p_meta: title, language, type, filename, content_type
-- (checked against the bytes by the service). The caller is the secretariat (the route).
CREATE FUNCTION api.document_create(p_parent_type text, p_parent_ref text, p_meta jsonb,
	p_content bytea, p_actor_id uuid, p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement;
	d document;
	v_dialogue uuid;
BEGIN
	IF p_parent_type = 'agreement' THEN
		a := api.agreement_find(p_parent_ref, 'admin');
		IF a.id IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such agreement';
			RETURN;
		END IF;
	ELSE
		SELECT x.id INTO v_dialogue FROM dialogue x WHERE x.id = p_parent_ref::uuid;
		IF v_dialogue IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such dialogue';
			RETURN;
		END IF;
	END IF;
	INSERT INTO document (agreement_id, dialogue_id, title, language, type, filename,
		content_type, content, created_by)
	VALUES (a.id, v_dialogue, btrim(p_meta->>'title'), p_meta->>'language', p_meta->>'type',
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
	IF d.id IS NULL OR NOT api.document_visible(d, p_caller_kind) THEN
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
	('organisation', 'endorsement', 'dialogue', 'agreement', 'document', 'consultation_response',
	 'follow_up'));
ALTER TABLE webhook DROP CONSTRAINT webhook_types_check;
ALTER TABLE webhook ADD CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement', 'document',
	                   'consultation_response', 'follow_up']);

CREATE FUNCTION document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF api.document_public(NEW) THEN
		PERFORM change_emit('document', 'create', NEW.id, api.document_json(NEW));
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER document_changed AFTER INSERT ON document
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION document_changed();

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
