-- migration: additive
-- The council (rådet), continued: its changes on the change feed and webhooks (type
-- `council`), a member's term ended through the API, and the open-data composition.

-- Change events: a seat added and a member appointed or their term ended are events of
-- type `council`; data is the seat or the member as GET /api/v1/council shows them (names,
-- roles, parties and organisations public by office, nothing else).
ALTER TABLE change_event DROP CONSTRAINT change_event_type_check;
ALTER TABLE change_event ADD CONSTRAINT change_event_type_check CHECK (type IN
	('organisation', 'endorsement', 'dialogue', 'agreement', 'registration', 'representative',
	 'document', 'consultation_response', 'follow_up', 'council')) NOT VALID;
ALTER TABLE change_event VALIDATE CONSTRAINT change_event_type_check;
ALTER TABLE webhook DROP CONSTRAINT webhook_types_check;
ALTER TABLE webhook ADD CONSTRAINT webhook_types_check CHECK (cardinality(types) >= 1
	AND types <@ ARRAY['organisation', 'endorsement', 'dialogue', 'agreement', 'registration',
	                   'representative', 'document', 'consultation_response', 'follow_up',
	                   'council']) NOT VALID;
ALTER TABLE webhook VALIDATE CONSTRAINT webhook_types_check;

CREATE FUNCTION council_seat_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('council', 'create', NEW.id, jsonb_build_object('id', NEW.id,
		'category', NEW.category, 'title', NEW.title, 'members', '[]'::jsonb));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER council_seat_changed AFTER INSERT ON council_seat
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION council_seat_changed();

CREATE FUNCTION council_member_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM change_emit('council', CASE WHEN TG_OP = 'INSERT' THEN 'create' ELSE 'update' END,
		NEW.id, api.council_member_json(NEW));
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER council_member_changed AFTER INSERT OR UPDATE ON council_member
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION council_member_changed();

-- Ending a member's term: p_to is the last day (inclusive), not before the first; NULL opens
-- the term again (an end set by mistake). The first day never moves and nothing is deleted
-- (history is kept). Stretching an ordinary term into another's fails on
-- council_member_one_ordinary (23P01 -> 409), so the database still decides races.
CREATE FUNCTION api.council_member_end(p_seat uuid, p_member uuid, p_to date, p_user_id uuid,
	p_request_id text)
RETURNS TABLE (status integer, version integer, body text, field text, message text)
LANGUAGE plpgsql AS $$
DECLARE
	m council_member;
	old jsonb;
BEGIN
	SELECT * INTO m FROM council_member x WHERE x.id = p_member AND x.seat_id = p_seat FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 404, NULL::integer, NULL::text, NULL::text, NULL::text;
		RETURN;
	END IF;
	IF p_to IS NOT NULL AND p_to < lower(m.term) THEN
		RETURN QUERY SELECT 422, NULL::integer, NULL::text, '/to', 'must not be before from';
		RETURN;
	END IF;
	old := api.council_member_json(m);
	UPDATE council_member SET term = daterange(lower(m.term), p_to, '[]') WHERE id = m.id
	RETURNING * INTO m;
	PERFORM audit_write('user', p_user_id, 'update', 'council_member', m.id, old,
		api.council_member_json(m), p_request_id);
	RETURN QUERY SELECT 200, NULL::integer, api.council_member_json(m)::text, NULL::text, NULL::text;
END $$;

-- Open data: the council's composition, every term kept (past, current and future), one row
-- per member and term. Only what is public by office: the seat, the member's name and role,
-- a politician's party, an organisation seat's organisation, and the term.
CREATE FUNCTION api.open_council() RETURNS text LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('seat_id', s.id, 'seat', s.title,
		'category', s.category, 'name', m.name, 'role', m.role, 'party', m.party,
		'organisation_id', o.id, 'organisation', o.name,
		'from', to_char(lower(m.term), 'YYYY-MM-DD'),
		'to', CASE WHEN upper_inf(m.term) THEN NULL
			ELSE to_char(upper(m.term) - 1, 'YYYY-MM-DD') END)
		ORDER BY array_position(ARRAY['politician', 'official', 'organisation'], s.category),
			s.title, s.id, lower(m.term), m.role, m.name, m.id), '[]'::json)::text
	FROM council_seat s JOIN council_member m ON m.seat_id = s.id
	LEFT JOIN organisation o ON o.id = m.organisation_id;
$$;
