-- migration: additive
-- 0012_webhook_owners.sql -- a webhook delivers only while its owner may read the change feed.
--
-- A webhook carries the change feed to its owner: the same events, with the same data, as
-- GET /api/v1/changes, which only the secretariat (admin) and clients holding changes:read may
-- read. So a delivery is queued only while the owner may read the feed: an admin who is not
-- disabled, or a client that is not deleted and holds changes:read. (Creating a webhook also
-- needs changes:read; the service checks that.) When an owner loses that right (a client is
-- deleted, a person is disabled or stops being admin), the deliveries still pending for
-- their webhooks fail at once, with the reason, and no new ones are queued; the webhooks
-- themselves are kept (an owner who gets the right back gets new events again).

CREATE FUNCTION api.webhook_owner_may_read(p_owner_type text, p_owner_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT CASE p_owner_type
		WHEN 'user' THEN EXISTS (SELECT 1 FROM app_user u
			WHERE u.id = p_owner_id AND u.role = 'admin' AND NOT u.disabled)
		ELSE EXISTS (SELECT 1 FROM api_client c
			WHERE c.id = p_owner_id AND c.deleted_at IS NULL AND 'changes:read' = ANY (c.scopes))
	END;
$$;

-- The sequencer queues deliveries only for owners who may read the feed now.
CREATE OR REPLACE FUNCTION change_number(p_batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	last bigint;
	numbered integer;
BEGIN
	SELECT coalesce(max(seq), 0) INTO last FROM change_event;
	WITH batch AS (
		SELECT e.pos, last + row_number() OVER (ORDER BY e.pos) AS seq
		FROM change_event e WHERE e.seq IS NULL ORDER BY e.pos LIMIT p_batch),
	done AS (
		UPDATE change_event e SET seq = b.seq FROM batch b WHERE e.pos = b.pos
		RETURNING e.seq, e.type),
	queued AS (
		INSERT INTO webhook_delivery (webhook_id, event_seq)
		SELECT w.id, d.seq FROM done d JOIN webhook w ON w.deleted_at IS NULL
			AND d.type = ANY (w.types) AND api.webhook_owner_may_read(w.owner_type, w.owner_id)
		RETURNING 1)
	SELECT count(*) INTO numbered FROM done;
	RETURN numbered;
END $$;

-- An owner who may no longer read the feed: their pending deliveries fail now.
CREATE FUNCTION webhook_owner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT api.webhook_owner_may_read(TG_ARGV[0], NEW.id) THEN
		UPDATE webhook_delivery d SET status = 'failed', locked_until = NULL,
			last_error = 'the webhook''s owner may no longer read the change feed'
		FROM webhook w
		WHERE w.id = d.webhook_id AND w.owner_type = TG_ARGV[0] AND w.owner_id = NEW.id
		  AND d.status = 'pending';
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER webhook_owner_changed AFTER UPDATE ON api_client
	FOR EACH ROW EXECUTE FUNCTION webhook_owner_changed('client');
CREATE TRIGGER webhook_owner_changed AFTER UPDATE ON app_user
	FOR EACH ROW EXECUTE FUNCTION webhook_owner_changed('user');

-- Pending deliveries that an owner lost the right to while they waited are never sent.
UPDATE webhook_delivery d SET status = 'failed', locked_until = NULL,
	last_error = 'the webhook''s owner may no longer read the change feed'
FROM webhook w
WHERE w.id = d.webhook_id AND d.status = 'pending'
  AND NOT api.webhook_owner_may_read(w.owner_type, w.owner_id);
