-- migration: additive
-- 0003_organisations.sql -- vocabularies and the register of idea-driven organisations,
-- with their representatives.

CREATE TABLE vocabulary (
	vocabulary text NOT NULL CHECK (vocabulary IN ('kind', 'area', 'district', 'dialogue_kind')),
	code       text NOT NULL,
	label_sv   text NOT NULL,
	label_en   text NOT NULL,
	position   integer NOT NULL,
	PRIMARY KEY (vocabulary, code)
);

INSERT INTO vocabulary (vocabulary, code, label_sv, label_en, position) VALUES
	('kind', 'ideell_forening', 'Ideell förening', 'Non-profit association', 1),
	('kind', 'stiftelse', 'Stiftelse', 'Foundation', 2),
	('kind', 'trossamfund', 'Trossamfund', 'Faith community', 3),
	('kind', 'ekonomisk_forening', 'Ekonomisk förening', 'Cooperative', 4),
	('kind', 'socialt_foretag', 'Socialt företag', 'Social enterprise', 5),
	('kind', 'paraplyorganisation', 'Paraplyorganisation', 'Umbrella organisation', 6),
	('kind', 'natverk', 'Nätverk', 'Network', 7),
	('kind', 'annan', 'Annan organisationsform', 'Other form', 8),
	('area', 'barn_unga', 'Barn och unga', 'Children and young people', 1),
	('area', 'aldre', 'Äldre', 'Older people', 2),
	('area', 'funktionsnedsattning', 'Funktionsnedsättning', 'Disability', 3),
	('area', 'integration', 'Integration och mångfald', 'Integration and diversity', 4),
	('area', 'hemloshet', 'Hemlöshet', 'Homelessness', 5),
	('area', 'beroende', 'Missbruk och beroende', 'Substance abuse and addiction', 6),
	('area', 'vald', 'Våld i nära relationer', 'Domestic violence', 7),
	('area', 'psykisk_halsa', 'Psykisk hälsa', 'Mental health', 8),
	('area', 'folkhalsa', 'Folkhälsa', 'Public health', 9),
	('area', 'kultur', 'Kultur', 'Culture', 10),
	('area', 'idrott', 'Idrott och friluftsliv', 'Sport and outdoor life', 11),
	('area', 'arbete', 'Arbete och sysselsättning', 'Work and employment', 12),
	('area', 'demokrati', 'Demokrati och inflytande', 'Democracy and participation', 13),
	('area', 'miljo', 'Miljö och hållbarhet', 'Environment and sustainability', 14),
	('district', 'angered', 'Angered', 'Angered', 1),
	('district', 'ostra_goteborg', 'Östra Göteborg', 'Östra Göteborg', 2),
	('district', 'orgryte_harlanda', 'Örgryte-Härlanda', 'Örgryte-Härlanda', 3),
	('district', 'centrum', 'Centrum', 'Centrum', 4),
	('district', 'majorna_linne', 'Majorna-Linné', 'Majorna-Linné', 5),
	('district', 'askim_frolunda_hogsbo', 'Askim-Frölunda-Högsbo', 'Askim-Frölunda-Högsbo', 6),
	('district', 'vastra_goteborg', 'Västra Göteborg', 'Västra Göteborg', 7),
	('district', 'vastra_hisingen', 'Västra Hisingen', 'Västra Hisingen', 8),
	('district', 'lundby', 'Lundby', 'Lundby', 9),
	('district', 'norra_hisingen', 'Norra Hisingen', 'Norra Hisingen', 10),
	('dialogue_kind', 'dialogmote', 'Dialogmöte', 'Dialogue meeting', 1),
	('dialogue_kind', 'konferens', 'Konferens', 'Conference', 2),
	('dialogue_kind', 'radsmote', 'Rådsmöte', 'Council meeting', 3),
	('dialogue_kind', 'arbetsgrupp', 'Arbetsgrupp', 'Working group', 4);

CREATE FUNCTION api.vocabulary_list(p_vocabulary text) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'label_sv', label_sv,
		'label_en', label_en) ORDER BY position), '[]'::jsonb)
	FROM vocabulary WHERE vocabulary = p_vocabulary;
$$;

CREATE FUNCTION api.vocabularies_json() RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'kinds', api.vocabulary_list('kind'),
		'areas', api.vocabulary_list('area'),
		'districts', api.vocabulary_list('district'),
		'dialogue_kinds', api.vocabulary_list('dialogue_kind'));
$$;

