-- migration: breaking
-- 0011_write_contract.sql -- one paging mechanism for every list.
--
-- Each list is now one statement in service/src/db/statements.c that answers rows
-- (body, key, id) in the list's order, and the service writes the page and its cursor
-- (service/src/handlers/paging.c: base64url of [order, key, id]). So the functions that
-- built a whole page, and its cursor, in plpgsql go, together with api.cursor and its
-- "<created_at>|<id>" format. Write results need no change here: the statements adapt
-- the functions' rows to (status, version, id, body, field, message).

-- The time window of the dialogue list: from and to as RFC 3339 date-times or dates (a date
-- is its midnight, as before). A value that is neither is the client's mistake: 22023, which
-- the service answers with 400 and this message.
CREATE FUNCTION api.dialogue_window(p_from text, p_to text)
RETURNS TABLE (from_at timestamptz, to_at timestamptz) LANGUAGE plpgsql STABLE AS $$
BEGIN
	from_at := p_from::timestamptz;
	to_at := p_to::timestamptz;
	RETURN NEXT;
EXCEPTION WHEN OTHERS THEN
	RAISE EXCEPTION 'from and to must be RFC 3339 dates or date-times'
		USING ERRCODE = 'invalid_parameter_value';
END $$;

DROP FUNCTION api.cursor(timestamptz, uuid);
DROP FUNCTION api.dialogue_list(jsonb, integer, jsonb);
DROP FUNCTION api.agreement_list(text, integer, jsonb);
DROP FUNCTION api.endorsement_list(text, jsonb, text, uuid, integer, jsonb);
DROP FUNCTION api.audit_list(jsonb, integer, jsonb);
DROP FUNCTION api.registrations_list(uuid, text, text, uuid);
DROP FUNCTION api.representatives_list(uuid, text, uuid);
DROP FUNCTION api.organisation_endorsements(uuid, text, uuid);
DROP FUNCTION api.webhook_list(boolean, uuid);
