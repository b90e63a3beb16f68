-- migration: additive
-- 0017_agreement_life.sql -- the agreement's life around its text: documents attached to
-- agreements and dialogues (and, by the same pattern, to whatever comes later).
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
	('organisation', 'endorsement', 'dialogue', 'agreement', 'document'));
ALTER TABLE webhook DROP CONSTRAINT webhook_types_check;
ALTER TABLE webhook ADD CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement', 'document']);

CREATE FUNCTION document_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF api.document_public(NEW) THEN
		PERFORM change_emit('document', 'create', NEW.id, api.document_json(NEW));
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER document_changed AFTER INSERT ON document
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION document_changed();
