-- migration: additive
-- 0019_paper_scan.sql -- the scanned copy of an endorsement received on paper, as a document
-- of its own kind of parent, visible to the secretariat only.
--
-- The model: the document points at its parent, as every other document does. 0016 gave
-- endorsement_paper a document_id without a foreign key, meant to name the scan among the
-- agreement's documents. That cannot hold a scan: an adopted agreement's documents are
-- public, and a scan carries a signature and the signatory's name. A key from the paper row
-- to the document would also need the document first and the paper row after, while the paper
-- row is append-only (audit_forbid_change): a scan that arrives a day later could never be
-- linked. So document gets a column endorsement_paper_id (a foreign key to the paper row,
-- which the database keeps whole), the row stays untouched, one paper may have several scans,
-- and api.endorsement_paper_json lists them. endorsement_paper.document_id is kept (dropping a
-- column is a breaking change) but no longer written: a check keeps it null for new rows, and
-- the API takes only null for it. Rows recorded before this migration keep what they hold.
--
-- Replaces api.document_json, api.document_public, api.document_create and
-- api.endorsement_paper_json/_create by their full new definitions, with the same signatures,
-- so a replica from before this migration keeps working on a database that has it.

ALTER TABLE document ADD COLUMN endorsement_paper_id uuid
	REFERENCES endorsement_paper (endorsement_id);
CREATE INDEX document_endorsement_paper_idx ON document (endorsement_paper_id, created_at, id)
	WHERE endorsement_paper_id IS NOT NULL;
ALTER TABLE document DROP CONSTRAINT document_parent_check;
ALTER TABLE document ADD CONSTRAINT document_parent_check CHECK (num_nonnulls(agreement_id,
	dialogue_id, consultation_response_id, follow_up_entry_id, endorsement_paper_id) = 1)
	NOT VALID;
ALTER TABLE document VALIDATE CONSTRAINT document_parent_check;

ALTER TABLE endorsement_paper ADD CONSTRAINT endorsement_paper_document_id_check
	CHECK (document_id IS NULL) NOT VALID;

CREATE OR REPLACE FUNCTION api.document_json(d document) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', d.id,
	'parent', CASE WHEN d.agreement_id IS NOT NULL
		THEN jsonb_build_object('type', 'agreement', 'id', d.agreement_id)
		WHEN d.dialogue_id IS NOT NULL
		THEN jsonb_build_object('type', 'dialogue', 'id', d.dialogue_id)
		WHEN d.consultation_response_id IS NOT NULL
		THEN jsonb_build_object('type', 'consultation_response', 'id',
			d.consultation_response_id)
		WHEN d.follow_up_entry_id IS NOT NULL
		THEN jsonb_build_object('type', 'follow_up_entry', 'id', d.follow_up_entry_id)
		ELSE jsonb_build_object('type', 'endorsement_paper', 'id', d.endorsement_paper_id) END,
	'title', d.title, 'language', d.language, 'type', d.type, 'filename', d.filename,
	'content_type', d.content_type, 'size', d.size, 'sha256', d.sha256,
	'content_url', '/api/v1/documents/' || d.id || '/content',
	'created_at', api.ts(d.created_at));

-- As in 0017, plus: a paper endorsement's scan is never public. api.document_visible needs no
-- new branch (admin sees every document; no one else sees a scan), so its definition stays;
-- the change-event trigger (document_changed) asks api.document_public and so makes no event
-- for a scan, as for a draft's documents; downloads of a scan are audited (api.document_open).
CREATE OR REPLACE FUNCTION api.document_public(d document) RETURNS boolean LANGUAGE sql STABLE
RETURN d.endorsement_paper_id IS NULL AND (d.dialogue_id IS NOT NULL
	OR d.follow_up_entry_id IS NOT NULL
	OR EXISTS (SELECT 1 FROM agreement a WHERE a.id = d.agreement_id AND a.status <> 'draft')
	OR EXISTS (SELECT 1 FROM consultation_response r JOIN agreement a ON a.id = r.agreement_id
		WHERE r.id = d.consultation_response_id
		  AND api.consultation_response_view(r, a, 'anonymous', NULL) = 'public'));

-- At most this many scans per paper endorsement: the paper's JSON lists them whole.
CREATE FUNCTION api.endorsement_paper_max_documents() RETURNS integer LANGUAGE sql IMMUTABLE
RETURN 10;