CREATE TABLE organisation (
	id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	-- NNNNNN-NNNN, third digit >= 2: a legal person, never a personnummer (C code checks Luhn)
	org_number    text CONSTRAINT organisation_org_number_check
	                CHECK (org_number ~ '^[0-9]{2}[2-9][0-9]{3}-[0-9]{4}$'),
	name          text NOT NULL CONSTRAINT organisation_name_check
	                CHECK (length(name) BETWEEN 2 AND 200 AND name = btrim(name)),
	kind          text NOT NULL,
	umbrella_id   uuid CONSTRAINT organisation_umbrella_id_fkey REFERENCES organisation (id),
	areas         text[] NOT NULL DEFAULT '{}',
	districts     text[] NOT NULL DEFAULT '{}',
	description   text CHECK (length(description) <= 5000),
	website       text CONSTRAINT organisation_website_check
	                CHECK (website ~* '^https?://[^/\s]+' AND length(website) <= 500),
	email         text CHECK (length(email) <= 254),
	phone         text CHECK (length(phone) <= 40),
	member_count  integer CONSTRAINT organisation_member_count_check
	                CHECK (member_count >= 0),
	status        text NOT NULL DEFAULT 'pending' CONSTRAINT organisation_status_check
	                CHECK (status IN ('pending', 'verified', 'rejected', 'inactive')),
	status_reason text CHECK (length(status_reason) <= 1000),
	version       integer NOT NULL DEFAULT 1,
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	search        tsvector GENERATED ALWAYS AS (
	                setweight(to_tsvector('swedish', name), 'A') ||
	                setweight(to_tsvector('swedish', coalesce(description, '')), 'B')) STORED
);
-- a duplicate organisation number is a 409 that names /org_number
CREATE UNIQUE INDEX organisation_org_number_key ON organisation (org_number);
-- list pages: Swedish order of names (å, ä, ö after z), then id for a total order
CREATE INDEX organisation_name_idx ON organisation ((name COLLATE "sv-SE-x-icu"), id);
CREATE INDEX organisation_created_idx ON organisation (created_at DESC, id DESC);
CREATE INDEX organisation_umbrella_idx ON organisation (umbrella_id) WHERE umbrella_id IS NOT NULL;
CREATE INDEX organisation_areas_idx ON organisation USING gin (areas);
CREATE INDEX organisation_districts_idx ON organisation USING gin (districts);
CREATE INDEX organisation_search_idx ON organisation USING gin (search);
CREATE INDEX organisation_name_prefix_idx ON organisation (lower(name) text_pattern_ops);
CREATE INDEX organisation_kind_idx ON organisation (kind);
CREATE INDEX organisation_status_idx ON organisation (status) WHERE status <> 'verified';

-- Vocabulary codes and umbrella cycles: checked here so that every writer obeys them. The
-- constraint names map to fields in the C code's table (handlers/common.c).
CREATE FUNCTION organisation_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	bad text;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM vocabulary WHERE vocabulary = 'kind' AND code = NEW.kind) THEN
		RAISE EXCEPTION 'unknown kind %', NEW.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_kind_check';
	END IF;
	SELECT a INTO bad FROM unnest(NEW.areas) a
	WHERE NOT EXISTS (SELECT 1 FROM vocabulary WHERE vocabulary = 'area' AND code = a) LIMIT 1;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'unknown area %', bad
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organisation_areas_check';
	END IF;
	SELECT d INTO bad FROM unnest(NEW.districts) d
	WHERE NOT EXISTS (SELECT 1 FROM vocabulary WHERE vocabulary = 'district' AND code = d) LIMIT 1;
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
CREATE TRIGGER organisation_check BEFORE INSERT OR UPDATE ON organisation
	FOR EACH ROW EXECUTE FUNCTION organisation_check();

CREATE TABLE representative (
	organisation_id uuid NOT NULL REFERENCES organisation (id),
	user_id         uuid NOT NULL REFERENCES app_user (id),
	role            text NOT NULL CHECK (role IN ('representative', 'signatory')),
	created_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX representative_user_idx ON representative (user_id);

CREATE FUNCTION api.legal_form(p_org_number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE left(p_org_number, 1)
	WHEN '1' THEN 'dodsbo'
	WHEN '2' THEN 'offentlig'
	WHEN '3' THEN 'utlandskt_foretag'
	WHEN '5' THEN 'aktiebolag'
	WHEN '6' THEN 'enkelt_bolag'
	WHEN '7' THEN 'ekonomisk_forening'
	WHEN '8' THEN 'ideell_forening_eller_stiftelse'
	WHEN '9' THEN 'handelsbolag_kommanditbolag'
END;

-- The organisation's active endorsement of the current agreement. The agreements
-- migration replaces this function; until then there is none.
CREATE FUNCTION api.organisation_endorsement(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE RETURN NULL::jsonb;

CREATE FUNCTION api.organisation_json(o organisation) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN jsonb_build_object('id', o.id, 'org_number', o.org_number, 'name', o.name,
	'kind', o.kind, 'umbrella_id', o.umbrella_id, 'areas', to_jsonb(o.areas),
	'districts', to_jsonb(o.districts), 'description', o.description, 'website', o.website,
	'email', o.email, 'phone', o.phone, 'member_count', o.member_count, 'status', o.status,
	'status_reason', o.status_reason, 'legal_form', api.legal_form(o.org_number),
	'endorsement', api.organisation_endorsement(o.id),
	'created_at', api.ts(o.created_at), 'updated_at', api.ts(o.updated_at));

-- May this caller see organisation o? p_caller_kind: anonymous, member, admin, client.
CREATE FUNCTION api.organisation_visible(o organisation, p_caller_kind text, p_user_id uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT o.status = 'verified' OR p_caller_kind IN ('admin', 'client')
		OR (p_caller_kind = 'member' AND EXISTS (SELECT 1 FROM representative r
			WHERE r.organisation_id = o.id AND r.user_id = p_user_id));
$$;

-- /me now lists the organisations the person acts for.
CREATE OR REPLACE FUNCTION api.me_json(p_user_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT api.user_json(u) || jsonb_build_object('organisations',
		(SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name,
			'role', r.role) ORDER BY o.name COLLATE "sv-SE-x-icu", o.id), '[]'::jsonb)
		 FROM representative r JOIN organisation o ON o.id = r.organisation_id
		 WHERE r.user_id = u.id))
	FROM app_user u WHERE u.id = p_user_id;
$$;
