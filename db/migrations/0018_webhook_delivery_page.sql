-- migration: additive
-- 0018: a webhook's deliveries are paged like every other list ({items, next_cursor}, limit
-- and cursor), newest first. The JSON of one delivery moves into its own function so that the
-- page statement (service/src/db/statements.c) builds one row per delivery; the old
-- api.webhook_deliveries stays for binaries that still call it.

CREATE FUNCTION api.webhook_delivery_json(d webhook_delivery) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', d.id, 'event_id', e.id,
		'event_seq', d.event_seq, 'type', e.type, 'status', d.status,
		'attempts', d.attempts,
		'next_attempt_at', CASE WHEN d.status = 'pending' THEN api.ts(d.next_attempt_at) END,
		'last_status_code', d.last_status_code, 'created_at', api.ts(d.created_at),
		'delivered_at', api.ts(d.delivered_at),
		'attempts_log', coalesce((SELECT jsonb_agg(jsonb_build_object('at', api.ts(a.at),
			'status_code', a.status_code, 'error', a.error,
			'duration_ms', a.duration_ms) ORDER BY a.id)
			FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]'::jsonb))
	FROM change_event e WHERE e.seq = d.event_seq;
$$;