-- As in 0017, plus p_parent_type 'endorsement_paper' with the endorsement's id and
-- p_agreement_ref: the secretariat only (404 for anyone else, who may not know that the
-- endorsement came on paper), an endorsement of that agreement recorded on paper, at most
-- api.endorsement_paper_max_documents() scans (409 beyond).
CREATE OR REPLACE FUNCTION api.document_create(p_parent_type text, p_parent_ref text,
	p_meta jsonb, p_content bytea, p_actor_id uuid, p_request_id text, p_caller_kind text,
	p_agreement_ref text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	a agreement;
	d document;
	v_dialogue uuid;
	r consultation_response;
	v_entry uuid;
	v_paper uuid;
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
	ELSIF p_parent_type = 'endorsement_paper' THEN
		IF p_caller_kind = 'admin' THEN
			a := api.agreement_find(p_agreement_ref, 'admin');
			SELECT p.endorsement_id INTO v_paper FROM endorsement_paper p
				JOIN endorsement e ON e.id = p.endorsement_id
			WHERE p.endorsement_id = p_parent_ref::uuid AND e.agreement_id = a.id
			FOR UPDATE OF p;
		END IF;
		IF v_paper IS NULL THEN
			RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text,
				'there is no such endorsement received on paper';
			RETURN;
		END IF;
		-- the row lock above makes concurrent uploads to one paper count one after another
		IF (SELECT count(*) FROM document x WHERE x.endorsement_paper_id = v_paper)
			>= api.endorsement_paper_max_documents() THEN
			RETURN QUERY SELECT 409, NULL::integer, NULL::text, NULL::text,
				'a paper endorsement holds at most ' || api.endorsement_paper_max_documents()
				|| ' scanned documents';
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
		follow_up_entry_id, endorsement_paper_id, title, language, type, filename,
		content_type, content, created_by)
	VALUES (a.id, v_dialogue, r.id, v_entry, v_paper, btrim(p_meta->>'title'),
		p_meta->>'language', p_meta->>'type', p_meta->>'filename', p_meta->>'content_type',
		p_content, p_actor_id)
	RETURNING * INTO d;
	PERFORM audit_write('user', p_actor_id, 'upload', 'document', d.id, NULL,
		api.document_json(d), p_request_id);
	RETURN QUERY SELECT 201, NULL::integer, api.document_json(d)::text, NULL::text, NULL::text;
END $$;

-- The paper record as the secretariat sees it: the day the paper arrived, who recorded it
-- and when, and its scans (oldest first; at most api.endorsement_paper_max_documents()).
-- Only admin is ever shown it (api.endorsement_view, the answer that records it, the audit).
CREATE OR REPLACE FUNCTION api.endorsement_paper_json(p endorsement_paper) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('received_on', to_char(p.received_on, 'YYYY-MM-DD'),
		'recorded_at', api.ts(p.recorded_at),
		'recorded_by', (SELECT jsonb_build_object('id', u.id, 'name', u.name)
			FROM app_user u WHERE u.id = p.recorded_by),
		'documents', coalesce((SELECT jsonb_agg(api.document_json(d)
			ORDER BY d.created_at, d.id) FROM document d
			WHERE d.endorsement_paper_id = p.endorsement_id), '[]'::jsonb));
$$;

-- An endorsement as caller p_caller_kind sees it at p_as_of: api.endorsement_json (names and
-- mandate for admin and the organisation's people) and, for admin only, {paper} when it was
-- received on paper. The register, one endorsement and an organisation's history use it.
CREATE FUNCTION api.endorsement_view(e endorsement, p_caller_kind text, p_user_id uuid,
	p_as_of timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT api.endorsement_json(e, api.represents(e.organisation_id, p_caller_kind, p_user_id),
		p_as_of)
		|| CASE WHEN p_caller_kind = 'admin' THEN coalesce((SELECT jsonb_build_object('paper',
			api.endorsement_paper_json(p)) FROM endorsement_paper p
			WHERE p.endorsement_id = e.id), '{}'::jsonb) ELSE '{}'::jsonb END;
$$;

-- As in 0016, except document_id: the scan is uploaded to the paper afterwards
-- (api.document_create, 'endorsement_paper'), so only null is taken here (422 otherwise).
CREATE OR REPLACE FUNCTION api.endorsement_paper_create(p_ref text, p jsonb, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	w record;
	pr endorsement_paper;
BEGIN
	IF p ? 'document_id' AND jsonb_typeof(p->'document_id') <> 'null' THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/document_id',
			'must be null: the scan is uploaded to the paper endorsement''s documents';
		RETURN;
	END IF;
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
	INSERT INTO endorsement_paper (endorsement_id, received_on, recorded_by)
	VALUES ((w.body::jsonb->>'id')::uuid, (p->>'received_on')::date, p_user_id)
	RETURNING * INTO pr;
	PERFORM audit_write('user', p_user_id, 'record_paper', 'endorsement', pr.endorsement_id,
		NULL, api.endorsement_paper_json(pr), p_request_id);
	RETURN QUERY SELECT 201, w.version,
		(w.body::jsonb || jsonb_build_object('paper', api.endorsement_paper_json(pr)))::text,
		NULL::text, NULL::text;
END $$;
